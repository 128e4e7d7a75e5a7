/*
 * Opening files (open(2) semantics: creation, O_EXCL, following a final
 * symlink into a name to create, access checks, devices, FIFOs, O_PATH,
 * O_TRUNC) and the kernel-side file API of vfs.h: vfs_open, kernel_read,
 * kernel_write, exec checks, stat, page lookup for mmap, d_path of a file.
 */
#define pr_fmt(fmt) "vfs: " fmt

#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/kprintf.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>


/* O_PATH files: nothing but a place in the namespace. */
static const struct file_ops path_fops = { 0 };
static const struct file_ops *fifo_fops;	/* [a] set by the pipe code */

void vfs_register_fifo_ops(const struct file_ops *ops)
{
	__atomic_store_n(&fifo_fops, ops, __ATOMIC_RELEASE);
}

/* MAY_* needed by O_* @flags. */
static int acc_mode(int flags)
{
	static const int modes[4] = { MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE,
				      MAY_READ | MAY_WRITE };
	int acc = modes[flags & O_ACCMODE];

	if (flags & O_EXEC_OPEN)
		return MAY_EXEC;

	if (flags & O_TRUNC)
		acc |= MAY_WRITE;
	return acc;
}

/* The file_ops for opening @inode, with the device's private data. */
static int open_ops(struct inode *inode, const struct path *p, const struct file_ops **ops,
		    void **priv)
{
	*priv = NULL;
	switch (inode->mode & S_IFMT) {
	case S_IFCHR:
		if (p->mnt && (READ_ONCE(p->mnt->flags) & MNT_NODEV))
			return -EACCES;
		return chrdev_lookup(inode->rdev, ops, priv);
	case S_IFBLK:
		if (p->mnt && (READ_ONCE(p->mnt->flags) & MNT_NODEV))
			return -EACCES;
		return -ENXIO;	/* no block devices */
	case S_IFIFO:
		*ops = __atomic_load_n(&fifo_fops, __ATOMIC_ACQUIRE);
		if (!*ops) {
			pr_warn("open: FIFOs are not available (no pipe code registered)\n");
			return -ENXIO;
		}
		return 0;
	case S_IFSOCK:
		return -ENXIO;
	default:
		*ops = inode->fops ? inode->fops : &path_fops;
		return 0;
	}
}

/* Truncate what open(O_TRUNC) opened; file systems without setattr ignore it (procfs). */
static int open_truncate(struct dentry *d)
{
	struct inode *inode = d->inode;
	struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME, .size = 0 };
	int err = 0;

	if (!inode->iops || !inode->iops->setattr)
		return 0;
	ia.mtime = ia.ctime = vfs_now();
	mutex_lock(&inode->lock);
	err = inode->iops->setattr(d, &ia);
	mutex_unlock(&inode->lock);
	return err;
}

static struct file *open_o_path(const struct path *p, int flags)
{
	struct file *f = file_alloc(p->dentry->inode, &path_fops, (unsigned int)flags);

	if (IS_ERR(f))
		return f;
	f->flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW;
	f->dentry = dentry_get(p->dentry);
	f->mnt = mount_get(p->mnt);
	return f;
}

/* The checks of open(2) on an existing inode; 0 or -errno. */
static int may_open(const struct path *p, int flags, bool created)
{
	struct inode *inode = p->dentry->inode;
	int acc = acc_mode(flags), err;

	if (S_ISLNK(inode->mode))
		return -ELOOP;	/* O_NOFOLLOW met a symlink */
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (S_ISDIR(inode->mode) && (acc & MAY_WRITE))
		return -EISDIR;
	if (!created) {
		err = inode_permission(inode, acc);
		if (err)
			return err;
	}
	if ((acc & MAY_WRITE) && (S_ISREG(inode->mode) || S_ISDIR(inode->mode))) {
		err = mnt_want_write(p->mnt);
		if (err)
			return err;
	}
	if ((flags & O_NOATIME) && !inode_owner_or_root(inode))
		return -EPERM;
	return 0;
}

static struct file *open_resolved(const struct path *p, int flags, bool created)
{
	struct inode *inode = p->dentry->inode;
	const struct file_ops *ops;
	struct file *f;
	void *priv;
	int err;

	if (flags & O_PATH)
		return open_o_path(p, flags);
	err = may_open(p, flags, created);
	if (!err)
		err = open_ops(inode, p, &ops, &priv);
	if (err)
		return ERR_PTR(err);
	f = file_alloc(inode, ops, (unsigned int)flags | O_LARGEFILE);
	if (IS_ERR(f))
		return f;
	f->dentry = dentry_get(p->dentry);
	f->mnt = mount_get(p->mnt);
	f->private_data = priv;
	if (ops->open) {
		err = ops->open(inode, f);
		if (err) {
			f->ops = NULL;	/* never opened: no release */
			file_put(f);
			return ERR_PTR(err);
		}
	}
	f->flags &= ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC);
	if ((flags & O_TRUNC) && S_ISREG(inode->mode) && !created) {
		err = open_truncate(p->dentry);
		if (err) {
			file_put(f);
			return ERR_PTR(err);
		}
	}
	return f;
}

struct file *vfs_open_path(const struct path *p, int flags)
{
	return open_resolved(p, flags, false);
}

/*
 * Create the last component of @nd as a regular file of @mode, or find
 * what is there. Returns 1 with *@p set to a created file, 0 with *@p the
 * existing entry (not crossed into symlinks), or -errno.
 */
static int open_create_last(struct nameidata *nd, unsigned int mode, struct path *p)
{
	struct dentry *dir = nd->path.dentry, *d;
	struct inode *dinode = dir->inode;
	int err;

	err = inode_permission(dinode, MAY_EXEC);
	if (err)
		return err;
	mutex_lock(&dinode->lock);
	d = lookup_locked(dir, nd->last, nd->last_len);
	if (d != ERR_PTR(-ENOENT)) {
		mutex_unlock(&dinode->lock);
		if (IS_ERR(d))
			return (int)PTR_ERR(d);
		p->mnt = mount_get(nd->path.mnt);
		p->dentry = d;
		path_follow_mounts(p);
		return 0;
	}
	err = inode_permission(dinode, MAY_WRITE | MAY_EXEC);
	if (!err)
		err = mnt_want_write(nd->path.mnt);
	if (!err && (READ_ONCE(dir->flags) & DENTRY_DEAD))
		err = -ENOENT;
	if (!err && !dinode->iops->create)
		err = -EACCES;
	d = err ? NULL : d_alloc(dir, nd->last, nd->last_len);
	if (!err && !d)
		err = -ENOMEM;
	if (!err)
		err = dinode->iops->create(dinode, d,
					   S_IFREG | (mode & 07777 & ~fs_current_umask()));
	if (!err)
		d_attach(d);
	mutex_unlock(&dinode->lock);
	if (err) {
		if (d)
			dentry_put(d);
		return err;
	}
	p->mnt = mount_get(nd->path.mnt);
	p->dentry = d;
	return 1;
}

/* open(O_CREAT): walk, then create or open the last component, following symlinks there. */
static struct file *open_creat(struct nameidata *nd, int flags, unsigned int mode)
{
	struct path p;
	int err;

	for (;;) {
		if (nd->last_type != LAST_NORM || nd->want_dir)
			return ERR_PTR(-EISDIR);
		err = open_create_last(nd, mode, &p);
		if (err < 0)
			return ERR_PTR(err);
		if (err == 1)
			break;
		if (flags & O_EXCL) {
			path_put(&p);
			return ERR_PTR(-EEXIST);
		}
		if (!S_ISLNK(p.dentry->inode->mode) || (flags & O_NOFOLLOW))
			break;
		err = nd_follow_link(nd, &p);
		path_put(&p);
		if (err)
			return ERR_PTR(err);
		if (nd->last_type == LAST_BIND) {
			path_get(&nd->path);
			p = nd->path;
			break;
		}
	}
	if (err == 0 && S_ISDIR(p.dentry->inode->mode)) {
		path_put(&p);
		return ERR_PTR(-EISDIR);
	}
	{
		struct file *f = open_resolved(&p, flags, err == 1);

		path_put(&p);
		return f;
	}
}

struct file *do_open(int dfd, const char *name, int flags, unsigned int mode)
{
	struct nameidata *nd;
	struct file *f;
	struct path p;
	unsigned int lflags = 0;
	int err;

	/* O_PATH keeps only the flags that mean something to it, as Linux does */
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if (flags & __O_TMPFILE) {
		pr_info_once("open: O_TMPFILE is not supported yet\n");
		return ERR_PTR(-EOPNOTSUPP);
	}
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return ERR_PTR(-EINVAL);
	if (!(flags & O_NOFOLLOW))
		lflags |= LOOKUP_FOLLOW;
	if (flags & O_DIRECTORY)
		lflags |= LOOKUP_DIRECTORY;
	nd = nd_start(dfd, name, lflags);
	if (IS_ERR(nd))
		return ERR_PTR(PTR_ERR(nd));
	err = nd_walk_parent(nd);
	if (err) {
		f = ERR_PTR(err);
	} else if (flags & O_CREAT) {
		f = open_creat(nd, flags, mode);
	} else {
		err = nd_walk_last(nd, &p);
		f = err ? ERR_PTR(err) : open_resolved(&p, flags, false);
		if (!err)
			path_put(&p);
	}
	nd_free(nd);
	return f;
}

struct file *vfs_open(const char *path, int flags, unsigned int mode)
{
	return do_open(AT_FDCWD, path, flags, mode);
}

long kernel_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct file shadow;
	uint64_t pos = off;

	if (!(f->mode & FMODE_READ))
		return -EBADF;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	shadow = *f;
	shadow.kernel_io = true;
	return f->ops->read(&shadow, buf, len, &pos);
}

long kernel_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	struct file shadow;
	uint64_t pos = off;

	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	shadow = *f;
	shadow.kernel_io = true;
	return f->ops->write(&shadow, buf, len, &pos);
}

int vfs_exec_check(struct file *f)
{
	struct inode *inode = f->inode;

	if (!inode || !S_ISREG(inode->mode))
		return -EACCES;
	if (f->mnt && (READ_ONCE(f->mnt->flags) & MNT_NOEXEC))
		return -EACCES;
	return inode_permission(inode, MAY_EXEC);
}

int vfs_getattr(struct file *f, struct stat *st)
{
	if (!f->inode)
		return -EBADF;
	inode_fill_stat(f->inode, st);
	return 0;
}

struct page *file_getpage(struct file *f, uint64_t index)
{
	struct inode *inode = f->inode;

	if (!inode || !inode->iops || !inode->iops->getpage)
		return ERR_PTR(-ENODEV);
	return inode->iops->getpage(inode, index);
}

bool file_can_mmap(struct file *f)
{
	return f->inode && f->inode->iops && f->inode->iops->getpage && !(f->flags & O_PATH);
}

char *file_path(struct file *f, char *buf, size_t size)
{
	struct path p, root;
	char *s;

	if (!f->dentry || !f->mnt) {
		unsigned int mode = f->inode ? f->inode->mode : 0;
		uint64_t ino = f->inode ? f->inode->ino : 0;

		if (S_ISFIFO(mode))
			snprintf(buf, size, "pipe:[%llu]", (unsigned long long)ino);
		else if (S_ISSOCK(mode))
			snprintf(buf, size, "socket:[%llu]", (unsigned long long)ino);
		else
			snprintf(buf, size, "anon_inode:[%llu]", (unsigned long long)ino);
		return buf;
	}
	p.mnt = f->mnt;
	p.dentry = f->dentry;
	fs_current_root(&root);
	s = d_path(&p, &root, buf, size, true);
	path_put(&root);
	if (IS_ERR(s)) {
		strscpy(buf, "?", size);
		return buf;
	}
	return s;
}
