/*
 * Namespace changes with Linux's rules and errno priorities: mkdir, mknod,
 * symlink, link, unlink, rmdir and rename (with RENAME_NOREPLACE and
 * RENAME_EXCHANGE), walking from a directory descriptor; and the kernel
 * path helpers of vfs.h built on them. The directory's inode mutex is held
 * from the lookup of the last component to the end of the change, so a
 * name checked free stays free.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>

/* A name about to be created: the walk, its locked parent and a detached dentry. */
struct create_ctx {
	struct nameidata *nd;
	struct inode *dir;		/* locked */
	struct dentry *d;		/* detached, referenced */
};

/*
 * Walk @dfd/@name to its parent, lock it and check the last name is free
 * for a new entry (a directory when @is_dir). 0 with @c filled and the
 * parent locked; -errno with nothing held.
 */
static int create_start(int dfd, const char *name, bool is_dir, struct create_ctx *c)
{
	struct nameidata *nd = nd_start(dfd, name, 0);
	struct dentry *dir, *d;
	int err, rofs;

	if (IS_ERR(nd))
		return (int)PTR_ERR(nd);
	err = nd_walk_parent(nd);
	if (!err && nd->last_type != LAST_NORM)
		err = -EEXIST;
	if (!err)
		err = inode_permission(nd->path.dentry->inode, MAY_EXEC);
	if (err)
		goto out_nd;
	dir = nd->path.dentry;
	rofs = mnt_want_write(nd->path.mnt);
	mutex_lock(&dir->inode->lock);
	d = lookup_locked(dir, nd->last, nd->last_len);
	if (!IS_ERR(d)) {
		dentry_put(d);
		err = -EEXIST;
	} else if (d != ERR_PTR(-ENOENT)) {
		err = (int)PTR_ERR(d);
	} else if (nd->want_dir && !is_dir) {
		err = -ENOENT;
	} else if (rofs) {
		err = rofs;
	} else if ((err = inode_permission(dir->inode, MAY_WRITE | MAY_EXEC))) {
	} else if (READ_ONCE(dir->flags) & DENTRY_DEAD) {
		err = -ENOENT;
	} else if (!(c->d = d_alloc(dir, nd->last, nd->last_len))) {
		err = -ENOMEM;
	}
	if (err) {
		mutex_unlock(&dir->inode->lock);
		goto out_nd;
	}
	c->nd = nd;
	c->dir = dir->inode;
	return 0;
out_nd:
	nd_free(nd);
	return err;
}

/* After the file system's op returned @err: link the new name or drop it, unlock. */
static int create_finish(struct create_ctx *c, int err)
{
	if (!err && c->d->inode)
		d_attach(c->d);
	mutex_unlock(&c->dir->lock);
	dentry_put(c->d);
	nd_free(c->nd);
	return err;
}

int vfs_mkdirat(int dfd, const char *name, unsigned int mode)
{
	struct create_ctx c;
	int err = create_start(dfd, name, true, &c);

	if (err)
		return err;
	if (!c.dir->iops->mkdir)
		err = -EPERM;
	else
		err = c.dir->iops->mkdir(c.dir, c.d,
					 S_IFDIR | (mode & 01777 & ~fs_current_umask()));
	return create_finish(&c, err);
}

int vfs_mknodat(int dfd, const char *name, unsigned int mode, unsigned int dev)
{
	struct create_ctx c;
	unsigned int type = mode & S_IFMT;
	int err;

	if (type == 0)
		type = S_IFREG;
	if (type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO &&
	    type != S_IFSOCK)
		return -EINVAL;
	if ((type == S_IFCHR || type == S_IFBLK) && fs_cred_current(false).uid != 0)
		return -EPERM;	/* CAP_MKNOD */
	err = create_start(dfd, name, false, &c);
	if (err)
		return err;
	mode = type | (mode & 07777 & ~fs_current_umask());
	if (type == S_IFREG)
		err = c.dir->iops->create ? c.dir->iops->create(c.dir, c.d, mode) : -EPERM;
	else
		err = c.dir->iops->mknod ? c.dir->iops->mknod(c.dir, c.d, mode, dev) : -EPERM;
	return create_finish(&c, err);
}

int vfs_symlinkat(const char *target, int dfd, const char *name)
{
	struct create_ctx c;
	int err;

	if (!*target)
		return -ENOENT;
	err = create_start(dfd, name, false, &c);
	if (err)
		return err;
	err = c.dir->iops->symlink ? c.dir->iops->symlink(c.dir, c.d, target) : -EPERM;
	return create_finish(&c, err);
}

int vfs_linkat(int odfd, const char *oldname, int ndfd, const char *newname, int flags)
{
	unsigned int lflags = 0;
	struct create_ctx c;
	struct path old;
	struct inode *inode;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_SYMLINK_FOLLOW)
		lflags |= LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lflags |= LOOKUP_EMPTY;
	err = path_lookup_at(odfd, oldname, lflags, &old);
	if (err)
		return err;
	inode = old.dentry->inode;
	err = create_start(ndfd, newname, false, &c);
	if (err)
		goto out;
	if (c.nd->path.mnt != old.mnt)
		err = -EXDEV;
	else if (S_ISDIR(inode->mode))
		err = -EPERM;
	else if (!c.dir->iops->link)
		err = -EPERM;
	if (!err) {
		mutex_lock(&inode->lock);
		if (inode->nlink == 0)
			err = -ENOENT;	/* unlinked meanwhile */
		else
			err = c.dir->iops->link(old.dentry, c.dir, c.d);
		mutex_unlock(&inode->lock);
	}
	err = create_finish(&c, err);
out:
	path_put(&old);
	return err;
}

/* Sticky directories: only the owner of the file or of the directory (or root) may remove. */
static int check_sticky(struct inode *dir, struct inode *inode)
{
	int uid = fs_cred_current(false).uid;

	if (!(dir->mode & S_ISVTX) || uid == 0 || uid == inode->uid || uid == dir->uid)
		return 0;
	return -EPERM;
}

/* May the caller remove @victim from @dir (with @mnt)? Linux's may_delete. */
static int may_delete(struct mount *mnt, struct inode *dir, struct dentry *victim)
{
	int err = inode_permission(dir, MAY_WRITE | MAY_EXEC);

	if (!err)
		err = check_sticky(dir, victim->inode);
	if (!err && READ_ONCE(victim->mounted))
		err = -EBUSY;
	if (!err)
		err = mnt_want_write(mnt);
	return err;
}

/* unlink (@rmdir false) or rmdir of @dfd/@name. */
static int remove_name(int dfd, const char *name, bool rmdir)
{
	struct nameidata *nd = nd_start(dfd, name, 0);
	struct dentry *dir, *d;
	struct inode *dinode;
	int err;

	if (IS_ERR(nd))
		return (int)PTR_ERR(nd);
	err = nd_walk_parent(nd);
	if (err)
		goto out;
	if (nd->last_type != LAST_NORM) {
		static const int rmdir_err[] = { [LAST_ROOT] = -EBUSY, [LAST_DOT] = -EINVAL,
						 [LAST_DOTDOT] = -ENOTEMPTY, [LAST_BIND] = -EBUSY };

		err = rmdir ? rmdir_err[nd->last_type] : -EISDIR;
		goto out;
	}
	dir = nd->path.dentry;
	dinode = dir->inode;
	err = inode_permission(dinode, MAY_EXEC);
	if (err)
		goto out;
	mutex_lock(&dinode->lock);
	d = lookup_locked(dir, nd->last, nd->last_len);
	if (IS_ERR(d)) {
		err = (int)PTR_ERR(d);
		goto out_unlock;
	}
	if (rmdir && !S_ISDIR(d->inode->mode))
		err = -ENOTDIR;
	else if (!rmdir && S_ISDIR(d->inode->mode))
		err = -EISDIR;
	else if (!rmdir && nd->want_dir)
		err = -ENOTDIR;
	else
		err = may_delete(nd->path.mnt, dinode, d);
	if (!err && rmdir && d_has_children(d))
		err = -ENOTEMPTY;
	if (!err) {
		int (*op)(struct inode *, struct dentry *) =
			rmdir ? dinode->iops->rmdir : dinode->iops->unlink;

		mutex_lock(&d->inode->lock);
		err = op ? op(dinode, d) : -EPERM;
		mutex_unlock(&d->inode->lock);
		if (!err)
			d_detach(d);
	}
	dentry_put(d);
out_unlock:
	mutex_unlock(&dinode->lock);
out:
	nd_free(nd);
	return err;
}

int vfs_unlinkat(int dfd, const char *name)
{
	return remove_name(dfd, name, false);
}

int vfs_rmdirat(int dfd, const char *name)
{
	return remove_name(dfd, name, true);
}

/* ---- rename ---- */

struct rename_ctx {
	struct nameidata *ond, *nnd;
	struct dentry *odir, *ndir;
	struct dentry *old, *new;	/* new: existing target or detached new name */
	bool new_exists;
	unsigned int flags;
};

/* Lock two directories: the ancestor first, else by address. rename_mutex held. */
static void lock_two_dirs(struct dentry *a, struct dentry *b)
{
	if (a == b) {
		mutex_lock(&a->inode->lock);
		return;
	}
	if (d_is_ancestor(b, a) || (!d_is_ancestor(a, b) && (uintptr_t)b < (uintptr_t)a)) {
		struct dentry *t = a;

		a = b;
		b = t;
	}
	mutex_lock(&a->inode->lock);
	mutex_lock(&b->inode->lock);
}

static void unlock_two_dirs(struct dentry *a, struct dentry *b)
{
	mutex_unlock(&a->inode->lock);
	if (a != b)
		mutex_unlock(&b->inode->lock);
}

/* Two distinct inodes locked in address order (leaves, under their directories). */
static void lock_two_inodes(struct inode *a, struct inode *b)
{
	if (!b || a == b) {
		mutex_lock(&a->lock);
		return;
	}
	if ((uintptr_t)b < (uintptr_t)a) {
		struct inode *t = a;

		a = b;
		b = t;
	}
	mutex_lock(&a->lock);
	mutex_lock(&b->lock);
}

static void unlock_two_inodes(struct inode *a, struct inode *b)
{
	mutex_unlock(&a->lock);
	if (b && b != a)
		mutex_unlock(&b->lock);
}

/* Trailing slashes and ancestry, in Linux's do_renameat2 order. */
static int rename_shape_checks(struct rename_ctx *r)
{
	bool src_dir = S_ISDIR(r->old->inode->mode), exchange = r->flags & RENAME_EXCHANGE;

	if (exchange && r->nnd->want_dir && !S_ISDIR(r->new->inode->mode))
		return -ENOTDIR;
	if (!src_dir && (r->ond->want_dir || (r->nnd->want_dir && !exchange)))
		return -ENOTDIR;
	/* The source may not hold the new parent; the target may not hold the old one. */
	if (d_is_ancestor(r->old, r->ndir))
		return -EINVAL;
	if (r->new_exists && d_is_ancestor(r->new, r->odir))
		return exchange ? -EINVAL : -ENOTEMPTY;
	return 0;
}

/* Permission, type and emptiness checks of rename(2) on looked-up entries. */
static int rename_checks(struct rename_ctx *r)
{
	struct inode *src = r->old->inode, *dst = r->new_exists ? r->new->inode : NULL;
	bool src_dir = S_ISDIR(src->mode), exchange = r->flags & RENAME_EXCHANGE;
	int err;

	err = may_delete(r->ond->path.mnt, r->odir->inode, r->old);
	if (!err && dst)
		err = may_delete(r->nnd->path.mnt, r->ndir->inode, r->new);
	if (!err && dst && !exchange) {
		bool dst_dir = S_ISDIR(dst->mode);

		if (src_dir && !dst_dir)
			err = -ENOTDIR;
		else if (!src_dir && dst_dir)
			err = -EISDIR;
		else if (dst_dir && d_has_children(r->new))
			err = -ENOTEMPTY;
	}
	if (!err && !dst)
		err = inode_permission(r->ndir->inode, MAY_WRITE | MAY_EXEC);
	/* A directory that changes parents has its ".." rewritten. */
	if (!err && src_dir && r->odir != r->ndir)
		err = inode_permission(src, MAY_WRITE);
	if (!err && exchange && dst && S_ISDIR(dst->mode) && r->odir != r->ndir)
		err = inode_permission(dst, MAY_WRITE);
	return err;
}

/* Look both names up (both directories locked) and run the move. */
static int rename_locked(struct rename_ctx *r)
{
	struct inode *odir = r->odir->inode, *ndir = r->ndir->inode;
	struct inode *src, *dst;
	int err;

	r->old = lookup_locked(r->odir, r->ond->last, r->ond->last_len);
	if (IS_ERR(r->old)) {
		err = (int)PTR_ERR(r->old);
		r->old = NULL;
		return err;
	}
	r->new = lookup_locked(r->ndir, r->nnd->last, r->nnd->last_len);
	if (IS_ERR(r->new)) {
		if (r->new != ERR_PTR(-ENOENT) || (r->flags & RENAME_EXCHANGE)) {
			err = (int)PTR_ERR(r->new);
			r->new = NULL;
			return err;
		}
		r->new = d_alloc(r->ndir, r->nnd->last, r->nnd->last_len);
		if (!r->new)
			return -ENOMEM;
	} else {
		r->new_exists = true;
		if (r->flags & RENAME_NOREPLACE)
			return -EEXIST;
	}
	err = rename_shape_checks(r);
	if (err)
		return err;
	if (r->new_exists && r->new->inode == r->old->inode)
		return 0;	/* the same file: rename does nothing */
	err = rename_checks(r);
	if (err)
		return err;
	if (!odir->iops->rename)
		return -EPERM;
	src = r->old->inode;
	dst = r->new_exists ? r->new->inode : NULL;
	lock_two_inodes(src, dst);
	err = odir->iops->rename(odir, r->old, ndir, r->new, r->flags);
	if (!err && (r->flags & RENAME_EXCHANGE))
		d_exchange(r->old, r->new);
	else if (!err)
		d_move(r->old, r->new);
	unlock_two_inodes(src, dst);
	return err;
}

int vfs_renameat(int odfd, const char *oldname, int ndfd, const char *newname,
		 unsigned int flags)
{
	struct rename_ctx r = { .flags = flags };
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT) {
		pr_warn("renameat2: RENAME_WHITEOUT is not supported\n");
		return -EINVAL;
	}
	r.ond = nd_start(odfd, oldname, 0);
	if (IS_ERR(r.ond))
		return (int)PTR_ERR(r.ond);
	r.nnd = nd_start(ndfd, newname, 0);
	if (IS_ERR(r.nnd)) {
		nd_free(r.ond);
		return (int)PTR_ERR(r.nnd);
	}
	err = nd_walk_parent(r.ond);
	if (!err)
		err = nd_walk_parent(r.nnd);
	if (!err && r.ond->path.mnt != r.nnd->path.mnt)
		err = -EXDEV;
	if (!err && r.ond->last_type != LAST_NORM)
		err = -EBUSY;
	if (!err && r.nnd->last_type != LAST_NORM)
		err = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	if (!err)
		err = mnt_want_write(r.ond->path.mnt);
	if (err)
		goto out;
	r.odir = r.ond->path.dentry;
	r.ndir = r.nnd->path.dentry;
	mutex_lock(&rename_mutex);
	lock_two_dirs(r.odir, r.ndir);
	err = rename_locked(&r);
	unlock_two_dirs(r.odir, r.ndir);
	mutex_unlock(&rename_mutex);
	if (r.old)
		dentry_put(r.old);
	if (r.new)
		dentry_put(r.new);
out:
	nd_free(r.ond);
	nd_free(r.nnd);
	return err;
}

DEFINE_MUTEX(rename_mutex);

/* ---- kernel path helpers (vfs.h) ---- */

int vfs_mkdir_path(const char *path, unsigned int mode)
{
	return vfs_mkdirat(AT_FDCWD, path, mode);
}

int vfs_mknod_path(const char *path, unsigned int mode, unsigned int dev)
{
	return vfs_mknodat(AT_FDCWD, path, mode, dev_decode(dev));
}

int vfs_symlink_path(const char *target, const char *linkpath)
{
	return vfs_symlinkat(target, AT_FDCWD, linkpath);
}

int vfs_link_path(const char *oldpath, const char *newpath)
{
	return vfs_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}
