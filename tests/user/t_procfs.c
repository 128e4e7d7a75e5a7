/*
 * t_procfs - /proc as programs parse it: the process's own stat, status,
 * statm, cmdline, comm, environ, maps, fd and exe; another process's state
 * (stopped, zombie); the system files (meminfo, uptime, loadavg, stat,
 * cpuinfo, version, filesystems, mounts, cmdline, sys/kernel) in the
 * formats ps, top, free and uptime expect. Mounts /proc if nothing is
 * there. Built static with musl-gcc and gcc; runs on Linux and on Ferrite.
 */
#include "t.h"
#include <sys/mount.h>
#include <sys/utsname.h>

static char text[1 << 16];

/* Read a whole /proc file into text (NUL-terminated); its length or -1. */
static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	text[0] = '\0';
	if (fd < 0)
		return -1;
	n = t_read_all(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return -1;
	text[n] = '\0';
	return n;
}

/* text without its last newline, for messages. */
static const char *chomped(void)
{
	static char copy[256];
	size_t n;

	snprintf(copy, sizeof(copy), "%.255s", text);
	n = strlen(copy);
	if (n && copy[n - 1] == '\n')
		copy[n - 1] = '\0';
	return copy;
}

/* The line of text starting with @prefix (static copy without newline), or NULL. */
static const char *line_of(const char *prefix)
{
	static char line[1024];
	const char *p = text;
	size_t len = strlen(prefix);

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (!strncmp(p, prefix, len) && n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			return line;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void ensure_proc(void)
{
	struct stat st;

	if (stat("/proc/self", &st) == 0)
		return;
	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", 0, NULL) != 0)
		t_say("# mount proc: %s", strerror(errno));
}

/* Fields of /proc/PID/stat after the command name: state is field 3. */
struct stat_fields {
	int pid;
	char comm[64];
	char state;
	long f[64];	/* f[4] = field 4 (ppid) ... */
	int count;
};

static int parse_stat(const char *path, struct stat_fields *sf)
{
	const char *open_paren, *close_paren, *p;
	char *end;

	memset(sf, 0, sizeof(*sf));
	if (slurp(path) < 0)
		return -1;
	open_paren = strchr(text, '(');
	close_paren = strrchr(text, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -1;
	sf->pid = atoi(text);
	snprintf(sf->comm, sizeof(sf->comm), "%.*s", (int)(close_paren - open_paren - 1),
		 open_paren + 1);
	sf->state = close_paren[2];
	sf->count = 3;
	for (p = close_paren + 3; *p && *p != '\n'; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			return -1;
		sf->count++;
		if (sf->count < 64)
			sf->f[sf->count] = v;
	}
	return 0;
}

static void test_self_link(void)
{
	char buf[64], want[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	snprintf(want, sizeof(want), "%d", (int)getpid());
	T_OK(n > 0 && (buf[n] = '\0', !strcmp(buf, want)), "/proc/self -> %s", want);
}

static void test_self_stat(const char *prog)
{
	struct stat_fields sf;

	if (!T_SYS(parse_stat("/proc/self/stat", &sf), "parse /proc/self/stat"))
		return;
	T_EQ(sf.pid, getpid(), "stat: pid");
	T_OK(!strncmp(sf.comm, prog, 15), "stat: comm (%s)", sf.comm);
	T_OK(sf.state == 'R', "stat: state R (%c)", sf.state);
	T_EQ(sf.f[4], getppid(), "stat: ppid");
	T_EQ(sf.f[5], getpgrp(), "stat: pgrp");
	T_EQ(sf.f[6], getsid(0), "stat: session");
	T_OK(sf.count >= 52, "stat: at least 52 fields (%d)", sf.count);
	T_EQ(sf.f[19], 0, "stat: nice 0");
	T_EQ(sf.f[18], 20, "stat: priority 20");
	T_EQ(sf.f[20], 1, "stat: one thread");
	T_OK(sf.f[23] > 0, "stat: vsize > 0 (%ld)", sf.f[23]);
	T_OK(sf.f[24] > 0, "stat: rss > 0 (%ld)", sf.f[24]);
	T_OK(sf.f[38] == SIGCHLD, "stat: exit_signal SIGCHLD (%ld)", sf.f[38]);
}

static void test_self_status(const char *prog)
{
	const char *l;
	char want[64];

	if (!T_OK(slurp("/proc/self/status") > 0, "read /proc/self/status"))
		return;
	l = line_of("Name:");
	T_OK(l && !strncmp(l + 6, prog, 15), "status: Name (%s)", l ? l : "missing");
	l = line_of("State:");
	T_OK(l && !strcmp(l, "State:\tR (running)"), "status: State (%s)", l ? l : "missing");
	snprintf(want, sizeof(want), "Pid:\t%d", (int)getpid());
	T_OK((l = line_of("Pid:")) && !strcmp(l, want), "status: %s", want);
	snprintf(want, sizeof(want), "PPid:\t%d", (int)getppid());
	T_OK((l = line_of("PPid:")) && !strcmp(l, want), "status: %s", want);
	snprintf(want, sizeof(want), "Uid:\t%d\t%d\t%d\t%d", (int)getuid(), (int)geteuid(),
		 (int)geteuid(), (int)geteuid());
	l = line_of("Uid:");
	T_OK(l && !strcmp(l, want), "status: Uid line (%s)", l ? l : "missing");
	T_OK((l = line_of("Threads:")) && !strcmp(l, "Threads:\t1"), "status: Threads 1");
	l = line_of("VmRSS:");
	T_OK(l && strstr(l, " kB"), "status: VmRSS in kB (%s)", l ? l : "missing");
	T_OK((l = line_of("SigBlk:")) && strlen(l) == 8 + 16, "status: SigBlk is 16 hex digits");
	T_OK(line_of("Cpus_allowed_list:") != NULL, "status: Cpus_allowed_list");
	T_OK((l = line_of("Groups:")) != NULL, "status: Groups line");
}

static void test_self_small_files(int argc, char **argv, const char *prog)
{
	long n = slurp("/proc/self/cmdline"), want = 0;
	unsigned long size = 0, resident = 0;
	char comm[32];

	for (int i = 0; i < argc; i++)
		want += (long)strlen(argv[i]) + 1;
	T_EQ(n, want, "cmdline length is argv's with NULs");
	T_OK(n > 0 && !strcmp(text, argv[0]), "cmdline starts with argv[0]");
	snprintf(comm, sizeof(comm), "%.15s\n", prog);
	slurp("/proc/self/comm");
	T_OK(!strcmp(text, comm), "comm is the name (%s)", chomped());
	T_OK(slurp("/proc/self/statm") > 0 && sscanf(text, "%lu %lu", &size, &resident) == 2 &&
		     size >= resident && resident > 0,
	     "statm: size >= resident > 0 (%lu %lu)", size, resident);
	n = slurp("/proc/self/environ");
	T_OK(n >= 0, "environ readable (%ld bytes)", n);
	if (getenv("PATH"))
		T_OK(memmem(text, (size_t)n, "PATH=", 5) != NULL, "environ has PATH=");
}

static void test_self_maps(void)
{
	unsigned long lo, hi, off, ino, code = (unsigned long)&test_self_maps;
	unsigned long stack = (unsigned long)&lo;
	char perms[8], dev[16];
	int lines = 0, bad = 0, code_ok = 0, stack_ok = 0;

	if (!T_OK(slurp("/proc/self/maps") > 0, "read /proc/self/maps"))
		return;
	for (char *p = text; *p; p = strchr(p, '\n') + 1) {
		int name = 0;

		lines++;
		if (sscanf(p, "%lx-%lx %4s %lx %15s %lu %n", &lo, &hi, perms, &off, dev, &ino,
			   &name) < 6 || lo >= hi || strlen(perms) != 4)
			bad++;
		if (code >= lo && code < hi && perms[2] == 'x')
			code_ok = 1;
		if (stack >= lo && stack < hi && !strncmp(p + 73, "[stack]", 7))
			stack_ok = 1;
		if (!strchr(p, '\n'))
			break;
	}
	T_OK(lines >= 3 && !bad, "maps: %d well-formed lines", lines);
	T_OK(code_ok, "maps: this function is in an executable area");
	T_OK(stack_ok, "maps: the stack area is named [stack] at column 73");
}

static void test_self_fd(void)
{
	char link[256];
	int fd = open("/proc/self/status", O_RDONLY), seen = 0;
	DIR *d;
	struct dirent *e;
	ssize_t n;
	char path[64];

	if (!T_OK(fd >= 0, "open a file to look at"))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0)
		link[n] = '\0';
	T_OK(n > 0 && strstr(link, "/status") != NULL, "fd link names the file (%s)",
	     n > 0 ? link : "error");
	d = opendir("/proc/self/fd");
	while (d && (e = readdir(d)))
		if (atoi(e->d_name) == fd && e->d_name[0] != '.')
			seen = 1;
	if (d)
		closedir(d);
	T_OK(seen, "/proc/self/fd lists the descriptor");
	close(fd);
	T_ERRNO(readlink(path, link, sizeof(link)), ENOENT, "a closed descriptor's link is gone");
}

static void test_exe(void)
{
	char link[512];
	ssize_t n = readlink("/proc/self/exe", link, sizeof(link) - 1);

	if (n >= 0)
		link[n] = '\0';
	T_OK(n > 0 && !strcmp(link, t_self), "/proc/self/exe is this program (%s)",
	     n > 0 ? link : "error");
}

static int child_pause(void *a)
{
	pause();
	return 0;
}

static void test_other_process(void)
{
	struct stat_fields sf;
	char path[64];
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		child_pause(NULL);
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	T_OK(parse_stat(path, &sf) == 0 && sf.state == 'T', "a stopped child is T (%c)", sf.state);
	T_EQ(sf.f[4], getpid(), "its ppid is us");
	kill(pid, SIGKILL);
	for (int i = 0; i < 100; i++) {
		if (parse_stat(path, &sf) == 0 && sf.state == 'Z')
			break;
		t_sleep_ms(10);
	}
	T_OK(sf.state == 'Z', "a dead, unreaped child is Z (%c)", sf.state);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	T_EQ(slurp(path), 0, "a zombie's cmdline is empty");
	waitpid(pid, &st, 0);
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	T_ERRNO(access(path, F_OK), ENOENT, "a reaped child's directory is gone");
}

static void test_proc_dir(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int self = 0, me = 0, meminfo = 0;

	if (!T_OK(d != NULL, "opendir /proc"))
		return;
	while ((e = readdir(d))) {
		self |= !strcmp(e->d_name, "self");
		meminfo |= !strcmp(e->d_name, "meminfo");
		me |= atoi(e->d_name) == getpid();
	}
	closedir(d);
	T_OK(self && meminfo, "/proc lists self and meminfo");
	T_OK(me, "/proc lists our pid");
	T_ERRNO(open("/proc/999999999/stat", O_RDONLY), ENOENT, "/proc/999999999 does not exist");
	T_ERRNO(open("/proc/nonexistent", O_RDONLY), ENOENT, "/proc/nonexistent");
	if (geteuid() != 0) {
		T_ERRNO(open("/proc/meminfo", O_WRONLY), EACCES, "/proc/meminfo is read-only");
	} else {
		int fd = open("/proc/meminfo", O_WRONLY);

		T_OK(fd >= 0, "root opens /proc/meminfo for writing");
		T_ERRNO(write(fd, "x", 1), EIO, "but cannot write it");
		close(fd);
	}
}

static unsigned long meminfo_kb(const char *name)
{
	const char *l = line_of(name);
	unsigned long v = 0;
	char unit[8] = "";

	if (!l || sscanf(l + strlen(name), "%lu %7s", &v, unit) != 2 || strcmp(unit, "kB"))
		return (unsigned long)-1;
	return v;
}

static void test_meminfo(void)
{
	unsigned long total, freekb, avail;

	if (!T_OK(slurp("/proc/meminfo") > 0, "read /proc/meminfo"))
		return;
	total = meminfo_kb("MemTotal:");
	freekb = meminfo_kb("MemFree:");
	avail = meminfo_kb("MemAvailable:");
	T_OK(total != (unsigned long)-1 && total >= 16384, "MemTotal (%lu kB)", total);
	T_OK(freekb != (unsigned long)-1 && freekb <= total, "MemFree <= MemTotal (%lu)", freekb);
	T_OK(avail != (unsigned long)-1 && avail <= total, "MemAvailable (%lu)", avail);
	/* What busybox free and top read. */
	T_OK(meminfo_kb("Buffers:") != (unsigned long)-1 && meminfo_kb("Cached:") != (unsigned long)-1 &&
		     meminfo_kb("Shmem:") != (unsigned long)-1 &&
		     meminfo_kb("SReclaimable:") != (unsigned long)-1 &&
		     meminfo_kb("SwapTotal:") != (unsigned long)-1 &&
		     meminfo_kb("SwapFree:") != (unsigned long)-1,
	     "Buffers, Cached, Shmem, SReclaimable, SwapTotal, SwapFree");
	T_OK(!strncmp(text, "MemTotal:", 9) && text[15] == ' ' && strstr(text, " kB\n") - text == 24,
	     "MemTotal line layout: label to 16 columns, value in 8");
}

static void test_small_system_files(void)
{
	double up = 0, idle = 0, l1, l5, l15;
	int run = 0, total = 0, last = 0;
	struct timespec bt;
	struct utsname u;
	char want[128];

	slurp("/proc/uptime");
	T_OK(sscanf(text, "%lf %lf", &up, &idle) == 2, "uptime: two numbers (%s)", chomped());
	clock_gettime(CLOCK_BOOTTIME, &bt);
	T_OK(up > 0 && up <= bt.tv_sec + 1 && up >= bt.tv_sec - 1, "uptime matches CLOCK_BOOTTIME");
	T_OK(strchr(text, '.') && strchr(text, '.')[3] == ' ', "uptime: two decimals");
	slurp("/proc/loadavg");
	T_OK(sscanf(text, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &total, &last) == 6,
	     "loadavg: 3 loads, running/total, last pid (%s)", chomped());
	T_OK(run >= 1 && total >= run && last > 0, "loadavg: plausible counts");
	T_OK(slurp("/proc/version") > 0 && !strncmp(text, "Linux version ", 14), "version line");
	uname(&u);
	snprintf(want, sizeof(want), "Linux version %s ", u.release);
	T_OK(!strncmp(text, want, strlen(want)), "version names uname's release");
	T_OK(slurp("/proc/sys/kernel/ostype") > 0 && !strcmp(text, "Linux\n"), "sys/kernel/ostype");
	snprintf(want, sizeof(want), "%s\n", u.release);
	T_OK(slurp("/proc/sys/kernel/osrelease") > 0 && !strcmp(text, want), "sys/kernel/osrelease");
	snprintf(want, sizeof(want), "%s\n", u.nodename);
	T_OK(slurp("/proc/sys/kernel/hostname") > 0 && !strcmp(text, want), "sys/kernel/hostname");
	T_OK(slurp("/proc/cmdline") > 0 && strchr(text, '\n'), "cmdline ends with a newline");
	T_OK(slurp("/proc/filesystems") > 0 && strstr(text, "nodev\tproc\n"),
	     "filesystems lists nodev proc");
	T_OK(slurp("/proc/mounts") > 0 && strstr(text, " /proc proc "), "mounts shows /proc");
	T_OK(slurp("/proc/self/mounts") > 0 && strstr(text, " /proc proc "), "self/mounts too");
	T_OK(slurp("/proc/self/mountinfo") > 0 && strstr(text, " / /proc ") &&
		     strstr(text, " - proc proc "),
	     "self/mountinfo: root, mount point, \" - \" and type of /proc");
}

static void test_stat_and_cpuinfo(void)
{
	unsigned long long v[10];
	int cpus = 0, procs = 0;
	const char *l;

	if (!T_OK(slurp("/proc/stat") > 0, "read /proc/stat"))
		return;
	T_OK(sscanf(text, "cpu  %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		    &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 10,
	     "stat: cpu line with 10 figures");
	for (const char *p = text; (p = strstr(p, "\ncpu")); p++)
		cpus++;
	T_OK(cpus >= 1, "stat: per-CPU lines (%d)", cpus);
	T_OK((l = line_of("btime ")) && atol(l + 6) > 1577836800L, "stat: btime");
	T_OK(line_of("ctxt ") && line_of("processes ") && line_of("procs_running ") &&
		     line_of("procs_blocked ") && line_of("intr "),
	     "stat: ctxt, processes, procs_running, procs_blocked, intr");
	if (!T_OK(slurp("/proc/cpuinfo") > 0, "read /proc/cpuinfo"))
		return;
	for (const char *p = text; (p = strstr(p, "processor\t: ")); p++)
		procs++;
	T_EQ(procs, cpus, "cpuinfo has a block per CPU");
	T_OK(line_of("flags\t\t: ") && strstr(text, " fpu ") && strstr(text, " lm "),
	     "cpuinfo flags include fpu and lm");
	T_OK(line_of("model name\t: ") && line_of("vendor_id\t: "), "cpuinfo vendor and model");
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	t_init("t_procfs");
	t_find_self(argv[0]);
	ensure_proc();
	test_self_link();
	test_self_stat(prog);
	test_self_status(prog);
	test_self_small_files(argc, argv, prog);
	test_self_maps();
	test_self_fd();
	test_exe();
	test_other_process();
	test_proc_dir();
	test_meminfo();
	test_small_system_files();
	test_stat_and_cpuinfo();
	return t_done();
}
