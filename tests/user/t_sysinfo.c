/*
 * t_sysinfo - system information and per-process settings: uname and host
 * names, sysinfo, reboot's checks, clocks and sleeps, CPU time (times,
 * getrusage), user and group ids and supplementary groups, nice values,
 * CPU affinity, scheduling policies and resource limits, with Linux's
 * results and errno values. Nothing here changes the machine: settings are
 * changed in child processes, the host name is set to what it already is.
 * Built static with musl-gcc and gcc; runs on Linux and on Ferrite.
 */
#include "t.h"
#include <sched.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <grp.h>

#define NO_PID 0x3ffffff0
#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc
#define SCHED_OTHER_ 0
#define SCHED_FIFO_ 1
#define SCHED_RR_ 2
#define SCHED_DEADLINE_ 6

static int am_root;

static void test_uname(void)
{
	struct utsname u;
	int major = 0;

	memset(&u, 0, sizeof(u));
	T_SYS(uname(&u), "uname");
	T_OK(!strcmp(u.sysname, "Linux"), "sysname is Linux (%s)", u.sysname);
	T_OK(!strcmp(u.machine, "x86_64"), "machine is x86_64 (%s)", u.machine);
	sscanf(u.release, "%d", &major);
	T_OK(major >= 3, "release is Linux-like (%s)", u.release);
	T_OK(u.version[0] == '#', "version starts with # (%s)", u.version);
	T_OK(u.nodename[0] != '\0', "nodename is set (%s)", u.nodename);
	T_ERRNO(t_sys(SYS_uname, T_KADDR_DIRECT), EFAULT, "uname into kernel memory");
	T_ERRNO(t_sys(SYS_sethostname, u.nodename, 65), am_root ? EINVAL : EPERM,
		"sethostname with 65 bytes");
	T_ERRNO(t_sys(SYS_setdomainname, "x", -1), am_root ? EINVAL : EPERM,
		"setdomainname with a negative length");
	if (!am_root) {
		t_skip("sethostname to the current name", "not root");
		return;
	}
	T_SYS(sethostname(u.nodename, strlen(u.nodename)), "sethostname to the current name");
	{
		struct utsname v;

		uname(&v);
		T_OK(!strcmp(u.nodename, v.nodename), "nodename unchanged (%s)", v.nodename);
	}
}

static void test_sysinfo(void)
{
	struct sysinfo si;
	struct timespec bt;
	unsigned long long total, freeb;

	if (!T_SYS(sysinfo(&si), "sysinfo"))
		return;
	total = (unsigned long long)si.totalram * si.mem_unit;
	freeb = (unsigned long long)si.freeram * si.mem_unit;
	T_OK(si.mem_unit >= 1, "mem_unit >= 1 (%u)", si.mem_unit);
	T_OK(total >= (16ULL << 20), "totalram at least 16 MiB (%llu)", total);
	T_OK(freeb > 0 && freeb <= total, "0 < freeram <= totalram (%llu)", freeb);
	T_OK(si.procs >= 1, "procs >= 1 (%u)", si.procs);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	T_OK((long)si.uptime >= (long)bt.tv_sec && (long)si.uptime <= (long)bt.tv_sec + 2,
	     "uptime %ld matches CLOCK_BOOTTIME %ld", si.uptime, (long)bt.tv_sec);
	T_ERRNO(t_sys(SYS_sysinfo, T_KADDR_TEXT), EFAULT, "sysinfo into kernel memory");
}

/*
 * True unless the caller is known to lack capability @bit (a container's
 * root may lack some; a kernel without capget grants root everything).
 */
static int have_cap(int bit)
{
	struct { uint32_t version; int pid; } hdr = { 0x20080522, 0 };
	struct { uint32_t eff, prm, inh; } data[2];

	if (t_sys(SYS_capget, &hdr, data) != 0)
		return 1;
	return (data[0].eff >> bit) & 1;
}

static int reboot_as_nobody(void *a)
{
	if (setgid(65534) || setuid(65534))
		return 10;
	errno = 0;
	if (t_sys(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		  LINUX_REBOOT_CMD_POWER_OFF, NULL) != -1 || errno != EPERM)
		return 1;
	return 0;
}

static void test_reboot_checks(void)
{
	if (am_root && have_cap(22))
		T_ERRNO(t_sys(SYS_reboot, 0xdeadbeef, LINUX_REBOOT_MAGIC2,
			      LINUX_REBOOT_CMD_POWER_OFF, NULL), EINVAL, "reboot with a bad magic");
	else
		t_skip("reboot with a bad magic", "no CAP_SYS_BOOT");
	if (am_root)
		t_expect_exit(t_child(reboot_as_nobody, NULL), 0, "reboot as a user -> EPERM");
	else
		T_ERRNO(t_sys(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			      LINUX_REBOOT_CMD_POWER_OFF, NULL), EPERM, "reboot as a user");
}

static void test_clocks(void)
{
	static const struct { clockid_t id; const char *name; } clocks[] = {
		{ CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" },
		{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID" },
		{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID" },
		{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" }, { CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
		{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" }, { CLOCK_BOOTTIME, "BOOTTIME" },
	};
	struct timespec a, b, res;
	struct timeval tv;
	long t;

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		int r = (int)t_sys(SYS_clock_gettime, clocks[i].id, &a);

		T_OK(r == 0 && a.tv_nsec >= 0 && a.tv_nsec < 1000000000L,
		     "clock_gettime(%s) = %lld.%09ld", clocks[i].name, (long long)a.tv_sec,
		     a.tv_nsec);
	}
	T_ERRNO(t_sys(SYS_clock_gettime, 100, &a), EINVAL, "clock_gettime of clock 100");
	T_ERRNO(t_sys(SYS_clock_gettime, CLOCK_MONOTONIC, T_KADDR_DIRECT), EFAULT,
		"clock_gettime into kernel memory");
	t_sys(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 1000; i++)
		t_sys(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
	T_OK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec),
	     "CLOCK_MONOTONIC does not go back");
	t_sys(SYS_clock_gettime, CLOCK_REALTIME, &a);
	gettimeofday(&tv, NULL);
	t = (long)t_sys(SYS_time, NULL);
	T_OK(labs(tv.tv_sec - a.tv_sec) <= 1 && labs(t - a.tv_sec) <= 1,
	     "REALTIME, gettimeofday and time agree (%ld %ld %ld)", (long)a.tv_sec,
	     (long)tv.tv_sec, t);
	T_OK(a.tv_sec > 1577836800, "the wall clock is after 2020 (%ld)", (long)a.tv_sec);
	T_SYS(t_sys(SYS_clock_getres, CLOCK_MONOTONIC, &res), "clock_getres(MONOTONIC)");
	T_OK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000,
	     "MONOTONIC resolution is fine (%ld ns)", res.tv_nsec);
	T_SYS(t_sys(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, &res), "clock_getres(COARSE)");
	T_OK(res.tv_sec == 0 && res.tv_nsec >= 1000000, "COARSE resolution is a tick (%ld ns)",
	     res.tv_nsec);
	T_EQ(t_sys(SYS_clock_getres, CLOCK_REALTIME, NULL), 0, "clock_getres with NULL");
	T_ERRNO(t_sys(SYS_clock_getres, 77, &res), EINVAL, "clock_getres of clock 77");
	T_ERRNO(t_sys(SYS_time, T_KADDR_DIRECT), EFAULT, "time into kernel memory");
}

static void test_sleeps(void)
{
	struct timespec ts = { 0, 20000000 }, bad = { 0, 1000000000L }, neg = { -1, 0 };
	struct timespec target, now;
	long long t0 = t_now_ns(), dt;

	T_EQ(t_sys(SYS_nanosleep, &ts, NULL), 0, "nanosleep 20 ms");
	dt = t_now_ns() - t0;
	T_OK(dt >= 20000000, "slept at least 20 ms (%lld ns)", dt);
	T_OK(dt < 2000000000, "and not 2 s (%lld ns)", dt);
	T_ERRNO(t_sys(SYS_nanosleep, &bad, NULL), EINVAL, "nanosleep with tv_nsec 1e9");
	T_ERRNO(t_sys(SYS_nanosleep, &neg, NULL), EINVAL, "nanosleep with tv_sec -1");
	T_ERRNO(t_sys(SYS_nanosleep, T_KADDR_DIRECT, NULL), EFAULT, "nanosleep from kernel memory");
	clock_gettime(CLOCK_MONOTONIC, &target);
	target.tv_nsec += 30000000;
	if (target.tv_nsec >= 1000000000L) {
		target.tv_sec++;
		target.tv_nsec -= 1000000000L;
	}
	T_EQ(t_sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL), 0,
	     "clock_nanosleep to an absolute time");
	clock_gettime(CLOCK_MONOTONIC, &now);
	T_OK(now.tv_sec > target.tv_sec ||
		     (now.tv_sec == target.tv_sec && now.tv_nsec >= target.tv_nsec),
	     "woke at or after the deadline");
	T_EQ(t_sys(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &(struct timespec){ 1, 0 },
		   NULL), 0, "clock_nanosleep to a time past returns at once");
	T_ERRNO(t_sys(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &ts, NULL), EOPNOTSUPP,
		"clock_nanosleep on MONOTONIC_RAW");
	T_ERRNO(t_sys(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL), EOPNOTSUPP,
		"clock_nanosleep on THREAD_CPUTIME_ID");
	T_ERRNO(t_sys(SYS_clock_nanosleep, 100, 0, &ts, NULL), EINVAL, "clock_nanosleep on clock 100");
}

static void on_usr1(int sig)
{
}

/* Sleep 300 ms through a stop and a continue: the sleep is restarted, not failed. */
static int sleep_through_stop(void *a)
{
	struct timespec ts = { 0, 300000000 };

	return t_sys(SYS_nanosleep, &ts, NULL) == 0 ? 0 : 1;
}

static void test_interrupted_sleeps(void)
{
	struct sigaction sa;
	struct timespec ts = { 2, 0 }, rem = { 0, 0 };
	pid_t parent = getpid(), child;
	int st;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	child = fork();
	if (child == 0) {
		t_sleep_ms(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	T_ERRNO(t_sys(SYS_nanosleep, &ts, &rem), EINTR, "a handled signal interrupts nanosleep");
	T_OK(rem.tv_sec >= 1 && rem.tv_sec <= 2 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000L,
	     "the time left is stored (%lld.%09ld)", (long long)rem.tv_sec, rem.tv_nsec);
	waitpid(child, &st, 0);
	signal(SIGUSR1, SIG_DFL);
	child = fork();
	if (child == 0)
		_exit(sleep_through_stop(NULL));
	t_sleep_ms(50);
	kill(child, SIGSTOP);
	waitpid(child, &st, WUNTRACED);
	kill(child, SIGCONT);
	waitpid(child, &st, 0);
	t_expect_exit(st, 0, "a stop and continue do not make nanosleep fail");
}

static long long cpu_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Spin until the process has used @ns more CPU time (or 5 s passed); true if it did. */
static int burn_cpu(long long ns)
{
	long long start = cpu_ns(CLOCK_PROCESS_CPUTIME_ID), t0 = t_now_ns();
	volatile unsigned long x = 0;

	while (cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - start < ns) {
		for (int i = 0; i < 100000; i++)
			x += i;
		if (t_now_ns() - t0 > 5000000000LL)
			return 0;
	}
	return 1;
}

static int burn_child(void *a)
{
	return burn_cpu(100000000) ? 0 : 1;
}

static void test_cpu_time(void)
{
	struct rusage ru;
	struct tms tms;
	long ticks, t1, t2;

	T_OK(burn_cpu(80000000), "CLOCK_PROCESS_CPUTIME_ID advances while spinning");
	T_OK(cpu_ns(CLOCK_THREAD_CPUTIME_ID) >= 50000000, "thread CPU time counts it too");
	t1 = (long)times(&tms);
	T_OK(t1 != -1, "times");
	ticks = tms.tms_utime + tms.tms_stime;
	T_OK(ticks >= 5, "times: utime + stime >= 5 ticks (%ld)", ticks);
	T_SYS(getrusage(RUSAGE_SELF, &ru), "getrusage(RUSAGE_SELF)");
	T_OK(ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000L +
			     ru.ru_stime.tv_usec >= 50000,
	     "getrusage: at least 50 ms of CPU");
	T_OK(ru.ru_maxrss > 0, "ru_maxrss > 0 (%ld KiB)", ru.ru_maxrss);
	T_SYS(getrusage(RUSAGE_THREAD, &ru), "getrusage(RUSAGE_THREAD)");
	t_expect_exit(t_child(burn_child, NULL), 0, "a child burns 100 ms");
	T_SYS(getrusage(RUSAGE_CHILDREN, &ru), "getrusage(RUSAGE_CHILDREN)");
	T_OK(ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000L +
			     ru.ru_stime.tv_usec >= 50000,
	     "children's CPU time is counted after wait");
	times(&tms);
	T_OK(tms.tms_cutime + tms.tms_cstime >= 5, "times: cutime + cstime >= 5 ticks");
	T_ERRNO(t_sys(SYS_getrusage, 5, &ru), EINVAL, "getrusage who=5");
	T_ERRNO(t_sys(SYS_getrusage, RUSAGE_SELF, T_KADDR_DIRECT), EFAULT,
		"getrusage into kernel memory");
	t2 = (long)t_sys(SYS_times, NULL);
	T_OK(t2 >= t1, "times(NULL) returns the clock, not going back");
}

/* In a child, as root: groups, then the id transitions as a user. 0 when all held. */
static int ids_child(void *a)
{
	gid_t g[2] = { 6, 5 }, got[4];
	uid_t r, e, s;
	int n = 1;

	if (setgroups(2, g))
		return n;
	n++;
	if (getgroups(0, NULL) != 2 || getgroups(4, got) != 2 || got[0] != 5 || got[1] != 6)
		return n;
	n++;
	if (getgroups(1, got) != -1 || errno != EINVAL)
		return n;
	n++;
	if (t_sys(SYS_setgroups, -1, g) != -1 || errno != EINVAL)
		return n;
	n++;
	if (setresgid(100, 200, 300) || getresgid(&r, &e, &s) || r != 100 || e != 200 || s != 300)
		return n;
	n++;
	if (getgid() != 100 || getegid() != 200)
		return n;
	n++;
	if (setresuid(1000, 2000, 3000) || getresuid(&r, &e, &s) || r != 1000 || e != 2000 ||
	    s != 3000)
		return n;
	n++;
	if (getuid() != 1000 || geteuid() != 2000)
		return n;
	n++;
	if (t_sys(SYS_setuid, 3000) || getresuid(&r, &e, &s) || r != 1000 || e != 3000 || s != 3000)
		return n;	/* a user may take its saved id */
	n++;
	if (t_sys(SYS_setuid, 4000) != -1 || errno != EPERM)
		return n;
	n++;
	if (t_sys(SYS_setfsuid, 1000) != 3000 || t_sys(SYS_setfsuid, -1) != 1000)
		return n;	/* returns the old fs id; -1 only asks */
	n++;
	if (t_sys(SYS_setfsuid, 4242) != 1000 || t_sys(SYS_setfsuid, -1) != 1000)
		return n;	/* refused, silently */
	n++;
	if (t_sys(SYS_setreuid, -1, 1000) || getresuid(&r, &e, &s) || e != 1000 || s != 3000)
		return n;	/* effective back to the real id: saved unchanged */
	return 0;
}

static int setreuid_child(void *a)
{
	uid_t r, e, s;

	if (setresuid(1000, 2000, 3000))
		return 1;
	/* A user may set the real id to the real or effective id only. */
	if (t_sys(SYS_setreuid, 3000, -1) != -1 || errno != EPERM)
		return 2;
	if (t_sys(SYS_setreuid, 2000, 1000) || getresuid(&r, &e, &s) || r != 2000 || e != 1000 ||
	    s != 1000)
		return 3;	/* real changed: saved follows the effective id */
	if (t_sys(SYS_setresuid, -1, 5000, -1) != -1 || errno != EPERM)
		return 4;
	if (t_sys(SYS_setgroups, 0, NULL) != -1 || errno != EPERM)
		return 5;
	if (t_sys(SYS_setuid, -1) != -1 || errno != EINVAL)
		return 6;
	return 0;
}

static void test_ids(void)
{
	uid_t r, e, s;
	int st;

	T_SYS(getresuid(&r, &e, &s), "getresuid");
	T_OK(r == getuid() && e == geteuid(), "getresuid agrees with getuid/geteuid");
	T_SYS(getresgid(&r, &e, &s), "getresgid");
	T_OK(r == getgid() && e == getegid(), "getresgid agrees with getgid/getegid");
	T_ERRNO(t_sys(SYS_getresuid, T_KADDR_DIRECT, &e, &s), EFAULT, "getresuid into kernel memory");
	T_OK(getgroups(0, NULL) >= 0, "getgroups(0) counts the groups");
	T_ERRNO(t_sys(SYS_getgroups, -1, NULL), EINVAL, "getgroups(-1)");
	if (!am_root) {
		t_skip("id transitions", "not root");
		return;
	}
	st = t_child(ids_child, NULL);
	t_expect_exit(st, 0, "groups and set*id transitions (a failing step's number otherwise)");
	t_expect_exit(t_child(setreuid_child, NULL), 0, "setreuid rules and user refusals");
}

static int nice_child(void *a)
{
	if (setpriority(PRIO_PROCESS, 0, 5) || getpriority(PRIO_PROCESS, 0) != 5)
		return 1;
	if (t_sys(SYS_getpriority, PRIO_PROCESS, 0) != 15)
		return 2;	/* the raw call returns 20 - nice */
	if (setpriority(PRIO_PROCESS, 0, 100) || getpriority(PRIO_PROCESS, 0) != 19)
		return 3;	/* clamped */
	if (setpgid(0, 0) || setpriority(PRIO_PGRP, 0, 7) || getpriority(PRIO_PGRP, 0) != 7)
		return 4;
	if (setpriority(PRIO_PROCESS, getpid(), 10))
		return 5;
	if (am_root) {
		if (setpriority(PRIO_PROCESS, 0, 2))
			return 6;	/* root may lower it */
		if (setuid(65534))
			return 7;
	}
	if (t_sys(SYS_setpriority, PRIO_PROCESS, 0, 0) != -1 || errno != EACCES)
		return 8;
	if (setpriority(PRIO_PROCESS, 0, 15))
		return 9;	/* raising is always allowed */
	if (am_root && (t_sys(SYS_setpriority, PRIO_PROCESS, 1, 19) != -1 || errno != EPERM))
		return 10;	/* another user's process */
	return 0;
}

static void test_priority(void)
{
	long raw = (long)t_sys(SYS_getpriority, PRIO_PROCESS, 0);

	T_OK(raw >= 1 && raw <= 40, "raw getpriority is 20 - nice (%ld)", raw);
	T_EQ(getpriority(PRIO_PROCESS, 0), 20 - raw, "libc getpriority gives the nice value");
	T_OK(t_sys(SYS_getpriority, PRIO_USER, 0) >= 1, "getpriority(PRIO_USER, 0)");
	T_OK(t_sys(SYS_getpriority, PRIO_PGRP, 0) >= 1, "getpriority(PRIO_PGRP, 0)");
	T_ERRNO(t_sys(SYS_getpriority, PRIO_PROCESS, NO_PID), ESRCH, "getpriority of no process");
	T_ERRNO(t_sys(SYS_getpriority, 7, 0), EINVAL, "getpriority which=7");
	T_ERRNO(t_sys(SYS_setpriority, PRIO_PGRP, NO_PID, 0), ESRCH, "setpriority of no group");
	T_ERRNO(t_sys(SYS_setpriority, -1, 0, 0), EINVAL, "setpriority which=-1");
	t_expect_exit(t_child(nice_child, NULL), 0, "nice values: set, clamp, groups, EACCES");
	T_EQ(sched_yield(), 0, "sched_yield");
}

static void test_affinity(void)
{
	uint64_t mask[16], one[16];
	long n;
	int first = -1, count = 0;

	memset(mask, 0, sizeof(mask));
	n = (long)t_sys(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	T_OK(n > 0 && n % 8 == 0 && n <= (long)sizeof(mask),
	     "sched_getaffinity returns the mask size in bytes (%ld)", n);
	for (int i = 0; i < 64 * 16; i++) {
		if ((mask[i / 64] >> (i % 64)) & 1) {
			if (first < 0)
				first = i;
			count++;
		}
	}
	T_OK(count >= 1, "at least one CPU allowed (%d)", count);
	T_ERRNO(t_sys(SYS_sched_getaffinity, 0, 4, mask), EINVAL, "sched_getaffinity len 4");
	T_ERRNO(t_sys(SYS_sched_getaffinity, 0, 0, mask), EINVAL, "sched_getaffinity len 0");
	T_ERRNO(t_sys(SYS_sched_getaffinity, NO_PID, sizeof(mask), mask), ESRCH,
		"sched_getaffinity of no process");
	T_ERRNO(t_sys(SYS_sched_getaffinity, 0, sizeof(mask), T_KADDR_DIRECT), EFAULT,
		"sched_getaffinity into kernel memory");
	memset(one, 0, sizeof(one));
	T_ERRNO(t_sys(SYS_sched_setaffinity, 0, sizeof(one), one), EINVAL,
		"sched_setaffinity to no CPU");
	if (first < 0)
		return;
	one[first / 64] = 1ULL << (first % 64);
	T_EQ(t_sys(SYS_sched_setaffinity, 0, sizeof(one), one), 0, "pin to CPU %d", first);
	memset(one, 0xff, sizeof(one));
	t_sys(SYS_sched_getaffinity, 0, sizeof(one), one);
	T_OK(one[first / 64] == 1ULL << (first % 64), "the mask reads back as that one CPU");
	T_EQ(t_sys(SYS_sched_setaffinity, 0, (size_t)n, mask), 0, "restore the mask");
	T_ERRNO(t_sys(SYS_sched_setaffinity, NO_PID, (size_t)n, mask), ESRCH,
		"sched_setaffinity of no process");
}

static int rt_child(void *a)
{
	int prio = 10;

	if (setuid(65534))
		return 1;
	if (t_sys(SYS_sched_setscheduler, 0, SCHED_FIFO_, &prio) != -1 || errno != EPERM)
		return 2;
	return 0;
}

static void test_sched_policy(void)
{
	int prio = 0, bad = 1;

	T_EQ(t_sys(SYS_sched_getscheduler, 0), SCHED_OTHER_, "sched_getscheduler is SCHED_OTHER");
	T_ERRNO(t_sys(SYS_sched_getscheduler, NO_PID), ESRCH, "sched_getscheduler of no process");
	T_ERRNO(t_sys(SYS_sched_getscheduler, -1), EINVAL, "sched_getscheduler(-1)");
	T_EQ(t_sys(SYS_sched_get_priority_max, SCHED_FIFO_), 99, "priority max of SCHED_FIFO");
	T_EQ(t_sys(SYS_sched_get_priority_min, SCHED_RR_), 1, "priority min of SCHED_RR");
	T_EQ(t_sys(SYS_sched_get_priority_max, SCHED_OTHER_), 0, "priority max of SCHED_OTHER");
	T_EQ(t_sys(SYS_sched_get_priority_min, SCHED_DEADLINE_), 0, "priority min of SCHED_DEADLINE");
	T_ERRNO(t_sys(SYS_sched_get_priority_max, 42), EINVAL, "priority max of policy 42");
	prio = -1;
	T_EQ(t_sys(SYS_sched_getparam, 0, &prio), 0, "sched_getparam");
	T_EQ(prio, 0, "priority of a SCHED_OTHER task is 0");
	T_ERRNO(t_sys(SYS_sched_getparam, 0, NULL), EINVAL, "sched_getparam(NULL)");
	prio = 0;
	T_EQ(t_sys(SYS_sched_setscheduler, 0, SCHED_OTHER_, &prio), 0,
	     "sched_setscheduler(SCHED_OTHER, 0)");
	T_ERRNO(t_sys(SYS_sched_setscheduler, 0, SCHED_OTHER_, &bad), EINVAL,
		"sched_setscheduler(SCHED_OTHER, 1)");
	T_ERRNO(t_sys(SYS_sched_setscheduler, 0, SCHED_FIFO_, &prio), EINVAL,
		"sched_setscheduler(SCHED_FIFO, 0)");
	T_ERRNO(t_sys(SYS_sched_setscheduler, 0, 42, &prio), EINVAL, "sched_setscheduler(42)");
	T_ERRNO(t_sys(SYS_sched_setscheduler, NO_PID, SCHED_OTHER_, &prio), ESRCH,
		"sched_setscheduler of no process");
	T_EQ(t_sys(SYS_sched_setparam, 0, &prio), 0, "sched_setparam(0)");
	T_ERRNO(t_sys(SYS_sched_setparam, 0, &bad), EINVAL, "sched_setparam(1) for SCHED_OTHER");
	if (am_root)
		t_expect_exit(t_child(rt_child, NULL), 0, "SCHED_FIFO as a user -> EPERM");
}

static int rlimit_child(void *a)
{
	struct rlimit rl, got;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	rl.rlim_cur = 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) || getrlimit(RLIMIT_NOFILE, &got) || got.rlim_cur != 64)
		return 2;
	if (open("/", O_RDONLY) < 0)
		return 3;
	rl.rlim_max = 100;
	if (setrlimit(RLIMIT_NOFILE, &rl) || getrlimit(RLIMIT_NOFILE, &got) || got.rlim_max != 100)
		return 4;
	if (am_root && have_cap(24)) {	/* CAP_SYS_RESOURCE */
		rl.rlim_max = 200;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			return 5;	/* root may raise it again */
	}
	if (am_root && setuid(65534))
		return 6;
	rl.rlim_max += 1;
	if (setrlimit(RLIMIT_NOFILE, &rl) != -1 || errno != EPERM)
		return 7;
	rl.rlim_max -= 1;
	rl.rlim_cur = rl.rlim_max + 1;
	if (setrlimit(RLIMIT_NOFILE, &rl) != -1 || errno != EINVAL)
		return 8;
	return 0;
}

static void test_rlimits(void)
{
	struct rlimit rl;
	struct { uint64_t cur, max; } old, old2;

	T_SYS(getrlimit(RLIMIT_NOFILE, &rl), "getrlimit(RLIMIT_NOFILE)");
	T_OK(rl.rlim_cur <= rl.rlim_max && rl.rlim_cur >= 64, "NOFILE soft %lu <= hard %lu",
	     (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
	T_SYS(getrlimit(RLIMIT_STACK, &rl), "getrlimit(RLIMIT_STACK)");
	T_OK(rl.rlim_cur >= (1 << 20), "a stack limit of at least 1 MiB (%lu)",
	     (unsigned long)rl.rlim_cur);
	T_EQ(t_sys(SYS_prlimit64, 0, RLIMIT_CORE, NULL, &old), 0, "prlimit64 reads");
	getrlimit(RLIMIT_CORE, &rl);
	T_OK(old.cur == rl.rlim_cur && old.max == rl.rlim_max, "prlimit64 agrees with getrlimit");
	T_EQ(t_sys(SYS_prlimit64, getpid(), RLIMIT_CORE, &old, &old2), 0,
	     "prlimit64 sets (the same value) by pid");
	T_OK(old2.cur == old.cur, "and returns the old value");
	T_ERRNO(t_sys(SYS_prlimit64, 0, 16, NULL, &old), EINVAL, "prlimit64 of resource 16");
	T_ERRNO(t_sys(SYS_getrlimit, 99, &rl), EINVAL, "getrlimit of resource 99");
	T_ERRNO(t_sys(SYS_prlimit64, NO_PID, RLIMIT_CORE, NULL, &old), ESRCH,
		"prlimit64 of no process");
	T_ERRNO(t_sys(SYS_getrlimit, RLIMIT_CORE, T_KADDR_DIRECT), EFAULT,
		"getrlimit into kernel memory");
	T_ERRNO(t_sys(SYS_setrlimit, RLIMIT_CORE, T_KADDR_DIRECT), EFAULT,
		"setrlimit from kernel memory");
	t_expect_exit(t_child(rlimit_child, NULL), 0, "lowering, raising and EPERM/EINVAL");
}

int main(int argc, char **argv)
{
	t_init("t_sysinfo");
	am_root = geteuid() == 0;
	test_uname();
	test_sysinfo();
	test_reboot_checks();
	test_clocks();
	test_sleeps();
	test_interrupted_sleeps();
	test_cpu_time();
	test_ids();
	test_priority();
	test_affinity();
	test_sched_policy();
	test_rlimits();
	return t_done();
}
