/*
 * Credential rules without kernel state: the supplementary group lists
 * (Linux's kernel/groups.c) and the id transitions of the set*id calls
 * (Linux's kernel/sys.c), as pure functions the syscalls in sys_cred.c apply
 * under the process's lock and the host tests run directly.
 */
#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/slab.h>
#include <ferrite/sort.h>

struct group_info *groups_alloc(int n)
{
	struct group_info *gi;

	if (n < 0 || n > CRED_NGROUPS_MAX)
		return NULL;
	gi = kmalloc(sizeof(*gi) + (size_t)n * sizeof(int));
	if (!gi)
		return NULL;
	gi->refcount = 1;
	gi->ngroups = n;
	return gi;
}

struct group_info *groups_get(struct group_info *gi)
{
	if (gi)
		__atomic_fetch_add(&gi->refcount, 1, __ATOMIC_RELAXED);
	return gi;
}

void groups_put(struct group_info *gi)
{
	if (gi && __atomic_sub_fetch(&gi->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(gi);
}

/* Order gids as Linux does: as unsigned numbers (kgid_t). */
static int groups_cmp(const void *a, const void *b)
{
	unsigned int x = (unsigned int)*(const int *)a, y = (unsigned int)*(const int *)b;

	return (x > y) - (x < y);
}

void groups_sort(struct group_info *gi)
{
	sort_array(gi->gid, (size_t)gi->ngroups, sizeof(int), groups_cmp);
}

bool groups_search(const struct group_info *gi, int gid)
{
	int lo = 0, hi;

	if (!gi)
		return false;
	hi = gi->ngroups;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		int c = groups_cmp(&gid, &gi->gid[mid]);

		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

int cred_rule_set(struct cred_ids *c, bool priv, const int arg[3])
{
	int id = arg[0];

	if (priv)
		c->r = c->s = id;
	else if (id != c->r && id != c->s)
		return -EPERM;
	c->e = c->fs = id;
	return 0;
}

int cred_rule_setre(struct cred_ids *c, bool priv, const int arg[3])
{
	int r = arg[0], e = arg[1];
	struct cred_ids old = *c;

	if (!priv && r != ID_UNCHANGED && r != old.r && r != old.e)
		return -EPERM;
	if (!priv && e != ID_UNCHANGED && !cred_holds(&old, e))
		return -EPERM;
	if (r != ID_UNCHANGED)
		c->r = r;
	if (e != ID_UNCHANGED)
		c->e = e;
	/* A changed real id, or an effective id other than the old real one, is saved. */
	if (r != ID_UNCHANGED || (e != ID_UNCHANGED && e != old.r))
		c->s = c->e;
	c->fs = c->e;
	return 0;
}

bool cred_holds(const struct cred_ids *c, int id)
{
	return id == c->r || id == c->e || id == c->s;
}

int cred_rule_setres(struct cred_ids *c, bool priv, const int arg[3])
{
	struct cred_ids old = *c;

	for (int i = 0; i < 3 && !priv; i++)
		if (arg[i] != ID_UNCHANGED && !cred_holds(&old, arg[i]))
			return -EPERM;
	if (arg[0] != ID_UNCHANGED)
		c->r = arg[0];
	if (arg[1] != ID_UNCHANGED)
		c->e = arg[1];
	if (arg[2] != ID_UNCHANGED)
		c->s = arg[2];
	c->fs = c->e;
	return 0;
}

bool cred_rule_setfs(struct cred_ids *c, bool priv, int id)
{
	if (id == ID_UNCHANGED || !(cred_holds(c, id) || id == c->fs || priv))
		return false;
	c->fs = id;
	return true;
}
