/*
 * t_tty - terminals: ENOTTY on things that are not terminals (always run),
 * then, when stdin is a terminal (the guest's /dev/console), the termios
 * round trip (TCGETS/TCSETS/TCSETSW), a non-blocking raw read, the window
 * size (TIOCGWINSZ/TIOCSWINSZ), and the foreground group (TIOCGPGRP,
 * TIOCGSID), acquiring the terminal in a new session if we have none.
 * Without a terminal on stdin those are skipped ("# SKIP").
 */
#include "t.h"
#include <sys/ioctl.h>
#include <termios.h>

static void test_not_tty(void)
{
	int p[2];
	struct termios t;
	struct winsize ws;

	pipe(p);
	errno = 0;
	T_OK(isatty(p[0]) == 0 && errno == ENOTTY, "isatty(pipe) is 0 with ENOTTY");
	T_ERRNO(tcgetattr(p[0], &t), ENOTTY, "tcgetattr on a pipe");
	T_ERRNO(ioctl(p[1], TIOCGWINSZ, &ws), ENOTTY, "TIOCGWINSZ on a pipe");
	close(p[0]);
	close(p[1]);
	int fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		T_ERRNO(tcgetattr(fd, &t), ENOTTY, "tcgetattr on /dev/null");
		close(fd);
	}
	T_ERRNO(ioctl(9999, TCGETS, &t), EBADF, "TCGETS on a bad fd");
}

static int same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag && !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

static void test_termios(void)
{
	struct termios orig, t, back;
	char c;

	/* musl's struct termios is larger than what TCGETS fills */
	memset(&orig, 0, sizeof(orig));
	memset(&back, 0, sizeof(back));

	T_SYS(tcgetattr(0, &orig), "tcgetattr on stdin");
	t = orig;
	t.c_lflag &= ~(ECHO | ICANON);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	T_SYS(tcsetattr(0, TCSANOW, &t), "tcsetattr TCSANOW: -echo -icanon min 0 time 0");
	tcgetattr(0, &back);
	T_OK(!(back.c_lflag & (ECHO | ICANON)) && back.c_cc[VMIN] == 0 && back.c_cc[VTIME] == 0,
	     "tcgetattr reads the new settings back");
	T_EQ(read(0, &c, 1), 0, "raw mode with VMIN=0 VTIME=0: read returns 0 without input");
	T_SYS(tcsetattr(0, TCSADRAIN, &orig), "tcsetattr TCSADRAIN restores");
	tcgetattr(0, &back);
	T_OK(same_termios(&orig, &back), "settings restored exactly");
	T_OK(cfgetospeed(&orig) != B0, "the line has a speed");
	T_ERRNO(tcsetattr(0, 99, &orig), EINVAL, "tcsetattr with a bad action");
	T_ERRNO(t_sys(SYS_ioctl, 0, TCGETS, T_KADDR_DIRECT), EFAULT, "TCGETS into kernel memory");
}

static void test_winsize(void)
{
	struct winsize orig, ws = { .ws_row = 33, .ws_col = 101 }, back;

	T_SYS(ioctl(0, TIOCGWINSZ, &orig), "TIOCGWINSZ");
	T_SYS(ioctl(0, TIOCSWINSZ, &ws), "TIOCSWINSZ 33x101");
	ioctl(0, TIOCGWINSZ, &back);
	T_OK(back.ws_row == 33 && back.ws_col == 101, "TIOCGWINSZ reads 33x101 back");
	ioctl(0, TIOCSWINSZ, &orig);
}

static int ctty_child(void *arg)
{
	pid_t pg = -1, sid = -1;

	if (setsid() < 0)
		return 1;
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return errno == EPERM ? 99 : 2;
	if (ioctl(0, TIOCGPGRP, &pg) < 0 || pg != getpgrp())
		return 3;
	if (ioctl(0, TIOCGSID, &sid) < 0 || sid != getpid())
		return 4;
	if (tcgetpgrp(0) != getpid())
		return 5;
	int fd = open("/dev/tty", O_RDWR);
	if (fd < 0)
		return 6;
	close(fd);
	/* release the terminal before exiting: as session leader that
	 * sends SIGHUP to the foreground group, which is us */
	signal(SIGHUP, SIG_IGN);
	if (ioctl(0, TIOCNOTTY) < 0)
		return 7;
	if (ioctl(0, TIOCGPGRP, &pg) != -1 || errno != ENOTTY)
		return 8;
	return 0;
}

static void test_pgrp(void)
{
	pid_t pg = -1;

	if (ioctl(0, TIOCGPGRP, &pg) == 0) {
		T_OK(pg > 0, "TIOCGPGRP on our controlling terminal (%d)", (int)pg);
		T_EQ(tcgetpgrp(0), pg, "tcgetpgrp agrees");
		int fd = open("/dev/tty", O_RDWR);
		T_OK(fd >= 0, "/dev/tty opens with a controlling terminal");
		if (fd >= 0)
			close(fd);
		return;
	}
	T_EQ(errno, ENOTTY, "TIOCGPGRP without a controlling terminal -> ENOTTY");
	T_ERRNO(open("/dev/tty", O_RDWR), ENXIO, "/dev/tty without a controlling terminal");
	int st = t_child(ctty_child, NULL);
	if (t_exited(st, 99))
		t_skip("TIOCSCTTY in a new session", "the terminal belongs to another session");
	else
		t_expect_exit(st, 0, "new session takes the terminal: TIOCGPGRP/TIOCGSID/tcgetpgrp/dev/tty");
}

int main(int argc, char **argv)
{
	t_init("t_tty");
	test_not_tty();
	if (!isatty(0)) {
		t_skip("termios round trip", "stdin is not a tty");
		t_skip("window size", "stdin is not a tty");
		t_skip("foreground process group", "stdin is not a tty");
		return t_done();
	}
	test_termios();
	test_winsize();
	test_pgrp();
	return t_done();
}
