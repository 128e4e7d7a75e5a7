/*
 * t_pipe - pipes, FIFOs, poll and select: pipe/pipe2 flags, data order and
 * end of file, EPIPE and SIGPIPE, O_NONBLOCK and PIPE_BUF atomicity, the
 * 64 KiB default size and F_GETPIPE_SZ/F_SETPIPE_SZ, FIONREAD, blocking
 * reads woken by another process, EINTR and SA_RESTART, named pipes and
 * their open rules; poll/ppoll/select/pselect6 readiness, POLLHUP,
 * POLLERR, POLLNVAL, EBADF, timeouts, the time left written back, and the
 * temporary signal mask of ppoll.
 */
#include "t.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void test_basic(void)
{
	int p[2];
	char buf[32];
	struct stat st;

	if (T_SYS(pipe(p), "pipe") < 0)
		return;
	T_OK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "a pipe is a FIFO to fstat");
	T_EQ(write(p[1], "hello", 5), 5, "write 5 bytes");
	T_EQ(write(p[1], " world", 6), 6, "write 6 more");
	T_EQ(read(p[0], buf, 3), 3, "read part of the data");
	T_OK(!memcmp(buf, "hel", 3), "first bytes first");
	T_EQ(read(p[0], buf, sizeof(buf)), 8, "read returns what is there, not what was asked");
	T_OK(!memcmp(buf, "lo world", 8), "then the rest in order");
	T_ERRNO(write(p[0], "x", 1), EBADF, "write to the read end");
	T_ERRNO(read(p[1], buf, 1), EBADF, "read from the write end");
	T_EQ(write(p[1], "", 0), 0, "write of 0 bytes");
	close(p[1]);
	T_EQ(read(p[0], buf, sizeof(buf)), 0, "end of file once no writer is left");
	close(p[0]);
	T_ERRNO(t_sys(SYS_pipe2, (int *)1, 0), EFAULT, "pipe with a bad pointer");
	T_ERRNO(pipe2(p, 0x40000000), EINVAL, "pipe2 with an unknown flag");
}

static void test_pipe2_flags(void)
{
	int p[2];

	if (T_SYS(pipe2(p, O_CLOEXEC | O_NONBLOCK), "pipe2(O_CLOEXEC|O_NONBLOCK)") < 0)
		return;
	T_OK(fcntl(p[0], F_GETFD) & FD_CLOEXEC, "read end is close-on-exec");
	T_OK(fcntl(p[1], F_GETFD) & FD_CLOEXEC, "write end is close-on-exec");
	T_OK(fcntl(p[0], F_GETFL) & O_NONBLOCK, "read end is non-blocking");
	T_OK((fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY, "write end is O_WRONLY");
	close(p[0]);
	close(p[1]);
}

static void test_sigpipe(void)
{
	int p[2], st;
	pid_t pid;

	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	T_ERRNO(write(p[1], "x", 1), EPIPE, "write with no reader (SIGPIPE ignored)");
	signal(SIGPIPE, SIG_DFL);
	pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	t_expect_signal(st, SIGPIPE, "write with no reader kills with SIGPIPE");
	close(p[1]);
}

static void test_nonblock_and_size(void)
{
	int p[2], n = 0;
	char big[16384];
	long total = 0, r;

	pipe2(p, O_NONBLOCK);
	memset(big, 'a', sizeof(big));
	T_ERRNO(read(p[0], big, 1), EAGAIN, "read from an empty non-blocking pipe");
	T_EQ(fcntl(p[0], F_GETPIPE_SZ), 65536, "F_GETPIPE_SZ is 64 KiB by default");
	while ((r = write(p[1], big, 8192)) > 0)
		total += r;
	T_EQ(total, 65536, "a pipe holds 64 KiB");
	T_ERRNO(write(p[1], "x", 1), EAGAIN, "write to a full non-blocking pipe");
	T_OK(ioctl(p[0], FIONREAD, &n) == 0 && n == 65536, "FIONREAD counts the bytes waiting");
	T_EQ(read(p[0], big, 100), 100, "read 100 bytes");
	T_ERRNO(write(p[1], big, 4096), EAGAIN, "a PIPE_BUF write is all or nothing");
	T_EQ(read(p[0], big, 8192), 8192, "drain 8 KiB");
	r = write(p[1], big, 8192 + 4000);
	T_OK(r >= 8192 && r < 8192 + 4000, "a large non-blocking write goes in part (%ld)", r);
	T_ERRNO(fcntl(p[0], F_SETPIPE_SZ, 4096), EBUSY, "F_SETPIPE_SZ below the data");
	while (read(p[0], big, sizeof(big)) > 0)
		;
	T_EQ(fcntl(p[1], F_SETPIPE_SZ, 5000), 8192, "F_SETPIPE_SZ rounds up to a power of two");
	T_EQ(fcntl(p[0], F_GETPIPE_SZ), 8192, "the new size is seen by both ends");
	total = 0;
	while ((r = write(p[1], big, 1000)) > 0)
		total += r;
	T_EQ(total, 8000, "the smaller pipe holds 8 KiB (in 1000-byte atomic writes)");
	close(p[0]);
	close(p[1]);
}

/* The child writes @n bytes of a pattern in odd-sized pieces. */
static int writer_child(void *arg)
{
	int fd = (int)(long)arg;
	static char buf[7777];
	long sent = 0;

	while (sent < 1 << 20) {
		int n = (int)((1 << 20) - sent < (long)sizeof(buf) ? (1 << 20) - sent : (long)sizeof(buf));

		for (int i = 0; i < n; i++)
			buf[i] = (char)((sent + i) * 7);
		if (write(fd, buf, n) != n)
			return 1;
		sent += n;
	}
	return 0;
}

static void test_stream_between_processes(void)
{
	int p[2], st, ok = 1;
	static char buf[5000];
	long got = 0, r;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(writer_child((void *)(long)p[1]));
	}
	close(p[1]);
	while ((r = read(p[0], buf, sizeof(buf))) > 0) {
		for (long i = 0; i < r; i++)
			ok &= buf[i] == (char)((got + i) * 7);
		got += r;
	}
	waitpid(pid, &st, 0);
	T_EQ(got, 1 << 20, "1 MiB through a pipe between processes");
	T_OK(ok, "the bytes arrive in order and intact");
	t_expect_exit(st, 0, "the writer's writes were all complete");
	close(p[0]);
}

static void test_eintr_and_restart(void)
{
	int p[2];
	char c;
	pid_t pid;
	long r;

	pipe(p);
	set_handler(SIGUSR1, on_signal, 0);
	pid = fork();
	if (pid == 0) {
		t_sleep_ms(100);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	got_signal = 0;
	r = read(p[0], &c, 1);
	T_OK(r == -1 && errno == EINTR && got_signal == SIGUSR1,
	     "a blocked read is interrupted by a handled signal (EINTR)");
	waitpid(pid, NULL, 0);

	set_handler(SIGUSR1, on_signal, SA_RESTART);
	pid = fork();
	if (pid == 0) {
		t_sleep_ms(100);
		kill(getppid(), SIGUSR1);
		t_sleep_ms(100);
		write(p[1], "z", 1);
		_exit(0);
	}
	got_signal = 0;
	r = read(p[0], &c, 1);
	T_OK(r == 1 && c == 'z' && got_signal == SIGUSR1, "with SA_RESTART the read goes on");
	waitpid(pid, NULL, 0);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

static void test_fifo(void)
{
	const char *path = t_path("fifo");
	int r, w, st;
	char buf[8];
	pid_t pid;

	if (T_SYS(mkfifo(path, 0600), "mkfifo") < 0)
		return;
	T_ERRNO(open(path, O_WRONLY | O_NONBLOCK), ENXIO, "non-blocking writer with no reader");
	r = T_SYS(open(path, O_RDONLY | O_NONBLOCK), "non-blocking reader opens at once");
	T_EQ(read(r, buf, 1), 0, "reading a FIFO with no writer yet gives EOF");
	{
		struct pollfd pfd = { r, POLLIN, 0 };

		T_OK(poll(&pfd, 1, 0) == 0, "no POLLHUP before a writer ever came");
	}
	w = T_SYS(open(path, O_WRONLY | O_NONBLOCK), "non-blocking writer once a reader is there");
	T_EQ(write(w, "fifo", 4), 4, "write into the FIFO");
	T_EQ(read(r, buf, sizeof(buf)), 4, "read it back");
	close(w);
	{
		struct pollfd pfd = { r, POLLIN, 0 };

		T_OK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP), "POLLHUP once the writer left");
	}
	close(r);

	/* Blocking opens wait for each other. */
	pid = fork();
	if (pid == 0) {
		int fd = open(path, O_WRONLY);

		_exit(fd >= 0 && write(fd, "ok", 2) == 2 ? 0 : 1);
	}
	r = open(path, O_RDONLY);
	T_OK(r >= 0 && read(r, buf, 2) == 2 && !memcmp(buf, "ok", 2),
	     "blocking reader and writer meet");
	waitpid(pid, &st, 0);
	t_expect_exit(st, 0, "the blocking writer opened and wrote");
	close(r);
	r = T_SYS(open(path, O_RDWR), "O_RDWR on a FIFO never blocks");
	close(r);
	unlink(path);
}

static void test_poll(void)
{
	int p[2];
	struct pollfd pfd[3];
	long long t0;

	pipe(p);
	pfd[0] = (struct pollfd){ p[0], POLLIN, 0 };
	pfd[1] = (struct pollfd){ p[1], POLLOUT, 0 };
	pfd[2] = (struct pollfd){ -1, POLLIN, 0 };
	T_EQ(poll(pfd, 3, 0), 1, "empty pipe: only the write end is ready");
	T_OK(pfd[0].revents == 0 && pfd[1].revents == POLLOUT && pfd[2].revents == 0,
	     "revents: none, POLLOUT, none (negative fd ignored)");
	write(p[1], "x", 1);
	T_EQ(poll(pfd, 2, 0), 2, "after a write both ends are ready");
	T_OK(pfd[0].revents == POLLIN, "POLLIN on the read end");
	t0 = t_now_ns();
	pfd[0].events = POLLPRI;
	T_EQ(poll(pfd, 1, 60), 0, "poll times out");
	T_OK(t_now_ns() - t0 >= 55000000LL, "after about the timeout (60 ms)");
	close(p[1]);
	pfd[0].events = POLLIN;
	T_EQ(poll(pfd, 1, 0), 1, "read end after the writer closed");
	T_OK(pfd[0].revents == (POLLIN | POLLHUP), "POLLIN|POLLHUP with data left");
	read(p[0], &t0, 1);
	poll(pfd, 1, 0);
	T_OK(pfd[0].revents == POLLHUP, "POLLHUP alone once drained");
	close(p[0]);

	pipe(p);
	close(p[0]);
	pfd[0] = (struct pollfd){ p[1], POLLOUT, 0 };
	T_EQ(poll(pfd, 1, 0), 1, "write end with no reader");
	T_OK(pfd[0].revents == (POLLOUT | POLLERR), "POLLOUT|POLLERR");
	close(p[1]);
	pfd[0] = (struct pollfd){ p[1], POLLIN, 0 };
	T_EQ(poll(pfd, 1, 0), 1, "a closed descriptor is reported");
	T_OK(pfd[0].revents == POLLNVAL, "as POLLNVAL");
	T_ERRNO(t_sys(SYS_poll, (struct pollfd *)8, 1, 0), EFAULT, "poll with a bad array");
	T_ERRNO(t_sys(SYS_poll, pfd, 1 << 30, 0), EINVAL, "poll with nfds over RLIMIT_NOFILE");
	t0 = t_now_ns();
	T_EQ(poll(NULL, 0, 30), 0, "poll(NULL, 0, 30) sleeps");
	T_OK(t_now_ns() - t0 >= 25000000LL, "for about 30 ms");
}

static void test_poll_wakeup(void)
{
	int p[2];
	struct pollfd pfd;
	pid_t pid;
	long long t0 = t_now_ns();

	pipe(p);
	pid = fork();
	if (pid == 0) {
		t_sleep_ms(80);
		write(p[1], "w", 1);
		_exit(0);
	}
	pfd = (struct pollfd){ p[0], POLLIN, 0 };
	T_EQ(poll(&pfd, 1, -1), 1, "a blocking poll is woken by a write from another process");
	T_OK(t_now_ns() - t0 >= 70000000LL, "not before the write");
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
}

static void test_select(void)
{
	int p[2];
	fd_set rd, wr;
	struct timeval tv;
	long long t0;

	pipe(p);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	tv = (struct timeval){ 0, 0 };
	T_EQ(select(p[1] + 1, &rd, &wr, NULL, &tv), 1, "select: only the write end is ready");
	T_OK(!FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr), "the sets say which");
	write(p[1], "x", 1);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	T_EQ(select(p[1] + 1, &rd, &wr, NULL, NULL), 2, "both ready after a write (each bit counts)");
	FD_ZERO(&rd);
	FD_SET(p[1], &rd);	/* the write end never becomes readable */
	tv = (struct timeval){ 0, 300000 };
	t0 = t_now_ns();
	FD_ZERO(&wr);
	T_EQ(select(p[1] + 1, &rd, NULL, NULL, &(struct timeval){ 0, 50000 }), 0,
	     "select times out");
	T_OK(t_now_ns() - t0 >= 45000000LL, "after about 50 ms");
	read(p[0], &tv, 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){ 0, 300000 };
	if (fork() == 0) {
		t_sleep_ms(50);
		write(p[1], "y", 1);
		_exit(0);
	}
	/* The raw call: libc may pass a copy of the timeval. */
	T_EQ(t_sys(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv), 1, "select woken by a write");
	T_OK(tv.tv_sec == 0 && tv.tv_usec > 0 && tv.tv_usec < 300000,
	     "select writes the time left back");
	wait(NULL);
	close(p[1]);
	FD_ZERO(&rd);
	FD_SET(p[1], &rd);
	T_ERRNO(select(p[1] + 1, &rd, NULL, NULL, &(struct timeval){ 0, 0 }), EBADF,
		"select on a closed descriptor");
	T_ERRNO(select(-1, NULL, NULL, NULL, NULL), EINVAL, "select with nfds < 0");
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	T_ERRNO(select(p[0] + 1, &rd, NULL, NULL, &(struct timeval){ -1, 0 }), EINVAL,
		"select with a negative timeout");
	close(p[0]);
	t0 = t_now_ns();
	T_EQ(select(0, NULL, NULL, NULL, &(struct timeval){ 0, 30000 }), 0, "select as a sleep");
	T_OK(t_now_ns() - t0 >= 25000000LL, "for about 30 ms");
}

static void test_ppoll_sigmask(void)
{
	sigset_t block, empty, now;
	struct pollfd pfd;
	struct timespec ts = { 5, 0 };
	int p[2], r, e;
	pid_t pid;

	pipe(p);
	set_handler(SIGUSR1, on_signal, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = fork();
	if (pid == 0) {
		t_sleep_ms(80);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	/* The signal is blocked outside ppoll but let through during it. */
	sigemptyset(&empty);
	pfd = (struct pollfd){ p[0], POLLIN, 0 };
	got_signal = 0;
	r = (int)t_sys(SYS_ppoll, &pfd, 1, &ts, &empty, 8);	/* raw: libc may copy ts */
	e = errno;
	T_OK(r == -1 && e == EINTR && got_signal == SIGUSR1,
	     "ppoll with a temporary mask takes the signal (EINTR)");
	T_OK(ts.tv_sec < 5 && ts.tv_sec >= 3, "ppoll writes the time left back");
	sigprocmask(SIG_BLOCK, NULL, &now);
	T_OK(sigismember(&now, SIGUSR1), "the old mask is back after ppoll");
	waitpid(pid, NULL, 0);

	/* A signal blocked by the old mask stays pending after a ppoll that returns normally. */
	got_signal = 0;
	write(p[1], "x", 1);
	kill(getpid(), SIGUSR1);
	T_EQ(ppoll(&pfd, 1, NULL, &block), 1, "ppoll with the signal blocked returns the event");
	T_EQ(got_signal, 0, "no handler ran");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	T_EQ(got_signal, SIGUSR1, "the signal was delivered once unblocked");
	T_ERRNO(syscall(SYS_ppoll, &pfd, 1, NULL, &block, 4), EINVAL, "ppoll with a bad sigsetsize");
	ts = (struct timespec){ 0, 1000000000 };
	T_ERRNO(ppoll(&pfd, 1, &ts, NULL), EINVAL, "ppoll with tv_nsec out of range");
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

static void test_pselect(void)
{
	int p[2];
	fd_set rd;
	struct timespec ts = { 0, 20000000 };
	sigset_t empty;

	pipe(p);
	sigemptyset(&empty);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	T_EQ(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &empty), 0, "pselect times out");
	write(p[1], "x", 1);
	FD_SET(p[0], &rd);
	T_EQ(pselect(p[0] + 1, &rd, NULL, NULL, NULL, NULL), 1, "pselect sees data");
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	t_init("t_pipe");
	t_mkdir_scratch();
	test_basic();
	test_pipe2_flags();
	test_sigpipe();
	test_nonblock_and_size();
	test_stream_between_processes();
	test_eintr_and_restart();
	test_fifo();
	test_poll();
	test_poll_wakeup();
	test_select();
	test_ppoll_sigmask();
	test_pselect();
	t_rmtree(t_dir);
	return t_done();
}
