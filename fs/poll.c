/*
 * poll, ppoll, select and pselect6, with Linux's semantics (fs/select.c):
 * POLLNVAL for a bad descriptor in poll, EBADF for one in select; timeouts
 * in milliseconds (poll), timeval (select) or timespec (ppoll, pselect6),
 * the time left written back by select, pselect6 and ppoll; a temporary
 * signal mask for ppoll and pselect6; -ERESTARTNOHAND when a signal
 * interrupts (EINTR after a handler, a restart otherwise).
 *
 * Waiting: the task marks itself sleeping, asks every file for its mask
 * (registering on the files' wait queues on the first pass), and sleeps
 * until a queue wakes it, the deadline passes or a signal arrives; then it
 * asks again. A wake-up during a pass sets the task running, so the
 * following schedule() returns at once and nothing is missed.
 */
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/poll.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/time.h>
#include <ferrite/uaccess.h>
#include <arch/memlayout.h>
#include <linux/resource.h>
#include <linux/time_types.h>

#define POLL_BLOCK_ENTRIES \
	((PAGE_SIZE - sizeof(struct poll_block)) / sizeof(struct poll_entry))
#define POLL_KMALLOC_MAX	(32 * 1024)	/* larger fd arrays go to vmalloc */

/* ---- poll tables ---- */

void poll_table_init(struct poll_table *pt, bool registering)
{
	pt->registering = registering;
	pt->error = 0;
	pt->inline_used = 0;
	pt->blocks = NULL;
}

/* A free entry of @pt, or NULL (pt->error set) when out of memory. */
static struct poll_entry *poll_entry_alloc(struct poll_table *pt)
{
	struct poll_block *b = pt->blocks;

	if (pt->inline_used < POLL_INLINE_ENTRIES)
		return &pt->inline_entries[pt->inline_used++];
	if (!b || b->used == POLL_BLOCK_ENTRIES) {
		b = kmalloc(PAGE_SIZE);
		if (!b) {
			pt->error = -ENOMEM;
			return NULL;
		}
		b->used = 0;
		b->next = pt->blocks;
		pt->blocks = b;
	}
	return &b->entries[b->used++];
}

/*
 * Put the current task on @q without changing its state (wait_prepare
 * would set it and could undo a wake-up that came earlier in the pass).
 */
void poll_wait(struct file *f, struct wait_queue *q, struct poll_table *pt)
{
	struct poll_entry *e;
	unsigned long flags;

	if (!pt || !pt->registering || !q)
		return;
	e = poll_entry_alloc(pt);
	if (!e)
		return;
	e->q = q;
	e->file = file_get(f);
	e->wait.task = current;
	flags = spin_lock_irqsave(&q->lock);
	list_add_tail(&e->wait.node, &q->waiters);
	spin_unlock_irqrestore(&q->lock, flags);
}

static void poll_entry_free(struct poll_entry *e)
{
	unsigned long flags = spin_lock_irqsave(&e->q->lock);

	list_del(&e->wait.node);
	spin_unlock_irqrestore(&e->q->lock, flags);
	file_put(e->file);
}

void poll_table_free(struct poll_table *pt)
{
	struct poll_block *b, *next;

	for (unsigned int i = 0; i < pt->inline_used; i++)
		poll_entry_free(&pt->inline_entries[i]);
	for (b = pt->blocks; b; b = next) {
		next = b->next;
		for (unsigned int i = 0; i < b->used; i++)
			poll_entry_free(&b->entries[i]);
		kfree(b);
	}
	pt->inline_used = 0;
	pt->blocks = NULL;
}

unsigned int poll_file(struct file *f, struct poll_table *pt)
{
	if (!f->ops || !f->ops->poll)
		return POLL_DEFAULT_MASK;
	return f->ops->poll(f, pt);
}

long poll_table_wait(struct poll_table *pt, long (*pass)(void *arg, struct poll_table *pt),
		     void *arg, uint64_t deadline)
{
	bool timed_out = deadline == POLL_NO_WAIT;
	long n;

	pt->registering = !timed_out;
	for (;;) {
		WRITE_ONCE(current->state, TASK_INTERRUPTIBLE);
		n = pass(arg, pt);
		pt->registering = false;
		if (!n) {
			n = pt->error;
			if (!n && signal_pending_current())
				n = -ERESTARTNOHAND;
		}
		if (n || timed_out)
			break;
		if (deadline == POLL_FOREVER)
			schedule();
		else
			timed_out = schedule_deadline(deadline);
	}
	WRITE_ONCE(current->state, TASK_RUNNING);
	return n;
}

/* ---- timeouts and signal masks ---- */

/* A deadline @sec s + @nsec ns from now; -EINVAL if negative or nsec out of range. */
static int poll_deadline(int64_t sec, int64_t nsec, uint64_t *deadline)
{
	uint64_t now = time_boot_ns(), rel;

	if (sec < 0 || nsec < 0 || nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if (sec == 0 && nsec == 0) {
		*deadline = POLL_NO_WAIT;
		return 0;
	}
	if ((uint64_t)sec >= (POLL_FOREVER - now) / NSEC_PER_SEC - 1) {
		*deadline = POLL_FOREVER;	/* centuries: the same as no timeout */
		return 0;
	}
	rel = (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
	*deadline = now + rel;
	return 0;
}

/* Time left until @deadline, in ns (0 once passed). */
static uint64_t poll_remaining(uint64_t deadline)
{
	uint64_t now = time_boot_ns();

	return deadline > now ? deadline - now : 0;
}

/* Read a timespec timeout from user space into a deadline (NULL: forever). */
static int poll_get_timespec(const struct __kernel_timespec *uts, uint64_t *deadline)
{
	struct __kernel_timespec ts;

	if (!uts) {
		*deadline = POLL_FOREVER;
		return 0;
	}
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	return poll_deadline(ts.tv_sec, ts.tv_nsec, deadline);
}

/*
 * Write the time left back into a timespec or timeval (Linux does for
 * select, pselect6 and ppoll), except for a zero or infinite timeout. If
 * that faults, an interrupted call is not restarted (its timeout could not
 * be updated): -ERESTARTNOHAND becomes -EINTR, as Linux's "sticky" case.
 */
static long poll_put_remaining(void *utime, bool timeval, uint64_t deadline, long ret)
{
	uint64_t left;
	int err;

	if (!utime || deadline == POLL_NO_WAIT || deadline == POLL_FOREVER)
		return ret;
	left = poll_remaining(deadline);
	if (timeval) {
		struct __kernel_old_timeval tv = {
			.tv_sec = (long)(left / NSEC_PER_SEC),
			.tv_usec = (long)(left % NSEC_PER_SEC / NSEC_PER_USEC),
		};

		err = copy_to_user(utime, &tv, sizeof(tv));
	} else {
		struct __kernel_timespec ts = {
			.tv_sec = (long long)(left / NSEC_PER_SEC),
			.tv_nsec = (long long)(left % NSEC_PER_SEC),
		};

		err = copy_to_user(utime, &ts, sizeof(ts));
	}
	if (err && ret == -ERESTARTNOHAND)
		ret = -EINTR;
	return ret;
}

/*
 * Install the temporary signal mask of ppoll/pselect6 from @umask (NULL:
 * none). The old mask is kept in saved_mask with restore_mask set, so the
 * signal code puts it back on the way out. 0, -EINVAL or -EFAULT.
 */
static int poll_set_sigmask(const uint64_t *umask, size_t sigsetsize)
{
	struct task *t = current;
	unsigned long flags;
	uint64_t mask;

	if (!umask)
		return 0;
	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP));
	flags = spin_lock_irqsave(&t->proc->sig_lock);
	t->saved_mask = t->blocked;
	t->blocked = mask;
	spin_unlock_irqrestore(&t->proc->sig_lock, flags);
	t->restore_mask = true;
	return 0;
}

/*
 * End of ppoll/pselect6: unless a signal interrupted the call (its handler
 * must run under the temporary mask, the old one coming back with
 * sigreturn), put the old mask back now, so signals it blocks stay pending.
 */
static void poll_restore_sigmask(long ret)
{
	struct task *t = current;
	unsigned long flags;

	if (!t->restore_mask || ret == -ERESTARTNOHAND)
		return;
	flags = spin_lock_irqsave(&t->proc->sig_lock);
	t->blocked = t->saved_mask;
	t->restore_mask = false;
	spin_unlock_irqrestore(&t->proc->sig_lock, flags);
}

static void *poll_buf_alloc(size_t size)
{
	return size <= POLL_KMALLOC_MAX ? kmalloc(size) : vmalloc(size);
}

static void poll_buf_free(void *p, size_t size)
{
	if (size <= POLL_KMALLOC_MAX)
		kfree(p);
	else
		vfree(p);
}

/* RLIMIT_NOFILE of the caller. */
static uint64_t poll_nofile_limit(void)
{
	return current_proc->rlim[RLIMIT_NOFILE].rlim_cur;
}

/* ---- poll, ppoll ---- */

struct poll_args {
	struct pollfd *fds;
	unsigned int nfds;
};

/* One pass over the pollfd array: revents filled, the count of ready entries returned. */
static long poll_pass(void *arg, struct poll_table *pt)
{
	struct poll_args *a = arg;
	long count = 0;

	for (unsigned int i = 0; i < a->nfds; i++) {
		struct pollfd *pfd = &a->fds[i];
		unsigned int mask = 0;
		struct file *f;

		if (pfd->fd >= 0) {
			f = fd_get(pfd->fd);
			if (f) {
				mask = poll_file(f, pt);
				mask &= (unsigned short)pfd->events | POLLERR | POLLHUP;
				file_put(f);
			} else {
				mask = POLLNVAL;
			}
		}
		pfd->revents = (short)mask;
		if (mask) {
			count++;
			pt->registering = false;	/* we will not sleep: stop adding entries */
		}
	}
	return count;
}

/*
 * The body of poll and ppoll: copy the array in, wait, copy every revents
 * out (also when interrupted). Ready count or -errno.
 */
static long poll_do(struct pollfd *ufds, unsigned int nfds, uint64_t deadline)
{
	struct poll_table pt;
	struct poll_args a = { .nfds = nfds };
	size_t size = (size_t)nfds * sizeof(struct pollfd);
	long ret;

	if (nfds > poll_nofile_limit())
		return -EINVAL;
	if (nfds) {
		a.fds = poll_buf_alloc(size);
		if (!a.fds)
			return -ENOMEM;
		if (copy_from_user(a.fds, ufds, size)) {
			ret = -EFAULT;
			goto out_free;
		}
	}
	poll_table_init(&pt, true);
	ret = poll_table_wait(&pt, poll_pass, &a, deadline);
	poll_table_free(&pt);
	for (unsigned int i = 0; i < nfds; i++) {
		if (copy_to_user(&ufds[i].revents, &a.fds[i].revents, sizeof(short))) {
			ret = -EFAULT;
			break;
		}
	}
out_free:
	if (nfds)
		poll_buf_free(a.fds, size);
	return ret;
}

SYSCALL_DEFINE(poll, __NR_poll, struct pollfd *ufds, unsigned int nfds, int timeout_ms)
{
	uint64_t deadline = POLL_FOREVER;

	if (timeout_ms >= 0)
		poll_deadline(timeout_ms / 1000, (int64_t)(timeout_ms % 1000) * NSEC_PER_MSEC,
			      &deadline);
	/* Linux restarts with the time left (restart_block); we restart with all of it. */
	return poll_do(ufds, nfds, deadline);
}

SYSCALL_DEFINE(ppoll, __NR_ppoll, struct pollfd *ufds, unsigned int nfds,
	       struct __kernel_timespec *utsp, const uint64_t *usigmask, size_t sigsetsize)
{
	uint64_t deadline;
	long ret;

	ret = poll_get_timespec(utsp, &deadline);
	if (ret)
		return ret;
	ret = poll_set_sigmask(usigmask, sigsetsize);
	if (ret)
		return ret;
	ret = poll_do(ufds, nfds, deadline);
	poll_restore_sigmask(ret);
	return poll_put_remaining(utsp, false, deadline, ret);
}

/* ---- select, pselect6 ---- */

#define FDS_WORDS(n)	(((size_t)(n) + 63) / 64)

struct select_args {
	unsigned int n;			/* descriptors 0 .. n-1 */
	size_t words;
	const uint64_t *in, *out, *ex;	/* what the caller asks */
	uint64_t *rin, *rout, *rex;	/* what is ready */
	bool checked;			/* every asked descriptor was open on the first pass */
};

/* Poll descriptor @fd for the bits asked in word @w, bit @b. Ready count or -EBADF. */
static long select_one(struct select_args *a, struct poll_table *pt, size_t w, uint64_t bit)
{
	int fd = (int)(w * 64 + (size_t)__builtin_ctzll(bit));
	struct file *f = fd_get(fd);
	unsigned int mask;
	long count = 0;

	if (!f)
		return a->checked ? 0 : -EBADF;
	mask = poll_file(f, pt);
	file_put(f);
	if ((a->in[w] & bit) && (mask & POLLIN_SET)) {
		a->rin[w] |= bit;
		count++;
	}
	if ((a->out[w] & bit) && (mask & POLLOUT_SET)) {
		a->rout[w] |= bit;
		count++;
	}
	if ((a->ex[w] & bit) && (mask & POLLEX_SET)) {
		a->rex[w] |= bit;
		count++;
	}
	return count;
}

static long select_pass(void *arg, struct poll_table *pt)
{
	struct select_args *a = arg;
	long count = 0, n;

	memset(a->rin, 0, 3 * a->words * sizeof(uint64_t));
	for (size_t w = 0; w < a->words; w++) {
		uint64_t all = a->in[w] | a->out[w] | a->ex[w];

		if (w == a->words - 1 && a->n % 64)
			all &= (1ULL << (a->n % 64)) - 1;
		for (; all; all &= all - 1) {
			n = select_one(a, pt, w, all & -all);
			if (n < 0)
				return n;
			count += n;
			if (n)
				pt->registering = false;
		}
	}
	a->checked = true;
	return count;
}

/* Copy one fd_set in (NULL: empty). */
static int select_get_set(uint64_t *set, const void *uset, size_t words)
{
	if (!uset) {
		memset(set, 0, words * sizeof(uint64_t));
		return 0;
	}
	return copy_from_user(set, uset, words * sizeof(uint64_t));
}

/* The body of select and pselect6. Ready count or -errno. */
static long select_do(int n, void *uin, void *uout, void *uex, uint64_t deadline)
{
	struct select_args a = { 0 };
	struct poll_table pt;
	uint64_t *buf;
	size_t bytes;
	long ret;

	if (n < 0)
		return -EINVAL;
	/* Linux cuts n down to the descriptor table's size; the rlimit bounds that. */
	a.n = (unsigned int)MIN((uint64_t)n, poll_nofile_limit());
	a.words = FDS_WORDS(a.n);
	bytes = a.words * sizeof(uint64_t);
	buf = poll_buf_alloc(6 * bytes + 1);
	if (!buf)
		return -ENOMEM;
	a.in = buf;
	a.out = buf + a.words;
	a.ex = buf + 2 * a.words;
	a.rin = buf + 3 * a.words;
	a.rout = buf + 4 * a.words;
	a.rex = buf + 5 * a.words;
	ret = -EFAULT;
	if (select_get_set(buf, uin, a.words) || select_get_set(buf + a.words, uout, a.words) ||
	    select_get_set(buf + 2 * a.words, uex, a.words))
		goto out_free;
	poll_table_init(&pt, true);
	ret = poll_table_wait(&pt, select_pass, &a, deadline);
	poll_table_free(&pt);
	if (ret < 0)
		goto out_free;
	if ((uin && copy_to_user(uin, a.rin, bytes)) || (uout && copy_to_user(uout, a.rout, bytes)) ||
	    (uex && copy_to_user(uex, a.rex, bytes)))
		ret = -EFAULT;
out_free:
	poll_buf_free(buf, 6 * bytes + 1);
	return ret;
}

SYSCALL_DEFINE(select, __NR_select, int n, void *uin, void *uout, void *uex,
	       struct __kernel_old_timeval *utv)
{
	uint64_t deadline = POLL_FOREVER;
	struct __kernel_old_timeval tv;
	long ret;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		/* Linux folds whole seconds out of tv_usec; negative values are invalid. */
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		ret = poll_deadline(tv.tv_sec + tv.tv_usec / 1000000,
				    (tv.tv_usec % 1000000) * (int64_t)NSEC_PER_USEC, &deadline);
		if (ret)
			return ret;
	}
	ret = select_do(n, uin, uout, uex, deadline);
	return poll_put_remaining(utv, true, deadline, ret);
}

/* pselect6's sixth argument: { const sigset_t *ss; size_t ss_len; }. */
struct pselect_sigmask {
	const uint64_t *ss;
	size_t ss_len;
};

SYSCALL_DEFINE(pselect6, __NR_pselect6, int n, void *uin, void *uout, void *uex,
	       struct __kernel_timespec *utsp, const struct pselect_sigmask *usig)
{
	struct pselect_sigmask sig = { NULL, 0 };
	uint64_t deadline;
	long ret;

	ret = poll_get_timespec(utsp, &deadline);
	if (ret)
		return ret;
	if (usig && copy_from_user(&sig, usig, sizeof(sig)))
		return -EFAULT;
	ret = poll_set_sigmask(sig.ss, sig.ss_len);
	if (ret)
		return ret;
	ret = select_do(n, uin, uout, uex, deadline);
	poll_restore_sigmask(ret);
	return poll_put_remaining(utsp, false, deadline, ret);
}
