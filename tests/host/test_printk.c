// host-test-sources: kernel/printk.c kernel/spinlock.c tests/host/shim_lib.c
/*
 * Host tests for kernel/printk.c through its public interface: a capturing
 * console sees what a serial port would, a fake clock sets the timestamps,
 * and printk_read_all shows what dmesg would. The log is global and shared
 * by all tests, so each one starts by registering its console and clearing
 * what the registration replayed.
 */
#define _GNU_SOURCE	/* memmem */
#include "htest.h"
#include <ferrite/printk.h>
#include <ferrite/time.h>

static uint64_t fake_ns;

uint64_t time_boot_ns(void)
{
	return fake_ns;
}

struct capture {
	struct console con;
	char buf[1 << 16];
	size_t len;
	bool registered;
};

static void capture_write(struct console *con, const char *s, size_t len)
{
	struct capture *c = container_of(con, struct capture, con);

	if (c->len + len < sizeof(c->buf)) {
		memcpy(c->buf + c->len, s, len);
		c->len += len;
		c->buf[c->len] = '\0';
	}
}

static struct capture cap = { .con = { .name = "capture", .write = capture_write } };

static void cap_clear(struct capture *c)
{
	c->len = 0;
	c->buf[0] = '\0';
}

/*
 * Register the capture console and bring it to a clean line start. A test
 * that failed early did not unregister it: do it here, or it would be in the
 * console list twice.
 */
static void cap_start(void)
{
	if (cap.registered)
		console_unregister(&cap.con);
	console_register(&cap.con);
	cap.registered = true;
	printk(KERN_EMERG "--- test start\n");	/* ends any line left open */
	cap_clear(&cap);
	fake_ns = 0;
}

static void cap_stop(void)
{
	console_unregister(&cap.con);
	cap.registered = false;
}

/* The whole log as dmesg would print it (caller frees). */
static char *read_log(size_t *len)
{
	size_t size = 2 * PRINTK_LOG_BUF_SIZE;
	char *buf = malloc(size + 1);

	*len = printk_read_all(buf, size);
	buf[*len] = '\0';
	return buf;
}

/* True if @log ends with @tail. */
static bool ends_with(const char *log, size_t len, const char *tail)
{
	size_t n = strlen(tail);

	return len >= n && memcmp(log + len - n, tail, n) == 0;
}

HTEST(default_console_loglevel_is_7)
{
	cap_start();
	EXPECT_EQ(printk_get_console_loglevel(), 7);
	EXPECT_EQ(CONSOLE_LOGLEVEL_DEFAULT, 7);
	printk(KERN_INFO "info shown\n");
	printk(KERN_DEBUG "debug hidden\n");
	EXPECT_STREQ(cap.buf, "[    0.000000] info shown\n");
	cap_stop();
}

HTEST(level_filtering_against_console_loglevel)
{
	cap_start();
	printk_set_console_loglevel(4);
	printk(KERN_ERR "err\n");
	printk(KERN_WARNING "warn\n");
	printk("no prefix\n");
	pr_emerg("emerg\n");
	printk_set_console_loglevel(5);
	printk("no prefix again\n");
	printk(KERN_DEFAULT "explicit default\n");
	printk(KERN_NOTICE "notice\n");
	printk_set_console_loglevel(0);
	pr_emerg("nothing at 0\n");
	printk_set_console_loglevel(7);
	EXPECT_STREQ(cap.buf, "[    0.000000] err\n"
			      "[    0.000000] emerg\n"
			      "[    0.000000] no prefix again\n"
			      "[    0.000000] explicit default\n");
	cap_stop();
}

HTEST(loglevel_is_clamped)
{
	printk_set_console_loglevel(-3);
	EXPECT_EQ(printk_get_console_loglevel(), 0);
	printk_set_console_loglevel(CONSOLE_LOGLEVEL_DEBUG);
	EXPECT_EQ(printk_get_console_loglevel(), 10);
	printk_set_console_loglevel(99);
	EXPECT_EQ(printk_get_console_loglevel(), 15);
	printk_set_console_loglevel(7);
}

HTEST(timestamp_format)
{
	cap_start();
	fake_ns = 123456789;
	printk(KERN_INFO "a\n");
	fake_ns = 5 * NSEC_PER_SEC + 999999999;
	printk(KERN_INFO "b\n");
	fake_ns = 12345678901234567ULL;
	printk(KERN_INFO "c\n");
	EXPECT_STREQ(cap.buf, "[    0.123456] a\n"
			      "[    5.999999] b\n"
			      "[12345678.901234] c\n");
	cap_stop();
}

HTEST(kern_cont_extends_open_line)
{
	size_t len;
	char *log;

	cap_start();
	fake_ns = 1000;
	printk(KERN_INFO "abc");
	fake_ns = 2000000;	/* continuation keeps the first timestamp */
	pr_cont("def");
	pr_cont("%d\n", 42);
	EXPECT_STREQ(cap.buf, "[    0.000001] abcdef42\n");
	log = read_log(&len);
	EXPECT(ends_with(log, len, "[    0.000001] abcdef42\n"));
	free(log);
	cap_stop();
}

HTEST(unterminated_line_is_ended_by_next_message)
{
	size_t len;
	char *log;

	cap_start();
	printk(KERN_INFO "first");
	printk(KERN_INFO "second\n");
	pr_cont("orphan cont\n");	/* nothing open: a record of its own */
	EXPECT_STREQ(cap.buf, "[    0.000000] first\n"
			      "[    0.000000] second\n"
			      "[    0.000000] orphan cont\n");
	log = read_log(&len);
	EXPECT(ends_with(log, len, "] first\n[    0.000000] second\n[    0.000000] orphan cont\n"));
	free(log);
	cap_stop();
}

HTEST(hidden_record_continuation_stays_hidden)
{
	cap_start();
	printk(KERN_DEBUG "dbg");
	pr_cont(" more\n");
	printk(KERN_INFO "visible\n");
	EXPECT_STREQ(cap.buf, "[    0.000000] visible\n");
	cap_stop();
}

HTEST(multiline_record_prefixes_each_line)
{
	size_t len;
	char *log;

	cap_start();
	fake_ns = 7000;
	printk(KERN_INFO "one\ntwo\n");
	EXPECT_STREQ(cap.buf, "[    0.000007] one\n[    0.000007] two\n");
	log = read_log(&len);
	EXPECT(ends_with(log, len, "[    0.000007] one\n[    0.000007] two\n"));
	free(log);
	cap_stop();
}

HTEST(read_all_and_syslog_format)
{
	char buf[4096];
	size_t n;

	cap_start();
	fake_ns = 3 * NSEC_PER_SEC + 14000;
	pr_info("read-all marker\n");
	pr_err("second marker\n");
	n = printk_read_all(buf, sizeof(buf) - 1);
	buf[n] = '\0';
	EXPECT(ends_with(buf, n, "[    3.000014] read-all marker\n[    3.000014] second marker\n"));
	n = printk_read_all_syslog(buf, sizeof(buf) - 1);
	buf[n] = '\0';
	EXPECT(ends_with(buf, n, "<6>[    3.000014] read-all marker\n"
				 "<3>[    3.000014] second marker\n"));
	cap_stop();
}

HTEST(read_all_small_buffer_keeps_newest_whole_lines)
{
	char buf[64];
	size_t n;

	cap_start();
	pr_info("older line that will not fit\n");
	pr_info("newest A\n");
	pr_info("newest B\n");
	n = printk_read_all(buf, sizeof(buf));
	EXPECT_EQ(n, 2 * strlen("[    0.000000] newest A\n"));
	EXPECT(memcmp(buf, "[    0.000000] newest A\n[    0.000000] newest B\n", n) == 0);
	n = printk_read_all(buf, 10);	/* even the newest does not fit: cut */
	EXPECT_EQ(n, 10);
	EXPECT(memcmp(buf, "[    0.000", 10) == 0);
	EXPECT_EQ(printk_read_all(buf, 0), 0);
	cap_stop();
}

HTEST(ring_wraps_dropping_oldest)
{
	enum { N = 6000 };
	size_t len;
	char *log, *p;
	int first, prev, count = 0;

	cap_start();
	for (int i = 0; i < N; i++)
		printk(KERN_DEBUG "wrap %05d %s\n", i,
		       "padding padding padding padding padding padding padding");
	log = read_log(&len);
	EXPECT(len < PRINTK_LOG_BUF_SIZE + 1);
	p = strstr(log, "] wrap ");
	EXPECT(p != NULL);
	first = atoi(p + 7);
	EXPECT(first > 0);		/* the oldest were dropped */
	EXPECT(first < N - 1000);	/* but most of the buffer is kept */
	prev = first - 1;
	for (; p; p = strstr(p + 1, "] wrap ")) {
		EXPECT_EQ(atoi(p + 7), prev + 1);	/* no gaps, in order */
		prev++;
		count++;
	}
	EXPECT_EQ(prev, N - 1);
	EXPECT_EQ(count, N - first);
	EXPECT_STREQ(cap.buf, "");	/* debug level: not on the console */
	free(log);
	cap_stop();
}

HTEST(long_message_is_truncated)
{
	char big[3000];
	int n;

	cap_start();
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n = printk(KERN_INFO "%s\n", big);
	EXPECT_EQ(n, PRINTK_LINE_MAX - 1 - 2);	/* the level prefix counts too */
	EXPECT_EQ(cap.len, strlen("[    0.000000] ") + (size_t)n + 1);
	EXPECT_EQ(cap.buf[cap.len - 1], '\n');
	EXPECT_EQ(cap.buf[cap.len - 2], 'x');
	printk(KERN_INFO "after\n");	/* the cut record was closed */
	EXPECT(ends_with(cap.buf, cap.len, "x\n[    0.000000] after\n"));
	cap_stop();
}

HTEST(printk_returns_text_length)
{
	cap_start();
	EXPECT_EQ(printk(KERN_INFO "12345\n"), 5);
	EXPECT_EQ(printk("abc"), 3);
	EXPECT_EQ(pr_cont("\n"), 0);
	EXPECT_STREQ(cap.buf, "[    0.000000] 12345\n[    0.000000] abc\n");
	cap_stop();
}

HTEST(register_replays_log_and_unregister_stops)
{
	static struct capture late = { .con = { .name = "late", .write = capture_write } };

	cap_start();
	fake_ns = 42000;
	pr_info("replay marker\n");
	pr_debug("replay hidden\n");
	console_register(&late.con);
	EXPECT(strstr(late.buf, "[    0.000042] replay marker\n") != NULL);
	EXPECT(strstr(late.buf, "replay hidden") == NULL);
	EXPECT(ends_with(late.buf, late.len, "[    0.000042] replay marker\n"));
	cap_clear(&late);
	pr_info("both\n");
	EXPECT_STREQ(late.buf, "[    0.000042] both\n");
	console_unregister(&late.con);
	pr_info("only cap\n");
	EXPECT_STREQ(late.buf, "[    0.000042] both\n");
	EXPECT(ends_with(cap.buf, cap.len, "both\n[    0.000042] only cap\n"));
	cap_stop();
}

/* A console that calls printk from its write method, as a crashing driver might. */
static int nest_depth;
static struct capture nest;

static void nesting_write(struct console *con, const char *s, size_t len)
{
	capture_write(con, s, len);
	if (nest_depth == 0 && memmem(s, len, "trigger", 7)) {
		nest_depth++;
		printk(KERN_EMERG "nested\n");	/* printk_lock is held by "us" */
		nest_depth--;
	}
}

/* Last: panic mode cannot be left again. */
HTEST(panic_mode_does_not_deadlock_on_held_lock)
{
	nest.con.name = "nest";
	nest.con.write = nesting_write;
	cap_start();
	console_register(&nest.con);
	cap_clear(&nest);
	printk_enter_panic_mode();
	printk(KERN_EMERG "trigger\n");
	EXPECT(strstr(nest.buf, "] trigger") != NULL);
	EXPECT(strstr(nest.buf, "nested\n") != NULL);
	EXPECT(strstr(cap.buf, "nested\n") != NULL);
	printk(KERN_EMERG "after panic\n");	/* the lock was released normally */
	EXPECT(ends_with(cap.buf, cap.len, "after panic\n"));
	console_unregister(&nest.con);
	cap_stop();
}

HTEST_MAIN()
