/*
 * Data transfer system calls: read, write, their vectored and positioned
 * forms, lseek, sendfile, getdents64 and getdents. Regular files and
 * directories serialise their file position under pos_lock (Linux's
 * FMODE_ATOMIC_POS); streams (ttys, pipes) are never held up by it, so a
 * blocked read cannot stall a write on the same open file.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <linux/resource.h>
#include <linux/uio.h>

#define MAX_RW_COUNT	(0x7fffffffUL & PAGE_MASK)	/* Linux's cap on one transfer */

static bool uses_pos_lock(struct file *f)
{
	return f->inode && (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode));
}

static int check_read(struct file *f)
{
	if (!(f->mode & FMODE_READ))
		return -EBADF;
	if (!f->ops || !f->ops->read)
		return f->inode && S_ISDIR(f->inode->mode) ? -EISDIR : -EINVAL;
	return 0;
}

static int check_write(struct file *f)
{
	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	return 0;
}

/*
 * RLIMIT_FSIZE on a write of @len bytes at @pos to a regular file: the
 * bytes allowed, or -EFBIG (with SIGXFSZ) when none is.
 */
static long fsize_limit(struct file *f, uint64_t pos, size_t len)
{
	struct task *t = current_task();
	uint64_t lim;

	if (!t || !t->proc || !f->inode || !S_ISREG(f->inode->mode))
		return (long)len;
	lim = t->proc->rlim[RLIMIT_FSIZE].rlim_cur;
	if (lim == RLIM_INFINITY)
		return (long)len;
	if (f->flags & O_APPEND)
		pos = READ_ONCE(f->inode->size);
	if (pos >= lim) {
		signal_send_task(t, SIGXFSZ);
		return -EFBIG;
	}
	return (long)MIN((uint64_t)len, lim - pos);
}

/* One read at *@pos; @ubuf checked by the caller. */
static long read_at(struct file *f, char *ubuf, size_t len, uint64_t *pos)
{
	if (!len)
		return 0;
	return f->ops->read(f, ubuf, MIN(len, MAX_RW_COUNT), pos);
}

static long write_at(struct file *f, const char *ubuf, size_t len, uint64_t *pos)
{
	long n;

	if (!len)
		return 0;
	n = fsize_limit(f, *pos, MIN(len, MAX_RW_COUNT));
	if (n < 0)
		return n;
	return f->ops->write(f, ubuf, (size_t)n, pos);
}

/* Run @fn at the file position, locking it for regular files and directories. */
static long at_file_pos(struct file *f, long (*fn)(struct file *, void *, uint64_t *),
			void *arg)
{
	uint64_t pos;
	long r;

	if (uses_pos_lock(f)) {
		mutex_lock(&f->pos_lock);
		r = fn(f, arg, &f->pos);
		mutex_unlock(&f->pos_lock);
		return r;
	}
	pos = READ_ONCE(f->pos);
	r = fn(f, arg, &pos);
	if (r > 0)
		WRITE_ONCE(f->pos, pos);
	return r;
}

struct rw_args {
	char *buf;
	size_t len;
	const struct iovec *iov;
	int iovcnt;
};

static long read_fn(struct file *f, void *arg, uint64_t *pos)
{
	struct rw_args *a = arg;

	return read_at(f, a->buf, a->len, pos);
}

static long write_fn(struct file *f, void *arg, uint64_t *pos)
{
	struct rw_args *a = arg;

	return write_at(f, a->buf, a->len, pos);
}

SYSCALL_DEFINE(read, __NR_read, int fd, char *buf, size_t count)
{
	struct file *f = fd_get(fd);
	struct rw_args a = { .buf = buf, .len = count };
	long r;

	if (!f)
		return -EBADF;
	r = check_read(f);
	if (!r && !uaccess_ok((uint64_t)buf, count))
		r = -EFAULT;
	if (!r)
		r = at_file_pos(f, read_fn, &a);
	file_put(f);
	return r;
}

SYSCALL_DEFINE(write, __NR_write, int fd, const char *buf, size_t count)
{
	struct file *f = fd_get(fd);
	struct rw_args a = { .buf = (char *)buf, .len = count };
	long r;

	if (!f)
		return -EBADF;
	r = check_write(f);
	if (!r && !uaccess_ok((uint64_t)buf, count))
		r = -EFAULT;
	if (!r)
		r = at_file_pos(f, write_fn, &a);
	file_put(f);
	return r;
}

/* A positioned transfer needs a seekable file. */
static int check_pos(struct file *f, int64_t pos)
{
	if (pos < 0)
		return -EINVAL;
	if (!f->ops->llseek)
		return -ESPIPE;
	return 0;
}

SYSCALL_DEFINE(pread64, __NR_pread64, int fd, char *buf, size_t count, int64_t pos)
{
	struct file *f = fd_get(fd);
	uint64_t p = (uint64_t)pos;
	long r;

	if (!f)
		return -EBADF;
	r = check_read(f);
	if (!r)
		r = check_pos(f, pos);
	if (!r && !uaccess_ok((uint64_t)buf, count))
		r = -EFAULT;
	if (!r)
		r = read_at(f, buf, count, &p);
	file_put(f);
	return r;
}

SYSCALL_DEFINE(pwrite64, __NR_pwrite64, int fd, const char *buf, size_t count, int64_t pos)
{
	struct file *f = fd_get(fd);
	uint64_t p = (uint64_t)pos;
	long r;

	if (!f)
		return -EBADF;
	r = check_write(f);
	if (!r)
		r = check_pos(f, pos);
	if (!r && !uaccess_ok((uint64_t)buf, count))
		r = -EFAULT;
	if (!r)
		r = write_at(f, buf, count, &p);
	file_put(f);
	return r;
}

/* ---- vectored I/O ---- */

/*
 * Copy in and check a user iovec array: at most UIO_MAXIOV entries, every
 * segment in user space, the total capped at MAX_RW_COUNT (later segments
 * shortened, as Linux does). A kmalloc'd array or ERR_PTR.
 */
static struct iovec *iov_import(const struct iovec *uiov, int cnt)
{
	struct iovec *iov;
	size_t total = 0;

	if (cnt < 0 || cnt > UIO_MAXIOV)
		return ERR_PTR(-EINVAL);
	iov = kmalloc(sizeof(*iov) * (size_t)(cnt ? cnt : 1));
	if (!iov)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(iov, uiov, sizeof(*iov) * (size_t)cnt)) {
		kfree(iov);
		return ERR_PTR(-EFAULT);
	}
	for (int i = 0; i < cnt; i++) {
		if ((int64_t)iov[i].iov_len < 0) {
			kfree(iov);
			return ERR_PTR(-EINVAL);
		}
		if (!uaccess_ok((uint64_t)iov[i].iov_base, iov[i].iov_len)) {
			kfree(iov);
			return ERR_PTR(-EFAULT);
		}
		iov[i].iov_len = MIN(iov[i].iov_len, MAX_RW_COUNT - total);
		total += iov[i].iov_len;
	}
	return iov;
}

/* Transfer segment by segment, stopping at the first short one. */
static long vec_fn(struct file *f, void *arg, uint64_t *pos, bool write)
{
	struct rw_args *a = arg;
	long total = 0;

	for (int i = 0; i < a->iovcnt; i++) {
		long r = write ? write_at(f, a->iov[i].iov_base, a->iov[i].iov_len, pos)
			       : read_at(f, a->iov[i].iov_base, a->iov[i].iov_len, pos);

		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < a->iov[i].iov_len)
			break;
	}
	return total;
}

static long readv_fn(struct file *f, void *arg, uint64_t *pos)
{
	return vec_fn(f, arg, pos, false);
}

static long writev_fn(struct file *f, void *arg, uint64_t *pos)
{
	return vec_fn(f, arg, pos, true);
}

/* readv/writev/preadv/pwritev: @pos -1 means the file position. */
static long do_vec(int fd, const struct iovec *uiov, int cnt, int64_t pos, bool write,
		   int rwf)
{
	struct file *f = fd_get(fd);
	struct rw_args a = { .iovcnt = cnt };
	uint64_t p = (uint64_t)pos;
	long r;

	if (!f)
		return -EBADF;
	if (rwf & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC)) {
		/* RWF_NOWAIT and RWF_APPEND are not implemented; the others are no-ops here. */
		file_put(f);
		return -EOPNOTSUPP;
	}
	r = write ? check_write(f) : check_read(f);
	if (!r && pos != -1)
		r = check_pos(f, pos);
	if (r) {
		file_put(f);
		return r;
	}
	a.iov = iov_import(uiov, cnt);
	if (IS_ERR(a.iov)) {
		file_put(f);
		return PTR_ERR(a.iov);
	}
	if (pos == -1)
		r = at_file_pos(f, write ? writev_fn : readv_fn, &a);
	else
		r = vec_fn(f, &a, &p, write);
	kfree(a.iov);
	file_put(f);
	return r;
}

SYSCALL_DEFINE(readv, __NR_readv, int fd, const struct iovec *iov, int cnt)
{
	return do_vec(fd, iov, cnt, -1, false, 0);
}

SYSCALL_DEFINE(writev, __NR_writev, int fd, const struct iovec *iov, int cnt)
{
	return do_vec(fd, iov, cnt, -1, true, 0);
}

SYSCALL_DEFINE(preadv, __NR_preadv, int fd, const struct iovec *iov, int cnt, int64_t pos)
{
	return pos < 0 ? -EINVAL : do_vec(fd, iov, cnt, pos, false, 0);
}

SYSCALL_DEFINE(pwritev, __NR_pwritev, int fd, const struct iovec *iov, int cnt, int64_t pos)
{
	return pos < 0 ? -EINVAL : do_vec(fd, iov, cnt, pos, true, 0);
}

SYSCALL_DEFINE(preadv2, __NR_preadv2, int fd, const struct iovec *iov, int cnt, int64_t pos,
	       uint64_t pos_h __unused, int flags)
{
	return pos < -1 ? -EINVAL : do_vec(fd, iov, cnt, pos, false, flags);
}

SYSCALL_DEFINE(pwritev2, __NR_pwritev2, int fd, const struct iovec *iov, int cnt, int64_t pos,
	       uint64_t pos_h __unused, int flags)
{
	return pos < -1 ? -EINVAL : do_vec(fd, iov, cnt, pos, true, flags);
}

/* ---- seeking ---- */

SYSCALL_DEFINE(lseek, __NR_lseek, int fd, int64_t off, unsigned int whence)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	if (whence > SEEK_MAX)
		r = -EINVAL;
	else if (!f->ops || !f->ops->llseek)
		r = -ESPIPE;
	else if (uses_pos_lock(f)) {
		mutex_lock(&f->pos_lock);
		r = f->ops->llseek(f, off, (int)whence);
		mutex_unlock(&f->pos_lock);
	} else {
		r = f->ops->llseek(f, off, (int)whence);
	}
	file_put(f);
	return r;
}

/* ---- directories ---- */

static long getdents_fn(struct file *f, void *arg, uint64_t *pos __unused)
{
	struct rw_args *a = arg;

	return f->ops->getdents(f, a->buf, a->len);
}

/* getdents and getdents64: checks shared by both, then @fn at the file position. */
static long getdents_common(int fd, char *dirp, unsigned int count,
			    long (*fn)(struct file *f, void *arg, uint64_t *pos))
{
	struct file *f = fd_get(fd);
	struct rw_args a = { .buf = dirp, .len = count };
	long r;

	if (!f)
		return -EBADF;
	if (!f->ops || !f->ops->getdents)
		r = -ENOTDIR;
	else if (!uaccess_ok((uint64_t)dirp, count))
		r = -EFAULT;
	else
		r = at_file_pos(f, fn, &a);
	file_put(f);
	return r;
}

SYSCALL_DEFINE(getdents64, __NR_getdents64, int fd, char *dirp, unsigned int count)
{
	return getdents_common(fd, dirp, count, getdents_fn);
}

/* The old getdents record: d_type sits in the last byte of the record. */
struct linux_dirent {
	unsigned long d_ino;
	unsigned long d_off;
	unsigned short d_reclen;
	char d_name[];
};

struct dirent64_hdr {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Rewrite getdents64 records in @k (@n bytes) as old ones into @ubuf; bytes or -EFAULT. */
static long dirents_to_old(const char *k, long n, char *ubuf)
{
	long in = 0, out = 0;
	char rec[sizeof(struct linux_dirent) + FS_NAME_MAX + 2 + 8];

	while (in < n) {
		const struct dirent64_hdr *d = (const void *)(k + in);
		size_t len = strlen(d->d_name);
		size_t reclen = ALIGN_UP(offsetof(struct linux_dirent, d_name) + len + 2, 8);
		struct linux_dirent *o = (void *)rec;

		memset(rec, 0, reclen);
		o->d_ino = d->d_ino;
		o->d_off = (unsigned long)d->d_off;
		o->d_reclen = (unsigned short)reclen;
		memcpy(o->d_name, d->d_name, len);
		rec[reclen - 1] = (char)d->d_type;
		if (copy_to_user(ubuf + out, rec, reclen))
			return -EFAULT;
		out += (long)reclen;
		in += d->d_reclen;
	}
	return out;
}

/*
 * getdents: records the same size as getdents64's for every name length
 * (both round 20 + length up to 8), so a getdents64 pass into a kernel
 * buffer of the caller's size converts one to one.
 */
static long getdents_old_fn(struct file *f, void *arg, uint64_t *pos __unused)
{
	struct rw_args *a = arg;
	size_t size = MIN(a->len, 65536);
	char *k = kmalloc(size);
	struct file shadow;
	long n;

	if (!k)
		return -ENOMEM;
	shadow = *f;
	shadow.kernel_io = true;
	n = f->ops->getdents(&shadow, k, size);
	if (n > 0) {
		n = dirents_to_old(k, n, a->buf);
		if (n >= 0)
			f->pos = shadow.pos;
	}
	kfree(k);
	return n;
}

SYSCALL_DEFINE(getdents, __NR_getdents, int fd, char *dirp, unsigned int count)
{
	return getdents_common(fd, dirp, count, getdents_old_fn);
}

/* ---- sendfile ---- */

/* Write @len kernel bytes to @out at its position. */
static long kwrite_fn(struct file *out, void *arg, uint64_t *pos)
{
	struct rw_args *a = arg;
	struct file shadow = *out;
	long n = fsize_limit(out, *pos, a->len);

	if (n <= 0)
		return n;
	shadow.kernel_io = true;
	return out->ops->write(&shadow, a->buf, (size_t)n, pos);
}

/* Copy up to @count bytes from @in at *@ipos to @out; bytes moved or -errno. */
static long sendfile_loop(struct file *in, struct file *out, uint64_t *ipos, size_t count)
{
	char *buf = kmalloc(PAGE_SIZE);
	long total = 0;

	if (!buf)
		return -ENOMEM;
	count = MIN(count, MAX_RW_COUNT);
	while ((size_t)total < count) {
		struct rw_args a = { .buf = buf };
		long r = kernel_read(in, buf, MIN(PAGE_SIZE, count - (size_t)total), *ipos), w;

		if (r <= 0) {
			if (r < 0 && !total)
				total = r;
			break;
		}
		a.len = (size_t)r;
		w = at_file_pos(out, kwrite_fn, &a);
		if (w <= 0) {
			if (w < 0 && !total)
				total = w;
			break;
		}
		total += w;
		*ipos += (uint64_t)w;
		if (w < r)
			break;
	}
	kfree(buf);
	return total;
}

SYSCALL_DEFINE(sendfile, __NR_sendfile, int out_fd, int in_fd, int64_t *uoff, size_t count)
{
	struct file *in = fd_get(in_fd), *out = fd_get(out_fd);
	uint64_t pos;
	int64_t off;
	long r = 0;

	if (!in || !out)
		r = -EBADF;
	else if ((r = check_read(in)) || (r = check_write(out)))
		;
	else if (out->flags & O_APPEND)
		r = -EINVAL;
	else if (uoff && get_user(off, uoff))
		r = -EFAULT;
	else if (uoff && off < 0)
		r = -EINVAL;
	else if (!in->ops->llseek)
		r = -ESPIPE;
	if (r)
		goto out;
	if (uoff) {
		pos = (uint64_t)off;
		r = sendfile_loop(in, out, &pos, count);
		if (r >= 0 && put_user((int64_t)pos, uoff))
			r = -EFAULT;
	} else {
		/* Not held across the copy: @out may be the same file. */
		mutex_lock(&in->pos_lock);
		pos = in->pos;
		mutex_unlock(&in->pos_lock);
		r = sendfile_loop(in, out, &pos, count);
		if (r > 0) {
			mutex_lock(&in->pos_lock);
			in->pos = pos;
			mutex_unlock(&in->pos_lock);
		}
	}
out:
	file_put(in);
	file_put(out);
	return r;
}
