/*
 * t_fs_meta - metadata: stat/fstat/lstat/newfstatat/statx, chmod/chown,
 * umask, truncate/ftruncate, utimensat, access/faccessat, statfs, with
 * Linux's errno values. Ownership checks that need root are skipped when
 * not root. Works in a scratch directory under $TMPDIR or /tmp.
 */
#include "t.h"
#include <sys/statfs.h>
#include <sys/sysmacros.h>

/* struct statx as in the Linux UAPI (musl 1.2.3 has no statx). */
struct t_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
struct t_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad1;
	uint64_t ino, size, blocks, attributes_mask;
	struct t_statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct t_statx) == 256, "statx layout");
#define T_STATX_BASIC 0x7ffU
#define T_AT_STATX_SYNC_TYPE 0x6000

static void test_stat(void)
{
	struct stat st, fst, lst;
	int fd;

	umask(022);
	t_write_file(t_path("f"), "0123456789", 10, 0644);
	T_SYS(stat(t_path("f"), &st), "stat");
	T_OK(S_ISREG(st.st_mode), "S_ISREG");
	T_EQ(st.st_mode & 07777, 0644, "mode 0644");
	T_EQ(st.st_size, 10, "st_size");
	T_EQ(st.st_nlink, 1, "st_nlink");
	T_EQ(st.st_uid, geteuid(), "st_uid is the creator");
	T_EQ(st.st_gid, getegid(), "st_gid is the creator's group");
	T_OK(st.st_ino != 0, "st_ino non-zero");
	T_OK(st.st_blksize > 0, "st_blksize > 0");
	T_OK(st.st_blocks >= 0 && st.st_blocks <= 64, "st_blocks plausible (%ld)", (long)st.st_blocks);
	time_t now = time(NULL);
	T_OK(st.st_mtime >= now - 60 && st.st_mtime <= now + 1, "st_mtime is now");
	fd = open(t_path("f"), O_RDONLY);
	fstat(fd, &fst);
	T_OK(fst.st_ino == st.st_ino && fst.st_dev == st.st_dev && fst.st_size == 10, "fstat matches stat");
	T_SYS(fstatat(fd, "", &fst, AT_EMPTY_PATH), "fstatat AT_EMPTY_PATH");
	T_EQ(fst.st_ino, st.st_ino, "AT_EMPTY_PATH stats the fd");
	T_ERRNO(fstatat(fd, "", &fst, 0), ENOENT, "fstatat(\"\") without AT_EMPTY_PATH");
	T_ERRNO(fstatat(AT_FDCWD, t_path("f"), &fst, 0x40000000), EINVAL, "fstatat with an unknown flag");
	close(fd);
	symlink("f", t_path("l"));
	T_SYS(lstat(t_path("l"), &lst), "lstat of a symlink");
	T_OK(S_ISLNK(lst.st_mode) && lst.st_size == 1, "symlink: S_IFLNK, size = target length");
	T_EQ((lst.st_mode & 0777), 0777, "symlink permissions are 0777");
	fstatat(AT_FDCWD, t_path("l"), &fst, AT_SYMLINK_NOFOLLOW);
	T_OK(S_ISLNK(fst.st_mode), "fstatat AT_SYMLINK_NOFOLLOW");
	stat(t_path("l"), &fst);
	T_EQ(fst.st_ino, st.st_ino, "stat follows the symlink");
	stat(t_dir, &st);
	T_OK(S_ISDIR(st.st_mode) && st.st_nlink >= 2, "directory: S_IFDIR, nlink >= 2");
	T_ERRNO(stat(t_path("missing"), &st), ENOENT, "stat of a missing file");
	T_ERRNO(t_sys(SYS_stat, t_path("f"), (void *)T_KADDR_DIRECT), EFAULT, "stat into kernel memory");
	T_ERRNO(fstat(9999, &st), EBADF, "fstat of a bad fd");
	if (stat("/dev/null", &st) == 0) {
		T_OK(S_ISCHR(st.st_mode), "/dev/null is a character device");
		T_OK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 3, "/dev/null is 1:3");
	} else {
		T_OK(0, "stat /dev/null");
	}
}

static void test_statx(void)
{
	struct t_statx sx;
	struct stat st;
	long r;

	stat(t_path("f"), &st);
	memset(&sx, 0xee, sizeof(sx));
	r = t_sys(SYS_statx, AT_FDCWD, t_path("f"), 0, T_STATX_BASIC, &sx);
	if (r == -1 && errno == ENOSYS) {
		T_OK(0, "statx is implemented");
		return;
	}
	T_EQ(r, 0, "statx");
	T_EQ(sx.mask & T_STATX_BASIC, T_STATX_BASIC, "statx returns the basic stats");
	T_OK(sx.ino == st.st_ino && sx.size == 10 && sx.nlink == 1, "statx ino/size/nlink match stat");
	T_EQ(sx.mode, st.st_mode, "statx mode matches stat");
	T_OK(sx.mtime.tv_sec == st.st_mtim.tv_sec && sx.mtime.tv_nsec == st.st_mtim.tv_nsec, "statx mtime matches");
	T_OK(makedev(sx.dev_major, sx.dev_minor) == st.st_dev, "statx device matches st_dev");
	T_ERRNO(t_sys(SYS_statx, AT_FDCWD, t_path("f"), 0, 0x80000000U, &sx), EINVAL, "statx with STATX__RESERVED");
	T_ERRNO(t_sys(SYS_statx, AT_FDCWD, t_path("f"), T_AT_STATX_SYNC_TYPE, T_STATX_BASIC, &sx), EINVAL,
		"statx with both sync flags");
	T_ERRNO(t_sys(SYS_statx, AT_FDCWD, t_path("missing"), 0, T_STATX_BASIC, &sx), ENOENT, "statx of a missing file");
	r = t_sys(SYS_statx, AT_FDCWD, t_path("l"), AT_SYMLINK_NOFOLLOW, T_STATX_BASIC, &sx);
	T_OK(r == 0 && S_ISLNK(sx.mode), "statx AT_SYMLINK_NOFOLLOW");
}

static void test_modes(void)
{
	struct stat st;
	int fd;

	T_SYS(chmod(t_path("f"), 0600), "chmod");
	stat(t_path("f"), &st);
	T_EQ(st.st_mode & 07777, 0600, "chmod set 0600");
	fd = open(t_path("f"), O_RDONLY);
	T_SYS(fchmod(fd, 0751), "fchmod");
	fstat(fd, &st);
	T_EQ(st.st_mode & 07777, 0751, "fchmod set 0751");
	T_SYS(fchmod(fd, 01777), "fchmod with the sticky bit");
	fstat(fd, &st);
	T_EQ(st.st_mode & 07777, 01777, "sticky bit kept");
	close(fd);
	T_ERRNO(chmod(t_path("missing"), 0644), ENOENT, "chmod of a missing file");
	T_SYS(fchmodat(AT_FDCWD, t_path("f"), 0644, 0), "fchmodat");

	T_EQ(umask(077), 022, "umask returns the previous mask");
	T_EQ(umask(022), 077, "umask again");
	umask(0);
	mkdir(t_path("d0"), 0777);
	stat(t_path("d0"), &st);
	T_EQ(st.st_mode & 0777, 0777, "mkdir 0777 under umask 0");
	umask(027);
	mkdir(t_path("d1"), 0777);
	stat(t_path("d1"), &st);
	T_EQ(st.st_mode & 0777, 0750, "mkdir 0777 under umask 027 gives 0750");
	umask(022);
}

static void test_owner(void)
{
	struct stat st;

	if (geteuid() != 0) {
		t_skip("chown as root", "not root");
		return;
	}
	T_SYS(chown(t_path("f"), 1000, 1001), "chown to 1000:1001");
	stat(t_path("f"), &st);
	T_OK(st.st_uid == 1000 && st.st_gid == 1001, "chown took effect");
	T_SYS(chown(t_path("f"), -1, 1002), "chown with uid -1 keeps the uid");
	stat(t_path("f"), &st);
	T_OK(st.st_uid == 1000 && st.st_gid == 1002, "only the group changed");
	T_SYS(lchown(t_path("l"), 1003, 1003), "lchown a symlink");
	lstat(t_path("l"), &st);
	T_EQ(st.st_uid, 1003, "lchown changed the link");
	stat(t_path("l"), &st);
	T_EQ(st.st_uid, 1000, "lchown left the target");
	chmod(t_path("f"), 0600);
	chown(t_path("f"), 0, 0);
	pid_t c = fork();
	if (c == 0) {
		int bad = 0;
		if (setuid(65534) != 0)
			_exit(10);
		errno = 0;
		if (chown(t_path("f"), 65534, 65534) != -1 || errno != EPERM)
			bad |= 1;
		if (open(t_path("f"), O_RDONLY) != -1 || errno != EACCES)
			bad |= 2;
		if (access(t_path("f"), R_OK) != -1 || errno != EACCES)
			bad |= 4;
		if (chmod(t_path("f"), 0777) != -1 || errno != EPERM)
			bad |= 8;
		_exit(bad);
	}
	int s;
	waitpid(c, &s, 0);
	t_expect_exit(s, 0, "non-root: chown/chmod -> EPERM, open/access of a 0600 root file -> EACCES");
}

static void test_truncate(void)
{
	struct stat st;
	char buf[32];
	int fd;

	t_write_file(t_path("t"), "abcdefghij", 10, 0644);
	T_SYS(truncate(t_path("t"), 4), "truncate shrinks");
	stat(t_path("t"), &st);
	T_EQ(st.st_size, 4, "size 4");
	T_SYS(truncate(t_path("t"), 20), "truncate grows");
	fd = open(t_path("t"), O_RDWR);
	memset(buf, 'x', sizeof(buf));
	T_EQ(read(fd, buf, sizeof(buf)), 20, "size 20");
	T_OK(!memcmp(buf, "abcd", 4) && buf[4] == 0 && buf[19] == 0, "grown part reads as zeros");
	T_SYS(ftruncate(fd, 0), "ftruncate to 0");
	fstat(fd, &st);
	T_EQ(st.st_size, 0, "size 0");
	T_ERRNO(ftruncate(fd, -1), EINVAL, "ftruncate to a negative size");
	close(fd);
	fd = open(t_path("t"), O_RDONLY);
	T_ERRNO(ftruncate(fd, 0), EINVAL, "ftruncate of a read-only fd");
	close(fd);
	T_ERRNO(truncate(t_dir, 0), EISDIR, "truncate of a directory");
	T_ERRNO(truncate(t_path("missing"), 0), ENOENT, "truncate of a missing file");
	T_ERRNO(truncate(t_path("t"), -1), EINVAL, "truncate to a negative size");
}

static void test_times(void)
{
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1100000000, 987654321 } };
	struct stat st;

	T_SYS(utimensat(AT_FDCWD, t_path("f"), ts, 0), "utimensat with explicit times");
	stat(t_path("f"), &st);
	T_OK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789, "atime set to the nanosecond");
	T_OK(st.st_mtim.tv_sec == 1100000000 && st.st_mtim.tv_nsec == 987654321, "mtime set to the nanosecond");
	struct timespec omit[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
	T_SYS(utimensat(AT_FDCWD, t_path("f"), omit, 0), "utimensat UTIME_OMIT/UTIME_NOW");
	stat(t_path("f"), &st);
	T_OK(st.st_atim.tv_sec == 1000000000 && st.st_mtime >= time(NULL) - 60, "atime kept, mtime now");
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	T_ERRNO(utimensat(AT_FDCWD, t_path("f"), bad, 0), EINVAL, "utimensat with tv_nsec = 1e9");
	T_ERRNO(utimensat(AT_FDCWD, t_path("f"), ts, 0x4000), EINVAL, "utimensat with an unknown flag");
	T_ERRNO(utimensat(AT_FDCWD, t_path("missing"), ts, 0), ENOENT, "utimensat of a missing file");
	/* a write updates mtime and ctime */
	utimensat(AT_FDCWD, t_path("f"), ts, 0);
	int fd = open(t_path("f"), O_WRONLY | O_APPEND);
	write(fd, "more", 4);
	fstat(fd, &st);
	close(fd);
	T_OK(st.st_mtime > 1100000000 && st.st_ctime > 1100000000, "write updates mtime and ctime");
}

static void test_access(void)
{
	t_write_file(t_path("ro"), "", 0, 0444);
	t_write_file(t_path("x"), "", 0, 0755);
	T_SYS(access(t_path("ro"), F_OK), "access F_OK");
	T_SYS(access(t_path("ro"), R_OK), "access R_OK");
	T_ERRNO(access(t_path("missing"), F_OK), ENOENT, "access of a missing file");
	T_ERRNO(access(t_path("ro"), X_OK), EACCES, "access X_OK of a non-executable file");
	T_SYS(access(t_path("x"), X_OK), "access X_OK of an executable");
	T_ERRNO(access(t_path("ro"), 0x10), EINVAL, "access with a bad mode");
	T_SYS(faccessat(AT_FDCWD, t_path("x"), R_OK | X_OK, 0), "faccessat");
	T_ERRNO(t_sys(SYS_faccessat, AT_FDCWD, t_path("x"), 0x10, 0), EINVAL, "faccessat with a bad mode");
	if (geteuid() == 0)
		T_SYS(access(t_path("ro"), W_OK), "root may write a 0444 file (W_OK)");
	else
		T_ERRNO(access(t_path("ro"), W_OK), EACCES, "W_OK on a 0444 file");
}

static void test_statfs(void)
{
	struct statfs sf;
	int fd;

	T_SYS(statfs(t_dir, &sf), "statfs of the scratch directory");
	T_OK(sf.f_bsize > 0 && sf.f_blocks > 0 && sf.f_bfree <= sf.f_blocks, "statfs sizes plausible");
	T_OK(sf.f_namelen >= 255, "f_namelen >= 255 (%ld)", (long)sf.f_namelen);
	fd = open(t_dir, O_RDONLY);
	struct statfs sf2;
	T_SYS(fstatfs(fd, &sf2), "fstatfs");
	T_EQ(sf2.f_type, sf.f_type, "fstatfs and statfs agree");
	close(fd);
	T_ERRNO(statfs(t_path("missing"), &sf), ENOENT, "statfs of a missing path");
	if (statfs("/proc", &sf) == 0)
		T_EQ(sf.f_type, 0x9fa0, "/proc is procfs (PROC_SUPER_MAGIC)");
	else
		T_OK(0, "statfs /proc");
}

int main(int argc, char **argv)
{
	t_init("t_fs_meta");
	t_mkdir_scratch();
	test_stat();
	test_statx();
	test_modes();
	test_owner();
	test_truncate();
	test_times();
	test_access();
	test_statfs();
	t_rmtree(t_dir);
	return t_done();
}
