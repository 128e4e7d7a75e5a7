/*
 * Start code for the other CPUs. A STARTUP IPI leaves a CPU in real mode at
 * TRAMPOLINE_PHYS (CS = TRAMPOLINE_PHYS >> 4, IP = 0), caches off and
 * paging off. From there: protected mode with a flat GDT, then PAE, the
 * temporary PML4, EFER.LME (and NXE, since the kernel's tables use NX),
 * paging on: long mode, still running in the identity-mapped low page.
 * Then a jump to smp_ap_start64 in the kernel's text, which loads the
 * kernel page tables and the CPU's own stack and calls smp_ap_entry.
 *
 * The code between smp_trampoline_start and smp_trampoline_end is only data
 * to the kernel: smp_init copies it to TRAMPOLINE_PHYS. It therefore names
 * its own labels by physical address, TRAMPOLINE_PHYS plus the offset from
 * smp_trampoline_start (the TP macro), never by link address.
 *
 * Intel SDM vol. 3 §8.4.4 (MP initialization), §9.9.1 (switching to
 * protected mode), §9.8.5 (initializing IA-32e mode).
 */
#include <arch/trampoline.h>

#define TP(label)	(TRAMPOLINE_PHYS + ((label) - smp_trampoline_start))

#define CR0_PE		0x00000001
#define CR0_ET		0x00000010
#define CR0_NE		0x00000020
#define CR0_WP		0x00010000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080

	.section .rodata, "a"
	.balign 16
	.globl smp_trampoline_start, smp_trampoline_data, smp_trampoline_end

	.code16
smp_trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds			/* flat: TP() addresses are below 64 KiB */
	movl $1, TP(smp_trampoline_data) + TD_ALIVE
	lgdtl TP(.Lgdt_ptr)
	/* Protected mode; writing CR0 whole also clears CD and NW, which
	 * INIT leaves set. */
	movl $(CR0_PE | CR0_ET | CR0_NE), %eax
	movl %eax, %cr0
	ljmpl $TRAMPOLINE_CS32, $TP(.Lprotected)

	.code32
.Lprotected:
	movw $TRAMPOLINE_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movl $CR4_PAE, %eax
	movl %eax, %cr4
	movl TP(smp_trampoline_data) + TD_PML4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl TP(smp_trampoline_data) + TD_EFER, %eax
	wrmsr
	movl $(CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE), %eax
	movl %eax, %cr0
	ljmpl $TRAMPOLINE_CS64, $TP(.Llong)

	.code64
.Llong:
	/* Read everything now: the low page goes away with the new CR3. */
	movq TP(smp_trampoline_data) + TD_CPU, %rdi
	movq TP(smp_trampoline_data) + TD_KERNEL_CR3, %rsi
	movq TP(smp_trampoline_data) + TD_STACK, %rdx
	movabsq $smp_ap_start64, %rax
	jmp *%rax

	.balign 8
.Lgdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad 0x00cf92000000ffff	/* 0x10: data, flat */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
.Lgdt_end:
.Lgdt_ptr:
	.short .Lgdt_end - .Lgdt - 1
	.long TP(.Lgdt)

	.balign 8
smp_trampoline_data:
	.skip TD_SIZE
smp_trampoline_end:

	.text
	.code64
/*
 * smp_ap_start64(cpu = %rdi, kernel page tables = %rsi, stack top = %rdx):
 * in the kernel's text, reachable from the temporary tables and the kernel
 * ones alike. Interrupts are still off; the GDT is the trampoline's until
 * smp_ap_entry loads the CPU's own.
 */
	.globl smp_ap_start64
	.type smp_ap_start64, @function
smp_ap_start64:
	movq %rsi, %cr3
	movq %rdx, %rsp
	xorl %ebp, %ebp			/* ends backtraces here */
	call smp_ap_entry
1:	cli
	hlt
	jmp 1b
	.size smp_ap_start64, . - smp_ap_start64
