/*
 * The real-mode start code for the other CPUs (Intel SDM vol. 3 §8.4.4,
 * MP initialization; §9.9 mode switching). The code is assembled into the
 * kernel image and copied at start-up into a fixed page of the low 1 MiB,
 * which memblock keeps out of the page allocator; a STARTUP IPI with that
 * page's number makes a CPU begin there in real mode. The temporary page
 * tables the code needs (the kernel half plus an identity map of the low
 * 2 MiB, so that turning paging on does not pull the code from under the
 * CPU) lie in the three pages after it. The boot loader's information that
 * may have been in that area has been copied out long before.
 *
 * A data block at the end of the code tells the starting CPU its page
 * tables, stack and struct cpu; it is shared by both languages, so its
 * offsets are written here once and checked against the C layout.
 */
#ifndef ARCH_TRAMPOLINE_H
#define ARCH_TRAMPOLINE_H

#define TRAMPOLINE_PHYS		0x8000	/* code and data; STARTUP vector 0x08 */
#define TRAMPOLINE_PML4_PHYS	0x9000	/* temporary PML4, loaded in 32-bit mode */
#define TRAMPOLINE_PDPT_PHYS	0xa000	/* identity map of the low 2 MiB */
#define TRAMPOLINE_PD_PHYS	0xb000

/* Selectors of the trampoline's own GDT. */
#define TRAMPOLINE_CS32		0x08
#define TRAMPOLINE_DS		0x10
#define TRAMPOLINE_CS64		0x18

/* Offsets inside struct smp_trampoline_data. */
#define TD_ALIVE	0	/* u32: set to 1 by the CPU as soon as it runs */
#define TD_PML4		4	/* u32: physical address of the temporary PML4 */
#define TD_EFER		8	/* u32: bits to set in EFER (LME, NXE) */
#define TD_KERNEL_CR3	16	/* u64: kernel_pgtable_root */
#define TD_STACK	24	/* u64: top of the CPU's kernel stack */
#define TD_CPU		32	/* u64: its struct cpu */
#define TD_SIZE		40

#ifndef __ASSEMBLER__
#include <ferrite/compiler.h>

struct cpu;

struct smp_trampoline_data {
	uint32_t alive;
	uint32_t pml4;
	uint32_t efer;
	uint32_t reserved;
	uint64_t kernel_cr3;
	uint64_t stack_top;
	uint64_t cpu;
};

BUILD_BUG_ON(offsetof(struct smp_trampoline_data, alive) != TD_ALIVE);
BUILD_BUG_ON(offsetof(struct smp_trampoline_data, pml4) != TD_PML4);
BUILD_BUG_ON(offsetof(struct smp_trampoline_data, efer) != TD_EFER);
BUILD_BUG_ON(offsetof(struct smp_trampoline_data, kernel_cr3) != TD_KERNEL_CR3);
BUILD_BUG_ON(offsetof(struct smp_trampoline_data, stack_top) != TD_STACK);
BUILD_BUG_ON(offsetof(struct smp_trampoline_data, cpu) != TD_CPU);
BUILD_BUG_ON(sizeof(struct smp_trampoline_data) != TD_SIZE);

/* The code to copy, and where inside it the data block is. */
extern const char smp_trampoline_start[], smp_trampoline_data[], smp_trampoline_end[];

/* Where a started CPU lands in C: on its own stack, kernel page tables loaded. */
__noreturn void smp_ap_entry(struct cpu *cpu);
#endif

#endif
