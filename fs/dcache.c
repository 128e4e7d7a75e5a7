/*
 * Dentries: the names of the namespace. Each attached dentry sits on its
 * parent's child list (in creation order, with a readdir cookie) and in a
 * global hash keyed by (parent, name) for lookups. References are atomic;
 * the final put happens under dcache_lock so that a lookup can never pick
 * up a dentry that is being freed. A freed dentry drops its parent's
 * reference, which may free the parent in turn (iteratively, never by
 * recursion: the kernel stack is small and trees can be deep).
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>

DEFINE_SPINLOCK(dcache_lock);

#define DHASH_BITS	10
#define DHASH_SIZE	(1u << DHASH_BITS)

static struct list_head dentry_hash[DHASH_SIZE];	/* [D] */
static bool dentry_hash_ready;				/* [D] */

/* FNV-1a over the name. */
static uint32_t name_hash(const char *name, unsigned int len)
{
	uint32_t h = 2166136261u;

	for (unsigned int i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/* The hash chain for @hash under @parent. [D] */
static struct list_head *bucket(const struct dentry *parent, uint32_t hash)
{
	uint64_t k = (uint64_t)(uintptr_t)parent;

	if (!dentry_hash_ready) {
		for (unsigned int i = 0; i < DHASH_SIZE; i++)
			list_init(&dentry_hash[i]);
		dentry_hash_ready = true;
	}
	k = (k >> 4) ^ (k >> 20) ^ hash;
	k *= 0x9e3779b97f4a7c15ULL;
	return &dentry_hash[k >> (64 - DHASH_BITS)];
}

struct dentry *dentry_get(struct dentry *d)
{
	__atomic_fetch_add(&d->refcount, 1, __ATOMIC_RELAXED);
	return d;
}

/* Store @name in @d (inline when short). 0 or -ENOMEM. */
static int set_name(struct dentry *d, const char *name, unsigned int len)
{
	char *buf = d->iname;

	if (len >= DENTRY_INLINE_NAME) {
		buf = kmalloc(len + 1);
		if (!buf)
			return -ENOMEM;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	d->name = buf;
	d->len = len;
	d->hash = name_hash(name, len);
	return 0;
}

static struct dentry *dentry_new(struct super_block *sb, const char *name, unsigned int len)
{
	struct dentry *d = kzalloc(sizeof(*d));

	if (!d)
		return NULL;
	if (set_name(d, name, len)) {
		kfree(d);
		return NULL;
	}
	d->refcount = 1;
	d->sb = sb;
	d->next_offset = 2;	/* 0 and 1 are "." and ".." */
	list_init(&d->hash_node);
	list_init(&d->child_node);
	list_init(&d->children);
	return d;
}

struct dentry *d_alloc(struct dentry *parent, const char *name, unsigned int len)
{
	struct dentry *d = dentry_new(parent->sb, name, len);

	if (d)
		d->parent = dentry_get(parent);
	return d;
}

struct dentry *d_alloc_root(struct super_block *sb)
{
	struct dentry *d = dentry_new(sb, "/", 1);

	if (d)
		d->parent = d;
	return d;
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
	d->inode = inode;
}

/* Take @d off its parent's list and the hash. [D] */
static void unlink_locked(struct dentry *d)
{
	list_del(&d->child_node);
	list_del(&d->hash_node);
	d->flags &= ~DENTRY_ATTACHED;
}

static void link_locked(struct dentry *d)
{
	struct dentry *p = d->parent;

	d->offset = p->next_offset++;
	list_add_tail(&d->child_node, &p->children);
	list_add(&d->hash_node, bucket(p, d->hash));
	d->flags |= DENTRY_ATTACHED;
}

static void dentry_free(struct dentry *d)
{
	inode_put(d->inode);
	if (d->name != d->iname)
		kfree(d->name);
	kfree(d);
}

void dentry_put(struct dentry *d)
{
	while (d) {
		struct dentry *parent;
		int old = __atomic_load_n(&d->refcount, __ATOMIC_RELAXED);

		/* Fast path: not the last reference. */
		while (old > 1) {
			if (__atomic_compare_exchange_n(&d->refcount, &old, old - 1, false,
							__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
				return;
		}
		spin_lock(&dcache_lock);
		if (__atomic_sub_fetch(&d->refcount, 1, __ATOMIC_ACQ_REL) != 0) {
			spin_unlock(&dcache_lock);
			return;
		}
		if (d->flags & DENTRY_ATTACHED)
			unlink_locked(d);
		parent = d->parent == d ? NULL : d->parent;
		spin_unlock(&dcache_lock);
		dentry_free(d);
		d = parent;
	}
}

void d_attach(struct dentry *d)
{
	WARN_ON(!mutex_is_held(&d->parent->inode->lock));
	spin_lock(&dcache_lock);
	link_locked(d);
	spin_unlock(&dcache_lock);
}

void d_detach(struct dentry *d)
{
	spin_lock(&dcache_lock);
	if (d->flags & DENTRY_ATTACHED)
		unlink_locked(d);
	d->flags |= DENTRY_DEAD;
	spin_unlock(&dcache_lock);
}

void d_pin(struct dentry *d)
{
	dentry_get(d);
	spin_lock(&dcache_lock);
	d->flags |= DENTRY_PINNED;
	spin_unlock(&dcache_lock);
}

void d_unpin(struct dentry *d)
{
	bool was;

	spin_lock(&dcache_lock);
	was = d->flags & DENTRY_PINNED;
	d->flags &= ~DENTRY_PINNED;
	spin_unlock(&dcache_lock);
	if (was)
		dentry_put(d);
}

struct dentry *d_lookup(struct dentry *parent, const char *name, unsigned int len)
{
	uint32_t hash = name_hash(name, len);
	struct dentry *d, *found = NULL;
	struct list_head *b;

	spin_lock(&dcache_lock);
	b = bucket(parent, hash);
	list_for_each_entry(d, b, hash_node) {
		if (d->parent == parent && d->hash == hash && d->len == len &&
		    !memcmp(d->name, name, len)) {
			found = dentry_get(d);
			break;
		}
	}
	spin_unlock(&dcache_lock);
	return found;
}

/* Exchange the names of two dentries (inline or allocated). [D] */
static void swap_names(struct dentry *a, struct dentry *b)
{
	char tmp[DENTRY_INLINE_NAME];
	bool a_inline = a->name == a->iname, b_inline = b->name == b->iname;
	const char *an = a->name, *bn = b->name;
	unsigned int len = a->len;
	uint32_t hash = a->hash;

	if (a_inline)
		memcpy(tmp, a->iname, sizeof(tmp));
	if (b_inline) {
		memcpy(a->iname, b->iname, sizeof(tmp));
		a->name = a->iname;
	} else {
		a->name = bn;
	}
	if (a_inline) {
		memcpy(b->iname, tmp, sizeof(tmp));
		b->name = b->iname;
	} else {
		b->name = an;
	}
	a->len = b->len;
	a->hash = b->hash;
	b->len = len;
	b->hash = hash;
}

/*
 * @d takes the place (parent and name) of @target. With @exchange both are
 * attached and swap places; otherwise @target (a detached dentry carrying
 * the new name, or the attached victim being replaced) ends up detached and
 * dead. Each dentry's parent reference moves with it, so no count changes.
 * Caller holds rename_mutex and both directories' inode mutexes.
 */
static void move_dentry(struct dentry *d, struct dentry *target, bool exchange)
{
	struct dentry *old_parent;

	spin_lock(&dcache_lock);
	if (d->flags & DENTRY_ATTACHED)
		unlink_locked(d);
	if (target->flags & DENTRY_ATTACHED)
		unlink_locked(target);
	swap_names(d, target);
	old_parent = d->parent;
	d->parent = target->parent;
	target->parent = old_parent;
	link_locked(d);
	if (exchange)
		link_locked(target);
	else
		target->flags |= DENTRY_DEAD;
	spin_unlock(&dcache_lock);
}

void d_move(struct dentry *d, struct dentry *target)
{
	move_dentry(d, target, false);
}

void d_exchange(struct dentry *a, struct dentry *b)
{
	move_dentry(a, b, true);
}

bool d_has_children(struct dentry *dir)
{
	bool r;

	spin_lock(&dcache_lock);
	r = !list_empty(&dir->children);
	spin_unlock(&dcache_lock);
	return r;
}

bool d_is_ancestor(struct dentry *anc, struct dentry *d)
{
	bool r = false;

	spin_lock(&dcache_lock);
	for (;;) {
		if (d == anc) {
			r = true;
			break;
		}
		if (d->parent == d)
			break;
		d = d->parent;
	}
	spin_unlock(&dcache_lock);
	return r;
}

/* Put @s (@len bytes) in front of *@pos, not below @buf; false if it does not fit. */
static bool prepend(char **pos, char *buf, const char *s, size_t len)
{
	if ((size_t)(*pos - buf) < len)
		return false;
	*pos -= len;
	memcpy(*pos, s, len);
	return true;
}

/* Build the names from @p up to @root (or the global root). [M][D] */
static bool prepend_path_locked(const struct path *p, const struct path *root, char **pos,
				char *buf, bool *reachable)
{
	struct mount *m = p->mnt;
	struct dentry *d = p->dentry;
	bool any = false;

	*reachable = true;
	for (;;) {
		if (d == root->dentry && m == root->mnt)
			break;
		if (d == m->root || d->parent == d) {
			if (!m->parent) {
				*reachable = false;
				break;
			}
			d = m->mountpoint;
			m = m->parent;
			continue;
		}
		if (!prepend(pos, buf, d->name, d->len) || !prepend(pos, buf, "/", 1))
			return false;
		any = true;
		d = d->parent;
	}
	if (!any && !prepend(pos, buf, "/", 1))
		return false;
	return true;
}

char *d_path(const struct path *p, const struct path *root, char *buf, size_t size,
	     bool deleted_suffix)
{
	static const char deleted[] = " (deleted)", unreach[] = "(unreachable)";
	char *pos = buf + size;
	bool ok, reachable;

	if (!prepend(&pos, buf, "", 1))
		return ERR_PTR(-ENAMETOOLONG);
	if (deleted_suffix && (READ_ONCE(p->dentry->flags) & DENTRY_DEAD) &&
	    !prepend(&pos, buf, deleted, sizeof(deleted) - 1))
		return ERR_PTR(-ENAMETOOLONG);
	spin_lock(&mount_lock);
	spin_lock(&dcache_lock);
	ok = prepend_path_locked(p, root, &pos, buf, &reachable);
	spin_unlock(&dcache_lock);
	spin_unlock(&mount_lock);
	if (!ok || (!reachable && !prepend(&pos, buf, unreach, sizeof(unreach) - 1)))
		return ERR_PTR(-ENAMETOOLONG);
	return pos;
}
