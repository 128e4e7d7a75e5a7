/*
 * Advisory file locks: POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK,
 * owned by a process and dropped when it closes any descriptor of the
 * file), open-file-description locks (F_OFD_*, owned by the open file and
 * dropped with its last reference), and BSD flock(2) locks (whole file,
 * per open file, a separate set that never conflicts with record locks),
 * as fcntl(2) and flock(2) describe them.
 *
 * Every lock of an inode is on inode->locks under file_lock_lock (a
 * spinlock: nothing sleeps or copies under it). Blocked F_SETLKW/flock
 * callers sleep on one wait queue until some lock is released; a POSIX
 * waiter that would close a cycle of waiters gets EDEADLK.
 */
#define pr_fmt(fmt) "locks: " fmt

#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/sched.h>
#include <ferrite/slab.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <ferrite/wait.h>

#define LOCK_SH	1
#define LOCK_EX	2
#define LOCK_NB	4
#define LOCK_UN	8

enum lock_kind { LK_POSIX, LK_OFD, LK_FLOCK };

struct file_lock {
	struct list_head node;		/* [file_lock_lock] in inode->locks */
	const void *owner;		/* [I] descriptor table (POSIX, as Linux) or struct file */
	int pid;			/* [I] for F_GETLK: the owner's pid, -1 for OFD */
	int kind;			/* [I] enum lock_kind */
	short type;			/* F_RDLCK or F_WRLCK */
	uint64_t start, end;		/* inclusive; end UINT64_MAX: to the end of file */
};

/* A POSIX owner asleep waiting for @blocker's lock (for deadlock detection). */
struct lock_waiter {
	struct list_head node;
	const void *owner, *blocker;
};

static DEFINE_SPINLOCK(file_lock_lock);
static struct wait_queue file_lock_wq = WAIT_QUEUE_INIT(file_lock_wq);
static LIST_HEAD(lock_waiters);		/* [file_lock_lock] */
static unsigned int lock_seq;		/* [a] bumped on every release */

static struct process *cur_proc(void)
{
	struct task *t = current_task();

	return t ? t->proc : NULL;
}

/* POSIX locks belong to the descriptor table (Linux's fl_owner = current->files). */
static const void *posix_owner(void)
{
	struct process *p = cur_proc();

	return p ? (const void *)p->files : NULL;
}

static bool overlap(const struct file_lock *l, uint64_t s, uint64_t e)
{
	return l->start <= e && s <= l->end;
}

/* Record locks (POSIX and OFD) conflict with each other; flock locks among themselves. */
static bool same_family(int a, int b)
{
	return (a == LK_FLOCK) == (b == LK_FLOCK);
}

/* The first lock of another owner that @req would conflict with. [file_lock_lock] */
static struct file_lock *find_conflict(struct inode *inode, const struct file_lock *req)
{
	struct file_lock *l;

	list_for_each_entry(l, &inode->locks, node) {
		if (l->owner == req->owner || !same_family(l->kind, req->kind))
			continue;
		if (overlap(l, req->start, req->end) &&
		    (l->type == F_WRLCK || req->type == F_WRLCK))
			return l;
	}
	return NULL;
}

/* True if @me waiting for @blocker closes a cycle of waiters. [file_lock_lock] */
static bool would_deadlock(const void *me, const void *blocker)
{
	for (int depth = 0; depth < 64 && blocker; depth++) {
		struct lock_waiter *w;
		const void *next = NULL;

		if (blocker == me)
			return true;
		list_for_each_entry(w, &lock_waiters, node) {
			if (w->owner == blocker) {
				next = w->blocker;
				break;
			}
		}
		blocker = next;
	}
	return false;
}

/*
 * Make @req's owner hold [start, end] as @req->type (F_UNLCK: nothing),
 * replacing, trimming or splitting its own locks there and merging with
 * touching locks of the same type. @spare is a free lock for a split;
 * @req itself is inserted unless it is an unlock. Returns how many of the
 * two were used (bit 0: req, bit 1: spare). [file_lock_lock]
 */
static unsigned int apply_lock(struct inode *inode, struct file_lock *req, struct file_lock *spare)
{
	struct file_lock *l, *n;
	uint64_t s = req->start, e = req->end;
	unsigned int used = 0;

	list_for_each_entry_safe(l, n, &inode->locks, node) {
		bool touch = (l->end != UINT64_MAX && l->end + 1 == s) ||
			     (e != UINT64_MAX && e + 1 == l->start);

		if (l->owner != req->owner || l->kind != req->kind)
			continue;
		if (l->type == req->type && (overlap(l, s, e) || touch)) {
			s = MIN(s, l->start);
			e = MAX(e, l->end);
			list_del(&l->node);
			kfree(l);
		} else if (overlap(l, s, e)) {
			if (l->start < s && l->end > e) {
				*spare = *l;
				spare->start = e + 1;
				list_add(&spare->node, &l->node);
				used |= 2;
				l->end = s - 1;
			} else if (l->start < s) {
				l->end = s - 1;
			} else if (l->end > e) {
				l->start = e + 1;
			} else {
				list_del(&l->node);
				kfree(l);
			}
		}
	}
	if (req->type != F_UNLCK) {
		req->start = s;
		req->end = e;
		list_add_tail(&req->node, &inode->locks);
		used |= 1;
	}
	return used;
}

static void released(void)
{
	__atomic_add_fetch(&lock_seq, 1, __ATOMIC_RELEASE);
	wake_up(&file_lock_wq);
}

/* Take @req (allocated; ownership passes here) on @inode, waiting if @wait. 0 or -errno. */
static int lock_set(struct inode *inode, struct file_lock *req, bool wait)
{
	struct file_lock *spare = kmalloc(sizeof(*spare));
	struct lock_waiter w = { .owner = req->owner };
	unsigned int used;
	int err = 0;

	if (!spare) {
		kfree(req);
		return -ENOMEM;
	}
	for (;;) {
		unsigned int seq = __atomic_load_n(&lock_seq, __ATOMIC_ACQUIRE);
		struct file_lock *c;

		spin_lock(&file_lock_lock);
		c = req->type == F_UNLCK ? NULL : find_conflict(inode, req);
		if (!c) {
			used = apply_lock(inode, req, spare);
			spin_unlock(&file_lock_lock);
			break;
		}
		if (!wait) {
			err = -EAGAIN;
		} else if (req->kind == LK_POSIX && would_deadlock(req->owner, c->owner)) {
			err = -EDEADLK;
		} else {
			w.blocker = c->owner;
			list_add(&w.node, &lock_waiters);
		}
		spin_unlock(&file_lock_lock);
		if (err)
			break;
		err = wait_event_interruptible(file_lock_wq,
					       __atomic_load_n(&lock_seq, __ATOMIC_ACQUIRE) != seq);
		spin_lock(&file_lock_lock);
		list_del(&w.node);
		spin_unlock(&file_lock_lock);
		if (err)
			break;
	}
	if (err) {
		kfree(req);
		kfree(spare);
		return err;
	}
	if (!(used & 1))
		kfree(req);
	if (!(used & 2))
		kfree(spare);
	released();	/* an unlock, downgrade or trim may let waiters in */
	return 0;
}

/* Remove every lock of @kind owned by @owner on @inode. */
static void remove_owned(struct inode *inode, const void *owner, int kind)
{
	struct file_lock *l, *n;
	LIST_HEAD(dead);

	if (list_empty(&inode->locks))
		return;
	spin_lock(&file_lock_lock);
	list_for_each_entry_safe(l, n, &inode->locks, node) {
		if (l->owner == owner && l->kind == kind) {
			list_del(&l->node);
			list_add(&l->node, &dead);
		}
	}
	spin_unlock(&file_lock_lock);
	if (list_empty(&dead))
		return;
	list_for_each_entry_safe(l, n, &dead, node)
		kfree(l);
	released();
}

void locks_remove_posix(struct file *f, const struct files *owner)
{
	if (f && f->inode && owner)
		remove_owned(f->inode, owner, LK_POSIX);
}

void locks_remove_file(struct file *f)
{
	if (!f->inode)
		return;
	remove_owned(f->inode, f, LK_OFD);
	remove_owned(f->inode, f, LK_FLOCK);
}

/* The byte range a struct flock names, inclusive. 0, -EINVAL or -EOVERFLOW. */
static int flock_range(struct file *f, const struct flock *fl, uint64_t *start, uint64_t *end)
{
	int64_t base, s, len = fl->l_len;

	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)READ_ONCE(f->pos);
		break;
	case SEEK_END:
		base = (int64_t)READ_ONCE(f->inode->size);
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, fl->l_start, &s))
		return -EOVERFLOW;
	if (len > 0) {
		int64_t e;

		if (__builtin_add_overflow(s, len - 1, &e))
			return -EOVERFLOW;
		*end = (uint64_t)e;
	} else if (len < 0) {
		/* [start + len, start - 1] */
		*end = (uint64_t)(s - 1);
		if (__builtin_add_overflow(s, len, &s))
			return -EINVAL;
	} else {
		*end = UINT64_MAX;
	}
	if (s < 0)
		return -EINVAL;
	*start = (uint64_t)s;
	return 0;
}

static int fcntl_getlk(struct file *f, struct flock *fl, bool ofd)
{
	struct file_lock req = { .owner = ofd ? (const void *)f : posix_owner(),
				 .kind = ofd ? LK_OFD : LK_POSIX, .type = fl->l_type };
	struct file_lock *c;
	int err;

	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	err = flock_range(f, fl, &req.start, &req.end);
	if (err)
		return err;
	spin_lock(&file_lock_lock);
	c = find_conflict(f->inode, &req);
	if (c) {
		fl->l_type = c->type;
		fl->l_whence = SEEK_SET;
		fl->l_start = (int64_t)c->start;
		fl->l_len = c->end == UINT64_MAX ? 0 : (int64_t)(c->end - c->start + 1);
		fl->l_pid = c->pid;
	} else {
		fl->l_type = F_UNLCK;
	}
	spin_unlock(&file_lock_lock);
	return 0;
}

static int fcntl_setlk(struct file *f, struct flock *fl, bool ofd, bool wait)
{
	struct process *p = cur_proc();
	struct file_lock *req;
	int err;

	if (fl->l_type == F_RDLCK && !(f->mode & FMODE_READ))
		return -EBADF;
	if (fl->l_type == F_WRLCK && !(f->mode & FMODE_WRITE))
		return -EBADF;
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	if ((ofd && fl->l_pid != 0) || (!ofd && !posix_owner()))
		return -EINVAL;
	req = kzalloc(sizeof(*req));
	if (!req)
		return -ENOMEM;
	err = flock_range(f, fl, &req->start, &req->end);
	if (err) {
		kfree(req);
		return err;
	}
	req->owner = ofd ? (const void *)f : posix_owner();
	req->pid = ofd ? -1 : p->pid;
	req->kind = ofd ? LK_OFD : LK_POSIX;
	req->type = fl->l_type;
	list_init(&req->node);
	return lock_set(f->inode, req, wait);
}

long locks_fcntl(struct file *f, unsigned int cmd, struct flock *ufl)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	struct flock fl;
	int err;

	if (!f->inode)
		return -EBADF;
	if (copy_from_user(&fl, ufl, sizeof(fl)))
		return -EFAULT;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		err = fcntl_getlk(f, &fl, ofd);
		if (!err && copy_to_user(ufl, &fl, sizeof(fl)))
			err = -EFAULT;
		return err;
	}
	return fcntl_setlk(f, &fl, ofd, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

SYSCALL_DEFINE(flock, __NR_flock, int fd, unsigned int op)
{
	struct file *f = fd_get(fd);
	struct file_lock *req;
	unsigned int kind = op & ~LOCK_NB;
	int err;

	if (!f)
		return -EBADF;
	if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN) {
		file_put(f);
		return -EINVAL;
	}
	req = kzalloc(sizeof(*req));
	if (!req) {
		file_put(f);
		return -ENOMEM;
	}
	req->owner = f;
	req->pid = -1;
	req->kind = LK_FLOCK;
	req->type = kind == LOCK_SH ? F_RDLCK : kind == LOCK_EX ? F_WRLCK : F_UNLCK;
	req->end = UINT64_MAX;
	list_init(&req->node);
	err = lock_set(f->inode, req, !(op & LOCK_NB));
	file_put(f);
	return err == -EAGAIN ? -EWOULDBLOCK : err;
}
