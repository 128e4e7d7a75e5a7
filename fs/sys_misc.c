/*
 * File system calls around the edges: fallocate, copy_file_range, the
 * advisory ones (fadvise64, readahead, sync_file_range: every file system
 * here is in memory, so after their checks there is nothing to do), and
 * the extended-attribute family, which these file systems do not support
 * (get/set/remove give EOPNOTSUPP as Linux's do without xattr handlers;
 * a list is empty).
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/slab.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <linux/falloc.h>
#include <linux/fadvise.h>
#include <linux/limits.h>

#define MAX_RW_COUNT	(0x7fffffffUL & PAGE_MASK)

SYSCALL_DEFINE(fallocate, __NR_fallocate, int fd, int mode, int64_t off, int64_t len)
{
	struct file *f = fd_get(fd);
	struct inode *inode;
	long r;

	if (!f)
		return -EBADF;
	inode = f->inode;
	if (off < 0 || len <= 0)
		r = -EINVAL;
	else if (!(f->mode & FMODE_WRITE))
		r = -EBADF;
	else if (mode != 0 && mode != FALLOC_FL_KEEP_SIZE &&
		 mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		r = (mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE) ? -EINVAL
										  : -EOPNOTSUPP;
	else if (!inode || S_ISFIFO(inode->mode))
		r = -ESPIPE;
	else if (S_ISDIR(inode->mode))
		r = -EISDIR;
	else if (!S_ISREG(inode->mode))
		r = -ENODEV;
	else if ((uint64_t)off + (uint64_t)len > FS_MAX_FILESIZE)
		r = -EFBIG;
	else if (!inode->iops || !inode->iops->fallocate)
		r = -EOPNOTSUPP;
	else {
		mutex_lock(&inode->lock);
		r = inode->iops->fallocate(inode, mode, (uint64_t)off, (uint64_t)len);
		mutex_unlock(&inode->lock);
	}
	file_put(f);
	return r;
}

SYSCALL_DEFINE(fadvise64, __NR_fadvise64, int fd, int64_t off __unused, int64_t len, int advice)
{
	struct file *f = fd_get(fd);
	long r = 0;

	if (!f)
		return -EBADF;
	if (!f->inode || S_ISFIFO(f->inode->mode))
		r = -ESPIPE;
	else if (len < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		r = -EINVAL;
	file_put(f);
	return r;
}

SYSCALL_DEFINE(readahead, __NR_readahead, int fd, int64_t off, size_t count __unused)
{
	struct file *f = fd_get(fd);
	long r = 0;

	if (!f)
		return -EBADF;
	if (!(f->mode & FMODE_READ))
		r = -EBADF;
	else if (!f->inode || !S_ISREG(f->inode->mode) || off < 0)
		r = -EINVAL;
	file_put(f);
	return r;
}

SYSCALL_DEFINE(sync_file_range, __NR_sync_file_range, int fd, int64_t off, int64_t nbytes,
	       unsigned int flags)
{
	struct file *f;
	unsigned int mode;
	long r = 0;

	if (flags & ~(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		      SYNC_FILE_RANGE_WAIT_AFTER))
		return -EINVAL;
	if (off < 0 || nbytes < 0 || off + nbytes < off)
		return -EINVAL;
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	mode = f->inode ? f->inode->mode : 0;
	if (!S_ISREG(mode) && !S_ISDIR(mode) && !S_ISBLK(mode) && !S_ISLNK(mode))
		r = -ESPIPE;
	file_put(f);
	return r;
}

/* ---- copy_file_range ---- */

/* The position to use: *@uoff if given (checked), else the file's. */
static int cfr_pos(struct file *f, int64_t *uoff, uint64_t *pos)
{
	int64_t off;

	if (!uoff) {
		mutex_lock(&f->pos_lock);
		*pos = f->pos;
		mutex_unlock(&f->pos_lock);
		return 0;
	}
	if (get_user(off, uoff))
		return -EFAULT;
	if (off < 0)
		return -EINVAL;
	*pos = (uint64_t)off;
	return 0;
}

static int cfr_store(struct file *f, int64_t *uoff, uint64_t pos)
{
	if (uoff)
		return put_user((int64_t)pos, uoff);
	mutex_lock(&f->pos_lock);
	f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return 0;
}

/* Copy through a kernel page; bytes copied or -errno if none was. */
static long cfr_copy(struct file *in, uint64_t *ipos, struct file *out, uint64_t *opos,
		     size_t len)
{
	char *buf = kmalloc(PAGE_SIZE);
	long total = 0;

	if (!buf)
		return -ENOMEM;
	while ((size_t)total < len) {
		long r = kernel_read(in, buf, MIN(PAGE_SIZE, len - (size_t)total), *ipos), w;

		if (r <= 0) {
			if (r < 0 && !total)
				total = r;
			break;
		}
		w = kernel_write(out, buf, (size_t)r, *opos);
		if (w <= 0) {
			if (w < 0 && !total)
				total = w;
			break;
		}
		total += w;
		*ipos += (uint64_t)w;
		*opos += (uint64_t)w;
		if (w < r)
			break;
	}
	kfree(buf);
	return total;
}

/* copy_file_range's checks on the two files. */
static int cfr_check(struct file *in, struct file *out)
{
	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE) || (out->flags & O_APPEND))
		return -EBADF;
	if (!in->inode || !out->inode)
		return -EINVAL;
	if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode))
		return -EISDIR;
	if (!S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode))
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE(copy_file_range, __NR_copy_file_range, int fd_in, int64_t *uoff_in, int fd_out,
	       int64_t *uoff_out, size_t len, unsigned int flags)
{
	struct file *in = fd_get(fd_in), *out = fd_get(fd_out);
	uint64_t ipos = 0, opos = 0;
	long r = 0;

	if (!in || !out)
		r = -EBADF;
	else if (flags)
		r = -EINVAL;
	else
		r = cfr_check(in, out);
	if (!r)
		r = cfr_pos(in, uoff_in, &ipos);
	if (!r)
		r = cfr_pos(out, uoff_out, &opos);
	len = MIN(len, MAX_RW_COUNT);
	/* The same file: the two ranges may not overlap. */
	if (!r && in->inode == out->inode && ipos < opos + len && opos < ipos + len)
		r = -EINVAL;
	if (!r && len) {
		r = cfr_copy(in, &ipos, out, &opos, len);
		if (r > 0 && (cfr_store(in, uoff_in, ipos) || cfr_store(out, uoff_out, opos)))
			r = -EFAULT;
	}
	file_put(in);
	file_put(out);
	return r;
}

/* ---- extended attributes ---- */

/* Check the attribute name as Linux does (1..255 bytes): 0, -ERANGE or -EFAULT. */
static int xattr_name_check(const char *uname)
{
	char name[XATTR_NAME_MAX + 1];
	long n = strncpy_from_user(name, uname, sizeof(name));

	if (n == -ENAMETOOLONG || n == 0)
		return -ERANGE;
	return n < 0 ? (int)n : 0;
}

/* Resolve @upath (following a last symlink unless @nofollow). */
static int xattr_path(const char *upath, bool nofollow)
{
	char *name = fs_getname(upath, false);
	struct path p;
	int err;

	if (IS_ERR(name))
		return (int)PTR_ERR(name);
	err = path_lookup_at(AT_FDCWD, name, nofollow ? 0 : LOOKUP_FOLLOW, &p);
	kfree(name);
	if (!err)
		path_put(&p);
	return err;
}

static int xattr_fd(int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/* get/set/remove: the target must exist and the name be valid; then unsupported. */
static long xattr_op(int err, const char *uname)
{
	if (!err)
		err = xattr_name_check(uname);
	return err ? err : -EOPNOTSUPP;
}

SYSCALL_DEFINE(getxattr, __NR_getxattr, const char *path, const char *name,
	       void *value __unused, size_t size __unused)
{
	return xattr_op(xattr_path(path, false), name);
}

SYSCALL_DEFINE(lgetxattr, __NR_lgetxattr, const char *path, const char *name,
	       void *value __unused, size_t size __unused)
{
	return xattr_op(xattr_path(path, true), name);
}

SYSCALL_DEFINE(fgetxattr, __NR_fgetxattr, int fd, const char *name, void *value __unused,
	       size_t size __unused)
{
	return xattr_op(xattr_fd(fd), name);
}

SYSCALL_DEFINE(setxattr, __NR_setxattr, const char *path, const char *name,
	       const void *value __unused, size_t size __unused, int flags __unused)
{
	return xattr_op(xattr_path(path, false), name);
}

SYSCALL_DEFINE(lsetxattr, __NR_lsetxattr, const char *path, const char *name,
	       const void *value __unused, size_t size __unused, int flags __unused)
{
	return xattr_op(xattr_path(path, true), name);
}

SYSCALL_DEFINE(fsetxattr, __NR_fsetxattr, int fd, const char *name, const void *value __unused,
	       size_t size __unused, int flags __unused)
{
	return xattr_op(xattr_fd(fd), name);
}

SYSCALL_DEFINE(removexattr, __NR_removexattr, const char *path, const char *name)
{
	return xattr_op(xattr_path(path, false), name);
}

SYSCALL_DEFINE(lremovexattr, __NR_lremovexattr, const char *path, const char *name)
{
	return xattr_op(xattr_path(path, true), name);
}

SYSCALL_DEFINE(fremovexattr, __NR_fremovexattr, int fd, const char *name)
{
	return xattr_op(xattr_fd(fd), name);
}

/* No file has attributes: every list is empty. */
SYSCALL_DEFINE(listxattr, __NR_listxattr, const char *path, char *list __unused,
	       size_t size __unused)
{
	return xattr_path(path, false);
}

SYSCALL_DEFINE(llistxattr, __NR_llistxattr, const char *path, char *list __unused,
	       size_t size __unused)
{
	return xattr_path(path, true);
}

SYSCALL_DEFINE(flistxattr, __NR_flistxattr, int fd, char *list __unused, size_t size __unused)
{
	return xattr_fd(fd);
}
