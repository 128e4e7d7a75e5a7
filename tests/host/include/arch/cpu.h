/*
 * Host stand-ins for the CPU primitives, so that pure kernel code can be
 * unit-tested as an ordinary program: no interrupts, no TLB, no ports.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>
#include <stdbool.h>

static inline unsigned long arch_irq_save(void) { return 0; }
static inline void arch_irq_restore(unsigned long flags) { (void)flags; }
static inline void arch_irq_enable(void) {}
static inline void arch_irq_disable(void) {}
static inline bool arch_irq_enabled(void) { return false; }
static inline void arch_cpu_relax(void) {}
static inline void arch_invlpg(uint64_t va) { (void)va; }
static inline void arch_flush_tlb(void) {}

#endif
