/*
 * Descriptor system calls: dup, dup2, dup3, fcntl and ioctl (the generic
 * commands here, the rest passed to the file's ops).
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <asm/ioctls.h>

/* F_SETFL may change these; the rest of the flags stay as open set them. */
#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME)

SYSCALL_DEFINE(dup, __NR_dup, int oldfd)
{
	struct file *f = fd_get_raw(oldfd);
	int fd;

	if (!f)
		return -EBADF;
	fd = fd_install(f, false);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long do_dup3(int oldfd, int newfd, int flags)
{
	struct file *f;
	int fd;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	f = fd_get_raw(oldfd);
	if (!f)
		return -EBADF;
	fd = fd_install_at(newfd, f, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL_DEFINE(dup2, __NR_dup2, int oldfd, int newfd)
{
	if (oldfd == newfd) {
		struct file *f = fd_get_raw(oldfd);

		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, 0);
}

SYSCALL_DEFINE(dup3, __NR_dup3, int oldfd, int newfd, int flags)
{
	return do_dup3(oldfd, newfd, flags);
}

static long fcntl_setfl(struct file *f, unsigned int arg)
{
	if ((arg & O_NOATIME) && !(f->flags & O_NOATIME) && f->inode &&
	    !inode_owner_or_root(f->inode))
		return -EPERM;
	if (arg & FASYNC) {
		pr_warn("fcntl: O_ASYNC (SIGIO) is not supported\n");
		return -EINVAL;
	}
	mutex_lock(&f->pos_lock);
	f->flags = (f->flags & ~SETFL_MASK) | (arg & SETFL_MASK);
	mutex_unlock(&f->pos_lock);
	return 0;
}

/*
 * Linux commands this kernel does not implement are logged once each;
 * numbers Linux does not know are plain EINVAL, as there.
 */
static void fcntl_unsupported(unsigned int cmd)
{
	static const unsigned int known[] = { F_SETOWN, F_SETSIG, F_GETSIG, F_SETOWN_EX,
					      F_GETOWN_EX, F_GETOWNER_UIDS, F_SETLEASE,
					      F_GETLEASE, F_NOTIFY, F_CANCELLK, F_SETPIPE_SZ,
					      F_GETPIPE_SZ, F_ADD_SEALS, F_GET_SEALS,
					      F_GET_RW_HINT, F_SET_RW_HINT, F_GET_FILE_RW_HINT,
					      F_SET_FILE_RW_HINT };
	static uint32_t logged;	/* [a] bit i: known[i] reported */

	for (unsigned int i = 0; i < ARRAY_SIZE(known); i++) {
		if (known[i] != cmd)
			continue;
		if (!(__atomic_fetch_or(&logged, 1u << i, __ATOMIC_RELAXED) & (1u << i)))
			pr_warn("fcntl: command %u is not supported\n", cmd);
		return;
	}
}

/* The commands an O_PATH descriptor allows (Linux's check_fcntl_cmd). */
static bool path_fcntl_ok(unsigned int cmd)
{
	return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_GETFD || cmd == F_SETFD ||
	       cmd == F_GETFL;
}

static long do_fcntl(int fd, struct file *f, unsigned int cmd, uint64_t arg)
{
	long r;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg > 0x7fffffff)
			return -EINVAL;
		r = fd_install_from(file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		return r;
	case F_GETFD:
		r = fd_get_cloexec(fd);
		return r < 0 ? r : (r ? FD_CLOEXEC : 0);
	case F_SETFD:
		return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		return fcntl_setfl(f, (unsigned int)arg);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return locks_fcntl(f, cmd, (struct flock *)arg);
	case F_GETOWN:
		return 0;	/* nobody is set to get SIGIO: F_SETOWN is refused */
	default:
		if (f->ops && f->ops->fcntl)
			return f->ops->fcntl(f, cmd, arg);
		fcntl_unsupported(cmd);
		return -EINVAL;
	}
}

SYSCALL_DEFINE(fcntl, __NR_fcntl, int fd, unsigned int cmd, uint64_t arg)
{
	struct file *f = fd_get_raw(fd);
	long r;

	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) && !path_fcntl_ok(cmd))
		r = -EBADF;
	else
		r = do_fcntl(fd, f, cmd, arg);
	file_put(f);
	return r;
}

/* ---- ioctl ---- */

static long ioctl_fionbio(struct file *f, const int *uarg)
{
	int on;

	if (get_user(on, uarg))
		return -EFAULT;
	mutex_lock(&f->pos_lock);
	if (on)
		f->flags |= O_NONBLOCK;
	else
		f->flags &= ~O_NONBLOCK;
	mutex_unlock(&f->pos_lock);
	return 0;
}

SYSCALL_DEFINE(ioctl, __NR_ioctl, int fd, unsigned int cmd, uint64_t arg)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fd_set_cloexec(fd, cmd == FIOCLEX);
		break;
	case FIONBIO:
		r = ioctl_fionbio(f, (const int *)arg);
		break;
	case FIONREAD:
		if (f->inode && S_ISREG(f->inode->mode)) {
			uint64_t size = READ_ONCE(f->inode->size), pos = READ_ONCE(f->pos);
			int n = size > pos ? (int)MIN(size - pos, 0x7fffffffULL) : 0;

			r = put_user(n, (int *)arg);
			break;
		}
		/* pipes, ttys and sockets answer themselves */
		__attribute__((fallthrough));
	default:
		if (f->ops && f->ops->ioctl)
			r = f->ops->ioctl(f, cmd, arg);
		else
			r = -ENOTTY;
		if (cmd == FIOASYNC && r == -ENOTTY) {
			pr_warn("ioctl: FIOASYNC (SIGIO) is not supported\n");
			r = -EINVAL;
		}
		break;
	}
	file_put(f);
	return r;
}
