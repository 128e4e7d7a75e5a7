/*
 * t_fd - file descriptors: dup/dup2/dup3, fcntl F_DUPFD(_CLOEXEC),
 * F_GETFD/F_SETFD, F_GETFL/F_SETFL, shared offsets across dup and fork,
 * O_CLOEXEC across execve (the program re-executes itself as the helper),
 * RLIMIT_NOFILE and EMFILE, with Linux's errno values.
 */
#include "t.h"
#include <sys/resource.h>

static int helper(int argc, char **argv)
{
	/* argv: SELF --helper KEPT_FD CLOSED_FD */
	int kept = atoi(argv[2]), closed = atoi(argv[3]);
	int bad = 0;

	if (fcntl(kept, F_GETFD) != 0)
		bad |= 1;
	if (fcntl(closed, F_GETFD) != -1 || errno != EBADF)
		bad |= 2;
	char c;
	if (lseek(kept, 0, SEEK_SET) != 0 || read(kept, &c, 1) != 1 || c != 'K')
		bad |= 4;
	return bad;
}

static void test_dup(void)
{
	int fd = open(t_path("f"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	int d, e;
	char c;

	write(fd, "abcdef", 6);
	d = T_SYS(dup(fd), "dup");
	T_OK(d > fd, "dup returns a new fd");
	lseek(fd, 2, SEEK_SET);
	T_EQ(lseek(d, 0, SEEK_CUR), 2, "dup shares the file offset");
	read(d, &c, 1);
	T_EQ(lseek(fd, 0, SEEK_CUR), 3, "reading through the dup moves the shared offset");
	T_ERRNO(dup(9999), EBADF, "dup of a bad fd");

	e = T_SYS(dup2(fd, 50), "dup2 to 50");
	T_EQ(e, 50, "dup2 returns newfd");
	T_EQ(fcntl(50, F_GETFD), 0, "dup2 clears FD_CLOEXEC on the new fd");
	T_EQ(dup2(fd, fd), fd, "dup2(fd, fd) returns fd");
	T_ERRNO(dup2(9999, 51), EBADF, "dup2 of a bad fd");
	T_ERRNO(dup2(fd, -1), EBADF, "dup2 to -1");
	T_ERRNO(dup2(fd, 1 << 30), EBADF, "dup2 past RLIMIT_NOFILE");
	/* dup2 over an open fd closes it first */
	int other = open(t_path("f"), O_RDONLY);
	dup2(fd, other);
	T_EQ(lseek(other, 0, SEEK_CUR), lseek(fd, 0, SEEK_CUR), "dup2 over an open fd replaces it");
	close(other);

	e = T_SYS(dup3(fd, 60, O_CLOEXEC), "dup3 O_CLOEXEC");
	T_EQ(fcntl(60, F_GETFD), FD_CLOEXEC, "dup3 O_CLOEXEC sets FD_CLOEXEC");
	T_ERRNO(t_sys(SYS_dup3, fd, fd, 0), EINVAL, "dup3(fd, fd)");
	T_ERRNO(t_sys(SYS_dup3, fd, 61, O_NONBLOCK), EINVAL, "dup3 with a flag other than O_CLOEXEC");
	close(50);
	close(60);
	T_SYS(close(d), "close the dup");
	T_ERRNO(close(d), EBADF, "close twice");
	close(fd);
}

static void test_fcntl(void)
{
	int fd = open(t_path("f"), O_RDWR | O_APPEND);
	struct rlimit rl;
	int d;

	d = T_SYS(fcntl(fd, F_DUPFD, 10), "F_DUPFD 10");
	T_OK(d >= 10, "F_DUPFD returns >= 10 (%d)", d);
	T_EQ(fcntl(d, F_GETFD), 0, "F_DUPFD: no FD_CLOEXEC");
	close(d);
	d = T_SYS(fcntl(fd, F_DUPFD_CLOEXEC, 20), "F_DUPFD_CLOEXEC 20");
	T_OK(d >= 20 && fcntl(d, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC sets FD_CLOEXEC");
	close(d);
	getrlimit(RLIMIT_NOFILE, &rl);
	T_ERRNO(fcntl(fd, F_DUPFD, (int)rl.rlim_cur), EINVAL, "F_DUPFD at RLIMIT_NOFILE");
	T_ERRNO(fcntl(fd, F_DUPFD, -1), EINVAL, "F_DUPFD with a negative minimum");
	T_EQ(fcntl(fd, F_GETFD), 0, "F_GETFD initially 0");
	T_SYS(fcntl(fd, F_SETFD, FD_CLOEXEC), "F_SETFD FD_CLOEXEC");
	T_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC, "F_GETFD reads it back");
	d = dup(fd);
	T_EQ(fcntl(d, F_GETFD), 0, "dup does not copy FD_CLOEXEC");
	close(d);
	fcntl(fd, F_SETFD, 0);
	int fl = fcntl(fd, F_GETFL);
	T_EQ(fl & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR | O_APPEND, "F_GETFL: O_RDWR|O_APPEND");
	T_SYS(fcntl(fd, F_SETFL, O_NONBLOCK | O_RDONLY), "F_SETFL O_NONBLOCK");
	fl = fcntl(fd, F_GETFL);
	T_EQ(fl & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR | O_NONBLOCK,
	     "F_SETFL changed O_APPEND/O_NONBLOCK, not the access mode");
	d = dup(fd);
	T_EQ(fcntl(d, F_GETFL) & O_NONBLOCK, O_NONBLOCK, "status flags are shared by dups");
	close(d);
	T_ERRNO(fcntl(fd, 9999), EINVAL, "fcntl with an unknown command");
	T_ERRNO(fcntl(9999, F_GETFD), EBADF, "fcntl on a bad fd");
	int p[2];
	pipe(p);
	T_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY, "pipe read end is O_RDONLY");
	T_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY, "pipe write end is O_WRONLY");
	close(p[0]);
	close(p[1]);
	close(fd);
}

static void test_fork_share(void)
{
	int fd = open(t_path("f"), O_RDWR);
	int st;

	lseek(fd, 0, SEEK_SET);
	pid_t c = fork();
	if (c == 0) {
		lseek(fd, 4, SEEK_SET);
		_exit(0);
	}
	waitpid(c, &st, 0);
	T_EQ(lseek(fd, 0, SEEK_CUR), 4, "fork shares the open file's offset");
	close(fd);
}

static void test_cloexec_exec(void)
{
	char k[16], cl[16];
	int kept, closed, st;

	t_write_file(t_path("k"), "K", 1, 0644);
	kept = open(t_path("k"), O_RDONLY);
	closed = open(t_path("k"), O_RDONLY | O_CLOEXEC);
	T_EQ(fcntl(closed, F_GETFD), FD_CLOEXEC, "O_CLOEXEC sets FD_CLOEXEC");
	snprintf(k, sizeof(k), "%d", kept);
	snprintf(cl, sizeof(cl), "%d", closed);
	char *argv[] = { t_self, "--helper", k, cl, NULL };
	pid_t c = fork();
	if (c == 0) {
		execv(t_self, argv);
		_exit(127);
	}
	waitpid(c, &st, 0);
	t_expect_exit(st, 0, "after execve: plain fd open, O_CLOEXEC fd closed");
	close(kept);
	close(closed);
}

static int nofile_child(void *arg)
{
	struct rlimit rl = { 16, 16 };
	int last = -1, fd;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		return 10;
	while ((fd = open("/", O_RDONLY)) >= 0)
		last = fd;
	if (errno != EMFILE)
		return 11;
	if (last != 15)
		return 12;
	if (dup(0) != -1 || errno != EMFILE)
		return 13;
	if (dup2(0, 16) != -1 || errno != EBADF)
		return 14;
	if (fcntl(0, F_DUPFD, 16) != -1 || errno != EINVAL)
		return 15;
	close(5);
	if (dup(0) != 5)
		return 16;
	int p[2];
	if (pipe(p) != -1 || errno != EMFILE)
		return 17;
	return 0;
}

static void test_nofile(void)
{
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	T_OK(rl.rlim_cur >= 64 && rl.rlim_cur <= rl.rlim_max, "RLIMIT_NOFILE plausible (%ld/%ld)", (long)rl.rlim_cur,
	     (long)rl.rlim_max);
	t_expect_exit(t_child(nofile_child, NULL), 0, "RLIMIT_NOFILE 16: fd 15 is the last, then EMFILE");
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--helper"))
		return helper(argc, argv);
	t_init("t_fd");
	t_find_self(argv[0]);
	t_mkdir_scratch();
	test_dup();
	test_fcntl();
	test_fork_share();
	test_cloexec_exec();
	test_nofile();
	t_rmtree(t_dir);
	return t_done();
}
