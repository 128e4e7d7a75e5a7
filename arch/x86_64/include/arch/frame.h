/*
 * Shared by C and the entry code: the vector that marks a trap_frame built
 * by the syscall entry, and (assembly only) the general-register part of
 * struct trap_frame (arch/trap.h), pushed and popped in one place for the
 * interrupt entry and the syscall entry.
 */
#ifndef ARCH_FRAME_H
#define ARCH_FRAME_H

#define TRAP_SYSCALL	0x100

#ifdef __ASSEMBLER__

	.macro push_regs
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro pop_regs
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	.endm
#endif

#endif
