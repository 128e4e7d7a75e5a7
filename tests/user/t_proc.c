/*
 * t_proc - processes: fork, vfork, wait4, waitid, exit statuses, orphans
 * reparented to init, ids, process groups and sessions, with Linux's errno
 * values. Built static with musl-gcc and gcc; runs on Linux and on Ferrite.
 */
#include "t.h"
#include <sys/resource.h>

/* A pid no process can have (above PID_MAX_LIMIT = 4194304). */
#define NO_PID 0x3ffffff0

static void test_ids(void)
{
	pid_t pid = getpid();

	T_OK(pid > 0, "getpid > 0 (%d)", (int)pid);
	T_OK(getppid() > 0, "getppid > 0 (%d)", (int)getppid());
	T_EQ(t_sys(SYS_gettid), pid, "gettid == getpid in a single-threaded process");
	T_EQ(t_sys(SYS_getpid), pid, "raw getpid matches libc getpid");
}

static void test_fork_basic(void)
{
	int p[2], st;
	pid_t child, seen[2] = { 0, 0 };

	if (T_SYS(pipe(p), "pipe for fork ids") < 0)
		return;
	child = fork();
	if (child == 0) {
		pid_t me[2] = { getpid(), getppid() };
		write(p[1], me, sizeof(me));
		_exit(0);
	}
	T_OK(child > 0, "fork returns the child's pid in the parent");
	close(p[1]);
	T_EQ(t_read_all(p[0], seen, sizeof(seen)), sizeof(seen), "child reported its ids");
	close(p[0]);
	T_EQ(seen[0], child, "child's getpid equals fork's return value");
	T_EQ(seen[1], getpid(), "child's getppid is the parent");
	T_EQ(waitpid(child, &st, 0), child, "waitpid returns the child");
	t_expect_exit(st, 0, "child exited 0");
}

static int exit42(void *a) { return 42; }
static int exit_big(void *a) { exit(256 + 3); }
static int die_kill(void *a) { raise(SIGKILL); return 1; }
static int die_term(void *a) { kill(getpid(), SIGTERM); pause(); return 1; }

static void test_exit_status(void)
{
	int st = t_child(exit42, NULL);

	T_OK(WIFEXITED(st) && !WIFSIGNALED(st), "exit: WIFEXITED and not WIFSIGNALED");
	t_expect_exit(st, 42, "exit(42) gives WEXITSTATUS 42");
	t_expect_exit(t_child(exit_big, NULL), 3, "exit(259) is truncated to 3");
	st = t_child(die_kill, NULL);
	T_OK(WIFSIGNALED(st) && !WIFEXITED(st), "SIGKILL: WIFSIGNALED and not WIFEXITED");
	t_expect_signal(st, SIGKILL, "raise(SIGKILL) gives WTERMSIG SIGKILL");
	t_expect_signal(t_child(die_term, NULL), SIGTERM, "kill(self, SIGTERM) gives WTERMSIG SIGTERM");
}

static void test_wait4(void)
{
	int p[2], st = -1;
	char c;
	struct rusage ru;
	pid_t child;

	if (T_SYS(pipe(p), "pipe for wait4") < 0)
		return;
	child = fork();
	if (child == 0) {
		close(p[1]);
		read(p[0], &c, 1); /* blocks until the parent closes */
		_exit(7);
	}
	close(p[0]);
	T_EQ(wait4(child, &st, WNOHANG, NULL), 0, "wait4 WNOHANG on a running child returns 0");
	close(p[1]);
	memset(&ru, 0xff, sizeof(ru));
	T_EQ(wait4(child, &st, 0, &ru), child, "wait4 reaps the child");
	t_expect_exit(st, 7, "wait4 status: exit 7");
	T_OK(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 &&
		     ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000,
	     "wait4 fills the child's rusage");
	T_ERRNO(wait4(child, &st, 0, NULL), ECHILD, "wait4 on an already reaped child");
	T_ERRNO(wait4(-1, &st, 0x4000, NULL), EINVAL, "wait4 with an unknown option bit");
	T_ERRNO(wait4(-1, &st, WNOHANG, NULL), ECHILD, "wait4(-1) without children");
	T_ERRNO(wait(NULL), ECHILD, "wait() without children");
	T_ERRNO(waitpid(1, NULL, 0), ECHILD, "waitpid(1): not our child");
}

static void test_waitid(void)
{
	siginfo_t si;
	pid_t child;
	int st;

	child = fork();
	if (child == 0)
		_exit(9);
	memset(&si, 0, sizeof(si));
	T_SYS(waitid(P_PID, child, &si, WEXITED | WNOWAIT), "waitid WNOWAIT");
	T_EQ(si.si_pid, child, "waitid si_pid");
	T_EQ(si.si_signo, SIGCHLD, "waitid si_signo SIGCHLD");
	T_EQ(si.si_code, CLD_EXITED, "waitid si_code CLD_EXITED");
	T_EQ(si.si_status, 9, "waitid si_status 9");
	T_EQ(waitpid(child, &st, 0), child, "WNOWAIT left the child waitable");
	t_expect_exit(st, 9, "status after WNOWAIT");

	child = fork();
	if (child == 0) {
		raise(SIGKILL);
		_exit(1);
	}
	memset(&si, 0, sizeof(si));
	T_SYS(waitid(P_ALL, 0, &si, WEXITED), "waitid P_ALL");
	T_EQ(si.si_pid, child, "waitid P_ALL finds the child");
	T_EQ(si.si_code, CLD_KILLED, "waitid si_code CLD_KILLED");
	T_EQ(si.si_status, SIGKILL, "waitid si_status SIGKILL");

	memset(&si, 0xaa, sizeof(si));
	T_ERRNO(waitid(P_ALL, 0, &si, WEXITED | WNOHANG), ECHILD, "waitid WNOHANG without children");
	T_ERRNO(waitid(P_PID, child, &si, 0), EINVAL, "waitid without WEXITED/WSTOPPED/WCONTINUED");
	T_ERRNO(waitid((idtype_t)42, 0, &si, WEXITED), EINVAL, "waitid with an unknown idtype");
	T_ERRNO(waitid(P_PID, child, &si, WEXITED), ECHILD, "waitid on a reaped child");
}

static void test_vfork(void)
{
	volatile int shared = 0;
	int st;
	pid_t child = vfork();

	if (child == 0) {
		shared = 1234; /* vfork shares memory until exec or exit */
		_exit(5);
	}
	T_OK(child > 0, "vfork returns the child's pid");
	T_EQ(shared, 1234, "vfork child ran first and shares the parent's memory");
	T_EQ(waitpid(child, &st, 0), child, "vfork child reaped");
	t_expect_exit(st, 5, "vfork child exit status 5");
}

static void test_wait_many(void)
{
	int n = 5, seen = 0, sum = 0, st;
	pid_t pids[5], w;

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(10 + i);
	}
	while ((w = waitpid(-1, &st, 0)) > 0) {
		for (int i = 0; i < n; i++)
			if (w == pids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 10 + i)
				seen++, sum += i;
	}
	T_EQ(errno, ECHILD, "waitpid(-1) ends with ECHILD");
	T_OK(seen == n && sum == 10, "waitpid(-1) reaped all %d children with their statuses", n);
}

/* An orphan's new parent: the child forks a grandchild and exits; the
 * grandchild waits until its parent changes and reports the new one. */
static void test_orphans(void)
{
	int p[2], st;
	pid_t child, report[2] = { 0, 0 };

	if (T_SYS(pipe(p), "pipe for orphan test") < 0)
		return;
	child = fork();
	if (child == 0) {
		pid_t mid = getpid();
		pid_t gc = fork();
		if (gc == 0) {
			pid_t first = getppid(), now;
			long long end = t_now_ns() + 20000000000LL;
			while ((now = getppid()) == mid && t_now_ns() < end)
				t_sleep_ms(1);
			pid_t r[2] = { first == mid || first == now ? mid : first, now };
			write(p[1], r, sizeof(r));
			_exit(0);
		}
		_exit(gc > 0 ? 0 : 1);
	}
	close(p[1]);
	T_EQ(waitpid(child, &st, 0), child, "middle process exited");
	T_EQ(t_read_all(p[0], report, sizeof(report)), sizeof(report), "orphan reported");
	close(p[0]);
	T_EQ(report[0], child, "orphan's parent was the middle process before it exited");
	if (report[1] == 1)
		T_OK(1, "orphan reparented to init (pid 1)");
	else
		T_OK(report[1] != child && report[1] != getpid() && report[1] > 0,
		     "orphan reparented away (to a subreaper, pid %d)", (int)report[1]);

	/* A zombie orphan: its new parent (init) must reap it. */
	if (T_SYS(pipe(p), "pipe for zombie orphan") < 0)
		return;
	child = fork();
	if (child == 0) {
		pid_t gc = fork();
		if (gc == 0)
			_exit(0);
		t_sleep_ms(20); /* let it become a zombie of ours */
		write(p[1], &gc, sizeof(gc));
		_exit(0);
	}
	close(p[1]);
	pid_t gc = 0;
	t_read_all(p[0], &gc, sizeof(gc));
	close(p[0]);
	waitpid(child, &st, 0);
	long long end = t_now_ns() + 20000000000LL;
	while (kill(gc, 0) == 0 && t_now_ns() < end)
		t_sleep_ms(2);
	T_ERRNO(kill(gc, 0), ESRCH, "zombie orphan reaped by init");
}

static int do_setsid_checks(void *arg)
{
	int bad = 0;
	pid_t me = getpid();

	if (setsid() != me)
		bad |= 1;
	if (getsid(0) != me || getpgid(0) != me || getpgrp() != me)
		bad |= 2;
	/* a session leader cannot change its group */
	if (setpgid(0, 0) != -1 || errno != EPERM)
		bad |= 4;
	/* nor start another session */
	if (setsid() != -1 || errno != EPERM)
		bad |= 8;
	return bad;
}

static int do_leader_setsid(void *arg)
{
	if (setpgid(0, 0) != 0)
		return 1;
	if (getpgid(0) != getpid())
		return 2;
	errno = 0;
	if (setsid() != -1 || errno != EPERM)
		return 3; /* a group leader cannot call setsid */
	errno = 0;
	if (setpgid(0, NO_PID) != -1 || errno != EPERM)
		return 4; /* no such group in our session */
	return 0;
}

static void test_pgrp_session(void)
{
	pid_t child;
	int p[2], st;
	char c;

	T_EQ(getpgid(0), getpgrp(), "getpgid(0) == getpgrp()");
	T_EQ(getpgid(getpid()), getpgrp(), "getpgid(getpid()) == getpgrp()");
	T_OK(getsid(0) >= 0, "getsid(0) succeeds (%d)", (int)getsid(0));
	T_ERRNO(getpgid(NO_PID), ESRCH, "getpgid of no process");
	T_ERRNO(getsid(NO_PID), ESRCH, "getsid of no process");
	T_ERRNO(setpgid(0, -1), EINVAL, "setpgid with a negative pgid");
	T_ERRNO(setpgid(NO_PID, 0), ESRCH, "setpgid of no process");
	T_ERRNO(setpgid(1, 0), ESRCH, "setpgid of a process that is not our child");
	st = t_child(do_leader_setsid, NULL);
	t_expect_exit(st, 0, "setpgid(0,0) makes a leader; its setsid/setpgid fail with EPERM");
	st = t_child(do_setsid_checks, NULL);
	t_expect_exit(st, 0, "setsid in a child: new session and group; then EPERM");

	/* setpgid on a child in another session: EPERM */
	if (T_SYS(pipe(p), "pipe for session test") < 0)
		return;
	int q[2];
	pipe(q);
	child = fork();
	if (child == 0) {
		close(p[0]);
		close(q[1]);
		setsid();
		write(p[1], "x", 1);
		read(q[0], &c, 1);
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	read(p[0], &c, 1);
	T_EQ(getsid(child), child, "getsid of a child that called setsid");
	T_ERRNO(setpgid(child, getpgrp()), EPERM, "setpgid of a child in another session");
	close(q[1]);
	close(p[0]);
	waitpid(child, &st, 0);

	/* the parent can move its child into a new group */
	pipe(p);
	child = fork();
	if (child == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(getpgrp() == getpid() ? 0 : 1);
	}
	close(p[0]);
	T_SYS(setpgid(child, child), "parent puts its child in a new group");
	T_EQ(getpgid(child), child, "getpgid of that child");
	close(p[1]);
	waitpid(child, &st, 0);
	t_expect_exit(st, 0, "child sees itself as group leader");
}

int main(int argc, char **argv)
{
	t_init("t_proc");
	test_ids();
	test_fork_basic();
	test_exit_status();
	test_wait4();
	test_waitid();
	test_vfork();
	test_wait_many();
	test_orphans();
	test_pgrp_session();
	return t_done();
}
