/*
 * Pipes and FIFOs (see pipe.h). A pipe's data is the byte range
 * [tail, head) of free-running 32-bit counters over a ring of nr_bufs
 * pages (a power of two), allocated when first written. Readers and
 * writers copy under the pipe's mutex (user copies may fault and sleep)
 * and sleep on two wait queues with the mutex dropped: rd_wait for data or
 * a writer, wr_wait for room or a reader.
 *
 * Lifetime: the pipe belongs to its inode (inode->pipe) while some end is
 * open; the last release frees it. Opening a FIFO and releasing any end
 * take the inode mutex first, then the pipe mutex; reads, writes and poll
 * take only the pipe mutex (or none, for poll's snapshot).
 */
#define pr_fmt(fmt) "pipe: " fmt

#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/pipe.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <arch/memlayout.h>
#include <asm/ioctls.h>
#include <linux/limits.h>

/*
 * Lock legend: [L] the pipe's mutex; [a] also read without it (READ_ONCE)
 * by wait conditions and poll.
 */
struct pipe {
	struct mutex lock;
	struct wait_queue rd_wait;	/* readers: data, or no writer left */
	struct wait_queue wr_wait;	/* writers: room, or no reader left */
	char **bufs;			/* [L] nr_bufs pages or NULL */
	unsigned int nr_bufs;		/* [L][a] a power of two */
	unsigned int head, tail;	/* [L][a] data is [tail, head) */
	unsigned int readers, writers;	/* [L][a] open ends; inode mutex held to change */
	unsigned int r_counter;		/* [L][a] read opens so far (FIFO open waits) */
	unsigned int w_counter;		/* [L][a] write opens so far */
};

/*
 * A pipe has no file position, so f->pos keeps what Linux keeps in
 * f_version: for a FIFO opened non-blocking for reading with no writer,
 * the writer count seen then, which holds POLLHUP back until a writer has
 * come and gone. 0 otherwise.
 */
#define PIPE_HUP_MARK(f)	((f)->pos)

static unsigned int pipe_capacity(const struct pipe *p)
{
	return READ_ONCE(p->nr_bufs) * (unsigned int)PAGE_SIZE;
}

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->bufs = kcalloc(PIPE_DEF_BUFFERS, sizeof(*p->bufs));
	if (!p->bufs) {
		kfree(p);
		return NULL;
	}
	p->nr_bufs = PIPE_DEF_BUFFERS;
	mutex_init(&p->lock, "pipe");
	wait_queue_init(&p->rd_wait);
	wait_queue_init(&p->wr_wait);
	return p;
}

static void pipe_free(struct pipe *p)
{
	for (unsigned int i = 0; i < p->nr_bufs; i++)
		kfree(p->bufs[i]);
	kfree(p->bufs);
	kfree(p);
}

/*
 * Drop the ends @fmode of @p, open on @inode; free the pipe when no end is
 * left, else wake both sides (EOF, EPIPE, POLLHUP, POLLERR). Takes the
 * inode mutex and the pipe mutex.
 */
static void pipe_put_ends(struct inode *inode, struct pipe *p, unsigned int fmode)
{
	bool last;

	mutex_lock(&inode->lock);
	mutex_lock(&p->lock);
	if (fmode & FMODE_READ)
		WRITE_ONCE(p->readers, p->readers - 1);
	if (fmode & FMODE_WRITE)
		WRITE_ONCE(p->writers, p->writers - 1);
	last = !p->readers && !p->writers;
	if (last) {
		inode->pipe = NULL;
	} else {
		/* under the locks: once they drop, the other end's close may free @p */
		wake_up(&p->rd_wait);
		wake_up(&p->wr_wait);
	}
	mutex_unlock(&p->lock);
	mutex_unlock(&inode->lock);
	if (last)
		pipe_free(p);
}

static int pipe_release(struct inode *inode, struct file *f)
{
	pipe_put_ends(inode, f->private_data, f->mode & (FMODE_READ | FMODE_WRITE));
	return 0;
}

/* Copy @n (<= data) bytes from the tail out to @ubuf; bytes copied (short on a fault). [L] */
static size_t ring_copy_out(struct pipe *p, struct file *f, char *ubuf, size_t n)
{
	unsigned int mask = p->nr_bufs * PAGE_SIZE - 1;
	size_t done = 0;

	while (done < n) {
		unsigned int off = p->tail & mask, in_page = off & (PAGE_SIZE - 1);
		size_t chunk = MIN(n - done, PAGE_SIZE - in_page);

		if (file_copy_out(f, ubuf + done, p->bufs[off / PAGE_SIZE] + in_page, chunk))
			break;
		WRITE_ONCE(p->tail, p->tail + (unsigned int)chunk);
		done += chunk;
	}
	return done;
}

/*
 * Copy @n (<= room) bytes from @ubuf in at the head, allocating pages as
 * needed. Bytes copied; *@err is -EFAULT or -ENOMEM when short. [L]
 */
static size_t ring_copy_in(struct pipe *p, struct file *f, const char *ubuf, size_t n, int *err)
{
	unsigned int mask = p->nr_bufs * PAGE_SIZE - 1;
	size_t done = 0;

	while (done < n) {
		unsigned int off = p->head & mask, in_page = off & (PAGE_SIZE - 1);
		size_t chunk = MIN(n - done, PAGE_SIZE - in_page);
		char **page = &p->bufs[off / PAGE_SIZE];

		if (!*page && !(*page = kmalloc(PAGE_SIZE))) {
			*err = -ENOMEM;
			break;
		}
		if (file_copy_in(f, *page + in_page, ubuf + done, chunk)) {
			*err = -EFAULT;
			break;
		}
		WRITE_ONCE(p->head, p->head + (unsigned int)chunk);
		done += chunk;
	}
	return done;
}

static bool pipe_readable(struct pipe *p)
{
	return READ_ONCE(p->head) != READ_ONCE(p->tail) || READ_ONCE(p->writers) == 0;
}

/* Room for @need bytes, or nobody left to read. */
static bool pipe_writable(struct pipe *p, size_t need)
{
	unsigned int used = READ_ONCE(p->head) - READ_ONCE(p->tail);

	return pipe_capacity(p) - used >= need || READ_ONCE(p->readers) == 0;
}

/*
 * read(2) on a pipe: whatever data is there (up to @len), waiting for
 * some if there is none and a writer is left; 0 at end of file. -EAGAIN
 * with O_NONBLOCK, -ERESTARTSYS on a signal, -EFAULT.
 */
static long pipe_read(struct file *f, char *ubuf, size_t len, uint64_t *pos)
{
	struct pipe *p = f->private_data;
	size_t done = 0;
	long ret;

	if (len == 0)
		return 0;
	mutex_lock(&p->lock);
	for (;;) {
		size_t avail = p->head - p->tail;

		if (avail) {
			done = ring_copy_out(p, f, ubuf, MIN(avail, len));
			ret = done ? (long)done : -EFAULT;
			break;
		}
		if (!p->writers) {
			ret = 0;
			break;
		}
		if (READ_ONCE(f->flags) & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		mutex_unlock(&p->lock);
		if (wait_event_interruptible(p->rd_wait, pipe_readable(p)))
			return -ERESTARTSYS;
		mutex_lock(&p->lock);
	}
	mutex_unlock(&p->lock);
	if (done)
		wake_up(&p->wr_wait);
	return ret;
}

/*
 * Wait for room for @need bytes with the pipe mutex dropped. 0 with the
 * mutex held again, or -ERESTARTSYS (mutex not held). [L] on entry.
 */
static int pipe_wait_room(struct pipe *p, size_t need)
{
	mutex_unlock(&p->lock);
	if (wait_event_interruptible(p->wr_wait, pipe_writable(p, need)))
		return -ERESTARTSYS;
	mutex_lock(&p->lock);
	return 0;
}

/*
 * write(2) on a pipe. Up to PIPE_BUF bytes go in at once or not at all;
 * larger writes go in pieces as room appears and may interleave with
 * others. Returns @len, or a short count when a signal, O_NONBLOCK, a
 * fault or a vanished reader stopped it after some bytes; else -EAGAIN,
 * -ERESTARTSYS, -EFAULT, or -EPIPE with SIGPIPE sent to the caller.
 */
static long pipe_write(struct file *f, const char *ubuf, size_t len, uint64_t *pos)
{
	struct pipe *p = f->private_data;
	size_t done = 0;
	bool sigpipe = false;
	int err = 0;

	if (len == 0)
		return 0;
	mutex_lock(&p->lock);
	while (done < len) {
		size_t room = pipe_capacity(p) - (p->head - p->tail);
		size_t need = len <= PIPE_BUF ? len : 1;

		if (!p->readers) {
			sigpipe = true;
			err = -EPIPE;
			break;
		}
		if (room >= need) {
			size_t n = ring_copy_in(p, f, ubuf + done, MIN(room, len - done), &err);

			done += n;
			if (n)
				wake_up(&p->rd_wait);
			if (err)
				break;
			continue;
		}
		if (READ_ONCE(f->flags) & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = pipe_wait_room(p, need);
		if (err)
			goto out_unlocked;
	}
	mutex_unlock(&p->lock);
out_unlocked:
	if (sigpipe)
		signal_send_task(current, SIGPIPE);
	return done ? (long)done : err;
}

/* FIONREAD: the bytes waiting to be read. */
static long pipe_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct pipe *p = f->private_data;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	mutex_lock(&p->lock);
	n = (int)(p->head - p->tail);
	mutex_unlock(&p->lock);
	return put_user(n, (int *)arg);
}

/* The ready mask, from a lockless snapshot as Linux's pipe_poll. */
static unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->private_data;
	unsigned int mask = 0, used;

	poll_wait(f, &p->rd_wait, pt);
	poll_wait(f, &p->wr_wait, pt);
	used = READ_ONCE(p->head) - READ_ONCE(p->tail);
	if (f->mode & FMODE_READ) {
		if (used)
			mask |= POLLIN | POLLRDNORM;
		if (!READ_ONCE(p->writers) && PIPE_HUP_MARK(f) != READ_ONCE(p->w_counter))
			mask |= POLLHUP;
	}
	if (f->mode & FMODE_WRITE) {
		/* Writable when a PIPE_BUF write would not block, as with Linux's free slot. */
		if (pipe_capacity(p) - used >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!READ_ONCE(p->readers))
			mask |= POLLERR;
	}
	return mask;
}

static const struct file_ops pipe_fops = {
	.release = pipe_release,
	.read = pipe_read,
	.write = pipe_write,
	.fcntl = pipe_fcntl,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
};

const struct file_ops pipe_fifo_fops = {
	.open = pipe_fifo_open,
	.release = pipe_release,
	.read = pipe_read,
	.write = pipe_write,
	.fcntl = pipe_fcntl,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
};

bool pipe_file_is_pipe(struct file *f)
{
	return f->ops == &pipe_fops || f->ops == &pipe_fifo_fops;
}

/* ---- FIFOs ---- */

/* The FIFO's pipe, made on first open. Needs the inode mutex. */
static struct pipe *fifo_get_pipe_locked(struct inode *inode)
{
	if (!inode->pipe)
		inode->pipe = pipe_alloc();
	return inode->pipe;
}

/* What a blocking FIFO open waits for: the other side's open counter to move. */
struct fifo_wait {
	struct wait_queue *q;		/* NULL: nothing */
	unsigned int *counter;
	unsigned int seen;
};

/*
 * Count @f's ends in @p and say what the open must wait for (a reader for
 * the first writer's partner and the other way round, as Linux's
 * fifo_open). Needs the inode mutex and the pipe mutex.
 */
static void fifo_add_ends_locked(struct pipe *p, struct file *f, unsigned int fmode,
				 struct fifo_wait *w)
{
	bool nonblock = f->flags & O_NONBLOCK;

	f->private_data = p;
	if (fmode & FMODE_READ) {
		WRITE_ONCE(p->readers, p->readers + 1);
		WRITE_ONCE(p->r_counter, p->r_counter + 1);
	}
	if (fmode & FMODE_WRITE) {
		WRITE_ONCE(p->writers, p->writers + 1);
		WRITE_ONCE(p->w_counter, p->w_counter + 1);
	}
	w->q = NULL;
	if (fmode == FMODE_READ && !p->writers) {
		if (nonblock) {
			PIPE_HUP_MARK(f) = p->w_counter;
		} else {
			*w = (struct fifo_wait){ &p->rd_wait, &p->w_counter, p->w_counter };
		}
	} else if (fmode == FMODE_WRITE && !p->readers) {
		*w = (struct fifo_wait){ &p->wr_wait, &p->r_counter, p->r_counter };
	}
}

int pipe_fifo_open(struct inode *inode, struct file *f)
{
	unsigned int fmode = f->mode & (FMODE_READ | FMODE_WRITE);
	struct fifo_wait w;
	struct pipe *p;
	bool unused;

	if (!fmode)
		return -EINVAL;
	mutex_lock(&inode->lock);
	p = fifo_get_pipe_locked(inode);
	if (!p) {
		mutex_unlock(&inode->lock);
		return -ENOMEM;
	}
	mutex_lock(&p->lock);
	if (fmode == FMODE_WRITE && (f->flags & O_NONBLOCK) && !p->readers)
		goto out_nxio;
	fifo_add_ends_locked(p, f, fmode, &w);
	mutex_unlock(&p->lock);
	mutex_unlock(&inode->lock);
	/* Partners blocked in open wait on the queue of their own side. */
	wake_up(&p->rd_wait);
	wake_up(&p->wr_wait);
	if (!w.q)
		return 0;
	if (!wait_event_interruptible(*w.q, READ_ONCE(*w.counter) != w.seen))
		return 0;
	pipe_put_ends(inode, p, fmode);
	return -ERESTARTSYS;

out_nxio:
	/* A non-blocking writer with no reader: nothing was counted in. */
	unused = !p->writers;
	if (unused)
		inode->pipe = NULL;
	mutex_unlock(&p->lock);
	mutex_unlock(&inode->lock);
	if (unused)
		pipe_free(p);
	return -ENXIO;
}

void pipe_init(void)
{
	vfs_register_fifo_ops(&pipe_fifo_fops);
}

/* ---- F_GETPIPE_SZ / F_SETPIPE_SZ ---- */

/*
 * Move the data to a ring of @nr pages (keeping each byte's counter
 * position). [L] 0, -EBUSY if the data does not fit, -ENOMEM.
 */
static int pipe_resize_locked(struct pipe *p, unsigned int nr)
{
	unsigned int old_mask = p->nr_bufs * PAGE_SIZE - 1, new_mask = nr * PAGE_SIZE - 1;
	char **nb;

	if (p->head - p->tail > nr * PAGE_SIZE)
		return -EBUSY;
	nb = kcalloc(nr, sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	for (unsigned int pos = p->tail; pos != p->head;) {
		unsigned int o = pos & old_mask, n = pos & new_mask;
		size_t chunk = MIN(MIN((size_t)(p->head - pos), PAGE_SIZE - (o & (PAGE_SIZE - 1))),
				   PAGE_SIZE - (n & (PAGE_SIZE - 1)));

		if (!nb[n / PAGE_SIZE] && !(nb[n / PAGE_SIZE] = kmalloc(PAGE_SIZE)))
			goto out_nomem;
		memcpy(nb[n / PAGE_SIZE] + (n & (PAGE_SIZE - 1)),
		       p->bufs[o / PAGE_SIZE] + (o & (PAGE_SIZE - 1)), chunk);
		pos += (unsigned int)chunk;
	}
	for (unsigned int i = 0; i < p->nr_bufs; i++)
		kfree(p->bufs[i]);
	kfree(p->bufs);
	p->bufs = nb;
	WRITE_ONCE(p->nr_bufs, nr);
	return 0;
out_nomem:
	for (unsigned int i = 0; i < nr; i++)
		kfree(nb[i]);
	kfree(nb);
	return -ENOMEM;
}

long pipe_fcntl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct pipe *p = f->private_data;
	uint64_t size;
	long ret;

	if (!pipe_file_is_pipe(f))
		return -EBADF;
	if (cmd == F_GETPIPE_SZ)
		return pipe_capacity(p);
	if (cmd != F_SETPIPE_SZ)
		return -EINVAL;
	/* Linux's round_pipe_size: at least a page, a power of two, at most 2^31. */
	if (arg > (1UL << 31))
		return -EINVAL;
	size = PAGE_SIZE;
	while (size < arg)
		size <<= 1;
	if (size > PIPE_MAX_SIZE && current_proc->euid != 0)
		return -EPERM;
	if (size > 64 * PIPE_MAX_SIZE)
		return -ENOMEM;	/* keep the page array a sane kmalloc */
	mutex_lock(&p->lock);
	ret = pipe_resize_locked(p, (unsigned int)(size / PAGE_SIZE));
	mutex_unlock(&p->lock);
	if (ret)
		return ret;
	wake_up(&p->wr_wait);
	return (long)size;
}

/* ---- pipe(2), pipe2(2) ---- */

/* Two files on a new anonymous pipe inode: *@rf reads, *@wf writes. 0 or -errno. */
static int pipe_create_files(struct file **rf, struct file **wf, unsigned int flags)
{
	struct inode *inode = anon_inode_create(S_IFIFO | 0600);
	struct pipe *p;
	struct file *r, *w;
	int err = -ENOMEM;

	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	p = pipe_alloc();
	if (!p)
		goto out_put_inode;
	p->r_counter = p->w_counter = 1;
	inode->pipe = p;	/* not yet visible to anyone */
	r = file_alloc(inode, &pipe_fops, O_RDONLY | (flags & O_NONBLOCK));
	if (IS_ERR(r)) {
		err = (int)PTR_ERR(r);
		inode->pipe = NULL;
		pipe_free(p);
		goto out_put_inode;
	}
	r->private_data = p;
	p->readers = 1;
	w = file_alloc(inode, &pipe_fops, O_WRONLY | (flags & O_NONBLOCK));
	if (IS_ERR(w)) {
		err = (int)PTR_ERR(w);
		file_put(r);	/* the last end: frees the pipe */
		goto out_put_inode;
	}
	w->private_data = p;
	p->writers = 1;
	*rf = r;
	*wf = w;
	err = 0;
out_put_inode:
	inode_put(inode);
	return err;
}

SYSCALL_DEFINE(pipe2, __NR_pipe2, int *ufds, int flags)
{
	struct file *r = NULL, *w = NULL;
	int fds[2], err;
	bool cloexec = flags & O_CLOEXEC;

	/* O_DIRECT (packet mode) and O_NOTIFICATION_PIPE are not supported. */
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	err = pipe_create_files(&r, &w, (unsigned int)flags);
	if (err)
		return err;
	fds[0] = fd_install(r, cloexec);
	if (fds[0] < 0) {
		file_put(r);
		file_put(w);
		return fds[0];
	}
	fds[1] = fd_install(w, cloexec);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		file_put(w);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(pipe, __NR_pipe, int *ufds)
{
	return sys_pipe2(ufds, 0);
}
