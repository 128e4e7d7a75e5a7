/*
 * t.h - tiny TAP helpers for Ferrite's user-space ABI tests.
 *
 * Header only: every tests/user/t_*.c includes it once. Each check prints
 * "ok N - desc" or "not ok N - desc" (with a "# ..." diagnostic line), t_done()
 * prints the plan "1..N" and returns the exit status (0 when all passed).
 * Output goes straight to fd 1 with write(2), so fork() never duplicates
 * buffered text and a crash loses nothing. The same binaries run on the host
 * Linux (musl-gcc -static and gcc -static) and in the Ferrite guest, so only
 * libc functions common to musl 1.2.3 and glibc 2.36 are used; anything newer
 * goes through syscall(2) with numbers from <sys/syscall.h>.
 */
#ifndef T_H
#define T_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Addresses no user buffer may ever use: the direct map, the kernel image,
 * a non-canonical address and the last page. */
#define T_KADDR_DIRECT ((void *)0xffff888000000000UL)
#define T_KADDR_TEXT ((void *)0xffffffff80000000UL)
#define T_KADDR_NONCANON ((void *)0x8000000000000000UL)

static int t_n, t_failed;
static const char *t_prog = "t";

/* Write a formatted line (a newline is appended) to stdout, unbuffered. */
static void t_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void t_say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = write(1, buf + off, n - off);
		if (w <= 0)
			break;
		off += w;
	}
}

/* errno names for the diagnostics (the values are Linux x86_64's). */
static const char *t_errname(int e)
{
	static const char *const names[] = {
		[0] = "0", [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",
		[EINTR] = "EINTR", [EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG",
		[ENOEXEC] = "ENOEXEC", [EBADF] = "EBADF", [ECHILD] = "ECHILD",
		[EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EACCES] = "EACCES",
		[EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EEXIST] = "EEXIST",
		[EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR",
		[EISDIR] = "EISDIR", [EINVAL] = "EINVAL", [ENFILE] = "ENFILE",
		[EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY", [ETXTBSY] = "ETXTBSY",
		[EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE",
		[EROFS] = "EROFS", [EMLINK] = "EMLINK", [EPIPE] = "EPIPE",
		[EDOM] = "EDOM", [ERANGE] = "ERANGE", [ENAMETOOLONG] = "ENAMETOOLONG",
		[ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP",
		[EOVERFLOW] = "EOVERFLOW", [ENOTSUP] = "EOPNOTSUPP",
	};
	static char other[16];

	if (e >= 0 && e < (int)(sizeof(names) / sizeof(names[0])) && names[e])
		return names[e];
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

/* Report one check; returns cond so callers can stop a dependent sequence. */
static int t_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int t_ok(int cond, const char *fmt, ...)
{
	char desc[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	t_n++;
	if (!cond)
		t_failed++;
	t_say("%sok %d - %s", cond ? "" : "not ", t_n, desc);
	return cond;
}

/* A check that cannot run here: counted as passed, marked "# SKIP". */
static void t_skip(const char *desc, const char *why)
{
	t_n++;
	t_say("ok %d - %s # SKIP %s", t_n, desc, why);
}

/* Helpers behind the macros: r is the call's result, e its errno. */
static int t_check_errno(long r, int e, int want, const char *desc)
{
	if (r == -1 && e == want)
		return t_ok(1, "%s -> %s", desc, t_errname(want));
	t_ok(0, "%s -> %s", desc, t_errname(want));
	t_say("#   got %ld, errno %s", r, r == -1 ? t_errname(e) : "-");
	return 0;
}

static int t_check_sys(long r, int e, const char *desc)
{
	if (r >= 0)
		return t_ok(1, "%s", desc);
	t_ok(0, "%s", desc);
	t_say("#   failed: %ld, errno %s", r, t_errname(e));
	return 0;
}

static int t_check_eq(long a, long b, const char *desc)
{
	if (a == b)
		return t_ok(1, "%s", desc);
	t_ok(0, "%s", desc);
	t_say("#   got %ld (0x%lx), want %ld (0x%lx)", a, a, b, b);
	return 0;
}

/* T_ERRNO(call, EXXX, desc...): the call returns -1 and sets errno EXXX. */
#define T_ERRNO(expr, want, ...)                                                  \
	({                                                                        \
		char _d[400];                                                     \
		snprintf(_d, sizeof(_d), __VA_ARGS__);                            \
		errno = 0;                                                        \
		long _r = (long)(expr);                                           \
		t_check_errno(_r, errno, (want), _d);                             \
	})
/* T_SYS(call, desc...): the call succeeds (returns >= 0). Evaluates to it. */
#define T_SYS(expr, ...)                                                          \
	({                                                                        \
		char _d[400];                                                     \
		snprintf(_d, sizeof(_d), __VA_ARGS__);                            \
		errno = 0;                                                        \
		long _r = (long)(expr);                                           \
		t_check_sys(_r, errno, _d);                                       \
		_r;                                                               \
	})
/* T_EQ(a, b, desc...): integral values equal, both printed on failure. */
#define T_EQ(a, b, ...)                                                           \
	({                                                                        \
		char _d[400];                                                     \
		snprintf(_d, sizeof(_d), __VA_ARGS__);                            \
		t_check_eq((long)(a), (long)(b), _d);                             \
	})
#define T_OK(cond, ...) t_ok(!!(cond), __VA_ARGS__)

/* Raw syscall returning -1/errno like libc does (for calls without wrappers
 * in musl 1.2.3 or whose wrappers would hide the kernel's answer). */
#define t_sys(...) syscall(__VA_ARGS__)

static void t_init(const char *name)
{
	t_prog = name;
	t_say("# %s (pid %d)", name, (int)getpid());
}

/* Print the plan and a summary; returns the process exit status. */
static int t_done(void)
{
	t_say("1..%d", t_n);
	t_say("# %s: %d passed, %d failed", t_prog, t_n - t_failed, t_failed);
	return t_failed ? 1 : 0;
}

/* Fork; the child runs fn(arg) and exits with its return value (0..255).
 * Returns the wait status, or -1 when fork or wait failed. */
static int t_child(int (*fn)(void *), void *arg)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static int t_exited(int st, int code)
{
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == code;
}

static int t_killed(int st, int sig)
{
	return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

static const char *t_status_str(int st)
{
	static char buf[64];

	if (st == -1)
		snprintf(buf, sizeof(buf), "fork/wait failed");
	else if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	return buf;
}

/* The child exited with code: one check, the status printed on failure. */
static int t_expect_exit(int st, int code, const char *desc)
{
	if (t_exited(st, code))
		return t_ok(1, "%s", desc);
	t_ok(0, "%s", desc);
	t_say("#   child %s, want exit %d", t_status_str(st), code);
	return 0;
}

static int t_expect_signal(int st, int sig, const char *desc)
{
	if (t_killed(st, sig))
		return t_ok(1, "%s", desc);
	t_ok(0, "%s", desc);
	t_say("#   child %s, want signal %d", t_status_str(st), sig);
	return 0;
}

/* Monotonic time in nanoseconds. */
static long long t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void t_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* A private scratch directory: $TMPDIR (or /tmp) /NAME.PID. */
static char t_dir[256];

static const char *t_mkdir_scratch(void)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base)
		base = "/tmp";
	snprintf(t_dir, sizeof(t_dir), "%s/%s.%d", base, t_prog, (int)getpid());
	if (mkdir(t_dir, 0755) != 0 && errno != EEXIST) {
		t_say("# cannot create %s: %s", t_dir, strerror(errno));
		exit(2);
	}
	return t_dir;
}

/* path inside the scratch directory (a rotating set of static buffers) */
static const char *t_path(const char *name)
{
	static char bufs[8][512];
	static int i;
	char *b = bufs[i++ & 7];

	snprintf(b, sizeof(bufs[0]), "%s/%s", t_dir, name);
	return b;
}

/* Remove a tree (best effort, no symlinks followed). */
static void t_rmtree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[1024];

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	chmod(path, 0755);
	d = opendir(path);
	if (d) {
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			t_rmtree(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Write a whole buffer to a new file (mode given); 0 or -1. */
static int t_write_file(const char *path, const void *buf, size_t len, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, (const char *)buf + off, len - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += w;
	}
	fchmod(fd, mode);
	return close(fd);
}

/* Read fully up to len bytes; returns the count or -1. */
static ssize_t t_read_all(int fd, void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t r = read(fd, (char *)buf + off, len - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		off += r;
	}
	return off;
}

/* Absolute path of this program (for re-executing itself as a helper). */
static char t_self[512];

static void t_find_self(const char *argv0)
{
	if (!realpath(argv0, t_self))
		snprintf(t_self, sizeof(t_self), "%s", argv0);
}

#endif
