/*
 * Terminals: the tty core between a character device driver (the 16550 UART
 * on COM1) and the processes that open it. A struct tty holds the termios,
 * window size, foreground process group and session, and the N_TTY line
 * discipline with its input ring; reads sleep on read_wait, writers stopped
 * by ^S on write_wait. The ioctls, job control checks and controlling-tty
 * rules are Linux's (tty_ioctl(4), termios(3), credentials(7)).
 *
 * Device nodes: /dev/ttyS0 (4, 64), /dev/console (5, 1: the same tty, never
 * made a controlling tty by open), /dev/tty (5, 0: the caller's controlling
 * tty, ENXIO without one).
 *
 * Lifetime: hardware ttys are created at boot and never freed, so a
 * process->tty pointer needs no reference.
 *
 * Lock legend:
 *   [I] immutable after creation
 *   [L] tty->lock, a spinlock always taken irqsave (the receive interrupt
 *       feeds the line discipline under it)
 *   [P+L] written with process_tree_lock and then tty->lock held; read under
 *       either
 *   [a] atomic (READ_ONCE/WRITE_ONCE)
 * tty->write_lock, a mutex, lets one write(2) at a time through (it may sleep).
 * Lock order: process_tree_lock, then tty_list_lock, then tty->lock, then
 * wait queue locks and the UART's lock (a leaf). Signals are never sent
 * with tty->lock held: the receive path queues them for the tty worker
 * thread, which sends them from process context.
 */
#ifndef FERRITE_TTY_H
#define FERRITE_TTY_H

#include <ferrite/compiler.h>
#include <ferrite/mutex.h>
#include <ferrite/n_tty.h>
#include <ferrite/spinlock.h>
#include <ferrite/wait.h>
#include <asm/termios.h>

/* Linux's kernel-internal "not my ioctl" code (never seen by user space). */
#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD	515
#endif

struct tty;
struct file;
struct process;

struct tty_driver_ops {
	/*
	 * Send @len bytes, already through output processing. Any context,
	 * tty->lock may be held: must not sleep nor take tty->lock.
	 */
	void (*write)(struct tty *tty, const char *s, size_t len);
	/* Apply line settings (speed, character size, parity) of the new termios. [L] held. */
	void (*set_termios)(struct tty *tty, const struct ktermios *old);
	/* Driver ioctls; -ENOIOCTLCMD for those it does not know. Process context, no lock. */
	long (*ioctl)(struct tty *tty, unsigned int cmd, uint64_t arg);
	/* Start (@on) or end a break condition on the line. Process context, no lock. */
	void (*break_ctl)(struct tty *tty, bool on);
};

#define TTY_SIGQ_LEN	8	/* signal characters queued for the worker */

struct tty_sigq_entry {
	int pgrp, sig;
};

struct tty {
	char name[16];				/* [I] "ttyS0" */
	unsigned int major, minor;		/* [I] */
	const struct tty_driver_ops *ops;	/* [I] */
	void *driver_data;			/* [I] */
	struct spinlock lock;
	struct ktermios termios;		/* [L] */
	struct winsize winsize;			/* [L] */
	int pgrp;				/* [P+L] foreground process group, 0: none */
	int session;				/* [P+L] session it controls, 0: none */
	bool exclusive;				/* [a] TIOCEXCL */
	struct n_tty ldisc;			/* [L] */
	struct wait_queue read_wait;		/* readers waiting for input */
	struct wait_queue write_wait;		/* writers waiting for ^Q */
	struct mutex write_lock;
	struct tty_sigq_entry sigq[TTY_SIGQ_LEN];	/* [L] ring */
	unsigned int sigq_head, sigq_tail;	/* [L] */
	struct list_head node;			/* [tty_list_lock] */
};

/* Boot, after vfs_init: create the serial tty and its /dev nodes, start input. */
void tty_init(void);

/*
 * Create a tty named @name (device @major, @minor) driven by @ops, with
 * Linux's default termios and window 0x0. Returns it, or NULL without
 * memory. Never freed (see Lifetime above).
 */
struct tty *tty_alloc(const char *name, unsigned int major, unsigned int minor,
		      const struct tty_driver_ops *ops, void *driver_data);
/* Free a tty that no file, process or driver interrupt refers to any more (tests). */
void tty_free(struct tty *tty);
/* Input from the driver: any context, interrupt handlers included. Takes tty->lock. */
void tty_receive(struct tty *tty, const char *buf, size_t n);

/* The file operations for a tty device node (open sets up controlling-tty rules). */
extern const struct file_ops tty_fops;

/* ioctl(2) on a tty file (tty_ioctl.c). Process context, no lock held. */
long tty_ioctl(struct file *f, unsigned int cmd, uint64_t arg);

/*
 * Job control gate (Linux's __tty_check_change): if @tty is the caller's
 * controlling tty and the caller is not in its foreground group, send @sig
 * (SIGTTIN/SIGTTOU) to the caller's group and return -ERESTARTSYS; -EIO if
 * the group is orphaned, or (SIGTTIN only) if the signal is ignored or
 * blocked; 0 if the caller may go on. Takes process_tree_lock.
 */
int tty_check_change(struct tty *tty, int sig);

/*
 * For exit and TIOCNOTTY: if the calling process is a session leader with a
 * controlling tty, send SIGHUP (and SIGCONT) to the tty's foreground group,
 * detach the tty from every process of the session and clear its session
 * and group, as Linux's disassociate_ctty(); a non-leader just loses its
 * controlling tty. Takes process_tree_lock. Call from the exiting process
 * (the exit path calls it with @on_exit true before tearing down files).
 */
void tty_disassociate_ctty(bool on_exit);

/* Internal to the tty core (tty.c, tty_ioctl.c). */
struct tty *tty_from_file(struct file *f);
/* Set the termios (TCSETS*), with the line discipline and driver told. Takes tty->lock. */
void tty_set_termios(struct tty *tty, const struct ktermios *nt);
/* Make @tty the controlling tty of the calling session leader. Caller holds process_tree_lock. */
void tty_set_ctty_locked(struct tty *tty);
/* Drop @tty as controlling tty of every process of session @sid. Caller holds process_tree_lock. */
void tty_clear_session_locked(struct tty *tty, int sid);
/*
 * If the leader of the session owning @tty is gone (its exit did not call
 * tty_disassociate_ctty), free the tty for a new session. Caller holds
 * process_tree_lock.
 */
void tty_drop_dead_session_locked(struct tty *tty);
/* True if no member of group @pgid has a parent in another group of the same session. [P] */
bool tty_pgrp_is_orphaned_locked(int pgid);

#endif
