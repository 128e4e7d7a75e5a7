/*
 * Attribute system calls: chmod, fchmod, fchmodat, chown, fchown, lchown,
 * fchownat, umask, truncate, ftruncate, utimensat, utimes, futimesat, utime.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/slab.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <linux/time_types.h>
#include <linux/utime.h>

/* Resolve a user path at @dfd with LOOKUP_* @lflags into @p. */
static int user_path_at(int dfd, const char *upath, unsigned int lflags, struct path *p)
{
	char *name = fs_getname(upath, lflags & LOOKUP_EMPTY);
	int err;

	if (IS_ERR(name))
		return (int)PTR_ERR(name);
	err = path_lookup_at(dfd, name, lflags, p);
	kfree(name);
	return err;
}

/* The path of an open file (not O_PATH); -EBADF if none. */
static int fd_path(int fd, struct path *p)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (!f->mnt || !f->dentry) {
		/* A pipe or socket: its anonymous inode has no mount to change it through. */
		file_put(f);
		return -EBADF;
	}
	p->mnt = mount_get(f->mnt);
	p->dentry = dentry_get(f->dentry);
	file_put(f);
	return 0;
}

static long chmod_at(int dfd, const char *upath, unsigned int mode)
{
	struct path p;
	int err = user_path_at(dfd, upath, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	err = vfs_chmod(&p, mode);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE(chmod, __NR_chmod, const char *path, unsigned int mode)
{
	return chmod_at(AT_FDCWD, path, mode);
}

SYSCALL_DEFINE(fchmodat, __NR_fchmodat, int dfd, const char *path, unsigned int mode)
{
	return chmod_at(dfd, path, mode);
}

SYSCALL_DEFINE(fchmod, __NR_fchmod, int fd, unsigned int mode)
{
	struct path p;
	int err = fd_path(fd, &p);

	if (err)
		return err;
	err = vfs_chmod(&p, mode);
	path_put(&p);
	return err;
}

static long chown_at(int dfd, const char *upath, int uid, int gid, int flags)
{
	unsigned int lflags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	struct path p;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH)
		lflags |= LOOKUP_EMPTY;
	err = user_path_at(dfd, upath, lflags, &p);
	if (err)
		return err;
	err = vfs_chown(&p, uid, gid);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE(chown, __NR_chown, const char *path, int uid, int gid)
{
	return chown_at(AT_FDCWD, path, uid, gid, 0);
}

SYSCALL_DEFINE(lchown, __NR_lchown, const char *path, int uid, int gid)
{
	return chown_at(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE(fchownat, __NR_fchownat, int dfd, const char *path, int uid, int gid, int flags)
{
	return chown_at(dfd, path, uid, gid, flags);
}

SYSCALL_DEFINE(fchown, __NR_fchown, int fd, int uid, int gid)
{
	struct path p;
	int err = fd_path(fd, &p);

	if (err)
		return err;
	err = vfs_chown(&p, uid, gid);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE(umask, __NR_umask, unsigned int mask)
{
	return fs_set_umask(mask & 0777);
}

SYSCALL_DEFINE(truncate, __NR_truncate, const char *path, int64_t len)
{
	struct path p;
	int err = user_path_at(AT_FDCWD, path, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	err = vfs_truncate(&p, len);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE(ftruncate, __NR_ftruncate, int fd, int64_t len)
{
	struct file *f = fd_get(fd);
	struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME };
	struct path p;
	int err;

	if (!f)
		return -EBADF;
	if (len < 0 || !(f->mode & FMODE_WRITE) || !f->inode || !S_ISREG(f->inode->mode) ||
	    !f->dentry) {
		err = -EINVAL;
	} else if ((uint64_t)len > FS_MAX_FILESIZE) {
		err = -EFBIG;
	} else {
		/* Opened for writing: the permission was checked then. */
		p.mnt = f->mnt;
		p.dentry = f->dentry;
		ia.size = (uint64_t)len;
		ia.mtime = ia.ctime = vfs_now();
		err = vfs_setattr(&p, &ia);
	}
	file_put(f);
	return err;
}

/* ---- times ---- */

/* utimensat's two times, checked: nsec in range or UTIME_NOW/UTIME_OMIT. */
static int get_timespecs(const struct __kernel_timespec *ut, struct vfs_time t[2])
{
	struct __kernel_timespec k[2];

	if (copy_from_user(k, ut, sizeof(k)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if ((k[i].tv_nsec < 0 || k[i].tv_nsec >= 1000000000) && k[i].tv_nsec != UTIME_NOW &&
		    k[i].tv_nsec != UTIME_OMIT)
			return -EINVAL;
		t[i].sec = k[i].tv_sec;
		t[i].nsec = (long)k[i].tv_nsec;
	}
	return 0;
}

/* Set times of @dfd/@upath (NULL @upath: @dfd itself); @t NULL means now. */
static long utimes_at(int dfd, const char *upath, const struct vfs_time *t, int flags)
{
	unsigned int lflags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	struct path p;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!upath) {
		/* Linux's extension: a NULL path sets the times of the descriptor. */
		if (dfd == AT_FDCWD || (flags & AT_SYMLINK_NOFOLLOW))
			return -EINVAL;
		err = fd_path(dfd, &p);
	} else {
		if (flags & AT_EMPTY_PATH)
			lflags |= LOOKUP_EMPTY;
		err = user_path_at(dfd, upath, lflags, &p);
	}
	if (err)
		return err;
	err = vfs_utimes(&p, t);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE(utimensat, __NR_utimensat, int dfd, const char *path,
	       const struct __kernel_timespec *utimes, int flags)
{
	struct vfs_time t[2];
	int err;

	if (utimes) {
		err = get_timespecs(utimes, t);
		if (err)
			return err;
	}
	return utimes_at(dfd, path, utimes ? t : NULL, flags);
}

/* utimes/futimesat's timevals. */
static long timevals_at(int dfd, const char *path, const struct __kernel_old_timeval *utv)
{
	struct __kernel_old_timeval tv[2];
	struct vfs_time t[2];

	if (!utv)
		return utimes_at(dfd, path, NULL, 0);
	if (copy_from_user(tv, utv, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		t[i].sec = tv[i].tv_sec;
		t[i].nsec = tv[i].tv_usec * 1000;
	}
	return utimes_at(dfd, path, t, 0);
}

SYSCALL_DEFINE(utimes, __NR_utimes, const char *path, const struct __kernel_old_timeval *utv)
{
	return path ? timevals_at(AT_FDCWD, path, utv) : -EFAULT;
}

SYSCALL_DEFINE(futimesat, __NR_futimesat, int dfd, const char *path,
	       const struct __kernel_old_timeval *utv)
{
	return timevals_at(dfd, path, utv);
}

SYSCALL_DEFINE(utime, __NR_utime, const char *path, const struct utimbuf *ubuf)
{
	struct utimbuf b;
	struct vfs_time t[2];

	if (!path)
		return -EFAULT;
	if (!ubuf)
		return utimes_at(AT_FDCWD, path, NULL, 0);
	if (copy_from_user(&b, ubuf, sizeof(b)))
		return -EFAULT;
	t[0].sec = b.actime;
	t[0].nsec = 0;
	t[1].sec = b.modtime;
	t[1].nsec = 0;
	return utimes_at(AT_FDCWD, path, t, 0);
}
