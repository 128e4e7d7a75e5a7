// host-test-sources: drivers/tty/n_tty.c
/*
 * Host tests for the N_TTY line discipline through its interface, with a
 * fake driver: typed bytes go in with n_tty_receive, the echo the terminal
 * would show and the signals raised are captured, and reads return what a
 * program would get. Each test starts from Linux's default termios
 * (tty_std_termios) and changes only what it is about.
 */
#include "htest.h"
#include <ferrite/n_tty.h>

#define SIG_INT		2
#define SIG_QUIT	3
#define SIG_TSTP	20

struct fake {
	struct ktermios t;
	struct n_tty ld;
	char out[16384];
	size_t out_len;
	int sigs[16];
	int nsigs;
};

static void fake_output(void *ctx, const char *s, size_t len)
{
	struct fake *f = ctx;

	if (f->out_len + len >= sizeof(f->out))
		abort();	/* a test forgot clear_out() */
	memcpy(f->out + f->out_len, s, len);
	f->out_len += len;
	f->out[f->out_len] = 0;
}

static void fake_signal(void *ctx, int sig)
{
	struct fake *f = ctx;

	f->sigs[f->nsigs++] = sig;
}

static const struct n_tty_ops fake_ops = {
	.output = fake_output,
	.signal = fake_signal,
};

static const unsigned char std_cc[NCCS] = {
	[VINTR] = 3, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025, [VEOF] = 4,
	[VTIME] = 0, [VMIN] = 1, [VSTART] = 021, [VSTOP] = 023, [VSUSP] = 032,
	[VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027, [VLNEXT] = 026,
};

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	f->t.c_iflag = ICRNL | IXON;
	f->t.c_oflag = OPOST | ONLCR;
	f->t.c_cflag = B38400 | CS8 | CREAD | HUPCL;
	f->t.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(f->t.c_cc, std_cc, NCCS);
	n_tty_init(&f->ld, &f->t, &fake_ops, f);
	n_tty_set_termios(&f->ld, NULL);
	return f;
}

/* Change the termios as TCSETS would. */
static void fake_set(struct fake *f, struct ktermios *nt)
{
	struct ktermios old = f->t;

	f->t = *nt;
	n_tty_set_termios(&f->ld, &old);
}

static void type(struct fake *f, const char *s)
{
	n_tty_receive(&f->ld, s, strlen(s));
}

static void clear_out(struct fake *f)
{
	f->out_len = 0;
	f->out[0] = 0;
}

/* Read as a program would with a buffer of @len; NUL-terminates into @buf. */
static long rd(struct fake *f, char *buf, size_t len)
{
	size_t n;

	if (!n_tty_readable(&f->ld, f->t.c_cc[VMIN]))
		return -1;
	n = n_tty_read(&f->ld, buf, len);
	buf[n] = 0;
	return (long)n;
}

HTEST(canon_line_echo_and_read)
{
	struct fake *f = fake_new();
	char buf[64];

	type(f, "hello");
	EXPECT_STREQ(f->out, "hello");
	EXPECT(!n_tty_readable(&f->ld, 1));
	type(f, "\r");		/* ICRNL: Enter sends CR */
	EXPECT_STREQ(f->out, "hello\r\n");
	EXPECT_EQ(n_tty_inq(&f->ld), 6);
	EXPECT_EQ(rd(f, buf, sizeof(buf) - 1), 6);
	EXPECT_STREQ(buf, "hello\n");
	EXPECT(!n_tty_readable(&f->ld, 1));
	free(f);
}

HTEST(canon_one_line_per_read_and_short_buffer)
{
	struct fake *f = fake_new();
	char buf[64];

	type(f, "ab\ncdef\n");
	EXPECT_EQ(rd(f, buf, 63), 3);
	EXPECT_STREQ(buf, "ab\n");
	EXPECT_EQ(rd(f, buf, 2), 2);
	EXPECT_STREQ(buf, "cd");
	EXPECT_EQ(rd(f, buf, 63), 3);
	EXPECT_STREQ(buf, "ef\n");
	EXPECT_EQ(rd(f, buf, 63), -1);
	free(f);
}

HTEST(erase_del_echoes_backspace_space_backspace)
{
	struct fake *f = fake_new();
	char buf[64];

	type(f, "abc\177");
	EXPECT_STREQ(f->out, "abc\b \b");
	type(f, "\r");
	EXPECT_EQ(rd(f, buf, 63), 3);
	EXPECT_STREQ(buf, "ab\n");
	/* Nothing to erase at line start: nothing echoed. */
	clear_out(f);
	type(f, "\177");
	EXPECT_EQ(f->out_len, 0);
	free(f);
}

HTEST(ctrl_h_is_data_with_default_erase)
{
	struct fake *f = fake_new();
	char buf[64];

	/* As on Linux, only VERASE (^?) erases; ^H is a control character. */
	type(f, "a\b\r");
	EXPECT_STREQ(f->out, "a^H\r\n");
	EXPECT_EQ(rd(f, buf, 63), 3);
	EXPECT(buf[1] == '\b');
	/* stty erase ^H */
	f->t.c_cc[VERASE] = '\b';
	clear_out(f);
	type(f, "xy\b");
	EXPECT_STREQ(f->out, "xy\b \b");
	free(f);
}

HTEST(erase_control_char_erases_two_columns)
{
	struct fake *f = fake_new();

	type(f, "a\001\177");
	EXPECT_STREQ(f->out, "a^A\b \b\b \b");
	free(f);
}

HTEST(erase_without_echoe_echoes_erase_char)
{
	struct fake *f = fake_new();

	f->t.c_lflag &= ~ECHOE;
	type(f, "ab\177");
	EXPECT_STREQ(f->out, "ab^?");
	free(f);
}

HTEST(erase_tab_moves_back_to_its_column)
{
	struct fake *f = fake_new();
	char out[64];
	size_t used, n;

	/* A prompt "$ " puts the column at 2; the tab then spans 6 columns. */
	n = n_tty_output(&f->ld, "$ ", 2, out, sizeof(out), &used);
	EXPECT_EQ(n, 2);
	type(f, "\t\177");
	EXPECT_STREQ(f->out, "\t\b\b\b\b\b\b");
	clear_out(f);
	type(f, "ab\t\177");
	EXPECT_STREQ(f->out, "ab\t\b\b\b\b");
	free(f);
}

HTEST(kill_echoke_erases_line_visually)
{
	struct fake *f = fake_new();
	char buf[64];

	type(f, "abc\025");
	EXPECT_STREQ(f->out, "abc\b \b\b \b\b \b");
	type(f, "x\r");
	EXPECT_EQ(rd(f, buf, 63), 2);
	EXPECT_STREQ(buf, "x\n");
	free(f);
}

HTEST(kill_echok_without_echoke_prints_newline)
{
	struct fake *f = fake_new();
	char buf[64];

	f->t.c_lflag &= ~ECHOKE;
	type(f, "abc\025");
	EXPECT_STREQ(f->out, "abc^U\r\n");
	type(f, "d\n");
	EXPECT_EQ(rd(f, buf, 63), 2);
	EXPECT_STREQ(buf, "d\n");
	free(f);
}

HTEST(werase_erases_last_word_and_trailing_blanks)
{
	struct fake *f = fake_new();
	char buf[64];

	type(f, "foo bar  ");
	clear_out(f);
	type(f, "\027");
	EXPECT_STREQ(f->out, "\b \b\b \b\b \b\b \b\b \b");
	type(f, "x\n");
	EXPECT_EQ(rd(f, buf, 63), 6);
	EXPECT_STREQ(buf, "foo x\n");
	/* ALTWERASE: punctuation ends a word too */
	type(f, "a/b.c\027\n");
	EXPECT_EQ(rd(f, buf, 63), 5);
	EXPECT_STREQ(buf, "a/b.\n");
	free(f);
}

HTEST(werase_needs_iexten)
{
	struct fake *f = fake_new();
	char buf[64];

	f->t.c_lflag &= ~IEXTEN;
	type(f, "ab\027\n");
	EXPECT_EQ(rd(f, buf, 63), 4);
	EXPECT(buf[2] == 027);
	free(f);
}

HTEST(eof_returns_line_without_newline_then_zero)
{
	struct fake *f = fake_new();
	char buf[64];

	type(f, "abc\004");
	EXPECT_STREQ(f->out, "abc");	/* EOF is not echoed */
	EXPECT_EQ(n_tty_inq(&f->ld), 3);
	EXPECT_EQ(rd(f, buf, 63), 3);
	EXPECT_STREQ(buf, "abc");
	EXPECT(!n_tty_readable(&f->ld, 1));
	type(f, "\004");
	EXPECT(n_tty_readable(&f->ld, 1));
	EXPECT_EQ(n_tty_inq(&f->ld), 0);
	EXPECT_EQ(rd(f, buf, 63), 0);
	EXPECT(!n_tty_readable(&f->ld, 1));
	free(f);
}

HTEST(eof_after_partial_read_gives_zero_next)
{
	struct fake *f = fake_new();
	char buf[64];

	/* Linux: a read that stops right before the EOF mark leaves it for the next. */
	type(f, "abc\004");
	EXPECT_EQ(rd(f, buf, 3), 3);
	EXPECT_EQ(rd(f, buf, 63), 0);
	free(f);
}

HTEST(eol_char_ends_line)
{
	struct fake *f = fake_new();
	char buf[64];

	f->t.c_cc[VEOL] = ';';
	type(f, "ls;");
	EXPECT_STREQ(f->out, "ls;");
	EXPECT_EQ(rd(f, buf, 63), 3);
	EXPECT_STREQ(buf, "ls;");
	free(f);
}

HTEST(intr_signals_flushes_and_echoes_ctl)
{
	struct fake *f = fake_new();

	type(f, "abc\003");
	EXPECT_EQ(f->nsigs, 1);
	EXPECT_EQ(f->sigs[0], SIG_INT);
	EXPECT_STREQ(f->out, "abc^C");
	EXPECT_EQ(n_tty_inq(&f->ld), 0);
	type(f, "\n");
	EXPECT_EQ(n_tty_inq(&f->ld), 1);	/* only the new empty line */
	type(f, "\034\032");
	EXPECT_EQ(f->nsigs, 3);
	EXPECT_EQ(f->sigs[1], SIG_QUIT);
	EXPECT_EQ(f->sigs[2], SIG_TSTP);
	EXPECT_STREQ(f->out, "abc^C\r\n^\\^Z");
	free(f);
}

HTEST(noflsh_keeps_input)
{
	struct fake *f = fake_new();

	f->t.c_lflag |= NOFLSH;
	type(f, "ab\nc\003");
	EXPECT_EQ(f->nsigs, 1);
	EXPECT_EQ(n_tty_inq(&f->ld), 3);
	free(f);
}

HTEST(isig_off_or_disabled_char_is_data)
{
	struct fake *f = fake_new();
	char buf[64];

	f->t.c_lflag &= ~ISIG;
	type(f, "\003\n");
	EXPECT_EQ(f->nsigs, 0);
	EXPECT_EQ(rd(f, buf, 63), 2);
	EXPECT(buf[0] == 3);
	/* busybox line editing: VINTR = _POSIX_VDISABLE; NUL must not act as INTR */
	f->t.c_lflag |= ISIG;
	f->t.c_cc[VINTR] = 0;
	n_tty_receive(&f->ld, "\0\003\n", 3);
	EXPECT_EQ(f->nsigs, 0);
	EXPECT_EQ(rd(f, buf, 63), 3);
	free(f);
}

HTEST(raw_mode_vmin_vtime)
{
	struct fake *f = fake_new();
	struct ktermios t = f->t;
	char buf[64];

	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	fake_set(f, &t);
	type(f, "ab");
	EXPECT_EQ(f->out_len, 0);
	EXPECT(n_tty_readable(&f->ld, 1));
	EXPECT_EQ(n_tty_inq(&f->ld), 2);
	EXPECT_EQ(rd(f, buf, 63), 2);
	EXPECT_STREQ(buf, "ab");
	/* VMIN=3: not ready with 2 bytes */
	type(f, "\177\033");	/* DEL and ESC are data in raw mode */
	EXPECT(!n_tty_readable(&f->ld, 3));
	type(f, "[A");
	EXPECT(n_tty_readable(&f->ld, 3));
	EXPECT_EQ(n_tty_read(&f->ld, buf, 63), 4);
	EXPECT(buf[0] == 0177 && buf[1] == 033 && buf[2] == '[' && buf[3] == 'A');
	/* ICRNL still applies in raw mode (busybox clears it itself if it wants) */
	type(f, "\r");
	EXPECT_EQ(n_tty_read(&f->ld, buf, 63), 1);
	EXPECT(buf[0] == '\n');
	free(f);
}

HTEST(raw_mode_echo_of_control_chars)
{
	struct fake *f = fake_new();
	struct ktermios t = f->t;

	t.c_lflag &= ~ICANON;
	fake_set(f, &t);
	type(f, "a\033\r");
	EXPECT_STREQ(f->out, "a^[\r\n");
	free(f);
}

HTEST(icanon_on_makes_pending_input_a_line)
{
	struct fake *f = fake_new();
	struct ktermios t = f->t;
	char buf[64];

	t.c_lflag &= ~ICANON;
	fake_set(f, &t);
	type(f, "xyz");
	t.c_lflag |= ICANON;
	fake_set(f, &t);
	EXPECT(n_tty_readable(&f->ld, 1));
	EXPECT_EQ(rd(f, buf, 63), 3);
	EXPECT_STREQ(buf, "xyz");
	EXPECT(!n_tty_readable(&f->ld, 1));
	free(f);
}

HTEST(icanon_off_releases_partial_line)
{
	struct fake *f = fake_new();
	struct ktermios t = f->t;
	char buf[64];

	type(f, "line\npart");
	t.c_lflag &= ~ICANON;
	fake_set(f, &t);
	EXPECT_EQ(rd(f, buf, 63), 9);
	EXPECT_STREQ(buf, "line\npart");
	free(f);
}

HTEST(input_mapping_igncr_inlcr)
{
	struct fake *f = fake_new();
	char buf[64];

	f->t.c_iflag = IGNCR;
	type(f, "a\rb\n");
	EXPECT_EQ(rd(f, buf, 63), 3);
	EXPECT_STREQ(buf, "ab\n");
	f->t.c_iflag = INLCR;
	f->t.c_cc[VEOL] = '\r';
	type(f, "c\n");	/* LF becomes CR, which is EOL here */
	EXPECT_EQ(rd(f, buf, 63), 2);
	EXPECT_STREQ(buf, "c\r");
	f->t.c_iflag = ISTRIP | ICRNL;
	n_tty_receive(&f->ld, "\xe1\r", 2);
	EXPECT_EQ(rd(f, buf, 63), 2);
	EXPECT_STREQ(buf, "a\n");
	free(f);
}

HTEST(echonl_without_echo)
{
	struct fake *f = fake_new();

	f->t.c_lflag &= ~ECHO;
	f->t.c_lflag |= ECHONL;
	type(f, "secret\r");
	EXPECT_STREQ(f->out, "\r\n");
	free(f);
}

HTEST(no_echo_no_output)
{
	struct fake *f = fake_new();

	f->t.c_lflag &= ~ECHO;
	type(f, "pw\177\025x\003");
	EXPECT_EQ(f->out_len, 0);
	EXPECT_EQ(f->nsigs, 1);
	free(f);
}

HTEST(lnext_quotes_next_char)
{
	struct fake *f = fake_new();
	char buf[64];

	type(f, "\026\003\026\177\n");
	EXPECT_EQ(f->nsigs, 0);
	EXPECT_STREQ(f->out, "^\b^C^\b^?\r\n");
	EXPECT_EQ(rd(f, buf, 63), 3);
	EXPECT(buf[0] == 3 && buf[1] == 0177 && buf[2] == '\n');
	free(f);
}

HTEST(reprint_redraws_line)
{
	struct fake *f = fake_new();

	type(f, "ab\001");
	clear_out(f);
	type(f, "\022");
	EXPECT_STREQ(f->out, "^R\r\nab^A");
	free(f);
}

HTEST(echoprt_hardcopy_erase)
{
	struct fake *f = fake_new();

	f->t.c_lflag |= ECHOPRT;
	type(f, "abc\177\177d");
	EXPECT_STREQ(f->out, "abc\\cb/d");
	free(f);
}

HTEST(ixon_stop_start_not_stored)
{
	struct fake *f = fake_new();
	struct ktermios t = f->t;

	type(f, "\023");
	EXPECT(n_tty_stopped(&f->ld));
	type(f, "a\021");
	EXPECT(!n_tty_stopped(&f->ld));
	EXPECT_EQ(n_tty_inq(&f->ld), 0);
	type(f, "\n");
	EXPECT_EQ(n_tty_inq(&f->ld), 2);
	/* A signal character restarts output; IXON off restarts it too. */
	type(f, "\023\003");
	EXPECT(!n_tty_stopped(&f->ld));
	type(f, "\023");
	t.c_iflag &= ~IXON;
	fake_set(f, &t);
	EXPECT(!n_tty_stopped(&f->ld));
	free(f);
}

HTEST(utf8_erase_removes_whole_character)
{
	struct fake *f = fake_new();
	char buf[64];

	f->t.c_iflag |= IUTF8;
	type(f, "a\xc3\xa9\xe2\x82\xac");	/* a, e-acute, euro sign */
	clear_out(f);
	type(f, "\177");
	EXPECT_STREQ(f->out, "\b \b");
	type(f, "\n");
	EXPECT_EQ(rd(f, buf, 63), 4);
	EXPECT_STREQ(buf, "a\xc3\xa9\n");
	free(f);
}

HTEST(canon_full_line_keeps_room_for_newline)
{
	struct fake *f = fake_new();
	static char line[6000], buf[N_TTY_BUF_SIZE + 8];

	memset(line, 'x', sizeof(line) - 1);
	type(f, line);
	EXPECT(!n_tty_readable(&f->ld, 1));
	type(f, "\n");
	EXPECT_EQ(rd(f, buf, sizeof(buf) - 1), N_TTY_BUF_SIZE);
	EXPECT(buf[N_TTY_BUF_SIZE - 2] == 'x' && buf[N_TTY_BUF_SIZE - 1] == '\n');
	free(f);
}

HTEST(ring_wraps_around)
{
	struct fake *f = fake_new();
	char buf[64];

	for (int i = 0; i < 3000; i++) {
		clear_out(f);
		type(f, "abcdefgh\n");
		EXPECT_STREQ(f->out, "abcdefgh\r\n");
		EXPECT_EQ(rd(f, buf, 63), 9);
		EXPECT_STREQ(buf, "abcdefgh\n");
	}
	free(f);
}

HTEST(output_onlcr_opost_xtabs)
{
	struct fake *f = fake_new();
	char out[64];
	size_t used, n;

	n = n_tty_output(&f->ld, "a\nb", 3, out, sizeof(out), &used);
	EXPECT_EQ(used, 3);
	EXPECT_EQ(n, 4);
	EXPECT(memcmp(out, "a\r\nb", 4) == 0);
	/* the expansion of '\n' does not fit in 2 bytes after 'x' */
	n = n_tty_output(&f->ld, "x\ny", 3, out, 2, &used);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(used, 1);
	f->t.c_oflag |= XTABS;
	n = n_tty_output(&f->ld, "\r\tz", 3, out, sizeof(out), &used);
	EXPECT_EQ(n, 10);
	EXPECT(memcmp(out, "\r        z", 10) == 0);
	f->t.c_oflag &= ~OPOST;
	n = n_tty_output(&f->ld, "a\nb", 3, out, sizeof(out), &used);
	EXPECT_EQ(n, 3);
	EXPECT(memcmp(out, "a\nb", 3) == 0);
	free(f);
}

HTEST(output_ocrnl_onocr_olcuc)
{
	struct fake *f = fake_new();
	char out[64];
	size_t used, n;

	f->t.c_oflag = OPOST | OCRNL | OLCUC;
	n = n_tty_output(&f->ld, "a\rb", 3, out, sizeof(out), &used);
	EXPECT_EQ(n, 3);
	EXPECT(memcmp(out, "A\nB", 3) == 0);
	f->t.c_oflag = OPOST | ONOCR;
	n = n_tty_output(&f->ld, "\r\r", 2, out, sizeof(out), &used);
	EXPECT_EQ(n, 1);	/* the second CR is at column 0 */
	EXPECT_EQ(used, 2);
	free(f);
}

HTEST(flush_input_discards_everything)
{
	struct fake *f = fake_new();

	type(f, "one\ntw");
	n_tty_flush_input(&f->ld);
	EXPECT_EQ(n_tty_inq(&f->ld), 0);
	EXPECT(!n_tty_readable(&f->ld, 1));
	clear_out(f);
	type(f, "\177");
	EXPECT_EQ(f->out_len, 0);	/* the partial line went too */
	free(f);
}

HTEST_MAIN()
