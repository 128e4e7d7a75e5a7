/*
 * Kernel stack switching. arch_switch_to(prev, next) saves the callee-saved
 * registers (SysV ABI) on prev's stack, stores rsp in prev->ksp (offset 0 of
 * struct task), loads next->ksp and pops next's registers; the return value
 * is prev. A new task's stack is prepared by arch_task_init_stack to "return"
 * into task_first_entry with the function and argument in r12/r13.
 */
	.text
	.globl arch_switch_to
arch_switch_to:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	movq %rdi, %rax
	ret

	.globl task_first_entry
task_first_entry:
	/* rax = the task switched away from; finish the switch, then run fn(arg) */
	movq %rax, %rdi
	call sched_finish_switch
	movq %r13, %rdi
	movq %r12, %rsi
	xorl %ebp, %ebp
	call sched_task_start
	ud2
