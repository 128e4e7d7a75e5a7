/*
 * Host shim for the VFS unit tests: one fake task and process as
 * `current`, single-threaded mutexes and spinlocks that abort on misuse
 * (recursion, a mutex or a user copy under a spinlock, a sleep), pages
 * from the host heap with a live count for leak checks, user copies that
 * treat addresses below SHIM_BAD_LIMIT as unmapped (-EFAULT), and the few
 * credential, time, signal and printk functions the VFS calls.
 */
#define _POSIX_C_SOURCE 200809L	/* keep glibc's struct timeval and sigset_t out */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/mutex.h>
#include <ferrite/page_alloc.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/spinlock.h>
#include <ferrite/time.h>
#include <ferrite/uaccess.h>
#include <ferrite/wait.h>
#include "shim_vfs.h"

struct task shim_task;
struct process shim_proc;
long shim_pages_live;
int shim_spin_depth;
int shim_last_signal;

static __attribute__((noreturn)) void shim_die(const char *what)
{
	printf("# shim: %s\n", what);
	fflush(stdout);
	abort();
}

struct task *current_task(void)
{
	return &shim_task;
}

/* ---- memory ---- */

void *kmalloc(size_t size)
{
	return malloc(size ? size : 1);
}

void *kzalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void *kcalloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

void kfree(const void *p)
{
	free((void *)p);
}

void slab_shrink_all(void)
{
}

struct page *page_alloc_zeroed(unsigned int order)
{
	struct page *pg = calloc(1, sizeof(*pg));

	if (order)
		shim_die("page_alloc of order > 0");
	pg->private = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	memset(pg->private, 0, PAGE_SIZE);
	pg->refcount = 1;
	shim_pages_live++;
	return pg;
}

void page_put(struct page *pg)
{
	if (pg->refcount <= 0)
		shim_die("page_put of a free page");
	if (--pg->refcount == 0) {
		free(pg->private);
		free(pg);
		shim_pages_live--;
	}
}

void *page_to_virt(const struct page *pg)
{
	return pg->private;
}

uint64_t page_alloc_total_pages(void)
{
	return 8192;	/* 32 MiB: tmpfs gets 4096 pages by default */
}

uint64_t page_alloc_free_pages(void)
{
	return 8192 - (uint64_t)shim_pages_live;
}

/* ---- locks ---- */

void spin_lock_init(struct spinlock *l, const char *name)
{
	l->next = l->owner = 0;
	l->holder_cpu = -1;
	l->name = name;
}

void spin_lock(struct spinlock *l)
{
	if (l->holder_cpu == 0)
		shim_die("spinlock taken twice");
	l->holder_cpu = 0;
	l->next++;
	shim_spin_depth++;
}

void spin_unlock(struct spinlock *l)
{
	if (l->holder_cpu != 0)
		shim_die("spinlock released but not held");
	l->holder_cpu = -1;
	l->owner++;
	shim_spin_depth--;
}

unsigned long spin_lock_irqsave(struct spinlock *l)
{
	spin_lock(l);
	return 0;
}

void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	(void)flags;
	spin_unlock(l);
}

void mutex_init(struct mutex *m, const char *name)
{
	m->owner = NULL;
	m->name = name;
	wait_queue_init(&m->wq);
}

void mutex_lock(struct mutex *m)
{
	if (shim_spin_depth)
		shim_die("mutex_lock under a spinlock");
	if (m->owner)
		shim_die("mutex taken twice (a single-threaded deadlock)");
	m->owner = &shim_task;
}

int mutex_lock_interruptible(struct mutex *m)
{
	mutex_lock(m);
	return 0;
}

bool mutex_trylock(struct mutex *m)
{
	if (m->owner)
		return false;
	m->owner = &shim_task;
	return true;
}

void mutex_unlock(struct mutex *m)
{
	if (m->owner != &shim_task)
		shim_die("mutex released but not held");
	m->owner = NULL;
}

bool mutex_is_held(const struct mutex *m)
{
	return m->owner == &shim_task;
}

void wait_queue_init(struct wait_queue *q)
{
	spin_lock_init(&q->lock, "wq");
	list_init(&q->waiters);
}

void wait_prepare(struct wait_queue *q, struct wait_entry *e, bool intr)
{
	(void)q;
	(void)e;
	(void)intr;
}

void wait_finish(struct wait_queue *q, struct wait_entry *e)
{
	(void)q;
	(void)e;
}

void wake_up(struct wait_queue *q)
{
	(void)q;
}

void schedule(void)
{
	shim_die("a test would sleep forever");
}

bool signal_pending_current(void)
{
	return false;
}

/* ---- user memory ---- */

static int check_user(const void *p, size_t len)
{
	if (shim_spin_depth)
		shim_die("user copy under a spinlock");
	if (len && (uintptr_t)p < SHIM_BAD_LIMIT)
		return -EFAULT;
	return 0;
}

int copy_from_user(void *dst, const void *usrc, size_t len)
{
	if (check_user(usrc, len))
		return -EFAULT;
	memcpy(dst, usrc, len);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t len)
{
	if (check_user(udst, len))
		return -EFAULT;
	memcpy(udst, src, len);
	return 0;
}

int clear_user(void *udst, size_t len)
{
	if (check_user(udst, len))
		return -EFAULT;
	memset(udst, 0, len);
	return 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	size_t n;

	if (check_user(usrc, 1))
		return -EFAULT;
	n = strnlen(usrc, max);
	if (n == max)
		return -ENAMETOOLONG;
	memcpy(dst, usrc, n + 1);
	return (long)n;
}

/* ---- the rest ---- */

void time_realtime(int64_t *sec, long *nsec)
{
	static int64_t t = 1700000000;

	*sec = t++;
	*nsec = 0;
}

struct group_info *cred_groups_get(struct process *p)
{
	(void)p;
	return NULL;
}

bool groups_search(const struct group_info *gi, int gid)
{
	(void)gi;
	(void)gid;
	return false;
}

void groups_put(struct group_info *gi)
{
	(void)gi;
}

bool cred_in_group(int gid)
{
	return shim_proc.fsgid == gid;
}

bool cred_is_root(void)
{
	return shim_proc.euid == 0;
}

int signal_send_task(struct task *t, int sig)
{
	(void)t;
	shim_last_signal = sig;
	return 0;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fmt[0] == '\001')
		fmt += 2;
	if (!strncmp(fmt, "WARNING at", 10))
		shim_die("a WARN_ON fired");
	printf("# ");
	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

__noreturn void panic(const char *fmt, ...)
{
	(void)fmt;
	shim_die("panic");
}
