/*
 * Sleeping mutexes, for code that may block or touch user memory while it
 * holds the lock (file systems, address spaces). Not for interrupt context.
 * Not recursive. Lock order is in docs/locking.md.
 */
#ifndef FERRITE_MUTEX_H
#define FERRITE_MUTEX_H

#include <ferrite/wait.h>

struct mutex {
	struct task *owner;		/* [W] of wq, NULL when free */
	struct wait_queue wq;
	const char *name;		/* [I] */
};

#define MUTEX_INIT(m) { NULL, WAIT_QUEUE_INIT((m).wq), #m }
#define DEFINE_MUTEX(m) struct mutex m = MUTEX_INIT(m)

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
/* As mutex_lock, but gives up with -EINTR when a signal arrives. */
int mutex_lock_interruptible(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
/* True if the current task holds @m; for assertions. */
bool mutex_is_held(const struct mutex *m);

#endif
