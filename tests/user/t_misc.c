/*
 * t_misc - the small system calls: uname, getrandom, rlimits (getrlimit,
 * setrlimit, prlimit64), sysinfo, umask, user and group ids, sched_yield,
 * CPU affinity, nice values (getpriority/setpriority and their range),
 * hostname, with Linux's errno values.
 */
#include "t.h"
#include <sched.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

struct t_rlimit64 {
	uint64_t cur, max;
};

static void test_uname(void)
{
	struct utsname u;
	char host[128];

	T_SYS(uname(&u), "uname");
	T_OK(!strcmp(u.sysname, "Linux"), "sysname is \"Linux\" (%s)", u.sysname);
	T_OK(!strcmp(u.machine, "x86_64"), "machine is \"x86_64\" (%s)", u.machine);
	T_OK(u.release[0] >= '0' && u.release[0] <= '9', "release starts with a digit (%s)", u.release);
	T_OK(u.version[0] != 0, "version is not empty");
	T_ERRNO(t_sys(SYS_uname, T_KADDR_DIRECT), EFAULT, "uname into kernel memory");
	T_SYS(gethostname(host, sizeof(host)), "gethostname");
	T_OK(!strcmp(host, u.nodename), "gethostname matches uname's nodename");
	if (geteuid() == 0) {
		T_SYS(sethostname(host, strlen(host)), "sethostname to the same name");
		char big[100];
		memset(big, 'h', sizeof(big));
		T_ERRNO(sethostname(big, 65), EINVAL, "sethostname longer than 64");
	}
}

static void test_getrandom(void)
{
	unsigned char a[32], b[32], z[32] = { 0 };

	T_EQ(t_sys(SYS_getrandom, a, sizeof(a), 0), 32, "getrandom 32 bytes");
	T_EQ(t_sys(SYS_getrandom, b, sizeof(b), 1 /* GRND_NONBLOCK */), 32, "getrandom GRND_NONBLOCK");
	T_OK(memcmp(a, z, 32) && memcmp(a, b, 32), "random bytes are not zero and differ");
	T_EQ(t_sys(SYS_getrandom, a, 0, 0), 0, "getrandom of 0 bytes");
	T_ERRNO(t_sys(SYS_getrandom, a, sizeof(a), 0x80), EINVAL, "getrandom with an unknown flag");
	T_ERRNO(t_sys(SYS_getrandom, T_KADDR_DIRECT, 16, 0), EFAULT, "getrandom into kernel memory");
	static unsigned char big[1 << 16];
	long n = t_sys(SYS_getrandom, big, sizeof(big), 0);
	T_OK(n > 0 && n <= (long)sizeof(big), "getrandom of 64 KiB returns up to 64 KiB (%ld)", n);
	int counts[256] = { 0 }, maxc = 0;
	for (long i = 0; i < n; i++)
		counts[big[i]]++;
	for (int i = 0; i < 256; i++)
		maxc = counts[i] > maxc ? counts[i] : maxc;
	T_OK(n < 4096 || maxc < n / 256 * 2, "byte values roughly uniform");
}

static int rlimit_child(void *arg)
{
	struct rlimit r = { 100, 200 }, g;
	struct t_rlimit64 n = { 50, 150 }, o;

	if (setrlimit(RLIMIT_NOFILE, &r))
		return 1;
	getrlimit(RLIMIT_NOFILE, &g);
	if (g.rlim_cur != 100 || g.rlim_max != 200)
		return 2;
	r.rlim_cur = 300;
	if (setrlimit(RLIMIT_NOFILE, &r) != -1 || errno != EINVAL)
		return 3; /* soft above hard */
	if (t_sys(SYS_prlimit64, 0, RLIMIT_NOFILE, &n, &o))
		return 4;
	if (o.cur != 100 || o.max != 200)
		return 5;
	getrlimit(RLIMIT_NOFILE, &g);
	if (g.rlim_cur != 50 || g.rlim_max != 150)
		return 6;
	if (geteuid() == 0)
		return 0;
	/* a non-root process cannot raise its hard limit */
	r.rlim_cur = 50;
	r.rlim_max = 1000;
	if (setrlimit(RLIMIT_NOFILE, &r) != -1 || errno != EPERM)
		return 7;
	return 0;
}

static void test_rlimits(void)
{
	struct rlimit r;
	struct t_rlimit64 o;

	T_SYS(getrlimit(RLIMIT_NOFILE, &r), "getrlimit RLIMIT_NOFILE");
	T_OK(r.rlim_cur <= r.rlim_max, "soft <= hard");
	T_SYS(getrlimit(RLIMIT_STACK, &r), "getrlimit RLIMIT_STACK");
	T_OK(r.rlim_cur >= 128 * 1024, "stack limit at least 128 KiB");
	T_SYS(t_sys(SYS_prlimit64, getpid(), RLIMIT_AS, NULL, &o), "prlimit64 read-only query");
	T_ERRNO(getrlimit(99, &r), EINVAL, "getrlimit of an unknown resource");
	T_ERRNO(t_sys(SYS_prlimit64, 0x3ffffff0, RLIMIT_NOFILE, NULL, &o), ESRCH, "prlimit64 of no process");
	T_ERRNO(t_sys(SYS_getrlimit, RLIMIT_NOFILE, T_KADDR_DIRECT), EFAULT, "getrlimit into kernel memory");
	t_expect_exit(t_child(rlimit_child, NULL), 0, "setrlimit/prlimit64 round trips and the soft>hard EINVAL");
}

static void test_sysinfo(void)
{
	struct sysinfo si;

	T_SYS(sysinfo(&si), "sysinfo");
	T_OK(si.mem_unit >= 1 && si.totalram > 0, "totalram > 0");
	T_OK(si.freeram <= si.totalram, "freeram <= totalram");
	T_OK((long)si.uptime >= 0 && (long)si.uptime < 100L * 365 * 86400, "uptime plausible (%ld s)", (long)si.uptime);
	T_OK(si.procs >= 1, "procs >= 1 (%d)", si.procs);
	T_ERRNO(t_sys(SYS_sysinfo, T_KADDR_DIRECT), EFAULT, "sysinfo into kernel memory");
}

static int setuid_child(void *arg)
{
	uid_t r, e, s;

	if (setgid(1234) || getgid() != 1234 || getegid() != 1234)
		return 1;
	if (setuid(1000) || getuid() != 1000 || geteuid() != 1000)
		return 2;
	getresuid(&r, &e, &s);
	if (r != 1000 || e != 1000 || s != 1000)
		return 3;
	if (setuid(0) != -1 || errno != EPERM)
		return 4;
	if (setgid(0) != -1 || errno != EPERM)
		return 5;
	return 0;
}

static void test_ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	T_SYS(getresuid(&r, &e, &s), "getresuid");
	T_OK(r == getuid() && e == geteuid(), "getresuid agrees with getuid/geteuid");
	T_SYS(getresgid(&gr, &ge, &gs), "getresgid");
	T_OK(gr == getgid() && ge == getegid(), "getresgid agrees with getgid/getegid");
	int n = getgroups(0, NULL);
	T_OK(n >= 0, "getgroups count (%d)", n);
	gid_t g[1];
	if (n > 1)
		T_ERRNO(getgroups(1, g), EINVAL, "getgroups with a too small list");
	if (geteuid() == 0)
		t_expect_exit(t_child(setuid_child, NULL), 0, "root drops to uid 1000, then cannot go back (EPERM)");
	else
		t_skip("setuid from root", "not root");
}

static void test_sched(void)
{
	cpu_set_t set, one;

	T_SYS(sched_yield(), "sched_yield");
	CPU_ZERO(&set);
	T_SYS(sched_getaffinity(0, sizeof(set), &set), "sched_getaffinity");
	int n = CPU_COUNT(&set);
	T_OK(n >= 1, "at least one CPU allowed (%d)", n);
	long r = t_sys(SYS_sched_getaffinity, 0, sizeof(set), &set);
	T_OK(r >= 8 && r % 8 == 0 && r <= (long)sizeof(set), "raw sched_getaffinity returns the mask size (%ld)", r);
	T_ERRNO(t_sys(SYS_sched_getaffinity, 0, 4, &set), EINVAL, "sched_getaffinity with a 4-byte mask");
	T_SYS(sched_setaffinity(0, sizeof(set), &set), "sched_setaffinity with the same mask");
	CPU_ZERO(&one);
	T_ERRNO(sched_setaffinity(0, sizeof(one), &one), EINVAL, "sched_setaffinity with an empty mask");
	T_ERRNO(sched_getaffinity(0x3ffffff0, sizeof(set), &set), ESRCH, "sched_getaffinity of no process");
	T_EQ(t_sys(SYS_sched_getscheduler, 0), SCHED_OTHER, "the policy is SCHED_OTHER");
}

static int nice_child(void *arg)
{
	errno = 0;
	if (setpriority(PRIO_PROCESS, 0, 5) || getpriority(PRIO_PROCESS, 0) != 5)
		return 1;
	if (setpriority(PRIO_PROCESS, 0, 100) || getpriority(PRIO_PROCESS, 0) != 19)
		return 2; /* clamped to 19 */
	if (t_sys(SYS_getpriority, PRIO_PROCESS, 0) != 1)
		return 3; /* the raw call returns 20 - nice */
	if (geteuid() != 0)
		return 0;
	if (setpriority(PRIO_PROCESS, 0, -100) || getpriority(PRIO_PROCESS, 0) != -20)
		return 4; /* root: clamped to -20 */
	setpriority(PRIO_PROCESS, 0, 0);
	if (setuid(1000))
		return 5;
	if (setpriority(PRIO_PROCESS, 0, -1) != -1 || errno != EACCES)
		return 6; /* an unprivileged process cannot lower its nice */
	errno = 0;
	if (nice(3) != 3 || errno)
		return 7;
	return 0;
}

static void test_nice(void)
{
	errno = 0;
	int p = getpriority(PRIO_PROCESS, 0);
	T_OK(errno == 0 && p >= -20 && p <= 19, "getpriority in -20..19 (%d)", p);
	T_ERRNO(getpriority(99, 0), EINVAL, "getpriority with an unknown which");
	T_ERRNO(setpriority(PRIO_PROCESS, 0x3ffffff0, 1), ESRCH, "setpriority of no process");
	t_expect_exit(t_child(nice_child, NULL), 0, "setpriority round trips, clamps to 19/-20, EACCES when unprivileged");
}

static void test_umask(void)
{
	mode_t old = umask(0123);
	T_EQ(umask(old), 0123, "umask round trip");
	T_EQ(umask(0777 | 07000) & 07000, 0, "umask keeps only the permission bits");
	umask(old);
}

int main(int argc, char **argv)
{
	t_init("t_misc");
	test_uname();
	test_getrandom();
	test_rlimits();
	test_sysinfo();
	test_ids();
	test_sched();
	test_nice();
	test_umask();
	return t_done();
}
