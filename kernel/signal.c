/*
 * Signal queues and sending, Linux's kernel/signal.c semantics: a signal is
 * pending for one task (tkill, faults) or for the whole process (kill); a
 * standard signal is pending at most once, realtime signals queue every
 * instance with its siginfo. At send time stop signals discard a pending
 * SIGCONT and SIGCONT discards pending stops and resumes a stopped process;
 * ignored signals are dropped; a fatal signal with the default action kills
 * the whole process at once. The kill family of syscalls, permission rules,
 * and what fork and exec do to signal state are here too.
 */
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/time.h>
#include <ferrite/uaccess.h>
#include <linux/resource.h>
#include "signal_internal.h"

#define CLOCK_T_NS	(NSEC_PER_SEC / 100)	/* USER_HZ clock ticks in siginfo */

BUILD_BUG_ON(sizeof(struct ksigaction) != 32);

void sig_info_init(struct sigqueue *q, int sig, int code)
{
	memset(q, 0, sizeof(*q));
	q->info.si_signo = sig;
	q->info.si_code = code;
}

/* siginfo of a signal sent from user space by the current process. */
void sig_info_user(struct sigqueue *q, int sig, int code)
{
	sig_info_init(q, sig, code);
	q->info.si_pid = current_proc->pid;
	q->info.si_uid = current_proc->uid;
}

static bool sig_valid(int sig)
{
	return sig >= 1 && sig <= SIG_COUNT;
}

bool sig_handler_ignored(uint64_t handler, int sig)
{
	int act = sigframe_default_action(sig);

	return handler == SIG_HANDLER_IGN ||
	       (handler == SIG_HANDLER_DFL && (act == SIGACT_IGN || act == SIGACT_CONT));
}

/* Free every entry of *@head whose signal is in @mask. */
static void sigq_flush(struct sigqueue **head, uint64_t mask)
{
	struct sigqueue **pp = head, *q;

	while ((q = *pp)) {
		if (mask & SIG_BIT(q->info.si_signo)) {
			*pp = q->next;
			kfree(q);
		} else {
			pp = &q->next;
		}
	}
}

/* Forget the signals in @mask pending for @p or any of its tasks. Needs p->sig_lock. */
void sig_flush_locked(struct process *p, uint64_t mask)
{
	struct task *t;

	p->shared_pending &= ~mask;
	sigq_flush(&p->shared_sigq, mask);
	list_for_each_entry(t, &p->tasks, proc_node) {
		t->pending &= ~mask;
		sigq_flush(&t->sigq, mask);
	}
}

/* Wake @t to look at a new signal; a fatal one also ends a job-control stop. */
void sig_wake_task(struct task *t, bool fatal)
{
	if (!sched_wake_state(t, TASK_INTERRUPTIBLE) && fatal)
		sched_wake_state(t, TASK_STOPPED);
}

/*
 * Start killing every task of @p with wait status @status (Linux's
 * zap_other_threads): each gets SIGKILL and is woken, even from a stop.
 * Needs p->sig_lock.
 */
void sig_group_exit_locked(struct process *p, int status)
{
	struct task *t;

	if (p->group_exit)
		return;
	p->group_exit = 1;
	p->group_exit_code = status;
	p->stopped = false;
	list_for_each_entry(t, &p->tasks, proc_node) {
		t->pending |= SIG_BIT(SIGKILL);
		sig_wake_task(t, true);
	}
}

int signal_group_exit(int status)
{
	struct process *p = current_proc;
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);

	sig_group_exit_locked(p, status);
	status = p->group_exit_code;
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return status;
}

/* The task whose mask decides for process-wide signals: the oldest one (the leader). */
static struct task *sig_main_task(struct process *p)
{
	if (list_empty(&p->tasks))
		return NULL;
	return list_first_entry(&p->tasks, struct task, proc_node);
}

/*
 * Job-control effects of sending @sig to @p (Linux's prepare_signal).
 * Returns false if the signal is to be dropped. Needs p->sig_lock.
 */
static bool sig_prepare_locked(struct process *p, int sig)
{
	struct task *t;

	if (p->group_exit || !p->nr_tasks)
		return false;		/* dying or dead: nothing more to deliver */
	if (SIG_BIT(sig) & SIG_STOP_MASK) {
		sig_flush_locked(p, SIG_BIT(SIGCONT));
	} else if (sig == SIGCONT) {
		sig_flush_locked(p, SIG_STOP_MASK);
		p->sig_jobctl = (int)((unsigned int)p->sig_jobctl + SIG_JOBCTL_GEN_STEP);
		if (p->stopped) {
			p->stopped = false;
			p->sig_jobctl |= SIG_JOBCTL_CONTINUED;
			list_for_each_entry(t, &p->tasks, proc_node)
				sched_wake_state(t, TASK_STOPPED);
		}
	}
	return true;
}

/* True if @sig sent to @p (thread @t, or NULL) would be ignored (Linux's sig_ignored). */
static bool sig_ignored_locked(struct process *p, struct task *t, int sig, bool force)
{
	struct task *m = t ? t : sig_main_task(p);
	uint64_t handler = p->actions[sig - 1].handler;

	/* a blocked signal is kept: the handler may change before it is unblocked */
	if (m && ((m->blocked | m->real_blocked) & SIG_BIT(sig)))
		return false;
	if (p->pid == 1 && !(p->sig_jobctl & SIG_JOBCTL_KILLABLE)) {
		if (SIG_BIT(sig) & SIG_KERNEL_ONLY_MASK)
			return true;
		if (handler == SIG_HANDLER_DFL && !force)
			return true;	/* init only gets the signals it handles */
	}
	return sig_handler_ignored(handler, sig);
}

/* Entries queued for @p and its tasks, against RLIMIT_SIGPENDING. Needs p->sig_lock. */
static uint64_t sig_queued_locked(struct process *p)
{
	uint64_t n = 0;
	struct sigqueue *q;
	struct task *t;

	for (q = p->shared_sigq; q; q = q->next)
		n++;
	list_for_each_entry(t, &p->tasks, proc_node) {
		for (q = t->sigq; q; q = q->next)
			n++;
	}
	return n;
}

/* Append a copy of @info to *@head; NULL if over the limit or out of memory. */
static struct sigqueue *sigq_append(struct process *p, struct sigqueue **head, int sig,
				    const struct sigqueue *info, bool force)
{
	uint64_t limit = p->rlim[RLIMIT_SIGPENDING].rlim_cur;
	struct sigqueue *q, **pp;

	/* standard signals and the kernel's own are not limited, as in Linux */
	if (sig >= SIGRTMIN && !force && sig_queued_locked(p) >= limit)
		return NULL;
	q = kmalloc(sizeof(*q));
	if (!q)
		return NULL;
	*q = *info;
	q->info.si_signo = sig;
	q->next = NULL;
	for (pp = head; *pp; pp = &(*pp)->next)
		;
	*pp = q;
	return q;
}

/*
 * Let a task take @sig just made pending (Linux's complete_signal): the
 * target thread, or for a process-wide signal the first thread that does
 * not block it. A fatal signal with a terminating default kills the whole
 * process now. Needs p->sig_lock.
 */
static void sig_complete_locked(struct process *p, struct task *t, int sig)
{
	uint64_t bit = SIG_BIT(sig);
	struct task *w = NULL, *it;

	if (t) {
		if (!(t->blocked & bit))
			w = t;
	} else {
		list_for_each_entry(it, &p->tasks, proc_node) {
			if (!(it->blocked & bit)) {
				w = it;
				break;
			}
		}
	}
	if (!w)
		return;
	if (p->actions[sig - 1].handler == SIG_HANDLER_DFL && !(w->real_blocked & bit) &&
	    sigframe_default_action(sig) == SIGACT_TERM) {
		sig_group_exit_locked(p, sig);
		return;
	}
	sig_wake_task(w, sig == SIGKILL);
}

/*
 * Make @sig pending for task @t of @p (or for @p as a whole if @t is NULL)
 * with the siginfo of @info. @force: a kernel-forced signal (init's
 * protection and the queue limit do not apply). Returns 0 (also when the
 * signal is dropped as ignored or the target is dead) or -EAGAIN when a
 * queued realtime signal finds no room. Needs p->sig_lock.
 */
int sig_send_locked(struct process *p, struct task *t, int sig, const struct sigqueue *info,
		    bool force)
{
	uint64_t *set = t ? &t->pending : &p->shared_pending;
	struct sigqueue **head = t ? &t->sigq : &p->shared_sigq;

	if (p->pid == 0 || (t && list_empty(&t->proc_node)))
		return 0;		/* kernel threads take no signals; exited thread */
	if (!sig_prepare_locked(p, sig) || sig_ignored_locked(p, t, sig, force))
		return 0;
	if (sig < SIGRTMIN && (*set & SIG_BIT(sig)))
		return 0;		/* standard signals do not queue */
	if (!sigq_append(p, head, sig, info, force) && sig >= SIGRTMIN &&
	    info->info.si_code != SI_USER)
		return -EAGAIN;
	*set |= SIG_BIT(sig);
	sig_complete_locked(p, t, sig);
	return 0;
}

/* Take the first queued entry of @sig out of @set / *@head into @out. */
static void sig_collect(uint64_t *set, struct sigqueue **head, int sig, struct sigqueue *out)
{
	struct sigqueue **pp, **hit = NULL, *q;
	bool more = false;

	for (pp = head; *pp; pp = &(*pp)->next) {
		if ((*pp)->info.si_signo != sig)
			continue;
		if (hit) {
			more = true;
			break;
		}
		hit = pp;
	}
	if (hit) {
		q = *hit;
		*hit = q->next;
		*out = *q;
		out->next = NULL;
		kfree(q);
	} else {
		/* pending without an entry (no memory at send time): Linux says SI_USER */
		sig_info_init(out, sig, SI_USER);
	}
	if (!more)
		*set &= ~SIG_BIT(sig);
}

/*
 * Dequeue the next signal in @allowed for @t: its own first (faults before
 * others, then the lowest number), then its process's. Returns the signal
 * with its siginfo in @out, or 0. Needs the sig_lock.
 */
int sig_dequeue_locked(struct task *t, uint64_t allowed, struct sigqueue *out)
{
	struct process *p = t->proc;
	int sig = sigframe_next_signal(t->pending & allowed);

	if (sig) {
		sig_collect(&t->pending, &t->sigq, sig, out);
		return sig;
	}
	sig = sigframe_next_signal(p->shared_pending & allowed);
	if (sig)
		sig_collect(&p->shared_pending, &p->shared_sigq, sig, out);
	return sig;
}

/*
 * Set @t's mask to @mask (SIGKILL and SIGSTOP stay unblocked). Process-wide
 * signals that @t now blocks are offered to the other threads (Linux's
 * retarget_shared_pending). Needs the sig_lock.
 */
void sig_set_blocked_locked(struct task *t, uint64_t mask)
{
	struct process *p = t->proc;
	uint64_t moved;
	struct task *it;

	mask &= ~SIG_KERNEL_ONLY_MASK;
	moved = mask & ~t->blocked & p->shared_pending;
	t->blocked = mask;
	list_for_each_entry(it, &p->tasks, proc_node) {
		if (!moved)
			break;
		if (it == t || !(moved & ~it->blocked))
			continue;
		sig_wake_task(it, false);
		moved &= it->blocked;
	}
}

bool signal_pending(struct task *t)
{
	struct process *p = t->proc;

	/* lockless: a false alarm costs a trip through signal_deliver, a miss is
	 * caught by schedule(), which asks again under the run-queue lock */
	if (!p)
		return false;
	if (READ_ONCE(p->group_exit) || READ_ONCE(p->stopped))
		return true;
	return (READ_ONCE(t->pending) | READ_ONCE(p->shared_pending)) & ~READ_ONCE(t->blocked);
}

/* ------------------------------------------------------------------------ */
/* Sending from the kernel                                                   */

/* Send @sig with siginfo @q to @p (@t NULL) or to task @t of @p. */
static int sig_send(struct process *p, struct task *t, int sig, const struct sigqueue *q)
{
	unsigned long flags;
	int ret;

	if (!sig_valid(sig))
		return sig ? -EINVAL : 0;
	flags = spin_lock_irqsave(&p->sig_lock);
	ret = sig_send_locked(p, t, sig, q, false);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return ret;
}

int signal_send_process(struct process *p, int sig)
{
	struct sigqueue q;

	sig_info_init(&q, sig, SI_KERNEL);
	return sig_send(p, NULL, sig, &q);
}

int signal_send_task(struct task *t, int sig)
{
	struct sigqueue q;

	sig_info_init(&q, sig, SI_KERNEL);
	return sig_send(t->proc, t, sig, &q);
}

int signal_send_pgrp(int pgid, int sig)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	struct sigqueue q;
	struct process *p;
	bool found = false;

	sig_info_init(&q, sig, SI_KERNEL);
	list_for_each_entry(p, &process_list, all_node) {
		if (p->pid <= 0 || p->pgid != pgid)
			continue;
		found = true;
		sig_send(p, NULL, sig, &q);
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return found ? 0 : -ESRCH;
}

bool signal_is_ignored(struct process *p, int sig)
{
	unsigned long flags;
	bool ign;

	if (!sig_valid(sig))
		return false;
	flags = spin_lock_irqsave(&p->sig_lock);
	ign = sig_handler_ignored(p->actions[sig - 1].handler, sig);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return ign;
}

/* ------------------------------------------------------------------------ */
/* Telling the parent                                                        */

/* CPU time of @p's tasks, live and dead, in ns. Takes p->sig_lock. */
static void sig_cpu_times(struct process *p, uint64_t *utime, uint64_t *stime)
{
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	struct task *t;

	*utime = p->dead_utime_ns;
	*stime = p->dead_stime_ns;
	list_for_each_entry(t, &p->tasks, proc_node) {
		*utime += READ_ONCE(t->utime_ns);
		*stime += READ_ONCE(t->stime_ns);
	}
	spin_unlock_irqrestore(&p->sig_lock, flags);
}

/*
 * Send @sig with CLD_* siginfo (@code, @status) about @child to its parent;
 * stop and continue reports honour the parent's SA_NOCLDSTOP. Needs
 * process_tree_lock (not @child's sig_lock).
 */
static void sig_notify_parent_locked(struct process *child, int sig, int code, int status)
{
	struct process *parent = child->parent;
	uint64_t utime, stime;
	unsigned long flags;
	struct sigqueue q;

	if (!parent || !sig_valid(sig))
		return;
	sig_cpu_times(child, &utime, &stime);
	sig_info_init(&q, sig, code);
	q.info.si_pid = child->pid;
	q.info.si_uid = child->uid;
	q.info.si_status = status;
	q.info.si_utime = utime / CLOCK_T_NS;
	q.info.si_stime = stime / CLOCK_T_NS;
	flags = spin_lock_irqsave(&parent->sig_lock);
	if (!((code == CLD_STOPPED || code == CLD_CONTINUED) &&
	      (parent->actions[SIGCHLD - 1].flags & SA_NOCLDSTOP)))
		sig_send_locked(parent, NULL, sig, &q, false);
	spin_unlock_irqrestore(&parent->sig_lock, flags);
}

void signal_notify_exit_locked(struct process *child, int sig, int wait_status)
{
	int code = CLD_EXITED, status = (wait_status >> 8) & 0xff;

	if (wait_status & 0x7f) {
		code = (wait_status & 0x80) ? CLD_DUMPED : CLD_KILLED;
		status = wait_status & 0x7f;
	}
	sig_notify_parent_locked(child, sig, code, status);
}

/*
 * Record a job-control change of @p for its parent's waitpid (stop_report)
 * and send it SIGCHLD: @why is CLD_STOPPED (@status the stop signal) or
 * CLD_CONTINUED. Takes process_tree_lock: call with no lock held.
 */
void sig_report_job(struct process *p, int why, int status)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);

	p->stop_report = why == CLD_STOPPED ? (status << 8) | 0x7f : 0xffff;
	sig_notify_parent_locked(p, SIGCHLD, why, status);
	if (p->parent)
		wake_up(&p->parent->child_wait);
	spin_unlock_irqrestore(&process_tree_lock, flags);
}

/* Report a resumption by SIGCONT if nobody has yet. Call with no lock held. */
void sig_report_continued(struct process *p)
{
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	bool report = p->sig_jobctl & SIG_JOBCTL_CONTINUED;

	p->sig_jobctl &= ~SIG_JOBCTL_CONTINUED;
	spin_unlock_irqrestore(&p->sig_lock, flags);
	if (report)
		sig_report_job(p, CLD_CONTINUED, SIGCONT);
}

/* ------------------------------------------------------------------------ */
/* Process life cycle                                                        */

void signal_fork(struct process *child, const struct process *parent)
{
	struct process *par = (struct process *)parent;
	unsigned long flags = spin_lock_irqsave(&par->sig_lock);

	memcpy(child->actions, par->actions, sizeof(child->actions));
	spin_unlock_irqrestore(&par->sig_lock, flags);
	child->shared_pending = 0;
	child->shared_sigq = NULL;
	child->stopped = false;
	child->group_exit = 0;
	child->sig_jobctl = 0;
}

void signal_exec(void)
{
	struct task *t = current;
	struct process *p = t->proc;
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);

	for (int i = 0; i < SIG_COUNT; i++) {
		struct ksigaction *ka = &p->actions[i];

		if (ka->handler != SIG_HANDLER_IGN)
			ka->handler = SIG_HANDLER_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
	spin_unlock_irqrestore(&p->sig_lock, flags);
	t->altstack_sp = 0;
	t->altstack_size = 0;
}

void signal_task_free(struct task *t)
{
	sigq_flush(&t->sigq, ~0UL);
}

void signal_process_free(struct process *p)
{
	sig_itimer_free(p);
	sigq_flush(&p->shared_sigq, ~0UL);
}

/* ------------------------------------------------------------------------ */
/* kill and friends                                                          */

bool process_may_signal(const struct process *p)
{
	const struct process *me = current_proc;

	if (p == me || me->euid == 0)
		return true;
	return me->euid == p->suid || me->euid == p->uid || me->uid == p->suid ||
	       me->uid == p->uid;
}

/* kill(2)'s checks for @sig to @p (Linux's check_kill_permission). */
static int sig_check_kill(struct process *p, int sig)
{
	if (sig < 0 || sig > SIG_COUNT)
		return -EINVAL;
	if (process_may_signal(p))
		return 0;
	/* SIGCONT within a session is always allowed (job control) */
	if (sig == SIGCONT && READ_ONCE(p->sid) == READ_ONCE(current_proc->sid))
		return 0;
	return -EPERM;
}

/* Send from user space: permission, then the signal (0 only checks). */
static int sig_send_user(struct process *p, struct task *t, int sig, const struct sigqueue *q)
{
	int ret = sig_check_kill(p, sig);

	if (ret || !sig)
		return ret;
	return sig_send(p, t, sig, q);
}

/* The process with pid @pid, or the one owning thread @pid; referenced, or NULL. */
static struct process *sig_find_process(int pid)
{
	struct process *p = process_find_get(pid);
	struct task *t;

	if (p)
		return p;
	t = task_find_get(pid);
	if (!t)
		return NULL;
	p = t->proc;
	process_get(p);
	task_put(t);
	return p;
}

static int sig_kill_pid(int pid, int sig, const struct sigqueue *q)
{
	struct process *p = sig_find_process(pid);
	int ret;

	if (!p)
		return -ESRCH;
	ret = p->pid > 0 ? sig_send_user(p, NULL, sig, q) : -ESRCH;
	if (!ret && sig == SIGCONT)
		sig_report_continued(p);
	process_put(p);
	return ret;
}

/* kill(-1, sig): every process but init and the caller. */
static int sig_kill_all(int sig, const struct sigqueue *q)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	int ret = 0, count = 0;
	struct process *p;

	list_for_each_entry(p, &process_list, all_node) {
		int err;

		if (p->pid <= 1 || p == current_proc)
			continue;
		err = sig_send_user(p, NULL, sig, q);
		count++;
		if (err != -EPERM)
			ret = err;
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return count ? ret : -ESRCH;
}

/* kill(-pgid, sig): 0 if any member got it, else the last error (-ESRCH: none). */
static int sig_kill_pgrp(int pgid, int sig, const struct sigqueue *q)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	int ret = -ESRCH;
	bool success = false;
	struct process *p;

	list_for_each_entry(p, &process_list, all_node) {
		if (p->pid <= 0 || p->pgid != pgid)
			continue;
		ret = sig_send_user(p, NULL, sig, q);
		success |= !ret;
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return success ? 0 : ret;
}

SYSCALL_DEFINE(kill, __NR_kill, int pid, int sig)
{
	struct sigqueue q;

	sig_info_user(&q, sig, SI_USER);
	if (pid > 0)
		return sig_kill_pid(pid, sig, &q);
	if (pid == -1)
		return sig_kill_all(sig, &q);
	if (pid == INT32_MIN)
		return -ESRCH;
	return sig_kill_pgrp(pid ? -pid : READ_ONCE(current_proc->pgid), sig, &q);
}

/* Send to thread @tid (of process @tgid if > 0) with siginfo @q. */
static int sig_tkill(int tgid, int tid, int sig, const struct sigqueue *q)
{
	struct task *t = task_find_get(tid);
	int ret;

	if (!t)
		return -ESRCH;
	if ((tgid > 0 && t->proc->pid != tgid) || t->proc->pid <= 0)
		ret = -ESRCH;
	else
		ret = sig_send_user(t->proc, t, sig, q);
	task_put(t);
	return ret;
}

SYSCALL_DEFINE(tkill, __NR_tkill, int tid, int sig)
{
	struct sigqueue q;

	if (tid <= 0)
		return -EINVAL;
	sig_info_user(&q, sig, SI_TKILL);
	return sig_tkill(0, tid, sig, &q);
}

SYSCALL_DEFINE(tgkill, __NR_tgkill, int tgid, int tid, int sig)
{
	struct sigqueue q;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	sig_info_user(&q, sig, SI_TKILL);
	return sig_tkill(tgid, tid, sig, &q);
}

/*
 * siginfo from user space for rt_sigqueueinfo: only negative si_code
 * values other than SI_TKILL may be forged, except towards oneself.
 */
static int sig_info_from_user(struct sigqueue *q, int sig, int target, const siginfo_t *uinfo)
{
	sig_info_init(q, sig, 0);
	if (copy_from_user(&q->info, uinfo, sizeof(q->info)))
		return -EFAULT;
	q->info.si_signo = sig;
	if ((q->info.si_code >= 0 || q->info.si_code == SI_TKILL) && target != current->tid)
		return -EPERM;
	return 0;
}

SYSCALL_DEFINE(rt_sigqueueinfo, __NR_rt_sigqueueinfo, int tgid, int sig, siginfo_t *uinfo)
{
	struct sigqueue q;
	struct process *p;
	int ret = sig_info_from_user(&q, sig, tgid, uinfo);

	if (ret)
		return ret;
	p = tgid > 0 ? sig_find_process(tgid) : NULL;
	if (!p)
		return -ESRCH;
	ret = p->pid > 0 ? sig_send_user(p, NULL, sig, &q) : -ESRCH;
	process_put(p);
	return ret;
}

SYSCALL_DEFINE(rt_tgsigqueueinfo, __NR_rt_tgsigqueueinfo, int tgid, int tid, int sig,
	       siginfo_t *uinfo)
{
	struct sigqueue q;
	int ret;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	ret = sig_info_from_user(&q, sig, tid, uinfo);
	if (ret)
		return ret;
	return sig_tkill(tgid, tid, sig, &q);
}
