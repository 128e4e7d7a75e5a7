/*
 * t_exec_elf - ELF loading by execve, as Linux does it: hand-built static
 * executables (exit code, registers at the entry point, bss and the zeroed
 * tail of the last file page, data past the end of the file: mapped, SIGBUS
 * when touched), malformed headers (ENOEXEC), bad segments (the caller is
 * killed by SIGSEGV: Linux is past its point of no return), the initial
 * stack layout, NULL argv and envp, nested #! scripts and their ELOOP
 * limit, execveat (AT_EMPTY_PATH, O_PATH, dirfd, AT_SYMLINK_NOFOLLOW, bad
 * flags, an O_CLOEXEC script), vfork then exec, the argument-size limit
 * under two stack rlimits, the FPU state and comm of a new program.
 * The helper side runs when T_EXEC_ELF=<mode> is in the environment.
 */
#include "t.h"
#include <elf.h>
#include <sys/auxv.h>
#include <sys/personality.h>
#include <sys/resource.h>

extern char **environ;

#define TOP_ALIGN 4096UL
#define HM_SIZE 0x1100
#define HM_TEXT 0x400000UL
#define HM_DATA 0x601000UL
#define HM_CODE 0x100

/* Machine code (assembled with GNU as) for the hand-built programs. */
static const unsigned char code_exit42[] = {
	0xb8, 0x3c, 0, 0, 0, 0xbf, 0x2a, 0, 0, 0, 0x0f, 0x05, /* exit(42) */
};
/* exit(0) if every GPR but rsp is 0, rsp is 16-aligned and argc is 1 */
static const unsigned char code_regs[] = {
	0x48, 0x09, 0xc7, 0x48, 0x09, 0xdf, 0x48, 0x09, 0xcf, 0x48, 0x09, 0xd7, 0x48, 0x09,
	0xf7, 0x48, 0x09, 0xef, 0x4c, 0x09, 0xc7, 0x4c, 0x09, 0xcf, 0x4c, 0x09, 0xd7, 0x4c,
	0x09, 0xdf, 0x4c, 0x09, 0xe7, 0x4c, 0x09, 0xef, 0x4c, 0x09, 0xf7, 0x4c, 0x09, 0xff,
	0x31, 0xc0, 0x48, 0x85, 0xff, 0x0f, 0x95, 0xc0, 0x89, 0xc7, 0x40, 0xf6, 0xc4, 0x0f,
	0x74, 0x03, 0x83, 0xcf, 0x02, 0x48, 0x83, 0x3c, 0x24, 0x01, 0x74, 0x03, 0x83, 0xcf,
	0x04, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05,
};
/* exit(OR of the bytes at 0x601010, 0x601fff, 0x602000, 0x602fff) */
static const unsigned char code_bss[] = {
	0x0f, 0xb6, 0x3c, 0x25, 0x10, 0x10, 0x60, 0x00, 0x0f, 0xb6, 0x04, 0x25, 0xff, 0x1f,
	0x60, 0x00, 0x09, 0xc7, 0x0f, 0xb6, 0x04, 0x25, 0x00, 0x20, 0x60, 0x00, 0x09, 0xc7,
	0x0f, 0xb6, 0x04, 0x25, 0xff, 0x2f, 0x60, 0x00, 0x09, 0xc7, 0xb8, 0x3c, 0, 0, 0,
	0x0f, 0x05,
};
/* exit(byte at 0x602000) */
static const unsigned char code_read_602000[] = {
	0x0f, 0xb6, 0x3c, 0x25, 0x00, 0x20, 0x60, 0x00, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05,
};

/* A small static executable: text at 0x400000, data at 0x601000 with bss. */
struct hm {
	unsigned char buf[HM_SIZE];
	size_t len;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
};

static void hm_build(struct hm *h, const unsigned char *code, size_t n)
{
	memset(h, 0, sizeof(*h));
	h->len = HM_SIZE;
	h->eh = (Elf64_Ehdr *)h->buf;
	h->ph = (Elf64_Phdr *)(h->buf + sizeof(Elf64_Ehdr));
	memcpy(h->eh->e_ident, ELFMAG, SELFMAG);
	h->eh->e_ident[EI_CLASS] = ELFCLASS64;
	h->eh->e_ident[EI_DATA] = ELFDATA2LSB;
	h->eh->e_ident[EI_VERSION] = EV_CURRENT;
	h->eh->e_type = ET_EXEC;
	h->eh->e_machine = EM_X86_64;
	h->eh->e_version = EV_CURRENT;
	h->eh->e_entry = HM_TEXT + HM_CODE;
	h->eh->e_phoff = sizeof(Elf64_Ehdr);
	h->eh->e_ehsize = sizeof(Elf64_Ehdr);
	h->eh->e_phentsize = sizeof(Elf64_Phdr);
	h->eh->e_phnum = 3;
	h->ph[0] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, 0, HM_TEXT, HM_TEXT, 0x200, 0x200, 0x1000 };
	h->ph[1] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W, 0x1000, HM_DATA, HM_DATA, 0x10, 0x2000, 0x1000 };
	h->ph[2] = (Elf64_Phdr){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16 };
	memcpy(h->buf + HM_CODE, code, n);
	/* data: 16 bytes of 0x11, then garbage in the rest of the page the bss must hide */
	memset(h->buf + 0x1000, 0x11, 0x10);
	memset(h->buf + 0x1010, 0xaa, HM_SIZE - 0x1010);
}

/* Exec @path in a child with argv {"x"}; the wait status, *err = execve's errno (0: none). */
static int run_path(const char *path, int *err)
{
	char *argv[] = { "x", NULL };
	int e[2], st = -1;
	pid_t pid;

	*err = 0;
	if (pipe2(e, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(e[0]);
		execve(path, argv, environ);
		int x = errno;
		write(e[1], &x, sizeof(x));
		_exit(127);
	}
	close(e[1]);
	if (read(e[0], err, sizeof(*err)) != sizeof(*err))
		*err = 0;
	close(e[0]);
	waitpid(pid, &st, 0);
	return st;
}

static int run_hm(struct hm *h, const char *name, int *err)
{
	t_write_file(t_path(name), h->buf, h->len, 0755);
	return run_path(t_path(name), err);
}

static void test_handmade_run(void)
{
	struct hm h;
	int err, st;

	hm_build(&h, code_exit42, sizeof(code_exit42));
	st = run_hm(&h, "hm_exit", &err);
	t_expect_exit(st, 42, "hand-built static ELF runs");
	hm_build(&h, code_regs, sizeof(code_regs));
	st = run_hm(&h, "hm_regs", &err);
	t_expect_exit(st, 0, "entry: GPRs zero, rsp 16-aligned, [rsp] = argc");
	hm_build(&h, code_bss, sizeof(code_bss));
	st = run_hm(&h, "hm_bss", &err);
	t_expect_exit(st, 0, "bss zero, including the tail of the last file page");
	hm_build(&h, code_exit42, sizeof(code_exit42));
	h.ph[1].p_filesz = h.ph[1].p_memsz = 0x2000;	/* the file has 0x100 bytes of it */
	st = run_hm(&h, "hm_eof", &err);
	t_expect_exit(st, 42, "data past EOF is mapped (untouched: runs)");
	hm_build(&h, code_read_602000, sizeof(code_read_602000));
	h.ph[1].p_filesz = h.ph[1].p_memsz = 0x2000;
	st = run_hm(&h, "hm_eof_touch", &err);
	t_expect_signal(st, SIGBUS, "data past EOF, touched -> SIGBUS");
}

/*
 * Header damage: execve fails with ENOEXEC and the caller lives on. (A
 * wrong EI_CLASS, EI_DATA or EI_VERSION is not here: Linux's loader checks
 * only e_machine and runs such files; Ferrite refuses them.)
 */
static void test_handmade_enoexec(void)
{
	static const struct {
		const char *desc;
		int field, value;
	} cases[] = {
		{ "bad magic", 0, 0 },	{ "EM_386", 3, 0 }, { "ET_REL", 4, 0 }, { "e_phentsize 32", 5, 0 },
		{ "e_phnum 0", 6, 0 }, { "phdrs past EOF", 7, 0 }, { "truncated to 40 bytes", 8, 0 },
	};
	struct hm h;
	int err, st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hm_build(&h, code_exit42, sizeof(code_exit42));
		switch (cases[i].field) {
		case 0: h.eh->e_ident[EI_MAG1] = 'e'; break;
		case 3: h.eh->e_machine = EM_386; break;
		case 4: h.eh->e_type = ET_REL; break;
		case 5: h.eh->e_phentsize = 32; break;
		case 6: h.eh->e_phnum = 0; break;
		case 7: h.eh->e_phoff = h.len - 10; break;
		case 8: h.len = 40; break;
		}
		st = run_hm(&h, "hm_bad", &err);
		T_EQ(err, ENOEXEC, "%s -> ENOEXEC", cases[i].desc);
		(void)st;
	}
}

/* Segment damage Linux finds after its point of no return: killed by SIGSEGV. */
static void test_handmade_fatal(void)
{
	struct hm h;
	int err, st;

	hm_build(&h, code_exit42, sizeof(code_exit42));
	h.ph[0].p_vaddr = h.ph[0].p_paddr = HM_TEXT + 0x10;
	h.eh->e_entry += 0x10;
	st = run_hm(&h, "hm_f1", &err);
	T_OK(err == 0 && t_killed(st, SIGSEGV), "p_vaddr %% 4096 != p_offset %% 4096 -> SIGSEGV (%s)",
	     t_status_str(st));
	hm_build(&h, code_exit42, sizeof(code_exit42));
	h.ph[1].p_vaddr = 0xffff800000001000UL;
	st = run_hm(&h, "hm_f2", &err);
	T_OK(err == 0 && t_killed(st, SIGSEGV), "segment in kernel space -> SIGSEGV (%s)",
	     t_status_str(st));
	hm_build(&h, code_exit42, sizeof(code_exit42));
	h.ph[1].p_filesz = 0x20;
	h.ph[1].p_memsz = 0x10;
	st = run_hm(&h, "hm_f3", &err);
	T_OK(err == 0 && t_killed(st, SIGSEGV), "p_filesz > p_memsz -> SIGSEGV (%s)", t_status_str(st));
	hm_build(&h, code_exit42, sizeof(code_exit42));
	h.ph[1].p_memsz = 0x800000000000UL;
	st = run_hm(&h, "hm_f4", &err);
	T_OK(err == 0 && t_killed(st, SIGSEGV), "bss past the user half -> SIGSEGV (%s)",
	     t_status_str(st));
	hm_build(&h, code_exit42, sizeof(code_exit42));
	h.eh->e_entry = 0xffffffff81000000UL;
	st = run_hm(&h, "hm_f5", &err);
	T_OK(err == 0 && t_killed(st, SIGSEGV), "entry in kernel space -> SIGSEGV (%s)",
	     t_status_str(st));
	hm_build(&h, code_exit42, sizeof(code_exit42));
	h.ph[0].p_type = h.ph[1].p_type = PT_NOTE;
	st = run_hm(&h, "hm_f6", &err);
	T_OK(err == 0 && t_killed(st, SIGSEGV), "no PT_LOAD -> SIGSEGV (%s)", t_status_str(st));
}

/* ---- helper side ---- */

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

/* Field @n of /proc/self/stat, or 0 if there is none. */
static unsigned long stat_field(int n)
{
	char buf[2048], *p;
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	unsigned long v = 0;

	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return 0;
	buf[len] = 0;
	p = strrchr(buf, ')');
	for (int i = 2; p && i < n; i++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%lu", &v);
	return v;
}

/* The stack as Linux's create_elf_tables lays it out. */
static int helper_layout(int argc, char **argv)
{
	unsigned long execfn = getauxval(AT_EXECFN), rnd = getauxval(AT_RANDOM);
	unsigned long plat = getauxval(AT_PLATFORM), a0 = (unsigned long)argv[0];
	unsigned long *aux;
	char **envp = argv + argc + 1;
	int envc = 0, naux = 0, norand = personality(0xffffffff);
	unsigned long s;

	norand = norand == -1 || (norand & ADDR_NO_RANDOMIZE);
	while (envp[envc])
		envc++;
	aux = (unsigned long *)(envp + envc + 1);
	while (aux[2 * naux] != AT_NULL)
		naux++;
	naux++;
	h_check(((unsigned long)argv & 15) == 8, "sp-aligned", "argv at %p", (void *)argv);
	h_check(((long *)argv)[-1] == argc, "argc", "%ld", ((long *)argv)[-1]);
	h_check(execfn && (execfn + strlen((char *)execfn) + 1 + 8) % TOP_ALIGN == 0, "execfn-top",
		"%#lx", execfn);
	/* strings in order: argv, envp, then the file name */
	s = a0;
	for (int i = 0; i < argc; i++)
		s = (unsigned long)argv[i] == s ? s + strlen(argv[i]) + 1 : 0;
	for (int i = 0; i < envc; i++)
		s = (unsigned long)envp[i] == s ? s + strlen(envp[i]) + 1 : 0;
	h_check(s == execfn, "strings-contiguous", "end %#lx, execfn %#lx", s, execfn);
	h_check(plat && !strcmp((char *)plat, "x86_64"), "platform", "%s", plat ? (char *)plat : "-");
	h_check(rnd == plat - 16, "random-below-platform", "%#lx %#lx", rnd, plat);
	h_check(rnd >= (unsigned long)(aux + 2 * naux) && rnd - (unsigned long)(aux + 2 * naux) < 16,
		"auxv-under-random", "%d pairs end %p, random %#lx", naux, (void *)(aux + 2 * naux), rnd);
	if (norand) {
		h_check(execfn + strlen((char *)execfn) + 1 + 8 == 0x7ffffffff000UL, "stack-top",
			"%#lx", execfn);
		h_check(plat == (a0 & ~15UL) - 7, "platform-at", "%#lx, argv[0] %#lx", plat, a0);
	}
	h_check(getauxval(AT_BASE) == 0, "AT_BASE", "%#lx", getauxval(AT_BASE));
	h_check(getauxval(AT_FLAGS) == 0, "AT_FLAGS", "%#lx", getauxval(AT_FLAGS));
	h_check(getauxval(AT_MINSIGSTKSZ) >= 2048, "AT_MINSIGSTKSZ", "%lu", getauxval(AT_MINSIGSTKSZ));
	h_check(getauxval(AT_HWCAP) != 0, "AT_HWCAP", "0");
	if (stat_field(48)) {
		h_check(stat_field(48) == a0, "arg_start", "%#lx", stat_field(48));
		h_check(stat_field(50) == (unsigned long)envp[0], "env_start", "%#lx", stat_field(50));
		h_check(stat_field(51) == execfn, "env_end", "%#lx", stat_field(51));
	}
	return h_fail;
}

/*
 * Where the image and brk went, from the program headers at AT_PHDR: a
 * static-PIE (first PT_LOAD at 0, headers at offset 64) gets brk at
 * ELF_ET_DYN_BASE, an ET_EXEC right after its highest segment.
 */
static int helper_image(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), entry = getauxval(AT_ENTRY), lo = -1UL, hi = 0;
	unsigned long bias = 0, brk0 = stat_field(47);
	int in = 0, norand = personality(0xffffffff);

	norand = norand == -1 || (norand & ADDR_NO_RANDOMIZE);
	h_check(ph && getauxval(AT_PHENT) == sizeof(Elf64_Phdr) && n, "phdr", "AT_PHDR %p", ph);
	for (unsigned long i = 0; ph && i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		lo = ph[i].p_vaddr < lo ? ph[i].p_vaddr : lo;
		hi = ph[i].p_vaddr + ph[i].p_memsz > hi ? ph[i].p_vaddr + ph[i].p_memsz : hi;
	}
	if (lo == 0)
		bias = (unsigned long)ph - 64;
	for (unsigned long i = 0; ph && i < n; i++)
		in |= ph[i].p_type == PT_LOAD && entry - bias >= ph[i].p_vaddr &&
		      entry - bias < ph[i].p_vaddr + ph[i].p_memsz;
	h_check(in, "entry-in-text", "entry %#lx bias %#lx", entry, bias);
	if (brk0 && norand && lo == 0)
		h_check(brk0 == 0x555555555000UL, "start_brk-pie", "%#lx", brk0);
	else if (brk0 && norand)
		h_check(brk0 == ((hi + 4095) & ~4095UL), "start_brk", "%#lx, image end %#lx", brk0, hi);
	return h_fail;
}

static int helper_fpu(void)
{
	unsigned int mxcsr;
	unsigned short fcw;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	h_check(mxcsr == 0x1f80, "mxcsr", "%#x", mxcsr);
	h_check(fcw == 0x37f, "fcw", "%#x", fcw);
	return h_fail;
}

static int helper_comm(const char *want)
{
	char buf[64] = "";
	int fd = open("/proc/self/comm", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd < 0) {
		printf("skip comm: no /proc/self/comm\n");
		return 0;
	}
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	h_check(!strcmp(buf, want), "comm", "%s, want %s", buf, want);
	return h_fail;
}

static int helper_main(const char *mode, int argc, char **argv)
{
	if (!strcmp(mode, "layout"))
		return helper_layout(argc, argv) | helper_image();
	if (!strcmp(mode, "nullargv")) {
		h_check(argc == 1 && argv[0] && !argv[0][0] && !argv[1], "null-argv", "argc %d", argc);
		return h_fail;
	}
	if (!strcmp(mode, "fpu"))
		return helper_fpu();
	if (!strcmp(mode, "comm"))
		return helper_comm(getenv("T_WANT"));
	if (!strcmp(mode, "execfn")) {
		const char *fn = (const char *)getauxval(AT_EXECFN);

		h_check(fn && !strcmp(fn, getenv("T_WANT")), "execfn", "%s", fn ? fn : "-");
		return h_fail;
	}
	if (!strcmp(mode, "exit7"))
		return 7;
	if (!strcmp(mode, "args")) {
		printf("argc=%d\n", argc);
		return 0;
	}
	return 99;
}

/* ---- parent side ---- */

static void report(const char *what, const char *out)
{
	const char *s = out;
	int any = 0;

	while (*s) {
		size_t l = strcspn(s, "\n");

		if (!strncmp(s, "pass ", 5) || !strncmp(s, "fail ", 5)) {
			any = 1;
			T_OK(s[0] == 'p', "%s: %.*s", what, (int)l - 5, s + 5);
		} else if (!strncmp(s, "skip ", 5)) {
			char d[256];

			any = 1;
			snprintf(d, sizeof(d), "%s: %.*s", what, (int)l - 5, s + 5);
			t_skip(d, "not available here");
		}
		s += l + (s[l] == '\n');
	}
	if (!any)
		T_OK(0, "%s: helper produced results", what);
}

struct spawn {
	const char *path;	/* NULL: execveat(dfd, name, ..., flags) */
	int dfd, flags;
	const char *name;
	char **argv, **envp;
	int no_random;
	struct rlimit stack;	/* rlim_cur 0: leave it */
	int set_fpu;
	int use_vfork;
};

/* Run the spawn in a child; stdout in @out, the wait status returned, *err from a failed exec. */
static int spawn_run(const struct spawn *sp, char *out, size_t len, int *err)
{
	int p[2], e[2], st = -1;
	pid_t pid;
	ssize_t n;

	*err = 0;
	out[0] = 0;
	if (pipe(p) || pipe2(e, O_CLOEXEC))
		return -1;
	pid = sp->use_vfork ? vfork() : fork();
	if (pid == 0) {
		if (!sp->use_vfork) {
			dup2(p[1], 1);
			if (sp->no_random)
				personality(ADDR_NO_RANDOMIZE);
			if (sp->stack.rlim_cur)
				setrlimit(RLIMIT_STACK, &sp->stack);
			if (sp->set_fpu) {
				unsigned int m = 0x7f80;	/* round toward zero */
				unsigned short c = 0x27f;

				__asm__ volatile("ldmxcsr %0; fldcw %1" : : "m"(m), "m"(c));
			}
		}
		if (sp->path)
			execve(sp->path, sp->argv, sp->envp);
		else
			syscall(SYS_execveat, sp->dfd, sp->name, sp->argv, sp->envp, sp->flags);
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

static void test_layout(void)
{
	char out[4096];
	char *argv[] = { t_self, "a", "", "bc", NULL };
	char *envp[] = { "T_EXEC_ELF=layout", "X=1", "", NULL };
	struct spawn sp = { .path = t_self, .argv = argv, .envp = envp, .no_random = 1 };
	int err, st;

	st = spawn_run(&sp, out, sizeof(out), &err);
	report("layout", out);
	t_expect_exit(st, 0, "layout helper exited 0");
}

static void test_null_vectors(void)
{
	char out[1024];
	char *envp[] = { "T_EXEC_ELF=nullargv", NULL };
	char *argv[] = { t_self, NULL };
	struct spawn sp = { .path = t_self, .argv = NULL, .envp = envp };
	int err, st;

	st = spawn_run(&sp, out, sizeof(out), &err);
	report("NULL argv", out);
	t_expect_exit(st, 0, "NULL argv: the program gets argv {\"\", NULL}");
	/* NULL envp: no T_EXEC_ELF, so argv[0] tells the program what to check */
	sp.argv = argv;
	sp.envp = NULL;
	argv[0] = "--empty-env";
	st = spawn_run(&sp, out, sizeof(out), &err);
	t_expect_exit(st, 0, "NULL envp: an empty environment");
}

static void write_script(const char *name, const char *interp, const char *arg)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "#!%s%s%s\n", interp, arg ? " " : "", arg ? arg : "");
	t_write_file(t_path(name), buf, strlen(buf), 0755);
}

static void test_script_depth(void)
{
	char out[1024], name[16], prev[16];
	char *envp[] = { "T_EXEC_ELF=args", NULL };
	char *argv[] = { "s", "z", NULL };
	struct spawn sp = { .argv = argv, .envp = envp };
	int err, st;

	write_script("d0", t_self, NULL);
	for (int i = 1; i <= 5; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		snprintf(prev, sizeof(prev), "d%d", i - 1);
		write_script(name, t_path(prev), NULL);
	}
	sp.path = t_path("d4");		/* five scripts, then the binary */
	st = spawn_run(&sp, out, sizeof(out), &err);
	T_OK(t_exited(st, 0) && !strcmp(out, "argc=7\n"), "five nested #! scripts run");
	if (strcmp(out, "argc=7\n"))
		t_say("#   got %s", out);
	sp.path = t_path("d5");		/* six */
	st = spawn_run(&sp, out, sizeof(out), &err);
	T_EQ(err, ELOOP, "six nested #! scripts -> ELOOP");
	(void)st;
}

static void test_execveat(void)
{
	char out[1024], want[64];
	char *argv[] = { "x", NULL };
	char *envp[] = { "T_EXEC_ELF=exit7", NULL };
	char *envp_fn[] = { "T_EXEC_ELF=execfn", want, NULL };
	struct spawn sp = { .argv = argv, .envp = envp };
	int err, st, fd = open(t_self, O_RDONLY), pfd = open(t_self, O_PATH);
	int dfd = open(t_dir, O_RDONLY | O_DIRECTORY), sfd;

	sp.dfd = fd;
	sp.name = "";
	sp.flags = AT_EMPTY_PATH;
	st = spawn_run(&sp, out, sizeof(out), &err);
	t_expect_exit(st, 7, "execveat(fd, \"\", AT_EMPTY_PATH) runs the file");
	sp.envp = envp_fn;
	snprintf(want, sizeof(want), "T_WANT=/dev/fd/%d", fd);
	st = spawn_run(&sp, out, sizeof(out), &err);
	report("fexecve AT_EXECFN", out);
	sp.envp = envp;
	sp.dfd = pfd;
	st = spawn_run(&sp, out, sizeof(out), &err);
	t_expect_exit(st, 7, "execveat on an O_PATH descriptor runs the file");
	symlink(t_self, t_path("selflink"));
	sp.dfd = dfd;
	sp.name = "selflink";
	sp.flags = 0;
	st = spawn_run(&sp, out, sizeof(out), &err);
	t_expect_exit(st, 7, "execveat(dirfd, relative symlink) runs the target");
	sp.flags = AT_SYMLINK_NOFOLLOW;
	st = spawn_run(&sp, out, sizeof(out), &err);
	T_EQ(err, ELOOP, "execveat AT_SYMLINK_NOFOLLOW on a symlink -> ELOOP");
	sp.flags = 0x2;
	st = spawn_run(&sp, out, sizeof(out), &err);
	T_EQ(err, EINVAL, "execveat with an unknown flag -> EINVAL");
	sp.dfd = 9999;
	sp.flags = 0;
	st = spawn_run(&sp, out, sizeof(out), &err);
	T_EQ(err, EBADF, "execveat with a bad dirfd -> EBADF");
	write_script("cs", t_self, NULL);
	sfd = open(t_path("cs"), O_RDONLY | O_CLOEXEC);
	sp.dfd = sfd;
	sp.name = "";
	sp.flags = AT_EMPTY_PATH;
	st = spawn_run(&sp, out, sizeof(out), &err);
	T_EQ(err, ENOENT, "execveat of a script through an O_CLOEXEC fd -> ENOENT");
	close(sfd);
	close(fd);
	close(pfd);
	close(dfd);
}

static void test_vfork(void)
{
	char out[64];
	char *argv[] = { "x", NULL };
	char *envp[] = { "T_EXEC_ELF=exit7", NULL };
	struct spawn sp = { .path = t_self, .argv = argv, .envp = envp, .use_vfork = 1 };
	int err, st;

	st = spawn_run(&sp, out, sizeof(out), &err);
	t_expect_exit(st, 7, "vfork, then exec in the child");
}

/* @n arguments of @size bytes each, under a stack rlimit of @rlim bytes. */
static int big_args(int n, size_t size, rlim_t rlim, int *err)
{
	char out[64], **argv = calloc(n + 2, sizeof(char *));
	char *s = malloc(size);
	char *envp[] = { "T_EXEC_ELF=exit7", NULL };
	struct spawn sp = { .path = t_self, .argv = argv, .envp = envp,
			    .stack = { rlim, RLIM_INFINITY } };
	int st;

	memset(s, 'q', size - 1);
	s[size - 1] = 0;
	argv[0] = "x";
	for (int i = 1; i <= n; i++)
		argv[i] = s;
	st = spawn_run(&sp, out, sizeof(out), err);
	free(s);
	free(argv);
	return st;
}

static void test_arg_limits(void)
{
	int err, st;

	st = big_args(1, 131072, 8 << 20, &err);
	t_expect_exit(st, 7, "one argument of MAX_ARG_STRLEN bytes (NUL included)");
	st = big_args(1, 131073, 8 << 20, &err);
	T_EQ(err, E2BIG, "one argument one byte over MAX_ARG_STRLEN -> E2BIG");
	st = big_args(15, 100000, 8 << 20, &err);
	t_expect_exit(st, 7, "1.5 MB of arguments under an 8 MiB stack");
	st = big_args(25, 100000, 8 << 20, &err);
	T_EQ(err, E2BIG, "2.5 MB of arguments under an 8 MiB stack (limit 2 MiB) -> E2BIG");
	st = big_args(2, 100000, 1 << 20, &err);
	t_expect_exit(st, 7, "200 KB of arguments under a 1 MiB stack");
	st = big_args(3, 100000, 1 << 20, &err);
	T_EQ(err, E2BIG, "300 KB of arguments under a 1 MiB stack (limit 256 KiB) -> E2BIG");
	(void)st;
}

static void test_fpu_and_comm(void)
{
	char out[1024];
	char *argv[] = { "x", NULL };
	char *envp[] = { "T_EXEC_ELF=fpu", NULL };
	char *envp_comm[] = { "T_EXEC_ELF=comm", "T_WANT=averyveryverylo", NULL };
	struct spawn sp = { .path = t_self, .argv = argv, .envp = envp, .set_fpu = 1 };
	int err, st;

	st = spawn_run(&sp, out, sizeof(out), &err);
	report("fpu reset", out);
	t_expect_exit(st, 0, "fpu helper exited 0");
	symlink(t_self, t_path("averyveryverylongname"));
	sp.path = t_path("averyveryverylongname");
	sp.envp = envp_comm;
	sp.set_fpu = 0;
	st = spawn_run(&sp, out, sizeof(out), &err);
	report("comm", out);
	t_expect_exit(st, 0, "comm helper exited 0");
}

int main(int argc, char **argv)
{
	const char *mode = getenv("T_EXEC_ELF");

	if (mode)
		return helper_main(mode, argc, argv);
	if (argc >= 1 && !strcmp(argv[0], "--empty-env"))
		return environ[0] != NULL;
	t_init("t_exec_elf");
	t_find_self(argv[0]);
	t_mkdir_scratch();
	test_handmade_run();
	test_handmade_enoexec();
	test_handmade_fatal();
	test_layout();
	test_null_vectors();
	test_script_depth();
	test_execveat();
	test_vfork();
	test_arg_limits();
	test_fpu_and_comm();
	t_rmtree(t_dir);
	return t_done();
}
