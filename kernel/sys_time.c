/*
 * Time system calls (clock_gettime(2), clock_getres, gettimeofday, time,
 * times, getrusage, nanosleep, clock_nanosleep) with Linux's clock ids,
 * structures and errors, and the CPU-time accounting helpers of cputime.h.
 *
 * Clocks: REALTIME (and its COARSE, ALARM and TAI forms, TAI offset 0) is
 * the RTC's boot epoch plus the monotonic clock; MONOTONIC, MONOTONIC_RAW,
 * MONOTONIC_COARSE, BOOTTIME (and BOOTTIME_ALARM) are time since boot (the
 * machine does not suspend, so boot time and monotonic time agree); CPU
 * clocks, including Linux's encoded per-process and per-thread ids, report
 * the CPU time accounted by the scheduler.
 */
#include <ferrite/cputime.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/time.h>
#include <ferrite/uaccess.h>
#include <ferrite/vm.h>
#include <linux/resource.h>
#include <linux/time.h>
#include <linux/times.h>

/* Linux's encoding of CPU clocks in a negative clockid_t (posix-timers.h). */
#define CPUCLOCK_PID(clk)	((int)~((clk) >> 3))
#define CPUCLOCK_PERTHREAD(clk)	(((clk) & 4) != 0)
#define CPUCLOCK_WHICH(clk)	((clk) & 3)
#define CPUCLOCK_PROF		0	/* user + system */
#define CPUCLOCK_VIRT		1	/* user */
#define CPUCLOCK_SCHED		2	/* run time */
#define CPUCLOCK_MAX		3
#define CPUCLOCK_SELF		(-8)	/* pid 0: the caller (~0 << 3) */

#define CLOCK_COARSE_RES_NS	(NSEC_PER_SEC / 1000)	/* the 1000 Hz tick */

void cputime_task(struct task *t, uint64_t *utime, uint64_t *stime)
{
	*utime = READ_ONCE(t->utime_ns);
	*stime = READ_ONCE(t->stime_ns);
}

void cputime_process(struct process *p, uint64_t *utime, uint64_t *stime)
{
	uint64_t u, s, tu, ts;
	unsigned long flags;
	struct task *t;

	flags = spin_lock_irqsave(&p->sig_lock);
	u = p->dead_utime_ns;
	s = p->dead_stime_ns;
	list_for_each_entry(t, &p->tasks, proc_node) {
		cputime_task(t, &tu, &ts);
		u += tu;
		s += ts;
	}
	spin_unlock_irqrestore(&p->sig_lock, flags);
	*utime = u;
	*stime = s;
}

void cputime_children(struct process *p, uint64_t *utime, uint64_t *stime)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);

	*utime = p->cutime_ns;
	*stime = p->cstime_ns;
	spin_unlock_irqrestore(&process_tree_lock, flags);
}

static void ns_to_timespec(uint64_t ns, struct __kernel_timespec *ts)
{
	ts->tv_sec = (long long)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long long)(ns % NSEC_PER_SEC);
}

static uint64_t cpuclock_value(int which, uint64_t utime, uint64_t stime)
{
	return which == CPUCLOCK_VIRT ? utime : utime + stime;
}

/*
 * Value of the CPU clock @clk (a negative Linux CPU clock id); 0 or
 * -EINVAL for a bad encoding or a thread/process that does not exist (or,
 * for a thread clock, is not in the caller's process).
 */
static int cpuclock_read(int clk, uint64_t *ns)
{
	int pid = CPUCLOCK_PID(clk), which = CPUCLOCK_WHICH(clk);
	uint64_t u, s;

	if (which >= CPUCLOCK_MAX)
		return -EINVAL;
	if (CPUCLOCK_PERTHREAD(clk)) {
		struct task *t = pid ? task_find_get(pid) : task_get(current);

		if (!t)
			return -EINVAL;
		if (t->proc != current_proc) {
			task_put(t);
			return -EINVAL;
		}
		cputime_task(t, &u, &s);
		task_put(t);
	} else {
		struct process *p = pid ? process_find_get(pid) : current_proc;

		if (!p)
			return -EINVAL;
		cputime_process(p, &u, &s);
		if (pid)
			process_put(p);
	}
	*ns = cpuclock_value(which, u, s);
	return 0;
}

/* Nanoseconds of the realtime clock since the epoch (negative before 1970 is impossible here). */
static uint64_t clock_realtime_ns(void)
{
	int64_t sec;
	long nsec;

	time_realtime(&sec, &nsec);
	return (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
}

/* Read clock @clk into *ns; 0 or -EINVAL for an unknown clock. */
static int clock_read(int clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		*ns = time_boot_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		return cpuclock_read(CPUCLOCK_SELF | CPUCLOCK_SCHED, ns);
	case CLOCK_THREAD_CPUTIME_ID:
		return cpuclock_read(CPUCLOCK_SELF | 4 | CPUCLOCK_SCHED, ns);
	default:
		if (clk < 0)
			return cpuclock_read(clk, ns);
		return -EINVAL;
	}
}

SYSCALL_DEFINE(clock_gettime, __NR_clock_gettime, int clk, struct __kernel_timespec *uts)
{
	struct __kernel_timespec ts;
	uint64_t ns;
	int err = clock_read(clk, &ns);

	if (err)
		return err;
	ns_to_timespec(ns, &ts);
	return copy_to_user(uts, &ts, sizeof(ts));
}

SYSCALL_DEFINE(clock_getres, __NR_clock_getres, int clk, struct __kernel_timespec *uts)
{
	struct __kernel_timespec ts;
	uint64_t ns;
	int err = clock_read(clk, &ns);	/* validates @clk the same way */

	if (err)
		return err;
	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
		ns_to_timespec(CLOCK_COARSE_RES_NS, &ts);
	else
		ns_to_timespec(1, &ts);
	if (!uts)
		return 0;
	return copy_to_user(uts, &ts, sizeof(ts));
}

SYSCALL_DEFINE(gettimeofday, __NR_gettimeofday, struct __kernel_old_timeval *utv,
	       struct timezone *utz)
{
	if (utv) {
		uint64_t ns = clock_realtime_ns();
		struct __kernel_old_timeval tv = {
			.tv_sec = (long)(ns / NSEC_PER_SEC),
			.tv_usec = (long)(ns % NSEC_PER_SEC / NSEC_PER_USEC),
		};

		if (copy_to_user(utv, &tv, sizeof(tv)))
			return -EFAULT;
	}
	if (utz) {
		struct timezone tz = { 0, 0 };	/* Linux's sys_tz until settimeofday sets it */

		if (copy_to_user(utz, &tz, sizeof(tz)))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(time, __NR_time, long *tloc)
{
	long sec = (long)(clock_realtime_ns() / NSEC_PER_SEC);

	if (tloc && put_user(sec, tloc))
		return -EFAULT;
	return sec;
}

SYSCALL_DEFINE(times, __NR_times, struct tms *ubuf)
{
	if (ubuf) {
		uint64_t u, s, cu, cs;
		struct tms t;

		cputime_process(current_proc, &u, &s);
		cputime_children(current_proc, &cu, &cs);
		t.tms_utime = (long)cputime_ns_to_ticks(u);
		t.tms_stime = (long)cputime_ns_to_ticks(s);
		t.tms_cutime = (long)cputime_ns_to_ticks(cu);
		t.tms_cstime = (long)cputime_ns_to_ticks(cs);
		if (copy_to_user(ubuf, &t, sizeof(t)))
			return -EFAULT;
	}
	return (long)cputime_ns_to_ticks(time_boot_ns());
}

static void ns_to_timeval(uint64_t ns, struct __kernel_old_timeval *tv)
{
	tv->tv_sec = (long)(ns / NSEC_PER_SEC);
	tv->tv_usec = (long)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
}

/* Resident set of the calling process in KiB (ru_maxrss: no high-water mark is kept). */
static long rusage_rss_kb(void)
{
	struct vm_space *vm = current->vm;

	if (!vm)
		return 0;
	return (long)(__atomic_load_n(&vm->rss_pages, __ATOMIC_RELAXED) * (PAGE_SIZE / 1024));
}

SYSCALL_DEFINE(getrusage, __NR_getrusage, int who, struct rusage *uru)
{
	struct process *p = current_proc;
	uint64_t u, s;
	struct rusage ru;

	memset(&ru, 0, sizeof(ru));
	switch (who) {
	case RUSAGE_SELF:
		cputime_process(p, &u, &s);
		ru.ru_maxrss = rusage_rss_kb();
		ru.ru_minflt = (long)__atomic_load_n(&p->minflt, __ATOMIC_RELAXED);
		ru.ru_majflt = (long)__atomic_load_n(&p->majflt, __ATOMIC_RELAXED);
		break;
	case RUSAGE_THREAD:
		cputime_task(current, &u, &s);
		ru.ru_maxrss = rusage_rss_kb();
		break;
	case RUSAGE_CHILDREN:
		cputime_children(p, &u, &s);
		break;
	default:
		return -EINVAL;
	}
	ns_to_timeval(u, &ru.ru_utime);
	ns_to_timeval(s, &ru.ru_stime);
	return copy_to_user(uru, &ru, sizeof(ru));
}

/* Nanoseconds in a user timespec; 0 or -EFAULT/-EINVAL (Linux's timespec64_valid). */
static int timespec_from_user(const struct __kernel_timespec *uts, uint64_t *ns)
{
	struct __kernel_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.tv_sec >= UINT64_MAX / NSEC_PER_SEC - 1)
		*ns = UINT64_MAX;	/* sleeps past the end of time */
	else
		*ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	return 0;
}

/*
 * Sleep @ns; on a signal store the time left in @urem (if given) and return
 * -ERESTARTNOHAND: the signal code turns that into EINTR when a handler ran
 * and restarts the call otherwise (the restarted relative sleep starts over
 * with its full length, where Linux would sleep only the rest).
 */
static long sleep_relative(uint64_t ns, struct __kernel_timespec *urem)
{
	struct __kernel_timespec rem;
	uint64_t left = 0;

	if (!sched_sleep_ns(ns, &left))
		return 0;
	if (urem) {
		ns_to_timespec(left, &rem);
		if (copy_to_user(urem, &rem, sizeof(rem)))
			return -EFAULT;
	}
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE(nanosleep, __NR_nanosleep, const struct __kernel_timespec *ureq,
	       struct __kernel_timespec *urem)
{
	uint64_t ns;
	int err = timespec_from_user(ureq, &ns);

	if (err)
		return err;
	return sleep_relative(ns, urem);
}

/*
 * Whether clock_nanosleep supports @clk: 0, or what Linux answers: -EINVAL
 * for an unknown clock, -EOPNOTSUPP for one without nanosleep (raw, coarse,
 * the thread CPU clock). Linux also sleeps on process CPU clocks and the
 * alarm clocks; those are refused here with EOPNOTSUPP and a log line.
 */
static int clock_nanosleep_check(int clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		return 0;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_THREAD_CPUTIME_ID:
		return -EOPNOTSUPP;
	default:
		if (clk < 0 && CPUCLOCK_PERTHREAD(clk))
			return -EINVAL;	/* Linux's posix_cpu_nsleep */
		if (clk == CLOCK_PROCESS_CPUTIME_ID || clk < 0 || clk == CLOCK_REALTIME_ALARM ||
		    clk == CLOCK_BOOTTIME_ALARM) {
			pr_info("clock_nanosleep: clock %d is not supported\n", clk);
			return -EOPNOTSUPP;
		}
		return -EINVAL;
	}
}

SYSCALL_DEFINE(clock_nanosleep, __NR_clock_nanosleep, int clk, int flags,
	       const struct __kernel_timespec *ureq, struct __kernel_timespec *urem)
{
	uint64_t ns, now, left;
	int err = clock_nanosleep_check(clk);

	if (err)
		return err;
	err = timespec_from_user(ureq, &ns);
	if (err)
		return err;
	if (!(flags & TIMER_ABSTIME))
		return sleep_relative(ns, urem);
	/* An absolute deadline: a restart after a signal sleeps exactly the rest. */
	clock_read(clk, &now);
	if (ns <= now)
		return 0;
	if (sched_sleep_ns(ns - now, &left))
		return -ERESTARTNOHAND;
	return 0;
}
