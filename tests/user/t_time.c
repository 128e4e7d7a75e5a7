/*
 * t_time - clocks and sleeps: clock_gettime for the Linux clocks (monotonic,
 * realtime, boottime, coarse, raw, CPU time) progressing sanely,
 * clock_getres, nanosleep and clock_nanosleep (relative, absolute, EINTR
 * with the remaining time), gettimeofday, time, times, getrusage, and the
 * errno of bad arguments (through raw syscalls, as a vDSO would fault).
 */
#include "t.h"
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>

static long long ts_ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long clock_ns(clockid_t c)
{
	struct timespec t;

	if (clock_gettime(c, &t))
		return -1;
	return ts_ns(&t);
}

static void test_clocks(void)
{
	static const struct {
		clockid_t id;
		const char *name;
	} clocks[] = {
		{ CLOCK_REALTIME, "REALTIME" },	       { CLOCK_MONOTONIC, "MONOTONIC" },
		{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID" },
		{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID" },
		{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" }, { CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
		{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" }, { CLOCK_BOOTTIME, "BOOTTIME" },
	};
	struct timespec t, r;

	for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		long rc = t_sys(SYS_clock_gettime, clocks[i].id, &t);
		T_OK(rc == 0 && t.tv_nsec >= 0 && t.tv_nsec < 1000000000, "clock_gettime(CLOCK_%s)", clocks[i].name);
		rc = t_sys(SYS_clock_getres, clocks[i].id, &r);
		T_OK(rc == 0 && r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10000000,
		     "clock_getres(CLOCK_%s) = %ld ns", clocks[i].name, (long)r.tv_nsec);
	}
	T_ERRNO(t_sys(SYS_clock_gettime, 100, &t), EINVAL, "clock_gettime of an unknown clock");
	T_ERRNO(t_sys(SYS_clock_gettime, CLOCK_MONOTONIC, T_KADDR_DIRECT), EFAULT, "clock_gettime into kernel memory");
	T_ERRNO(t_sys(SYS_clock_getres, 100, &r), EINVAL, "clock_getres of an unknown clock");

	long long m1 = clock_ns(CLOCK_MONOTONIC), m2 = clock_ns(CLOCK_MONOTONIC);
	T_OK(m2 >= m1, "CLOCK_MONOTONIC does not go backwards");
	long long b = clock_ns(CLOCK_BOOTTIME), m = clock_ns(CLOCK_MONOTONIC);
	T_OK(b + 1000000 >= m1 && b > 0, "CLOCK_BOOTTIME >= CLOCK_MONOTONIC");
	long long raw1 = clock_ns(CLOCK_MONOTONIC_RAW);
	t_sleep_ms(20);
	long long m3 = clock_ns(CLOCK_MONOTONIC), raw2 = clock_ns(CLOCK_MONOTONIC_RAW);
	T_OK(m3 - m >= 20000000, "CLOCK_MONOTONIC advanced over a 20 ms sleep");
	T_OK(raw2 - raw1 >= 18000000, "CLOCK_MONOTONIC_RAW advanced too");
	long long rt = clock_ns(CLOCK_REALTIME);
	T_OK(rt / 1000000000LL > 1577836800LL, "CLOCK_REALTIME is after 2020 (%lld)", rt / 1000000000LL);
	long long coarse = clock_ns(CLOCK_REALTIME_COARSE);
	T_OK(coarse <= clock_ns(CLOCK_REALTIME) && coarse > rt - 100000000, "REALTIME_COARSE within a tick of REALTIME");

	/* CPU time advances while spinning */
	long long c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), th0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	long long end = t_now_ns() + 3000000000LL, c1;
	while ((c1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID)) < c0 + 5000000 && t_now_ns() < end)
		;
	T_OK(c1 >= c0 + 5000000, "CLOCK_PROCESS_CPUTIME_ID advances while spinning");
	T_OK(clock_ns(CLOCK_THREAD_CPUTIME_ID) > th0, "CLOCK_THREAD_CPUTIME_ID advances too");
	long long c2 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	t_sleep_ms(30);
	T_OK(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c2 < 15000000, "but not while sleeping");
}

static void test_other_clocks(void)
{
	struct timeval tv;
	struct timespec ts;

	T_SYS(gettimeofday(&tv, NULL), "gettimeofday");
	clock_gettime(CLOCK_REALTIME, &ts);
	T_OK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec in range");
	long long diff = ts_ns(&ts) - (tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL);
	T_OK(diff >= 0 && diff < 100000000, "gettimeofday agrees with CLOCK_REALTIME");
	time_t t = time(NULL);
	T_OK(t == ts.tv_sec || t == ts.tv_sec + 1, "time() agrees with CLOCK_REALTIME");
	T_EQ(t_sys(SYS_time, NULL) >= t, 1, "raw time(NULL)");
	T_ERRNO(t_sys(SYS_gettimeofday, T_KADDR_TEXT, NULL), EFAULT, "gettimeofday into kernel memory");
	T_EQ(sysconf(_SC_CLK_TCK), 100, "_SC_CLK_TCK is 100");

	struct tms a, b;
	clock_t t0 = times(&a);
	T_OK(t0 != (clock_t)-1, "times");
	long long end = t_now_ns() + 3000000000LL;
	do
		times(&b);
	while (b.tms_utime + b.tms_stime < a.tms_utime + a.tms_stime + 2 && t_now_ns() < end);
	clock_t t1 = times(&b);
	T_OK(b.tms_utime + b.tms_stime >= a.tms_utime + a.tms_stime + 2, "tms_utime+tms_stime advance when spinning");
	T_OK(t1 - t0 >= 1, "times() return value advances in clock ticks");
	T_OK(b.tms_cutime == 0 && b.tms_cstime == 0, "no children yet: tms_cutime/cstime 0");
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	alarms++;
}

static void test_sleep(void)
{
	struct timespec req = { 0, 20000000 }, rem;
	long long t0;

	t0 = t_now_ns();
	T_SYS(nanosleep(&req, NULL), "nanosleep 20 ms");
	T_OK(t_now_ns() - t0 >= 20000000, "slept at least 20 ms");
	struct timespec bad = { 0, 1000000000 };
	T_ERRNO(nanosleep(&bad, NULL), EINVAL, "nanosleep with tv_nsec = 1e9");
	struct timespec neg = { -1, 0 };
	T_ERRNO(nanosleep(&neg, NULL), EINVAL, "nanosleep with a negative time");
	T_ERRNO(t_sys(SYS_nanosleep, NULL, NULL), EFAULT, "nanosleep(NULL)");

	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec longreq = { 5, 0 };
	memset(&rem, 0, sizeof(rem));
	t0 = t_now_ns();
	T_ERRNO(nanosleep(&longreq, &rem), EINTR, "nanosleep interrupted by SIGALRM");
	T_OK(rem.tv_sec >= 3 && rem.tv_sec <= 5 && alarms == 1, "rem holds the time left (%ld s)", (long)rem.tv_sec);

	t0 = t_now_ns();
	T_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), 0, "clock_nanosleep relative");
	T_OK(t_now_ns() - t0 >= 20000000, "slept at least 20 ms");
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 30000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	T_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0, "clock_nanosleep TIMER_ABSTIME");
	T_OK(clock_ns(CLOCK_MONOTONIC) >= ts_ns(&abs), "woke after the deadline");
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec -= 10;
	T_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0, "an absolute time in the past returns at once");
	T_EQ(clock_nanosleep(100, 0, &req, NULL), EINVAL, "clock_nanosleep of an unknown clock returns EINVAL");
	T_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL), EINVAL,
	     "clock_nanosleep on the thread CPU clock returns EINVAL");
	T_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL, "clock_nanosleep with tv_nsec = 1e9");
}

static void test_rusage(void)
{
	struct rusage ru;
	int st;

	T_SYS(getrusage(RUSAGE_SELF, &ru), "getrusage RUSAGE_SELF");
	T_OK(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec > 0,
	     "we have used some CPU time");
	T_OK(ru.ru_maxrss > 0, "ru_maxrss > 0 (%ld KiB)", ru.ru_maxrss);
	T_OK(ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec < 1000000, "tv_usec in range");
	pid_t c = fork();
	if (c == 0) {
		long long c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), end = t_now_ns() + 3000000000LL;
		while (clock_ns(CLOCK_PROCESS_CPUTIME_ID) < c0 + 20000000 && t_now_ns() < end)
			;
		_exit(0);
	}
	waitpid(c, &st, 0);
	T_SYS(getrusage(RUSAGE_CHILDREN, &ru), "getrusage RUSAGE_CHILDREN");
	long long us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	T_OK(us >= 10000, "a reaped child's 20 ms of CPU shows up (%lld us)", us);
	T_ERRNO(getrusage(99, &ru), EINVAL, "getrusage with an unknown who");
	T_ERRNO(t_sys(SYS_getrusage, RUSAGE_SELF, T_KADDR_DIRECT), EFAULT, "getrusage into kernel memory");
}

int main(int argc, char **argv)
{
	t_init("t_time");
	test_clocks();
	test_other_clocks();
	test_sleep();
	test_rusage();
	return t_done();
}
