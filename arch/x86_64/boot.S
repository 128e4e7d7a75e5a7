/*
 * Boot entry. Both boot paths arrive here in 32-bit protected mode with
 * paging off: QEMU's -kernel loader speaks Multiboot (it refuses ELF64, so
 * the Multiboot header carries the "address fields" that let it load our
 * image as a flat file), and GRUB speaks Multiboot2 (it reads our ELF64
 * program headers). _start checks for long mode, builds throw-away page
 * tables that identity-map the low 4 GiB and map the kernel image at
 * KERNEL_VMA, enters 64-bit mode, jumps to the higher half and calls
 * kernel_main(magic, boot information physical address).
 *
 * Multiboot specification 0.6.96 §3.1; Multiboot2 specification §3.1;
 * Intel SDM vol. 3 §9.8.5 (initializing IA-32e mode).
 */
#include <arch/memlayout.h>

#define MB1_MAGIC	0x1BADB002
#define MB1_FLAGS	((1 << 0) | (1 << 1) | (1 << 16))	/* align mods, mem info, addresses */
#define MB2_MAGIC	0xE85250D6

#define V2P(x)		((x) - KERNEL_VMA)

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header		/* header_addr (this section is at its physical address) */
	.long _load_start_phys		/* load_addr */
	.long _load_end_phys		/* load_end_addr */
	.long _bss_end_phys		/* bss_end_addr */
	.long _start			/* entry_addr */

	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0				/* i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
	/* entry address tag */
	.balign 8
	.short 3, 0
	.long 12
	.long _start
	/* framebuffer tag: optional, any mode GRUB likes, 32 bpp preferred */
	.balign 8
	.short 5, 1
	.long 20
	.long 1024, 768, 32
	/* module alignment tag: page-aligned modules */
	.balign 8
	.short 6, 0
	.long 8
	/* end tag */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, %edi			/* boot magic: first argument of kernel_main */
	movl %ebx, %esi			/* boot information: second argument */
	movl $V2P(boot_stack_top), %esp

	/* Long mode is required: CPUID leaf 0x80000001, EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode

	/* PML4[0], PML4[273] and PML4[511] */
	movl $V2P(boot_pdpt_low), %eax
	orl $0x3, %eax
	movl %eax, V2P(boot_pml4)
	movl %eax, V2P(boot_pml4) + 273 * 8	/* DIRECT_MAP_BASE: low 4 GiB too */
	movl $V2P(boot_pdpt_high), %eax
	orl $0x3, %eax
	movl %eax, V2P(boot_pml4) + 511 * 8

	/* PDPT_low[0..3] -> PD0..PD3; PDPT_high[510] -> PD0 (KERNEL_VMA = phys 0) */
	movl $V2P(boot_pd), %eax
	orl $0x3, %eax
	movl %eax, V2P(boot_pdpt_low)
	movl %eax, V2P(boot_pdpt_high) + 510 * 8
	addl $4096, %eax
	movl %eax, V2P(boot_pdpt_low) + 8
	movl %eax, V2P(boot_pdpt_high) + 511 * 8
	addl $4096, %eax
	movl %eax, V2P(boot_pdpt_low) + 16
	addl $4096, %eax
	movl %eax, V2P(boot_pdpt_low) + 24

	/* 2048 2-MiB pages covering 0..4 GiB */
	movl $V2P(boot_pd), %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax			/* present, writable, huge */
	movl %eax, (%ebx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax			/* high dword: bits 32+ of the address */
	movl %eax, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	movl %cr4, %eax
	orl $(1 << 5), %eax		/* PAE */
	movl %eax, %cr4
	movl $V2P(boot_pml4), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx		/* EFER */
	rdmsr
	orl $(1 << 8), %eax		/* LME */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax	/* PG, WP, PE */
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode_low

no_long_mode:
	movl $no_lm_msg, %esi
2:	lodsb
	testb %al, %al
	jz 4f
	movb %al, %bl
	movw $0x3fd, %dx		/* wait for the COM1 transmitter */
3:	inb %dx, %al
	testb $0x20, %al
	jz 3b
	movw $0x3f8, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 2b
4:	hlt
	jmp 4b

	.code64
long_mode_low:
	movabsq $long_mode_high, %rax
	jmp *%rax

	.section .boot.data, "a"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt
no_lm_msg:
	.asciz "Ferrite: this CPU has no 64-bit long mode; cannot boot.\r\n"

	.text
	.code64
long_mode_high:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* %edi = magic, %esi = boot information (zero-extended by the 32-bit moves) */
	call kernel_main
5:	cli
	hlt
	jmp 5b

	.section .bss
	.balign 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip 16384
boot_stack_top:
