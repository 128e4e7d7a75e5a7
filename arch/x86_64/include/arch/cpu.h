/*
 * Small CPU primitives as inline functions: interrupt flag, control
 * registers, MSRs, port I/O, TLB invalidation, pause/halt. This is where
 * generic code gets at the CPU; the host unit tests supply their own
 * version of this header with harmless stand-ins.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>
#include <stdbool.h>

#define X86_RFLAGS_IF	(1UL << 9)

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & X86_RFLAGS_IF)
		__asm__ __volatile__("sti" : : : "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ __volatile__("sti" : : : "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ __volatile__("cli" : : : "memory");
}

static inline bool arch_irq_enabled(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags));
	return flags & X86_RFLAGS_IF;
}

static inline void arch_cpu_relax(void)
{
	__asm__ __volatile__("pause" : : : "memory");
}

static inline void arch_halt(void)
{
	__asm__ __volatile__("hlt" : : : "memory");
}

/* Enable interrupts and halt in one step, so a wake-up cannot slip between. */
static inline void arch_safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" : : : "memory");
}

static inline void arch_invlpg(uint64_t va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t arch_read_cr2(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t arch_read_cr3(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void arch_write_cr3(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t arch_read_cr0(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void arch_write_cr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t arch_read_cr4(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void arch_write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* Flush every non-global TLB entry of this CPU. */
static inline void arch_flush_tlb(void)
{
	arch_write_cr3(arch_read_cr3());
}

static inline uint64_t arch_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void arch_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v),
			     "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t arch_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * One 64-bit value from the CPU's random number generator (RDRAND: a
 * DRBG output; RDSEED: conditioned entropy). False when the CPU had none
 * ready (CF clear); callers retry a few times. Only with X86_RDRAND /
 * X86_RDSEED (cpufeature.h).
 */
static inline bool arch_rdrand64(uint64_t *v)
{
	bool ok;

	__asm__ __volatile__("rdrand %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

static inline bool arch_rdseed64(uint64_t *v)
{
	bool ok;

	__asm__ __volatile__("rdseed %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

static inline void arch_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a,
			      uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(sub));
}

static inline void arch_outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void arch_outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void arch_outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t arch_inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t arch_inw(uint16_t port)
{
	uint16_t v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t arch_inl(uint16_t port)
{
	uint32_t v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

struct gdt_ptr;

/* Load a GDT and reload every segment register (CS through a far return). */
static inline void arch_load_gdt(const void *gdtr, uint16_t cs, uint16_t ds)
{
	__asm__ __volatile__("lgdt (%0)\n\t"
			     "pushq %q1\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movw %w2, %%ds\n\t"
			     "movw %w2, %%es\n\t"
			     "movw %w2, %%ss\n\t"
			     "xorl %%eax, %%eax\n\t"
			     "movw %%ax, %%fs\n\t"
			     "movw %%ax, %%gs\n\t"
			     : : "r"(gdtr), "r"((uint64_t)cs), "r"((uint32_t)ds) : "rax", "memory");
}

static inline void arch_load_tr(uint16_t sel)
{
	__asm__ __volatile__("ltr %0" : : "r"(sel));
}

/* Call @fn(@arg) with the stack pointer at @stack_top; returns when @fn does. */
static inline void arch_call_on_stack(uint64_t stack_top, void (*fn)(void *), void *arg)
{
	__asm__ __volatile__("movq %%rsp, %%rbx\n\t"
			     "movq %0, %%rsp\n\t"
			     "callq *%1\n\t"
			     "movq %%rbx, %%rsp"
			     : : "r"(stack_top), "r"(fn), "D"(arg)
			     : "rbx", "rax", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory");
}

static inline uint64_t arch_read_rbp(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%rbp, %0" : "=r"(v));
	return v;
}

#endif
