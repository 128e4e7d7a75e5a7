/*
 * User and group ids: get/set of real, effective, saved and file-system
 * ids and the supplementary group list, with Linux's rules (kernel/sys.c,
 * kernel/groups.c): an id argument of -1 means "unchanged" where Linux says
 * so, root (effective uid 0, standing for CAP_SETUID and CAP_SETGID) may
 * set anything, others only to ids they already hold.
 *
 * The ids of struct process are written under its sig_lock so that threads
 * changing them at once do not mix their updates; each update reads the old
 * ids and writes the new ones in one critical section.
 */
#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/sched.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>

struct group_info *cred_groups_get(struct process *p)
{
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	struct group_info *gi = groups_get(p->groups);

	spin_unlock_irqrestore(&p->sig_lock, flags);
	return gi;
}

void cred_fork(struct process *child, struct process *parent)
{
	child->groups = cred_groups_get(parent);
}

void cred_release(struct process *p)
{
	groups_put(p->groups);
	p->groups = NULL;
}

bool cred_in_group(int gid)
{
	struct process *p = current_proc;
	unsigned long flags;
	bool found;

	if (READ_ONCE(p->fsgid) == gid)
		return true;
	flags = spin_lock_irqsave(&p->sig_lock);
	found = groups_search(p->groups, gid);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return found;
}

bool cred_is_root(void)
{
	return READ_ONCE(current_proc->euid) == 0;
}

/* Read @p's user (@group false) or group ids. Caller holds p->sig_lock. */
static void cred_read_locked(struct process *p, bool group, struct cred_ids *c)
{
	if (group)
		*c = (struct cred_ids){ p->gid, p->egid, p->sgid, p->fsgid };
	else
		*c = (struct cred_ids){ p->uid, p->euid, p->suid, p->fsuid };
}

static void cred_write_locked(struct process *p, bool group, const struct cred_ids *c)
{
	if (group) {
		p->gid = c->r, p->egid = c->e, p->sgid = c->s, p->fsgid = c->fs;
	} else {
		p->uid = c->r, p->euid = c->e, p->suid = c->s, p->fsuid = c->fs;
	}
}

typedef int (*cred_rule)(struct cred_ids *c, bool priv, const int arg[3]);

/* Apply @rule to the current process's user or group ids; 0 or -EPERM. */
static long cred_change(bool group, cred_rule rule, int a0, int a1, int a2)
{
	struct process *p = current_proc;
	const int arg[3] = { a0, a1, a2 };
	struct cred_ids c;
	unsigned long flags;
	int err;

	flags = spin_lock_irqsave(&p->sig_lock);
	cred_read_locked(p, group, &c);
	err = rule(&c, p->euid == 0, arg);
	if (!err)
		cred_write_locked(p, group, &c);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return err;
}

SYSCALL_DEFINE(getuid, __NR_getuid, void)
{
	return (unsigned int)READ_ONCE(current_proc->uid);
}

SYSCALL_DEFINE(geteuid, __NR_geteuid, void)
{
	return (unsigned int)READ_ONCE(current_proc->euid);
}

SYSCALL_DEFINE(getgid, __NR_getgid, void)
{
	return (unsigned int)READ_ONCE(current_proc->gid);
}

SYSCALL_DEFINE(getegid, __NR_getegid, void)
{
	return (unsigned int)READ_ONCE(current_proc->egid);
}

SYSCALL_DEFINE(setuid, __NR_setuid, unsigned int uid)
{
	if ((int)uid == ID_UNCHANGED)
		return -EINVAL;
	return cred_change(false, cred_rule_set, (int)uid, 0, 0);
}

SYSCALL_DEFINE(setgid, __NR_setgid, unsigned int gid)
{
	if ((int)gid == ID_UNCHANGED)
		return -EINVAL;
	return cred_change(true, cred_rule_set, (int)gid, 0, 0);
}

SYSCALL_DEFINE(setreuid, __NR_setreuid, unsigned int ruid, unsigned int euid)
{
	return cred_change(false, cred_rule_setre, (int)ruid, (int)euid, 0);
}

SYSCALL_DEFINE(setregid, __NR_setregid, unsigned int rgid, unsigned int egid)
{
	return cred_change(true, cred_rule_setre, (int)rgid, (int)egid, 0);
}

SYSCALL_DEFINE(setresuid, __NR_setresuid, unsigned int ruid, unsigned int euid,
	       unsigned int suid)
{
	return cred_change(false, cred_rule_setres, (int)ruid, (int)euid, (int)suid);
}

SYSCALL_DEFINE(setresgid, __NR_setresgid, unsigned int rgid, unsigned int egid,
	       unsigned int sgid)
{
	return cred_change(true, cred_rule_setres, (int)rgid, (int)egid, (int)sgid);
}

/* getresuid/getresgid: the three ids as 32-bit values; 0 or -EFAULT. */
static long cred_get_res(bool group, unsigned int *ur, unsigned int *ue, unsigned int *us)
{
	struct process *p = current_proc;
	struct cred_ids c;
	unsigned long flags;

	flags = spin_lock_irqsave(&p->sig_lock);
	cred_read_locked(p, group, &c);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	if (put_user((unsigned int)c.r, ur) || put_user((unsigned int)c.e, ue) ||
	    put_user((unsigned int)c.s, us))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(getresuid, __NR_getresuid, unsigned int *ruid, unsigned int *euid,
	       unsigned int *suid)
{
	return cred_get_res(false, ruid, euid, suid);
}

SYSCALL_DEFINE(getresgid, __NR_getresgid, unsigned int *rgid, unsigned int *egid,
	       unsigned int *sgid)
{
	return cred_get_res(true, rgid, egid, sgid);
}

/*
 * setfsuid/setfsgid: always return the old fs id; change it when @id is
 * one of the real, effective, saved or fs ids, or the caller is root.
 */
static long cred_set_fs(bool group, int id)
{
	struct process *p = current_proc;
	struct cred_ids c;
	unsigned long flags;
	int old;

	flags = spin_lock_irqsave(&p->sig_lock);
	cred_read_locked(p, group, &c);
	old = c.fs;
	if (cred_rule_setfs(&c, p->euid == 0, id))
		cred_write_locked(p, group, &c);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return (unsigned int)old;
}

SYSCALL_DEFINE(setfsuid, __NR_setfsuid, unsigned int uid)
{
	return cred_set_fs(false, (int)uid);
}

SYSCALL_DEFINE(setfsgid, __NR_setfsgid, unsigned int gid)
{
	return cred_set_fs(true, (int)gid);
}

SYSCALL_DEFINE(getgroups, __NR_getgroups, int size, unsigned int *ulist)
{
	struct group_info *gi;
	long n;

	if (size < 0)
		return -EINVAL;
	gi = cred_groups_get(current_proc);
	n = gi ? gi->ngroups : 0;
	if (size && n > size)
		n = -EINVAL;
	else if (size && n && copy_to_user(ulist, gi->gid, (size_t)n * sizeof(int)))
		n = -EFAULT;
	groups_put(gi);
	return n;
}

SYSCALL_DEFINE(setgroups, __NR_setgroups, int size, const unsigned int *ulist)
{
	struct process *p = current_proc;
	struct group_info *gi, *old;
	unsigned long flags;

	if (!cred_is_root())
		return -EPERM;
	if ((unsigned int)size > CRED_NGROUPS_MAX)
		return -EINVAL;
	gi = groups_alloc(size);
	if (!gi)
		return -ENOMEM;
	if (size && copy_from_user(gi->gid, ulist, (size_t)size * sizeof(int))) {
		groups_put(gi);
		return -EFAULT;
	}
	for (int i = 0; i < size; i++) {
		if (gi->gid[i] == ID_UNCHANGED) {	/* (gid_t)-1 is not a valid group */
			groups_put(gi);
			return -EINVAL;
		}
	}
	groups_sort(gi);
	flags = spin_lock_irqsave(&p->sig_lock);
	old = p->groups;
	p->groups = gi;
	spin_unlock_irqrestore(&p->sig_lock, flags);
	groups_put(old);
	return 0;
}
