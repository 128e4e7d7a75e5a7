/*
 * Terminal ioctls, Linux's set (tty_ioctl(4), ioctl_tty(2)): termios get and
 * set in the three layouts (struct termios, termios2, the old termio),
 * window size, foreground process group, session and controlling tty,
 * flushing and flow control, queue sizes. Numbers and structures come from
 * <asm/ioctls.h> and <asm/termbits.h>. Commands the driver knows
 * (TIOCGSERIAL, TIOCMGET) go to it; anything else is -ENOTTY, logged once
 * per command.
 */
#define pr_fmt(fmt) "tty: " fmt

#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <ferrite/tty.h>
#include <ferrite/uaccess.h>
#include <ferrite/vfs.h>

#define N_TTY_LDISC	0	/* N_TTY, the only line discipline */

/* Linux's baud_table: Bxxx codes (CBAUDEX folded to 16..30) to bits per second. */
static const unsigned int tty_baud_table[] = {
	0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200,
	38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000,
	1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
};

/* The rate a CBAUD code stands for; -1 for BOTHER (the speed field is used). */
static long tty_code_to_baud(unsigned int code)
{
	if (code == BOTHER)
		return -1;
	if (code & CBAUDEX)
		code = (code & ~CBAUDEX) + 15;
	return code < ARRAY_SIZE(tty_baud_table) ? tty_baud_table[code] : 0;
}

/* Fill c_ispeed/c_ospeed from c_cflag as Linux's tty_termios_baud_rate does. */
static void tty_termios_speeds(struct ktermios *t)
{
	long out = tty_code_to_baud(t->c_cflag & CBAUD);
	unsigned int icode = (t->c_cflag >> IBSHIFT) & CBAUD;
	long in = icode == B0 ? out : tty_code_to_baud(icode);

	if (out >= 0)
		t->c_ospeed = (speed_t)out;
	if (icode == B0 && out < 0)
		t->c_ispeed = t->c_ospeed;
	else if (in >= 0)
		t->c_ispeed = (speed_t)in;
}

static struct ktermios tty_get_termios(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	struct ktermios t = tty->termios;

	spin_unlock_irqrestore(&tty->lock, flags);
	return t;
}

/* TCGETS, TCGETS2, TCGETA: copy the settings out in the asked layout. */
static long tty_ioctl_get_termios(struct tty *tty, unsigned int cmd, void *uarg)
{
	struct ktermios t = tty_get_termios(tty);
	struct termio tio;

	switch (cmd) {
	case TCGETS:
		return copy_to_user(uarg, &t, sizeof(struct termios)) ? -EFAULT : 0;
	case TCGETS2:
		return copy_to_user(uarg, &t, sizeof(struct termios2)) ? -EFAULT : 0;
	default:	/* TCGETA */
		memset(&tio, 0, sizeof(tio));
		tio.c_iflag = (unsigned short)t.c_iflag;
		tio.c_oflag = (unsigned short)t.c_oflag;
		tio.c_cflag = (unsigned short)t.c_cflag;
		tio.c_lflag = (unsigned short)t.c_lflag;
		tio.c_line = t.c_line;
		memcpy(tio.c_cc, t.c_cc, NCC);
		return copy_to_user(uarg, &tio, sizeof(tio)) ? -EFAULT : 0;
	}
}

/* Read the new settings of a set command into @t (which holds the current ones). */
static long tty_read_new_termios(unsigned int cmd, void *uarg, struct ktermios *t)
{
	struct termio tio;

	if (cmd == TCSETS || cmd == TCSETSW || cmd == TCSETSF) {
		if (copy_from_user(t, uarg, sizeof(struct termios)))
			return -EFAULT;
		tty_termios_speeds(t);
		return 0;
	}
	if (cmd == TCSETS2 || cmd == TCSETSW2 || cmd == TCSETSF2) {
		if (copy_from_user(t, uarg, sizeof(struct termios2)))
			return -EFAULT;
		tty_termios_speeds(t);
		return 0;
	}
	/* TCSETA*: the old layout replaces the low 16 bits of each flag word. */
	if (copy_from_user(&tio, uarg, sizeof(tio)))
		return -EFAULT;
	t->c_iflag = (t->c_iflag & 0xffff0000u) | tio.c_iflag;
	t->c_oflag = (t->c_oflag & 0xffff0000u) | tio.c_oflag;
	t->c_cflag = (t->c_cflag & 0xffff0000u) | tio.c_cflag;
	t->c_lflag = (t->c_lflag & 0xffff0000u) | tio.c_lflag;
	t->c_line = tio.c_line;
	memcpy(t->c_cc, tio.c_cc, NCC);
	tty_termios_speeds(t);
	return 0;
}

/* Throw away pending input (TCIFLUSH, TCSETSF). */
static void tty_flush_input(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);

	n_tty_flush_input(&tty->ldisc);
	spin_unlock_irqrestore(&tty->lock, flags);
}

/*
 * TCSETS and friends (Linux's set_termios): background writers get SIGTTOU;
 * the W forms wait for output to drain (it is sent synchronously, so there
 * is nothing to wait for) and the F forms flush input first.
 */
static long tty_ioctl_set_termios(struct tty *tty, unsigned int cmd, void *uarg)
{
	struct ktermios t;
	long ret = tty_check_change(tty, SIGTTOU);

	if (ret)
		return ret;
	t = tty_get_termios(tty);
	ret = tty_read_new_termios(cmd, uarg, &t);
	if (ret)
		return ret;
	if (cmd == TCSETSF || cmd == TCSETSF2 || cmd == TCSETAF)
		tty_flush_input(tty);
	tty_set_termios(tty, &t);
	return 0;
}

/* TIOCSWINSZ: a change sends SIGWINCH to the foreground group. */
static long tty_ioctl_set_winsize(struct tty *tty, void *uarg)
{
	struct winsize ws;
	unsigned long flags;
	bool changed;
	int pgrp;

	if (copy_from_user(&ws, uarg, sizeof(ws)))
		return -EFAULT;
	flags = spin_lock_irqsave(&tty->lock);
	changed = memcmp(&ws, &tty->winsize, sizeof(ws)) != 0;
	tty->winsize = ws;
	pgrp = tty->pgrp;
	spin_unlock_irqrestore(&tty->lock, flags);
	if (changed && pgrp)
		signal_send_pgrp(pgrp, SIGWINCH);
	return 0;
}

static long tty_ioctl_get_winsize(struct tty *tty, void *uarg)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	struct winsize ws = tty->winsize;

	spin_unlock_irqrestore(&tty->lock, flags);
	return copy_to_user(uarg, &ws, sizeof(ws)) ? -EFAULT : 0;
}

/* True if @tty is the calling process's controlling tty. */
static bool tty_is_ctty(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	bool mine = current_proc->tty == tty;

	spin_unlock_irqrestore(&process_tree_lock, flags);
	return mine;
}

/* TIOCGPGRP / TIOCGSID: only on the caller's controlling tty. */
static long tty_ioctl_get_id(struct tty *tty, unsigned int cmd, void *uarg)
{
	unsigned long flags;
	int id;

	if (!tty_is_ctty(tty))
		return -ENOTTY;
	flags = spin_lock_irqsave(&tty->lock);
	id = cmd == TIOCGPGRP ? tty->pgrp : tty->session;
	spin_unlock_irqrestore(&tty->lock, flags);
	if (cmd == TIOCGSID && !id)
		return -ENOTTY;
	return copy_to_user(uarg, &id, sizeof(id)) ? -EFAULT : 0;
}

/*
 * The session of process group @nr as Linux's session_of_pgrp finds it: a
 * member's session, else that of the process with pid @nr; -1 if neither
 * exists. Caller holds process_tree_lock.
 */
static int tty_session_of_pgrp_locked(int nr)
{
	struct process *p;
	int by_pid = -1;

	list_for_each_entry(p, &process_list, all_node) {
		if (p->exit_state > 1)
			continue;
		if (p->pgid == nr)
			return p->sid;
		if (p->pid == nr)
			by_pid = p->sid;
	}
	return by_pid;
}

/* TIOCSPGRP (Linux's tiocspgrp). */
static long tty_ioctl_set_pgrp(struct tty *tty, void *uarg)
{
	struct process *p = current_proc;
	unsigned long flags, tflags;
	long ret = tty_check_change(tty, SIGTTOU);
	int nr, sid;

	if (ret == -EIO)
		return -ENOTTY;
	if (ret)
		return ret;
	if (copy_from_user(&nr, uarg, sizeof(nr)))
		return -EFAULT;
	if (nr < 0)
		return -EINVAL;
	flags = spin_lock_irqsave(&process_tree_lock);
	if (p->tty != tty || tty->session != p->sid) {
		ret = -ENOTTY;
		goto out_unlock;
	}
	sid = nr ? tty_session_of_pgrp_locked(nr) : -1;
	if (sid < 0) {
		ret = -ESRCH;
		goto out_unlock;
	}
	if (sid != p->sid) {
		ret = -EPERM;
		goto out_unlock;
	}
	tflags = spin_lock_irqsave(&tty->lock);
	tty->pgrp = nr;
	spin_unlock_irqrestore(&tty->lock, tflags);
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return ret;
}

/*
 * TIOCSCTTY (Linux's tiocsctty): a session leader without a controlling tty
 * takes this one; if another session has it, root may steal it with
 * @arg 1. Opening for reading, or root, is required.
 */
static long tty_ioctl_set_ctty(struct tty *tty, struct file *f, uint64_t arg)
{
	struct process *p = current_proc;
	bool root = cred_is_root();
	unsigned long flags;
	long ret = 0;

	flags = spin_lock_irqsave(&process_tree_lock);
	tty_drop_dead_session_locked(tty);
	if (p->pid == p->sid && tty->session == p->sid)
		goto out_unlock;	/* already ours */
	if (p->pid != p->sid || p->tty) {
		ret = -EPERM;
		goto out_unlock;
	}
	if (tty->session) {
		if (arg != 1 || !root) {
			ret = -EPERM;
			goto out_unlock;
		}
		tty_clear_session_locked(tty, tty->session);
	}
	if (!(f->mode & FMODE_READ) && !root) {
		ret = -EPERM;
		goto out_unlock;
	}
	tty_set_ctty_locked(tty);
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return ret;
}

/* TCFLSH: TCIFLUSH, TCOFLUSH, TCIOFLUSH (output is never queued). */
static long tty_ioctl_flush(struct tty *tty, uint64_t arg)
{
	long ret = tty_check_change(tty, SIGTTOU);

	if (ret)
		return ret;
	switch (arg) {
	case TCIFLUSH:
	case TCIOFLUSH:
		tty_flush_input(tty);
		return 0;
	case TCOFLUSH:
		return 0;
	default:
		return -EINVAL;
	}
}

/* TCXONC: suspend or restart output, or send STOP/START to the other end. */
static long tty_ioctl_flow(struct tty *tty, uint64_t arg)
{
	long ret = tty_check_change(tty, SIGTTOU);
	unsigned long flags;
	char c;

	if (ret)
		return ret;
	switch (arg) {
	case TCOOFF:
	case TCOON:
		flags = spin_lock_irqsave(&tty->lock);
		tty->ldisc.stopped = arg == TCOOFF;
		spin_unlock_irqrestore(&tty->lock, flags);
		wake_up(&tty->write_wait);
		return 0;
	case TCIOFF:
	case TCION:
		flags = spin_lock_irqsave(&tty->lock);
		c = (char)tty->termios.c_cc[arg == TCIOFF ? VSTOP : VSTART];
		if (c)
			tty->ops->write(tty, &c, 1);
		spin_unlock_irqrestore(&tty->lock, flags);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * TCSBRK (arg 0: a break of 0.25 s, else only drain) and TCSBRKP (a break
 * of arg tenths of a second, 0.25 s for 0). Output is sent synchronously,
 * so draining is immediate.
 */
static long tty_ioctl_break(struct tty *tty, unsigned int cmd, uint64_t arg)
{
	long ret = tty_check_change(tty, SIGTTOU);
	uint64_t ms;

	if (ret)
		return ret;
	if (cmd == TCSBRK && arg)
		return 0;
	if (!tty->ops->break_ctl)
		return 0;	/* a line without breaks: Linux returns 0 too */
	ms = (cmd == TCSBRKP && arg) ? MIN(arg, 100UL) * 100 : 250;
	tty->ops->break_ctl(tty, true);
	ret = sched_sleep_ns(ms * NSEC_PER_MSEC, NULL);
	tty->ops->break_ctl(tty, false);
	return ret ? -EINTR : 0;
}

/* TIOCSTI: push a byte into the input, for the controlling tty or root (Linux 6.1). */
static long tty_ioctl_sti(struct tty *tty, void *uarg)
{
	char c;

	if (!tty_is_ctty(tty) && !cred_is_root())
		return -EPERM;
	if (copy_from_user(&c, uarg, 1))
		return -EFAULT;
	tty_receive(tty, &c, 1);
	return 0;
}

static long tty_put_int(void *uarg, int v)
{
	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

/* TIOCGSOFTCAR / TIOCSSOFTCAR: CLOCAL as an int. */
static long tty_ioctl_softcar(struct tty *tty, unsigned int cmd, void *uarg)
{
	struct ktermios t = tty_get_termios(tty);
	int v;

	if (cmd == TIOCGSOFTCAR)
		return tty_put_int(uarg, (t.c_cflag & CLOCAL) ? 1 : 0);
	if (copy_from_user(&v, uarg, sizeof(v)))
		return -EFAULT;
	t.c_cflag = v ? (t.c_cflag | CLOCAL) : (t.c_cflag & ~CLOCAL);
	tty_set_termios(tty, &t);
	return 0;
}

/* Log the first use of each unknown command (a hashed bitmap: rare repeats may hide). */
static void tty_ioctl_unknown(struct tty *tty, unsigned int cmd)
{
	static uint64_t seen[4];
	unsigned int h = (cmd ^ (cmd >> 8) ^ (cmd >> 16)) & 255;
	uint64_t bit = 1ULL << (h % 64);

	if (__atomic_fetch_or(&seen[h / 64], bit, __ATOMIC_RELAXED) & bit)
		return;
	pr_info("%s: ioctl %#x not supported (ENOTTY)\n", tty->name, cmd);
}

/* Queue sizes, line discipline and exclusivity: the small getters and setters. */
static long tty_ioctl_misc(struct tty *tty, unsigned int cmd, uint64_t arg, bool *handled)
{
	void *uarg = (void *)arg;
	unsigned long flags;
	int v;

	*handled = true;
	switch (cmd) {
	case FIONREAD:
		flags = spin_lock_irqsave(&tty->lock);
		v = (int)n_tty_inq(&tty->ldisc);
		spin_unlock_irqrestore(&tty->lock, flags);
		return tty_put_int(uarg, v);
	case TIOCOUTQ:
		return tty_put_int(uarg, 0);	/* output is sent synchronously */
	case TIOCGETD:
		return tty_put_int(uarg, N_TTY_LDISC);
	case TIOCSETD:
		if (copy_from_user(&v, uarg, sizeof(v)))
			return -EFAULT;
		return v == N_TTY_LDISC ? 0 : -EINVAL;
	case TIOCEXCL:
	case TIOCNXCL:
		WRITE_ONCE(tty->exclusive, cmd == TIOCEXCL);
		return 0;
	case TIOCGEXCL:
		return tty_put_int(uarg, READ_ONCE(tty->exclusive));
	case TIOCGDEV:	/* new_encode_dev() of the device behind the file */
		v = (int)((tty->minor & 0xff) | (tty->major << 8) | ((tty->minor & ~0xffu) << 12));
		return tty_put_int(uarg, v);
	default:
		*handled = false;
		return 0;
	}
}

/* Job control and sessions. */
static long tty_ioctl_jobctl(struct tty *tty, struct file *f, unsigned int cmd, uint64_t arg,
			     bool *handled)
{
	*handled = true;
	switch (cmd) {
	case TIOCGPGRP:
	case TIOCGSID:
		return tty_ioctl_get_id(tty, cmd, (void *)arg);
	case TIOCSPGRP:
		return tty_ioctl_set_pgrp(tty, (void *)arg);
	case TIOCSCTTY:
		return tty_ioctl_set_ctty(tty, f, arg);
	case TIOCNOTTY:
		if (!tty_is_ctty(tty))
			return -ENOTTY;
		tty_disassociate_ctty(false);
		return 0;
	default:
		*handled = false;
		return 0;
	}
}

long tty_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct tty *tty = tty_from_file(f);
	void *uarg = (void *)arg;
	bool handled;
	long ret;

	switch (cmd) {
	case TCGETS:
	case TCGETS2:
	case TCGETA:
		return tty_ioctl_get_termios(tty, cmd, uarg);
	case TCSETS: case TCSETSW: case TCSETSF:
	case TCSETS2: case TCSETSW2: case TCSETSF2:
	case TCSETA: case TCSETAW: case TCSETAF:
		return tty_ioctl_set_termios(tty, cmd, uarg);
	case TIOCGWINSZ:
		return tty_ioctl_get_winsize(tty, uarg);
	case TIOCSWINSZ:
		return tty_ioctl_set_winsize(tty, uarg);
	case TCFLSH:
		return tty_ioctl_flush(tty, arg);
	case TCXONC:
		return tty_ioctl_flow(tty, arg);
	case TCSBRK:
	case TCSBRKP:
		return tty_ioctl_break(tty, cmd, arg);
	case TIOCSTI:
		return tty_ioctl_sti(tty, uarg);
	case TIOCGSOFTCAR:
	case TIOCSSOFTCAR:
		return tty_ioctl_softcar(tty, cmd, uarg);
	}
	ret = tty_ioctl_jobctl(tty, f, cmd, arg, &handled);
	if (handled)
		return ret;
	ret = tty_ioctl_misc(tty, cmd, arg, &handled);
	if (handled)
		return ret;
	if (tty->ops->ioctl) {
		ret = tty->ops->ioctl(tty, cmd, arg);
		if (ret != -ENOIOCTLCMD)
			return ret;
	}
	if (cmd != TIOCGPTN)	/* asked of every tty by isatty-like probes */
		tty_ioctl_unknown(tty, cmd);
	return -ENOTTY;
}
