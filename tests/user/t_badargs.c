/*
 * t_badargs - absurd arguments must give Linux's errno, never a crash or a
 * hang: kernel and non-canonical addresses as buffers (EFAULT), strings
 * running into unmapped memory, counts above SSIZE_MAX, negative lengths,
 * bad fds, unknown syscall numbers, arch_prctl with kernel addresses, and
 * execve of malformed ELF files that the test writes itself. Every expected
 * value was checked against Linux (6.x) on the development host; the calls
 * go through syscall(2) so no libc wrapper filters them first.
 */
#include "t.h"
#include <elf.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/uio.h>

#define PG 4096UL
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static void *const kaddrs[] = { T_KADDR_DIRECT, T_KADDR_TEXT, T_KADDR_NONCANON, (void *)-4096L };
static const char *const kname[] = { "direct map", "kernel text", "non-canonical", "last page" };

static void test_buffers(void)
{
	int fd = open(t_path("f"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[64];

	write(fd, "0123456789abcdef", 16);
	for (unsigned i = 0; i < sizeof(kaddrs) / sizeof(kaddrs[0]); i++) {
		void *k = kaddrs[i];
		const char *n = kname[i];
		lseek(fd, 0, SEEK_SET);
		T_ERRNO(t_sys(SYS_read, fd, k, 16), EFAULT, "read into %s", n);
		T_ERRNO(t_sys(SYS_write, fd, k, 16), EFAULT, "write from %s", n);
		T_ERRNO(t_sys(SYS_pread64, fd, k, 16, 0), EFAULT, "pread into %s", n);
		T_ERRNO(t_sys(SYS_open, k, O_RDONLY), EFAULT, "open with a path in %s", n);
		T_ERRNO(t_sys(SYS_fstat, fd, k), EFAULT, "fstat into %s", n);
		T_ERRNO(t_sys(SYS_pipe, k), EFAULT, "pipe into %s", n);
		T_ERRNO(t_sys(SYS_clock_gettime, CLOCK_REALTIME, k), EFAULT, "clock_gettime into %s", n);
		T_ERRNO(t_sys(SYS_rt_sigaction, SIGUSR1, k, NULL, 8), EFAULT, "rt_sigaction from %s", n);
		T_ERRNO(t_sys(SYS_rt_sigprocmask, SIG_BLOCK, k, NULL, 8), EFAULT, "rt_sigprocmask from %s", n);
		T_ERRNO(t_sys(SYS_nanosleep, k, NULL), EFAULT, "nanosleep from %s", n);
		T_ERRNO(t_sys(SYS_sigaltstack, k, NULL), EFAULT, "sigaltstack from %s", n);
		T_ERRNO(t_sys(SYS_getcwd, k, 256), EFAULT, "getcwd into %s", n);
		T_ERRNO(t_sys(SYS_uname, k), EFAULT, "uname into %s", n);
	}
	T_ERRNO(t_sys(SYS_read, fd, (void *)0x1000, 16), EFAULT, "read into an unmapped user page");
	lseek(fd, 0, SEEK_SET);
	T_ERRNO(t_sys(SYS_read, fd, buf, (size_t)-1), EFAULT, "read with count SIZE_MAX");
	lseek(fd, 0, SEEK_SET);
	T_ERRNO(t_sys(SYS_read, fd, buf, (size_t)INT64_MAX + 1), EFAULT, "read with count SSIZE_MAX+1");
	T_ERRNO(t_sys(SYS_write, fd, buf, (size_t)-1), EFAULT, "write with count SIZE_MAX");
	T_ERRNO(t_sys(SYS_stat, t_path("f"), T_KADDR_DIRECT), EFAULT, "stat into kernel memory");

	struct iovec kio[1] = { { T_KADDR_TEXT, 8 } };
	T_ERRNO(t_sys(SYS_writev, fd, kio, 1), EFAULT, "writev with iov_base in the kernel");
	T_ERRNO(t_sys(SYS_writev, fd, T_KADDR_DIRECT, 1), EFAULT, "writev with the iovec array in the kernel");
	struct iovec huge[1] = { { buf, (size_t)INT64_MAX + 1 } };
	T_ERRNO(t_sys(SYS_writev, fd, huge, 1), EINVAL, "writev with a negative iov_len");
	T_ERRNO(t_sys(SYS_lseek, fd, INT64_MIN, SEEK_CUR), EINVAL, "lseek by INT64_MIN");
	T_ERRNO(t_sys(SYS_ftruncate, fd, -4096L), EINVAL, "ftruncate to -4096");
	T_ERRNO(t_sys(SYS_ioctl, fd, 0x5401 /* TCGETS */, buf), ENOTTY, "TCGETS on a regular file");
	close(fd);
}

static void test_strings(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p + PG, PG);
	memset(p, 'a', PG);
	T_ERRNO(t_sys(SYS_open, p + PG - 100, O_RDONLY), EFAULT, "a path running into an unmapped page");
	T_ERRNO(t_sys(SYS_open, p, O_RDONLY), ENAMETOOLONG, "a 4096-byte path without NUL");
	T_ERRNO(t_sys(SYS_mkdir, p + PG - 10, 0755), EFAULT, "mkdir with a path running off the mapping");
	munmap(p, PG);
}

static void test_fds(void)
{
	char c;

	T_ERRNO(t_sys(SYS_read, INT32_MAX, &c, 1), EBADF, "read from fd INT_MAX");
	T_ERRNO(t_sys(SYS_read, INT32_MIN, &c, 1), EBADF, "read from fd INT_MIN");
	T_ERRNO(t_sys(SYS_close, -1), EBADF, "close(-1)");
	T_ERRNO(t_sys(SYS_dup2, 0, INT32_MAX), EBADF, "dup2 to INT_MAX");
	T_ERRNO(t_sys(SYS_fcntl, 0, F_DUPFD, INT32_MAX), EINVAL, "F_DUPFD at INT_MAX");
	T_ERRNO(t_sys(SYS_open, t_path("f"), -1, 0), ENOTDIR, "open of a file with every flag bit set (O_DIRECTORY wins)");
	T_ERRNO(t_sys(SYS_mmap, 0, PG, PROT_READ, MAP_PRIVATE, -1, 0), EBADF, "file mmap of fd -1");
}

static void test_memory(void)
{
	T_ERRNO(t_sys(SYS_mmap, T_KADDR_TEXT, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM,
		"MAP_FIXED at a kernel address");
	/* (the top of a 5-level user space, so that LA57 kernels agree) */
	T_ERRNO(t_sys(SYS_mmap, 0x00fffffffffff000UL, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		ENOMEM, "MAP_FIXED across the top of user space");
	T_ERRNO(t_sys(SYS_munmap, T_KADDR_DIRECT, PG), EINVAL, "munmap of the direct map");
	T_ERRNO(t_sys(SYS_mprotect, T_KADDR_TEXT, PG, PROT_READ | PROT_WRITE), ENOMEM, "mprotect of kernel text");
	T_ERRNO(t_sys(SYS_madvise, T_KADDR_TEXT, PG, MADV_DONTNEED), ENOMEM, "madvise of kernel text");
	T_ERRNO(t_sys(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL, "mmap length 0");
	T_ERRNO(t_sys(SYS_mmap, 0, -PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM, "mmap length -4096");
	long cur = t_sys(SYS_brk, 0);
	T_EQ(t_sys(SYS_brk, T_KADDR_TEXT), cur, "brk to a kernel address leaves the break alone");
	T_EQ(t_sys(SYS_brk, -1L), cur, "brk(-1) leaves the break alone");
}

static int arch_prctl_child(void *arg)
{
	unsigned long fs;

	if (t_sys(SYS_arch_prctl, ARCH_SET_FS, T_KADDR_TEXT) != -1 || errno != EPERM)
		return 1;
	if (t_sys(SYS_arch_prctl, ARCH_SET_FS, T_KADDR_NONCANON) != -1 || errno != EPERM)
		return 2;
	if (t_sys(SYS_arch_prctl, ARCH_GET_FS, T_KADDR_DIRECT) != -1 || errno != EFAULT)
		return 3;
	if (t_sys(SYS_arch_prctl, 0x9999, &fs) != -1 || errno != EINVAL)
		return 4;
	if (t_sys(SYS_arch_prctl, ARCH_GET_FS, &fs) != 0 || fs == 0)
		return 5;
	return 0;
}

static void test_syscalls(void)
{
	T_ERRNO(t_sys(1000), ENOSYS, "syscall 1000");
	T_ERRNO(t_sys(-1L), ENOSYS, "syscall -1");
	T_ERRNO(t_sys(0x7fffffffL), ENOSYS, "syscall 0x7fffffff");
	T_ERRNO(t_sys(SYS_kill, INT32_MIN, 0), ESRCH, "kill(INT_MIN, 0)");
	T_ERRNO(t_sys(SYS_kill, getpid(), 65), EINVAL, "kill with signal 65");
	T_ERRNO(t_sys(SYS_wait4, -1, NULL, 0x100, NULL), EINVAL, "wait4 with a bad option");
	T_ERRNO(t_sys(SYS_set_robust_list, NULL, 1), EINVAL, "set_robust_list with a bad length");
	t_expect_exit(t_child(arch_prctl_child, NULL), 0,
		      "arch_prctl: SET_FS kernel address -> EPERM, GET_FS into kernel -> EFAULT, bad code -> EINVAL");
}

/* --- malformed ELF executables -------------------------------------- */

struct img {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned char code[16];
};

static const unsigned char exit42[] = { 0xb8, 0x3c, 0, 0, 0, 0xbf, 0x2a, 0, 0, 0, 0x0f, 0x05 };

static void good_image(struct img *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->eh.e_ident, ELFMAG, SELFMAG);
	m->eh.e_ident[EI_CLASS] = ELFCLASS64;
	m->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	m->eh.e_ident[EI_VERSION] = EV_CURRENT;
	m->eh.e_type = ET_EXEC;
	m->eh.e_machine = EM_X86_64;
	m->eh.e_version = EV_CURRENT;
	m->eh.e_entry = 0x400000 + offsetof(struct img, code);
	m->eh.e_phoff = offsetof(struct img, ph);
	m->eh.e_ehsize = sizeof(Elf64_Ehdr);
	m->eh.e_phentsize = sizeof(Elf64_Phdr);
	m->eh.e_phnum = 1;
	m->ph.p_type = PT_LOAD;
	m->ph.p_flags = PF_R | PF_X;
	m->ph.p_offset = 0;
	m->ph.p_vaddr = m->ph.p_paddr = 0x400000;
	m->ph.p_filesz = m->ph.p_memsz = sizeof(*m);
	m->ph.p_align = 0x1000;
	memcpy(m->code, exit42, sizeof(exit42));
}

enum { R_ERR, R_SIG, R_EXIT };

/* Write the image (len bytes of it), exec it in a child; returns what
 * happened: execve's errno, the killing signal or the exit code. */
static char *const plain_argv[] = { "elf", NULL };
static char *const *exec_argv = plain_argv;

static int try_exec(const void *img, size_t len, int *kind)
{
	int e[2], st, err = 0;
	const char *path = t_path("elf");

	unlink(path);
	t_write_file(path, img, len, 0755);
	pipe2(e, O_CLOEXEC);
	pid_t c = fork();
	if (c == 0) {
		close(e[0]);
		t_sys(SYS_execve, path, exec_argv, NULL);
		int x = errno;
		write(e[1], &x, sizeof(x));
		_exit(127);
	}
	close(e[1]);
	if (read(e[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(e[0]);
	waitpid(c, &st, 0);
	if (err) {
		*kind = R_ERR;
		return err;
	}
	if (WIFSIGNALED(st)) {
		*kind = R_SIG;
		return WTERMSIG(st);
	}
	*kind = R_EXIT;
	return WEXITSTATUS(st);
}

static void expect(const char *desc, const struct img *m, size_t len, int kind, int val)
{
	int k, v = try_exec(m, len, &k);
	static const char *const kinds[] = { "errno", "signal", "exit" };

	char what[64];

	if (kind == R_ERR)
		snprintf(what, sizeof(what), "errno %s", t_errname(val));
	else
		snprintf(what, sizeof(what), "%s %d", kinds[kind], val);
	if (k == kind && v == val)
		return (void)T_OK(1, "ELF %s: %s", desc, what);
	T_OK(0, "ELF %s: %s", desc, what);
	t_say("#   got %s %d %s", kinds[k], v, k == R_ERR ? t_errname(v) : "");
}

static void test_elf(void)
{
	struct img m;

	good_image(&m);
	expect("well-formed (the generator works)", &m, sizeof(m), R_EXIT, 42);
	/* an argument string that runs into an unmapped page */
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + PG, PG);
	memset(p, 'a', PG);
	char *bad_argv[] = { "elf", p + PG - 50, NULL };
	exec_argv = bad_argv;
	expect("well-formed, argv[1] running off the mapping", &m, sizeof(m), R_ERR, EFAULT);
	exec_argv = plain_argv;
	munmap(p, PG);
	expect("truncated to 40 bytes", &m, 40, R_ERR, ENOEXEC);
	expect("truncated to 4 bytes (just the magic)", &m, 4, R_ERR, ENOEXEC);
	good_image(&m);
	m.eh.e_machine = EM_AARCH64;
	expect("for another machine", &m, sizeof(m), R_ERR, ENOEXEC);
	good_image(&m);
	m.eh.e_type = ET_REL;
	expect("of type ET_REL", &m, sizeof(m), R_ERR, ENOEXEC);
	good_image(&m);
	m.eh.e_phentsize = 32;
	expect("with a wrong e_phentsize", &m, sizeof(m), R_ERR, ENOEXEC);
	good_image(&m);
	m.eh.e_phnum = 0;
	expect("without program headers", &m, sizeof(m), R_ERR, ENOEXEC);
	good_image(&m);
	m.eh.e_phnum = 0xffff;
	expect("with 65535 program headers", &m, sizeof(m), R_ERR, ENOEXEC);
	good_image(&m);
	m.eh.e_phoff = 1 << 20;
	expect("with e_phoff past the end of the file", &m, sizeof(m), R_ERR, ENOEXEC);
	good_image(&m);
	m.ph.p_filesz = m.ph.p_memsz = 1 << 20;
	expect("with a segment extending past the end of the file", &m, sizeof(m), R_EXIT, 42);
	good_image(&m);
	m.ph.p_offset = 1 << 20;
	expect("with a segment entirely past the end of the file", &m, sizeof(m), R_SIG, SIGBUS);
	good_image(&m);
	m.ph.p_vaddr = 0xffffffff80000000UL;
	m.eh.e_entry = m.ph.p_vaddr + offsetof(struct img, code);
	expect("with a kernel-space segment", &m, sizeof(m), R_SIG, SIGSEGV);
	good_image(&m);
	m.ph.p_vaddr = 0x7ffffffff000UL;
	m.ph.p_memsz = 0x10000;
	expect("with a segment crossing the top of user space", &m, sizeof(m), R_SIG, SIGSEGV);
	good_image(&m);
	m.ph.p_memsz = 1UL << 46;
	expect("with a 64 TiB segment", &m, sizeof(m), R_SIG, SIGSEGV);
	good_image(&m);
	m.ph.p_filesz = m.ph.p_memsz + 4096;
	expect("with p_filesz > p_memsz", &m, sizeof(m), R_SIG, SIGSEGV);
	good_image(&m);
	m.eh.e_entry = 0x10;
	expect("with the entry point outside every segment", &m, sizeof(m), R_SIG, SIGSEGV);
	good_image(&m);
	m.ph.p_type = PT_INTERP;
	expect("whose only header is a PT_INTERP naming garbage", &m, sizeof(m), R_ERR, ENOENT);
}

int main(int argc, char **argv)
{
	t_init("t_badargs");
	t_mkdir_scratch();
	test_buffers();
	test_strings();
	test_fds();
	test_memory();
	test_syscalls();
	test_elf();
	t_rmtree(t_dir);
	return t_done();
}
