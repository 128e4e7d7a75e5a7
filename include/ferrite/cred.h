/*
 * Process credentials beyond the ids in struct process: the supplementary
 * group list (Linux's struct group_info), and the checks other subsystems
 * make against it. A group list is immutable once published and reference
 * counted; setgroups installs a new one. Root (effective uid 0) stands for
 * every capability, as Linux's capability emulation of the set*id calls
 * makes it behave without file capabilities.
 *
 * Locking: process->groups is [S] (the process's sig_lock, irqsave); hold
 * it to read the pointer and take a reference, never to sleep.
 */
#ifndef FERRITE_CRED_H
#define FERRITE_CRED_H

#include <ferrite/compiler.h>

struct process;

#define CRED_NGROUPS_MAX	65536	/* Linux's NGROUPS_MAX */

struct group_info {
	int refcount;			/* [a] */
	int ngroups;			/* [I] */
	int gid[];			/* [I] sorted ascending */
};

/* A group list of @n entries (refcount 1, contents for the caller to fill), or NULL. */
struct group_info *groups_alloc(int n);
struct group_info *groups_get(struct group_info *gi);
/* Drop a reference; NULL is ignored. */
void groups_put(struct group_info *gi);
/* Sort @gi's entries (before publishing it). */
void groups_sort(struct group_info *gi);
/* True if @gid is in @gi (NULL: empty). */
bool groups_search(const struct group_info *gi, int gid);

/* One set of ids (user or group) as a set*id call sees and changes it. */
struct cred_ids {
	int r, e, s, fs;		/* real, effective, saved, file system */
};

#define ID_UNCHANGED	(-1)	/* (uid_t)-1: "leave it" to setre*id and setres*id */

/*
 * The rule of each set*id call, applied to @c (the old ids on entry, the
 * new ones on success) with @priv meaning CAP_SETUID/CAP_SETGID (root).
 * Each returns 0 or -EPERM and leaves @c alone on failure.
 *  set:    setuid/setgid (root sets all four; others set effective and fs
 *          to the real or saved id). arg[0] is the id.
 *  setre:  setreuid/setregid, arg[0] real, arg[1] effective.
 *  setres: setresuid/setresgid, arg[0..2] real, effective, saved.
 * cred_rule_setfs (setfsuid/setfsgid) changes c->fs when allowed and says
 * whether it did; the call returns the old fs id either way.
 */
int cred_rule_set(struct cred_ids *c, bool priv, const int arg[3]);
int cred_rule_setre(struct cred_ids *c, bool priv, const int arg[3]);
int cred_rule_setres(struct cred_ids *c, bool priv, const int arg[3]);
bool cred_rule_setfs(struct cred_ids *c, bool priv, int id);
/* True if @id is @c's real, effective or saved id. */
bool cred_holds(const struct cred_ids *c, int id);

/* @p's group list, referenced (NULL: none). Takes @p's sig_lock. */
struct group_info *cred_groups_get(struct process *p);
/*
 * fork: @child gets a reference to @parent's group list (child->groups
 * must be NULL). cred_release drops @p's list when the process is freed.
 */
void cred_fork(struct process *child, struct process *parent);
void cred_release(struct process *p);

/* True if the current process's fs gid or a supplementary group is @gid (Linux's in_group_p). */
bool cred_in_group(int gid);
/* True if the current process has root's powers (effective uid 0). */
bool cred_is_root(void);

#endif
