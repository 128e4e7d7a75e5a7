/*
 * Process end and reaping: exit, exit_group, wait4, waitid; zombies,
 * reparenting of orphans to init, SIGCHLD and its SIG_IGN / SA_NOCLDWAIT
 * auto-reaping; plus the id syscalls (getpid, getppid, gettid, process
 * groups and sessions). Linux's kernel/exit.c and kernel/sys.c semantics.
 *
 * Locking: exit state, parent links, pgid and sid under process_tree_lock.
 */
#include <ferrite/errno.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/proc.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/tty.h>
#include <ferrite/uaccess.h>
#include <ferrite/vfs.h>
#include <ferrite/vm.h>
#include <linux/wait.h>
#include <linux/resource.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <arch/cpu.h>
#include <arch/task.h>

#define ZOMBIE	1
#define REAPED	2

/* Hand @p's children to init (pid 1). Needs process_tree_lock. */
static void exit_reparent_locked(struct process *p)
{
	struct process *init = process_find_locked(1);
	struct process *c, *n;
	bool zombies = false;

	list_for_each_entry_safe(c, n, &p->children, sibling) {
		list_del(&c->sibling);
		c->parent = init;
		if (init && init != p) {
			list_add_tail(&c->sibling, &init->children);
			zombies |= c->exit_state == ZOMBIE;
		}
	}
	if (zombies)
		wake_up(&init->child_wait);
}

/* True if @parent asks for children to be reaped without a wait. */
static bool exit_autoreap(struct process *parent)
{
	unsigned long flags;
	bool ign;

	flags = spin_lock_irqsave(&parent->sig_lock);
	ign = parent->actions[SIGCHLD - 1].handler == (uint64_t)SIG_IGN ||
	      (parent->actions[SIGCHLD - 1].flags & SA_NOCLDWAIT);
	spin_unlock_irqrestore(&parent->sig_lock, flags);
	return ign;
}

/* Remove reaped @p from every list and drop the list's reference. Needs process_tree_lock. */
static void exit_unlist_locked(struct process *p)
{
	p->exit_state = REAPED;
	list_del(&p->sibling);
	list_del(&p->all_node);
}

/* Release what the process owns; the task keeps only its kernel stack. */
static void exit_release_resources(struct task *t, struct process *p)
{
	struct files *files;
	struct fs_context *fs;
	struct vm_space *vm;
	unsigned long flags;
	int zero = 0;

	if (t->clear_child_tid)
		copy_to_user((void *)t->clear_child_tid, &zero, sizeof(zero));
	if (t->vfork_wq)
		process_vfork_release(t);
	if (p->sid == p->pid && READ_ONCE(p->tty))
		tty_disassociate_ctty(true);
	/* /proc takes references to these under sig_lock: detach them there */
	flags = spin_lock_irqsave(&p->sig_lock);
	files = p->files;
	fs = p->fs;
	vm = p->vm;
	p->files = NULL;
	p->fs = NULL;
	p->vm = NULL;
	t->vm = NULL;
	spin_unlock_irqrestore(&p->sig_lock, flags);
	if (files)
		files_put(files);
	if (fs)
		fs_context_put(fs);
	if (vm) {
		vm_activate(NULL);
		vm_put(vm);
	}
}

/* Leave the CPU for good; the next task drops @t's last reference (sched_finish_switch). */
static __noreturn void exit_switch_away(struct task *t)
{
	arch_irq_disable();
	WRITE_ONCE(t->state, TASK_DEAD);
	schedule();
	panic("dead task %d scheduled again", t->tid);
}

/* The end of a kernel thread: its id goes, the task is freed once switched away. */
static __noreturn void kthread_exit(void)
{
	struct task *t = current;
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);

	task_unhash_locked(t);
	spin_unlock_irqrestore(&process_tree_lock, flags);
	exit_switch_away(t);
}

__noreturn void process_exit_task(int wait_status)
{
	struct task *t = current;
	struct process *p = t->proc, *parent;
	unsigned long flags;
	bool reap = false;

	if (p == &kernel_process)
		kthread_exit();
	if (p->pid == 1)
		panic("Attempted to kill init! exitcode=%#x", wait_status);
	exit_release_resources(t, p);
	flags = spin_lock_irqsave(&process_tree_lock);
	task_unhash_locked(t);
	spin_lock(&p->sig_lock);
	list_del(&t->proc_node);
	p->nr_tasks--;
	p->dead_utime_ns += t->utime_ns;
	p->dead_stime_ns += t->stime_ns;
	spin_unlock(&p->sig_lock);
	exit_reparent_locked(p);
	p->exit_code = wait_status;
	p->exit_state = ZOMBIE;
	parent = p->parent;
	if (!parent || p == &kernel_process) {
		reap = p != &kernel_process;
	} else if (p->exit_signal == SIGCHLD && exit_autoreap(parent)) {
		reap = true;
	} else {
		if (p->exit_signal)
			signal_notify_exit_locked(p, p->exit_signal, wait_status);
		wake_up(&parent->child_wait);
	}
	if (reap) {
		exit_unlist_locked(p);
		if (parent)
			wake_up(&parent->child_wait);	/* a waiter may now get ECHILD */
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
	if (reap)
		process_put(p);
	exit_switch_away(t);
}

__noreturn void process_exit_group(int wait_status)
{
	process_exit_task(signal_group_exit(wait_status));
}

SYSCALL_DEFINE(exit, __NR_exit, int code)
{
	process_exit_task((code & 0xff) << 8);
}

SYSCALL_DEFINE(exit_group, __NR_exit_group, int code)
{
	process_exit_group((code & 0xff) << 8);
}

/* ------------------------------------------------------------------------ */
/* Waiting                                                                  */

struct wait_opts {
	int type;		/* P_ALL, P_PID, P_PGID */
	int id;
	int options;		/* WEXITED, WSTOPPED, WCONTINUED, WNOHANG, WNOWAIT */
	/* results */
	int pid, status, code, uid;
	uint64_t utime_ns, stime_ns;
};

static bool wait_matches(const struct process *c, const struct wait_opts *wo)
{
	switch (wo->type) {
	case P_PID:
		return c->pid == wo->id;
	case P_PGID:
		return c->pgid == wo->id;
	default:
		return true;
	}
}

/*
 * Look at one child: fill @wo and return 1 if it has something to report
 * (reaping it unless WNOWAIT), 0 if not. Needs process_tree_lock.
 */
static int wait_child_locked(struct process *c, struct wait_opts *wo)
{
	if (c->exit_state == ZOMBIE && (wo->options & WEXITED)) {
		int st = c->exit_code;

		wo->pid = c->pid;
		wo->status = st;
		wo->uid = c->uid;
		wo->code = (st & 0x7f) == 0 ? CLD_EXITED : (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
		wo->utime_ns = c->dead_utime_ns + c->cutime_ns;
		wo->stime_ns = c->dead_stime_ns + c->cstime_ns;
		if (!(wo->options & WNOWAIT)) {
			current_proc->cutime_ns += wo->utime_ns;
			current_proc->cstime_ns += wo->stime_ns;
			exit_unlist_locked(c);
		}
		return 1;
	}
	if (c->exit_state || !c->stop_report)
		return 0;
	if (c->stop_report == 0xffff ? !(wo->options & WCONTINUED) : !(wo->options & WSTOPPED))
		return 0;
	wo->pid = c->pid;
	wo->status = c->stop_report;
	wo->uid = c->uid;
	wo->code = c->stop_report == 0xffff ? CLD_CONTINUED : CLD_STOPPED;
	if (!(wo->options & WNOWAIT))
		c->stop_report = 0;
	return 1;
}

/*
 * Scan the children: 1 when one reported (reaped child put in *@reaped),
 * 0 when some could still report, -ECHILD when none match.
 */
static int wait_scan(struct wait_opts *wo, struct process **reaped)
{
	struct process *me = current_proc, *c, *n;
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	int ret = -ECHILD;

	list_for_each_entry_safe(c, n, &me->children, sibling) {
		if (!wait_matches(c, wo))
			continue;
		ret = 0;
		if (wait_child_locked(c, wo)) {
			if (c->exit_state == REAPED)
				*reaped = c;
			ret = 1;
			break;
		}
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return ret;
}

/* Wait as @wo says: 1 with a result, 0 for WNOHANG and nothing yet, or -errno. */
static int wait_common(struct wait_opts *wo)
{
	struct process *reaped = NULL;
	int scan = 0, err;

	err = wait_event_interruptible(current_proc->child_wait,
				       (scan = wait_scan(wo, &reaped)) != 0 ||
				       (wo->options & WNOHANG));
	if (reaped)
		process_put(reaped);
	if (scan)
		return scan;
	return err ? -ERESTARTSYS : 0;
}

static void wait_fill_rusage(struct rusage *ru, const struct wait_opts *wo)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = wo->utime_ns / 1000000000;
	ru->ru_utime.tv_usec = wo->utime_ns % 1000000000 / 1000;
	ru->ru_stime.tv_sec = wo->stime_ns / 1000000000;
	ru->ru_stime.tv_usec = wo->stime_ns % 1000000000 / 1000;
}

SYSCALL_DEFINE(wait4, __NR_wait4, int pid, int *ustatus, int options, struct rusage *uru)
{
	struct wait_opts wo = { 0 };
	struct rusage ru;
	int ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == -2147483647 - 1)
		return -ESRCH;
	if (pid > 0) {
		wo.type = P_PID;
		wo.id = pid;
	} else if (pid == 0) {
		wo.type = P_PGID;
		wo.id = current_proc->pgid;
	} else if (pid < -1) {
		wo.type = P_PGID;
		wo.id = -pid;
	}
	wo.options = (options & (WNOHANG | WCONTINUED)) | WEXITED |
		     ((options & WUNTRACED) ? WSTOPPED : 0);
	ret = wait_common(&wo);
	if (ret <= 0)
		return ret;
	if (ustatus && put_user(wo.status, ustatus))
		return -EFAULT;
	if (uru) {
		wait_fill_rusage(&ru, &wo);
		if (copy_to_user(uru, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return wo.pid;
}

/* The si_status waitid reports for a wait status. */
static int waitid_status(const struct wait_opts *wo)
{
	switch (wo->code) {
	case CLD_EXITED:
		return (wo->status >> 8) & 0xff;
	case CLD_KILLED:
	case CLD_DUMPED:
		return wo->status & 0x7f;
	case CLD_STOPPED:
		return (wo->status >> 8) & 0xff;
	default:
		return SIGCONT;
	}
}

SYSCALL_DEFINE(waitid, __NR_waitid, int which, int id, siginfo_t *uinfo, int options,
	       struct rusage *uru)
{
	struct wait_opts wo = { 0 };
	siginfo_t info;
	struct rusage ru;
	int ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if (which == P_PID || which == P_PGID) {
		if (id <= 0 && which == P_PID)
			return -EINVAL;
		if (id < 0)
			return -EINVAL;
		if (which == P_PGID && id == 0)
			id = current_proc->pgid;
	} else if (which != P_ALL) {
		return -EINVAL;
	}
	wo.type = which;
	wo.id = id;
	wo.options = options;
	ret = wait_common(&wo);
	if (ret < 0)
		return ret;
	memset(&info, 0, sizeof(info));
	if (ret > 0) {
		info.si_signo = SIGCHLD;
		info.si_code = wo.code;
		info.si_pid = wo.pid;
		info.si_uid = wo.uid;
		info.si_status = waitid_status(&wo);
	}
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	if (uru) {
		wait_fill_rusage(&ru, &wo);
		if (copy_to_user(uru, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Ids, process groups and sessions                                         */

SYSCALL_DEFINE(getpid, __NR_getpid, void)
{
	return current_proc->pid;
}

SYSCALL_DEFINE(gettid, __NR_gettid, void)
{
	return current->tid;
}

SYSCALL_DEFINE(getppid, __NR_getppid, void)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	struct process *parent = current_proc->parent;
	int ppid = parent ? parent->pid : 0;

	spin_unlock_irqrestore(&process_tree_lock, flags);
	return ppid;
}

SYSCALL_DEFINE(set_tid_address, __NR_set_tid_address, int *uaddr)
{
	current->clear_child_tid = (uint64_t)uaddr;
	return current->tid;
}

/* The process @pid (0: the caller) if it is the caller or its child. Needs the tree lock. */
static struct process *pgid_target_locked(int pid)
{
	struct process *me = current_proc, *p;

	if (!pid || pid == me->pid)
		return me;
	p = process_find_locked(pid);
	if (!p || p->parent != me || p->exit_state)
		return NULL;
	return p;
}

SYSCALL_DEFINE(setpgid, __NR_setpgid, int pid, int pgid)
{
	struct process *me = current_proc, *p;
	unsigned long flags;
	int ret = 0;

	if (pgid < 0 || pid < 0)
		return -EINVAL;
	flags = spin_lock_irqsave(&process_tree_lock);
	p = pgid_target_locked(pid);
	if (!p) {
		ret = -ESRCH;
		goto out;
	}
	if (!pgid)
		pgid = p->pid;
	if (p != me && p->did_exec) {
		ret = -EACCES;
		goto out;
	}
	if (p->sid == p->pid || p->sid != me->sid) {
		ret = -EPERM;
		goto out;
	}
	if (pgid != p->pid && !process_pgrp_exists_locked(pgid, me->sid)) {
		ret = -EPERM;
		goto out;
	}
	p->pgid = pgid;
out:
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return ret;
}

/* The process @pid (0: the caller), or NULL. Needs the tree lock. */
static struct process *id_target_locked(int pid)
{
	struct process *p = pid ? process_find_locked(pid) : current_proc;

	return p && p->exit_state != REAPED ? p : NULL;
}

SYSCALL_DEFINE(getpgid, __NR_getpgid, int pid)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pid >= 0 ? id_target_locked(pid) : NULL;
	int ret = p ? p->pgid : -ESRCH;

	spin_unlock_irqrestore(&process_tree_lock, flags);
	return ret;
}

SYSCALL_DEFINE(getpgrp, __NR_getpgrp, void)
{
	return sys_getpgid(0);
}

SYSCALL_DEFINE(getsid, __NR_getsid, int pid)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pid >= 0 ? id_target_locked(pid) : NULL;
	int ret = p ? p->sid : -ESRCH;

	spin_unlock_irqrestore(&process_tree_lock, flags);
	return ret;
}

SYSCALL_DEFINE(setsid, __NR_setsid, void)
{
	struct process *me = current_proc, *p;
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	int ret = me->pid;

	list_for_each_entry(p, &process_list, all_node) {
		if (p->pgid == me->pid && p->exit_state != REAPED) {
			ret = -EPERM;
			goto out;
		}
	}
	me->sid = me->pgid = me->pid;
	me->tty = NULL;
out:
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return ret;
}
