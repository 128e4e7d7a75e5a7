// host-test-sources: kernel/cmdline.c kernel/printk.c kernel/spinlock.c tests/host/shim_lib.c
/*
 * Host tests for kernel/cmdline.c: every parsing rule (separators, quotes,
 * "--", known parameters, what reaches init, limits, truncation, warnings)
 * and the report printed through printk to a capturing console.
 */
#include "htest.h"
#include <ferrite/cmdline.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>

uint64_t time_boot_ns(void)
{
	return 0;
}

static struct cmdline cl;

/* True if some warning contains @needle. */
static bool warned(const char *needle)
{
	for (int i = 0; i < cl.nr_warnings; i++)
		if (strstr(cl.warnings[i], needle))
			return true;
	return false;
}

static bool argv_is(const char *const *want, int n)
{
	if (cl.init_argc != n || cl.init_argv[n] != NULL)
		return false;
	for (int i = 0; i < n; i++)
		if (strcmp(cl.init_argv[i], want[i]) != 0)
			return false;
	return true;
}

static bool envp_is(const char *const *want, int n)
{
	if (cl.init_envc != n || cl.init_envp[n] != NULL)
		return false;
	for (int i = 0; i < n; i++)
		if (strcmp(cl.init_envp[i], want[i]) != 0)
			return false;
	return true;
}

static bool unknown_is(const char *const *want, int n)
{
	if (cl.nr_unknown != n)
		return false;
	for (int i = 0; i < n; i++)
		if (strcmp(cl.unknown[i], want[i]) != 0)
			return false;
	return true;
}

static const char *const default_env[] = { "HOME=/", "TERM=linux" };

/* Nothing given: every field at its default. */
static bool all_defaults(void)
{
	return cl.nr_consoles == 0 && !cl.init && !cl.rdinit && !cl.root && !cl.rootfstype &&
	       !cl.ip && !cl.rootwait && cl.root_mode == CMDLINE_ROOT_DEFAULT &&
	       cl.loglevel == -1 && cl.panic_timeout == 0 && !cl.ktest && !cl.ktest_filter &&
	       !cl.ktest_fault && !cl.nosmp && cl.maxcpus == -1 && !cl.acpi_off &&
	       argv_is(NULL, 0) && envp_is(default_env, 2) && cl.nr_unknown == 0 &&
	       cl.nr_warnings == 0;
}

HTEST(empty_null_and_blank)
{
	EXPECT_EQ(cmdline_parse(&cl, ""), 0);
	EXPECT(all_defaults());
	EXPECT_STREQ(cl.saved, "");
	EXPECT_EQ(cmdline_parse(&cl, NULL), 0);
	EXPECT(all_defaults());
	EXPECT_EQ(cmdline_parse(&cl, "   \t \n  "), 0);
	EXPECT(all_defaults());
	EXPECT_EQ(cmdline_parse(&cl, "\"\"  \"\""), 0);	/* empty quoted parameters */
	EXPECT(all_defaults());
}

HTEST(known_parameters)
{
	EXPECT_EQ(cmdline_parse(&cl, "console=ttyS0,115200n8 root=/dev/vda1 rootfstype=ext4 "
				     "rootwait init=/sbin/init rdinit=/init ip=dhcp panic=-1 "
				     "nosmp maxcpus=2 acpi=off earlyprintk=serial,ttyS0 "
				     "earlyprintk rw"), 0);
	EXPECT_EQ(cl.nr_consoles, 1);
	EXPECT_STREQ(cl.console[0], "ttyS0,115200n8");
	EXPECT_STREQ(cl.root, "/dev/vda1");
	EXPECT_STREQ(cl.rootfstype, "ext4");
	EXPECT(cl.rootwait);
	EXPECT_STREQ(cl.init, "/sbin/init");
	EXPECT_STREQ(cl.rdinit, "/init");
	EXPECT_STREQ(cl.ip, "dhcp");
	EXPECT_EQ(cl.panic_timeout, -1);
	EXPECT(cl.nosmp);
	EXPECT_EQ(cl.maxcpus, 2);
	EXPECT(cl.acpi_off);
	EXPECT_EQ(cl.root_mode, CMDLINE_ROOT_RW);
	EXPECT(argv_is(NULL, 0));
	EXPECT(envp_is(default_env, 2));
	EXPECT_EQ(cl.nr_unknown, 0);
	EXPECT_EQ(cl.nr_warnings, 0);
}

HTEST(last_string_and_ro_rw_win)
{
	cmdline_parse(&cl, "root=/dev/a ro root=/dev/b rw ro init=/x init=/y root=");
	EXPECT_STREQ(cl.root, "");
	EXPECT_STREQ(cl.init, "/y");
	EXPECT_EQ(cl.root_mode, CMDLINE_ROOT_RO);
}

HTEST(console_repeats_in_order_up_to_eight)
{
	cmdline_parse(&cl, "console=c0 console=c1 console=c2 console=c3 console=c4 "
			   "console=c5 console=c6 console=c7 console=c8 console=c9");
	EXPECT_EQ(cl.nr_consoles, CMDLINE_MAX_CONSOLES);
	for (int i = 0; i < CMDLINE_MAX_CONSOLES; i++) {
		char want[4] = { 'c', (char)('0' + i), 0 };

		EXPECT_STREQ(cl.console[i], want);
	}
	EXPECT_EQ(cl.nr_warnings, 2);
	EXPECT(warned("console=c8"));
	EXPECT(warned("console=c9"));
}

HTEST(loglevel_quiet_debug_last_wins)
{
	cmdline_parse(&cl, "loglevel=3");
	EXPECT_EQ(cl.loglevel, 3);
	cmdline_parse(&cl, "quiet");
	EXPECT_EQ(cl.loglevel, CONSOLE_LOGLEVEL_QUIET);
	cmdline_parse(&cl, "debug");
	EXPECT_EQ(cl.loglevel, CONSOLE_LOGLEVEL_DEBUG);
	cmdline_parse(&cl, "quiet loglevel=6");
	EXPECT_EQ(cl.loglevel, 6);
	cmdline_parse(&cl, "loglevel=6 quiet");
	EXPECT_EQ(cl.loglevel, 4);
	cmdline_parse(&cl, "debug loglevel=8\n");
	EXPECT_EQ(cl.loglevel, 8);
	EXPECT_EQ(cl.nr_warnings, 0);
}

HTEST(bad_loglevel_warns_and_keeps_previous)
{
	cmdline_parse(&cl, "loglevel=5 loglevel=abc");
	EXPECT_EQ(cl.loglevel, 5);
	EXPECT_EQ(cl.nr_warnings, 1);
	EXPECT(warned("loglevel=abc"));
	cmdline_parse(&cl, "loglevel=16 loglevel=-1 loglevel=");
	EXPECT_EQ(cl.loglevel, -1);
	EXPECT_EQ(cl.nr_warnings, 3);
	cmdline_parse(&cl, "loglevel");
	EXPECT_EQ(cl.loglevel, -1);
	EXPECT(warned("'loglevel' needs a value"));
	EXPECT(argv_is(NULL, 0));
}

HTEST(bad_numbers_and_values_warn)
{
	cmdline_parse(&cl, "panic=soon maxcpus=-2 maxcpus=x acpi=force console");
	EXPECT_EQ(cl.panic_timeout, 0);
	EXPECT_EQ(cl.maxcpus, -1);
	EXPECT(!cl.acpi_off);
	EXPECT_EQ(cl.nr_consoles, 0);
	EXPECT_EQ(cl.nr_warnings, 5);
	EXPECT(warned("panic=soon"));
	EXPECT(warned("acpi=force"));
	EXPECT(warned("'console' needs a value"));
	cmdline_parse(&cl, "panic=10 maxcpus=0");
	EXPECT_EQ(cl.panic_timeout, 10);
	EXPECT_EQ(cl.maxcpus, 0);
}

HTEST(ktest_forms)
{
	cmdline_parse(&cl, "ktest");
	EXPECT(cl.ktest);
	EXPECT_STREQ(cl.ktest_filter, "");
	EXPECT(cl.ktest_fault == NULL);
	cmdline_parse(&cl, "ktest=mm_");
	EXPECT(cl.ktest);
	EXPECT_STREQ(cl.ktest_filter, "mm_");
	cmdline_parse(&cl, "ktest.fault=pagefault");
	EXPECT(!cl.ktest);
	EXPECT_STREQ(cl.ktest_fault, "pagefault");
	EXPECT_EQ(cl.nr_unknown, 0);
	EXPECT(envp_is(default_env, 2));
}

HTEST(unknown_parameters_go_to_init)
{
	static const char *const argv[] = { "single", "emergency" };
	static const char *const envp[] = { "HOME=/", "TERM=linux", "foo=bar", "LANG=C" };
	static const char *const unknown[] = { "single", "foo=bar", "emergency", "LANG=C" };

	cmdline_parse(&cl, "single foo=bar quiet emergency LANG=C");
	EXPECT(argv_is(argv, 2));
	EXPECT(envp_is(envp, 4));
	EXPECT(unknown_is(unknown, 4));
	EXPECT_EQ(cl.loglevel, 4);
	EXPECT_EQ(cl.nr_warnings, 0);
}

HTEST(flag_with_value_is_unknown)
{
	static const char *const envp[] = { "HOME=/", "TERM=linux", "ro=1", "nosmp=yes" };

	cmdline_parse(&cl, "ro=1 nosmp=yes");
	EXPECT_EQ(cl.root_mode, CMDLINE_ROOT_DEFAULT);
	EXPECT(!cl.nosmp);
	EXPECT(envp_is(envp, 4));
	EXPECT_EQ(cl.nr_unknown, 2);
}

HTEST(module_parameters_are_not_passed)
{
	static const char *const argv[] = { "=x" };
	static const char *const envp[] = { "HOME=/", "TERM=linux", "a=b.c" };

	cmdline_parse(&cl, "mod.param=1 virtio.blk x.y=z=w a=b.c =x");
	EXPECT(argv_is(argv, 1));
	EXPECT(envp_is(envp, 3));
	EXPECT_EQ(cl.nr_unknown, 2);
	EXPECT_EQ(cl.nr_warnings, 0);
}

HTEST(env_same_key_replaces)
{
	static const char *const envp[] = { "HOME=/", "TERM=vt100", "X=2", "XY=3" };

	cmdline_parse(&cl, "TERM=vt100 X=1 XY=3 X=2");
	EXPECT(envp_is(envp, 4));
}

HTEST(quotes)
{
	/* Quotes inside a word only protect spaces; Linux keeps them. */
	static const char *const argv[] = { "plain word", "in\"si de\"x" };
	static const char *const envp[] = { "HOME=/", "TERM=linux", "foo=a b", "bar=c  d",
					     "e=" };

	cmdline_parse(&cl, "foo=\"a b\" \"bar=c  d\" \"plain word\" console=\"ttyS0\" "
			   "init=\"/bin/sh\" in\"si de\"x e=\"\"");
	EXPECT(envp_is(envp, 5));
	EXPECT(argv_is(argv, 2));
	EXPECT_EQ(cl.nr_consoles, 1);
	EXPECT_STREQ(cl.console[0], "ttyS0");
	EXPECT_STREQ(cl.init, "/bin/sh");
	EXPECT_EQ(cl.nr_warnings, 0);
	/* A quoted space does not split; the saved text keeps the quotes. */
	cmdline_parse(&cl, "init=\"/bin/sh -x\" ro");
	EXPECT_STREQ(cl.init, "/bin/sh -x");
	EXPECT_EQ(cl.root_mode, CMDLINE_ROOT_RO);
	EXPECT_STREQ(cl.saved, "init=\"/bin/sh -x\" ro");
}

HTEST(unterminated_quote_takes_the_rest)
{
	cmdline_parse(&cl, "ro init=\"/bin/sh -c x  quiet");
	EXPECT_STREQ(cl.init, "/bin/sh -c x  quiet");
	EXPECT_EQ(cl.loglevel, -1);
	EXPECT_EQ(cl.root_mode, CMDLINE_ROOT_RO);
	EXPECT_EQ(cl.nr_warnings, 1);
	EXPECT(warned("Unterminated quote"));
	cmdline_parse(&cl, "\"console=ttyS0 quiet");
	EXPECT_EQ(cl.nr_consoles, 1);
	EXPECT_STREQ(cl.console[0], "ttyS0 quiet");
	EXPECT_EQ(cl.loglevel, -1);
	EXPECT(warned("Unterminated quote"));
}

HTEST(double_dash_gives_the_rest_to_init)
{
	static const char *const argv[] = { "single", "x=y", "a.b=c", "--", "q w", "" };

	cmdline_parse(&cl, "quiet -- single x=y a.b=c -- \"q w\" \"\"");
	EXPECT_EQ(cl.loglevel, 4);
	EXPECT(argv_is(argv, 6));
	EXPECT(envp_is(default_env, 2));
	EXPECT_EQ(cl.nr_unknown, 0);
	cmdline_parse(&cl, "ro --");
	EXPECT(argv_is(NULL, 0));
	cmdline_parse(&cl, "\"--\" quiet");	/* quoted dashes count too */
	EXPECT_EQ(cl.loglevel, -1);
	EXPECT_EQ(cl.init_argc, 1);
	cmdline_parse(&cl, "--=x ---");		/* not a lone "--" */
	EXPECT_EQ(cl.init_argc, 1);
	EXPECT_EQ(cl.init_envc, 3);
}

HTEST(white_space_kinds_separate)
{
	cmdline_parse(&cl, "\tquiet\nro\r\vrootwait\f nosmp ");
	EXPECT_EQ(cl.loglevel, 4);
	EXPECT_EQ(cl.root_mode, CMDLINE_ROOT_RO);
	EXPECT(cl.rootwait);
	EXPECT(cl.nosmp);
}

HTEST(too_many_init_args_and_envs)
{
	char text[1024] = "";
	size_t pos = 0;

	for (int i = 0; i < 40; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "w%d ", i);
	cmdline_parse(&cl, text);
	EXPECT_EQ(cl.init_argc, MAX_INIT_ARGS - 1);
	EXPECT_STREQ(cl.init_argv[MAX_INIT_ARGS - 2], "w30");
	EXPECT(cl.init_argv[MAX_INIT_ARGS - 1] == NULL);
	EXPECT_EQ(cl.nr_warnings + cl.warnings_dropped, 40 - (MAX_INIT_ARGS - 1));
	EXPECT(warned("'w31' dropped"));
	EXPECT_EQ(cl.nr_unknown, 40);

	pos = 0;
	for (int i = 0; i < 40; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "v%d=%d ", i, i);
	cmdline_parse(&cl, text);
	EXPECT_EQ(cl.init_envc, MAX_INIT_ENVS);
	EXPECT_STREQ(cl.init_envp[MAX_INIT_ENVS - 1], "v29=29");
	EXPECT(cl.init_envp[MAX_INIT_ENVS] == NULL);
	EXPECT_EQ(cl.nr_warnings + cl.warnings_dropped, 10);
	EXPECT(warned("'v30=30' dropped"));
}

HTEST(over_long_line_is_truncated)
{
	static char text[3000];

	memset(text, 'a', 2999);
	text[2999] = '\0';
	memcpy(text, "quiet ", 6);
	memcpy(text + 2039, " ro rw", 6);	/* "rw" ends at byte 2044: kept */
	memcpy(text + 2045, " nosmp", 6);	/* cut after its 'n' (byte 2046) */
	EXPECT_EQ(cmdline_parse(&cl, text), -E2BIG);
	EXPECT_EQ(strlen(cl.saved), COMMAND_LINE_SIZE - 1);
	EXPECT_EQ(cl.loglevel, 4);
	EXPECT_EQ(cl.root_mode, CMDLINE_ROOT_RW);
	EXPECT(!cl.nosmp);
	EXPECT_EQ(cl.init_argc, 2);		/* the a...a word and the "n" */
	EXPECT_STREQ(cl.init_argv[1], "n");
	EXPECT(warned("truncated"));
	text[COMMAND_LINE_SIZE - 1] = '\0';	/* exactly the maximum: fine */
	EXPECT_EQ(cmdline_parse(&cl, text), 0);
	EXPECT_EQ(cl.nr_warnings, 0);
}

HTEST(warnings_overflow_is_counted)
{
	char text[1024] = "";
	size_t pos = 0;

	for (int i = 0; i < 20; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "loglevel=x%d ", i);
	cmdline_parse(&cl, text);
	EXPECT_EQ(cl.nr_warnings, CMDLINE_MAX_WARNINGS);
	EXPECT_EQ(cl.warnings_dropped, 20 - CMDLINE_MAX_WARNINGS);
}

struct capture {
	struct console con;
	char buf[8192];
	size_t len;
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

HTEST(report_prints_warnings_and_unknown)
{
	static struct capture cap = { .con = { .name = "cap", .write = capture_write } };

	console_register(&cap.con);
	cap.len = 0;
	cap.buf[0] = '\0';
	cmdline_parse(&cl, "foo loglevel=zz bar=1 mod.x=1 -- notunknown");
	cmdline_report(&cl);
	EXPECT_STREQ(cap.buf, "[    0.000000] Malformed option 'loglevel=zz', ignored\n"
			      "[    0.000000] Unknown kernel command line parameters "
			      "\"foo bar=1\", will be passed to user space.\n");
	cap.len = 0;
	cap.buf[0] = '\0';
	cmdline_parse(&cl, "quiet");
	cmdline_report(&cl);
	EXPECT_STREQ(cap.buf, "");
	console_unregister(&cap.con);
}

HTEST_MAIN()
