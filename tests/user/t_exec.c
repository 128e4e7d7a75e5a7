/*
 * t_exec - execve: argv/envp/auxv as a static program sees them, #! scripts
 * with an argument, what exec keeps and resets (pid, ignored and blocked
 * signals, handlers), and the errno of failed execs (ENOENT, ENOTDIR,
 * EACCES, ENOEXEC, E2BIG, EFAULT). The program re-executes itself as the
 * helper ("--helper ..."); the helper writes "pass NAME" / "fail NAME why"
 * lines that the parent turns into TAP lines.
 */
#include "t.h"
#include <sys/auxv.h>

extern char **environ;

static int h_fail;

static void h_check(int cond, const char *name, const char *fmt, ...)
{
	char why[256] = "";
	va_list ap;

	if (!cond) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
		h_fail++;
	}
	printf("%s %s%s%s\n", cond ? "pass" : "fail", name, *why ? ": " : "", why);
}

/* Helper: argv = SELF --helper PID "a b" "" c ; envp = FOO=bar EMPTY= */
static int helper_args(int argc, char **argv)
{
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int nenv = 0;

	h_check(argc == 6, "argc", "argc %d", argc);
	h_check(argc == 6 && !strcmp(argv[3], "a b") && !strcmp(argv[4], "") && !strcmp(argv[5], "c"),
		"argv", "argv differs");
	h_check(argv[argc] == NULL, "argv-null", "argv not NULL-terminated");
	for (char **e = environ; *e; e++)
		nenv++;
	h_check(nenv == 2 && !strcmp(environ[0], "FOO=bar") && !strcmp(environ[1], "EMPTY="), "envp",
		"%d entries, first %s", nenv, nenv ? environ[0] : "-");
	h_check(getenv("FOO") && !strcmp(getenv("FOO"), "bar"), "getenv", "FOO not bar");
	h_check(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ", "%lu", getauxval(AT_PAGESZ));
	h_check(rnd != NULL, "AT_RANDOM", "null");
	h_check(execfn && !strcmp(execfn, argv[0]), "AT_EXECFN", "%s vs %s", execfn ? execfn : "null",
		argv[0]);
	h_check(getauxval(AT_PHDR) != 0 && getauxval(AT_PHENT) == 56 && getauxval(AT_PHNUM) > 0,
		"AT_PHDR", "phdr %lx phent %lu", getauxval(AT_PHDR), getauxval(AT_PHENT));
	h_check(getauxval(AT_ENTRY) != 0, "AT_ENTRY", "0");
	h_check(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
			getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid(),
		"AT_UID", "ids differ");
	h_check(getauxval(AT_SECURE) == 0, "AT_SECURE", "%lu", getauxval(AT_SECURE));
	h_check(getauxval(AT_CLKTCK) == 100, "AT_CLKTCK", "%lu", getauxval(AT_CLKTCK));
	h_check(atoi(argv[2]) == getpid(), "pid-kept", "pid %d, before exec %s", getpid(), argv[2]);
	/* the initial stack is 16-byte aligned at the entry point, so a local
	 * long double array is aligned too in a conforming start-up */
	h_check(((uintptr_t)__builtin_frame_address(0) & 15) == 0, "stack-align", "%p",
		__builtin_frame_address(0));
	return h_fail;
}

/* Helper: what exec did to the signal dispositions and the mask. */
static int helper_signals(void)
{
	struct sigaction sa;
	sigset_t mask;

	sigaction(SIGUSR1, NULL, &sa);
	h_check(sa.sa_handler == SIG_DFL, "handler-reset", "SIGUSR1 handler kept");
	sigaction(SIGUSR2, NULL, &sa);
	h_check(sa.sa_handler == SIG_IGN, "ignored-kept", "SIGUSR2 not ignored");
	sigprocmask(SIG_BLOCK, NULL, &mask);
	h_check(sigismember(&mask, SIGHUP) == 1, "mask-kept", "SIGHUP not blocked");
	h_check(sigismember(&mask, SIGUSR1) == 0, "mask-exact", "SIGUSR1 blocked");
	return h_fail;
}

static void dummy_handler(int sig)
{
}

/* Helper as a #! interpreter: argv = SELF [ARG] SCRIPT [args...] */
static int helper_shebang(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("argv%d=%s\n", i, argv[i]);
	return 0;
}

/* Run path with argv/envp in a child, stdout captured into out (NUL-ended).
 * Returns the wait status; *err = execve's errno when it failed, else 0. */
static int run(const char *path, char *const argv[], char *const envp[], char *out, size_t len,
	       int *err)
{
	int p[2], e[2], st = -1;
	pid_t pid;
	ssize_t n;

	*err = 0;
	out[0] = 0;
	if (pipe(p) || pipe2(e, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		close(e[0]);
		execve(path, argv, envp);
		int x = errno;
		write(e[1], &x, sizeof(x));
		_exit(127);
	}
	close(p[1]);
	close(e[1]);
	n = t_read_all(p[0], out, len - 1);
	out[n > 0 ? n : 0] = 0;
	if (read(e[0], err, sizeof(*err)) != sizeof(*err))
		*err = 0;
	close(p[0]);
	close(e[0]);
	waitpid(pid, &st, 0);
	return st;
}

/* Turn the helper's "pass/fail NAME why" lines into checks. */
static void report(const char *what, const char *out)
{
	char line[512];
	const char *s = out;
	int any = 0;

	while (*s) {
		size_t l = strcspn(s, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)l, s);
		s += l + (s[l] == '\n');
		if (!strncmp(line, "pass ", 5) || !strncmp(line, "fail ", 5)) {
			any = 1;
			T_OK(line[0] == 'p', "%s: %s", what, line + 5);
		}
	}
	if (!any)
		T_OK(0, "%s: helper produced results", what);
}

static void test_args(void)
{
	char out[4096], pid[16];
	int st;

	char *argv[] = { t_self, "--helper", pid, "a b", "", "c", NULL };
	char *envp[] = { "FOO=bar", "EMPTY=", NULL };
	/* the helper compares its pid with argv[2]; only the child knows its
	 * pid, so the child formats it: fork here, exec in the grandchild */
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		snprintf(pid, sizeof(pid), "%d", getpid());
		dup2(p[1], 1);
		execve(t_self, argv, envp);
		_exit(127);
	}
	close(p[1]);
	ssize_t n = t_read_all(p[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = 0;
	close(p[0]);
	waitpid(c, &st, 0);
	report("exec args", out);
	t_expect_exit(st, 0, "helper exited 0");
}

static void test_signals_across_exec(void)
{
	char out[4096];
	int st;
	char *argv[] = { t_self, "--helper-signals", NULL };
	struct sigaction sa = { .sa_handler = SIG_IGN };
	sigset_t m;
	pid_t c;
	int p[2];

	pipe(p);
	c = fork();
	if (c == 0) {
		dup2(p[1], 1);
		close(p[0]);
		sigaction(SIGUSR2, &sa, NULL);
		sa.sa_handler = dummy_handler;
		sigaction(SIGUSR1, &sa, NULL);
		sigemptyset(&m);
		sigaddset(&m, SIGHUP);
		sigprocmask(SIG_BLOCK, &m, NULL);
		execve(t_self, argv, environ);
		_exit(127);
	}
	close(p[1]);
	ssize_t n = t_read_all(p[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = 0;
	close(p[0]);
	waitpid(c, &st, 0);
	report("exec signals", out);
	t_expect_exit(st, 0, "signal helper exited 0");
}

static void test_shebang(void)
{
	char out[4096], script[1024], want[1024];
	int err, st;

	snprintf(script, sizeof(script), "#!%s --shebang-arg\nbody\n", t_self);
	t_write_file(t_path("s1"), script, strlen(script), 0755);
	char *argv[] = { "s1", "x", "y z", NULL };
	st = run(t_path("s1"), argv, environ, out, sizeof(out), &err);
	t_expect_exit(st, 0, "#! script runs its interpreter");
	snprintf(want, sizeof(want), "argv1=--shebang-arg\nargv2=%s\nargv3=x\nargv4=y z\n", t_path("s1"));
	T_OK(!strcmp(out, want), "#! interpreter gets [interp, arg, script path, args]");
	if (strcmp(out, want))
		t_say("#   got: %s", out);

	/* spaces and tabs around the interpreter and its (single) argument */
	snprintf(script, sizeof(script), "#! \t%s  one two \t\n", t_self);
	t_write_file(t_path("s2"), script, strlen(script), 0755);
	char *argv2[] = { "s2", NULL };
	st = run(t_path("s2"), argv2, environ, out, sizeof(out), &err);
	snprintf(want, sizeof(want), "argv1=one two\nargv2=%s\n", t_path("s2"));
	T_OK(t_exited(st, 0) && !strcmp(out, want), "#! line: whitespace trimmed, one argument");
	if (strcmp(out, want))
		t_say("#   got: %s", out);

	/* relative path through the current directory */
	char cwd[512];
	getcwd(cwd, sizeof(cwd));
	chdir(t_dir);
	st = run("./s2", argv2, environ, out, sizeof(out), &err);
	T_OK(t_exited(st, 0) && strstr(out, "argv2=./s2"), "exec ./script relative to the cwd");
	chdir(cwd);

	t_write_file(t_path("s3"), "#!/nonexistent/interp\n", 22, 0755);
	st = run(t_path("s3"), argv2, environ, out, sizeof(out), &err);
	T_EQ(err, ENOENT, "#! with a missing interpreter -> ENOENT");
}

static void test_errors(void)
{
	char out[256];
	char *argv[] = { "x", NULL };
	int err;

	run("/nonexistent/prog", argv, environ, out, sizeof(out), &err);
	T_EQ(err, ENOENT, "exec of a missing file -> ENOENT");
	t_write_file(t_path("plain"), "data\n", 5, 0644);
	run(t_path("plain/x"), argv, environ, out, sizeof(out), &err);
	T_EQ(err, ENOTDIR, "exec through a file as directory -> ENOTDIR");
	run(t_path("plain"), argv, environ, out, sizeof(out), &err);
	T_EQ(err, EACCES, "exec of a file without x bits -> EACCES");
	run(t_dir, argv, environ, out, sizeof(out), &err);
	T_EQ(err, EACCES, "exec of a directory -> EACCES");
	t_write_file(t_path("garbage"), "\x01\x02garbage\xff\xfe more garbage\n", 25, 0755);
	run(t_path("garbage"), argv, environ, out, sizeof(out), &err);
	T_EQ(err, ENOEXEC, "exec of garbage -> ENOEXEC");
	t_write_file(t_path("empty"), "", 0, 0755);
	run(t_path("empty"), argv, environ, out, sizeof(out), &err);
	T_EQ(err, ENOEXEC, "exec of an empty file -> ENOEXEC");
	run("", argv, environ, out, sizeof(out), &err);
	T_EQ(err, ENOENT, "exec of \"\" -> ENOENT");

	/* a single argument longer than MAX_ARG_STRLEN (32 pages) */
	size_t big = 33 * 4096;
	char *arg = malloc(big + 1);
	memset(arg, 'a', big);
	arg[big] = 0;
	char *bargv[] = { "x", arg, NULL };
	run(t_self, bargv, environ, out, sizeof(out), &err);
	T_EQ(err, E2BIG, "exec with a 132 KiB argument -> E2BIG");
	free(arg);

	T_ERRNO(t_sys(SYS_execve, T_KADDR_DIRECT, argv, environ), EFAULT, "execve with a kernel path pointer");
	T_ERRNO(t_sys(SYS_execve, t_self, T_KADDR_TEXT, environ), EFAULT, "execve with a kernel argv pointer");
	char *badv[] = { "x", (char *)T_KADDR_DIRECT, NULL };
	T_ERRNO(t_sys(SYS_execve, t_self, badv, environ), EFAULT, "execve with a kernel argv[1] pointer");
	T_ERRNO(t_sys(SYS_execve, t_self, argv, 8L), EFAULT, "execve with a bad envp pointer");
	T_OK(1, "failed execs returned to the caller");
}

static void test_own_auxv(void)
{
	T_EQ(getauxval(AT_PAGESZ), 4096, "own AT_PAGESZ is 4096");
	T_EQ(sysconf(_SC_PAGESIZE), 4096, "sysconf(_SC_PAGESIZE) is 4096");
	T_OK(getauxval(AT_RANDOM) != 0, "own AT_RANDOM is set");
	T_OK(getauxval(AT_EXECFN) != 0, "own AT_EXECFN is set");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--helper"))
		return helper_args(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "--helper-signals"))
		return helper_signals();
	if (argc >= 2 && (!strcmp(argv[1], "--shebang-arg") || !strcmp(argv[1], "one two")))
		return helper_shebang(argc, argv);
	t_init("t_exec");
	t_find_self(argv[0]);
	t_mkdir_scratch();
	test_own_auxv();
	test_args();
	test_signals_across_exec();
	test_shebang();
	test_errors();
	t_rmtree(t_dir);
	return t_done();
}
