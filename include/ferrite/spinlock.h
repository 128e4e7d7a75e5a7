/*
 * Spinlocks: ticket locks, fair between CPUs. The _irqsave forms disable
 * interrupts on this CPU for as long as the lock is held and hand back the
 * previous interrupt state; any lock that an interrupt handler ever takes must
 * always be taken with them. Spinlocks are not recursive.
 *
 * Lock order for the whole kernel is written in one place: docs/locking.md.
 */
#ifndef FERRITE_SPINLOCK_H
#define FERRITE_SPINLOCK_H

#include <ferrite/compiler.h>

struct spinlock {
	uint16_t next;		/* [a] next ticket to hand out */
	uint16_t owner;		/* [a] ticket now being served */
	int32_t holder_cpu;	/* [L] CPU holding it, -1 if none (debugging) */
	const char *name;	/* [I] */
};

#define SPINLOCK_INIT(n) { .next = 0, .owner = 0, .holder_cpu = -1, .name = (n) }
#define DEFINE_SPINLOCK(x) struct spinlock x = SPINLOCK_INIT(#x)

void spin_lock_init(struct spinlock *lock, const char *name);
void spin_lock(struct spinlock *lock);
bool spin_trylock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
unsigned long spin_lock_irqsave(struct spinlock *lock);
void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags);

/* True if some CPU holds @lock; for assertions only. */
static inline bool spin_is_locked(const struct spinlock *lock)
{
	return __atomic_load_n(&lock->next, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);
}

#endif
