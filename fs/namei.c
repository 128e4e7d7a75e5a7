/*
 * Path walking (path_resolution(7)): components are looked up one at a
 * time from the process root or cwd (or a directory descriptor), with
 * search permission checked on every directory, "." and ".." handled (".."
 * never leaves the process root and climbs out of mounts), mount points
 * crossed downward, and symlinks expanded on an explicit stack (at most 40
 * per lookup, then ELOOP), so deep nesting costs no kernel stack.
 * A trailing slash makes the last component follow symlinks and demand a
 * directory. Callers that create or remove names stop at the parent
 * (nd_walk_parent) and look the last component up themselves.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/uaccess.h>

/* Link bodies read during one walk, freed by nd_free. */
struct nd_bufs {
	int n;
	char *buf[FS_MAXSYMLINKS];
};

char *fs_getname(const char *upath, bool allow_empty)
{
	char *buf = kmalloc(FS_PATH_MAX);
	long n;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(buf, upath, FS_PATH_MAX);
	if (n < 0 || (n == 0 && !allow_empty)) {
		kfree(buf);
		return ERR_PTR(n < 0 ? n : -ENOENT);
	}
	return buf;
}

int path_from_dfd(int dfd, struct path *out)
{
	struct file *f;

	if (dfd == AT_FDCWD) {
		fs_current_cwd(out);
		return 0;
	}
	f = fd_get_raw(dfd);
	if (!f)
		return -EBADF;
	if (!f->dentry || !f->mnt) {
		file_put(f);
		return -ENOTDIR;
	}
	out->mnt = mount_get(f->mnt);
	out->dentry = dentry_get(f->dentry);
	file_put(f);
	return 0;
}

void path_follow_mounts(struct path *p)
{
	struct mount *m;

	while ((m = mount_lookup_child(p->mnt, p->dentry))) {
		dentry_put(p->dentry);
		mount_put(p->mnt);
		p->mnt = m;
		p->dentry = dentry_get(m->root);
	}
}

/*
 * d_lookup, dropping a cached entry its file system no longer vouches for
 * (->revalidate false): it leaves the namespace, so the caller looks again.
 */
static struct dentry *cached_lookup(struct dentry *dir, const char *name, unsigned int len)
{
	struct dentry *d = d_lookup(dir, name, len);
	const struct inode_ops *ops;

	if (!d)
		return NULL;
	ops = d->inode->iops;
	if (ops && ops->revalidate && !ops->revalidate(d)) {
		d_detach(d);
		dentry_put(d);
		return NULL;
	}
	return d;
}

struct dentry *lookup_locked(struct dentry *dir, const char *name, unsigned int len)
{
	struct dentry *d;
	struct inode *inode = dir->inode;
	int err;

	WARN_ON(!mutex_is_held(&inode->lock));
	d = cached_lookup(dir, name, len);
	if (d)
		return d;
	if ((READ_ONCE(dir->flags) & DENTRY_DEAD) || !inode->iops || !inode->iops->lookup)
		return ERR_PTR(-ENOENT);
	d = d_alloc(dir, name, len);
	if (!d)
		return ERR_PTR(-ENOMEM);
	err = inode->iops->lookup(inode, d);
	if (!err && !d->inode)
		err = -ENOENT;
	if (err) {
		dentry_put(d);
		return ERR_PTR(err);
	}
	d_attach(d);
	return d;
}

int lookup_component(const struct path *dir, const char *name, unsigned int len,
		     struct path *out)
{
	struct dentry *d = cached_lookup(dir->dentry, name, len);

	if (!d) {
		struct inode *inode = dir->dentry->inode;

		mutex_lock(&inode->lock);
		d = lookup_locked(dir->dentry, name, len);
		mutex_unlock(&inode->lock);
		if (IS_ERR(d))
			return (int)PTR_ERR(d);
	}
	out->mnt = mount_get(dir->mnt);
	out->dentry = d;
	path_follow_mounts(out);
	return 0;
}

/* ".." from nd->path: stays at the process root, climbs out of mount roots. */
static void follow_dotdot(struct nameidata *nd)
{
	for (;;) {
		struct mount *m = nd->path.mnt, *parent;
		struct dentry *d = nd->path.dentry, *up;

		if (path_equal(&nd->path, &nd->root))
			break;
		if (d != m->root) {
			spin_lock(&dcache_lock);
			up = dentry_get(d->parent);
			spin_unlock(&dcache_lock);
			dentry_put(d);
			nd->path.dentry = up;
			break;
		}
		spin_lock(&mount_lock);
		parent = m->parent;
		up = m->mountpoint;
		if (parent) {
			mount_get(parent);
			dentry_get(up);
		}
		spin_unlock(&mount_lock);
		if (!parent)
			break;		/* the global root, or a detached tree */
		path_put(&nd->path);
		nd->path.mnt = parent;
		nd->path.dentry = up;
	}
	path_follow_mounts(&nd->path);
}

struct nameidata *nd_start(int dfd, const char *name, unsigned int flags)
{
	struct nameidata *nd = kzalloc(sizeof(*nd) + sizeof(struct nd_bufs));
	int err = 0;

	if (!nd)
		return ERR_PTR(-ENOMEM);
	nd->flags = flags;
	fs_current_root(&nd->root);
	if (!*name && !(flags & LOOKUP_EMPTY))
		err = -ENOENT;
	else if (name[0] == '/') {
		path_get(&nd->root);
		nd->path = nd->root;
	} else
		err = path_from_dfd(dfd, &nd->path);
	if (err) {
		nd_free(nd);
		return ERR_PTR(err);
	}
	nd->stack[0].p = name;
	nd->depth = 1;
	return nd;
}

void nd_free(struct nameidata *nd)
{
	struct nd_bufs *b = (struct nd_bufs *)(nd + 1);

	path_put(&nd->path);
	path_put(&nd->root);
	for (int i = 0; i < b->n; i++)
		kfree(b->buf[i]);
	kfree(nd);
}

static bool lower_segments_done(const struct nameidata *nd)
{
	for (int i = 0; i < nd->depth - 1; i++)
		if (*nd->stack[i].p)
			return false;
	return true;
}

/*
 * The next component of the walk, dropping finished link bodies; false
 * when nothing is left. *is_last says no component follows it anywhere.
 */
static bool next_component(struct nameidata *nd, const char **name, unsigned int *len,
			   bool *is_last)
{
	const char *p, *start;
	bool trailing;

	for (;;) {
		p = nd->stack[nd->depth - 1].p;
		while (*p == '/')
			p++;
		nd->stack[nd->depth - 1].p = p;
		if (*p)
			break;
		if (nd->depth == 1)
			return false;
		nd->depth--;
	}
	start = p;
	while (*p && *p != '/')
		p++;
	*name = start;
	*len = (unsigned int)(p - start);
	trailing = *p == '/';
	while (*p == '/')
		p++;
	nd->stack[nd->depth - 1].p = p;
	*is_last = !*p && lower_segments_done(nd);
	if (*is_last && trailing)
		nd->want_dir = true;
	return true;
}

/* Expand the symlink @link: jump for a magic link, else push its body. 0 or -errno. */
static int push_link(struct nameidata *nd, const struct path *link)
{
	struct nd_bufs *b = (struct nd_bufs *)(nd + 1);
	const struct inode_ops *ops = link->dentry->inode->iops;
	char *buf;
	long len;

	if ((nd->flags & LOOKUP_NO_SYMLINKS) || ++nd->total_links > FS_MAXSYMLINKS)
		return -ELOOP;
	if (ops && ops->follow_link) {
		struct path target;
		int err = ops->follow_link(link->dentry, &target);

		if (err)
			return err;
		path_put(&nd->path);
		nd->path = target;
		return 1;	/* jumped */
	}
	if (!ops || !ops->readlink)
		return -EINVAL;
	buf = kmalloc(FS_PATH_MAX);
	if (!buf)
		return -ENOMEM;
	len = ops->readlink(link->dentry, buf, FS_PATH_MAX - 1);
	if (len <= 0) {
		kfree(buf);
		return len < 0 ? (int)len : -ENOENT;
	}
	buf[len] = '\0';
	b->buf[b->n++] = buf;
	nd->stack[nd->depth].buf = buf;
	nd->stack[nd->depth].p = buf;
	nd->depth++;
	if (buf[0] == '/') {
		path_put(&nd->path);
		path_get(&nd->root);
		nd->path = nd->root;
	}
	return 0;
}

/* Search permission on the directory the walk is in. */
static int may_lookup(struct nameidata *nd)
{
	struct inode *dir = nd->path.dentry->inode;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	return inode_permission(dir, MAY_EXEC);
}

/* One intermediate component: move into it, following symlinks. */
static int walk_step(struct nameidata *nd, const char *name, unsigned int len)
{
	struct path next;
	int err = may_lookup(nd);

	if (err)
		return err;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		follow_dotdot(nd);
		return 0;
	}
	err = lookup_component(&nd->path, name, len, &next);
	if (err)
		return err;
	if (S_ISLNK(next.dentry->inode->mode)) {
		err = push_link(nd, &next);
		path_put(&next);
		return err < 0 ? err : 0;
	}
	path_put(&nd->path);
	nd->path = next;
	return 0;
}

int nd_walk_parent(struct nameidata *nd)
{
	const char *name;
	unsigned int len;
	bool last;
	int err;

	for (;;) {
		if (!next_component(nd, &name, &len, &last)) {
			nd->last = "";
			nd->last_len = 0;
			nd->last_type = LAST_ROOT;
			return 0;
		}
		if (len > FS_NAME_MAX)
			return -ENAMETOOLONG;
		if (last)
			break;
		err = walk_step(nd, name, len);
		if (err)
			return err;
	}
	nd->last = name;
	nd->last_len = len;
	if (len == 1 && name[0] == '.')
		nd->last_type = LAST_DOT;
	else if (len == 2 && name[0] == '.' && name[1] == '.')
		nd->last_type = LAST_DOTDOT;
	else
		nd->last_type = LAST_NORM;
	return S_ISDIR(nd->path.dentry->inode->mode) ? 0 : -ENOTDIR;
}

int nd_follow_link(struct nameidata *nd, const struct path *link)
{
	int err = push_link(nd, link);

	if (err < 0)
		return err;
	if (err == 1) {
		/* A magic link: the walk is already at its target. */
		nd->last = "";
		nd->last_len = 0;
		nd->last_type = LAST_BIND;
		return 0;
	}
	return nd_walk_parent(nd);
}

int nd_walk_last(struct nameidata *nd, struct path *out)
{
	struct path next;
	int err;

	for (;;) {
		if (nd->last_type == LAST_ROOT || nd->last_type == LAST_BIND)
			break;
		err = may_lookup(nd);
		if (err)
			return err;
		if (nd->last_type == LAST_DOT)
			break;
		if (nd->last_type == LAST_DOTDOT) {
			follow_dotdot(nd);
			break;
		}
		err = lookup_component(&nd->path, nd->last, nd->last_len, &next);
		if (err)
			return err;
		if (S_ISLNK(next.dentry->inode->mode) &&
		    ((nd->flags & LOOKUP_FOLLOW) || nd->want_dir)) {
			err = nd_follow_link(nd, &next);
			path_put(&next);
			if (err)
				return err;
			continue;
		}
		path_put(&nd->path);
		nd->path = next;
		break;
	}
	if ((nd->want_dir || (nd->flags & LOOKUP_DIRECTORY)) &&
	    !S_ISDIR(nd->path.dentry->inode->mode))
		return -ENOTDIR;
	*out = nd->path;
	path_get(out);
	return 0;
}

int path_lookup_at(int dfd, const char *name, unsigned int flags, struct path *out)
{
	struct nameidata *nd = nd_start(dfd, name, flags);
	int err;

	if (IS_ERR(nd))
		return (int)PTR_ERR(nd);
	err = nd_walk_parent(nd);
	if (!err)
		err = nd_walk_last(nd, out);
	nd_free(nd);
	return err;
}
