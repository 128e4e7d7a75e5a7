/*
 * The kernel command line, parsed the way Linux parses it (see Linux's
 * Documentation/admin-guide/kernel-parameters.rst): parameters separated by
 * white space, double quotes to put spaces in a parameter or value, the
 * parameters the kernel knows consumed here, the rest handed to init, and
 * everything after a lone "--" given to init as arguments.
 *
 * No heap: the caller provides the struct (about 8 KiB, so a static one, not
 * on the stack). Parsing copies the text into it and every string pointer
 * below points into that copy. The struct is filled once at boot and read
 * afterwards; it has no lock.
 *
 * Parameters the kernel knows:
 *   console=NAME[,OPTS]  (may repeat, up to CMDLINE_MAX_CONSOLES, in order)
 *   init=  rdinit=  root=  rootfstype=  ip=   (strings; the last one wins)
 *   rootwait  ro  rw  nosmp
 *   quiet (loglevel 4)  debug (loglevel 10)  loglevel=N (0..15; last wins)
 *   panic=N (seconds; < 0 reboot at once; 0 = halt, the default)
 *   ktest  ktest=PREFIX  ktest.fault=NAME  maxcpus=N  acpi=off
 *   earlyprintk, earlyprintk=...   (accepted and ignored)
 * A bare word among them given a value ("ro=1") is not that flag: like any
 * unknown parameter it goes to init.
 *
 * Unknown parameters: "key=value" goes to init's environment (replacing an
 * earlier one with the same key), a bare word to init's arguments; one with
 * a '.' before any '=' is a module parameter and is dropped. Each is listed
 * in unknown[] so that cmdline_report() can name them as Linux does.
 */
#ifndef FERRITE_CMDLINE_H
#define FERRITE_CMDLINE_H

#include <ferrite/compiler.h>

#define COMMAND_LINE_SIZE	2048	/* including the NUL, as Linux x86 */
#define MAX_INIT_ARGS		32	/* init's argv, argv[0] included */
#define MAX_INIT_ENVS		32	/* init's envp, HOME and TERM included */
#define CMDLINE_MAX_CONSOLES	8
#define CMDLINE_MAX_UNKNOWN	(MAX_INIT_ARGS + MAX_INIT_ENVS)
#define CMDLINE_MAX_WARNINGS	16
#define CMDLINE_WARNING_LEN	160

enum cmdline_root_mode {
	CMDLINE_ROOT_DEFAULT,	/* neither "ro" nor "rw" */
	CMDLINE_ROOT_RO,
	CMDLINE_ROOT_RW,
};

struct cmdline {
	char saved[COMMAND_LINE_SIZE];	/* the text as given (cut to fit): /proc/cmdline */
	char buf[COMMAND_LINE_SIZE];	/* parsed copy: the strings below point here */

	const char *console[CMDLINE_MAX_CONSOLES];	/* console= in order given */
	int nr_consoles;
	const char *init;		/* NULL when not given, like the others */
	const char *rdinit;
	const char *root;
	const char *rootfstype;
	const char *ip;
	bool rootwait;
	enum cmdline_root_mode root_mode;
	int loglevel;			/* console log level asked for; -1 if none */
	int panic_timeout;		/* panic=: 0 unless given */
	bool ktest;			/* run the in-kernel tests */
	const char *ktest_filter;	/* name prefix; "" = all (when ktest) */
	const char *ktest_fault;	/* ktest.fault=NAME, or NULL */
	bool nosmp;
	int maxcpus;			/* -1 if not given */
	bool acpi_off;

	/*
	 * For init: arguments after argv[0] (which the caller supplies: the init
	 * path), at most MAX_INIT_ARGS - 1, NULL-terminated; the environment,
	 * starting with Linux's "HOME=/" and "TERM=linux", NULL-terminated.
	 */
	const char *init_argv[MAX_INIT_ARGS];
	int init_argc;
	const char *init_envp[MAX_INIT_ENVS + 1];
	int init_envc;

	const char *unknown[CMDLINE_MAX_UNKNOWN];	/* unknown parameters, in order */
	int nr_unknown;

	char warnings[CMDLINE_MAX_WARNINGS][CMDLINE_WARNING_LEN];
	int nr_warnings;
	int warnings_dropped;		/* warnings that did not fit */
};

/*
 * Parse @text (NULL is taken as "") into @cl, which needs no preparation.
 * Problems (bad numbers, too many init arguments, an unterminated quote...)
 * do not stop parsing; they are recorded in cl->warnings. Returns 0, or
 * -E2BIG if @text was longer than COMMAND_LINE_SIZE - 1 bytes and was cut
 * there (the result is still complete and usable).
 */
int cmdline_parse(struct cmdline *cl, const char *text);

/*
 * printk the warnings from cmdline_parse, then, if any parameter was unknown,
 * Linux's notice: Unknown kernel command line parameters "a b=c", will be
 * passed to user space.
 */
void cmdline_report(const struct cmdline *cl);

#endif
