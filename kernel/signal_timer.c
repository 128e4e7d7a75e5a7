/*
 * ITIMER_REAL: setitimer, getitimer and alarm (Linux's kernel/time/itimer.c).
 * Each process has at most one real-time interval timer, a kernel timer
 * that sends SIGALRM to the process. A kernel timer cannot be re-armed from
 * its own callback, so a periodic timer that fired is re-armed for its next
 * period from process context (signal delivery, sigtimedwait, sigaction of
 * SIGALRM, the timer syscalls); while it waits, getitimer computes the time
 * left as if it had been re-armed at once, and a SIGALRM that would have
 * come meanwhile would only have merged with the pending one.
 * ITIMER_VIRTUAL and ITIMER_PROF (CPU-time timers) are not implemented.
 */
#include <ferrite/errno.h>
#include <ferrite/mutex.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/syscall.h>
#include <ferrite/time.h>
#include <ferrite/uaccess.h>
#include <linux/time.h>
#include "signal_internal.h"

struct sig_itimer {
	struct mutex lock;		/* process-context changes; ktimer start/cancel */
	struct ktimer timer;
	struct process *proc;		/* [I] */
	uint64_t deadline;		/* [S] next expiry (time_boot_ns); 0: disarmed */
	uint64_t interval;		/* [S] period; 0: one-shot */
	bool fired;			/* [S] periodic and expired: re-arm for the next period */
};

/* Timer callback (interrupt context, the timer lock held): SIGALRM to the process. */
static void sig_itimer_fire(struct ktimer *kt)
{
	struct sig_itimer *it = kt->data;
	struct process *p = it->proc;
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	struct sigqueue q;

	/* a callback left over from before a setitimer finds a later deadline */
	if (it->deadline && !it->fired && time_boot_ns() >= it->deadline) {
		if (it->interval)
			it->fired = true;
		else
			it->deadline = 0;
		sig_info_init(&q, SIGALRM, SI_KERNEL);
		sig_send_locked(p, NULL, SIGALRM, &q, false);
	}
	spin_unlock_irqrestore(&p->sig_lock, flags);
}

/* @p's timer, created on first use; NULL when out of memory. */
static struct sig_itimer *sig_itimer_get(struct process *p)
{
	struct sig_itimer *it = READ_ONCE(p->itimer), *old;
	unsigned long flags;

	if (it)
		return it;
	it = kzalloc(sizeof(*it));
	if (!it)
		return NULL;
	mutex_init(&it->lock, "itimer");
	ktimer_init(&it->timer, sig_itimer_fire, it);
	it->proc = p;
	flags = spin_lock_irqsave(&p->sig_lock);
	old = p->itimer;
	if (!old)
		p->itimer = it;
	spin_unlock_irqrestore(&p->sig_lock, flags);
	if (old) {
		kfree(it);
		return old;
	}
	return it;
}

/* Time left and period of @it at @now, in ns (Linux reports 1 us for "due"). */
static void sig_itimer_read_locked(const struct sig_itimer *it, uint64_t now, uint64_t *value,
				   uint64_t *interval)
{
	*interval = it->interval;
	*value = 0;
	if (!it->deadline)
		return;
	if (now < it->deadline)
		*value = it->deadline - now;
	else if (it->interval)
		*value = it->interval - (now - it->deadline) % it->interval;
	if (!*value)
		*value = NSEC_PER_USEC;
}

void sig_itimer_rearm(struct process *p)
{
	struct sig_itimer *it = READ_ONCE(p->itimer);
	uint64_t deadline = 0, now;
	unsigned long flags;

	if (!it || !READ_ONCE(it->fired))
		return;
	mutex_lock(&it->lock);
	flags = spin_lock_irqsave(&p->sig_lock);
	now = time_boot_ns();
	if (it->fired && it->deadline && it->interval) {
		it->deadline += it->interval * ((now - it->deadline) / it->interval + 1);
		it->fired = false;
		deadline = it->deadline;
	}
	spin_unlock_irqrestore(&p->sig_lock, flags);
	if (deadline)
		ktimer_start(&it->timer, deadline);
	mutex_unlock(&it->lock);
}

/*
 * Arm @p's timer for @value ns from now (0: disarm), then every @interval
 * ns; the previous setting goes to *@old_value / *@old_interval. 0 or -ENOMEM.
 */
static int sig_itimer_set(struct process *p, uint64_t value, uint64_t interval,
			  uint64_t *old_value, uint64_t *old_interval)
{
	struct sig_itimer *it = sig_itimer_get(p);
	unsigned long flags;
	uint64_t now;

	if (!it)
		return -ENOMEM;
	mutex_lock(&it->lock);
	ktimer_cancel(&it->timer);
	flags = spin_lock_irqsave(&p->sig_lock);
	now = time_boot_ns();
	sig_itimer_read_locked(it, now, old_value, old_interval);
	it->deadline = value ? now + value : 0;
	it->interval = value ? interval : 0;
	it->fired = false;
	spin_unlock_irqrestore(&p->sig_lock, flags);
	if (value)
		ktimer_start(&it->timer, now + value);
	mutex_unlock(&it->lock);
	return 0;
}

/* @p's timer now: time left and period in ns (zero if never set). */
static void sig_itimer_now(struct process *p, uint64_t *value, uint64_t *interval)
{
	struct sig_itimer *it;
	unsigned long flags;

	sig_itimer_rearm(p);
	flags = spin_lock_irqsave(&p->sig_lock);
	it = p->itimer;
	if (it) {
		sig_itimer_read_locked(it, time_boot_ns(), value, interval);
	} else {
		*value = 0;
		*interval = 0;
	}
	spin_unlock_irqrestore(&p->sig_lock, flags);
}

void sig_itimer_free(struct process *p)
{
	struct sig_itimer *it = p->itimer;

	if (!it)
		return;
	ktimer_cancel(&it->timer);
	p->itimer = NULL;
	kfree(it);
}

static void sig_ns_to_timeval(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = ns / NSEC_PER_SEC;
	tv->tv_usec = (ns % NSEC_PER_SEC) / NSEC_PER_USEC;
}

/* A user timeval in ns; -EINVAL unless 0 <= tv_usec < 1000000 and tv_sec >= 0. */
static int sig_timeval_to_ns(const struct timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	if ((uint64_t)tv->tv_sec > UINT64_MAX / 4 / NSEC_PER_SEC)
		*ns = UINT64_MAX / 4;	/* centuries: never, in practice */
	else
		*ns = tv->tv_sec * NSEC_PER_SEC + tv->tv_usec * NSEC_PER_USEC;
	return 0;
}

/* ITIMER_REAL is served; the CPU-time timers are not (-ENOSYS, logged once). */
static int sig_itimer_which(int which)
{
	if (which == ITIMER_REAL)
		return 0;
	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
		pr_info_once("%s[%d]: ITIMER_VIRTUAL/ITIMER_PROF not implemented\n",
			     current_proc->comm, current_proc->pid);
		return -ENOSYS;
	}
	return -EINVAL;
}

SYSCALL_DEFINE(setitimer, __NR_setitimer, int which, const struct itimerval *unew,
	       struct itimerval *uold)
{
	uint64_t value = 0, interval = 0, old_value, old_interval;
	struct itimerval nv, ov;
	int ret;

	if (unew) {
		if (copy_from_user(&nv, unew, sizeof(nv)))
			return -EFAULT;
		if (sig_timeval_to_ns(&nv.it_value, &value) ||
		    sig_timeval_to_ns(&nv.it_interval, &interval))
			return -EINVAL;
	}
	ret = sig_itimer_which(which);
	if (!ret)
		ret = sig_itimer_set(current_proc, value, interval, &old_value, &old_interval);
	if (ret || !uold)
		return ret;
	sig_ns_to_timeval(old_value, &ov.it_value);
	sig_ns_to_timeval(old_interval, &ov.it_interval);
	return copy_to_user(uold, &ov, sizeof(ov)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(getitimer, __NR_getitimer, int which, struct itimerval *ucur)
{
	uint64_t value, interval;
	struct itimerval cur;
	int ret = sig_itimer_which(which);

	if (ret)
		return ret;
	sig_itimer_now(current_proc, &value, &interval);
	sig_ns_to_timeval(value, &cur.it_value);
	sig_ns_to_timeval(interval, &cur.it_interval);
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(alarm, __NR_alarm, unsigned int seconds)
{
	uint64_t old_value = 0, old_interval, sec, rem;

	if (sig_itimer_set(current_proc, seconds * NSEC_PER_SEC, 0, &old_value, &old_interval))
		return 0;	/* Linux's alarm cannot fail either */
	/* never 0 for a pending alarm, and rounded to the nearest second */
	sec = old_value / NSEC_PER_SEC;
	rem = old_value % NSEC_PER_SEC;
	if ((!sec && rem) || rem >= NSEC_PER_SEC / 2)
		sec++;
	return sec;
}
