/*
 * Interrupt and exception entry. Every IDT vector has a small stub that
 * pushes a zero error code when the CPU does not push one, then the vector
 * number, and jumps to trap_common, which saves the general registers as a
 * struct trap_frame, switches GS to the kernel's per-CPU base when the trap
 * came from user mode, and calls trap_dispatch(frame). Intel SDM vol. 3
 * §6.14 (64-bit mode exception and interrupt handling).
 */

/* vectors for which the CPU pushes an error code: #DF #TS #NP #SS #GP #PF #AC #CP */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21)

#include <arch/frame.h>

	.text
	.altmacro
	.macro trap_stub vec
	.balign 16
trap_stub_\vec:
	.if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21)
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
	.endm

	.set i, 0
	.rept 256
	trap_stub %i
	.set i, i + 1
	.endr

	.balign 16
trap_common:
	/* frame so far: vector, error, rip, cs, rflags, rsp, ss */
	testb $3, 24(%rsp)		/* from user mode? */
	jz 1f
	swapgs
1:	push_regs
	cld
	movq %rsp, %rdi
	/* a frame link so backtraces run through the interrupted code */
	pushq 17 * 8(%rsp)		/* rip of the interrupted code */
	pushq %rbp
	movq %rsp, %rbp
	call trap_dispatch
	addq $16, %rsp
	.globl trap_return
trap_return:
	pop_regs
	testb $3, 24(%rsp)
	jz 2f
	swapgs
2:	addq $16, %rsp			/* vector and error code */
	iretq

	.macro stub_addr vec
	.quad trap_stub_\vec
	.endm

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.set i, 0
	.rept 256
	stub_addr %i
	.set i, i + 1
	.endr
