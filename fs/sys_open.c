/*
 * open, openat, creat, close and close_range.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/syscall.h>
#include <linux/close_range.h>

static long do_sys_open(int dfd, const char *upath, int flags, unsigned int mode)
{
	char *name = fs_getname(upath, false);
	struct file *f;
	int fd;

	if (IS_ERR(name))
		return PTR_ERR(name);
	f = do_open(dfd, name, flags, mode);
	kfree(name);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd = fd_install(f, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL_DEFINE(open, __NR_open, const char *path, int flags, unsigned int mode)
{
	return do_sys_open(AT_FDCWD, path, flags, mode);
}

SYSCALL_DEFINE(openat, __NR_openat, int dfd, const char *path, int flags, unsigned int mode)
{
	return do_sys_open(dfd, path, flags, mode);
}

SYSCALL_DEFINE(creat, __NR_creat, const char *path, unsigned int mode)
{
	return do_sys_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE(close, __NR_close, int fd)
{
	return fd_close(fd);
}

SYSCALL_DEFINE(close_range, __NR_close_range, unsigned int first, unsigned int last,
	       unsigned int flags)
{
	if (first > last || (flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)))
		return -EINVAL;
	return files_close_range(first, last, flags);
}
