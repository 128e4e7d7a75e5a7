/*
 * The tty core: terminal objects, their device files (/dev/ttyS0,
 * /dev/console, /dev/tty), blocking reads and writes over the N_TTY line
 * discipline, controlling terminals and the job-control checks of POSIX.1
 * §11.1.4 ("Terminal Access Control") as Linux implements them
 * (tty_check_change, the SIGTTIN/SIGTTOU rules, orphaned process groups).
 *
 * Input arrives from the driver's interrupt handler through tty_receive,
 * which runs the line discipline under tty->lock and wakes readers. Signal
 * characters (^C, ^\, ^Z) are not sent from there: signalling a process
 * group walks every process under process_tree_lock, a long walk for an
 * interrupt handler and one that would nest the process locks inside an
 * interrupt. They are queued on the tty and sent by a kernel thread,
 * "tty_signal", a moment later (as Linux defers receive processing to a
 * work queue).
 *
 * The ioctls are in tty_ioctl.c.
 */
#define pr_fmt(fmt) "tty: " fmt

#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/serial.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <ferrite/tty.h>
#include <ferrite/vfs.h>

#define TTY_WRITE_CHUNK	128	/* user bytes processed per pass */

static DEFINE_SPINLOCK(tty_list_lock);
static LIST_HEAD(tty_list);			/* [tty_list_lock] every tty */
static struct tty *console_tty;			/* [I] after tty_init */
static struct wait_queue tty_worker_wait = WAIT_QUEUE_INIT(tty_worker_wait);
static int tty_worker_kicked;			/* [a] signals are queued */
static struct task *tty_worker;			/* [I] after tty_init */

/* Linux's tty_std_termios: INIT_C_CC and the flags a fresh tty has. */
static const struct ktermios tty_std_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD | HUPCL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = {
		[VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025,
		[VEOF] = 004, [VTIME] = 0, [VMIN] = 1, [VSWTC] = 0,
		[VSTART] = 021, [VSTOP] = 023, [VSUSP] = 032, [VEOL] = 0,
		[VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027,
		[VLNEXT] = 026, [VEOL2] = 0,
	},
	.c_ispeed = 38400,
	.c_ospeed = 38400,
};

BUILD_BUG_ON(sizeof(struct termios) != 36);
BUILD_BUG_ON(sizeof(struct termios2) != 44);
BUILD_BUG_ON(sizeof(struct winsize) != 8);

/* ---- line discipline callbacks (tty->lock held) ---- */

static void tty_ldisc_output(void *ctx, const char *s, size_t len)
{
	struct tty *tty = ctx;

	tty->ops->write(tty, s, len);
}

/* Queue @sig for the foreground group; the worker sends it. [L] held. */
static void tty_ldisc_signal(void *ctx, int sig)
{
	struct tty *tty = ctx;
	struct tty_sigq_entry *e;

	if (!tty->pgrp)
		return;
	if (tty->sigq_head - tty->sigq_tail >= TTY_SIGQ_LEN)
		return;		/* a burst of ^C: signals coalesce anyway */
	e = &tty->sigq[tty->sigq_head++ % TTY_SIGQ_LEN];
	e->pgrp = tty->pgrp;
	e->sig = sig;
}

static const struct n_tty_ops tty_ldisc_ops = {
	.output = tty_ldisc_output,
	.signal = tty_ldisc_signal,
};

struct tty *tty_alloc(const char *name, unsigned int major, unsigned int minor,
		      const struct tty_driver_ops *ops, void *driver_data)
{
	struct tty *tty = kzalloc(sizeof(*tty));
	unsigned long flags;

	if (!tty)
		return NULL;
	strscpy(tty->name, name, sizeof(tty->name));
	tty->major = major;
	tty->minor = minor;
	tty->ops = ops;
	tty->driver_data = driver_data;
	spin_lock_init(&tty->lock, "tty->lock");
	tty->termios = tty_std_termios;
	/* Linux reports 0x0 for a serial line; programs fall back to 80x24. */
	memset(&tty->winsize, 0, sizeof(tty->winsize));
	wait_queue_init(&tty->read_wait);
	wait_queue_init(&tty->write_wait);
	mutex_init(&tty->write_lock, "tty->write_lock");
	n_tty_init(&tty->ldisc, &tty->termios, &tty_ldisc_ops, tty);
	n_tty_set_termios(&tty->ldisc, NULL);
	flags = spin_lock_irqsave(&tty_list_lock);
	list_add_tail(&tty->node, &tty_list);
	spin_unlock_irqrestore(&tty_list_lock, flags);
	return tty;
}

void tty_free(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&tty_list_lock);

	list_del(&tty->node);
	spin_unlock_irqrestore(&tty_list_lock, flags);
	kfree(tty);
}

void tty_receive(struct tty *tty, const char *buf, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	bool sigs, stopped;

	n_tty_receive(&tty->ldisc, buf, n);
	sigs = tty->sigq_head != tty->sigq_tail;
	stopped = n_tty_stopped(&tty->ldisc);
	spin_unlock_irqrestore(&tty->lock, flags);
	wake_up(&tty->read_wait);
	if (!stopped)
		wake_up(&tty->write_wait);
	if (sigs && tty_worker) {
		__atomic_store_n(&tty_worker_kicked, 1, __ATOMIC_RELEASE);
		wake_up(&tty_worker_wait);
	}
}

void tty_set_termios(struct tty *tty, const struct ktermios *nt)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	struct ktermios old = tty->termios;

	tty->termios = *nt;
	n_tty_set_termios(&tty->ldisc, &old);
	if (tty->ops->set_termios)
		tty->ops->set_termios(tty, &old);
	spin_unlock_irqrestore(&tty->lock, flags);
	/* ICANON or VMIN changes can make a waiting read return; IXON off restarts writers. */
	wake_up(&tty->read_wait);
	wake_up(&tty->write_wait);
}

/* ---- the signal worker ---- */

#define TTY_SIG_BATCH	16

/* Take up to @max queued signals from every tty into @batch; returns how many. */
static int tty_collect_signals(struct tty_sigq_entry *batch, int max)
{
	unsigned long flags = spin_lock_irqsave(&tty_list_lock);
	struct tty *tty;
	int n = 0;

	list_for_each_entry(tty, &tty_list, node) {
		unsigned long tflags = spin_lock_irqsave(&tty->lock);

		while (n < max && tty->sigq_head != tty->sigq_tail)
			batch[n++] = tty->sigq[tty->sigq_tail++ % TTY_SIGQ_LEN];
		spin_unlock_irqrestore(&tty->lock, tflags);
	}
	spin_unlock_irqrestore(&tty_list_lock, flags);
	return n;
}

/* The "tty_signal" thread: send what signal characters queued, from process context. */
static int tty_worker_fn(void *arg)
{
	struct tty_sigq_entry batch[TTY_SIG_BATCH];

	(void)arg;
	for (;;) {
		int n;

		wait_event_interruptible(tty_worker_wait,
					 __atomic_load_n(&tty_worker_kicked, __ATOMIC_ACQUIRE));
		__atomic_store_n(&tty_worker_kicked, 0, __ATOMIC_RELEASE);
		do {
			n = tty_collect_signals(batch, TTY_SIG_BATCH);
			for (int i = 0; i < n; i++)
				signal_send_pgrp(batch[i].pgrp, batch[i].sig);
		} while (n == TTY_SIG_BATCH);
	}
	return 0;
}

/* ---- sessions, process groups, job control ---- */

bool tty_pgrp_is_orphaned_locked(int pgid)
{
	struct process *p;

	list_for_each_entry(p, &process_list, all_node) {
		struct process *parent = p->parent;

		if (p->pgid != pgid || p->exit_state || !parent || parent->pid == 1)
			continue;
		if (parent->pgid != pgid && parent->sid == p->sid)
			return false;
	}
	return true;
}

/* True if the caller ignores or blocks @sig (then SIGTTIN/SIGTTOU are not sent). */
static bool tty_sig_ignored(int sig)
{
	return signal_is_ignored(current_proc, sig) ||
	       (READ_ONCE(current->blocked) & SIGMASK(sig));
}

int tty_check_change(struct tty *tty, int sig)
{
	struct process *p = current_proc;
	unsigned long flags;
	int pgrp, tty_pgrp, ret = 0;

	flags = spin_lock_irqsave(&process_tree_lock);
	if (p->tty != tty)
		goto out_unlock;
	pgrp = p->pgid;
	tty_pgrp = tty->pgrp;
	if (!tty_pgrp || pgrp == tty_pgrp)
		goto out_unlock;
	if (tty_sig_ignored(sig)) {
		if (sig == SIGTTIN)
			ret = -EIO;
		goto out_unlock;
	}
	if (tty_pgrp_is_orphaned_locked(pgrp)) {
		ret = -EIO;
		goto out_unlock;
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
	signal_send_pgrp(pgrp, sig);
	return -ERESTARTSYS;
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return ret;
}

void tty_set_ctty_locked(struct tty *tty)
{
	struct process *p = current_proc;
	unsigned long flags = spin_lock_irqsave(&tty->lock);

	tty->session = p->sid;
	tty->pgrp = p->pgid;
	spin_unlock_irqrestore(&tty->lock, flags);
	p->tty = tty;
}

void tty_clear_session_locked(struct tty *tty, int sid)
{
	struct process *p;

	list_for_each_entry(p, &process_list, all_node)
		if (p->sid == sid && p->tty == tty)
			p->tty = NULL;
}

void tty_drop_dead_session_locked(struct tty *tty)
{
	struct process *p;
	unsigned long flags;
	int sid = tty->session;

	if (!sid)
		return;
	list_for_each_entry(p, &process_list, all_node)
		if (p->pid == sid && p->sid == sid && !p->exit_state)
			return;
	tty_clear_session_locked(tty, sid);
	flags = spin_lock_irqsave(&tty->lock);
	tty->session = 0;
	tty->pgrp = 0;
	spin_unlock_irqrestore(&tty->lock, flags);
}

void tty_disassociate_ctty(bool on_exit)
{
	struct process *p = current_proc;
	unsigned long flags, tflags;
	struct tty *tty;
	int pgrp;

	flags = spin_lock_irqsave(&process_tree_lock);
	tty = p->tty;
	if (!tty || p->pid != p->sid) {
		if (!on_exit)
			p->tty = NULL;
		spin_unlock_irqrestore(&process_tree_lock, flags);
		return;
	}
	tty_clear_session_locked(tty, p->sid);
	tflags = spin_lock_irqsave(&tty->lock);
	pgrp = tty->pgrp;
	tty->session = 0;
	tty->pgrp = 0;
	spin_unlock_irqrestore(&tty->lock, tflags);
	spin_unlock_irqrestore(&process_tree_lock, flags);
	if (pgrp) {
		signal_send_pgrp(pgrp, SIGHUP);
		signal_send_pgrp(pgrp, SIGCONT);
	}
}

/* ---- file operations ---- */

struct tty *tty_from_file(struct file *f)
{
	return f->private_data;
}

/*
 * Opening a tty makes it the controlling tty of a session leader that has
 * none, if no session has it and the file is open for reading (Linux's
 * tty_open_proc_set_tty). @noctty: O_NOCTTY, or /dev/console.
 */
static void tty_open_ctty(struct tty *tty, struct file *f, bool noctty)
{
	struct process *p = current_proc;
	unsigned long flags;

	if (noctty || !(f->mode & FMODE_READ))
		return;
	flags = spin_lock_irqsave(&process_tree_lock);
	tty_drop_dead_session_locked(tty);
	if (p->pid == p->sid && !p->tty && !tty->session)
		tty_set_ctty_locked(tty);
	spin_unlock_irqrestore(&process_tree_lock, flags);
}

/* TIOCEXCL: only root may open an exclusive tty again. */
static int tty_open_check(struct tty *tty)
{
	if (READ_ONCE(tty->exclusive) && !cred_is_root())
		return -EBUSY;
	return 0;
}

/* Open of /dev/ttyS0 (private_data: the tty registered with the node). */
static int tty_open(struct inode *inode, struct file *f)
{
	struct tty *tty = f->private_data ? f->private_data : console_tty;
	int err;

	(void)inode;
	if (!tty)
		return -ENODEV;
	err = tty_open_check(tty);
	if (err)
		return err;
	f->private_data = tty;
	tty_open_ctty(tty, f, f->flags & O_NOCTTY);
	return 0;
}

/* Open of /dev/console: the console's tty, never acquired as controlling tty. */
static int tty_console_open(struct inode *inode, struct file *f)
{
	int err;

	(void)inode;
	if (!console_tty)
		return -ENODEV;
	err = tty_open_check(console_tty);
	if (err)
		return err;
	f->private_data = console_tty;
	return 0;
}

/* Open of /dev/tty: the caller's controlling tty, -ENXIO without one. */
static int tty_current_open(struct inode *inode, struct file *f)
{
	unsigned long flags;
	struct tty *tty;
	int err;

	(void)inode;
	flags = spin_lock_irqsave(&process_tree_lock);
	tty = current_proc->tty;
	spin_unlock_irqrestore(&process_tree_lock, flags);
	if (!tty)
		return -ENXIO;
	err = tty_open_check(tty);
	if (err)
		return err;
	f->private_data = tty;
	return 0;
}

static int tty_release(struct inode *inode, struct file *f)
{
	(void)inode;
	(void)f;
	return 0;
}

/* True if input is ready for a reader needing @min bytes. Takes tty->lock. */
static bool tty_input_ready(struct tty *tty, unsigned int min)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	bool ready = n_tty_readable(&tty->ldisc, min);

	spin_unlock_irqrestore(&tty->lock, flags);
	return ready;
}

/*
 * Sleep until some input is ready, a signal comes (-EINTR) or, if
 * @deadline is not 0, time_boot_ns() reaches it (-ETIMEDOUT).
 */
static int tty_wait_input(struct tty *tty, uint64_t deadline)
{
	struct wait_entry we = { { NULL, NULL }, NULL };
	int ret = 0;

	for (;;) {
		wait_prepare(&tty->read_wait, &we, true);
		if (tty_input_ready(tty, 1))
			break;
		if (signal_pending_current()) {
			ret = -EINTR;
			break;
		}
		if (!deadline) {
			schedule();
		} else if (schedule_deadline(deadline)) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	wait_finish(&tty->read_wait, &we);
	return ret;
}

/* The read settings a read follows, taken under the lock each round. */
struct tty_read_mode {
	bool icanon;
	unsigned int vmin, vtime;	/* vtime in tenths of a second */
};

/* Move what input is ready into @kbuf; returns bytes moved, *@done for a canonical line. */
static size_t tty_take_input(struct tty *tty, char *kbuf, size_t cap, struct tty_read_mode *m,
			     bool *done)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	size_t n = 0;

	m->icanon = tty->termios.c_lflag & ICANON;
	m->vmin = tty->termios.c_cc[VMIN];
	m->vtime = tty->termios.c_cc[VTIME];
	*done = false;
	if (cap && n_tty_readable(&tty->ldisc, 1)) {
		n = n_tty_read(&tty->ldisc, kbuf, cap);
		*done = m->icanon;
	}
	spin_unlock_irqrestore(&tty->lock, flags);
	return n;
}

/*
 * Gather input into @kbuf (@cap bytes) as VMIN/VTIME or ICANON say
 * (POSIX.1 §11.1.7). Returns bytes, 0 at EOF or on a VTIME timeout,
 * -EAGAIN (O_NONBLOCK) or -ERESTARTSYS (signal) when nothing was read.
 */
static long tty_read_ldisc(struct tty *tty, struct file *f, char *kbuf, size_t cap)
{
	struct tty_read_mode m;
	uint64_t deadline = 0;
	size_t got = 0;
	bool done;
	int err;

	for (;;) {
		size_t n = tty_take_input(tty, kbuf + got, cap - got, &m, &done);
		uint64_t vtime_ns = (uint64_t)m.vtime * 100 * NSEC_PER_MSEC;
		bool timed = !m.icanon && m.vtime && (!m.vmin || got + n);

		got += n;
		if (done || got == cap)
			return (long)got;
		if (!m.icanon && m.vmin && got >= m.vmin)
			return (long)got;
		if (!m.icanon && !m.vmin && (got || !m.vtime))
			return (long)got;
		/* VTIME runs from the start with VMIN 0, else from the last byte. */
		if (timed && (m.vmin ? n != 0 : !deadline))
			deadline = time_boot_ns() + vtime_ns;
		if (f->flags & O_NONBLOCK)
			return got ? (long)got : -EAGAIN;
		err = tty_wait_input(tty, timed ? deadline : 0);
		if (err == -EINTR)
			return got ? (long)got : -ERESTARTSYS;
		if (err == -ETIMEDOUT && !tty_input_ready(tty, 1))
			return (long)got;
	}
}

static long tty_read(struct file *f, char *ubuf, size_t len, uint64_t *pos)
{
	struct tty *tty = tty_from_file(f);
	size_t cap = MIN(len, (size_t)N_TTY_BUF_SIZE);
	char *kbuf;
	long ret;

	(void)pos;
	ret = tty_check_change(tty, SIGTTIN);
	if (ret)
		return ret;
	if (!len)
		return 0;
	kbuf = kmalloc(cap);
	if (!kbuf)
		return -ENOMEM;
	ret = tty_read_ldisc(tty, f, kbuf, cap);
	if (ret > 0 && file_copy_out(f, ubuf, kbuf, (size_t)ret))
		ret = -EFAULT;
	kfree(kbuf);
	return ret;
}

/* True while ^S holds output. Takes tty->lock. */
static bool tty_output_stopped(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	bool stopped = n_tty_stopped(&tty->ldisc);

	spin_unlock_irqrestore(&tty->lock, flags);
	return stopped;
}

/* Wait while ^S holds output: 0, -EAGAIN (O_NONBLOCK) or -ERESTARTSYS. */
static int tty_wait_output(struct tty *tty, struct file *f)
{
	if (!tty_output_stopped(tty))
		return 0;
	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	if (wait_event_interruptible(tty->write_wait, !tty_output_stopped(tty)))
		return -ERESTARTSYS;
	return 0;
}

/* Process and send @len kernel bytes; returns how many went, or -errno if none. */
static long tty_write_chunk(struct tty *tty, struct file *f, const char *kin, size_t len)
{
	char kout[2 * TTY_WRITE_CHUNK];
	size_t done = 0;

	while (done < len) {
		unsigned long flags;
		size_t used, n;
		int err = tty_wait_output(tty, f);

		if (err)
			return done ? (long)done : err;
		flags = spin_lock_irqsave(&tty->lock);
		n = n_tty_output(&tty->ldisc, kin + done, len - done, kout, sizeof(kout), &used);
		spin_unlock_irqrestore(&tty->lock, flags);
		tty->ops->write(tty, kout, n);
		done += used;
	}
	return (long)done;
}

static long tty_write(struct file *f, const char *ubuf, size_t len, uint64_t *pos)
{
	struct tty *tty = tty_from_file(f);
	char kin[TTY_WRITE_CHUNK];
	size_t done = 0;
	long ret = 0;

	(void)pos;
	if (READ_ONCE(tty->termios.c_lflag) & TOSTOP) {
		ret = tty_check_change(tty, SIGTTOU);
		if (ret)
			return ret;
	}
	if (mutex_lock_interruptible(&tty->write_lock))
		return -ERESTARTSYS;
	while (done < len) {
		size_t chunk = MIN(len - done, sizeof(kin));

		if (file_copy_in(f, kin, ubuf + done, chunk)) {
			ret = -EFAULT;
			break;
		}
		ret = tty_write_chunk(tty, f, kin, chunk);
		if (ret <= 0)
			break;
		done += (size_t)ret;
		if ((size_t)ret < chunk)
			break;
	}
	mutex_unlock(&tty->write_lock);
	return done ? (long)done : ret;
}

static unsigned int tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = tty_from_file(f);
	unsigned int mask = 0, min = 1;
	unsigned long flags;

	poll_wait(f, &tty->read_wait, pt);
	poll_wait(f, &tty->write_wait, pt);
	flags = spin_lock_irqsave(&tty->lock);
	/* Linux: a raw-mode poll waits for VMIN bytes when VTIME is 0. */
	if (!(tty->termios.c_lflag & ICANON) && !tty->termios.c_cc[VTIME] &&
	    tty->termios.c_cc[VMIN])
		min = tty->termios.c_cc[VMIN];
	if (n_tty_readable(&tty->ldisc, min))
		mask |= POLLIN | POLLRDNORM;
	if (!n_tty_stopped(&tty->ldisc))
		mask |= POLLOUT | POLLWRNORM;
	spin_unlock_irqrestore(&tty->lock, flags);
	return mask;
}

const struct file_ops tty_fops = {
	.open = tty_open,
	.release = tty_release,
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

static const struct file_ops tty_console_fops = {
	.open = tty_console_open,
	.release = tty_release,
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

static const struct file_ops tty_current_fops = {
	.open = tty_current_open,
	.release = tty_release,
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

/* Register one device node, logging a failure (the system runs on without it). */
static void tty_register_node(const char *name, unsigned int mode, unsigned int major,
			      unsigned int minor, const struct file_ops *ops, void *data)
{
	int err = devfs_register(name, S_IFCHR | mode, major, minor, ops, data);

	if (err)
		pr_err("cannot register /dev/%s (%d)\n", name, err);
}

void tty_init(void)
{
	struct task *t = kthread_create("tty_signal", tty_worker_fn, NULL);

	if (IS_ERR(t))
		pr_err("no signal thread (%ld): ^C, ^\\ and ^Z will not signal\n", PTR_ERR(t));
	else
		tty_worker = t;
	console_tty = serial_tty_create();
	tty_register_node("tty", 0666, 5, 0, &tty_current_fops, NULL);
	if (!console_tty) {
		pr_warn("no serial line: no /dev/ttyS0 nor /dev/console\n");
		return;
	}
	tty_register_node("ttyS0", 0660, 4, 64, &tty_fops, console_tty);
	tty_register_node("console", 0600, 5, 1, &tty_console_fops, console_tty);
}
