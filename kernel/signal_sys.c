/*
 * The signal syscalls that act on the caller's own state: rt_sigaction,
 * rt_sigprocmask, rt_sigpending, rt_sigsuspend, pause, rt_sigtimedwait,
 * sigaltstack and restart_syscall, with Linux's checks and errno values
 * (kernel/signal.c). Sets are 64-bit: sigsetsize must be 8.
 */
#include <ferrite/errno.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/time.h>
#include <ferrite/uaccess.h>
#include <ferrite/wait.h>
#include <linux/time_types.h>
#include "signal_internal.h"

/* sa_flags Linux keeps (UAPI_SA_FLAGS on x86); unknown bits read back as 0. */
#define SA_UAPI_FLAGS	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | \
			 SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER)

#define SIGSET_SIZE	sizeof(uint64_t)

/* Set the action of @sig to *@act (if not NULL) and give the old one in *@old. */
static int sig_do_action(int sig, struct ksigaction *act, struct ksigaction *old)
{
	struct process *p = current_proc;
	unsigned long flags;

	if (sig < 1 || sig > SIG_COUNT || (act && (SIG_BIT(sig) & SIG_KERNEL_ONLY_MASK)))
		return -EINVAL;
	flags = spin_lock_irqsave(&p->sig_lock);
	*old = p->actions[sig - 1];
	old->flags &= SA_UAPI_FLAGS;
	if (act) {
		act->flags &= SA_UAPI_FLAGS;
		act->mask &= ~SIG_KERNEL_ONLY_MASK;
		p->actions[sig - 1] = *act;
		/* POSIX: ignoring a pending signal discards it, blocked or not */
		if (sig_handler_ignored(act->handler, sig))
			sig_flush_locked(p, SIG_BIT(sig));
	}
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return 0;
}

SYSCALL_DEFINE(rt_sigaction, __NR_rt_sigaction, int sig, const struct ksigaction *uact,
	       struct ksigaction *uoact, size_t sigsetsize)
{
	struct ksigaction act, old;
	int ret;

	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	ret = sig_do_action(sig, uact ? &act : NULL, &old);
	if (sig == SIGALRM)
		sig_itimer_rearm(current_proc);	/* a timer left waiting while SIGALRM was ignored */
	if (!ret && uoact && copy_to_user(uoact, &old, sizeof(old)))
		return -EFAULT;
	return ret;
}

/* Replace the caller's mask with @mask (SIGKILL and SIGSTOP stay deliverable). */
static void sig_set_current_blocked(uint64_t mask)
{
	struct task *t = current;
	unsigned long flags = spin_lock_irqsave(&t->proc->sig_lock);

	sig_set_blocked_locked(t, mask);
	spin_unlock_irqrestore(&t->proc->sig_lock, flags);
}

SYSCALL_DEFINE(rt_sigprocmask, __NR_rt_sigprocmask, int how, const uint64_t *uset,
	       uint64_t *uoset, size_t sigsetsize)
{
	uint64_t old = current->blocked, set;

	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:
			set |= old;
			break;
		case SIG_UNBLOCK:
			set = old & ~set;
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
		sig_set_current_blocked(set);
	}
	if (uoset && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(rt_sigpending, __NR_rt_sigpending, uint64_t *uset, size_t sigsetsize)
{
	struct task *t = current;
	unsigned long flags;
	uint64_t set;

	if (sigsetsize > SIGSET_SIZE)
		return -EINVAL;
	flags = spin_lock_irqsave(&t->proc->sig_lock);
	set = (t->pending | t->proc->shared_pending) & t->blocked;
	spin_unlock_irqrestore(&t->proc->sig_lock, flags);
	return copy_to_user(uset, &set, sigsetsize) ? -EFAULT : 0;
}

/*
 * Sleep until a signal is pending for the current task or @deadline_ns
 * (time_boot_ns; 0: none) passes. Returns 0 on a signal, -ETIMEDOUT at
 * the deadline.
 */
static int sig_sleep(uint64_t deadline_ns)
{
	struct wait_queue q;
	struct wait_entry e = { { NULL, NULL }, NULL };
	int ret = 0;

	wait_queue_init(&q);
	for (;;) {
		/* senders wake TASK_INTERRUPTIBLE sleepers; the queue is only for the state */
		wait_prepare(&q, &e, true);
		if (signal_pending(current))
			break;
		if (!deadline_ns) {
			schedule();
		} else if (schedule_deadline(deadline_ns)) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	wait_finish(&q, &e);
	return ret;
}

SYSCALL_DEFINE(rt_sigsuspend, __NR_rt_sigsuspend, const uint64_t *umask, size_t sigsetsize)
{
	struct task *t = current;
	uint64_t mask;

	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	t->saved_mask = t->blocked;
	sig_set_current_blocked(mask);
	sig_sleep(0);
	/* the handler's frame gets saved_mask; with no handler it comes back at exit */
	t->restore_mask = true;
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE(pause, __NR_pause, void)
{
	sig_sleep(0);
	return -ERESTARTNOHAND;
}

/* A relative timeout from user space, in ns; -EFAULT or -EINVAL. */
static int sig_timeout_ns(const struct __kernel_timespec *uts, uint64_t *ns)
{
	struct __kernel_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.tv_sec >= UINT64_MAX / NSEC_PER_SEC / 2)
		*ns = UINT64_MAX / 2;	/* forever, in practice */
	else
		*ns = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

/*
 * Wait for a signal of @set, unblocked meanwhile (Linux's do_sigtimedwait):
 * returns it with its siginfo in @q, -EAGAIN when @timeout_ns (if @timed)
 * passed, -EINTR when another signal came.
 */
static int sig_timedwait(uint64_t set, bool timed, uint64_t timeout_ns, struct sigqueue *q)
{
	struct task *t = current;
	struct process *p = t->proc;
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	int sig = sig_dequeue_locked(t, set, q), slept = 0;

	if (!sig && (!timed || timeout_ns)) {
		uint64_t deadline = timed ? time_boot_ns() + timeout_ns : 0;

		t->real_blocked = t->blocked;
		t->blocked &= ~set;
		spin_unlock_irqrestore(&p->sig_lock, flags);
		slept = sig_sleep(deadline);
		flags = spin_lock_irqsave(&p->sig_lock);
		sig_set_blocked_locked(t, t->real_blocked);
		t->real_blocked = 0;
		sig = sig_dequeue_locked(t, set, q);
	}
	spin_unlock_irqrestore(&p->sig_lock, flags);
	sig_itimer_rearm(p);
	if (sig)
		return sig;
	/* Linux: -EAGAIN when the time ran out (or was zero), -EINTR when woken */
	if (timed && (!timeout_ns || slept == -ETIMEDOUT))
		return -EAGAIN;
	return -EINTR;
}

SYSCALL_DEFINE(rt_sigtimedwait, __NR_rt_sigtimedwait, const uint64_t *uset, siginfo_t *uinfo,
	       const struct __kernel_timespec *uts, size_t sigsetsize)
{
	uint64_t set, timeout_ns = 0;
	struct sigqueue q;
	int ret;

	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~SIG_KERNEL_ONLY_MASK;
	if (uts) {
		ret = sig_timeout_ns(uts, &timeout_ns);
		if (ret)
			return ret;
	}
	ret = sig_timedwait(set, uts != NULL, timeout_ns, &q);
	if (ret > 0 && uinfo && copy_to_user(uinfo, &q.info, sizeof(q.info)))
		return -EFAULT;
	return ret;
}

/*
 * Install the alternate stack @ss for @t, whose user rsp is @sp (Linux's
 * do_sigaltstack): -EPERM while running on the current one, -EINVAL for
 * unknown flags, -ENOMEM below MINSIGSTKSZ.
 */
int sig_altstack_set(struct task *t, const stack_t *ss, uint64_t sp)
{
	struct sigframe_altstack as = { t->altstack_sp, t->altstack_size, t->altstack_flags };
	unsigned int mode = (unsigned int)ss->ss_flags & ~SS_FLAG_BITS;
	uint64_t base = (uint64_t)ss->ss_sp, size = ss->ss_size;

	if (sigframe_on_altstack(&as, sp))
		return -EPERM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		base = 0;
		size = 0;
	} else if (size < MINSIGSTKSZ) {
		return -ENOMEM;
	}
	t->altstack_sp = base;
	t->altstack_size = size;
	t->altstack_flags = ss->ss_flags;
	return 0;
}

SYSCALL_DEFINE(sigaltstack, __NR_sigaltstack, const stack_t *uss, stack_t *uoss)
{
	struct task *t = current;
	struct sigframe_altstack as = { t->altstack_sp, t->altstack_size, t->altstack_flags };
	uint64_t sp = t->user_frame->rsp;
	stack_t ss, old;
	int ret = 0;

	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	memset(&old, 0, sizeof(old));
	old.ss_sp = (void *)as.sp;
	old.ss_size = as.size;
	old.ss_flags = sigframe_sas_flags(&as, sp) | (int)((unsigned int)as.flags & SS_FLAG_BITS);
	if (uss)
		ret = sig_altstack_set(t, &ss, sp);
	if (!ret && uoss && copy_to_user(uoss, &old, sizeof(old)))
		ret = -EFAULT;
	return ret;
}

/* Restart blocks (nanosleep and friends resuming with the time left) are not kept: fail. */
SYSCALL_DEFINE(restart_syscall, __NR_restart_syscall, void)
{
	return -EINTR;
}
