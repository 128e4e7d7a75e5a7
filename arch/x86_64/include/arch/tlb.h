/*
 * TLB maintenance on this CPU and the shoot-down protocol's hooks for the
 * SMP code. The generic entry point, tlb_flush_kernel_range, is declared
 * with the rest of the kernel memory interface in <ferrite/mm.h>.
 */
#ifndef ARCH_TLB_H
#define ARCH_TLB_H

#include <ferrite/compiler.h>

/* Invalidate [va, va + size) on this CPU only, global entries included. */
void tlb_flush_local_range(uint64_t va, uint64_t size);
/* Invalidate this CPU's whole TLB, global entries included. */
void tlb_flush_local_all(void);

/*
 * Carry out a shoot-down another CPU has posted to this one, if any. Called
 * by the VEC_IPI_TLB handler and by every loop that waits on other CPUs with
 * interrupts off, so that two CPUs waiting on each other both progress.
 */
void tlb_poll(void);

/* Route VEC_IPI_TLB to its handler; once, before the other CPUs start. */
void tlb_smp_init(void);

#endif
