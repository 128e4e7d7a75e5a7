/*
 * What the scheduler and process code need from the CPU: switching kernel
 * stacks, entering user space, the syscall MSRs, FPU/SSE state and the FS
 * base. Everything else about a task is generic (include/ferrite/sched.h).
 */
#ifndef ARCH_TASK_H
#define ARCH_TASK_H

#include <ferrite/compiler.h>
#include <arch/frame.h>
#include <arch/trap.h>

struct task;

#define FPU_STATE_SIZE	512	/* FXSAVE image */

#define RFLAGS_IF	(1UL << 9)
#define RFLAGS_TF	(1UL << 8)
#define RFLAGS_DF	(1UL << 10)
#define RFLAGS_RF	(1UL << 16)
#define RFLAGS_AC	(1UL << 18)
#define RFLAGS_USER_MASK 0x000000000000dd5UL	/* CF PF AF ZF SF TF DF OF */

/*
 * Switch from the running task @prev to @next: saves callee-saved
 * registers on @prev's stack and its rsp in prev->ksp, loads next->ksp.
 * Returns (in @next's context) the task that was switched away from.
 */
struct task *arch_switch_to(struct task *prev, struct task *next);

/*
 * Prepare a new task's kernel stack so that the first switch to it calls
 * @fn(@arg) through sched_task_start (see kernel/sched.c).
 */
void arch_task_init_stack(struct task *t, void (*fn)(void *), void *arg);

/* Leave the kernel through @frame (a user frame at the top of the current stack). */
__noreturn void arch_return_to_user(struct trap_frame *frame);

/* Per-CPU: kernel stack for traps and syscalls from user mode. */
void arch_set_kernel_stack(uint64_t top);
void arch_syscall_init_cpu(void);
void arch_fpu_init_cpu(void);

/* User FS base (TLS). */
void arch_set_fs_base(uint64_t base);
uint64_t arch_get_fs_base(void);

/* FPU/SSE state: save the registers into @area / load them (512 bytes, 16-aligned). */
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);
/* Fill @area with the state a new program starts with (FCW 0x37f, MXCSR 0x1f80). */
void arch_fpu_init_state(void *area);

/* True if @addr is a canonical user address. */
static inline bool arch_user_canonical(uint64_t addr)
{
	return addr < 0x00007ffffffff000UL;
}

/* True if @f can leave through sysretq (rcx/r11 carry nothing, rip canonical). */
static inline bool arch_frame_can_sysret(const struct trap_frame *f)
{
	return f->rcx == f->rip && f->r11 == f->rflags && arch_user_canonical(f->rip) &&
	       f->cs == 0x33 && f->ss == 0x2b && !(f->rflags & (RFLAGS_RF | RFLAGS_TF));
}

#endif
