/*
 * t_leakloop - repetition that would expose leaks: 1000 fork+exit+wait
 * (or $T_LEAK_FORKS),
 * 200 pipe+close, 200 map/touch/unmap of 1 MiB, 200 open/close; then the
 * lowest free fd and the break are where they started. (The guest runner
 * also compares MemFree before and after the whole suite.)
 */
#include "t.h"
#include <sys/mman.h>

static void test_fork_loop(int n)
{
	int bad = 0, st;
	long long t0 = t_now_ns();

	for (int i = 0; i < n; i++) {
		pid_t c = fork();
		if (c < 0) {
			t_say("#   fork %d failed: %s", i, t_errname(errno));
			bad++;
			break;
		}
		if (c == 0)
			_exit(i & 0xff);
		if (waitpid(c, &st, 0) != c || !t_exited(st, i & 0xff))
			bad++;
	}
	T_OK(bad == 0, "%d fork+exit+wait with the right statuses (%d bad, %lld ms)", n, bad,
	     (t_now_ns() - t0) / 1000000);
	T_ERRNO(wait(NULL), ECHILD, "no child left behind");
}

static void test_fd_loops(void)
{
	int first = open("/", O_RDONLY), bad = 0, p[2];

	close(first);
	for (int i = 0; i < 200; i++) {
		if (pipe(p)) {
			bad++;
			break;
		}
		write(p[1], "x", 1);
		close(p[0]);
		close(p[1]);
	}
	T_EQ(bad, 0, "200 pipe+write+close");
	for (int i = 0; i < 200; i++) {
		int fd = open("/", O_RDONLY);
		if (fd != first)
			bad++;
		close(fd);
	}
	T_EQ(bad, 0, "200 open+close always get the same fd");
	int fd = open("/", O_RDONLY);
	T_EQ(fd, first, "the lowest free fd is unchanged");
	close(fd);
}

static void test_map_loop(void)
{
	int bad = 0;
	long brk0 = t_sys(SYS_brk, 0);

	for (int i = 0; i < 200; i++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			bad++;
			break;
		}
		for (int off = 0; off < (1 << 20); off += 4096)
			p[off] = (char)i;
		if (munmap(p, 1 << 20))
			bad++;
	}
	T_EQ(bad, 0, "200 mmap+touch+munmap of 1 MiB (51200 page faults)");
	T_EQ(t_sys(SYS_brk, 0), brk0, "the break did not move");
}

int main(int argc, char **argv)
{
	t_init("t_leakloop");
	/* T_LEAK_FORKS overrides the count, to look for slower leaks */
	const char *n = getenv("T_LEAK_FORKS");
	test_fork_loop(n && atoi(n) > 0 ? atoi(n) : 1000);
	test_fd_loops();
	test_map_loop();
	return t_done();
}
