/*
 * Looking at files: stat, fstat, lstat, newfstatat, statx, access,
 * faccessat, faccessat2, readlink, readlinkat, statfs, fstatfs.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>

#define R_OK	4
#define W_OK	2
#define X_OK	1

/*
 * Resolve @upath at @dfd for a stat-like call: "" with AT_EMPTY_PATH names
 * @dfd itself (*@file is set instead of @p, so pipes work too).
 */
static int stat_resolve(int dfd, const char *upath, int flags, struct path *p, struct file **file)
{
	unsigned int lflags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	char *name;
	int err;

	*file = NULL;
	name = fs_getname(upath, flags & AT_EMPTY_PATH);
	if (IS_ERR(name))
		return (int)PTR_ERR(name);
	if (!*name && dfd != AT_FDCWD) {
		kfree(name);
		*file = fd_get_raw(dfd);
		return *file ? 0 : -EBADF;
	}
	if (flags & AT_EMPTY_PATH)
		lflags |= LOOKUP_EMPTY;
	err = path_lookup_at(dfd, name, lflags, p);
	kfree(name);
	return err;
}

/* stat of @dfd/@upath into the kernel @st (and its mount, referenced, in *@mnt if asked). */
static int stat_at(int dfd, const char *upath, int flags, struct stat *st, struct mount **mnt)
{
	struct file *f;
	struct path p;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	err = stat_resolve(dfd, upath, flags, &p, &f);
	if (err)
		return err;
	if (f) {
		err = vfs_getattr(f, st);
		if (mnt)
			*mnt = f->mnt ? mount_get(f->mnt) : NULL;
		file_put(f);
		return err;
	}
	inode_fill_stat(p.dentry->inode, st);
	if (mnt)
		*mnt = mount_get(p.mnt);
	path_put(&p);
	return 0;
}

static long stat_to_user(int dfd, const char *upath, int flags, struct stat *ust)
{
	struct stat st;
	int err = stat_at(dfd, upath, flags, &st, NULL);

	if (err)
		return err;
	return copy_to_user(ust, &st, sizeof(st));
}

SYSCALL_DEFINE(stat, __NR_stat, const char *path, struct stat *ust)
{
	return stat_to_user(AT_FDCWD, path, 0, ust);
}

SYSCALL_DEFINE(lstat, __NR_lstat, const char *path, struct stat *ust)
{
	return stat_to_user(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, ust);
}

SYSCALL_DEFINE(newfstatat, __NR_newfstatat, int dfd, const char *path, struct stat *ust,
	       int flags)
{
	if (flags & AT_STATX_SYNC_TYPE)
		return -EINVAL;
	return stat_to_user(dfd, path, flags, ust);
}

SYSCALL_DEFINE(fstat, __NR_fstat, int fd, struct stat *ust)
{
	struct file *f = fd_get_raw(fd);
	struct stat st;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_getattr(f, &st);
	file_put(f);
	if (err)
		return err;
	return copy_to_user(ust, &st, sizeof(st));
}

static void fill_statx(struct statx *sx, const struct stat *st, struct mount *mnt)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS | (mnt ? STATX_MNT_ID : 0);
	sx->stx_blksize = (uint32_t)st->st_blksize;
	sx->stx_nlink = (uint32_t)st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (uint16_t)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (uint64_t)st->st_size;
	sx->stx_blocks = (uint64_t)st->st_blocks;
	sx->stx_atime.tv_sec = st->st_atime;
	sx->stx_atime.tv_nsec = (uint32_t)st->st_atime_nsec;
	sx->stx_mtime.tv_sec = st->st_mtime;
	sx->stx_mtime.tv_nsec = (uint32_t)st->st_mtime_nsec;
	sx->stx_ctime.tv_sec = st->st_ctime;
	sx->stx_ctime.tv_nsec = (uint32_t)st->st_ctime_nsec;
	sx->stx_rdev_major = MAJOR(dev_decode((unsigned int)st->st_rdev));
	sx->stx_rdev_minor = MINOR(dev_decode((unsigned int)st->st_rdev));
	sx->stx_dev_major = MAJOR(dev_decode((unsigned int)st->st_dev));
	sx->stx_dev_minor = MINOR(dev_decode((unsigned int)st->st_dev));
	sx->stx_mnt_id = mnt ? (uint64_t)mnt->id : 0;
}

SYSCALL_DEFINE(statx, __NR_statx, int dfd, const char *path, int flags, unsigned int mask,
	       struct statx *ubuf)
{
	struct mount *mnt = NULL;
	struct statx sx;
	struct stat st;
	int err;

	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
		return -EINVAL;
	if (!path && (flags & AT_EMPTY_PATH))
		path = "";	/* Linux 6.11: NULL with AT_EMPTY_PATH is the descriptor */
	err = stat_at(dfd, path, flags, &st, &mnt);
	if (err)
		return err;
	fill_statx(&sx, &st, mnt);
	if (mnt)
		mount_put(mnt);
	return copy_to_user(ubuf, &sx, sizeof(sx));
}

/* ---- access ---- */

static long do_access(int dfd, const char *upath, int mode, int flags)
{
	unsigned int lflags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	struct fs_cred cred;
	struct inode *inode;
	struct path p;
	char *name;
	int err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH)
		lflags |= LOOKUP_EMPTY;
	name = fs_getname(upath, flags & AT_EMPTY_PATH);
	if (IS_ERR(name))
		return PTR_ERR(name);
	err = path_lookup_at(dfd, name, lflags, &p);
	kfree(name);
	if (err)
		return err;
	inode = p.dentry->inode;
	/* access(2) asks with the real ids; AT_EACCESS with the effective (fs) ones. */
	cred = fs_cred_current(!(flags & AT_EACCESS));
	if ((mode & W_OK) && (S_ISREG(inode->mode) || S_ISDIR(inode->mode) || S_ISLNK(inode->mode)))
		err = mnt_want_write(p.mnt);
	if (!err && mode)
		err = inode_permission_cred(inode, mode, &cred);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE(access, __NR_access, const char *path, int mode)
{
	return do_access(AT_FDCWD, path, mode, 0);
}

SYSCALL_DEFINE(faccessat, __NR_faccessat, int dfd, const char *path, int mode)
{
	return do_access(dfd, path, mode, 0);
}

SYSCALL_DEFINE(faccessat2, __NR_faccessat2, int dfd, const char *path, int mode, int flags)
{
	return do_access(dfd, path, mode, flags);
}

/* ---- readlink ---- */

static long do_readlink(int dfd, const char *upath, char *ubuf, int size)
{
	char *name, *buf = NULL;
	struct inode *inode;
	struct path p;
	long n;
	int err;

	if (size <= 0)
		return -EINVAL;
	/* "" names the descriptor itself (an O_PATH symlink), not the cwd. */
	name = fs_getname(upath, dfd != AT_FDCWD);
	if (IS_ERR(name))
		return PTR_ERR(name);
	err = path_lookup_at(dfd, name, LOOKUP_EMPTY, &p);
	kfree(name);
	if (err)
		return err;
	inode = p.dentry->inode;
	if (!S_ISLNK(inode->mode) || !inode->iops || !inode->iops->readlink) {
		n = -EINVAL;
		goto out;
	}
	buf = kmalloc(FS_PATH_MAX);
	if (!buf) {
		n = -ENOMEM;
		goto out;
	}
	n = inode->iops->readlink(p.dentry, buf, FS_PATH_MAX);
	if (n > 0) {
		n = MIN(n, (long)size);
		if (copy_to_user(ubuf, buf, (size_t)n))
			n = -EFAULT;
	}
	kfree(buf);
out:
	path_put(&p);
	return n;
}

SYSCALL_DEFINE(readlink, __NR_readlink, const char *path, char *buf, int size)
{
	return do_readlink(AT_FDCWD, path, buf, size);
}

SYSCALL_DEFINE(readlinkat, __NR_readlinkat, int dfd, const char *path, char *buf, int size)
{
	return do_readlink(dfd, path, buf, size);
}

/* ---- statfs ---- */

SYSCALL_DEFINE(statfs, __NR_statfs, const char *upath, struct statfs *ubuf)
{
	char *name = fs_getname(upath, false);
	struct statfs st;
	struct path p;
	int err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	err = path_lookup_at(AT_FDCWD, name, LOOKUP_FOLLOW, &p);
	kfree(name);
	if (err)
		return err;
	err = vfs_statfs(&p, &st);
	path_put(&p);
	return err ? err : copy_to_user(ubuf, &st, sizeof(st));
}

SYSCALL_DEFINE(fstatfs, __NR_fstatfs, int fd, struct statfs *ubuf)
{
	struct file *f = fd_get_raw(fd);
	struct statfs st;
	int err = 0;

	if (!f)
		return -EBADF;
	if (f->mnt && f->dentry) {
		struct path p = { f->mnt, f->dentry };

		err = vfs_statfs(&p, &st);
	} else {
		/* Pipes and sockets: their anonymous superblock's magic and nothing else. */
		memset(&st, 0, sizeof(st));
		st.f_type = f->inode ? (long)f->inode->sb->magic : 0;
		st.f_bsize = PAGE_SIZE;
		st.f_namelen = FS_NAME_MAX;
		st.f_frsize = PAGE_SIZE;
		st.f_flags = 0x20;	/* ST_VALID */
	}
	file_put(f);
	return err ? err : copy_to_user(ubuf, &st, sizeof(st));
}
