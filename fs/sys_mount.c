/*
 * Mount and process-context system calls: mount, umount2, chdir, fchdir,
 * chroot, getcwd, and the sync family (every file system here lives in
 * memory, so there is never anything to write back: they succeed at once).
 */
#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>

#define UMOUNT_NOFOLLOW	8

/* A user string of at most @max bytes (NULL stays NULL); ERR_PTR on a fault. */
static char *get_opt_string(const char *u, size_t max, bool truncate)
{
	char *s;
	long n;

	if (!u)
		return NULL;
	s = kmalloc(max + 1);
	if (!s)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(s, u, max);
	if (n == -ENAMETOOLONG && truncate)
		n = (long)max;	/* mount data is one page; longer is cut, as Linux's copy */
	if (n < 0) {
		kfree(s);
		return ERR_PTR(n);
	}
	s[n] = '\0';
	return s;
}

SYSCALL_DEFINE(mount, __NR_mount, const char *usource, const char *utarget, const char *utype,
	       unsigned long flags, const void *udata)
{
	char *source = NULL, *target = NULL, *type = NULL, *data = NULL;
	struct path where;
	long r;

	if (!cred_is_root())
		return -EPERM;
	target = fs_getname(utarget, false);
	if (IS_ERR(target))
		return PTR_ERR(target);
	source = get_opt_string(usource, FS_PATH_MAX - 1, false);
	type = get_opt_string(utype, PAGE_SIZE - 1, false);
	data = get_opt_string(udata, PAGE_SIZE - 1, true);
	r = IS_ERR(source) ? PTR_ERR(source) : IS_ERR(type) ? PTR_ERR(type)
		: IS_ERR(data) ? PTR_ERR(data) : 0;
	if (!r)
		r = path_lookup_at(AT_FDCWD, target, LOOKUP_FOLLOW, &where);
	if (!r) {
		r = do_mount(source, &where, type, flags, data);
		path_put(&where);
	}
	kfree(target);
	if (!IS_ERR(source))
		kfree(source);
	if (!IS_ERR(type))
		kfree(type);
	if (!IS_ERR(data))
		kfree(data);
	return r;
}

SYSCALL_DEFINE(umount2, __NR_umount2, const char *utarget, int flags)
{
	char *target;
	struct path where;
	long r;

	if (!cred_is_root())
		return -EPERM;
	if (flags & ~(1 | 2 | 4 | UMOUNT_NOFOLLOW))
		return -EINVAL;
	target = fs_getname(utarget, false);
	if (IS_ERR(target))
		return PTR_ERR(target);
	r = path_lookup_at(AT_FDCWD, target, (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &where);
	kfree(target);
	if (r)
		return r;
	r = do_umount(&where, flags);
	path_put(&where);
	return r;
}

/* Resolve a directory the caller may search. */
static int dir_path(const char *upath, struct path *p)
{
	char *name = fs_getname(upath, false);
	int err;

	if (IS_ERR(name))
		return (int)PTR_ERR(name);
	err = path_lookup_at(AT_FDCWD, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, p);
	kfree(name);
	if (err)
		return err;
	err = inode_permission(p->dentry->inode, MAY_EXEC);
	if (err)
		path_put(p);
	return err;
}

SYSCALL_DEFINE(chdir, __NR_chdir, const char *upath)
{
	struct path p;
	int err = dir_path(upath, &p);

	if (err)
		return err;
	fs_set_cwd(&p);
	path_put(&p);
	return 0;
}

SYSCALL_DEFINE(fchdir, __NR_fchdir, int fd)
{
	struct file *f = fd_get_raw(fd);
	struct path p;
	int err = 0;

	if (!f)
		return -EBADF;
	if (!f->dentry || !f->mnt || !S_ISDIR(f->inode->mode))
		err = -ENOTDIR;
	else
		err = inode_permission(f->inode, MAY_EXEC);
	if (!err) {
		p.mnt = f->mnt;
		p.dentry = f->dentry;
		fs_set_cwd(&p);
	}
	file_put(f);
	return err;
}

SYSCALL_DEFINE(chroot, __NR_chroot, const char *upath)
{
	struct path p;
	int err = dir_path(upath, &p);

	if (err)
		return err;
	if (!cred_is_root()) {
		path_put(&p);
		return -EPERM;
	}
	fs_set_root(&p);
	path_put(&p);
	return 0;
}

SYSCALL_DEFINE(getcwd, __NR_getcwd, char *ubuf, size_t size)
{
	struct path cwd, root;
	char *buf = kmalloc(FS_PATH_MAX), *s;
	long r;
	size_t len;

	if (!buf)
		return -ENOMEM;
	fs_current_cwd(&cwd);
	fs_current_root(&root);
	if (READ_ONCE(cwd.dentry->flags) & DENTRY_DEAD) {
		r = -ENOENT;
		goto out;
	}
	s = d_path(&cwd, &root, buf, FS_PATH_MAX, false);
	if (IS_ERR(s)) {
		r = PTR_ERR(s);
		goto out;
	}
	len = strlen(s) + 1;
	if (len > size)
		r = -ERANGE;
	else
		r = copy_to_user(ubuf, s, len) ? -EFAULT : (long)len;
out:
	path_put(&cwd);
	path_put(&root);
	kfree(buf);
	return r;
}

SYSCALL_DEFINE(sync, __NR_sync, void)
{
	return 0;
}

SYSCALL_DEFINE(syncfs, __NR_syncfs, int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

static long do_fsync(int fd)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	r = f->ops && f->ops->fsync ? f->ops->fsync(f) : -EINVAL;
	file_put(f);
	return r;
}

SYSCALL_DEFINE(fsync, __NR_fsync, int fd)
{
	return do_fsync(fd);
}

SYSCALL_DEFINE(fdatasync, __NR_fdatasync, int fd)
{
	return do_fsync(fd);
}
