/*
 * Signal delivery on the way back to user space, Linux's get_signal and
 * handle_signal for x86_64: take the next signal, run its default action
 * (terminate, dump core, stop the process, continue, ignore) or build an
 * rt_sigframe for its handler; restart or fail the interrupted syscall
 * (-ERESTART* codes); rt_sigreturn undoes the frame. User-mode exceptions
 * become fault signals here (trap_user_exception), with Linux's si_code,
 * si_addr and "segfault at" / "traps:" log lines.
 */
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/time.h>
#include <ferrite/uaccess.h>
#include <linux/resource.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/task.h>
#include "signal_internal.h"

/* Linux's printk_ratelimit: a burst of 10 messages per 5 seconds. */
static bool sig_ratelimit(void)
{
	static DEFINE_SPINLOCK(lock);
	static uint64_t begin;
	static int printed;
	unsigned long flags = spin_lock_irqsave(&lock);
	uint64_t now = time_boot_ns();
	bool ok;

	if (!begin || now - begin >= 5 * NSEC_PER_SEC) {
		begin = now ? now : 1;
		printed = 0;
	}
	ok = printed < 10;
	printed += ok;
	spin_unlock_irqrestore(&lock, flags);
	return ok;
}

/* Log level Linux uses for a process's fault report: init's are emergencies. */
static const char *sig_loglevel(void)
{
	return current_proc->pid > 1 ? KERN_INFO : KERN_EMERG;
}

/* True if @sig would kill the current process unhandled (Linux's unhandled_signal). */
static bool sig_unhandled(int sig)
{
	struct process *p = current_proc;
	uint64_t handler = READ_ONCE(p->actions[sig - 1].handler);

	return p->pid == 1 || handler == SIG_HANDLER_DFL || handler == SIG_HANDLER_IGN;
}

/* ------------------------------------------------------------------------ */
/* Forced (synchronous) signals                                              */

/*
 * Make @q's signal pending for @t whatever its mask and action (Linux's
 * force_sig_info_to_task): a blocked or ignored signal is unblocked and
 * its action reset to the default, so a fault cannot loop unseen.
 */
void sig_force_info(struct task *t, const struct sigqueue *q)
{
	struct process *p = t->proc;
	int sig = q->info.si_signo;
	uint64_t bit = SIG_BIT(sig);
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	struct ksigaction *ka = &p->actions[sig - 1];

	if ((t->blocked & bit) || ka->handler == SIG_HANDLER_IGN) {
		ka->handler = SIG_HANDLER_DFL;
		t->blocked &= ~bit;
	}
	if (ka->handler == SIG_HANDLER_DFL)
		p->sig_jobctl |= SIG_JOBCTL_KILLABLE;	/* even init dies of it */
	sig_send_locked(p, t, sig, q, true);
	spin_unlock_irqrestore(&p->sig_lock, flags);
}

/* Force @sig on the current task with si_code @code and si_addr @addr, from @regs. */
static void sig_force_fault_regs(int sig, int code, uint64_t addr, const struct trap_frame *regs)
{
	struct sigqueue q;

	sig_info_init(&q, sig, code);
	q.info.si_addr = (void *)addr;
	if (regs->vector < 32) {
		q.fault.trapno = regs->vector;
		q.fault.error = regs->error;
		q.fault.cr2 = regs->vector == VEC_PF ? addr : 0;
	}
	sig_force_info(current, &q);
}

/* Force SIGSEGV with SI_KERNEL (Linux's force_sig(SIGSEGV)). */
static void sig_force_segv(void)
{
	struct sigqueue q;

	sig_info_init(&q, SIGSEGV, SI_KERNEL);
	sig_force_info(current, &q);
}

void signal_force_fault(int sig, int code, uint64_t addr)
{
	struct trap_frame *regs = current->user_frame;

	if (sig == SIGSEGV && regs->vector == VEC_PF && sig_unhandled(sig) && sig_ratelimit())
		printk("%s%s[%d]: segfault at %lx ip %016lx sp %016lx error %lx likely on CPU %d\n",
		       sig_loglevel(), current_proc->comm, current_proc->pid, addr, regs->rip,
		       regs->rsp, regs->error, this_cpu_id());
	sig_force_fault_regs(sig, code, addr, regs);
}

/* ------------------------------------------------------------------------ */
/* User-mode exceptions                                                      */

/* Linux's do_trap for a user exception: the log line if unhandled, then the signal. */
static void sig_trap(struct trap_frame *f, int sig, int code, uint64_t addr, const char *what)
{
	if (what && sig_unhandled(sig) && sig_ratelimit())
		printk("%straps: %s[%d] %s ip:%lx sp:%lx error:%lx\n", sig_loglevel(),
		       current_proc->comm, current_proc->pid, what, f->rip, f->rsp, f->error);
	sig_force_fault_regs(sig, code, addr, f);
}

/* x87 (#MF) and SIMD (#XM) exceptions: SIGFPE with the cause read from the FPU. */
static void sig_math_error(struct trap_frame *f)
{
	struct task *t = current;
	int code;

	if (!t->fpu)
		return;
	arch_fpu_save(t->fpu);
	code = sigframe_fpu_exception_code(t->fpu, f->vector);
	if (code)	/* else spurious: Linux retries the instruction */
		sig_force_fault_regs(SIGFPE, code, f->rip, f);
}

/*
 * An exception taken in user mode (page faults are the memory code's): the
 * fault signal Linux sends for it (arch/x86/kernel/traps.c). The signal is
 * delivered on the way out, by signal_deliver.
 */
void trap_user_exception(struct trap_frame *frame)
{
	struct trap_frame *f = frame;

	switch (f->vector) {
	case VEC_NMI:
		return;
	case VEC_DE:
		return sig_trap(f, SIGFPE, FPE_INTDIV, f->rip, "trap divide error");
	case VEC_DB:
		return sig_trap(f, SIGTRAP, (f->rflags & RFLAGS_TF) ? TRAP_TRACE : TRAP_BRKPT,
				f->rip, NULL);
	case VEC_BP:
		return sig_trap(f, SIGTRAP, SI_KERNEL, 0, "trap int3");
	case VEC_OF:
		return sig_trap(f, SIGSEGV, SI_KERNEL, 0, "trap overflow");
	case VEC_BR:
		return sig_trap(f, SIGSEGV, SI_KERNEL, 0, "trap bounds");
	case VEC_UD:
		return sig_trap(f, SIGILL, ILL_ILLOPN, f->rip, "trap invalid opcode");
	case VEC_TS:
		return sig_trap(f, SIGSEGV, SI_KERNEL, 0, "trap invalid TSS");
	case VEC_NP:
		return sig_trap(f, SIGBUS, SI_KERNEL, 0, "trap segment not present");
	case VEC_SS:
		return sig_trap(f, SIGBUS, SI_KERNEL, 0, "trap stack segment");
	case VEC_GP:
		return sig_trap(f, SIGSEGV, SI_KERNEL, 0, "general protection fault");
	case VEC_MF:
	case VEC_XM:
		return sig_math_error(f);
	case VEC_AC:
		return sig_trap(f, SIGBUS, BUS_ADRALN, 0, "trap alignment check");
	case VEC_MC:
		return sig_trap(f, SIGBUS, BUS_MCEERR_AR, 0, "machine check");
	default:
		return sig_trap(f, SIGSEGV, SI_KERNEL, 0, "trap unexpected exception");
	}
}

/* ------------------------------------------------------------------------ */
/* Default actions: stop and terminate                                       */

/*
 * True if @p's process group is orphaned (Linux's is_current_pgrp_orphaned):
 * no member has a parent, other than init, in another group of the same
 * session. Takes process_tree_lock.
 */
static bool sig_pgrp_orphaned(struct process *p)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	int pgid = p->pgid;
	bool orphaned = true;
	struct process *q;

	list_for_each_entry(q, &process_list, all_node) {
		struct process *par = q->parent;

		if (q->pgid != pgid || q->exit_state || !par || par->pid == 1)
			continue;
		if (par->pgid != pgid && par->sid == q->sid) {
			orphaned = false;
			break;
		}
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return orphaned;
}

/*
 * Begin a job-control stop of @p by @sig, unless a SIGCONT came after the
 * stop signal was dequeued (generation @gen): every thread is told to stop
 * and the parent is told. Call with no lock held.
 */
static void sig_stop_begin(struct process *p, int sig, unsigned int gen)
{
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	bool report = false;
	struct task *t;

	if (!p->group_exit && !p->stopped && SIG_JOBCTL_GEN(p) == gen) {
		p->stopped = true;
		report = true;
		list_for_each_entry(t, &p->tasks, proc_node) {
			if (t != current)
				sig_wake_task(t, false);
		}
	}
	spin_unlock_irqrestore(&p->sig_lock, flags);
	if (report)
		sig_report_job(p, CLD_STOPPED, sig);
}

/* Sleep in TASK_STOPPED while @p stays stopped (SIGCONT or SIGKILL end it). */
static void sig_stop_wait(struct task *t, struct process *p)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&p->sig_lock);

		if (!p->stopped || p->group_exit) {
			spin_unlock_irqrestore(&p->sig_lock, flags);
			return;
		}
		/* set under sig_lock: a SIGCONT either came before or finds us stopped */
		WRITE_ONCE(t->state, TASK_STOPPED);
		spin_unlock_irqrestore(&p->sig_lock, flags);
		schedule();
	}
}

/* The wait status of death by @sig: 0x80 marks a core dump, as the limit allows. */
static int sig_death_status(struct process *p, int sig)
{
	if (sigframe_default_action(sig) == SIGACT_CORE && p->rlim[RLIMIT_CORE].rlim_cur)
		return sig | 0x80;
	return sig;
}

/*
 * Run the default action of @sig, dequeued by @t with p->sig_lock held
 * (@flags its saved interrupt state); drops the lock. Returns only if
 * the process lives on (ignore, continue, stop).
 */
static void sig_default_action(struct task *t, struct process *p, int sig, unsigned long flags)
{
	int act = sigframe_default_action(sig), status;
	unsigned int gen = SIG_JOBCTL_GEN(p);

	if (act == SIGACT_IGN || act == SIGACT_CONT ||
	    (p->pid == 1 && !(p->sig_jobctl & SIG_JOBCTL_KILLABLE))) {
		spin_unlock_irqrestore(&p->sig_lock, flags);
		return;
	}
	if (act == SIGACT_STOP) {
		spin_unlock_irqrestore(&p->sig_lock, flags);
		/* terminal stops of an orphaned group would never be continued */
		if (sig == SIGSTOP || !sig_pgrp_orphaned(p))
			sig_stop_begin(p, sig, gen);
		return;
	}
	status = sig_death_status(p, sig);
	sig_group_exit_locked(p, status);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	process_exit_group(status);
}

/*
 * Linux's get_signal: dequeue signals for the current task until one has a
 * handler (returned, with its siginfo in @q and action in @ka) or none is
 * left (0), running default actions on the way; a stopped process sleeps
 * here and a dying one exits from here.
 */
static int sig_get(struct sigqueue *q, struct ksigaction *ka)
{
	struct task *t = current;
	struct process *p = t->proc;
	unsigned long flags;
	int sig;

	sig_itimer_rearm(p);
	for (;;) {
		sig_report_continued(p);
		flags = spin_lock_irqsave(&p->sig_lock);
		if (p->group_exit) {
			int status = p->group_exit_code;

			spin_unlock_irqrestore(&p->sig_lock, flags);
			process_exit_task(status);
		}
		if (p->stopped) {
			spin_unlock_irqrestore(&p->sig_lock, flags);
			sig_stop_wait(t, p);
			continue;
		}
		sig = sig_dequeue_locked(t, ~t->blocked, q);
		if (!sig) {
			spin_unlock_irqrestore(&p->sig_lock, flags);
			return 0;
		}
		*ka = p->actions[sig - 1];
		if (ka->handler == SIG_HANDLER_IGN) {
			spin_unlock_irqrestore(&p->sig_lock, flags);
			continue;
		}
		if (ka->handler != SIG_HANDLER_DFL) {
			if (ka->flags & SA_RESETHAND)
				p->actions[sig - 1].handler = SIG_HANDLER_DFL;
			spin_unlock_irqrestore(&p->sig_lock, flags);
			return sig;
		}
		sig_default_action(t, p, sig, flags);
	}
}

/* ------------------------------------------------------------------------ */
/* Handlers and their frames                                                 */

/* True if @f was built by the syscall entry and its syscall's result is still there. */
static bool sig_syscall_frame(const struct trap_frame *f)
{
	return f->vector == TRAP_SYSCALL && (int64_t)f->error >= 0;
}

/* Make the syscall instruction run again with rax = @nr. */
static void sig_restart(struct trap_frame *f, uint64_t nr)
{
	f->rax = nr;
	f->rip -= 2;		/* "syscall" is 0f 05 */
}

/*
 * Settle the -ERESTART* result of the interrupted syscall: with a handler
 * (@ka non-NULL) as Linux's handle_signal does, without one as its
 * arch_do_signal_or_restart does. Only once per frame.
 */
static void sig_fix_restart(struct trap_frame *f, const struct ksigaction *ka)
{
	if (!sig_syscall_frame(f))
		return;
	switch ((int64_t)f->rax) {
	case -ERESTART_RESTARTBLOCK:
		if (ka)
			f->rax = -EINTR;
		else
			sig_restart(f, __NR_restart_syscall);
		break;
	case -ERESTARTNOHAND:
		if (ka)
			f->rax = -EINTR;
		else
			sig_restart(f, f->error);
		break;
	case -ERESTARTSYS:
		if (ka && !(ka->flags & SA_RESTART))
			f->rax = -EINTR;
		else
			sig_restart(f, f->error);
		break;
	case -ERESTARTNOINTR:
		sig_restart(f, f->error);
		break;
	}
	f->error = (uint64_t)-1;
}

/* Copy the current task's live FPU registers into @fx. */
static void sig_fpu_save(struct task *t, void *fx)
{
	unsigned long irq = arch_irq_save();

	arch_fpu_save(t->fpu);
	memcpy(fx, t->fpu, SIGFRAME_FPU_SIZE);
	arch_irq_restore(irq);
}

/* Load @fx (sanitized) into the current task's FPU, registers and saved copy alike. */
static void sig_fpu_load(struct task *t, const void *fx)
{
	unsigned long irq = arch_irq_save();

	memcpy(t->fpu, fx, SIGFRAME_FPU_SIZE);
	arch_fpu_restore(t->fpu);
	arch_irq_restore(irq);
}

/* Give the current task a fresh FPU state (a handler starts with one, as on Linux). */
static void sig_fpu_reset(struct task *t)
{
	unsigned long irq = arch_irq_save();

	arch_fpu_init_state(t->fpu);
	arch_fpu_restore(t->fpu);
	arch_irq_restore(irq);
}

/*
 * Write the rt_sigframe for handler @ka of @sig (siginfo @q, mask to
 * restore @oldmask) on the user or alternate stack and point @regs at the
 * handler. 0, or -EFAULT if it cannot be written (Linux then forces SIGSEGV).
 */
static int sig_setup_frame(struct trap_frame *regs, int sig, const struct sigqueue *q,
			   const struct ksigaction *ka, uint64_t oldmask)
{
	struct task *t = current;
	struct sigframe_altstack as = { t->altstack_sp, t->altstack_size, t->altstack_flags };
	uint8_t fx[SIGFRAME_FPU_SIZE] __aligned(16);
	struct sigframe_place at;
	struct rt_sigframe f;

	/* x86-64 frames always return through SA_RESTORER (libc's __restore_rt) */
	if (!(ka->flags & SA_RESTORER) || !sigframe_canonical(ka->handler) || !t->fpu)
		return -EFAULT;
	if (sigframe_place(&as, regs->rsp, ka->flags & SA_ONSTACK, &at)) {
		if (sig_ratelimit())
			pr_info("%s[%d] overflowed sigaltstack\n", current_proc->comm,
				current_proc->pid);
		return -EFAULT;
	}
	if (!uaccess_ok(at.frame, at.fpstate + SIGFRAME_FPU_SIZE - at.frame))
		return -EFAULT;
	sig_fpu_save(t, fx);
	sigframe_fpu_to_user(fx);
	sigframe_fill(&f, regs, &q->info, ka->restorer, oldmask, &as, at.fpstate, &q->fault);
	if (copy_to_user((void *)at.fpstate, fx, sizeof(fx)) ||
	    copy_to_user((void *)at.frame, &f, sizeof(f)))
		return -EFAULT;
	sigframe_enter_handler(regs, sig, at.frame, ka->handler);
	sig_fpu_reset(t);
	return 0;
}

/* Run handler @ka for @sig (Linux's handle_signal and signal_delivered). */
static void sig_handle(struct trap_frame *regs, int sig, const struct sigqueue *q,
		       const struct ksigaction *ka)
{
	struct task *t = current;
	struct process *p = t->proc;
	uint64_t oldmask = t->restore_mask ? t->saved_mask : t->blocked, mask;
	unsigned long flags;

	sig_fix_restart(regs, ka);
	if (sig_setup_frame(regs, sig, q, ka, oldmask)) {
		/* Linux's force_sigsegv: a SIGSEGV handler that cannot run is dropped */
		if (sig == SIGSEGV) {
			flags = spin_lock_irqsave(&p->sig_lock);
			p->actions[SIGSEGV - 1].handler = SIG_HANDLER_DFL;
			spin_unlock_irqrestore(&p->sig_lock, flags);
		}
		sig_force_segv();
		return;
	}
	flags = spin_lock_irqsave(&p->sig_lock);
	t->restore_mask = false;
	mask = t->blocked | ka->mask;
	if (!(ka->flags & SA_NODEFER))
		mask |= SIG_BIT(sig);
	sig_set_blocked_locked(t, mask);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	if ((unsigned int)t->altstack_flags & SS_AUTODISARM) {
		t->altstack_sp = 0;
		t->altstack_size = 0;
		t->altstack_flags = SS_DISABLE;
	}
}

void signal_deliver(struct trap_frame *frame)
{
	struct task *t = current;
	struct ksigaction ka;
	struct sigqueue q;
	int sig = sig_get(&q, &ka);

	if (sig) {
		sig_handle(frame, sig, &q, &ka);
		return;
	}
	sig_fix_restart(frame, NULL);
	if (t->restore_mask) {
		unsigned long flags = spin_lock_irqsave(&t->proc->sig_lock);

		t->restore_mask = false;
		sig_set_blocked_locked(t, t->saved_mask);
		spin_unlock_irqrestore(&t->proc->sig_lock, flags);
	}
}

/* ------------------------------------------------------------------------ */
/* rt_sigreturn                                                              */

/* The FPU state a frame names at @addr (0: a fresh state). 0 or -EFAULT. */
static int sig_fpu_from_user(struct task *t, uint64_t addr)
{
	uint8_t fx[SIGFRAME_FPU_SIZE] __aligned(16);

	if (!addr) {
		sig_fpu_reset(t);
		return 0;
	}
	if (!uaccess_ok(addr, sizeof(fx)) || copy_from_user(fx, (void *)addr, sizeof(fx)))
		return -EFAULT;
	/* reserved MXCSR bits would make fxrstor fault in the kernel */
	sigframe_fpu_from_user(fx, sigframe_fpu_mxcsr_mask(t->fpu));
	sig_fpu_load(t, fx);
	return 0;
}

SYSCALL_DEFINE(rt_sigreturn, __NR_rt_sigreturn, void)
{
	struct task *t = current;
	struct trap_frame *regs = t->user_frame;
	uint64_t addr = regs->rsp - 8;	/* the handler's ret popped pretcode */
	struct rt_sigframe f;
	unsigned long flags;

	if (!t->fpu || !uaccess_ok(addr, sizeof(f)) || copy_from_user(&f, (void *)addr, sizeof(f)))
		goto bad;
	flags = spin_lock_irqsave(&t->proc->sig_lock);
	sig_set_blocked_locked(t, f.uc.uc_sigmask);
	spin_unlock_irqrestore(&t->proc->sig_lock, flags);
	if (sigframe_restore(regs, &f.uc.uc_mcontext) ||
	    sig_fpu_from_user(t, (uint64_t)f.uc.uc_mcontext.fpstate))
		goto bad;
	sig_altstack_set(t, &f.uc.uc_stack, regs->rsp);	/* errors ignored, as Linux */
	regs->error = (uint64_t)-1;	/* the restored rax is no syscall result */
	return regs->rax;
bad:
	if (sig_ratelimit())
		printk("%s%s[%d] bad frame in rt_sigreturn frame:%lx ip:%lx sp:%lx orax:%lx\n",
		       sig_loglevel(), current_proc->comm, current_proc->pid, addr, regs->rip,
		       regs->rsp, regs->error);
	sig_force_segv();
	return 0;
}
