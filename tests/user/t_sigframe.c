/*
 * t_sigframe - what a signal handler finds and what rt_sigreturn accepts:
 * the x86_64 rt_sigframe layout and alignment, fault context in the
 * sigcontext (trapno, err, cr2), changes a handler makes to the saved
 * registers and FPU state, RFLAGS bits user space may not set, frames that
 * cannot be written, SS_AUTODISARM, nested handlers, stop/continue with
 * handlers, sigtimedwait and interval timers.
 */
#include "t.h"
#include <poll.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)	/* Linux 4.7; musl does not name it */
#endif

static volatile sig_atomic_t hits, order[4], norder;
static volatile uintptr_t h_frame, h_si, h_uc, h_fp;
static volatile unsigned long h_ucflags;
static volatile unsigned int h_mxcsr;
static volatile unsigned short h_fcw;

static void set_sa(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static unsigned int get_mxcsr(void)
{
	unsigned int v;

	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void set_mxcsr(unsigned int v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static unsigned short get_fcw(void)
{
	unsigned short v;

	__asm__ volatile("fnstcw %0" : "=m"(v));
	return v;
}

static unsigned long get_rflags(void)
{
	unsigned long v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

__attribute__((noinline)) static void on_layout(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	h_frame = (uintptr_t)__builtin_frame_address(0);
	h_si = (uintptr_t)si;
	h_uc = (uintptr_t)ucv;
	h_fp = (uintptr_t)uc->uc_mcontext.fpregs;
	h_ucflags = uc->uc_flags;
	h_mxcsr = get_mxcsr();
	h_fcw = get_fcw();
	hits++;
}

static void test_layout(void)
{
	set_sa(SIGUSR1, on_layout, 0);
	set_mxcsr(0x3f80);		/* round down: the handler must not inherit it */
	hits = 0;
	raise(SIGUSR1);
	T_EQ(hits, 1, "handler ran");
	T_EQ(h_frame % 16, 0, "rsp + 8 is 16-byte aligned at handler entry");
	T_EQ(h_si - h_uc, 304, "siginfo right after the 304-byte ucontext (rt_sigframe)");
	T_OK(*(uintptr_t *)(h_uc - 8) != 0, "return address (sa_restorer) just below the ucontext");
	T_EQ(h_fp % 64, 0, "FPU state 64-byte aligned");
	T_OK(h_fp >= h_si + sizeof(siginfo_t), "FPU state above the frame");
	T_EQ(h_ucflags & 6, 6, "uc_flags has UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS");
	T_EQ(h_mxcsr, 0x1f80, "the handler starts with the default MXCSR");
	T_EQ(h_fcw, 0x37f, "and the default x87 control word");
	T_EQ(get_mxcsr(), 0x3f80, "MXCSR restored after the handler");
	set_mxcsr(0x1f80);
}

static volatile char *ro_page;

static void on_segv_ctx(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	int bad = 0;

	if (si->si_code != SEGV_ACCERR || si->si_addr != (void *)ro_page)
		bad |= 1;
	if (uc->uc_mcontext.gregs[REG_TRAPNO] != 14)
		bad |= 2;
	if ((uc->uc_mcontext.gregs[REG_ERR] & 7) != 7)	/* user, write, present */
		bad |= 4;
	if (uc->uc_mcontext.gregs[REG_CR2] != (long)ro_page)
		bad |= 8;
	_exit(bad);
}

static int write_ro(void *arg)
{
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	set_sa(SIGSEGV, on_segv_ctx, 0);
	(void)ro_page[0];
	ro_page[0] = 1;
	return 100;
}

static void on_ill_skip(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	uc->uc_mcontext.gregs[REG_RIP] += 2;		/* past the ud2 */
	uc->uc_mcontext.gregs[REG_RAX] = 1234;
	uc->uc_mcontext.gregs[REG_EFL] |= 0x40000 | 0x3000 | 0x4000;	/* AC, IOPL 3, NT */
	uc->uc_mcontext.fpregs->mxcsr = 0x5f80;	/* round toward zero */
	hits++;
}

static void test_context_changes(void)
{
	long rax = 0;
	unsigned long fl;

	t_expect_exit(t_child(write_ro, NULL), 0,
		      "write fault: SEGV_ACCERR, si_addr, trapno 14, err 7, cr2 in the sigcontext");
	set_sa(SIGILL, on_ill_skip, 0);
	hits = 0;
	__asm__ volatile("ud2" : "+a"(rax) : : "memory");
	fl = get_rflags();
	/* AC on: misaligned accesses would fault (CR0.AM); clear it before anything else */
	__asm__ volatile("pushfq; andq $~0x40000, (%rsp); popfq");
	T_OK(hits == 1 && rax == 1234, "handler's rip and rax changes take effect");
	T_OK(fl & 0x40000, "rt_sigreturn takes AC from the frame");
	T_EQ(fl & 0x3000, 0, "but not IOPL");
	T_EQ(fl & 0x4000, 0, "nor NT");
	T_EQ(get_mxcsr(), 0x5f80, "the handler's FPU state change takes effect");
	set_mxcsr(0x1f80);
	signal(SIGILL, SIG_DFL);
}

static void on_bad_rip(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	uc->uc_mcontext.gregs[REG_RIP] = (long)0x8000000000000000UL;
}

static int bad_rip_child(void *arg)
{
	set_sa(SIGUSR1, on_bad_rip, 0);
	raise(SIGUSR1);
	return 0;
}

static void on_nothing(int sig, siginfo_t *si, void *uc)
{
	hits++;
}

static int unwritable_altstack(void *arg)
{
	stack_t ss;

	ss.ss_sp = mmap(NULL, 65536, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ss.ss_size = 65536;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	set_sa(SIGUSR1, on_nothing, SA_ONSTACK);
	raise(SIGUSR1);
	return 0;
}

static void test_bad_frames(void)
{
	t_expect_signal(t_child(bad_rip_child, NULL), SIGSEGV,
			"rt_sigreturn to a non-canonical rip: SIGSEGV");
	t_expect_signal(t_child(unwritable_altstack, NULL), SIGSEGV,
			"frame on an unwritable alternate stack: SIGSEGV");
}

static stack_t alt;
static volatile int in_flags, in_on;

static void on_autodisarm(int sig, siginfo_t *si, void *uc)
{
	stack_t cur;
	char here;

	in_on = (uintptr_t)&here >= (uintptr_t)alt.ss_sp &&
		(uintptr_t)&here < (uintptr_t)alt.ss_sp + alt.ss_size;
	sigaltstack(NULL, &cur);
	in_flags = cur.ss_flags;
}

static void test_autodisarm(void)
{
	stack_t cur;

	alt.ss_size = 65536;
	alt.ss_sp = malloc(alt.ss_size);
	alt.ss_flags = SS_AUTODISARM;
	T_SYS(sigaltstack(&alt, NULL), "sigaltstack with SS_AUTODISARM");
	set_sa(SIGUSR1, on_autodisarm, SA_ONSTACK);
	raise(SIGUSR1);
	T_OK(in_on, "handler on the alternate stack");
	T_EQ(in_flags, SS_DISABLE, "inside the handler the stack is disarmed");
	sigaltstack(NULL, &cur);
	T_OK(cur.ss_sp == alt.ss_sp && cur.ss_flags == (int)SS_AUTODISARM, "re-armed after the handler");
	cur.ss_flags = SS_DISABLE;
	sigaltstack(&cur, NULL);
	free(alt.ss_sp);
}

static void on_outer(int sig, siginfo_t *si, void *uc)
{
	order[norder++] = sig;
	raise(SIGUSR2);
	order[norder++] = -sig;
}

static void on_inner(int sig, siginfo_t *si, void *uc)
{
	order[norder++] = sig;
}

static void test_nested(void)
{
	set_sa(SIGUSR1, on_outer, 0);
	set_sa(SIGUSR2, on_inner, 0);
	norder = 0;
	raise(SIGUSR1);
	T_OK(norder == 3 && order[0] == SIGUSR1 && order[1] == SIGUSR2 && order[2] == -SIGUSR1,
	     "a handler interrupted by another returns to where it was");
}

static int cont_pipe[2];

static void on_cont_write(int sig, siginfo_t *si, void *uc)
{
	char c = sig == SIGCONT ? 'c' : 'u';

	write(cont_pipe[1], &c, 1);
}

static void test_stop_with_handlers(void)
{
	struct pollfd pfd;
	char buf[4];
	int st, n;
	pid_t c;

	pipe(cont_pipe);
	c = fork();
	if (c == 0) {
		set_sa(SIGCONT, on_cont_write, 0);
		set_sa(SIGUSR1, on_cont_write, 0);
		for (;;)
			pause();
	}
	t_sleep_ms(20);
	kill(c, SIGSTOP);
	waitpid(c, &st, WUNTRACED);
	kill(c, SIGUSR1);
	pfd.fd = cont_pipe[0];
	pfd.events = POLLIN;
	T_EQ(poll(&pfd, 1, 100), 0, "a stopped process runs no handler");
	kill(c, SIGCONT);
	n = 0;
	while (n < 2 && poll(&pfd, 1, 2000) == 1)
		n += read(cont_pipe[0], buf + n, sizeof(buf) - n);
	T_OK(n == 2 && memchr(buf, 'c', 2) && memchr(buf, 'u', 2),
	     "after SIGCONT both the SIGCONT and the pending SIGUSR1 handlers run");
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	close(cont_pipe[0]);
	close(cont_pipe[1]);
}

static void test_sigtimedwait(void)
{
	sigset_t set;
	siginfo_t si;
	struct timespec zero = { 0, 0 }, ms50 = { 0, 50000000 }, sec2 = { 2, 0 };
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	long long t0;
	pid_t c;
	int st;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	/* the raw call: glibc's wrapper folds SI_TKILL into SI_USER */
	T_EQ(t_sys(SYS_rt_sigtimedwait, &set, &si, &zero, 8), SIGUSR1,
	     "sigtimedwait takes a pending signal");
	T_EQ(si.si_code, SI_TKILL, "with its siginfo");
	T_ERRNO(sigtimedwait(&set, &si, &zero), EAGAIN, "zero timeout, nothing pending");
	t0 = t_now_ns();
	T_ERRNO(sigtimedwait(&set, &si, &ms50), EAGAIN, "50 ms timeout");
	T_OK(t_now_ns() - t0 >= 49000000, "waited the 50 ms");
	set_sa(SIGALRM, on_nothing, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	/* the raw call: musl's wrapper retries after EINTR */
	T_ERRNO(t_sys(SYS_rt_sigtimedwait, &set, &si, &sec2, 8), EINTR,
		"another signal's handler interrupts it");
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* a default-ignored signal that is waited for is not dropped */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	c = fork();
	if (c == 0) {
		t_sleep_ms(30);
		_exit(0);
	}
	T_EQ(sigtimedwait(&set, &si, &sec2), SIGCHLD, "sigtimedwait for SIGCHLD (default: ignore)");
	T_OK(si.si_pid == c && si.si_code == CLD_EXITED, "SIGCHLD siginfo: si_pid, CLD_EXITED");
	waitpid(c, &st, 0);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_timers(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur, off = { { 0, 0 }, { 0, 0 } };
	long long end;

	set_sa(SIGALRM, on_nothing, 0);
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	end = t_now_ns() + 3000000000LL;
	while (hits < 4 && t_now_ns() < end)
		pause();
	getitimer(ITIMER_REAL, &cur);
	setitimer(ITIMER_REAL, &off, NULL);
	T_OK(hits >= 4, "a periodic ITIMER_REAL keeps firing (%d)", (int)hits);
	T_OK(cur.it_interval.tv_usec == 20000 && cur.it_value.tv_usec <= 20000,
	     "getitimer: interval and time left");
	getitimer(ITIMER_REAL, &cur);
	T_OK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0, "disarmed");
	T_ERRNO(setitimer(ITIMER_REAL + 7, &it, NULL), EINVAL, "setitimer: bad timer");
	it.it_value.tv_usec = 1000000;
	T_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL, "setitimer: tv_usec out of range");
	hits = 0;
	alarm(1);
	errno = 0;
	T_OK(pause() == -1 && errno == EINTR && hits == 1, "alarm(1) interrupts pause");
}

int main(int argc, char **argv)
{
	t_init("t_sigframe");
	test_layout();
	test_context_changes();
	test_bad_frames();
	test_autodisarm();
	test_nested();
	test_stop_with_handlers();
	test_sigtimedwait();
	test_timers();
	return t_done();
}
