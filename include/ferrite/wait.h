/*
 * Wait queues: a list of sleeping tasks that a waker walks. The usual use
 * is through wait_event_interruptible(), which sleeps until a condition
 * holds (checked again after every wake-up) or a signal arrives.
 *
 * Lock legend: [W] the queue's lock (always taken irqsave, so wakers may run
 * in interrupt handlers). Lock order: a wait queue lock is taken inside any
 * object lock and outside the run-queue locks.
 */
#ifndef FERRITE_WAIT_H
#define FERRITE_WAIT_H

#include <ferrite/list.h>
#include <ferrite/spinlock.h>

struct task;

struct wait_queue {
	struct spinlock lock;
	struct list_head waiters;	/* [W] of struct wait_entry */
};

struct wait_entry {
	struct list_head node;		/* [W] */
	struct task *task;		/* [I] */
};

#define WAIT_QUEUE_INIT(q) { SPINLOCK_INIT(#q), LIST_HEAD_INIT((q).waiters) }

void wait_queue_init(struct wait_queue *q);
/* Put the current task on @q (once) and mark it sleeping (interruptibly if @intr). */
void wait_prepare(struct wait_queue *q, struct wait_entry *e, bool intr);
/* Take the current task off @q again and mark it running. */
void wait_finish(struct wait_queue *q, struct wait_entry *e);
/* Wake every task sleeping on @q. Any context. */
void wake_up(struct wait_queue *q);
/* Wake one task sleeping on @q. Any context. */
void wake_up_one(struct wait_queue *q);

/* Give up the CPU until woken (the state was set by wait_prepare). */
void schedule(void);
/* True if the current task has a signal to handle (wakes interruptible sleeps). */
bool signal_pending_current(void);

/*
 * Sleep until @cond is true; evaluates to 0, or -EINTR when a signal
 * arrived first (the caller decides between -EINTR and -ERESTARTSYS).
 * @cond is evaluated with no lock held by this macro.
 */
#define wait_event_interruptible(q, cond)				      \
	({								      \
		struct wait_entry __we = { { NULL, NULL }, NULL };					      \
		int __ret = 0;						      \
		for (;;) {						      \
			wait_prepare(&(q), &__we, true);		      \
			if (cond)					      \
				break;					      \
			if (signal_pending_current()) {			      \
				__ret = -EINTR;				      \
				break;					      \
			}						      \
			schedule();					      \
		}							      \
		wait_finish(&(q), &__we);				      \
		__ret;							      \
	})

/* As wait_event_interruptible, deaf to signals. */
#define wait_event(q, cond)						      \
	do {								      \
		struct wait_entry __we = { { NULL, NULL }, NULL };					      \
		for (;;) {						      \
			wait_prepare(&(q), &__we, false);		      \
			if (cond)					      \
				break;					      \
			schedule();					      \
		}							      \
		wait_finish(&(q), &__we);				      \
	} while (0)

#endif
