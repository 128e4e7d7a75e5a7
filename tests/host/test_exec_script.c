// host-test-sources: kernel/exec_script.c
/*
 * Host tests for kernel/exec_script.c: "#!" lines parsed as Linux parses
 * them. Each case's expectation was observed on Linux 6.18 by exec'ing a
 * file with that content (interpreter, optional argument, or the errno the
 * parse gives: -ENOEXEC; cases Linux fails later, when it opens the
 * interpreter, parse here and are noted).
 */
#include "htest.h"
#include <ferrite/errno.h>
#include <ferrite/exec.h>

struct script_case {
	const char *name;
	const char *data;
	size_t len;		/* 0: strlen(data) */
	int err;
	const char *interp, *arg;
};

#define LONG_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SLASHES "////////////////////////////////////////////////////////////////////////////////"

static const struct script_case cases[] = {
	{ "not a script", "\177ELF", 0, -ENOEXEC, NULL, NULL },
	{ "one hash", "#", 0, -ENOEXEC, NULL, NULL },
	/* Linux then opens "" (the cwd, a directory): -EACCES */
	{ "bang only", "#!", 0, 0, "", NULL },
	{ "bang newline", "#!\n", 0, -ENOEXEC, NULL, NULL },
	{ "bang spaces newline", "#!   \n", 0, -ENOEXEC, NULL, NULL },
	/* blanks then the zero padding: the name is "" (-EACCES on Linux, as above) */
	{ "blanks, short file", "#!" "                                                  ", 0, 0, "", NULL },
	{ "plain", "#!/bin/sh\n", 0, 0, "/bin/sh", NULL },
	{ "space before name", "#! /bin/sh\n", 0, 0, "/bin/sh", NULL },
	{ "one argument", "#!/bin/sh -e\n", 0, 0, "/bin/sh", "-e" },
	{ "argument with blanks", "#!/bin/sh -e -x  \n", 0, 0, "/bin/sh", "-e -x" },
	{ "tab before argument", "#!/bin/sh\t-e\n", 0, 0, "/bin/sh", "-e" },
	{ "trailing blanks", "#!/bin/sh   \n", 0, 0, "/bin/sh", NULL },
	{ "no newline", "#!/bin/sh", 0, 0, "/bin/sh", NULL },
	{ "no newline, argument", "#!/bin/sh  a b", 0, 0, "/bin/sh", "a b" },
	{ "NUL in name", "#!/bin/sh\0junk\n", 15, 0, "/bin/sh", NULL },
	{ "NUL after blank", "#!/bin/sh \0junk\n", 16, 0, "/bin/sh", "" },
	/* Linux then fails to find "/bin/sh\r": -ENOENT */
	{ "carriage return", "#!/bin/sh\r\n", 0, 0, "/bin/sh\r", NULL },
	{ "relative interpreter", "#!showargs\n", 0, 0, "showargs", NULL },
	{ "rest of file ignored", "#!/bin/sh -x\necho hi\n", 0, 0, "/bin/sh", "-x" },
	{ "name cut by the buffer", "#!/" LONG_A LONG_A LONG_A, 0, -ENOEXEC, NULL, NULL },
	{ "name ends past the buffer", "#!/tmp/ex/showargs" SLASHES SLASHES SLASHES " x", 0, -ENOEXEC, NULL, NULL },
};

HTEST(linux_cases)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct script_case *c = &cases[i];
		char buf[BINPRM_BUF_SIZE] = { 0 };
		size_t len = c->len ? c->len : strlen(c->data);
		const char *interp = NULL, *arg = NULL;
		int err;

		memcpy(buf, c->data, MIN(len, sizeof(buf)));
		err = exec_parse_script(buf, sizeof(buf), &interp, &arg);
		printf("# %s\n", c->name);
		EXPECT_EQ(err, c->err);
		if (err)
			continue;
		EXPECT_STREQ(interp, c->interp);
		EXPECT((arg == NULL) == (c->arg == NULL));
		if (arg)
			EXPECT_STREQ(arg, c->arg);
	}
}

/* Blanks up to the buffer's end: nothing to run. */
HTEST(blanks_fill_buffer)
{
	char buf[BINPRM_BUF_SIZE];
	const char *interp, *arg;

	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "#!", 2);
	EXPECT_EQ(exec_parse_script(buf, sizeof(buf), &interp, &arg), -ENOEXEC);
}

/* A long argument is cut at the buffer's end, not refused. */
HTEST(long_argument_truncated)
{
	char buf[BINPRM_BUF_SIZE];
	const char *interp, *arg;

	memset(buf, 'b', sizeof(buf));
	memcpy(buf, "#!/bin/sh ", 10);
	EXPECT_EQ(exec_parse_script(buf, sizeof(buf), &interp, &arg), 0);
	EXPECT_STREQ(interp, "/bin/sh");
	EXPECT_EQ(strlen(arg), sizeof(buf) - 10 - 1);
}

/* A name that exactly fills the line up to a newline at the last byte. */
HTEST(newline_at_last_byte)
{
	char buf[BINPRM_BUF_SIZE];
	const char *interp, *arg;

	memset(buf, 'c', sizeof(buf));
	memcpy(buf, "#!/", 3);
	buf[sizeof(buf) - 1] = '\n';
	EXPECT_EQ(exec_parse_script(buf, sizeof(buf), &interp, &arg), 0);
	EXPECT_EQ(strlen(interp), sizeof(buf) - 3);
	EXPECT(arg == NULL);
}

HTEST_MAIN()
