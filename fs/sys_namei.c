/*
 * Namespace system calls: mkdir, mkdirat, mknod, mknodat, symlink,
 * symlinkat, link, linkat, unlink, unlinkat, rmdir, rename, renameat,
 * renameat2. Each copies its names in and calls the VFS operation.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/slab.h>
#include <ferrite/syscall.h>

/* Copy two user names; 0 or -errno with nothing allocated. */
static int getname2(const char *u1, bool empty1, const char *u2, char **n1, char **n2)
{
	*n1 = fs_getname(u1, empty1);
	if (IS_ERR(*n1))
		return (int)PTR_ERR(*n1);
	*n2 = fs_getname(u2, false);
	if (IS_ERR(*n2)) {
		kfree(*n1);
		return (int)PTR_ERR(*n2);
	}
	return 0;
}

static long do_mkdirat(int dfd, const char *upath, unsigned int mode)
{
	char *name = fs_getname(upath, false);
	long r;

	if (IS_ERR(name))
		return PTR_ERR(name);
	r = vfs_mkdirat(dfd, name, mode);
	kfree(name);
	return r;
}

SYSCALL_DEFINE(mkdir, __NR_mkdir, const char *path, unsigned int mode)
{
	return do_mkdirat(AT_FDCWD, path, mode);
}

SYSCALL_DEFINE(mkdirat, __NR_mkdirat, int dfd, const char *path, unsigned int mode)
{
	return do_mkdirat(dfd, path, mode);
}

static long do_mknodat(int dfd, const char *upath, unsigned int mode, unsigned int dev)
{
	char *name = fs_getname(upath, false);
	long r;

	if (IS_ERR(name))
		return PTR_ERR(name);
	r = vfs_mknodat(dfd, name, mode, dev_decode(dev));
	kfree(name);
	return r;
}

SYSCALL_DEFINE(mknod, __NR_mknod, const char *path, unsigned int mode, unsigned int dev)
{
	return do_mknodat(AT_FDCWD, path, mode, dev);
}

SYSCALL_DEFINE(mknodat, __NR_mknodat, int dfd, const char *path, unsigned int mode,
	       unsigned int dev)
{
	return do_mknodat(dfd, path, mode, dev);
}

static long do_symlinkat(const char *utarget, int dfd, const char *upath)
{
	char *target = NULL, *name = NULL;
	long r = getname2(utarget, true, upath, &target, &name);

	if (r)
		return r;
	r = vfs_symlinkat(target, dfd, name);
	kfree(target);
	kfree(name);
	return r;
}

SYSCALL_DEFINE(symlink, __NR_symlink, const char *target, const char *path)
{
	return do_symlinkat(target, AT_FDCWD, path);
}

SYSCALL_DEFINE(symlinkat, __NR_symlinkat, const char *target, int dfd, const char *path)
{
	return do_symlinkat(target, dfd, path);
}

static long do_linkat(int odfd, const char *uold, int ndfd, const char *unew, int flags)
{
	char *oldname = NULL, *newname = NULL;
	long r;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = getname2(uold, flags & AT_EMPTY_PATH, unew, &oldname, &newname);
	if (r)
		return r;
	r = vfs_linkat(odfd, oldname, ndfd, newname, flags);
	kfree(oldname);
	kfree(newname);
	return r;
}

SYSCALL_DEFINE(link, __NR_link, const char *oldpath, const char *newpath)
{
	return do_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

SYSCALL_DEFINE(linkat, __NR_linkat, int odfd, const char *oldpath, int ndfd,
	       const char *newpath, int flags)
{
	return do_linkat(odfd, oldpath, ndfd, newpath, flags);
}

static long do_unlinkat(int dfd, const char *upath, bool rmdir)
{
	char *name = fs_getname(upath, false);
	long r;

	if (IS_ERR(name))
		return PTR_ERR(name);
	r = rmdir ? vfs_rmdirat(dfd, name) : vfs_unlinkat(dfd, name);
	kfree(name);
	return r;
}

SYSCALL_DEFINE(unlink, __NR_unlink, const char *path)
{
	return do_unlinkat(AT_FDCWD, path, false);
}

SYSCALL_DEFINE(rmdir, __NR_rmdir, const char *path)
{
	return do_unlinkat(AT_FDCWD, path, true);
}

SYSCALL_DEFINE(unlinkat, __NR_unlinkat, int dfd, const char *path, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return do_unlinkat(dfd, path, flags & AT_REMOVEDIR);
}

static long do_renameat(int odfd, const char *uold, int ndfd, const char *unew,
			unsigned int flags)
{
	char *oldname = NULL, *newname = NULL;
	long r = getname2(uold, false, unew, &oldname, &newname);

	if (r)
		return r;
	r = vfs_renameat(odfd, oldname, ndfd, newname, flags);
	kfree(oldname);
	kfree(newname);
	return r;
}

SYSCALL_DEFINE(rename, __NR_rename, const char *oldpath, const char *newpath)
{
	return do_renameat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

SYSCALL_DEFINE(renameat, __NR_renameat, int odfd, const char *oldpath, int ndfd,
	       const char *newpath)
{
	return do_renameat(odfd, oldpath, ndfd, newpath, 0);
}

SYSCALL_DEFINE(renameat2, __NR_renameat2, int odfd, const char *oldpath, int ndfd,
	       const char *newpath, unsigned int flags)
{
	return do_renameat(odfd, oldpath, ndfd, newpath, flags);
}
