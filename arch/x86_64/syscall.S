/*
 * The syscall instruction's entry (AMD APM vol. 2 §6.1.1, Intel SDM vol. 3
 * §5.8.8). On entry rcx holds the user rip, r11 the user rflags, rsp is
 * still the user stack and GS the user's: swapgs, switch to the task's
 * kernel stack (%gs:8), and build a struct trap_frame like an interrupt's
 * (vector TRAP_SYSCALL, error = the syscall number) so that signals, fork
 * and exec see one frame layout. The way out is sysretq when the frame
 * allows it (syscall_exit decides) and iretq otherwise.
 */
#include <arch/frame.h>

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:16
	movq %gs:8, %rsp
	pushq $0x2b			/* ss */
	pushq %gs:16			/* rsp */
	pushq %r11			/* rflags */
	pushq $0x33			/* cs */
	pushq %rcx			/* rip */
	pushq %rax			/* error: orig rax, the syscall number */
	pushq $TRAP_SYSCALL		/* vector */
	push_regs
	movq %rsp, %rdi
	pushq 17 * 8(%rsp)		/* frame link for backtraces */
	pushq $0
	movq %rsp, %rbp
	sti
	call syscall_dispatch		/* returns with interrupts off; eax = 1: sysret */
	addq $16, %rsp
	testl %eax, %eax
	jz syscall_exit_iret
	pop_regs
	movq 16(%rsp), %rcx		/* rip */
	movq 32(%rsp), %r11		/* rflags */
	movq 40(%rsp), %rsp		/* user rsp; interrupts are off */
	swapgs
	sysretq
syscall_exit_iret:
	jmp trap_return

	.globl arch_return_to_user
arch_return_to_user:
	cli
	movq %rdi, %rsp
	jmp trap_return
