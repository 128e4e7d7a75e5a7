/*
 * N_TTY, the default line discipline, as POSIX termios (POSIX.1-2017
 * "General Terminal Interface") and Linux's n_tty describe it: canonical
 * line editing (ERASE, WERASE, KILL, EOF, EOL, LNEXT, REPRINT), echo
 * (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL, ECHOPRT), input mapping
 * (ISTRIP, INLCR, IGNCR, ICRNL, IUCLC), signal characters (ISIG), IXON flow
 * control and output processing (OPOST, ONLCR, OCRNL, ONOCR, ONLRET, OLCUC,
 * XTABS).
 *
 * The discipline is pure: it owns an input ring and the echo column, and
 * talks to its owner only through struct n_tty_ops (bytes to send, signals
 * to raise). It takes no lock and never sleeps; the owner (the tty core)
 * serializes every call with its own lock, which is how the host tests can
 * drive it byte by byte.
 *
 * Lock legend: every field is [L], the owner's lock.
 */
#ifndef FERRITE_N_TTY_H
#define FERRITE_N_TTY_H

#include <ferrite/compiler.h>
#include <asm/termbits.h>

#define N_TTY_BUF_SIZE	4096	/* input ring, a power of two (Linux's size) */
#define N_TTY_ECHO_MAX	64	/* echo bytes gathered before they are sent */

struct n_tty_ops {
	/* Send @len bytes of processed output (echo) to the device. */
	void (*output)(void *ctx, const char *s, size_t len);
	/* Raise @sig (SIGINT, SIGQUIT, SIGTSTP) for the foreground process group. */
	void (*signal)(void *ctx, int sig);
};

struct n_tty {
	const struct ktermios *termios;	/* [I] the owner's settings */
	const struct n_tty_ops *ops;	/* [I] */
	void *ctx;			/* [I] passed to ops */
	/* Free-running ring indices: tail <= canon_head <= head. */
	unsigned int read_head;		/* next byte stored */
	unsigned int read_tail;		/* next byte read */
	unsigned int canon_head;	/* end of the last complete line */
	unsigned int column;		/* output column after everything sent */
	unsigned int canon_column;	/* column where the line being edited began */
	bool lnext;			/* next byte is taken literally (^V) */
	bool erasing;			/* inside an ECHOPRT "\...\" run */
	bool stopped;			/* output stopped by STOP (^S) */
	unsigned int echo_len;
	char echo_buf[N_TTY_ECHO_MAX];
	uint8_t eol_map[N_TTY_BUF_SIZE / 8];	/* byte ends a line */
	uint8_t eof_map[N_TTY_BUF_SIZE / 8];	/* byte is an EOF mark (not data) */
	char buf[N_TTY_BUF_SIZE];
};

/* Set up @ld (empty) over @termios, reporting through @ops with @ctx. */
void n_tty_init(struct n_tty *ld, const struct ktermios *termios,
		const struct n_tty_ops *ops, void *ctx);
/*
 * Take @n bytes from the device: edit, echo, raise signals. Echo goes out
 * through ops->output before this returns.
 */
void n_tty_receive(struct n_tty *ld, const char *buf, size_t n);
/*
 * True if a read would return now: a complete line in canonical mode,
 * else at least @min bytes (min >= 1).
 */
bool n_tty_readable(const struct n_tty *ld, unsigned int min);
/*
 * Move up to @len bytes of input into @dst and return how many. In
 * canonical mode one call returns at most one line, its terminator included
 * unless it is an EOF mark; a line at EOF returns 0 (and is consumed).
 * Call only when n_tty_readable() (else it returns 0 and consumes nothing).
 */
size_t n_tty_read(struct n_tty *ld, char *dst, size_t len);
/* Bytes a read could return (FIONREAD): EOF marks do not count. */
size_t n_tty_inq(const struct n_tty *ld);
/* Throw away all input, the line being edited included (TCIFLUSH, ISIG). */
void n_tty_flush_input(struct n_tty *ld);
/*
 * The owner changed the termios from @old (NULL: first setting): adjust the
 * canonical state (turning ICANON on makes pending input one line, as
 * Linux does) and restart output when IXON goes off.
 */
void n_tty_set_termios(struct n_tty *ld, const struct ktermios *old);
/*
 * Output processing of a write: translate bytes of @in into @out (at most
 * @outcap bytes) as OPOST says, tracking the column. Stops before a byte
 * whose expansion does not fit; *@used tells how many input bytes were
 * taken. Returns the number of bytes stored in @out.
 */
size_t n_tty_output(struct n_tty *ld, const char *in, size_t inlen, char *out, size_t outcap,
		    size_t *used);
/* True if output is stopped by IXON flow control (writers wait). */
static inline bool n_tty_stopped(const struct n_tty *ld)
{
	return ld->stopped;
}

#endif
