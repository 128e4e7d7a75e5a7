// host-test-sources: fs/pagetree.c fs/tmpfs_opts.c fs/inode.c fs/dcache.c fs/mount.c fs/namei.c fs/file.c fs/libfs.c fs/open.c fs/chrdev.c fs/tmpfs.c fs/devtmpfs.c fs/namespace_ops.c fs/attr.c tests/host/shim_vfs.c tests/host/shim_lib.c
/*
 * Host tests of the VFS, tmpfs and the file-system system calls, called
 * directly as functions with host memory standing for user memory (the
 * shim faults addresses below 64 KiB). The system-call files are compiled
 * into this file so their static handlers can be called. Each test works
 * in its own directory; the shim aborts on lock misuse (a user copy or a
 * mutex under a spinlock, recursion), ASan catches memory errors, and the
 * last test checks that every page came back.
 */
#define _POSIX_C_SOURCE 200809L	/* keep glibc's struct timeval and sigset_t out */
#include "htest.h"
#include "shim_vfs.h"
#include <ferrite/fs.h>
#include <linux/magic.h>

#include "../../fs/locks.c"
#include "../../fs/sys_attr.c"
#include "../../fs/sys_fd.c"
#include "../../fs/sys_misc.c"
#include "../../fs/sys_mount.c"
#include "../../fs/sys_namei.c"
#include "../../fs/sys_open.c"
#include "../../fs/sys_rw.c"
#include "../../fs/sys_stat.c"

#define BAD ((void *)0x10)

static long base_pages = -1;

/* Boot the VFS once and give the fake process a table and a context. */
static void setup(void)
{
	if (shim_proc.fs)
		return;
	shim_task.proc = &shim_proc;
	shim_proc.pid = 42;
	shim_proc.rlim[RLIMIT_NOFILE].rlim_cur = 64;
	shim_proc.rlim[RLIMIT_FSIZE].rlim_cur = RLIM_INFINITY;
	vfs_init();
	shim_proc.files = files_create();
	shim_proc.fs = fs_context_create_root();
	base_pages = shim_pages_live;
}

static void be_user(int uid)
{
	shim_proc.uid = shim_proc.euid = shim_proc.fsuid = uid;
	shim_proc.gid = shim_proc.egid = shim_proc.fsgid = uid;
}

HTEST(open_write_read_seek)
{
	char buf[16] = { 0 };
	int fd;

	setup();
	fd = (int)sys_open("/t1", O_CREAT | O_RDWR, 0644);
	EXPECT_EQ(fd, 0);
	EXPECT_EQ(sys_write(fd, "hello", 5), 5);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_CUR), 5);
	EXPECT_EQ(sys_lseek(fd, -6, SEEK_CUR), -EINVAL);
	EXPECT_EQ(sys_lseek(fd, 0, 7), -EINVAL);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 5);
	EXPECT_STREQ(buf, "hello");
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 0);
	EXPECT_EQ(sys_pread64(fd, buf, 3, 1), 3);
	EXPECT(!memcmp(buf, "ell", 3));
	EXPECT_EQ(sys_pread64(fd, buf, 3, -1), -EINVAL);
	EXPECT_EQ(sys_pwrite64(fd, "XY", 2, 10), 2);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_END), 12);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_DATA), 0);
	EXPECT_EQ(sys_lseek(fd, 3, SEEK_HOLE), 12);
	EXPECT_EQ(sys_lseek(fd, 12, SEEK_DATA), -ENXIO);
	EXPECT_EQ(sys_pread64(fd, buf, 12, 0), 12);
	EXPECT(!memcmp(buf, "hello\0\0\0\0\0XY", 12));
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_close(fd), -EBADF);
	EXPECT_EQ(sys_read(fd, buf, 1), -EBADF);
	fd = (int)sys_open("/t1", O_RDONLY, 0);
	EXPECT_EQ(sys_write(fd, "x", 1), -EBADF);
	EXPECT_EQ(sys_close(fd), 0);
	fd = (int)sys_open("/t1", O_WRONLY | O_APPEND, 0);
	EXPECT_EQ(sys_read(fd, buf, 1), -EBADF);
	EXPECT_EQ(sys_write(fd, "!", 1), 1);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_CUR), 13);
	EXPECT_EQ(sys_fcntl(fd, F_GETFL, 0), O_WRONLY | O_APPEND | O_LARGEFILE);
	EXPECT_EQ(sys_fcntl(fd, F_SETFL, 0), 0);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(sys_write(fd, "H", 1), 1);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_open("/t1", O_RDONLY | O_CREAT | O_EXCL, 0600), -EEXIST);
	EXPECT_EQ(sys_open("/t1/x", O_RDONLY, 0), -ENOTDIR);
	EXPECT_EQ(sys_open("/nonexistent/x", O_RDONLY | O_CREAT, 0600), -ENOENT);
	EXPECT_EQ(sys_open("", O_RDONLY, 0), -ENOENT);
	EXPECT_EQ(sys_open("/", O_RDWR, 0), -EISDIR);
	EXPECT_EQ(sys_unlink("/t1"), 0);
}

HTEST(bad_user_pointers_are_efault)
{
	int fd;
	struct iovec iov = { BAD, 4 };

	setup();
	fd = (int)sys_open("/t2", O_CREAT | O_RDWR, 0644);
	EXPECT(fd >= 0);
	EXPECT_EQ(sys_write(fd, BAD, 4), -EFAULT);
	EXPECT_EQ(sys_write(fd, "abcd", 4), 4);
	EXPECT_EQ(sys_pread64(fd, BAD, 4, 0), -EFAULT);
	EXPECT_EQ(sys_readv(fd, BAD, 1), -EFAULT);
	EXPECT_EQ(sys_preadv(fd, &iov, 1, 0), -EFAULT);
	EXPECT_EQ(sys_readv(fd, &iov, -1), -EINVAL);
	EXPECT_EQ(sys_readv(fd, &iov, 1025), -EINVAL);
	EXPECT_EQ(sys_open(BAD, O_RDONLY, 0), -EFAULT);
	EXPECT_EQ(sys_stat("/t2", BAD), -EFAULT);
	EXPECT_EQ(sys_fstat(fd, BAD), -EFAULT);
	EXPECT_EQ(sys_getdents64(fd, BAD, 100), -ENOTDIR);
	EXPECT_EQ(sys_getcwd(BAD, 100), -EFAULT);
	EXPECT_EQ(sys_mkdir(BAD, 0755), -EFAULT);
	EXPECT_EQ(sys_rename("/t2", BAD), -EFAULT);
	EXPECT_EQ(sys_fcntl(fd, F_SETLK, 0x10), -EFAULT);
	EXPECT_EQ(sys_ioctl(fd, FIONBIO, 0x10), -EFAULT);
	EXPECT_EQ(sys_ioctl(fd, 0x5401 /* TCGETS */, 0), -ENOTTY);
	EXPECT_EQ(sys_utimensat(AT_FDCWD, "/t2", BAD, 0), -EFAULT);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_unlink("/t2"), 0);
}

HTEST(long_names_and_paths)
{
	char *p = malloc(FS_PATH_MAX + 16);
	struct stat st;

	setup();
	p[0] = '/';
	memset(p + 1, 'a', 256);
	p[257] = '\0';
	EXPECT_EQ(sys_mkdir(p, 0755), -ENAMETOOLONG);
	p[256] = '\0';
	EXPECT_EQ(sys_mkdir(p, 0755), 0);
	EXPECT_EQ(sys_rmdir(p), 0);
	memset(p, '/', FS_PATH_MAX + 8);
	p[FS_PATH_MAX + 8] = '\0';
	EXPECT_EQ(sys_stat(p, &st), -ENAMETOOLONG);
	p[FS_PATH_MAX - 1] = '\0';	/* 4095 slashes name the root */
	EXPECT_EQ(sys_stat(p, &st), 0);
	EXPECT_EQ(st.st_ino, 1);
	free(p);
}

HTEST(descriptor_table)
{
	int fd, n = 0;

	setup();
	fd = (int)sys_open("/", O_RDONLY | O_DIRECTORY, 0);
	EXPECT_EQ(fd, 0);
	EXPECT_EQ(sys_dup(fd), 1);
	EXPECT_EQ(sys_dup2(0, 5), 5);
	EXPECT_EQ(sys_dup2(5, 5), 5);
	EXPECT_EQ(sys_dup2(9, 9), -EBADF);
	EXPECT_EQ(sys_dup3(5, 5, 0), -EINVAL);
	EXPECT_EQ(sys_dup3(5, 6, O_CLOEXEC), 6);
	EXPECT_EQ(sys_fcntl(6, F_GETFD, 0), FD_CLOEXEC);
	EXPECT_EQ(sys_fcntl(5, F_GETFD, 0), 0);
	EXPECT_EQ(sys_fcntl(0, F_DUPFD, 20), 20);
	EXPECT_EQ(sys_fcntl(0, F_DUPFD_CLOEXEC, 20), 21);
	EXPECT_EQ(sys_fcntl(0, F_DUPFD, 64), -EINVAL);
	EXPECT_EQ(sys_dup2(0, 64), -EBADF);
	EXPECT_EQ(sys_ioctl(5, FIOCLEX, 0), 0);
	EXPECT_EQ(sys_fcntl(5, F_GETFD, 0), FD_CLOEXEC);
	files_close_on_exec(shim_proc.files);
	EXPECT_EQ(sys_fcntl(5, F_GETFD, 0), -EBADF);
	EXPECT_EQ(sys_fcntl(6, F_GETFD, 0), -EBADF);
	EXPECT_EQ(sys_fcntl(21, F_GETFD, 0), -EBADF);
	EXPECT_EQ(sys_fcntl(20, F_GETFD, 0), 0);
	/* Up to RLIMIT_NOFILE (64), then EMFILE. */
	for (;;) {
		int r = (int)sys_dup(0);

		if (r < 0) {
			EXPECT_EQ(r, -EMFILE);
			break;
		}
		n++;
		EXPECT(n < 70);
	}
	EXPECT_EQ(n, 64 - 3);
	EXPECT_EQ(files_max_fd(shim_proc.files), 64);
	EXPECT_EQ(sys_close_range(2, ~0u, 0), 0);
	EXPECT_EQ(files_max_fd(shim_proc.files), 2);
	EXPECT_EQ(sys_close(0), 0);
	EXPECT_EQ(sys_close(1), 0);
	EXPECT_EQ(files_max_fd(shim_proc.files), 0);
}

/* The names and types of a directory's entries as "name:type," (dots left out). */
static void list_names(const char *path, char *out, size_t size)
{
	char buf[100];
	int fd = (int)sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	long n;

	out[0] = '\0';
	while ((n = sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			const char *name = buf + off + 19;
			unsigned char type = (unsigned char)buf[off + 18];

			if (strcmp(name, ".") && strcmp(name, ".."))
				snprintf(out + strlen(out), size - strlen(out), "%s:%u,", name,
					 type);
			off += *(unsigned short *)(buf + off + 16);
		}
	}
	sys_close(fd);
}

HTEST(getdents_names_types_and_eof)
{
	char names[256];
	char tiny[8];
	int fd;

	setup();
	EXPECT_EQ(sys_mkdir("/t3", 0755), 0);
	EXPECT_EQ(sys_mkdir("/t3/sub", 0755), 0);
	EXPECT_EQ(sys_close((int)sys_creat("/t3/file", 0644)), 0);
	EXPECT_EQ(sys_symlink("file", "/t3/link"), 0);
	EXPECT_EQ(sys_mknod("/t3/fifo", S_IFIFO | 0644, 0), 0);
	list_names("/t3", names, sizeof(names));
	EXPECT_STREQ(names, "sub:4,file:8,link:10,fifo:1,");
	fd = (int)sys_open("/t3", O_RDONLY | O_DIRECTORY, 0);
	EXPECT_EQ(sys_getdents64(fd, tiny, sizeof(tiny)), -EINVAL);
	EXPECT_EQ(sys_read(fd, tiny, 1), -EISDIR);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_END), -EINVAL);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_rmdir("/t3"), -ENOTEMPTY);
	EXPECT_EQ(sys_unlinkat(AT_FDCWD, "/t3/sub", 0), -EISDIR);
	EXPECT_EQ(sys_unlinkat(AT_FDCWD, "/t3/sub", AT_REMOVEDIR), 0);
	EXPECT_EQ(sys_unlinkat(AT_FDCWD, "/t3/file", AT_REMOVEDIR), -ENOTDIR);
	EXPECT_EQ(sys_unlinkat(AT_FDCWD, "/t3/file", 0x1), -EINVAL);
	EXPECT_EQ(sys_unlink("/t3/file"), 0);
	EXPECT_EQ(sys_unlink("/t3/link"), 0);
	EXPECT_EQ(sys_unlink("/t3/fifo"), 0);
	EXPECT_EQ(sys_rmdir("/t3"), 0);
}

HTEST(stat_family)
{
	struct stat st, st2;
	struct statx sx;
	int fd;

	setup();
	EXPECT_EQ(sys_mkdir("/t4", 0755), 0);
	fd = (int)sys_open("/t4/f", O_CREAT | O_WRONLY, 0640);
	EXPECT_EQ(sys_write(fd, "12345", 5), 5);
	EXPECT_EQ(sys_symlink("f", "/t4/l"), 0);
	EXPECT_EQ(sys_stat("/t4/l", &st), 0);
	EXPECT(S_ISREG(st.st_mode));
	EXPECT_EQ(st.st_size, 5);
	EXPECT_EQ(st.st_blocks, 8);
	EXPECT_EQ(st.st_blksize, 4096);
	EXPECT_EQ(sys_lstat("/t4/l", &st2), 0);
	EXPECT(S_ISLNK(st2.st_mode));
	EXPECT_EQ(st2.st_size, 1);
	EXPECT_EQ(sys_fstat(fd, &st2), 0);
	EXPECT_EQ(st2.st_ino, st.st_ino);
	EXPECT_EQ(sys_newfstatat(fd, "", &st2, AT_EMPTY_PATH), 0);
	EXPECT_EQ(st2.st_ino, st.st_ino);
	EXPECT_EQ(sys_newfstatat(fd, "", &st2, 0), -ENOENT);
	EXPECT_EQ(sys_newfstatat(fd, "x", &st2, 0), -ENOTDIR);
	EXPECT_EQ(sys_newfstatat(AT_FDCWD, "/t4/l", &st2, AT_SYMLINK_NOFOLLOW), 0);
	EXPECT(S_ISLNK(st2.st_mode));
	EXPECT_EQ(sys_newfstatat(AT_FDCWD, "/t4/l", &st2, 0x8000000), -EINVAL);
	EXPECT_EQ(sys_statx(AT_FDCWD, "/t4/f", 0, STATX_BASIC_STATS, &sx), 0);
	EXPECT_EQ(sx.stx_size, 5);
	EXPECT_EQ(sx.stx_ino, st.st_ino);
	EXPECT_EQ(sx.stx_mode, S_IFREG | 0640);
	EXPECT(sx.stx_mask & STATX_BASIC_STATS);
	EXPECT_EQ(sys_statx(fd, NULL, AT_EMPTY_PATH, STATX_BASIC_STATS, &sx), 0);
	EXPECT_EQ(sx.stx_ino, st.st_ino);
	EXPECT_EQ(sys_statx(AT_FDCWD, "/t4/f", AT_STATX_SYNC_TYPE, 0, &sx), -EINVAL);
	EXPECT_EQ(sys_access("/t4/f", 4 | 2), 0);
	EXPECT_EQ(sys_access("/t4/f", 1), -EACCES);	/* root too needs an x bit */
	EXPECT_EQ(sys_access("/t4", 1), 0);
	EXPECT_EQ(sys_access("/t4/f", 8), -EINVAL);
	EXPECT_EQ(sys_access("/t4/nope", 0), -ENOENT);
	be_user(1000);
	EXPECT_EQ(sys_access("/t4/f", 4), -EACCES);
	EXPECT_EQ(sys_faccessat2(AT_FDCWD, "/t4/f", 0, AT_EACCESS), 0);
	be_user(0);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_unlink("/t4/l"), 0);
	EXPECT_EQ(sys_unlink("/t4/f"), 0);
	EXPECT_EQ(sys_rmdir("/t4"), 0);
}

HTEST(readlink_and_symlink_walks)
{
	char buf[64];
	struct stat st;
	int fd;

	setup();
	EXPECT_EQ(sys_mkdir("/t5", 0755), 0);
	EXPECT_EQ(sys_mkdir("/t5/d", 0755), 0);
	EXPECT_EQ(sys_symlink("/t5/d", "/t5/abs"), 0);
	EXPECT_EQ(sys_symlink("../t5/d/", "/t5/rel"), 0);
	EXPECT_EQ(sys_symlink("self", "/t5/self"), 0);
	EXPECT_EQ(sys_readlink("/t5/rel", buf, sizeof(buf)), 8);
	EXPECT(!memcmp(buf, "../t5/d/", 8));
	EXPECT_EQ(sys_readlink("/t5/rel", buf, 3), 3);
	EXPECT_EQ(sys_readlink("/t5/rel", buf, 0), -EINVAL);
	EXPECT_EQ(sys_readlink("/t5/d", buf, 10), -EINVAL);
	EXPECT_EQ(sys_readlink("", buf, 10), -ENOENT);
	EXPECT_EQ(sys_stat("/t5/rel/../abs/../rel", &st), 0);
	EXPECT(S_ISDIR(st.st_mode));
	EXPECT_EQ(sys_stat("/t5/self", &st), -ELOOP);
	EXPECT_EQ(sys_mkdir("/t5/abs/new", 0755), 0);
	EXPECT_EQ(sys_stat("/t5/d/new", &st), 0);
	EXPECT_EQ(sys_mkdir("/t5/abs", 0755), -EEXIST);
	fd = (int)sys_open("/t5/abs", O_PATH | O_NOFOLLOW, 0);
	EXPECT(fd >= 0);
	EXPECT_EQ(sys_readlinkat(fd, "", buf, sizeof(buf)), 5);
	EXPECT_EQ(sys_read(fd, buf, 1), -EBADF);
	EXPECT_EQ(sys_fcntl(fd, F_GETFL, 0), O_PATH | O_NOFOLLOW);
	EXPECT_EQ(sys_fcntl(fd, F_SETFL, O_APPEND), -EBADF);
	EXPECT_EQ(sys_close(fd), 0);
	/* A relative walk from a directory descriptor. */
	fd = (int)sys_open("/t5/d", O_RDONLY | O_DIRECTORY, 0);
	EXPECT_EQ(sys_newfstatat(fd, "new", &st, 0), 0);
	EXPECT_EQ(sys_mkdirat(fd, "new2", 0700), 0);
	EXPECT_EQ(sys_unlinkat(fd, "new2", AT_REMOVEDIR), 0);
	EXPECT_EQ(sys_unlinkat(fd, "new", AT_REMOVEDIR), 0);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_newfstatat(99, "x", &st, 0), -EBADF);
	EXPECT_EQ(sys_unlink("/t5/abs"), 0);
	EXPECT_EQ(sys_unlink("/t5/rel"), 0);
	EXPECT_EQ(sys_unlink("/t5/self"), 0);
	EXPECT_EQ(sys_rmdir("/t5/d"), 0);
	EXPECT_EQ(sys_rmdir("/t5"), 0);
}

HTEST(rename_and_link_syscalls)
{
	struct stat st;
	char buf[4] = { 0 };
	int fd;

	setup();
	EXPECT_EQ(sys_mkdir("/t6", 0755), 0);
	fd = (int)sys_creat("/t6/a", 0644);
	EXPECT_EQ(sys_write(fd, "A", 1), 1);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_link("/t6/a", "/t6/b"), 0);
	EXPECT_EQ(sys_rename("/t6/a", "/t6/b"), 0);	/* same inode: nothing happens */
	EXPECT_EQ(sys_stat("/t6/a", &st), 0);
	EXPECT_EQ(st.st_nlink, 2);
	EXPECT_EQ(sys_renameat2(AT_FDCWD, "/t6/a", AT_FDCWD, "/t6/c", RENAME_NOREPLACE), 0);
	EXPECT_EQ(sys_renameat2(AT_FDCWD, "/t6/c", AT_FDCWD, "/t6/b",
				RENAME_NOREPLACE | RENAME_EXCHANGE), -EINVAL);
	EXPECT_EQ(sys_renameat2(AT_FDCWD, "/t6/c", AT_FDCWD, "/t6/x", RENAME_EXCHANGE), -ENOENT);
	EXPECT_EQ(sys_renameat2(AT_FDCWD, "/t6/c", AT_FDCWD, "/t6/x", 8), -EINVAL);
	EXPECT_EQ(sys_rename("/t6/c", "/t6"), -ENOTEMPTY);	/* the target holds the source */
	EXPECT_EQ(sys_renameat2(AT_FDCWD, "/t6/c", AT_FDCWD, "/t6", RENAME_EXCHANGE), -EINVAL);
	EXPECT_EQ(sys_rename("/t6", "/t6/c/x"), -ENOTDIR);
	EXPECT_EQ(sys_rename("/", "/t6/x"), -EBUSY);
	fd = (int)sys_open("/t6/c", O_RDONLY, 0);
	EXPECT_EQ(sys_read(fd, buf, 1), 1);
	EXPECT_EQ(buf[0], 'A');
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_linkat(AT_FDCWD, "/t6/c", AT_FDCWD, "/t6/d", 0x1), -EINVAL);
	fd = (int)sys_open("/t6/c", O_RDONLY, 0);
	EXPECT_EQ(sys_linkat(fd, "", AT_FDCWD, "/t6/d", AT_EMPTY_PATH), 0);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_stat("/t6/d", &st), 0);
	EXPECT_EQ(st.st_nlink, 3);
	EXPECT_EQ(sys_unlink("/t6/b"), 0);
	EXPECT_EQ(sys_unlink("/t6/c"), 0);
	EXPECT_EQ(sys_unlink("/t6/d"), 0);
	EXPECT_EQ(sys_rmdir("/t6"), 0);
}

HTEST(modes_owners_umask_times)
{
	struct stat st;
	struct __kernel_timespec ts[2] = { { 100, 5 }, { 0, UTIME_OMIT } };
	int fd;

	setup();
	EXPECT_EQ(sys_umask(077), 022);
	EXPECT_EQ(sys_mkdir("/t7", 0777), 0);
	EXPECT_EQ(sys_stat("/t7", &st), 0);
	EXPECT_EQ(st.st_mode, S_IFDIR | 0700);
	EXPECT_EQ(sys_umask(022), 077);
	EXPECT_EQ(sys_chmod("/t7", 01777), 0);
	fd = (int)sys_open("/t7/f", O_CREAT | O_WRONLY, 06755);
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_mode, S_IFREG | 06755);
	EXPECT_EQ(sys_fchown(fd, 1000, 1000), 0);
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_uid, 1000);
	EXPECT_EQ(st.st_mode, S_IFREG | 0755);	/* chown drops set-id bits */
	EXPECT_EQ(sys_utimensat(AT_FDCWD, "/t7/f", ts, 0), 0);
	EXPECT_EQ(sys_stat("/t7/f", &st), 0);
	EXPECT_EQ(st.st_atime, 100);
	EXPECT_EQ(st.st_atime_nsec, 5);
	EXPECT(st.st_mtime > 1000);
	ts[0].tv_nsec = 1000000000;
	EXPECT_EQ(sys_utimensat(AT_FDCWD, "/t7/f", ts, 0), -EINVAL);
	be_user(1001);
	EXPECT_EQ(sys_chmod("/t7/f", 0777), -EPERM);
	EXPECT_EQ(sys_chown("/t7/f", 1001, -1), -EPERM);
	EXPECT_EQ(sys_utimensat(AT_FDCWD, "/t7/f", NULL, 0), -EACCES);
	ts[0].tv_nsec = 0;
	EXPECT_EQ(sys_utimensat(AT_FDCWD, "/t7/f", ts, 0), -EPERM);
	be_user(1000);
	EXPECT_EQ(sys_chown("/t7/f", -1, 1000), 0);
	EXPECT_EQ(sys_chown("/t7/f", -1, 5), -EPERM);
	EXPECT_EQ(sys_chmod("/t7/f", 02755), 0);
	EXPECT_EQ(sys_utimensat(fd, NULL, NULL, 0), 0);
	EXPECT_EQ(sys_ftruncate(fd, 10), 0);
	EXPECT_EQ(sys_write(fd, "x", 1), 1);
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_mode, S_IFREG | 0755);	/* a write by a user drops setgid */
	EXPECT_EQ(sys_truncate("/t7", 0), -EISDIR);
	EXPECT_EQ(sys_truncate("/t7/f", -1), -EINVAL);
	be_user(0);
	EXPECT_EQ(sys_close(fd), 0);
	fd = (int)sys_open("/t7/f", O_RDONLY, 0);
	EXPECT_EQ(sys_ftruncate(fd, 0), -EINVAL);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_truncate("/t7/f", 3), 0);
	EXPECT_EQ(sys_stat("/t7/f", &st), 0);
	EXPECT_EQ(st.st_size, 3);
	EXPECT_EQ(sys_unlink("/t7/f"), 0);
	EXPECT_EQ(sys_rmdir("/t7"), 0);
}

HTEST(cwd_root_and_getcwd)
{
	char buf[64];
	struct stat st, root;
	struct path gr;
	int fd;

	setup();
	EXPECT_EQ(sys_mkdir("/t8", 0755), 0);
	EXPECT_EQ(sys_mkdir("/t8/e", 0755), 0);
	EXPECT_EQ(sys_chdir("/t8/e"), 0);
	EXPECT_EQ(sys_getcwd(buf, sizeof(buf)), 6);
	EXPECT_STREQ(buf, "/t8/e");
	EXPECT_EQ(sys_getcwd(buf, 5), -ERANGE);
	EXPECT_EQ(sys_mkdir("rel", 0755), 0);
	EXPECT_EQ(sys_stat("/t8/e/rel", &st), 0);
	EXPECT_EQ(sys_rmdir("rel"), 0);
	EXPECT_EQ(sys_chdir(".."), 0);
	EXPECT_EQ(sys_getcwd(buf, sizeof(buf)), 4);
	EXPECT_EQ(sys_chdir("/t8/nope"), -ENOENT);
	EXPECT_EQ(sys_chroot("/t8"), 0);
	EXPECT_EQ(sys_getcwd(buf, sizeof(buf)), 2);
	EXPECT_STREQ(buf, "/");
	EXPECT_EQ(sys_stat("/", &root), 0);
	EXPECT_EQ(sys_stat("/../../..", &st), 0);
	EXPECT_EQ(st.st_ino, root.st_ino);
	EXPECT_EQ(sys_stat("/e", &st), 0);
	fd = (int)sys_open("/e", O_RDONLY | O_DIRECTORY, 0);
	EXPECT_EQ(sys_fchdir(fd), 0);
	EXPECT_EQ(sys_getcwd(buf, sizeof(buf)), 3);
	EXPECT_STREQ(buf, "/e");
	EXPECT_EQ(sys_close(fd), 0);
	vfs_root_path(&gr);
	fs_set_root(&gr);
	path_put(&gr);
	EXPECT_EQ(sys_getcwd(buf, sizeof(buf)), 6);
	EXPECT_STREQ(buf, "/t8/e");
	EXPECT_EQ(sys_rmdir("/t8/e"), 0);
	EXPECT_EQ(sys_getcwd(buf, sizeof(buf)), -ENOENT);
	EXPECT_EQ(sys_stat(".", &st), 0);
	EXPECT_EQ(st.st_nlink, 0);
	EXPECT_EQ(sys_mkdir("x", 0755), -ENOENT);
	EXPECT_EQ(sys_chdir("/"), 0);
	EXPECT_EQ(sys_rmdir("/t8"), 0);
	be_user(1000);
	EXPECT_EQ(sys_chroot("/"), -EPERM);
	be_user(0);
}

HTEST(mount_and_umount_syscalls)
{
	struct statfs sf;
	int fd;

	setup();
	EXPECT_EQ(sys_mkdir("/t9", 0755), 0);
	EXPECT_EQ(sys_mount("none", "/t9", "tmpfs", MS_RDONLY | MS_NOSUID, NULL), 0);
	EXPECT_EQ(sys_open("/t9/f", O_CREAT | O_WRONLY, 0644), -EROFS);
	EXPECT_EQ(sys_mkdir("/t9/d", 0755), -EROFS);
	EXPECT_EQ(sys_statfs("/t9", &sf), 0);
	EXPECT_EQ(sf.f_type, TMPFS_MAGIC);
	EXPECT_EQ(sf.f_flags & 3, 3);	/* ST_RDONLY | ST_NOSUID */
	EXPECT_EQ(sys_mount(NULL, "/t9", NULL, MS_REMOUNT, "size=8k"), 0);
	EXPECT_EQ(sys_statfs("/t9", &sf), 0);
	EXPECT_EQ(sf.f_blocks, 2);
	EXPECT_EQ(sf.f_flags & 1, 0);
	fd = (int)sys_open("/t9/f", O_CREAT | O_WRONLY, 0644);
	EXPECT(fd >= 0);
	EXPECT_EQ(sys_fstatfs(fd, &sf), 0);
	EXPECT_EQ(sf.f_bfree, 2);
	EXPECT_EQ(sys_umount2("/t9", 0), -EBUSY);
	EXPECT_EQ(sys_umount2("/t9", 0x100), -EINVAL);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_mount("/t9", "/t9", NULL, MS_SHARED, NULL), -EINVAL);
	EXPECT_EQ(sys_mount(NULL, "/t9", NULL, MS_PRIVATE | MS_REC, NULL), 0);
	be_user(1000);
	EXPECT_EQ(sys_umount2("/t9", 0), -EPERM);
	EXPECT_EQ(sys_mount("none", "/t9", "tmpfs", 0, NULL), -EPERM);
	be_user(0);
	/* A bind mount shows the same files. */
	EXPECT_EQ(sys_mkdir("/t9b", 0755), 0);
	EXPECT_EQ(sys_mount("/t9", "/t9b", NULL, MS_BIND, NULL), 0);
	EXPECT_EQ(sys_access("/t9b/f", 0), 0);
	EXPECT_EQ(sys_rename("/t9/f", "/t9b/g"), -EXDEV);
	EXPECT_EQ(sys_umount2("/t9b", 0), 0);
	EXPECT_EQ(sys_umount2("/t9b", 0), -EINVAL);
	EXPECT_EQ(sys_umount2("/t9", 2 /* MNT_DETACH */), 0);
	EXPECT_EQ(sys_access("/t9/f", 0), -ENOENT);
	EXPECT_EQ(sys_mount("none", "/t9/x", "tmpfs", 0, NULL), -ENOENT);
	EXPECT_EQ(sys_mount("none", "/t9", "nosuch", 0, NULL), -ENODEV);
	EXPECT_EQ(sys_rmdir("/t9"), 0);
	EXPECT_EQ(sys_rmdir("/t9b"), 0);
	EXPECT_EQ(sys_umount2("/", 0), -EBUSY);
}

HTEST(vectored_io_and_sendfile)
{
	char a[3] = "abc", b[4] = "defg", out[8] = { 0 };
	struct iovec wv[2] = { { a, 3 }, { b, 4 } }, rv[2] = { { out, 2 }, { out + 2, 5 } };
	int fd, fd2;
	int64_t off = 2;

	setup();
	fd = (int)sys_open("/t10", O_CREAT | O_RDWR | O_TRUNC, 0644);
	EXPECT_EQ(sys_writev(fd, wv, 2), 7);
	EXPECT_EQ(sys_preadv(fd, rv, 2, 0), 7);
	EXPECT(!memcmp(out, "abcdefg", 7));
	EXPECT_EQ(sys_pwritev(fd, wv, 1, 7), 3);
	EXPECT_EQ(sys_preadv2(fd, rv, 2, -1, 0, 8), -EOPNOTSUPP);
	fd2 = (int)sys_open("/t10b", O_CREAT | O_RDWR | O_TRUNC, 0644);
	EXPECT_EQ(sys_sendfile(fd2, fd, &off, 100), 8);
	EXPECT_EQ(off, 10);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_CUR), 7);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(sys_sendfile(fd2, fd, NULL, 3), 3);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_CUR), 3);
	memset(out, 0, sizeof(out));
	EXPECT_EQ(sys_pread64(fd2, out, 8, 6), 5);
	EXPECT(!memcmp(out, "bcabc", 5));
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_close(fd2), 0);
	EXPECT_EQ(sys_unlink("/t10"), 0);
	EXPECT_EQ(sys_unlink("/t10b"), 0);
}

HTEST(record_locks_and_flock)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 10 };
	struct files *mine, *other = files_create();
	int fd, fd2;

	setup();
	mine = shim_proc.files;
	fd = (int)sys_open("/t11", O_CREAT | O_RDWR, 0644);
	EXPECT_EQ(sys_fcntl(fd, F_SETLK, (uint64_t)&fl), 0);
	/* Another process (another descriptor table) sees the lock. */
	shim_proc.files = other;
	fd2 = (int)sys_open("/t11", O_RDWR, 0);
	fl.l_type = F_RDLCK;
	fl.l_start = 15;
	fl.l_len = 1;
	EXPECT_EQ(sys_fcntl(fd2, F_SETLK, (uint64_t)&fl), -EAGAIN);
	EXPECT_EQ(sys_fcntl(fd2, F_GETLK, (uint64_t)&fl), 0);
	EXPECT_EQ(fl.l_type, F_WRLCK);
	EXPECT_EQ(fl.l_start, 10);
	EXPECT_EQ(fl.l_len, 10);
	EXPECT_EQ(fl.l_pid, 42);
	fl.l_type = F_RDLCK;
	fl.l_start = 20;
	fl.l_len = 0;	/* to the end: touches nothing held */
	EXPECT_EQ(sys_fcntl(fd2, F_SETLK, (uint64_t)&fl), 0);
	shim_proc.files = mine;
	fl.l_type = F_UNLCK;
	fl.l_start = 12;
	fl.l_len = 2;
	EXPECT_EQ(sys_fcntl(fd, F_SETLK, (uint64_t)&fl), 0);	/* splits [10,19] */
	shim_proc.files = other;
	fl.l_type = F_WRLCK;
	EXPECT_EQ(sys_fcntl(fd2, F_SETLK, (uint64_t)&fl), 0);	/* the hole is free */
	fl.l_start = 11;
	EXPECT_EQ(sys_fcntl(fd2, F_SETLK, (uint64_t)&fl), -EAGAIN);
	EXPECT_EQ(sys_close(fd2), 0);	/* drops all of this owner's locks */
	shim_proc.files = mine;
	fl.l_type = F_WRLCK;
	fl.l_start = 0;
	fl.l_len = 0;
	EXPECT_EQ(sys_fcntl(fd, F_GETLK, (uint64_t)&fl), 0);
	EXPECT_EQ(fl.l_type, F_UNLCK);
	fl.l_type = 7;
	EXPECT_EQ(sys_fcntl(fd, F_SETLK, (uint64_t)&fl), -EINVAL);
	/* flock: per open file. */
	fd2 = (int)sys_open("/t11", O_RDONLY, 0);
	EXPECT_EQ(sys_flock(fd, LOCK_EX | LOCK_NB), 0);
	EXPECT_EQ(sys_flock(fd2, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
	EXPECT_EQ(sys_flock(fd, LOCK_UN), 0);
	EXPECT_EQ(sys_flock(fd2, LOCK_SH | LOCK_NB), 0);
	EXPECT_EQ(sys_flock(fd, LOCK_SH | LOCK_NB), 0);
	EXPECT_EQ(sys_flock(fd, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
	EXPECT_EQ(sys_close(fd2), 0);
	EXPECT_EQ(sys_flock(fd, LOCK_EX | LOCK_NB), 0);
	EXPECT_EQ(sys_close(fd), 0);
	files_put(other);
	EXPECT_EQ(sys_unlink("/t11"), 0);
}

static unsigned int opened_flags;
static void *opened_private;

static int rec_open(struct inode *inode, struct file *f)
{
	(void)inode;
	opened_flags = f->flags;
	opened_private = f->private_data;
	return 0;
}

HTEST(devices_and_fsize_limit)
{
	static const struct file_ops null_ops = { 0 }, rec_ops = { .open = rec_open };
	static int cookie;
	struct stat st;
	int fd;

	setup();
	EXPECT_EQ(devfs_register("testnull", 0666, 240, 3, &null_ops, NULL), 0);
	EXPECT_EQ(devfs_register("sub/dir/dev", 0600, 240, 4, &null_ops, NULL), 0);
	EXPECT_EQ(sys_stat("/dev/testnull", &st), 0);
	EXPECT_EQ(st.st_mode, S_IFCHR | 0666);
	EXPECT_EQ(st.st_rdev, vfs_encode_dev(240, 3));
	EXPECT_EQ(sys_stat("/dev/sub/dir/dev", &st), 0);
	fd = (int)sys_open("/dev/testnull", O_RDWR, 0);
	EXPECT(fd >= 0);
	EXPECT_EQ(sys_read(fd, (char *)&st, 1), -EINVAL);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), -ESPIPE);
	EXPECT_EQ(sys_close(fd), 0);
	/* ops->open sees the registered private data and O_NOCTTY; F_GETFL does not. */
	EXPECT_EQ(devfs_register("rec", 0600, 240, 5, &rec_ops, &cookie), 0);
	fd = (int)sys_open("/dev/rec", O_RDWR | O_NOCTTY, 0);
	EXPECT(fd >= 0);
	EXPECT(opened_flags & O_NOCTTY);
	EXPECT(opened_private == &cookie);
	EXPECT_EQ(sys_fcntl(fd, F_GETFL, 0), O_RDWR | O_LARGEFILE);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_mknod("/t12", S_IFCHR | 0600, vfs_encode_dev(240, 9)), 0);
	EXPECT_EQ(sys_open("/t12", O_RDONLY, 0), -ENXIO);
	EXPECT_EQ(sys_unlink("/t12"), 0);
	be_user(1000);
	EXPECT_EQ(sys_mknod("/tmp-nope", S_IFCHR | 0600, 0), -EPERM);
	be_user(0);
	shim_proc.rlim[RLIMIT_FSIZE].rlim_cur = 4;
	fd = (int)sys_creat("/t12", 0644);
	EXPECT_EQ(sys_write(fd, "123456", 6), 4);
	EXPECT_EQ(sys_write(fd, "7", 1), -EFBIG);
	EXPECT_EQ(shim_last_signal, 25 /* SIGXFSZ */);
	shim_proc.rlim[RLIMIT_FSIZE].rlim_cur = RLIM_INFINITY;
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_unlink("/t12"), 0);
}

HTEST(fallocate_copy_range_and_xattrs)
{
	char buf[16];
	struct stat st;
	int64_t oin = 1, oout = 0;
	int fd, fd2;

	setup();
	fd = (int)sys_open("/t13", O_CREAT | O_RDWR, 0644);
	EXPECT_EQ(sys_fallocate(fd, 0, 0, 3 * PAGE_SIZE), 0);
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 3 * PAGE_SIZE);
	EXPECT_EQ(st.st_blocks, 3 * 8);
	EXPECT_EQ(sys_fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 5 * PAGE_SIZE), 0);
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 3 * PAGE_SIZE);
	EXPECT_EQ(st.st_blocks, 5 * 8);
	EXPECT_EQ(sys_pwrite64(fd, "abcdefgh", 8, PAGE_SIZE - 4), 8);
	EXPECT_EQ(sys_fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PAGE_SIZE - 2,
				PAGE_SIZE + 4),
		  0);
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_blocks, 4 * 8);	/* only page 1 was wholly inside */
	EXPECT_EQ(sys_pread64(fd, buf, 8, PAGE_SIZE - 4), 8);
	EXPECT(!memcmp(buf, "ab\0\0\0\0\0\0", 8));
	EXPECT_EQ(sys_fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 1), -EINVAL);
	EXPECT_EQ(sys_fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, PAGE_SIZE), -EOPNOTSUPP);
	EXPECT_EQ(sys_fallocate(fd, 0, -1, 1), -EINVAL);
	EXPECT_EQ(sys_ftruncate(fd, 0), 0);
	EXPECT_EQ(sys_write(fd, "0123456789", 10), 10);
	fd2 = (int)sys_open("/t13b", O_CREAT | O_RDWR, 0644);
	EXPECT_EQ(sys_copy_file_range(fd, &oin, fd2, &oout, 100, 0), 9);
	EXPECT_EQ(oin, 10);
	EXPECT_EQ(oout, 9);
	EXPECT_EQ(sys_copy_file_range(fd, NULL, fd2, NULL, 3, 0), 0);	/* fd is at its end */
	EXPECT_EQ(sys_copy_file_range(fd, NULL, fd, NULL, 3, 0), -EINVAL);
	EXPECT_EQ(sys_copy_file_range(fd, NULL, fd2, NULL, 3, 1), -EINVAL);
	EXPECT_EQ(sys_pread64(fd2, buf, 16, 0), 9);
	EXPECT(!memcmp(buf, "123456789", 9));
	EXPECT_EQ(sys_getxattr("/t13", "user.x", buf, sizeof(buf)), -EOPNOTSUPP);
	EXPECT_EQ(sys_setxattr("/t13", "user.x", "v", 1, 0), -EOPNOTSUPP);
	EXPECT_EQ(sys_getxattr("/nope", "user.x", buf, sizeof(buf)), -ENOENT);
	EXPECT_EQ(sys_getxattr("/t13", "", buf, sizeof(buf)), -ERANGE);
	EXPECT_EQ(sys_listxattr("/t13", buf, sizeof(buf)), 0);
	EXPECT_EQ(sys_fadvise64(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	EXPECT_EQ(sys_fadvise64(fd, 0, 0, 99), -EINVAL);
	EXPECT_EQ(sys_sync_file_range(fd, 0, 0, 8), -EINVAL);
	EXPECT_EQ(sys_sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE), 0);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_close(fd2), 0);
	EXPECT_EQ(sys_unlink("/t13"), 0);
	EXPECT_EQ(sys_unlink("/t13b"), 0);
}

HTEST(mounts_text)
{
	char *buf = malloc(4096);

	setup();
	EXPECT(vfs_mounts_show(buf, 4096) > 0);
	EXPECT(strstr(buf, "rootfs / rootfs rw,relatime,mode=755 0 0\n") == buf);
	EXPECT(strstr(buf, "devtmpfs /dev devtmpfs rw,nosuid,relatime"));
	EXPECT(vfs_mountinfo_show(buf, 4096) > 0);
	EXPECT(strstr(buf, " / /dev rw,nosuid,relatime - devtmpfs devtmpfs rw"));
	EXPECT(vfs_filesystems_show(buf, 4096) > 0);
	EXPECT(strstr(buf, "nodev\ttmpfs\n"));
	free(buf);
}

HTEST(every_page_comes_back)
{
	setup();
	EXPECT_EQ(files_max_fd(shim_proc.files), 0);
	EXPECT_EQ(shim_pages_live, base_pages);
}

HTEST_MAIN()
