/*
 * System-call dispatch. The table is built at boot from the .syscalls
 * section (SYSCALL_DEFINE), indexed by Linux's numbers; a number with no
 * handler returns -ENOSYS and is logged once. On the way back to user
 * space the scheduler and signal delivery get their turn
 * (syscall_exit_work), for syscalls and for traps from user mode alike.
 */
#include <ferrite/boot.h>
#include <ferrite/errno.h>
#include <ferrite/string.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/proc.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/syscall.h>
#include <arch/cpu.h>
#include <arch/task.h>

#define SYSCALL_MAX	512

extern const struct syscall_entry __syscalls_start[], __syscalls_end[];

static syscall_fn *syscall_table;		/* [I] SYSCALL_MAX entries */
static const char **syscall_names;		/* [I] */
static uint64_t syscall_warned[SYSCALL_MAX / 64];	/* [a] numbers logged as missing */

static bool syscall_trace;	/* [I] "syscall.trace" on the command line: log every call */

void syscall_init(void)
{
	syscall_trace = strstr(boot_info.cmdline, "syscall.trace") != NULL;
	syscall_table = kcalloc(SYSCALL_MAX, sizeof(*syscall_table));
	syscall_names = kcalloc(SYSCALL_MAX, sizeof(*syscall_names));
	if (!syscall_table || !syscall_names)
		panic("syscall: no memory for the table");
	for (const struct syscall_entry *e = __syscalls_start; e < __syscalls_end; e++) {
		if (e->nr >= SYSCALL_MAX || syscall_table[e->nr])
			panic("syscall: %s has a bad or duplicate number %u", e->name, e->nr);
		syscall_table[e->nr] = e->fn;
		syscall_names[e->nr] = e->name;
	}
}

/* Log an unknown syscall number the first time it is seen. */
static long syscall_unknown(uint64_t nr)
{
	if (nr < SYSCALL_MAX) {
		uint64_t bit = 1UL << (nr % 64);

		if (__atomic_fetch_or(&syscall_warned[nr / 64], bit, __ATOMIC_RELAXED) & bit)
			return -ENOSYS;
	}
	pr_info("%s[%d]: unimplemented syscall %llu, returning ENOSYS\n", current_proc->comm,
		current_proc->pid, (unsigned long long)nr);
	return -ENOSYS;
}

/* True if @frame is a syscall whose return value is a kernel-internal restart code. */
static bool syscall_restart_pending(const struct trap_frame *frame)
{
	long rax = (long)frame->rax;

	return frame->vector == TRAP_SYSCALL && rax >= -ERESTART_RESTARTBLOCK &&
	       rax <= -ERESTARTSYS;
}

/*
 * Signal work left before user space may run: a signal to deliver, a
 * restart code to turn into EINTR or a restart (also when another thread
 * took the signal), or a mask saved by sigsuspend/ppoll/pselect to put back.
 * signal_deliver does all three.
 */
static bool syscall_signal_work(struct task *t, const struct trap_frame *frame)
{
	return signal_pending(t) || syscall_restart_pending(frame) || READ_ONCE(t->restore_mask);
}

void syscall_exit_work(struct trap_frame *frame)
{
	struct task *t = current;

	for (;;) {
		arch_irq_disable();
		if (!__atomic_load_n(&t->need_resched, __ATOMIC_ACQUIRE) &&
		    !syscall_signal_work(t, frame))
			return;
		arch_irq_enable();
		if (__atomic_load_n(&t->need_resched, __ATOMIC_ACQUIRE))
			schedule();
		if (syscall_signal_work(t, frame))
			signal_deliver(frame);
	}
}

/*
 * Called by the syscall entry with interrupts on; returns with them off,
 * 1 if the exit may use sysret and 0 for iret.
 */
int syscall_dispatch(struct trap_frame *frame)
{
	uint64_t nr = frame->error;
	long ret;

	if (nr < SYSCALL_MAX && syscall_table[nr])
		ret = syscall_table[nr](frame->rdi, frame->rsi, frame->rdx, frame->r10, frame->r8,
					frame->r9);
	else
		ret = syscall_unknown(nr);
	frame->rax = ret;
	if (syscall_trace)
		pr_info("%s[%d]: %s(%#llx, %#llx, %#llx) = %ld\n", current_proc->comm,
			current->tid, nr < SYSCALL_MAX && syscall_names[nr] ? syscall_names[nr] : "?",
			(unsigned long long)frame->rdi, (unsigned long long)frame->rsi,
			(unsigned long long)frame->rdx, ret);
	syscall_exit_work(frame);
	return arch_frame_can_sysret(frame);
}
