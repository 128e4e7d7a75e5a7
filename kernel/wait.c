/*
 * Wait queues and sleeping mutexes. A sleeper puts itself on the queue and
 * sets its state under the queue lock, checks its condition, and only then
 * switches away; a waker takes the same lock and wakes every entry, so a
 * wake-up between the check and the switch is never lost (the scheduler
 * keeps a woken task running instead of putting it to sleep).
 */
#include <ferrite/errno.h>
#include <ferrite/mutex.h>
#include <ferrite/panic.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/wait.h>

void wait_queue_init(struct wait_queue *q)
{
	spin_lock_init(&q->lock, "waitq");
	list_init(&q->waiters);
}

void wait_prepare(struct wait_queue *q, struct wait_entry *e, bool intr)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);

	if (!e->task) {
		e->task = current;
		list_add_tail(&e->node, &q->waiters);
	}
	WRITE_ONCE(current->state, intr ? TASK_INTERRUPTIBLE : TASK_UNINTERRUPTIBLE);
	spin_unlock_irqrestore(&q->lock, flags);
}

void wait_finish(struct wait_queue *q, struct wait_entry *e)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);

	WRITE_ONCE(current->state, TASK_RUNNING);
	if (e->task)
		list_del(&e->node);
	e->task = NULL;
	spin_unlock_irqrestore(&q->lock, flags);
}

void wake_up(struct wait_queue *q)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);
	struct wait_entry *e;

	list_for_each_entry(e, &q->waiters, node)
		sched_wake(e->task);
	spin_unlock_irqrestore(&q->lock, flags);
}

void wake_up_one(struct wait_queue *q)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);
	struct wait_entry *e;

	list_for_each_entry(e, &q->waiters, node) {
		if (sched_wake_state(e->task, TASK_SLEEPING))
			break;
	}
	spin_unlock_irqrestore(&q->lock, flags);
}

bool signal_pending_current(void)
{
	return signal_pending(current);
}

void mutex_init(struct mutex *m, const char *name)
{
	m->owner = NULL;
	wait_queue_init(&m->wq);
	m->name = name;
}

/* Take @m if it is free; needs m->wq.lock. */
static bool mutex_grab_locked(struct mutex *m)
{
	if (m->owner)
		return false;
	m->owner = current;
	return true;
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	bool ok = mutex_grab_locked(m);

	spin_unlock_irqrestore(&m->wq.lock, flags);
	return ok;
}

void mutex_lock(struct mutex *m)
{
	if (m->owner == current && current)
		panic("mutex %s: recursive lock", m->name);
	if (mutex_trylock(m))
		return;
	wait_event(m->wq, mutex_trylock(m));
}

int mutex_lock_interruptible(struct mutex *m)
{
	if (mutex_trylock(m))
		return 0;
	return wait_event_interruptible(m->wq, mutex_trylock(m));
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	struct wait_entry *e;

	m->owner = NULL;
	list_for_each_entry(e, &m->wq.waiters, node) {
		if (sched_wake_state(e->task, TASK_SLEEPING))
			break;
	}
	spin_unlock_irqrestore(&m->wq.lock, flags);
}

bool mutex_is_held(const struct mutex *m)
{
	return READ_ONCE(m->owner) == current;
}
