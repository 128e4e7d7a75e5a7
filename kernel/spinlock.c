/*
 * Ticket spinlocks. A CPU takes a ticket with an atomic fetch-add and spins
 * until the owner counter reaches it, so CPUs are served in arrival order.
 * The irqsave forms turn interrupts off before spinning so that an interrupt
 * handler on this CPU can never wait for a lock its own CPU holds.
 */
#include <ferrite/spinlock.h>
#include <arch/cpu.h>

void spin_lock_init(struct spinlock *lock, const char *name)
{
	lock->next = 0;
	lock->owner = 0;
	lock->holder_cpu = -1;
	lock->name = name;
}

/* Take @lock, spinning until it is ours. */
void spin_lock(struct spinlock *lock)
{
	uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
}

/* Take @lock only if nobody holds it; true if taken. */
bool spin_trylock(struct spinlock *lock)
{
	uint16_t owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);
	uint16_t expect = owner;

	return __atomic_compare_exchange_n(&lock->next, &expect,
					   (uint16_t)(owner + 1), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->owner, (uint16_t)(lock->owner + 1),
			 __ATOMIC_RELEASE);
}

/* Disable interrupts, take @lock; returns the interrupt state to restore. */
unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	unsigned long flags = arch_irq_save();

	spin_lock(lock);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	spin_unlock(lock);
	arch_irq_restore(flags);
}
