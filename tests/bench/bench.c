/*
 * bench - the same static micro-benchmark on Ferrite and on Linux, in the
 * same QEMU: one line per figure, "bench NAME VALUE UNIT", lower is better
 * for time units and higher for MB/s. Each figure repeats its operation,
 * doubling the count until a batch takes at least BENCH_MS (default 300)
 * milliseconds of CLOCK_MONOTONIC, so it adapts to native and emulated
 * speeds alike. Usage: bench [NOP_PATH]  (default: "nop" beside argv[0]);
 * the file figures use $BENCH_DIR or /tmp.
 * Built static with musl-gcc and gcc (tools/build-user.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long target_ns = 300000000LL;
static char nop_path[512];
static char file_path[512];

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Run op(n) with n = 1, 2, 4, ... until one batch lasts target_ns; return
 * nanoseconds per operation of that batch. */
static double measure(void (*op)(long), long start)
{
	for (long n = start;; n *= 2) {
		long long t0 = now_ns();
		op(n);
		long long dt = now_ns() - t0;
		if (dt >= target_ns || n >= (1L << 40))
			return (double)dt / n;
	}
}

static void op_getpid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
}

static int ping[2], pong[2];

static void op_pingpong(long n)
{
	char c = 'p';

	for (long i = 0; i < n; i++) {
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			die("ping-pong");
	}
}

static void pingpong_figure(void)
{
	if (pipe(ping) || pipe(pong))
		die("pipe");
	pid_t c = fork();
	if (c < 0)
		die("fork");
	if (c == 0) {
		char b;
		close(ping[1]);
		close(pong[0]);
		while (read(ping[0], &b, 1) == 1)
			write(pong[1], &b, 1);
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
	double ns = measure(op_pingpong, 16);
	close(ping[1]);
	close(pong[0]);
	waitpid(c, NULL, 0);
	printf("bench pipe_pingpong %.2f us/roundtrip\n", ns / 1000);
}

static void op_fork(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t c = fork();
		if (c < 0)
			die("fork");
		if (c == 0)
			_exit(0);
		waitpid(c, NULL, 0);
	}
}

static void op_exec(long n)
{
	char *argv[] = { nop_path, NULL };
	char *envp[] = { NULL };

	for (long i = 0; i < n; i++) {
		int st;
		pid_t c = fork();
		if (c < 0)
			die("fork");
		if (c == 0) {
			execve(nop_path, argv, envp);
			_exit(127);
		}
		waitpid(c, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "bench: %s did not run (status %#x)\n", nop_path, st);
			exit(1);
		}
	}
}

static void op_fault(long n)
{
	/* n pages, in mappings of at most 16 MiB */
	while (n > 0) {
		long pages = n < 4096 ? n : 4096;
		char *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		for (long i = 0; i < pages; i++)
			p[i * 4096] = 1;
		munmap(p, pages * 4096);
		n -= pages;
	}
}

#define FILE_SIZE (8L << 20)
#define CHUNK (64L << 10)
static char *chunk;

static void op_write_file(long n)
{
	for (long r = 0; r < n; r++) {
		int fd = open(file_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			die("open for write");
		for (long off = 0; off < FILE_SIZE; off += CHUNK)
			if (write(fd, chunk, CHUNK) != CHUNK)
				die("write");
		close(fd);
	}
}

static void op_read_file(long n)
{
	for (long r = 0; r < n; r++) {
		int fd = open(file_path, O_RDONLY);
		if (fd < 0)
			die("open for read");
		for (long off = 0; off < FILE_SIZE; off += CHUNK)
			if (read(fd, chunk, CHUNK) != CHUNK)
				die("read");
		close(fd);
	}
}

static void op_open_close(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(file_path, O_RDONLY);
		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void op_stat(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat(file_path, &st))
			die("stat");
}

int main(int argc, char **argv)
{
	const char *ms = getenv("BENCH_MS"), *dir = getenv("BENCH_DIR");
	double ns;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ms && atoi(ms) > 0)
		target_ns = atoi(ms) * 1000000LL;
	if (argc > 1) {
		snprintf(nop_path, sizeof(nop_path), "%s", argv[1]);
	} else {
		const char *slash = strrchr(argv[0], '/');
		int len = slash ? (int)(slash - argv[0] + 1) : 0;
		snprintf(nop_path, sizeof(nop_path), "%.*snop", len, argv[0]);
	}
	snprintf(file_path, sizeof(file_path), "%s/bench.%d", dir && *dir ? dir : "/tmp", (int)getpid());
	chunk = malloc(CHUNK);
	memset(chunk, 0x5a, CHUNK);

	printf("# bench: %lld ms per figure, nop = %s, file = %s\n", target_ns / 1000000, nop_path, file_path);
	ns = measure(op_getpid, 1000);
	printf("bench getpid %.1f ns/call\n", ns);
	pingpong_figure();
	ns = measure(op_fork, 4);
	printf("bench fork_exit_wait %.1f us\n", ns / 1000);
	ns = measure(op_exec, 4);
	printf("bench fork_exec_wait %.1f us\n", ns / 1000);
	ns = measure(op_fault, 256);
	printf("bench anon_page_fault %.1f ns/page\n", ns);
	ns = measure(op_write_file, 1);
	printf("bench tmpfs_write %.1f MB/s\n", FILE_SIZE / (ns / 1e9) / 1e6);
	ns = measure(op_read_file, 1);
	printf("bench tmpfs_read %.1f MB/s\n", FILE_SIZE / (ns / 1e9) / 1e6);
	ns = measure(op_open_close, 64);
	printf("bench open_close %.1f ns\n", ns);
	ns = measure(op_stat, 64);
	printf("bench stat %.1f ns\n", ns);
	unlink(file_path);
	printf("# bench: done\n");
	return 0;
}
