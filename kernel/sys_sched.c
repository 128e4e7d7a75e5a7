/*
 * Scheduling-related system calls, with Linux's semantics and errors
 * (kernel/sys.c, kernel/sched/core.c): nice values (getpriority,
 * setpriority), sched_yield, CPU affinity, scheduling policy queries
 * (only SCHED_OTHER exists here) and resource limits (getrlimit,
 * setrlimit, prlimit64).
 *
 * Permission follows Linux with root (effective uid 0) standing for
 * CAP_SYS_NICE and CAP_SYS_RESOURCE. Resource limits of a process are read
 * and written under its sig_lock so prlimit64 on another process sees and
 * makes whole updates.
 */
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/rlimit.h>
#include <ferrite/sched.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <arch/percpu.h>

#define NICE_MIN	(-20)
#define NICE_MAX	19
#define RT_PRIO_MAX	99	/* MAX_RT_PRIO - 1 */

struct sched_param {
	int sched_priority;
};

/* Linux's nice_to_rlimit: 19..-20 as 1..40, the raw getpriority value. */
static long nice_to_rlimit(int nice)
{
	return 20 - nice;
}

static int clamp_nice(int nice)
{
	return nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
}

/* Linux's check_same_owner/set_one_prio_perm: the caller acts for @p's owner. */
static bool sched_same_owner(const struct process *p)
{
	int euid = READ_ONCE(current_proc->euid);

	return euid == 0 || euid == READ_ONCE(p->uid) || euid == READ_ONCE(p->euid);
}

/* @p's limit @res; takes p->sig_lock. */
static struct rlimit64 sched_rlimit(struct process *p, int res)
{
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	struct rlimit64 r = p->rlim[res];

	spin_unlock_irqrestore(&p->sig_lock, flags);
	return r;
}

/* What a getpriority/setpriority walk does to each matching task. */
struct prio_walk {
	bool set;
	int nice;		/* setpriority's value */
	long result;		/* -ESRCH until a task matches */
};

/*
 * getpriority: keep the highest (20 - nice). setpriority: Linux's
 * set_one_prio, where a later success does not hide an earlier EPERM or
 * EACCES. Called with process_tree_lock and @t->proc's sig_lock held, or
 * with a reference to @t alone.
 */
static void prio_one(struct task *t, struct prio_walk *w)
{
	struct process *p = t->proc;
	int cur = READ_ONCE(t->nice);

	if (!w->set) {
		if (nice_to_rlimit(cur) > w->result)
			w->result = nice_to_rlimit(cur);
		return;
	}
	if (!sched_same_owner(p)) {
		w->result = -EPERM;
		return;
	}
	/* can_nice: lowering nice needs RLIMIT_NICE (20 - nice) or root. */
	if (w->nice < cur && nice_to_rlimit(w->nice) > (long)p->rlim[RLIMIT_NICE].rlim_cur &&
	    READ_ONCE(current_proc->euid) != 0) {
		w->result = -EACCES;
		return;
	}
	if (w->result == -ESRCH)
		w->result = 0;
	sched_set_nice(t, w->nice);
}

/* Every task of @p; takes its sig_lock. process_tree_lock held. */
static void prio_process_locked(struct process *p, struct prio_walk *w)
{
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	struct task *t;

	list_for_each_entry(t, &p->tasks, proc_node)
		prio_one(t, w);
	spin_unlock_irqrestore(&p->sig_lock, flags);
}

/* PRIO_PGRP and PRIO_USER: walk every process under process_tree_lock. */
static void prio_walk_all(int which, int who, struct prio_walk *w)
{
	unsigned long flags;
	struct process *p;

	flags = spin_lock_irqsave(&process_tree_lock);
	if (!who)
		who = which == PRIO_PGRP ? current_proc->pgid : READ_ONCE(current_proc->uid);
	list_for_each_entry(p, &process_list, all_node) {
		if (p->pid == 0 || p->exit_state)
			continue;
		if (which == PRIO_PGRP ? p->pgid == who : READ_ONCE(p->uid) == who)
			prio_process_locked(p, w);
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
}

static long prio_walk(int which, int who, struct prio_walk *w)
{
	struct task *t;

	w->result = -ESRCH;
	switch (which) {
	case PRIO_PROCESS:	/* @who is a thread id, as on Linux */
		t = who ? task_find_get(who) : task_get(current);
		if (t) {
			prio_one(t, w);
			task_put(t);
		}
		break;
	case PRIO_PGRP:
	case PRIO_USER:
		prio_walk_all(which, who, w);
		break;
	default:
		return -EINVAL;
	}
	return w->result;
}

SYSCALL_DEFINE(getpriority, __NR_getpriority, int which, int who)
{
	struct prio_walk w = { .set = false };

	return prio_walk(which, who, &w);
}

SYSCALL_DEFINE(setpriority, __NR_setpriority, int which, int who, int niceval)
{
	struct prio_walk w = { .set = true, .nice = clamp_nice(niceval) };

	return prio_walk(which, who, &w);
}

SYSCALL_DEFINE(sched_yield, __NR_sched_yield, void)
{
	sched_yield_current();
	return 0;
}

/* The task @pid names (0: the caller), referenced, or NULL. */
static struct task *sched_find_task(int pid)
{
	if (pid < 0)
		return NULL;
	return pid ? task_find_get(pid) : task_get(current);
}

/* Bytes of Linux's cpumask for this machine: whole longs covering nr_cpu_ids. */
static size_t sched_cpumask_bytes(void)
{
	return (size_t)(nr_cpus + 63) / 64 * sizeof(uint64_t);
}

static void sched_online_mask(struct cpumask *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < nr_cpus && i < CPUMASK_WORDS * 64; i++)
		if (cpus[i] && __atomic_load_n(&cpus[i]->online, __ATOMIC_RELAXED))
			cpumask_set(m, i);
}

SYSCALL_DEFINE(sched_setaffinity, __NR_sched_setaffinity, int pid, unsigned int len,
	       const void *umask)
{
	struct cpumask mask;
	struct task *t;
	long err;

	memset(&mask, 0, sizeof(mask));
	if (copy_from_user(&mask, umask, len < sizeof(mask) ? len : sizeof(mask)))
		return -EFAULT;
	t = sched_find_task(pid);
	if (!t)
		return -ESRCH;
	err = sched_same_owner(t->proc) ? sched_set_affinity(t, &mask) : -EPERM;
	task_put(t);
	return err;
}

SYSCALL_DEFINE(sched_getaffinity, __NR_sched_getaffinity, int pid, unsigned int len,
	       void *umask)
{
	size_t size = sched_cpumask_bytes();
	struct cpumask mask, online;
	struct task *t;

	if ((uint64_t)len * 8 < (uint64_t)nr_cpus || (len & (sizeof(uint64_t) - 1)))
		return -EINVAL;
	t = sched_find_task(pid);
	if (!t)
		return -ESRCH;
	sched_get_affinity(t, &mask);
	task_put(t);
	sched_online_mask(&online);
	for (int i = 0; i < CPUMASK_WORDS; i++)
		mask.bits[i] &= online.bits[i];
	if (len < size)
		size = len;
	if (copy_to_user(umask, &mask, size))
		return -EFAULT;
	return (long)size;
}

static bool sched_policy_valid(int policy)
{
	return policy == SCHED_NORMAL || policy == SCHED_FIFO || policy == SCHED_RR ||
	       policy == SCHED_BATCH || policy == SCHED_IDLE || policy == SCHED_DEADLINE;
}

static bool sched_policy_rt(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/*
 * Linux's __sched_setscheduler checks for @t getting @policy (-1: keep
 * SCHED_OTHER) and priority @prio. Only SCHED_OTHER is implemented: a
 * permitted request for another policy is logged and refused with EINVAL.
 */
static long sched_set_policy(struct task *t, int policy, int prio)
{
	if (policy < 0)
		policy = SCHED_NORMAL;
	policy &= ~SCHED_RESET_ON_FORK;
	if (!sched_policy_valid(policy))
		return -EINVAL;
	if (prio < 0 || prio > RT_PRIO_MAX || policy == SCHED_DEADLINE ||
	    sched_policy_rt(policy) != (prio != 0))
		return -EINVAL;
	if (READ_ONCE(current_proc->euid) != 0) {
		if (sched_policy_rt(policy) && !sched_rlimit(t->proc, RLIMIT_RTPRIO).rlim_cur)
			return -EPERM;
		if (!sched_same_owner(t->proc))
			return -EPERM;
	}
	if (policy != SCHED_NORMAL) {
		pr_info_once("sched_setscheduler: only SCHED_OTHER is supported (policy %d)\n",
			     policy);
		return -EINVAL;
	}
	return 0;
}

/* sched_setscheduler and sched_setparam: @policy -1 keeps the policy. */
static long sched_setscheduler_common(int pid, int policy, const struct sched_param *uparam)
{
	struct sched_param param;
	struct task *t;
	long err;

	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(&param, uparam, sizeof(param)))
		return -EFAULT;
	t = sched_find_task(pid);
	if (!t)
		return -ESRCH;
	err = sched_set_policy(t, policy, param.sched_priority);
	task_put(t);
	return err;
}

SYSCALL_DEFINE(sched_setscheduler, __NR_sched_setscheduler, int pid, int policy,
	       const struct sched_param *uparam)
{
	if (policy < 0)
		return -EINVAL;
	return sched_setscheduler_common(pid, policy, uparam);
}

SYSCALL_DEFINE(sched_setparam, __NR_sched_setparam, int pid, const struct sched_param *uparam)
{
	return sched_setscheduler_common(pid, -1, uparam);
}

SYSCALL_DEFINE(sched_getscheduler, __NR_sched_getscheduler, int pid)
{
	struct task *t;

	if (pid < 0)
		return -EINVAL;
	t = sched_find_task(pid);
	if (!t)
		return -ESRCH;
	task_put(t);
	return SCHED_NORMAL;
}

SYSCALL_DEFINE(sched_getparam, __NR_sched_getparam, int pid, struct sched_param *uparam)
{
	struct sched_param param = { 0 };
	struct task *t;

	if (!uparam || pid < 0)
		return -EINVAL;
	t = sched_find_task(pid);
	if (!t)
		return -ESRCH;
	task_put(t);
	return copy_to_user(uparam, &param, sizeof(param));
}

SYSCALL_DEFINE(sched_get_priority_max, __NR_sched_get_priority_max, int policy)
{
	if (!sched_policy_valid(policy))
		return -EINVAL;
	return sched_policy_rt(policy) ? RT_PRIO_MAX : 0;
}

SYSCALL_DEFINE(sched_get_priority_min, __NR_sched_get_priority_min, int policy)
{
	if (!sched_policy_valid(policy))
		return -EINVAL;
	return sched_policy_rt(policy) ? 1 : 0;
}

/*
 * Linux's do_prlimit on process @p: read the old limit into @old and/or
 * install @new (both optional), checked by rlimit_check with the caller's
 * privilege. Takes p->sig_lock.
 */
static long rlimit_update(struct process *p, unsigned int res, const struct rlimit64 *new,
			  struct rlimit64 *old)
{
	unsigned long flags;
	long err = 0;

	if (res >= RLIMIT_COUNT)
		return -EINVAL;
	flags = spin_lock_irqsave(&p->sig_lock);
	if (new)
		err = rlimit_check((int)res, &p->rlim[res], new,
				   READ_ONCE(current_proc->euid) == 0);
	if (!err && old)
		*old = p->rlim[res];
	if (!err && new)
		p->rlim[res] = *new;
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return err;
}

SYSCALL_DEFINE(getrlimit, __NR_getrlimit, unsigned int res, struct rlimit *ulim)
{
	struct rlimit64 old;
	long err = rlimit_update(current_proc, res, NULL, &old);

	if (err)
		return err;
	return copy_to_user(ulim, &old, sizeof(old));
}

SYSCALL_DEFINE(setrlimit, __NR_setrlimit, unsigned int res, const struct rlimit *ulim)
{
	struct rlimit64 new;

	if (copy_from_user(&new, ulim, sizeof(new)))
		return -EFAULT;
	return rlimit_update(current_proc, res, &new, NULL);
}

/* Linux's check_prlimit_permission: all of @p's ids are the caller's, or root. */
static bool rlimit_may_access(struct process *p)
{
	struct process *me = current_proc;

	if (p == me || me->euid == 0)
		return true;
	return me->uid == p->uid && me->uid == p->euid && me->uid == p->suid &&
	       me->gid == p->gid && me->gid == p->egid && me->gid == p->sgid;
}

SYSCALL_DEFINE(prlimit64, __NR_prlimit64, int pid, unsigned int res,
	       const struct rlimit64 *unew, struct rlimit64 *uold)
{
	struct rlimit64 new, old;
	struct task *t;
	long err;

	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	t = pid ? task_find_get(pid) : task_get(current);
	if (!t)
		return -ESRCH;
	err = rlimit_may_access(t->proc) ? 0 : -EPERM;
	if (!err)
		err = rlimit_update(t->proc, res, unew ? &new : NULL, uold ? &old : NULL);
	task_put(t);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}
