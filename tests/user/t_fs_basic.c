/*
 * t_fs_basic - file I/O: open/read/write/lseek/pread/pwrite/readv/writev,
 * the open flags (O_APPEND, O_TRUNC, O_EXCL, O_DIRECTORY, O_NOFOLLOW),
 * /dev/null and /dev/zero, and the errno values of misuse (ENOENT, EEXIST,
 * EISDIR, ENOTDIR, EBADF, EFAULT, EINVAL, ESPIPE, ELOOP, ENAMETOOLONG).
 * Works in a scratch directory under $TMPDIR or /tmp.
 */
#include "t.h"
#include <sys/uio.h>

static void test_rw(void)
{
	char buf[64];
	int fd;

	fd = T_SYS(open(t_path("f"), O_WRONLY | O_CREAT | O_TRUNC, 0644), "open O_CREAT");
	T_EQ(write(fd, "hello world", 11), 11, "write 11 bytes");
	T_EQ(write(fd, "", 0), 0, "write of 0 bytes");
	T_SYS(close(fd), "close");
	fd = T_SYS(open(t_path("f"), O_RDONLY), "open O_RDONLY");
	memset(buf, 0, sizeof(buf));
	T_EQ(read(fd, buf, sizeof(buf)), 11, "read returns the size written");
	T_OK(!memcmp(buf, "hello world", 11), "read returns the data written");
	T_EQ(read(fd, buf, sizeof(buf)), 0, "read at EOF returns 0");
	T_EQ(read(fd, buf, 0), 0, "read of 0 bytes");
	T_EQ(lseek(fd, 6, SEEK_SET), 6, "lseek SEEK_SET");
	T_EQ(read(fd, buf, 5), 5, "read after lseek");
	T_OK(!memcmp(buf, "world", 5), "read after lseek gets the right bytes");
	T_EQ(lseek(fd, -3, SEEK_CUR), 8, "lseek SEEK_CUR backwards");
	T_EQ(lseek(fd, -1, SEEK_END), 10, "lseek SEEK_END");
	T_EQ(lseek(fd, 100, SEEK_END), 111, "lseek past the end");
	T_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to a negative offset");
	T_ERRNO(lseek(fd, 0, 99), EINVAL, "lseek with a bad whence");
	T_EQ(lseek(fd, 0, SEEK_CUR), 111, "failed lseek keeps the offset");
	T_ERRNO(write(fd, "x", 1), EBADF, "write to an O_RDONLY fd");
	close(fd);
	fd = open(t_path("f"), O_WRONLY);
	T_ERRNO(read(fd, buf, 1), EBADF, "read from an O_WRONLY fd");
	/* a hole reads as zeros */
	lseek(fd, 20, SEEK_SET);
	write(fd, "Z", 1);
	close(fd);
	fd = open(t_path("f"), O_RDONLY);
	memset(buf, 'q', sizeof(buf));
	T_EQ(read(fd, buf, sizeof(buf)), 21, "file grew to 21 bytes");
	T_OK(buf[11] == 0 && buf[19] == 0 && buf[20] == 'Z', "the hole reads as zeros");
	close(fd);
}

static void test_positional(void)
{
	char buf[16];
	int fd = open(t_path("p"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	int p[2];

	write(fd, "0123456789", 10);
	lseek(fd, 2, SEEK_SET);
	T_EQ(pread(fd, buf, 3, 5), 3, "pread");
	T_OK(!memcmp(buf, "567", 3), "pread reads at the offset");
	T_EQ(pwrite(fd, "ab", 2, 8), 2, "pwrite");
	T_EQ(lseek(fd, 0, SEEK_CUR), 2, "pread/pwrite leave the offset alone");
	pread(fd, buf, 10, 0);
	T_OK(!memcmp(buf, "01234567ab", 10), "pwrite wrote at the offset");
	T_ERRNO(pread(fd, buf, 1, -1), EINVAL, "pread at a negative offset");
	T_ERRNO(pwrite(fd, buf, 1, -5), EINVAL, "pwrite at a negative offset");
	T_EQ(pread(fd, buf, 4, 100), 0, "pread past EOF returns 0");
	pipe(p);
	T_ERRNO(pread(p[0], buf, 1, 0), ESPIPE, "pread on a pipe");
	T_ERRNO(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe");
	close(p[0]);
	close(p[1]);

	struct iovec w[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	char a[2], b[4], c[8];
	struct iovec r[3] = { { a, 2 }, { b, 4 }, { c, 8 } };
	ftruncate(fd, 0);
	lseek(fd, 0, SEEK_SET);
	T_EQ(writev(fd, w, 3), 8, "writev gathers 3 buffers");
	lseek(fd, 0, SEEK_SET);
	T_EQ(readv(fd, r, 3), 8, "readv scatters");
	T_OK(!memcmp(a, "ab", 2) && !memcmp(b, "cdef", 4) && !memcmp(c, "gh", 2), "readv fills in order");
	T_EQ(writev(fd, w, 0), 0, "writev with 0 buffers");
	T_ERRNO(t_sys(SYS_writev, fd, w, -1), EINVAL, "writev with a negative count");
	T_ERRNO(t_sys(SYS_readv, fd, r, 1025), EINVAL, "readv with more than IOV_MAX buffers");
	T_EQ(pwritev(fd, w, 3, 100), 8, "pwritev");
	T_EQ(preadv(fd, r, 3, 100), 8, "preadv");
	T_OK(!memcmp(a, "ab", 2) && !memcmp(b, "cdef", 4), "preadv reads what pwritev wrote");
	close(fd);
}

static void test_flags(void)
{
	char buf[32];
	int fd;
	struct stat st;

	fd = open(t_path("ap"), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	write(fd, "one", 3);
	lseek(fd, 0, SEEK_SET);
	write(fd, "two", 3);
	T_EQ(lseek(fd, 0, SEEK_CUR), 6, "O_APPEND: offset at the end after write");
	close(fd);
	fd = open(t_path("ap"), O_RDONLY);
	T_EQ(read(fd, buf, sizeof(buf)), 6, "O_APPEND: both writes kept");
	T_OK(!memcmp(buf, "onetwo", 6), "O_APPEND: second write went to the end");
	close(fd);
	fd = open(t_path("ap"), O_RDWR | O_TRUNC);
	fstat(fd, &st);
	T_EQ(st.st_size, 0, "O_TRUNC empties the file");
	close(fd);
	T_ERRNO(open(t_path("ap"), O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST, "O_CREAT|O_EXCL on an existing file");
	fd = T_SYS(open(t_path("new"), O_RDWR | O_CREAT | O_EXCL, 0600), "O_CREAT|O_EXCL creates");
	close(fd);
	T_ERRNO(open(t_path("ap"), O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file");
	fd = T_SYS(open(t_dir, O_RDONLY | O_DIRECTORY), "O_DIRECTORY on a directory");
	T_ERRNO(read(fd, buf, 1), EISDIR, "read from a directory fd");
	close(fd);
	symlink("ap", t_path("link"));
	T_ERRNO(open(t_path("link"), O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on a symlink");
	fd = T_SYS(open(t_path("link"), O_RDONLY), "open follows a symlink");
	close(fd);
	/* umask applies to the creation mode */
	mode_t old = umask(022);
	fd = open(t_path("m"), O_WRONLY | O_CREAT, 0777);
	fstat(fd, &st);
	T_EQ(st.st_mode & 07777, 0755, "creation mode 0777 under umask 022 gives 0755");
	close(fd);
	umask(old);
	fd = open(t_path("ro"), O_WRONLY | O_CREAT, 0444);
	T_EQ(write(fd, "x", 1), 1, "a new 0444 file is writable through the creating fd");
	close(fd);
}

static void test_errors(void)
{
	char buf[8];
	char longname[300], longpath[5000];

	T_ERRNO(open(t_path("missing"), O_RDONLY), ENOENT, "open of a missing file");
	T_ERRNO(open(t_path("nodir/f"), O_RDONLY | O_CREAT, 0644), ENOENT, "O_CREAT in a missing directory");
	T_ERRNO(open(t_path("f/x"), O_RDONLY), ENOTDIR, "a file used as a directory");
	T_ERRNO(open(t_path("f/"), O_RDONLY), ENOTDIR, "a file with a trailing slash");
	T_ERRNO(open(t_dir, O_WRONLY), EISDIR, "directory opened O_WRONLY");
	T_ERRNO(open(t_dir, O_RDWR), EISDIR, "directory opened O_RDWR");
	T_ERRNO(open("", O_RDONLY), ENOENT, "open(\"\")");
	T_ERRNO(read(-1, buf, 1), EBADF, "read(-1)");
	T_ERRNO(write(9999, buf, 1), EBADF, "write to an unused fd");
	T_ERRNO(close(9999), EBADF, "close of an unused fd");
	T_ERRNO(t_sys(SYS_open, NULL, O_RDONLY), EFAULT, "open(NULL)");
	int fd = open(t_path("f"), O_RDWR);
	T_ERRNO(t_sys(SYS_read, fd, (void *)1, 4), EFAULT, "read into address 1");
	T_ERRNO(t_sys(SYS_write, fd, NULL, 4), EFAULT, "write from NULL");
	close(fd);
	memset(longname, 'n', 299);
	longname[299] = 0;
	T_ERRNO(open(t_path(longname), O_RDONLY | O_CREAT, 0644), ENAMETOOLONG, "a 299-byte name");
	memset(longpath, 0, sizeof(longpath));
	for (int i = 0; i < 4900; i += 2)
		memcpy(longpath + i, "/.", 2);
	T_ERRNO(open(longpath, O_RDONLY), ENAMETOOLONG, "a path longer than PATH_MAX");
	T_ERRNO(t_sys(SYS_open, t_path("f"), O_RDONLY | O_CREAT | O_DIRECTORY, 0644), EINVAL,
		"O_CREAT|O_DIRECTORY");
}

static void test_devices(void)
{
	char buf[64];
	int fd;

	fd = open("/dev/null", O_RDWR);
	if (!T_OK(fd >= 0, "open /dev/null"))
		return;
	T_EQ(write(fd, "abc", 3), 3, "write to /dev/null");
	T_EQ(read(fd, buf, sizeof(buf)), 0, "read from /dev/null is EOF");
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	if (!T_OK(fd >= 0, "open /dev/zero"))
		return;
	memset(buf, 1, sizeof(buf));
	T_EQ(read(fd, buf, sizeof(buf)), sizeof(buf), "read from /dev/zero");
	int zero = 1;
	for (unsigned i = 0; i < sizeof(buf); i++)
		zero &= buf[i] == 0;
	T_OK(zero, "/dev/zero gives zeros");
	close(fd);
}

static void test_big(void)
{
	size_t len = 1 << 20;
	unsigned char *w = malloc(len), *r = malloc(len);
	int fd = open(t_path("big"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct stat st;

	for (size_t i = 0; i < len; i++)
		w[i] = (unsigned char)(i * 7 + (i >> 12));
	T_EQ(write(fd, w, len), len, "write 1 MiB in one call");
	fstat(fd, &st);
	T_EQ(st.st_size, len, "size is 1 MiB");
	lseek(fd, 0, SEEK_SET);
	T_EQ(t_read_all(fd, r, len), len, "read 1 MiB back");
	T_OK(!memcmp(w, r, len), "1 MiB round trip is exact");
	/* unaligned offsets across page boundaries */
	T_EQ(pread(fd, r, 10000, 4090), 10000, "pread across page boundaries");
	T_OK(!memcmp(w + 4090, r, 10000), "pread across pages returns the right bytes");
	close(fd);
	unlink(t_path("big"));
	free(w);
	free(r);
}

static void test_fd_numbers(void)
{
	int a = open(t_path("f"), O_RDONLY);
	int b = open(t_path("f"), O_RDONLY);

	T_OK(b > a, "fds are allocated upwards");
	close(a);
	int c = open(t_path("f"), O_RDONLY);
	T_EQ(c, a, "open reuses the lowest free fd");
	close(b);
	close(c);
	int dfd = open(t_dir, O_RDONLY | O_DIRECTORY);
	int f = openat(dfd, "f", O_RDONLY);
	T_OK(f >= 0, "openat relative to a directory fd");
	close(f);
	T_ERRNO(openat(9999, "f", O_RDONLY), EBADF, "openat with a bad dirfd");
	int file = open(t_path("f"), O_RDONLY);
	T_ERRNO(openat(file, "f", O_RDONLY), ENOTDIR, "openat relative to a file fd");
	f = openat(9999, t_path("f"), O_RDONLY);
	T_OK(f >= 0, "openat with an absolute path ignores dirfd");
	close(f);
	close(file);
	close(dfd);
}

int main(int argc, char **argv)
{
	t_init("t_fs_basic");
	t_mkdir_scratch();
	test_rw();
	test_positional();
	test_flags();
	test_errors();
	test_devices();
	test_big();
	test_fd_numbers();
	t_rmtree(t_dir);
	return t_done();
}
