/*
 * t_signal - signals: sigaction and siginfo, masks and pending sets, queued
 * real-time signals, EINTR versus SA_RESTART, sigsuspend, kill to groups,
 * SIGCHLD, SIGPIPE, sigaltstack, the default actions of fault signals with
 * their si_code, stop/continue, and user FPU state across handlers.
 */
#include "t.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>

#define RTSIG 40 /* a real-time signal number valid for musl and glibc */

static volatile sig_atomic_t hits, last_sig, last_code, last_pid, last_val, blocked_inside;
static volatile sig_atomic_t on_alt, alt_flags;
static stack_t alt;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;

	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_val = si->si_value.sival_int;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	blocked_inside = sigismember(&cur, sig) ? 1 : 0;
	if (sigismember(&cur, SIGUSR2))
		blocked_inside |= 2;
}

static void on_plain(int sig)
{
	hits++;
	last_sig = sig;
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void set_plain(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void test_sigaction(void)
{
	struct sigaction sa, old;

	set_handler(SIGUSR1, on_info, 0);
	hits = 0;
	raise(SIGUSR1);
	T_EQ(hits, 1, "handler runs for raise(SIGUSR1)");
	T_EQ(last_sig, SIGUSR1, "handler gets the signal number");
	T_EQ(last_code, SI_TKILL, "raise: si_code SI_TKILL");
	T_EQ(blocked_inside & 1, 1, "the signal is blocked inside its handler");
	hits = 0;
	kill(getpid(), SIGUSR1);
	T_EQ(hits, 1, "kill(self) delivers before kill returns");
	T_EQ(last_code, SI_USER, "kill: si_code SI_USER");
	T_EQ(last_pid, getpid(), "kill: si_pid is the sender");

	union sigval v = { .sival_int = 4242 };
	set_handler(RTSIG, on_info, 0);
	hits = 0;
	T_SYS(sigqueue(getpid(), RTSIG, v), "sigqueue");
	T_OK(hits == 1 && last_code == SI_QUEUE && last_val == 4242, "sigqueue: SI_QUEUE and the value");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_plain;
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGUSR2, NULL, &old);
	T_OK(old.sa_handler == on_plain, "sigaction returns the installed handler");
	T_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL, "sigaction(SIGKILL)");
	T_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL, "sigaction(SIGSTOP)");
	T_ERRNO(t_sys(SYS_rt_sigaction, 0, NULL, &old, 8), EINVAL, "rt_sigaction(0)");
	T_ERRNO(t_sys(SYS_rt_sigaction, 65, NULL, &old, 8), EINVAL, "rt_sigaction(65)");
	T_ERRNO(t_sys(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4), EINVAL, "rt_sigaction sigsetsize 4");
	T_SYS(sigaction(SIGKILL, NULL, &old), "sigaction(SIGKILL) query is allowed");

	/* SA_NODEFER, sa_mask and SA_RESETHAND */
	set_handler(SIGUSR1, on_info, SA_NODEFER);
	raise(SIGUSR1);
	T_EQ(blocked_inside & 1, 0, "SA_NODEFER: not blocked inside the handler");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	T_EQ(blocked_inside & 2, 2, "sa_mask is blocked inside the handler");
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	T_OK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2), "mask restored after the handler");
	set_handler(SIGUSR1, on_info, SA_RESETHAND);
	raise(SIGUSR1);
	sigaction(SIGUSR1, NULL, &old);
	T_OK(old.sa_handler == SIG_DFL, "SA_RESETHAND: back to SIG_DFL after one delivery");
}

static void test_masks(void)
{
	sigset_t set, old, pend;

	set_plain(SIGUSR2, on_plain, 0);
	set_handler(RTSIG, on_info, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, RTSIG);
	T_SYS(sigprocmask(SIG_BLOCK, &set, &old), "sigprocmask SIG_BLOCK");
	hits = 0;
	raise(SIGUSR2);
	raise(SIGUSR2);
	union sigval v = { .sival_int = 1 };
	sigqueue(getpid(), RTSIG, v);
	sigqueue(getpid(), RTSIG, v);
	T_EQ(hits, 0, "blocked signals are not delivered");
	sigpending(&pend);
	T_OK(sigismember(&pend, SIGUSR2) && sigismember(&pend, RTSIG), "sigpending shows them");
	sigprocmask(SIG_SETMASK, &old, NULL);
	T_EQ(hits, 3, "unblocking: SIGUSR2 once (coalesced), the RT signal twice (queued)");
	sigpending(&pend);
	T_OK(!sigismember(&pend, SIGUSR2), "nothing pending afterwards");

	sigemptyset(&set);
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	sigprocmask(SIG_BLOCK, &set, &old);
	sigprocmask(SIG_SETMASK, &old, &set);
	T_OK(!sigismember(&set, SIGKILL) && !sigismember(&set, SIGSTOP), "SIGKILL and SIGSTOP cannot be blocked");
	T_ERRNO(sigprocmask(99, &set, NULL), EINVAL, "sigprocmask with a bad how");
	T_ERRNO(t_sys(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL, "rt_sigprocmask sigsetsize 4");
}

/* Child: send SIGUSR1 to the parent every few ms, forever (until killed),
 * or count times then write one byte to fd. */
static pid_t pester(int count, int fd)
{
	pid_t parent = getpid(), c = fork();

	if (c == 0) {
		t_sleep_ms(30);
		for (int i = 0; count == 0 || i < count; i++) {
			kill(parent, SIGUSR1);
			t_sleep_ms(10);
			if (count == 0 && i > 2000)
				break;
		}
		if (fd >= 0)
			write(fd, "x", 1);
		_exit(0);
	}
	return c;
}

static void test_restart(void)
{
	int p[2], st;
	char c;
	ssize_t r;
	pid_t kid;

	pipe(p);
	set_plain(SIGUSR1, on_plain, 0);
	hits = 0;
	kid = pester(0, -1);
	errno = 0;
	r = read(p[0], &c, 1);
	T_OK(r == -1 && errno == EINTR && hits >= 1, "read interrupted by a handler without SA_RESTART -> EINTR");
	kill(kid, SIGKILL);
	waitpid(kid, &st, 0);

	set_plain(SIGUSR1, on_plain, SA_RESTART);
	hits = 0;
	kid = pester(5, p[1]);
	r = read(p[0], &c, 1);
	T_OK(r == 1 && c == 'x' && hits == 5, "read restarted with SA_RESTART (%zd, %d signals)", r, (int)hits);
	waitpid(kid, &st, 0);

	/* an interval timer interrupts a blocking read */
	struct itimerval it = { { 0, 0 }, { 0, 50000 } }, left;
	set_plain(SIGALRM, on_plain, 0);
	hits = 0;
	long long t0 = t_now_ns();
	setitimer(ITIMER_REAL, &it, NULL);
	errno = 0;
	r = read(p[0], &c, 1);
	T_OK(r == -1 && errno == EINTR && last_sig == SIGALRM, "setitimer SIGALRM interrupts read -> EINTR");
	T_OK(t_now_ns() - t0 >= 49000000, "the 50 ms timer did not fire early");
	getitimer(ITIMER_REAL, &left);
	T_OK(left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0, "one-shot timer disarmed");
	T_EQ(alarm(5), 0, "alarm: no previous alarm");
	unsigned int prev = alarm(0);
	T_OK(prev == 5 || prev == 4, "alarm(0) returns the remaining seconds (%u)", prev);
	close(p[0]);
	close(p[1]);
}

static void test_sigsuspend(void)
{
	sigset_t block, empty, now;
	int st;

	set_plain(SIGUSR1, on_plain, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	hits = 0;
	pid_t kid = pester(1, -1);
	sigemptyset(&empty);
	errno = 0;
	int r = sigsuspend(&empty);
	T_OK(r == -1 && errno == EINTR && hits == 1, "sigsuspend returns EINTR after the handler");
	sigprocmask(SIG_BLOCK, NULL, &now);
	T_OK(sigismember(&now, SIGUSR1), "sigsuspend restores the mask");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	waitpid(kid, &st, 0);
}

static void test_kill(void)
{
	pid_t a, b;
	int sa, sb;

	a = fork();
	if (a == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(a, a);
	b = fork();
	if (b == 0) {
		setpgid(0, a);
		for (;;)
			pause();
	}
	setpgid(b, a);
	T_SYS(kill(a, 0), "kill(pid, 0) probes a live process");
	T_SYS(kill(-a, SIGTERM), "kill(-pgrp, SIGTERM)");
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	T_OK(t_killed(sa, SIGTERM) && t_killed(sb, SIGTERM), "both group members got SIGTERM");
	T_ERRNO(kill(0x3ffffff0, SIGTERM), ESRCH, "kill of no process");
	T_ERRNO(kill(-0x3ffffff0, SIGTERM), ESRCH, "kill of no process group");
	T_ERRNO(kill(getpid(), 1000), EINVAL, "kill with signal 1000");
	T_ERRNO(kill(getpid(), -1), EINVAL, "kill with signal -1");
	T_ERRNO(kill(INT32_MIN, SIGTERM), ESRCH, "kill(INT_MIN)");

	/* kill(0, sig) reaches the caller's whole group */
	a = fork();
	if (a == 0) {
		setpgid(0, 0);
		pid_t g = fork();
		if (g == 0) {
			signal(SIGUSR1, SIG_DFL);
			for (;;)
				pause();
		}
		t_sleep_ms(10);
		signal(SIGUSR1, SIG_IGN);
		kill(0, SIGUSR1);
		int s;
		waitpid(g, &s, 0);
		_exit(t_killed(s, SIGUSR1) ? 0 : 1);
	}
	waitpid(a, &sa, 0);
	t_expect_exit(sa, 0, "kill(0, SIGUSR1) reaches the other group member");
}

static void test_sigchld(void)
{
	sigset_t block, empty;
	int st;

	set_handler(SIGCHLD, on_info, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, NULL);
	hits = 0;
	pid_t c = fork();
	if (c == 0)
		_exit(3);
	sigemptyset(&empty);
	while (!hits)
		sigsuspend(&empty);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	T_OK(last_sig == SIGCHLD && last_code == CLD_EXITED && last_pid == c, "SIGCHLD with CLD_EXITED and si_pid");
	waitpid(c, &st, 0);
	t_expect_exit(st, 3, "child still waitable after SIGCHLD");

	signal(SIGCHLD, SIG_IGN);
	c = fork();
	if (c == 0)
		_exit(0);
	T_ERRNO(waitpid(c, &st, 0), ECHILD, "SIGCHLD ignored: children are reaped automatically");
	signal(SIGCHLD, SIG_DFL);
}

static int write_to_closed_pipe(void *arg)
{
	int p[2];

	pipe(p);
	close(p[0]);
	write(p[1], "x", 1);
	return 0;
}

static void test_sigpipe(void)
{
	int p[2];

	t_expect_signal(t_child(write_to_closed_pipe, NULL), SIGPIPE, "write to a pipe without readers: SIGPIPE");
	signal(SIGPIPE, SIG_IGN);
	pipe(p);
	close(p[0]);
	T_ERRNO(write(p[1], "x", 1), EPIPE, "same with SIGPIPE ignored");
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);
}

static void on_alt_check(int sig)
{
	char here;
	stack_t cur;

	on_alt = (uintptr_t)&here >= (uintptr_t)alt.ss_sp &&
		 (uintptr_t)&here < (uintptr_t)alt.ss_sp + alt.ss_size;
	sigaltstack(NULL, &cur);
	alt_flags = cur.ss_flags;
	stack_t other = { .ss_sp = alt.ss_sp, .ss_size = alt.ss_size };
	if (sigaltstack(&other, NULL) == -1 && errno == EPERM)
		alt_flags |= 0x1000;
}

static void on_overflow(int sig)
{
	char here;

	_exit((uintptr_t)&here >= (uintptr_t)alt.ss_sp && (uintptr_t)&here < (uintptr_t)alt.ss_sp + alt.ss_size ? 0 : 2);
}

static volatile int stop_recursion;

static int recurse(int depth)
{
	volatile char pad[4000];

	pad[0] = (char)depth;
	if (stop_recursion)
		return 0;
	return recurse(depth + 1) + pad[0];
}

static int overflow_child(void *arg)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };

	setrlimit(RLIMIT_STACK, &rl);
	sigaltstack(&alt, NULL);
	set_plain(SIGSEGV, on_overflow, SA_ONSTACK);
	return recurse(0) ? 3 : 4;
}

static void test_altstack(void)
{
	stack_t cur, bad;

	alt.ss_size = 64 * 1024;
	alt.ss_sp = malloc(alt.ss_size);
	alt.ss_flags = 0;
	T_SYS(sigaltstack(&alt, NULL), "sigaltstack installs a stack");
	sigaltstack(NULL, &cur);
	T_OK(cur.ss_sp == alt.ss_sp && cur.ss_size == alt.ss_size && cur.ss_flags == 0, "sigaltstack query");
	set_plain(SIGUSR1, on_alt_check, SA_ONSTACK);
	raise(SIGUSR1);
	T_OK(on_alt, "SA_ONSTACK handler runs on the alternate stack");
	T_EQ(alt_flags & SS_ONSTACK, SS_ONSTACK, "ss_flags says SS_ONSTACK inside");
	T_OK(alt_flags & 0x1000, "changing the stack while on it -> EPERM");
	set_plain(SIGUSR1, on_alt_check, 0);
	raise(SIGUSR1);
	T_OK(!on_alt, "handler without SA_ONSTACK stays on the normal stack");
	bad = alt;
	bad.ss_size = 1024;
	T_ERRNO(sigaltstack(&bad, NULL), ENOMEM, "sigaltstack smaller than MINSIGSTKSZ");
	bad = alt;
	bad.ss_flags = 0x55;
	T_ERRNO(sigaltstack(&bad, NULL), EINVAL, "sigaltstack with bad flags");
	t_expect_exit(t_child(overflow_child, NULL), 0, "stack overflow: SIGSEGV handled on the alternate stack");
	bad.ss_flags = SS_DISABLE;
	sigaltstack(&bad, NULL);
	sigaltstack(NULL, &cur);
	T_EQ(cur.ss_flags, SS_DISABLE, "SS_DISABLE turns it off");
}

/* Fault children: default action and, with a handler, si_code/si_addr. */
static volatile int zero;
static void *volatile fault_addr;
static volatile int want_code;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	int bad = 0;

	if (si->si_code != want_code)
		bad |= 1;
	if (fault_addr && si->si_addr != fault_addr)
		bad |= 2;
	_exit(bad);
}

static int do_segv(void *h)
{
	if (h)
		set_handler(SIGSEGV, on_fault, 0);
	fault_addr = (void *)0x10;
	want_code = SEGV_MAPERR;
	volatile int *volatile ptr = (volatile int *)fault_addr;
	return *ptr;
}

static int do_fpe(void *h)
{
	if (h)
		set_handler(SIGFPE, on_fault, 0);
	want_code = FPE_INTDIV;
	volatile int hundred = 100;
	return hundred / zero;
}

static int do_ill(void *h)
{
	if (h)
		set_handler(SIGILL, on_fault, 0);
	want_code = ILL_ILLOPN;
	__builtin_trap();
}

static int do_trap(void *h)
{
	if (h)
		set_handler(SIGTRAP, on_fault, 0);
	want_code = 0x80; /* SI_KERNEL */
	__asm__ volatile("int3");
	return 0;
}

static int do_bus(void *h)
{
	int fd;
	char *m;

	fd = open(t_path("bus"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return 100;
	if (h)
		set_handler(SIGBUS, on_fault, 0);
	fault_addr = m;
	want_code = BUS_ADRERR;
	return *(volatile char *)m;
}

static int do_abort(void *h)
{
	abort();
}

static void test_faults(void)
{
	static const struct {
		const char *name;
		int (*fn)(void *);
		int sig;
	} f[] = {
		{ "NULL+16 dereference", do_segv, SIGSEGV },
		{ "integer divide by zero", do_fpe, SIGFPE },
		{ "ud2", do_ill, SIGILL },
		{ "int3", do_trap, SIGTRAP },
		{ "read of a mapping past EOF", do_bus, SIGBUS },
		{ "abort()", do_abort, SIGABRT },
	};

	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char d[128];
		snprintf(d, sizeof(d), "%s kills with signal %d by default", f[i].name, f[i].sig);
		t_expect_signal(t_child(f[i].fn, NULL), f[i].sig, d);
		if (f[i].fn == do_abort)
			continue;
		snprintf(d, sizeof(d), "%s: handler gets si_code (and si_addr)", f[i].name);
		t_expect_exit(t_child(f[i].fn, (void *)1), 0, d);
	}
}

static void test_stop_cont(void)
{
	int st;
	pid_t c = fork();

	/* Its own group, whose parent (we) is outside it: not an orphaned
	 * group, so the kernel does not discard SIGTSTP (POSIX job control;
	 * the test suite's own group, under init, is orphaned). */
	if (c == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(c, c);
	kill(c, SIGSTOP);
	T_EQ(waitpid(c, &st, WUNTRACED), c, "waitpid WUNTRACED sees the stop");
	T_OK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "WIFSTOPPED, WSTOPSIG SIGSTOP");
	kill(c, SIGCONT);
	T_EQ(waitpid(c, &st, WCONTINUED), c, "waitpid WCONTINUED sees the continue");
	T_OK(WIFCONTINUED(st), "WIFCONTINUED");
	kill(c, SIGTSTP);
	waitpid(c, &st, WUNTRACED);
	T_OK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "SIGTSTP stops by default");
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	t_expect_signal(st, SIGKILL, "SIGKILL ends a stopped process");
}

/* FPU/SSE registers must survive signal handlers that use them too. */
static void on_fpu(int sig)
{
	volatile double x = sig;

	for (int i = 0; i < 50; i++)
		x = x * 1.5 + 3.25;
	hits++;
}

static double fpu_round(void)
{
	double a = 1.0, b = 0.5;

	for (int i = 0; i < 20000; i++) {
		a = a * 1.0000001 + b;
		b = b * 0.999 + 0.001;
	}
	return a + b;
}

static void test_fpu(void)
{
	double want = fpu_round();
	int bad = 0, rounds = 0, st;

	set_plain(SIGUSR1, on_fpu, 0);
	hits = 0;
	pid_t kid = pester(0, -1);
	long long end = t_now_ns() + 5000000000LL;
	while ((hits < 20 || rounds < 20) && t_now_ns() < end) {
		if (fpu_round() != want)
			bad++;
		rounds++;
	}
	kill(kid, SIGKILL);
	waitpid(kid, &st, 0);
	T_OK(bad == 0 && hits > 0, "SSE state survives handlers (%d rounds, %d signals, %d wrong)", rounds, (int)hits,
	     bad);
}

int main(int argc, char **argv)
{
	t_init("t_signal");
	t_mkdir_scratch();
	test_sigaction();
	test_masks();
	test_restart();
	test_sigsuspend();
	test_kill();
	test_sigchld();
	test_sigpipe();
	test_altstack();
	test_faults();
	test_stop_cont();
	test_fpu();
	t_rmtree(t_dir);
	return t_done();
}
