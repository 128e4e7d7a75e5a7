/*
 * t_fs_dir - the name space: mkdir/rmdir, rename and renameat2 flags,
 * link, symlink/readlink, unlink, getdents64, getcwd/chdir/fchdir, symlink
 * loops and ".." handling, with Linux's errno values. Works in a scratch
 * directory under $TMPDIR or /tmp.
 */
#include "t.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

struct t_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

static void test_mkdir_rmdir(void)
{
	T_SYS(mkdir(t_path("d"), 0755), "mkdir");
	T_ERRNO(mkdir(t_path("d"), 0755), EEXIST, "mkdir of an existing directory");
	T_ERRNO(mkdir(t_path("nope/d"), 0755), ENOENT, "mkdir in a missing parent");
	T_ERRNO(mkdir("", 0755), ENOENT, "mkdir(\"\")");
	T_SYS(mkdir(t_path("d/sub/"), 0755), "mkdir with a trailing slash");
	t_write_file(t_path("d/sub/file"), "x", 1, 0644);
	T_ERRNO(rmdir(t_path("d")), ENOTEMPTY, "rmdir of a non-empty directory");
	T_ERRNO(rmdir(t_path("d/sub/file")), ENOTDIR, "rmdir of a file");
	T_ERRNO(rmdir(t_path("d/missing")), ENOENT, "rmdir of a missing name");
	T_ERRNO(rmdir(t_path("d/.")), EINVAL, "rmdir of \".\"");
	T_ERRNO(rmdir(t_path("d/sub/..")), ENOTEMPTY, "rmdir of \"..\"");
	T_ERRNO(unlink(t_path("d/sub")), EISDIR, "unlink of a directory");
	T_ERRNO(mkdir(t_path("d/sub/file/x"), 0755), ENOTDIR, "mkdir under a file");
	T_SYS(unlink(t_path("d/sub/file")), "unlink a file");
	T_ERRNO(unlink(t_path("d/sub/file")), ENOENT, "unlink it again");
	T_SYS(rmdir(t_path("d/sub")), "rmdir an empty directory");
	T_OK(!exists(t_path("d/sub")), "it is gone");
	struct stat st;
	stat(t_path("d"), &st);
	T_EQ(st.st_nlink, 2, "an empty directory has 2 links");
	mkdir(t_path("d/a"), 0755);
	mkdir(t_path("d/b"), 0755);
	stat(t_path("d"), &st);
	T_EQ(st.st_nlink, 4, "each subdirectory adds a link to its parent");
}

static void test_rename(void)
{
	char buf[8] = "";

	t_write_file(t_path("r1"), "one", 3, 0644);
	t_write_file(t_path("r2"), "two", 3, 0644);
	T_SYS(rename(t_path("r1"), t_path("r3")), "rename to a new name");
	T_OK(!exists(t_path("r1")) && exists(t_path("r3")), "old name gone, new name there");
	T_SYS(rename(t_path("r3"), t_path("r2")), "rename over an existing file");
	int fd = open(t_path("r2"), O_RDONLY);
	read(fd, buf, 3);
	close(fd);
	T_OK(!memcmp(buf, "one", 3), "the target now has the source's content");
	T_SYS(rename(t_path("r2"), t_path("r2")), "rename onto itself");
	T_ERRNO(rename(t_path("missing"), t_path("x")), ENOENT, "rename of a missing file");
	mkdir(t_path("rd"), 0755);
	mkdir(t_path("rd2"), 0755);
	t_write_file(t_path("rd2/f"), "", 0, 0644);
	T_ERRNO(rename(t_path("rd"), t_path("rd2")), ENOTEMPTY, "rename a directory over a non-empty one");
	T_ERRNO(rename(t_path("rd"), t_path("r2")), ENOTDIR, "rename a directory over a file");
	T_ERRNO(rename(t_path("r2"), t_path("rd")), EISDIR, "rename a file over a directory");
	T_ERRNO(rename(t_path("rd"), t_path("rd/inside")), EINVAL, "rename a directory into itself");
	mkdir(t_path("rd3"), 0755);
	T_SYS(rename(t_path("rd"), t_path("rd3")), "rename a directory over an empty one");
	T_SYS(rename(t_path("rd3"), t_path("rd2/moved")), "move a directory into another");
	T_OK(exists(t_path("rd2/moved")), "moved directory is there");

	t_write_file(t_path("n1"), "1", 1, 0644);
	t_write_file(t_path("n2"), "2", 1, 0644);
	T_ERRNO(t_sys(SYS_renameat2, AT_FDCWD, t_path("n1"), AT_FDCWD, t_path("n2"), RENAME_NOREPLACE), EEXIST,
		"renameat2 RENAME_NOREPLACE onto an existing name");
	T_SYS(t_sys(SYS_renameat2, AT_FDCWD, t_path("n1"), AT_FDCWD, t_path("n3"), RENAME_NOREPLACE),
	      "renameat2 RENAME_NOREPLACE to a new name");
	T_SYS(t_sys(SYS_renameat2, AT_FDCWD, t_path("n3"), AT_FDCWD, t_path("n2"), RENAME_EXCHANGE),
	      "renameat2 RENAME_EXCHANGE");
	fd = open(t_path("n2"), O_RDONLY);
	read(fd, buf, 1);
	close(fd);
	T_EQ(buf[0], '1', "RENAME_EXCHANGE swapped the files");
	T_ERRNO(t_sys(SYS_renameat2, AT_FDCWD, t_path("n3"), AT_FDCWD, t_path("n9"), RENAME_EXCHANGE), ENOENT,
		"RENAME_EXCHANGE with a missing target");
	T_ERRNO(t_sys(SYS_renameat2, AT_FDCWD, t_path("n3"), AT_FDCWD, t_path("n2"), RENAME_EXCHANGE | RENAME_NOREPLACE),
		EINVAL, "renameat2 with EXCHANGE|NOREPLACE");
	T_ERRNO(t_sys(SYS_renameat2, AT_FDCWD, t_path("n3"), AT_FDCWD, t_path("n2"), 0x100), EINVAL,
		"renameat2 with an unknown flag");
}

static void test_links(void)
{
	struct stat a, b;
	char buf[64];

	t_write_file(t_path("h1"), "data", 4, 0644);
	T_SYS(link(t_path("h1"), t_path("h2")), "link");
	stat(t_path("h1"), &a);
	stat(t_path("h2"), &b);
	T_OK(a.st_ino == b.st_ino && a.st_nlink == 2, "hard link: same inode, 2 links");
	T_ERRNO(link(t_path("h1"), t_path("h2")), EEXIST, "link onto an existing name");
	T_ERRNO(link(t_path("d"), t_path("dlink")), EPERM, "link of a directory");
	T_ERRNO(link(t_path("missing"), t_path("x")), ENOENT, "link of a missing file");
	unlink(t_path("h1"));
	stat(t_path("h2"), &b);
	T_EQ(b.st_nlink, 1, "unlink drops the link count");

	T_SYS(symlink("h2", t_path("s1")), "symlink");
	T_EQ(readlink(t_path("s1"), buf, sizeof(buf)), 2, "readlink returns the target length");
	T_OK(!memcmp(buf, "h2", 2), "readlink returns the target");
	T_EQ(readlink(t_path("s1"), buf, 1), 1, "readlink truncates to the buffer");
	T_ERRNO(readlink(t_path("h2"), buf, sizeof(buf)), EINVAL, "readlink of a regular file");
	T_ERRNO(t_sys(SYS_readlink, t_path("s1"), buf, 0), EINVAL, "readlink with size 0");
	T_ERRNO(symlink("x", t_path("s1")), EEXIST, "symlink onto an existing name");
	T_ERRNO(symlink("", t_path("s9")), ENOENT, "symlink with an empty target");
	symlink("nowhere", t_path("dangling"));
	T_ERRNO(open(t_path("dangling"), O_RDONLY), ENOENT, "open through a dangling symlink");
	int fd = open(t_path("dangling"), O_WRONLY | O_CREAT, 0644);
	T_OK(fd >= 0 && exists(t_path("nowhere")), "O_CREAT through a dangling symlink creates the target");
	close(fd);
	symlink("loop2", t_path("loop1"));
	symlink("loop1", t_path("loop2"));
	T_ERRNO(open(t_path("loop1"), O_RDONLY), ELOOP, "a symlink loop");
	symlink("self", t_path("self"));
	T_ERRNO(stat(t_path("self"), &a), ELOOP, "a self-referencing symlink");
	symlink("d", t_path("sd"));
	t_write_file(t_path("d/a/f"), "f", 1, 0644);
	T_SYS(stat(t_path("sd/a/f"), &a), "a symlink to a directory in the middle of a path");
	symlink("../h2", t_path("d/up"));
	T_SYS(stat(t_path("d/up"), &a), "a relative symlink resolves from its own directory");
	T_SYS(lstat(t_path("sd"), &a), "lstat of the link itself");
	T_OK(S_ISLNK(a.st_mode), "lstat says S_IFLNK");
	T_ERRNO(unlink(t_path("sd/")), ENOTDIR, "unlink of symlink-to-dir with a trailing slash");
	T_SYS(unlink(t_path("sd")), "unlink removes the symlink, not the target");
	T_OK(exists(t_path("d/a/f")), "target untouched");
}

static int count_entries(const char *dir, int *types_ok, int want)
{
	char buf[512];
	int fd = open(dir, O_RDONLY | O_DIRECTORY), n = 0, seen_dot = 0, seen_dotdot = 0;
	long r;

	*types_ok = 1;
	while ((r = t_sys(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < r;) {
			struct t_dirent64 *d = (struct t_dirent64 *)(buf + off);
			if (!strcmp(d->d_name, "."))
				seen_dot = 1;
			else if (!strcmp(d->d_name, ".."))
				seen_dotdot = 1;
			else {
				n++;
				if (!strncmp(d->d_name, "file", 4) && d->d_type != DT_REG)
					*types_ok = 0;
				if (!strcmp(d->d_name, "subdir") && d->d_type != DT_DIR)
					*types_ok = 0;
				if (!strcmp(d->d_name, "symlink") && d->d_type != DT_LNK)
					*types_ok = 0;
				if (d->d_reclen % 8 || d->d_ino == 0)
					*types_ok = 0;
			}
			off += d->d_reclen;
		}
	}
	close(fd);
	return seen_dot && seen_dotdot ? n : -1;
}

static void test_getdents(void)
{
	char name[64];
	int types_ok;

	mkdir(t_path("g"), 0755);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "g/file%03d-with-a-longer-name", i);
		t_write_file(t_path(name), "", 0, 0644);
	}
	mkdir(t_path("g/subdir"), 0755);
	symlink("file000", t_path("g/symlink"));
	T_EQ(count_entries(t_path("g"), &types_ok, 102), 102, "getdents64 lists all 102 entries plus . and ..");
	T_OK(types_ok, "d_type, d_ino and d_reclen alignment are right");
	for (int i = 0; i < 100; i += 2) {
		snprintf(name, sizeof(name), "g/file%03d-with-a-longer-name", i);
		unlink(t_path(name));
	}
	T_EQ(count_entries(t_path("g"), &types_ok, 52), 52, "after unlinking half, 52 entries");

	int fd = open(t_path("g"), O_RDONLY | O_DIRECTORY);
	char tiny[8];
	T_ERRNO(t_sys(SYS_getdents64, fd, tiny, sizeof(tiny)), EINVAL, "getdents64 with a too small buffer");
	T_ERRNO(t_sys(SYS_getdents64, fd, (void *)T_KADDR_DIRECT, 4096), EFAULT, "getdents64 into kernel memory");
	close(fd);
	fd = open(t_path("h2"), O_RDONLY);
	char buf[256];
	T_ERRNO(t_sys(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR, "getdents64 on a file");
	close(fd);
	T_ERRNO(t_sys(SYS_getdents64, 9999, buf, sizeof(buf)), EBADF, "getdents64 on a bad fd");
	/* readdir through libc sees the same */
	DIR *d = opendir(t_path("g"));
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	T_EQ(n, 54, "readdir sees 54 entries including . and ..");
}

static void test_cwd(void)
{
	char save[1024], buf[1024], want[1024];

	getcwd(save, sizeof(save));
	mkdir(t_path("c"), 0755);
	mkdir(t_path("c/b"), 0755);
	T_SYS(chdir(t_path("c/b")), "chdir");
	T_OK(getcwd(buf, sizeof(buf)) && !strcmp(buf + strlen(buf) - 4, "/c/b"), "getcwd after chdir (%s)", buf);
	T_SYS(chdir(".."), "chdir ..");
	getcwd(buf, sizeof(buf));
	snprintf(want, sizeof(want), "%s/c", t_dir);
	T_OK(!strcmp(buf, want) || !strcmp(buf + strlen(buf) - 2, "/c"), "getcwd after chdir .. ends in /c");
	T_SYS(access("b/../b/./", F_OK), "b/../b/./ resolves");
	T_ERRNO(t_sys(SYS_getcwd, buf, 2), ERANGE, "getcwd with a too small buffer");
	T_ERRNO(t_sys(SYS_getcwd, (void *)T_KADDR_DIRECT, 1024), EFAULT, "getcwd into kernel memory");
	T_ERRNO(chdir(t_path("h2")), ENOTDIR, "chdir to a file");
	T_ERRNO(chdir(t_path("missing")), ENOENT, "chdir to a missing directory");
	int fd = open(t_path("c/b"), O_RDONLY | O_DIRECTORY);
	T_SYS(fchdir(fd), "fchdir");
	getcwd(buf, sizeof(buf));
	T_OK(!strcmp(buf + strlen(buf) - 4, "/c/b"), "getcwd after fchdir");
	close(fd);
	fd = open(t_path("h2"), O_RDONLY);
	T_ERRNO(fchdir(fd), ENOTDIR, "fchdir to a file");
	close(fd);
	T_ERRNO(fchdir(9999), EBADF, "fchdir to a bad fd");

	struct stat root, rootup;
	stat("/", &root);
	stat("/..", &rootup);
	T_OK(root.st_ino == rootup.st_ino && root.st_dev == rootup.st_dev, "\"/..\" is \"/\"");
	T_SYS(chdir("/"), "chdir /");
	T_SYS(chdir(".."), "chdir .. at the root stays at the root");
	getcwd(buf, sizeof(buf));
	T_OK(!strcmp(buf, "/"), "getcwd is / (%s)", buf);

	/* the cwd removed under our feet */
	mkdir(t_path("gone"), 0755);
	chdir(t_path("gone"));
	T_SYS(rmdir(t_path("gone")), "rmdir of the current directory");
	T_ERRNO(t_sys(SYS_getcwd, buf, sizeof(buf)), ENOENT, "getcwd in a removed directory");
	T_ERRNO(open("new", O_WRONLY | O_CREAT, 0644), ENOENT, "creating a file in a removed directory");
	chdir(save);
}

static void test_at_calls(void)
{
	int dfd = open(t_dir, O_RDONLY | O_DIRECTORY);

	T_SYS(mkdirat(dfd, "at", 0755), "mkdirat");
	T_SYS(symlinkat("at", dfd, "atlink"), "symlinkat");
	T_SYS(unlinkat(dfd, "atlink", 0), "unlinkat a symlink");
	T_ERRNO(unlinkat(dfd, "at", 0), EISDIR, "unlinkat of a directory without AT_REMOVEDIR");
	T_SYS(unlinkat(dfd, "at", AT_REMOVEDIR), "unlinkat AT_REMOVEDIR");
	T_ERRNO(unlinkat(dfd, "h2", AT_REMOVEDIR), ENOTDIR, "AT_REMOVEDIR on a file");
	T_ERRNO(unlinkat(dfd, "h2", 0x1), EINVAL, "unlinkat with an unknown flag");
	t_write_file(t_path("ren"), "", 0, 0644);
	T_SYS(renameat(dfd, "ren", dfd, "ren2"), "renameat");
	T_SYS(linkat(dfd, "ren2", dfd, "ren3", 0), "linkat");
	close(dfd);
}

int main(int argc, char **argv)
{
	t_init("t_fs_dir");
	t_mkdir_scratch();
	test_mkdir_rmdir();
	test_rename();
	test_links();
	test_getdents();
	test_cwd();
	test_at_calls();
	t_rmtree(t_dir);
	return t_done();
}
