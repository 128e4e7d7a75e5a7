/*
 * Per-CPU data. Each CPU's struct cpu is reached through the GS base
 * (%gs:0 holds its own address), so this_cpu() is one instruction and needs
 * no lock. Fields tagged [o] belong to their CPU; others say what guards them.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <ferrite/compiler.h>

#define GDT_KERNEL_CS	0x10
#define GDT_KERNEL_DS	0x18
#define GDT_USER32_CS	0x23
#define GDT_USER_DS	0x2b
#define GDT_USER_CS	0x33
#define GDT_TSS		0x40
#define GDT_ENTRIES	10

#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3
#define IST_STACK_SIZE	8192
#define KSTACK_SIZE	16384

struct smp_call;
struct tlb_req;

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

struct cpu {
	struct cpu *self;		/* [I] %gs:0 */
	uint64_t syscall_rsp;		/* [o] %gs:8 kernel stack top for syscall entry */
	uint64_t user_rsp;		/* [o] %gs:16 user rsp saved at syscall entry */
	int id;				/* [I] logical number, 0 = boot CPU */
	uint32_t apic_id;		/* [I] */
	bool online;			/* [a] */
	uint64_t stack_top;		/* [I] this CPU's idle/boot kernel stack */
	uint64_t ist_top[3];		/* [I] #DF, NMI, #MC stacks */
	uint64_t gdt[GDT_ENTRIES] __aligned(16);	/* [o] */
	struct tss tss __aligned(16);	/* [o] */
	uint64_t ticks;			/* [o] timer interrupts taken */
	volatile int in_panic;		/* [a] */
	struct smp_call *ipi_call;	/* [a] cross-CPU call posted to this CPU, or NULL */
	struct tlb_req *ipi_tlb;	/* [a] TLB shoot-down posted to this CPU, or NULL */
	struct task *curr_task;		/* [o] the task running here */
	void *rq;			/* [I] the scheduler's run queue of this CPU */
	bool tick_from_user;		/* [o] the current interrupt came from user mode */
};

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

static inline int this_cpu_id(void)
{
	return this_cpu()->id;
}

extern struct cpu boot_cpu;
extern struct cpu **cpus;	/* [I after SMP start] indexed by logical id */
extern int nr_cpus;		/* [I after SMP start] CPUs found */
extern int nr_cpus_online;	/* [a] */

void cpu_setup(struct cpu *cpu);	/* GDT, TSS, GS base, IDT, control registers */
void cpu_setup_boot(uint64_t stack_top);

#endif
