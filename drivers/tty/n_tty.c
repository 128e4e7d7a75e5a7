/*
 * N_TTY line discipline: the pure part of the terminal, following POSIX.1-2017
 * §11 (General Terminal Interface) and Linux's n_tty where POSIX leaves
 * room (which characters ECHOCTL shows as ^X, how ECHOE erases a tab, the
 * ALTWERASE rule for ^W, when an EOF mark is consumed).
 *
 * Input is kept in a ring of N_TTY_BUF_SIZE bytes with two bitmaps: eol_map
 * marks the last byte of each line, eof_map marks EOF characters, which are
 * stored as a NUL placeholder and never handed to readers. Echo bytes go
 * through the same output processing as writes and are gathered in a small
 * buffer sent with ops->output at the end of each receive call.
 *
 * Nothing here locks or sleeps; the caller holds the tty's lock.
 */
#include <ferrite/n_tty.h>
#include <ferrite/string.h>
#include <asm/signal.h>

#define RING_MASK	(N_TTY_BUF_SIZE - 1)
#define DISABLED_CHAR	0	/* _POSIX_VDISABLE on Linux */

#define T(ld)		((ld)->termios)
#define I_FLAG(ld, f)	((T(ld)->c_iflag & (f)) != 0)
#define O_FLAG(ld, f)	((T(ld)->c_oflag & (f)) != 0)
#define L_FLAG(ld, f)	((T(ld)->c_lflag & (f)) != 0)
#define CC(ld, i)	((unsigned char)T(ld)->c_cc[i])

/* Linux's ctype: only 0-31 and 127 are control characters (128-159 are not). */
static bool ntty_iscntrl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Word characters for WERASE; bytes of multi-byte characters count as letters. */
static bool ntty_isword(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c >= 0x80;
}

/* A UTF-8 continuation byte, when IUTF8 says input is UTF-8: takes no column. */
static bool ntty_is_continuation(const struct n_tty *ld, unsigned char c)
{
	return I_FLAG(ld, IUTF8) && (c & 0xc0) == 0x80;
}

/* True if @c is control character @idx of the termios and that one is enabled. */
static bool ntty_is_cc(const struct n_tty *ld, unsigned char c, int idx)
{
	return CC(ld, idx) != DISABLED_CHAR && c == CC(ld, idx);
}

static unsigned int ntty_count(const struct n_tty *ld)
{
	return ld->read_head - ld->read_tail;
}

static bool map_test(const uint8_t *map, unsigned int idx)
{
	idx &= RING_MASK;
	return (map[idx / 8] >> (idx % 8)) & 1;
}

static void map_set(uint8_t *map, unsigned int idx, bool on)
{
	idx &= RING_MASK;
	if (on)
		map[idx / 8] |= (uint8_t)(1u << (idx % 8));
	else
		map[idx / 8] &= (uint8_t)~(1u << (idx % 8));
}

static unsigned char ring_at(const struct n_tty *ld, unsigned int idx)
{
	return (unsigned char)ld->buf[idx & RING_MASK];
}

void n_tty_init(struct n_tty *ld, const struct ktermios *termios,
		const struct n_tty_ops *ops, void *ctx)
{
	memset(ld, 0, sizeof(*ld));
	ld->termios = termios;
	ld->ops = ops;
	ld->ctx = ctx;
}

/* ---- output processing ---- */

/*
 * Translate one byte for output into @out (room for 8 bytes), updating the
 * column as Linux's do_output_char does. Returns the bytes produced.
 */
static size_t ntty_output_char(struct n_tty *ld, unsigned char c, char *out)
{
	unsigned int spaces;

	switch (c) {
	case '\n':
		if (O_FLAG(ld, ONLRET))
			ld->column = 0;
		if (O_FLAG(ld, ONLCR)) {
			ld->column = ld->canon_column = 0;
			out[0] = '\r';
			out[1] = '\n';
			return 2;
		}
		ld->canon_column = ld->column;
		break;
	case '\r':
		if (O_FLAG(ld, ONOCR) && ld->column == 0)
			return 0;
		if (O_FLAG(ld, OCRNL)) {
			c = '\n';
			if (O_FLAG(ld, ONLRET))
				ld->canon_column = ld->column = 0;
			break;
		}
		ld->canon_column = ld->column = 0;
		break;
	case '\t':
		spaces = 8 - (ld->column & 7);
		ld->column += spaces;
		if ((T(ld)->c_oflag & TABDLY) == XTABS) {
			memset(out, ' ', spaces);
			return spaces;
		}
		break;
	case '\b':
		if (ld->column > 0)
			ld->column--;
		break;
	default:
		if (ntty_iscntrl(c))
			break;
		if (O_FLAG(ld, OLCUC) && c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (!ntty_is_continuation(ld, c))
			ld->column++;
		break;
	}
	out[0] = (char)c;
	return 1;
}

size_t n_tty_output(struct n_tty *ld, const char *in, size_t inlen, char *out, size_t outcap,
		    size_t *used)
{
	size_t i, n = 0;
	char tmp[8];

	if (!O_FLAG(ld, OPOST)) {
		n = MIN(inlen, outcap);
		memcpy(out, in, n);
		*used = n;
		return n;
	}
	for (i = 0; i < inlen; i++) {
		unsigned int col = ld->column, canon_col = ld->canon_column;
		size_t k = ntty_output_char(ld, (unsigned char)in[i], tmp);

		if (n + k > outcap) {
			/* Does not fit: undo its effect on the column, stop here. */
			ld->column = col;
			ld->canon_column = canon_col;
			break;
		}
		memcpy(out + n, tmp, k);
		n += k;
	}
	*used = i;
	return n;
}

/* ---- echo ---- */

/* Send what echo has gathered. */
static void ntty_echo_flush(struct n_tty *ld)
{
	if (ld->echo_len) {
		ld->ops->output(ld->ctx, ld->echo_buf, ld->echo_len);
		ld->echo_len = 0;
	}
}

/* Echo @c as a write of it would appear (output processing applies). */
static void ntty_echo_raw(struct n_tty *ld, unsigned char c)
{
	char tmp[8];
	size_t k;

	if (!O_FLAG(ld, OPOST)) {
		tmp[0] = (char)c;
		k = 1;
	} else {
		k = ntty_output_char(ld, c, tmp);
	}
	if (ld->echo_len + k > sizeof(ld->echo_buf))
		ntty_echo_flush(ld);
	memcpy(ld->echo_buf + ld->echo_len, tmp, k);
	ld->echo_len += k;
}

/* Echo @c, control characters other than tab as "^X" under ECHOCTL. */
static void ntty_echo_char(struct n_tty *ld, unsigned char c)
{
	if (L_FLAG(ld, ECHOCTL) && ntty_iscntrl(c) && c != '\t') {
		ntty_echo_raw(ld, '^');
		ntty_echo_raw(ld, c ^ 0100);
		return;
	}
	ntty_echo_raw(ld, c);
}

/* Close an ECHOPRT erase run with '/'. */
static void ntty_finish_erasing(struct n_tty *ld)
{
	if (ld->erasing) {
		ntty_echo_raw(ld, '/');
		ld->erasing = false;
	}
}

/* Remember where the line starts on screen, if nothing of it is stored yet. */
static void ntty_mark_line_start(struct n_tty *ld)
{
	if (ld->canon_head == ld->read_head)
		ld->canon_column = ld->column;
}

/* ---- input ---- */

void n_tty_flush_input(struct n_tty *ld)
{
	ld->read_head = ld->read_tail = ld->canon_head = 0;
	ld->lnext = false;
	ld->erasing = false;
	memset(ld->eol_map, 0, sizeof(ld->eol_map));
	memset(ld->eof_map, 0, sizeof(ld->eof_map));
}

/*
 * Room check: in canonical mode the last free byte is kept for a line
 * terminator, so a full line can still be ended; otherwise input beyond the
 * ring is dropped (Linux drops it too when no reader drains the ring).
 */
static bool ntty_has_room(const struct n_tty *ld, bool terminator)
{
	unsigned int cnt = ntty_count(ld);

	if (L_FLAG(ld, ICANON) && !terminator)
		return cnt < N_TTY_BUF_SIZE - 1;
	return cnt < N_TTY_BUF_SIZE;
}

static void ntty_put(struct n_tty *ld, unsigned char c)
{
	unsigned int idx = ld->read_head;

	ld->buf[idx & RING_MASK] = (char)c;
	map_set(ld->eol_map, idx, false);
	map_set(ld->eof_map, idx, false);
	ld->read_head++;
}

/* Store a line terminator (@eof: an EOF mark) and publish the line. */
static void ntty_end_line(struct n_tty *ld, unsigned char c, bool eof)
{
	unsigned int idx = ld->read_head;

	ntty_put(ld, eof ? DISABLED_CHAR : c);
	map_set(ld->eol_map, idx, true);
	map_set(ld->eof_map, idx, eof);
	ld->canon_head = ld->read_head;
}

/* Column at which byte @pos of the line being edited was echoed. */
static unsigned int ntty_column_of(const struct n_tty *ld, unsigned int pos)
{
	unsigned int col = ld->canon_column;

	for (unsigned int i = ld->canon_head; i != pos; i++) {
		unsigned char c = ring_at(ld, i);

		if (c == '\t')
			col = (col | 7) + 1;
		else if (ntty_iscntrl(c))
			col += L_FLAG(ld, ECHOCTL) ? 2 : 0;
		else if (!ntty_is_continuation(ld, c))
			col++;
	}
	return col;
}

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

/* Echo the visual erasure of the character of @cnt bytes at @pos. */
static void ntty_echo_erase(struct n_tty *ld, unsigned int pos, unsigned int cnt,
			    enum erase_kind kind)
{
	unsigned char c = ring_at(ld, pos);

	if (L_FLAG(ld, ECHOPRT)) {
		if (!ld->erasing) {
			ntty_echo_raw(ld, '\\');
			ld->erasing = true;
		}
		ntty_echo_char(ld, c);
		for (unsigned int i = 1; i < cnt; i++)
			ntty_echo_raw(ld, ring_at(ld, pos + i));
	} else if (kind == ERASE_CHAR && !L_FLAG(ld, ECHOE)) {
		ntty_echo_char(ld, CC(ld, VERASE));
	} else if (c == '\t') {
		unsigned int col = ntty_column_of(ld, pos);

		while (ld->column > col)
			ntty_echo_raw(ld, '\b');
	} else {
		int times = (ntty_iscntrl(c) && L_FLAG(ld, ECHOCTL)) ? 2 :
			    !ntty_iscntrl(c) ? 1 : 0;

		while (times--) {
			ntty_echo_raw(ld, '\b');
			ntty_echo_raw(ld, ' ');
			ntty_echo_raw(ld, '\b');
		}
	}
}

/* Length in bytes of the character ending just before @head (UTF-8 aware). */
static unsigned int ntty_char_len(const struct n_tty *ld, unsigned int head)
{
	unsigned int cnt = 1;

	while (head - cnt != ld->canon_head && ntty_is_continuation(ld, ring_at(ld, head - cnt)))
		cnt++;
	return cnt;
}

/*
 * ERASE, WERASE or KILL (@c) in canonical mode: remove characters of the
 * line being edited and echo their removal (Linux's eraser()).
 */
static void ntty_eraser(struct n_tty *ld, unsigned char c)
{
	enum erase_kind kind;
	int seen_word = 0;

	if (ld->read_head == ld->canon_head)
		return;		/* nothing to erase, nothing echoed */
	if (ntty_is_cc(ld, c, VERASE)) {
		kind = ERASE_CHAR;
	} else if (ntty_is_cc(ld, c, VWERASE)) {
		kind = ERASE_WORD;
	} else {
		if (!L_FLAG(ld, ECHO)) {
			ld->read_head = ld->canon_head;
			return;
		}
		if (!L_FLAG(ld, ECHOK) || !L_FLAG(ld, ECHOKE) || !L_FLAG(ld, ECHOE)) {
			ld->read_head = ld->canon_head;
			ntty_finish_erasing(ld);
			ntty_echo_char(ld, c);
			if (L_FLAG(ld, ECHOK))
				ntty_echo_raw(ld, '\n');
			return;
		}
		kind = ERASE_LINE;
	}
	while (ld->read_head != ld->canon_head) {
		unsigned int cnt = ntty_char_len(ld, ld->read_head);
		unsigned int pos = ld->read_head - cnt;
		unsigned char ch = ring_at(ld, pos);

		if (kind == ERASE_WORD) {
			if (ntty_isword(ch))
				seen_word = 1;
			else if (seen_word)
				break;
		}
		ld->read_head = pos;
		if (L_FLAG(ld, ECHO))
			ntty_echo_erase(ld, pos, cnt, kind);
		if (kind == ERASE_CHAR)
			break;
	}
	if (ld->read_head == ld->canon_head && L_FLAG(ld, ECHO))
		ntty_finish_erasing(ld);
}

/* REPRINT (^R): echo it, a newline, and the line being edited again. */
static void ntty_reprint(struct n_tty *ld, unsigned char c)
{
	ntty_finish_erasing(ld);
	ntty_echo_char(ld, c);
	ntty_echo_raw(ld, '\n');
	for (unsigned int i = ld->canon_head; i != ld->read_head; i++)
		ntty_echo_char(ld, ring_at(ld, i));
}

/* A signal character: flush unless NOFLSH, raise @sig, restart output, echo. */
static void ntty_isig(struct n_tty *ld, unsigned char c, int sig)
{
	if (!L_FLAG(ld, NOFLSH))
		n_tty_flush_input(ld);
	ld->ops->signal(ld->ctx, sig);
	if (I_FLAG(ld, IXON))
		ld->stopped = false;
	if (L_FLAG(ld, ECHO))
		ntty_echo_char(ld, c);
}

/* IXON START/STOP and ISIG characters; true if @c was consumed. */
static bool ntty_flow_and_signals(struct n_tty *ld, unsigned char c)
{
	if (I_FLAG(ld, IXON)) {
		if (ntty_is_cc(ld, c, VSTART)) {	/* first, as Linux: START == STOP starts */
			ld->stopped = false;
			return true;
		}
		if (ntty_is_cc(ld, c, VSTOP)) {
			ld->stopped = true;
			return true;
		}
	}
	if (L_FLAG(ld, ISIG)) {
		static const int sig_of[] = { [VINTR] = SIGINT, [VQUIT] = SIGQUIT, [VSUSP] = SIGTSTP };
		static const int which[] = { VINTR, VQUIT, VSUSP };

		for (size_t i = 0; i < ARRAY_SIZE(which); i++) {
			if (ntty_is_cc(ld, c, which[i])) {
				ntty_isig(ld, c, sig_of[which[i]]);
				return true;
			}
		}
	}
	if (ld->stopped && I_FLAG(ld, IXON) && I_FLAG(ld, IXANY))
		ld->stopped = false;
	return false;
}

/* An ordinary character: echo it and store it. */
static void ntty_receive_plain(struct n_tty *ld, unsigned char c)
{
	if (!ntty_has_room(ld, false))
		return;
	if (L_FLAG(ld, ECHO)) {
		ntty_finish_erasing(ld);
		if (c == '\n') {
			ntty_echo_raw(ld, '\n');
		} else {
			ntty_mark_line_start(ld);
			ntty_echo_char(ld, c);
		}
	}
	ntty_put(ld, c);
}

/* Canonical-mode special characters; true if @c was handled. */
static bool ntty_receive_canon(struct n_tty *ld, unsigned char c)
{
	if (ntty_is_cc(ld, c, VERASE) || ntty_is_cc(ld, c, VKILL) ||
	    (ntty_is_cc(ld, c, VWERASE) && L_FLAG(ld, IEXTEN))) {
		ntty_eraser(ld, c);
		return true;
	}
	if (ntty_is_cc(ld, c, VLNEXT) && L_FLAG(ld, IEXTEN)) {
		ld->lnext = true;
		if (L_FLAG(ld, ECHO)) {
			ntty_finish_erasing(ld);
			if (L_FLAG(ld, ECHOCTL)) {
				ntty_echo_raw(ld, '^');
				ntty_echo_raw(ld, '\b');
			}
		}
		return true;
	}
	if (ntty_is_cc(ld, c, VREPRINT) && L_FLAG(ld, ECHO) && L_FLAG(ld, IEXTEN)) {
		ntty_reprint(ld, c);
		return true;
	}
	if (c == '\n') {
		if (!ntty_has_room(ld, true))
			return true;
		if (L_FLAG(ld, ECHO) || L_FLAG(ld, ECHONL)) {
			ntty_finish_erasing(ld);
			ntty_echo_raw(ld, '\n');
		}
		ntty_end_line(ld, c, false);
		return true;
	}
	if (ntty_is_cc(ld, c, VEOF)) {
		if (ntty_has_room(ld, true))
			ntty_end_line(ld, c, true);	/* EOF is not echoed */
		return true;
	}
	if (ntty_is_cc(ld, c, VEOL) || (ntty_is_cc(ld, c, VEOL2) && L_FLAG(ld, IEXTEN))) {
		if (!ntty_has_room(ld, true))
			return true;
		if (L_FLAG(ld, ECHO)) {
			ntty_finish_erasing(ld);
			ntty_mark_line_start(ld);
			ntty_echo_char(ld, c);
		}
		ntty_end_line(ld, c, false);
		return true;
	}
	return false;
}

/* One input byte, Linux's n_tty_receive_char_special order. */
static void ntty_receive_char(struct n_tty *ld, unsigned char c)
{
	if (I_FLAG(ld, ISTRIP))
		c &= 0x7f;
	if (I_FLAG(ld, IUCLC) && L_FLAG(ld, IEXTEN) && c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	if (ld->lnext) {
		ld->lnext = false;
		ntty_receive_plain(ld, c);
		return;
	}
	if (ntty_flow_and_signals(ld, c))
		return;
	if (c == '\r') {
		if (I_FLAG(ld, IGNCR))
			return;
		if (I_FLAG(ld, ICRNL))
			c = '\n';
	} else if (c == '\n' && I_FLAG(ld, INLCR)) {
		c = '\r';
	}
	if (L_FLAG(ld, ICANON) && ntty_receive_canon(ld, c))
		return;
	ntty_receive_plain(ld, c);
}

void n_tty_receive(struct n_tty *ld, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ntty_receive_char(ld, (unsigned char)buf[i]);
	ntty_echo_flush(ld);
}

/* ---- reading ---- */

bool n_tty_readable(const struct n_tty *ld, unsigned int min)
{
	if (L_FLAG(ld, ICANON))
		return ld->canon_head != ld->read_tail;
	return ntty_count(ld) >= (min ? min : 1);
}

/* Canonical read: at most one line; EOF marks end it without being copied. */
static size_t ntty_read_canon(struct n_tty *ld, char *dst, size_t len)
{
	size_t n = 0;

	while (ld->read_tail != ld->canon_head && n < len) {
		unsigned int idx = ld->read_tail;
		bool eol = map_test(ld->eol_map, idx);
		bool eof = map_test(ld->eof_map, idx);

		ld->read_tail++;
		if (!eof)
			dst[n++] = (char)ring_at(ld, idx);
		if (eol) {
			map_set(ld->eol_map, idx, false);
			map_set(ld->eof_map, idx, false);
			break;
		}
	}
	return n;
}

size_t n_tty_read(struct n_tty *ld, char *dst, size_t len)
{
	size_t n, first;

	if (L_FLAG(ld, ICANON))
		return ntty_read_canon(ld, dst, len);
	n = MIN(len, (size_t)ntty_count(ld));
	first = MIN(n, (size_t)(N_TTY_BUF_SIZE - (ld->read_tail & RING_MASK)));
	memcpy(dst, ld->buf + (ld->read_tail & RING_MASK), first);
	memcpy(dst + first, ld->buf, n - first);
	ld->read_tail += (unsigned int)n;
	/* Non-canonical data may still lie under canon_head after a mode switch. */
	if ((int)(ld->canon_head - ld->read_tail) < 0)
		ld->canon_head = ld->read_tail;
	return n;
}

size_t n_tty_inq(const struct n_tty *ld)
{
	size_t n;

	if (!L_FLAG(ld, ICANON))
		return ntty_count(ld);
	n = ld->canon_head - ld->read_tail;
	for (unsigned int i = ld->read_tail; i != ld->canon_head; i++)
		if (map_test(ld->eof_map, i))
			n--;
	return n;
}

void n_tty_set_termios(struct n_tty *ld, const struct ktermios *old)
{
	if (!old || ((old->c_lflag ^ T(ld)->c_lflag) & ICANON)) {
		memset(ld->eol_map, 0, sizeof(ld->eol_map));
		memset(ld->eof_map, 0, sizeof(ld->eof_map));
		if (!L_FLAG(ld, ICANON) || !ntty_count(ld)) {
			ld->canon_head = ld->read_tail;
		} else {
			/* Pending raw input becomes one line, its last byte its end. */
			map_set(ld->eol_map, ld->read_head - 1, true);
			ld->canon_head = ld->read_head;
		}
		ld->erasing = false;
		ld->lnext = false;
	}
	if (!I_FLAG(ld, IXON))
		ld->stopped = false;
}
