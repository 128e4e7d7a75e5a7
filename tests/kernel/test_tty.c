/*
 * In-kernel tests of the tty core over a fake driver: what is typed (fed
 * with tty_receive, from a kernel thread when a read must block first)
 * comes back from read(2) as a program would see it, with the blocking,
 * O_NONBLOCK and VMIN/VTIME timing rules; writes come out through output
 * processing. The files are built on the stack with kernel_io set, so the
 * tty's file operations are called as the VFS would call them.
 */
#include <ferrite/errno.h>
#include <ferrite/ktest.h>
#include <ferrite/sched.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <ferrite/tty.h>
#include <ferrite/vfs.h>

struct ktty_capture {
	char buf[256];
	size_t len;
};

static void ktty_write(struct tty *tty, const char *s, size_t len)
{
	struct ktty_capture *c = tty->driver_data;
	size_t n = MIN(len, sizeof(c->buf) - 1 - c->len);

	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = 0;
}

static const struct tty_driver_ops ktty_ops = {
	.write = ktty_write,
};

static void ktty_file_init(struct file *f, struct tty *tty, unsigned int flags)
{
	memset(f, 0, sizeof(*f));
	f->refcount = 1;
	f->flags = flags;
	f->mode = FMODE_READ | FMODE_WRITE;
	f->kernel_io = true;
	f->private_data = tty;
	mutex_init(&f->pos_lock, "ktty");
}

static long ktty_read(struct file *f, char *buf, size_t len)
{
	uint64_t pos = 0;
	long n = tty_fops.read(f, buf, len, &pos);

	if (n >= 0 && (size_t)n < len)
		buf[n] = 0;
	return n;
}

/* Raw mode with @vmin and @vtime (tenths of a second). */
static void ktty_raw(struct tty *tty, unsigned int vmin, unsigned int vtime)
{
	struct ktermios t = tty->termios;

	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = (cc_t)vmin;
	t.c_cc[VTIME] = (cc_t)vtime;
	tty_set_termios(tty, &t);
}

struct ktty_feed {
	struct tty *tty;
	uint64_t delay_ns;
	const char *data;
};

static int ktty_feeder(void *arg)
{
	struct ktty_feed *fd = arg;

	sched_sleep_ns(fd->delay_ns, NULL);
	tty_receive(fd->tty, fd->data, strlen(fd->data));
	return 0;
}

KTEST(tty_canonical_line_and_echo)
{
	struct ktty_capture cap = { .len = 0 };
	struct tty *tty = tty_alloc("ktty", 0, 0, &ktty_ops, &cap);
	struct file f;
	char buf[64];

	KEXPECT(tty != NULL);
	ktty_file_init(&f, tty, O_RDWR);
	tty_receive(tty, "ls -l\r", 6);
	KEXPECT(strcmp(cap.buf, "ls -l\r\n") == 0);
	KEXPECT_EQ(ktty_read(&f, buf, sizeof(buf)), 6);
	KEXPECT(strcmp(buf, "ls -l\n") == 0);
	tty_receive(tty, "\004", 1);
	KEXPECT_EQ(ktty_read(&f, buf, sizeof(buf)), 0);	/* ^D at line start: EOF */
	tty_free(tty);
}

KTEST(tty_read_blocks_until_a_line)
{
	struct ktty_capture cap = { .len = 0 };
	struct tty *tty = tty_alloc("ktty", 0, 0, &ktty_ops, &cap);
	struct ktty_feed feed = { tty, 20 * NSEC_PER_MSEC, "abc\n" };
	struct task *t;
	struct file f;
	char buf[64];
	uint64_t t0;
	long n;

	KEXPECT(tty != NULL);
	ktty_file_init(&f, tty, O_RDWR);
	t0 = time_boot_ns();
	t = kthread_create("ktty-feed", ktty_feeder, &feed);
	KEXPECT(!IS_ERR(t));
	n = ktty_read(&f, buf, sizeof(buf));
	task_put(t);
	KEXPECT_EQ(n, 4);
	KEXPECT(strcmp(buf, "abc\n") == 0);
	KEXPECT(time_boot_ns() - t0 >= 15 * NSEC_PER_MSEC);
	tty_free(tty);
}

KTEST(tty_nonblocking_read_eagain)
{
	struct ktty_capture cap = { .len = 0 };
	struct tty *tty = tty_alloc("ktty", 0, 0, &ktty_ops, &cap);
	struct file f;
	char buf[8];

	KEXPECT(tty != NULL);
	ktty_file_init(&f, tty, O_RDWR | O_NONBLOCK);
	tty_receive(tty, "partial", 7);	/* no newline: nothing to read yet */
	KEXPECT_EQ(ktty_read(&f, buf, sizeof(buf)), -EAGAIN);
	tty_free(tty);
}

KTEST(tty_raw_vmin0_vtime0_polls)
{
	struct ktty_capture cap = { .len = 0 };
	struct tty *tty = tty_alloc("ktty", 0, 0, &ktty_ops, &cap);
	struct file f;
	char buf[8];

	KEXPECT(tty != NULL);
	ktty_file_init(&f, tty, O_RDWR);
	ktty_raw(tty, 0, 0);
	KEXPECT_EQ(ktty_read(&f, buf, sizeof(buf)), 0);
	tty_receive(tty, "q", 1);
	KEXPECT_EQ(ktty_read(&f, buf, sizeof(buf)), 1);
	KEXPECT(buf[0] == 'q');
	tty_free(tty);
}

KTEST(tty_raw_vtime_times_out)
{
	struct ktty_capture cap = { .len = 0 };
	struct tty *tty = tty_alloc("ktty", 0, 0, &ktty_ops, &cap);
	struct file f;
	char buf[8];
	uint64_t t0, dt;

	KEXPECT(tty != NULL);
	ktty_file_init(&f, tty, O_RDWR);
	ktty_raw(tty, 0, 1);	/* 0.1 s */
	t0 = time_boot_ns();
	KEXPECT_EQ(ktty_read(&f, buf, sizeof(buf)), 0);
	dt = time_boot_ns() - t0;
	KEXPECT(dt >= 95 * NSEC_PER_MSEC);
	KEXPECT(dt < 2 * NSEC_PER_SEC);
	tty_free(tty);
}

KTEST(tty_raw_vtime_returns_on_data)
{
	struct ktty_capture cap = { .len = 0 };
	struct tty *tty = tty_alloc("ktty", 0, 0, &ktty_ops, &cap);
	struct ktty_feed feed = { tty, 20 * NSEC_PER_MSEC, "x" };
	struct task *t;
	struct file f;
	char buf[8];
	uint64_t t0;
	long n;

	KEXPECT(tty != NULL);
	ktty_file_init(&f, tty, O_RDWR);
	ktty_raw(tty, 0, 50);	/* 5 s */
	t0 = time_boot_ns();
	t = kthread_create("ktty-feed", ktty_feeder, &feed);
	KEXPECT(!IS_ERR(t));
	n = ktty_read(&f, buf, sizeof(buf));
	task_put(t);
	KEXPECT_EQ(n, 1);
	KEXPECT(time_boot_ns() - t0 < 2 * NSEC_PER_SEC);
	tty_free(tty);
}

KTEST(tty_raw_vmin_intercharacter_timer)
{
	struct ktty_capture cap = { .len = 0 };
	struct tty *tty = tty_alloc("ktty", 0, 0, &ktty_ops, &cap);
	struct ktty_feed feed = { tty, 10 * NSEC_PER_MSEC, "ab" };
	struct task *t;
	struct file f;
	char buf[8];
	long n;

	KEXPECT(tty != NULL);
	ktty_file_init(&f, tty, O_RDWR);
	ktty_raw(tty, 5, 1);	/* 5 bytes, or 0.1 s after the last one */
	t = kthread_create("ktty-feed", ktty_feeder, &feed);
	KEXPECT(!IS_ERR(t));
	n = ktty_read(&f, buf, sizeof(buf));
	task_put(t);
	KEXPECT_EQ(n, 2);
	/* VMIN 2, VTIME 0: a read returns as soon as 2 bytes are there */
	ktty_raw(tty, 2, 0);
	tty_receive(tty, "xyz", 3);
	KEXPECT_EQ(ktty_read(&f, buf, sizeof(buf)), 3);
	tty_free(tty);
}

KTEST(tty_write_output_processing)
{
	struct ktty_capture cap = { .len = 0 };
	struct tty *tty = tty_alloc("ktty", 0, 0, &ktty_ops, &cap);
	struct file f;
	uint64_t pos = 0;
	struct ktermios t;

	KEXPECT(tty != NULL);
	ktty_file_init(&f, tty, O_RDWR);
	KEXPECT_EQ(tty_fops.write(&f, "a\nb", 3, &pos), 3);
	KEXPECT(strcmp(cap.buf, "a\r\nb") == 0);
	t = tty->termios;
	t.c_oflag &= ~OPOST;
	tty_set_termios(tty, &t);
	cap.len = 0;
	KEXPECT_EQ(tty_fops.write(&f, "c\n", 2, &pos), 2);
	KEXPECT(strcmp(cap.buf, "c\n") == 0);
	tty_free(tty);
}
