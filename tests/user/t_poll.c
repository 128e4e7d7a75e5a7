/*
 * t_poll - poll/ppoll/select/pselect6: timeouts (never early), readiness
 * of pipes and files, POLLNVAL, negative fds ignored, EBADF/EINVAL/EFAULT/
 * EINTR, and the signal mask swap of ppoll and pselect.
 */
#include "t.h"
#include <poll.h>
#include <sys/select.h>
#include <sys/time.h>

static volatile sig_atomic_t hits;

static void on_usr1(int sig)
{
	hits++;
}

static void test_poll_basic(void)
{
	int p[2], fd;
	struct pollfd f[3];
	long long t0;

	pipe(p);
	f[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	T_EQ(poll(f, 1, 0), 0, "poll timeout 0 on an empty pipe returns 0");
	t0 = t_now_ns();
	T_EQ(poll(f, 1, 50), 0, "poll with a 50 ms timeout returns 0");
	T_OK(t_now_ns() - t0 >= 50000000, "and waited at least 50 ms (%lld us)", (t_now_ns() - t0) / 1000);
	T_EQ(poll(NULL, 0, 10), 0, "poll with no fds sleeps and returns 0");
	write(p[1], "x", 1);
	f[1] = (struct pollfd){ .fd = -1, .events = POLLIN, .revents = 0x7 };
	f[2] = (struct pollfd){ .fd = 9999, .events = POLLIN };
	T_EQ(poll(f, 3, 0), 2, "poll counts the ready fd and the invalid one");
	T_EQ(f[0].revents, POLLIN, "ready pipe: POLLIN");
	T_EQ(f[1].revents, 0, "negative fd ignored, revents cleared");
	T_EQ(f[2].revents, POLLNVAL, "closed fd: POLLNVAL");
	fd = open("/", O_RDONLY);
	t_mkdir_scratch();
	int file = open(t_path("f"), O_RDWR | O_CREAT, 0644);
	f[0] = (struct pollfd){ .fd = file, .events = POLLIN | POLLOUT };
	T_EQ(poll(f, 1, 0), 1, "a regular file is always ready");
	T_EQ(f[0].revents, POLLIN | POLLOUT, "regular file: POLLIN|POLLOUT");
	close(file);
	close(fd);
	T_ERRNO(t_sys(SYS_poll, f, 1 << 30, 0), EINVAL, "poll with nfds above RLIMIT_NOFILE");
	T_ERRNO(t_sys(SYS_poll, T_KADDR_DIRECT, 1, 0), EFAULT, "poll on kernel memory");
	close(p[0]);
	close(p[1]);
}

static void test_ppoll(void)
{
	int p[2], st;
	struct pollfd f;
	struct timespec ts = { 0, 30000000 };
	sigset_t block, empty;
	long long t0;

	pipe(p);
	f = (struct pollfd){ .fd = p[0], .events = POLLIN };
	t0 = t_now_ns();
	T_EQ(ppoll(&f, 1, &ts, NULL), 0, "ppoll 30 ms timeout");
	T_OK(t_now_ns() - t0 >= 30000000, "ppoll waited at least 30 ms");
	struct timespec neg = { -1, 0 };
	T_ERRNO(ppoll(&f, 1, &neg, NULL), EINVAL, "ppoll with a negative timeout");
	struct timespec badns = { 0, 1000000000 };
	T_ERRNO(ppoll(&f, 1, &badns, NULL), EINVAL, "ppoll with tv_nsec = 1e9");

	/* the signal is blocked except inside ppoll, which returns EINTR */
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	hits = 0;
	pid_t parent = getpid(), c = fork();
	if (c == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	waitpid(c, &st, 0);
	T_EQ(hits, 0, "blocked SIGUSR1 is pending");
	sigemptyset(&empty);
	T_ERRNO(ppoll(&f, 1, NULL, &empty), EINTR, "ppoll with an empty mask takes the signal");
	T_EQ(hits, 1, "handler ran once");
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	T_OK(sigismember(&now, SIGUSR1), "ppoll restored the mask");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(p[0]);
	close(p[1]);
}

static void test_select(void)
{
	int p[2], st;
	fd_set r, w;
	struct timeval tv;
	long long t0;

	pipe(p);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, 0 };
	T_EQ(select(p[0] + 1, &r, NULL, NULL, &tv), 0, "select timeout 0 on an empty pipe");
	T_OK(!FD_ISSET(p[0], &r), "select cleared the not-ready fd");
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, 40000 };
	t0 = t_now_ns();
	T_EQ(t_sys(SYS_select, p[0] + 1, &r, NULL, NULL, &tv), 0, "select 40 ms timeout");
	T_OK(t_now_ns() - t0 >= 40000000, "select waited at least 40 ms");
	T_OK(tv.tv_sec == 0 && tv.tv_usec == 0, "select updates the timeout to what is left (0)");
	write(p[1], "x", 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	tv = (struct timeval){ 5, 0 };
	T_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 2, "select: read end and write end ready");
	T_OK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w), "both bits set");
	T_OK(tv.tv_sec <= 5 && tv.tv_sec >= 4, "remaining time left in the timeval");
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	T_ERRNO(select(-1, &r, NULL, NULL, &tv), EINVAL, "select with nfds -1");
	int spare = dup(p[0]);
	close(spare);
	FD_ZERO(&r);
	FD_SET(spare, &r);
	tv = (struct timeval){ 0, 0 };
	T_ERRNO(select(spare + 1, &r, NULL, NULL, &tv), EBADF, "select with a closed fd in the set");
	FD_ZERO(&r);
	tv = (struct timeval){ -1, 0 };
	T_ERRNO(select(1, &r, NULL, NULL, &tv), EINVAL, "select with a negative tv_sec");

	/* select woken by a writer */
	char c;
	read(p[0], &c, 1);
	pid_t k = fork();
	if (k == 0) {
		t_sleep_ms(30);
		write(p[1], "z", 1);
		_exit(0);
	}
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	T_EQ(select(p[0] + 1, &r, NULL, NULL, NULL), 1, "select without timeout wakes for the writer");
	waitpid(k, &st, 0);
	close(p[0]);
	close(p[1]);
}

static void test_pselect(void)
{
	int p[2], st;
	fd_set r;
	struct timespec ts = { 0, 20000000 };
	sigset_t block, empty;
	long long t0;

	pipe(p);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	t0 = t_now_ns();
	T_EQ(pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL), 0, "pselect 20 ms timeout");
	T_OK(t_now_ns() - t0 >= 20000000, "pselect waited at least 20 ms");
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	hits = 0;
	pid_t parent = getpid(), c = fork();
	if (c == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	waitpid(c, &st, 0);
	sigemptyset(&empty);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	T_ERRNO(pselect(p[0] + 1, &r, NULL, NULL, NULL, &empty), EINTR, "pselect with an empty mask");
	T_EQ(hits, 1, "the handler ran");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	t_init("t_poll");
	test_poll_basic();
	test_ppoll();
	test_select();
	test_pselect();
	t_rmtree(t_dir);
	return t_done();
}
