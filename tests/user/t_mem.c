/*
 * t_mem - memory: brk, anonymous private and shared mappings (shared ones
 * visible across fork, private ones copied on write), munmap and partial
 * unmaps, mprotect (a write to a read-only page kills a child with
 * SIGSEGV/SEGV_ACCERR), MAP_FIXED and MAP_FIXED_NOREPLACE, file mappings,
 * mremap, madvise(MADV_DONTNEED), big allocations, and the EINVAL/ENOMEM/
 * EBADF/EEXIST of bad arguments.
 */
#include "t.h"
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define PG 4096UL

static void *map(size_t len, int prot, int flags)
{
	return mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
}

static void test_brk(void)
{
	uintptr_t cur = t_sys(SYS_brk, 0), got;

	T_OK(cur != 0, "brk(0) returns the current break (%#lx)", (unsigned long)cur);
	got = t_sys(SYS_brk, cur + 64 * 1024);
	T_EQ(got, cur + 64 * 1024, "brk grows by 64 KiB");
	memset((void *)cur, 0x5a, 64 * 1024);
	T_EQ(((unsigned char *)cur)[65535], 0x5a, "the new heap is writable");
	got = t_sys(SYS_brk, cur + 4096);
	T_EQ(got, cur + 4096, "brk shrinks");
	got = t_sys(SYS_brk, cur + 64 * 1024);
	T_EQ(((unsigned char *)cur)[8192], 0, "memory given back and taken again reads as zero");
	T_EQ(t_sys(SYS_brk, 4096), cur + 64 * 1024, "brk below the heap start fails: returns the old break");
	t_sys(SYS_brk, cur);
}

static int touch_after_unmap(void *p)
{
	return *(volatile char *)p;
}

static int write_ro(void *p)
{
	*(volatile char *)p = 1;
	return 0;
}

static void test_anon(void)
{
	unsigned char *p = map(16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int zero = 1, st;

	if (!T_OK(p != MAP_FAILED, "mmap anonymous private 64 KiB"))
		return;
	T_EQ((uintptr_t)p % PG, 0, "page aligned");
	for (size_t i = 0; i < 16 * PG; i++)
		zero &= p[i] == 0;
	T_OK(zero, "fresh anonymous memory is zero");
	memset(p, 0x11, 16 * PG);
	pid_t c = fork();
	if (c == 0) {
		memset(p, 0x22, 16 * PG);
		_exit(p[5] == 0x22 ? 0 : 1);
	}
	waitpid(c, &st, 0);
	t_expect_exit(st, 0, "child writes its copy");
	T_EQ(p[5], 0x11, "private mapping: the parent's copy is unchanged (COW)");

	/* partial unmap splits the mapping */
	T_SYS(munmap(p + 4 * PG, PG), "munmap one page in the middle");
	p[0] = 1;
	p[5 * PG] = 2;
	T_OK(p[0] == 1 && p[5 * PG] == 2, "the pages around the hole still work");
	t_expect_signal(t_child(touch_after_unmap, p + 4 * PG), SIGSEGV, "touching the hole -> SIGSEGV");
	T_SYS(munmap(p, 16 * PG), "munmap the rest (across the hole)");
	t_expect_signal(t_child(touch_after_unmap, p), SIGSEGV, "touching unmapped memory -> SIGSEGV");
	T_SYS(munmap(p, 16 * PG), "munmap of an unmapped range succeeds");
}

static void test_shared(void)
{
	volatile int *s = map(PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	int st;

	if (!T_OK(s != MAP_FAILED, "mmap anonymous shared"))
		return;
	s[0] = 1;
	pid_t c = fork();
	if (c == 0) {
		s[0] = 42;
		s[1] = 43;
		_exit(0);
	}
	waitpid(c, &st, 0);
	T_OK(s[0] == 42 && s[1] == 43, "shared mapping: the child's writes are visible to the parent");
	munmap((void *)s, PG);
}

static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	_exit(si->si_code == SEGV_ACCERR ? 0 : 1);
}

static int write_ro_handled(void *p)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	sigaction(SIGSEGV, &sa, NULL);
	*(volatile char *)p = 1;
	return 2;
}

static void test_mprotect(void)
{
	char *p = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	p[0] = 'a';
	T_SYS(mprotect(p, PG, PROT_READ), "mprotect PROT_READ");
	T_EQ(p[0], 'a', "the page is still readable");
	t_expect_signal(t_child(write_ro, p), SIGSEGV, "a write to a PROT_READ page kills with SIGSEGV");
	t_expect_exit(t_child(write_ro_handled, p), 0, "and the handler sees SEGV_ACCERR");
	p[PG] = 'b';
	T_EQ(p[PG], 'b', "the next page is still writable");
	T_SYS(mprotect(p, PG, PROT_READ | PROT_WRITE), "mprotect back to read-write");
	p[0] = 'c';
	T_EQ(p[0], 'c', "writable again");
	T_SYS(mprotect(p + 2 * PG, PG, PROT_NONE), "mprotect PROT_NONE");
	t_expect_signal(t_child(touch_after_unmap, p + 2 * PG), SIGSEGV, "reading a PROT_NONE page -> SIGSEGV");
	T_ERRNO(t_sys(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL, "mprotect of an unaligned address");
	munmap(p, 4 * PG);
	T_ERRNO(mprotect(p, PG, PROT_READ), ENOMEM, "mprotect of an unmapped range");
}

static void test_fixed(void)
{
	char *p = map(8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), *q;

	memset(p, 7, 8 * PG);
	q = mmap(p + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (T_OK(q == p + 2 * PG, "MAP_FIXED maps exactly at the address"))
		T_OK(q[0] == 0 && q[PG] == 0 && p[PG] == 7 && p[4 * PG] == 7, "it replaced only those pages");
	q = mmap(p + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	T_OK(q == MAP_FAILED && errno == EEXIST, "MAP_FIXED_NOREPLACE over a mapping -> EEXIST");
	T_ERRNO(mmap(p + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL,
		"MAP_FIXED at an unaligned address");
	munmap(p, 8 * PG);
	/* a hint is only a hint, but a free hint is honoured */
	q = mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_OK(q == p, "a free hint address is used");
	munmap(q, PG);
}

/* Raw syscalls: libc wrappers check some of these themselves. */
static void test_errors(void)
{
	T_ERRNO(t_sys(SYS_mmap, NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL, "mmap length 0");
	T_ERRNO(t_sys(SYS_mmap, NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL, "mmap without PRIVATE or SHARED");
	T_ERRNO(t_sys(SYS_mmap, NULL, PG, PROT_READ, MAP_PRIVATE, 9999, 0), EBADF, "file mmap of a bad fd");
	int fd = open("/", O_RDONLY);
	T_ERRNO(t_sys(SYS_mmap, NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0), ENODEV, "mmap of a directory");
	close(fd);
	T_ERRNO(t_sys(SYS_mmap, NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1), EINVAL, "mmap with an unaligned offset");
	T_ERRNO(t_sys(SYS_mmap, NULL, (size_t)1 << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,
		"mmap of 4 EiB");
	T_ERRNO(t_sys(SYS_mmap, NULL, (size_t)-4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,
		"mmap of SIZE_MAX-4095 bytes");
	T_ERRNO(t_sys(SYS_munmap, (void *)0x10001, PG), EINVAL, "munmap of an unaligned address");
	T_ERRNO(t_sys(SYS_munmap, (void *)0x10000, 0), EINVAL, "munmap of length 0");
}

static void test_file_map(void)
{
	char buf[16];
	int fd = open(t_path("m"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p, *q;

	write(fd, "0123456789", 10);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!T_OK(p != MAP_FAILED, "mmap a file MAP_SHARED"))
		return;
	T_OK(!memcmp(p, "0123456789", 10) && p[10] == 0 && p[PG - 1] == 0, "file contents, zeros past EOF");
	p[0] = 'X';
	T_SYS(msync(p, PG, MS_SYNC), "msync");
	pread(fd, buf, 1, 0);
	T_EQ(buf[0], 'X', "a store through MAP_SHARED is seen by read()");
	pwrite(fd, "Y", 1, 1);
	T_EQ(p[1], 'Y', "a write() is seen through the mapping");
	q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	q[2] = 'Z';
	pread(fd, buf, 3, 0);
	T_EQ(buf[2], '2', "a store through MAP_PRIVATE stays private");
	munmap(p, PG);
	munmap(q, PG);
	int ro = open(t_path("m"), O_RDONLY);
	T_ERRNO(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES,
		"writable MAP_SHARED of a read-only fd");
	q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	T_OK(q != MAP_FAILED, "writable MAP_PRIVATE of a read-only fd is fine");
	munmap(q, PG);
	close(ro);
	close(fd);
}

static void test_remap_advise(void)
{
	char *p = map(2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), *q;

	memset(p, 9, 2 * PG);
	q = mremap(p, 2 * PG, 64 * PG, MREMAP_MAYMOVE);
	if (!T_OK(q != MAP_FAILED, "mremap grows (MREMAP_MAYMOVE)")) {
		t_say("#   errno %s", t_errname(errno));
		munmap(p, 2 * PG);
		return;
	}
	T_OK(q[0] == 9 && q[2 * PG - 1] == 9 && q[2 * PG] == 0, "contents kept, new part zero");
	T_SYS(madvise(q, 2 * PG, MADV_DONTNEED), "madvise MADV_DONTNEED");
	T_EQ(q[0], 0, "private anonymous memory reads zero after MADV_DONTNEED");
	T_ERRNO(mremap(q, 64 * PG, 128 * PG, 0x40), EINVAL, "mremap with an unknown flag");
	munmap(q, 64 * PG);
}

static void test_big(void)
{
	size_t big = 256UL << 20, touch = 32UL << 20;
	unsigned char *p = map(big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE);
	unsigned long sum = 0;

	if (!T_OK(p != MAP_FAILED, "mmap 256 MiB (untouched)"))
		return;
	for (size_t i = 0; i < touch; i += PG)
		p[i] = (unsigned char)(i >> 12);
	for (size_t i = 0; i < touch; i += PG)
		sum += p[i];
	unsigned long want = 0;
	for (size_t i = 0; i < touch; i += PG)
		want += (unsigned char)(i >> 12);
	T_EQ(sum, want, "32 MiB of it touched page by page");
	T_SYS(munmap(p, big), "munmap 256 MiB");
	char *m = malloc(16 << 20);
	T_OK(m != NULL, "malloc 16 MiB");
	memset(m, 1, 16 << 20);
	T_EQ(m[(16 << 20) - 1], 1, "all of it usable");
	free(m);
}

int main(int argc, char **argv)
{
	t_init("t_mem");
	t_mkdir_scratch();
	test_brk();
	test_anon();
	test_shared();
	test_mprotect();
	test_fixed();
	test_errors();
	test_file_map();
	test_remap_advise();
	test_big();
	t_rmtree(t_dir);
	return t_done();
}
