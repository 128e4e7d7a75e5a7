/*
 * In-kernel tests of the VFS and tmpfs through the kernel-side API (paths
 * are kernel strings, resolved from the global root since the test thread
 * has no fs context): files and holes, page lookup for mmap, directories,
 * symlink rules (ELOOP, trailing slashes, O_NOFOLLOW), rename cases, hard
 * links, mounts crossed both ways, umount's EBUSY, d_path, getdents
 * cookies that survive removals, permissions for an ordinary user, locks,
 * and that all of it gives every page back.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/ktest.h>
#include <ferrite/page_alloc.h>
#include <ferrite/sched.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <linux/magic.h>

/* Write @len bytes to @path (created/truncated); bytes written or -errno. */
static long put_file(const char *path, const void *data, size_t len)
{
	struct file *f = vfs_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, data, len, 0);
	file_put(f);
	return n;
}

static long get_file(const char *path, void *buf, size_t len, uint64_t off)
{
	struct file *f = vfs_open(path, O_RDONLY, 0);
	long n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, len, off);
	file_put(f);
	return n;
}

static int stat_path(const char *path, struct stat *st, bool follow)
{
	struct path p;
	int err = path_lookup_at(AT_FDCWD, path, follow ? LOOKUP_FOLLOW : 0, &p);

	if (err)
		return err;
	inode_fill_stat(p.dentry->inode, st);
	path_put(&p);
	return 0;
}

/* The names in directory @path, each followed by ',', in readdir order. */
static long list_dir(const char *path, char *out, size_t size, size_t bufsize)
{
	struct file *f = vfs_open(path, O_RDONLY | O_DIRECTORY, 0);
	char *buf = kmalloc(bufsize);
	size_t used = 0;
	long n = 0;

	if (IS_ERR(f) || !buf) {
		kfree(buf);
		return IS_ERR(f) ? PTR_ERR(f) : -ENOMEM;
	}
	out[0] = '\0';
	for (;;) {
		struct file shadow = *f;

		shadow.kernel_io = true;
		n = f->ops->getdents(&shadow, buf, bufsize);
		f->pos = shadow.pos;
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			const char *name = buf + off + 19;
			unsigned short reclen = *(unsigned short *)(buf + off + 16);

			if (strcmp(name, ".") && strcmp(name, ".."))
				used += (size_t)scnprintf(out + used, size - used, "%s,", name);
			off += reclen;
		}
	}
	file_put(f);
	kfree(buf);
	return n;
}

static uint64_t free_pages_now(void)
{
	slab_shrink_all();
	return page_alloc_free_pages();
}

KTEST(vfs_file_write_read_stat)
{
	static const char msg[] = "hello, tmpfs";
	char buf[32] = { 0 };
	struct stat st;

	KEXPECT_EQ(vfs_mkdir_path("/kt1", 0755), 0);
	KEXPECT_EQ(put_file("/kt1/a", msg, sizeof(msg)), (long)sizeof(msg));
	KEXPECT_EQ(get_file("/kt1/a", buf, sizeof(buf), 0), (long)sizeof(msg));
	KEXPECT(!strcmp(buf, msg));
	KEXPECT_EQ(stat_path("/kt1/a", &st, true), 0);
	KEXPECT_EQ(st.st_size, (long)sizeof(msg));
	KEXPECT_EQ(st.st_mode, S_IFREG | 0644);
	KEXPECT_EQ(st.st_nlink, 1);
	KEXPECT_EQ(get_file("/kt1/a", buf, sizeof(buf), 100), 0);
	KEXPECT_EQ(vfs_mkdir_path("/kt1", 0755), -EEXIST);
	KEXPECT_EQ(vfs_mkdir_path("/kt1/a/b", 0755), -ENOTDIR);
	KEXPECT_EQ(vfs_mkdir_path("/kt1/nope/b", 0755), -ENOENT);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt1"), -ENOTEMPTY);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt1/a"), -ENOTDIR);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt1"), -EISDIR);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt1/a/"), -ENOTDIR);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt1/a"), 0);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt1/a"), -ENOENT);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt1/."), -EINVAL);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt1/"), 0);
}

KTEST(vfs_sparse_file_and_truncate)
{
	char buf[64];
	struct file *f;
	struct stat st;
	struct page *pg;
	uint64_t before = free_pages_now();

	f = vfs_open("/kt2", O_RDWR | O_CREAT | O_EXCL, 0600);
	KEXPECT(!IS_ERR(f));
	KEXPECT_EQ(kernel_write(f, "tail", 4, 3 * PAGE_SIZE + 10), 4);
	KEXPECT_EQ(f->inode->size, 3 * PAGE_SIZE + 14);
	KEXPECT_EQ(f->inode->blocks, PAGE_SIZE / 512);	/* one page: the holes take none */
	memset(buf, 'x', sizeof(buf));
	KEXPECT_EQ(kernel_read(f, buf, sizeof(buf), PAGE_SIZE), 64);
	for (int i = 0; i < 64; i++)
		KEXPECT_EQ(buf[i], 0);
	KEXPECT_EQ(kernel_read(f, buf, sizeof(buf), 3 * PAGE_SIZE + 10), 4);
	KEXPECT(!memcmp(buf, "tail", 4));
	/* The page cache page of a hole is made on demand and is what reads see. */
	pg = file_getpage(f, 1);
	KEXPECT(!IS_ERR_OR_NULL(pg));
	memcpy(page_to_virt(pg), "mm", 2);
	page_put(pg);
	KEXPECT_EQ(kernel_read(f, buf, 2, PAGE_SIZE), 2);
	KEXPECT(!memcmp(buf, "mm", 2));
	KEXPECT(file_getpage(f, 4) == ERR_PTR(-ENXIO));
	/* Shrinking drops pages and clears the cut tail; growing reads zeros there. */
	mutex_lock(&f->inode->lock);
	KEXPECT_EQ(tmpfs_truncate(f->inode, PAGE_SIZE + 1), 0);
	KEXPECT_EQ(tmpfs_truncate(f->inode, 2 * PAGE_SIZE), 0);
	mutex_unlock(&f->inode->lock);
	KEXPECT_EQ(f->inode->blocks, PAGE_SIZE / 512);
	KEXPECT_EQ(kernel_read(f, buf, 2, PAGE_SIZE), 2);
	KEXPECT(!memcmp(buf, "m\0", 2));
	KEXPECT_EQ(vfs_getattr(f, &st), 0);
	KEXPECT_EQ(st.st_size, 2 * PAGE_SIZE);
	file_put(f);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt2"), 0);
	KEXPECT_EQ(free_pages_now(), before);
}

KTEST(vfs_open_flags)
{
	struct file *f;

	KEXPECT_EQ(put_file("/kt3", "x", 1), 1);
	f = vfs_open("/kt3", O_WRONLY | O_CREAT | O_EXCL, 0600);
	KEXPECT(f == ERR_PTR(-EEXIST));
	f = vfs_open("/kt3", O_RDONLY | O_DIRECTORY, 0);
	KEXPECT(f == ERR_PTR(-ENOTDIR));
	f = vfs_open("/kt3/", O_RDONLY, 0);
	KEXPECT(f == ERR_PTR(-ENOTDIR));
	f = vfs_open("/", O_WRONLY, 0);
	KEXPECT(f == ERR_PTR(-EISDIR));
	f = vfs_open("/", O_RDONLY | O_CREAT, 0600);
	KEXPECT(f == ERR_PTR(-EISDIR));
	f = vfs_open("/kt3new/", O_RDWR | O_CREAT, 0600);
	KEXPECT(f == ERR_PTR(-EISDIR));
	f = vfs_open("/kt3", O_RDWR | O_TMPFILE, 0600);
	KEXPECT(f == ERR_PTR(-EOPNOTSUPP));
	f = vfs_open("/kt3", O_WRONLY | O_TRUNC, 0);
	KEXPECT(!IS_ERR(f));
	KEXPECT_EQ(f->inode->size, 0);
	KEXPECT_EQ(f->flags & O_ACCMODE, O_WRONLY);
	KEXPECT_EQ(f->mode, FMODE_WRITE);
	file_put(f);
	f = vfs_open("/kt3", O_PATH, 0);
	KEXPECT(!IS_ERR(f));
	KEXPECT_EQ(f->mode, 0);
	file_put(f);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt3"), 0);
}

KTEST(vfs_symlinks)
{
	struct file *f;
	char buf[8] = { 0 };
	struct stat st;
	char *deep = kmalloc(64);

	KEXPECT_EQ(vfs_mkdir_path("/kt4", 0755), 0);
	KEXPECT_EQ(put_file("/kt4/target", "T", 1), 1);
	KEXPECT_EQ(vfs_symlink_path("target", "/kt4/rel"), 0);
	KEXPECT_EQ(vfs_symlink_path("/kt4", "/kt4/dirlink"), 0);
	KEXPECT_EQ(vfs_symlink_path("loop2", "/kt4/loop1"), 0);
	KEXPECT_EQ(vfs_symlink_path("loop1", "/kt4/loop2"), 0);
	KEXPECT_EQ(vfs_symlink_path("newfile", "/kt4/dangling"), 0);
	KEXPECT_EQ(vfs_symlink_path("", "/kt4/empty"), -ENOENT);
	KEXPECT_EQ(get_file("/kt4/rel", buf, 1, 0), 1);
	KEXPECT_EQ(buf[0], 'T');
	KEXPECT_EQ(get_file("/kt4/dirlink/dirlink/dirlink/rel", buf, 1, 0), 1);
	KEXPECT_EQ(stat_path("/kt4/rel", &st, false), 0);
	KEXPECT(S_ISLNK(st.st_mode));
	KEXPECT_EQ(st.st_size, 6);
	KEXPECT_EQ(stat_path("/kt4/loop1", &st, true), -ELOOP);
	KEXPECT_EQ(stat_path("/kt4/loop1", &st, false), 0);
	KEXPECT_EQ(stat_path("/kt4/dirlink/", &st, false), 0);	/* the slash follows */
	KEXPECT(S_ISDIR(st.st_mode));
	KEXPECT_EQ(stat_path("/kt4/rel/", &st, false), -ENOTDIR);
	f = vfs_open("/kt4/rel", O_RDONLY | O_NOFOLLOW, 0);
	KEXPECT(f == ERR_PTR(-ELOOP));
	/* open(O_CREAT) through a dangling link creates its target. */
	f = vfs_open("/kt4/dangling", O_WRONLY | O_CREAT, 0644);
	KEXPECT(!IS_ERR(f));
	file_put(f);
	KEXPECT_EQ(stat_path("/kt4/newfile", &st, false), 0);
	f = vfs_open("/kt4/rel", O_WRONLY | O_CREAT | O_EXCL, 0644);
	KEXPECT(f == ERR_PTR(-EEXIST));
	/* 40 links are followed, the 41st is ELOOP. */
	for (int i = 0; i < 41; i++) {
		char name[32], target[32];

		snprintf(name, sizeof(name), "/kt4/c%d", i);
		snprintf(target, sizeof(target), i ? "c%d" : "target", i - 1);
		KEXPECT_EQ(vfs_symlink_path(target, name), 0);
	}
	KEXPECT_EQ(stat_path("/kt4/c39", &st, true), 0);
	KEXPECT_EQ(stat_path("/kt4/c40", &st, true), -ELOOP);
	for (int i = 0; i < 41; i++) {
		snprintf(deep, 64, "/kt4/c%d", i);
		KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, deep), 0);
	}
	kfree(deep);
	for (const char *const *n = (const char *const[]){ "target", "rel", "dirlink", "loop1",
							  "loop2", "dangling", "newfile", NULL };
	     *n; n++) {
		char p[32];

		snprintf(p, sizeof(p), "/kt4/%s", *n);
		KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, p), 0);
	}
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt4"), 0);
}

KTEST(vfs_name_limits)
{
	char *name = kmalloc(FS_PATH_MAX + 8);
	struct stat st;

	KEXPECT(name != NULL);
	name[0] = '/';
	memset(name + 1, 'n', 256);
	name[257] = '\0';
	KEXPECT_EQ(vfs_mkdir_path(name, 0755), -ENAMETOOLONG);
	KEXPECT_EQ(stat_path(name, &st, true), -ENAMETOOLONG);
	name[256] = '\0';	/* 255 bytes: fine */
	KEXPECT_EQ(vfs_mkdir_path(name, 0755), 0);
	KEXPECT_EQ(stat_path(name, &st, true), 0);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, name), 0);
	KEXPECT_EQ(stat_path("", &st, true), -ENOENT);
	KEXPECT_EQ(stat_path("/..", &st, true), 0);
	KEXPECT_EQ(st.st_ino, 1);	/* ".." at the root is the root */
	kfree(name);
}

KTEST(vfs_rename_rules)
{
	struct stat st, st2;
	char buf[4] = { 0 };

	KEXPECT_EQ(vfs_mkdir_path("/kt5", 0755), 0);
	KEXPECT_EQ(vfs_mkdir_path("/kt5/d1", 0755), 0);
	KEXPECT_EQ(vfs_mkdir_path("/kt5/d1/sub", 0755), 0);
	KEXPECT_EQ(vfs_mkdir_path("/kt5/d2", 0755), 0);
	KEXPECT_EQ(put_file("/kt5/f1", "1", 1), 1);
	KEXPECT_EQ(put_file("/kt5/f2", "2", 1), 1);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/d1", AT_FDCWD, "/kt5/d1/sub/x", 0), -EINVAL);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/f1", AT_FDCWD, "/kt5/d2", 0), -EISDIR);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/d2", AT_FDCWD, "/kt5/f1", 0), -ENOTDIR);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/d2", AT_FDCWD, "/kt5/d1", 0), -ENOTEMPTY);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/f1", AT_FDCWD, "/kt5/f2", RENAME_NOREPLACE),
		   -EEXIST);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/none", AT_FDCWD, "/kt5/x", 0), -ENOENT);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/f1", AT_FDCWD, "/kt5/.", 0), -EBUSY);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/f1/", AT_FDCWD, "/kt5/f3", 0), -ENOTDIR);
	/* Exchange, then replace a file, then move a directory to a new parent. */
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/f1", AT_FDCWD, "/kt5/f2", RENAME_EXCHANGE), 0);
	KEXPECT_EQ(get_file("/kt5/f1", buf, 1, 0), 1);
	KEXPECT_EQ(buf[0], '2');
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/f1", AT_FDCWD, "/kt5/f2", 0), 0);
	KEXPECT_EQ(stat_path("/kt5/f1", &st, false), -ENOENT);
	KEXPECT_EQ(get_file("/kt5/f2", buf, 1, 0), 1);
	KEXPECT_EQ(buf[0], '2');
	KEXPECT_EQ(stat_path("/kt5/d2", &st, false), 0);
	KEXPECT_EQ(st.st_nlink, 2);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/d1/sub", AT_FDCWD, "/kt5/d2/moved", 0), 0);
	KEXPECT_EQ(stat_path("/kt5/d2", &st, false), 0);
	KEXPECT_EQ(st.st_nlink, 3);
	KEXPECT_EQ(stat_path("/kt5/d1", &st2, false), 0);
	KEXPECT_EQ(st2.st_nlink, 2);
	KEXPECT_EQ(stat_path("/kt5/d2/moved/..", &st2, false), 0);
	KEXPECT_EQ(st2.st_ino, st.st_ino);
	/* A directory over an empty one. */
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt5/d2/moved", AT_FDCWD, "/kt5/d1", 0), 0);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt5/d1"), 0);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt5/d2"), 0);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt5/f2"), 0);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt5"), 0);
}

KTEST(vfs_hard_links_and_open_unlinked)
{
	struct file *f;
	struct stat st;
	char buf[4] = { 0 };

	KEXPECT_EQ(put_file("/kt6", "abc", 3), 3);
	KEXPECT_EQ(vfs_link_path("/kt6", "/kt6b"), 0);
	KEXPECT_EQ(vfs_link_path("/kt6", "/kt6b"), -EEXIST);
	KEXPECT_EQ(vfs_link_path("/", "/kt6c"), -EPERM);
	KEXPECT_EQ(stat_path("/kt6", &st, false), 0);
	KEXPECT_EQ(st.st_nlink, 2);
	f = vfs_open("/kt6b", O_RDONLY, 0);
	KEXPECT(!IS_ERR(f));
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt6"), 0);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt6b"), 0);
	KEXPECT_EQ(f->inode->nlink, 0);
	KEXPECT_EQ(kernel_read(f, buf, 3, 0), 3);
	KEXPECT(!memcmp(buf, "abc", 3));
	{
		char *path = kmalloc(FS_PATH_MAX);
		char *s = file_path(f, path, FS_PATH_MAX);

		KEXPECT(!strcmp(s, "/kt6b (deleted)"));
		kfree(path);
	}
	file_put(f);
}

KTEST(vfs_mounts_cross_both_ways)
{
	struct path p, q;
	struct stat st;
	struct file *f;
	char *buf = kmalloc(FS_PATH_MAX);

	KEXPECT_EQ(vfs_mkdir_path("/kt7", 0755), 0);
	KEXPECT_EQ(vfs_mount("none", "/kt7", "tmpfs", 0, "size=64k,mode=0700"), 0);
	KEXPECT_EQ(vfs_mount("none", "/kt7", "nosuchfs", 0, NULL), -ENODEV);
	KEXPECT_EQ(vfs_mount("none", "/kt7", "tmpfs", 0, "bogus=1"), -EINVAL);
	KEXPECT_EQ(stat_path("/kt7", &st, true), 0);
	KEXPECT_EQ(st.st_mode, S_IFDIR | 0700);
	KEXPECT_EQ(vfs_mkdir_path("/kt7/in", 0755), 0);
	KEXPECT_EQ(path_lookup_at(AT_FDCWD, "/kt7/in/../..", LOOKUP_FOLLOW, &p), 0);
	vfs_root_path(&q);
	KEXPECT(path_equal(&p, &q));
	path_put(&q);
	path_put(&p);
	KEXPECT_EQ(path_lookup_at(AT_FDCWD, "/kt7/in", LOOKUP_FOLLOW, &p), 0);
	fs_current_root(&q);
	KEXPECT(!strcmp(d_path(&p, &q, buf, FS_PATH_MAX, false), "/kt7/in"));
	path_put(&q);
	{
		struct statfs sf;

		KEXPECT_EQ(vfs_statfs(&p, &sf), 0);
		KEXPECT_EQ(sf.f_type, TMPFS_MAGIC);
		KEXPECT_EQ(sf.f_blocks, 16);
	}
	path_put(&p);
	/* The size limit: 16 pages. */
	f = vfs_open("/kt7/big", O_WRONLY | O_CREAT, 0644);
	KEXPECT(!IS_ERR(f));
	KEXPECT_EQ(kernel_write(f, buf, PAGE_SIZE, 15 * PAGE_SIZE), PAGE_SIZE);
	KEXPECT_EQ(kernel_write(f, buf, PAGE_SIZE, 40 * PAGE_SIZE), PAGE_SIZE);
	{
		long n = 0;

		for (int i = 0; i < 20 && n >= 0; i++)
			n = kernel_write(f, buf, PAGE_SIZE, (uint64_t)i * PAGE_SIZE);
		KEXPECT_EQ(n, -ENOSPC);
	}
	/* Busy while the file is open, or with a mount on it. */
	KEXPECT_EQ(path_lookup_at(AT_FDCWD, "/kt7", LOOKUP_FOLLOW, &p), 0);
	KEXPECT_EQ(do_umount(&p, 0), -EBUSY);
	file_put(f);
	KEXPECT_EQ(vfs_mount("none", "/kt7/in", "ramfs", 0, NULL), 0);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt7/in"), -EBUSY);
	KEXPECT_EQ(do_umount(&p, 0), -EBUSY);
	KEXPECT_EQ(vfs_renameat(AT_FDCWD, "/kt7/big", AT_FDCWD, "/kt7b", 0), -EXDEV);
	KEXPECT_EQ(vfs_link_path("/kt7/big", "/kt7b"), -EXDEV);
	{
		struct path in;

		KEXPECT_EQ(path_lookup_at(AT_FDCWD, "/kt7/in", LOOKUP_FOLLOW, &in), 0);
		KEXPECT_EQ(do_umount(&in, 0), 0);
		path_put(&in);
	}
	KEXPECT_EQ(do_umount(&p, 0), 0);
	path_put(&p);
	KEXPECT_EQ(stat_path("/kt7", &st, true), 0);
	KEXPECT_EQ(st.st_mode, S_IFDIR | 0755);
	KEXPECT_EQ(stat_path("/kt7/in", &st, true), -ENOENT);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt7"), 0);
	kfree(buf);
}

KTEST(vfs_readdir_survives_removal)
{
	char *names = kmalloc(4096);
	char path[32];

	KEXPECT_EQ(vfs_mkdir_path("/kt8", 0755), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/kt8/f%03d", i);
		KEXPECT_EQ(put_file(path, "", 0), 0);
	}
	/* A small buffer takes many passes; every name comes exactly once. */
	KEXPECT_EQ(list_dir("/kt8", names, 4096, 64), 0);
	KEXPECT_EQ(strlen(names), 500);
	KEXPECT(!strncmp(names, "f000,f001,", 10));
	/* rm -r pattern: read a few, remove them, read on. */
	{
		struct file *f = vfs_open("/kt8", O_RDONLY | O_DIRECTORY, 0);
		char *buf = kmalloc(256);
		int seen = 0;
		long n;

		KEXPECT(!IS_ERR(f));
		for (;;) {
			struct file shadow = *f;

			shadow.kernel_io = true;
			n = f->ops->getdents(&shadow, buf, 256);
			f->pos = shadow.pos;
			if (n <= 0)
				break;
			for (long off = 0; off < n;) {
				const char *name = buf + off + 19;

				if (name[0] == 'f') {
					snprintf(path, sizeof(path), "/kt8/%s", name);
					KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, path), 0);
					seen++;
				}
				off += *(unsigned short *)(buf + off + 16);
			}
		}
		KEXPECT_EQ(n, 0);
		KEXPECT_EQ(seen, 100);
		kfree(buf);
		file_put(f);
	}
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt8"), 0);
	kfree(names);
}

/* The part of the permission test run as users; the caller restores the ids. */
static void permissions_as_users(struct ktest_ctx *ktest_ctx, struct process *p)
{
	struct file *f;
	struct stat st;

	p->fsuid = 1000;
	p->fsgid = 1000;
	f = vfs_open("/kt9/secret", O_WRONLY, 0);
	KEXPECT(f == ERR_PTR(-EACCES));
	KEXPECT_EQ(vfs_mkdir_path("/kt9/x", 0755), -EACCES);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt9/secret"), -EACCES);
	KEXPECT_EQ(put_file("/kt9/tmp/mine", "m", 1), 1);
	KEXPECT_EQ(stat_path("/kt9/tmp/mine", &st, false), 0);
	KEXPECT_EQ(st.st_uid, 1000);
	p->fsuid = 1001;
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt9/tmp/mine"), -EPERM);	/* sticky */
	p->fsuid = 0;
	{
		struct path pp;

		KEXPECT_EQ(path_lookup_at(AT_FDCWD, "/kt9", 0, &pp), 0);
		KEXPECT_EQ(vfs_chmod(&pp, 0700), 0);
		p->fsuid = 1000;
		KEXPECT_EQ(vfs_chmod(&pp, 0777), -EPERM);
		path_put(&pp);
	}
	KEXPECT_EQ(stat_path("/kt9/secret", &st, false), -EACCES);
}

KTEST(vfs_permissions_for_a_user)
{
	struct process *p = current_task()->proc;
	int saved_uid = p->fsuid, saved_gid = p->fsgid;
	struct path tmp;

	KEXPECT_EQ(vfs_mkdir_path("/kt9", 0755), 0);
	KEXPECT_EQ(put_file("/kt9/secret", "s", 1), 1);
	KEXPECT_EQ(vfs_mkdir_path("/kt9/tmp", 0777), 0);
	KEXPECT_EQ(path_lookup_at(AT_FDCWD, "/kt9/tmp", 0, &tmp), 0);
	KEXPECT_EQ(vfs_chmod(&tmp, 01777), 0);	/* mkdir's mode went through the umask */
	path_put(&tmp);
	permissions_as_users(ktest_ctx, p);
	p->fsuid = saved_uid;
	p->fsgid = saved_gid;
	if (ktest_ctx->failed)
		return;
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt9/tmp/mine"), 0);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt9/tmp"), 0);
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt9/secret"), 0);
	KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt9"), 0);
}

KTEST(vfs_dev_nodes)
{
	struct stat st;
	struct file *f;

	KEXPECT_EQ(stat_path("/dev", &st, true), 0);
	KEXPECT(S_ISDIR(st.st_mode));
	KEXPECT_EQ(vfs_mknodat(AT_FDCWD, "/kt10", S_IFCHR | 0600, MKDEV(250, 250)), 0);
	f = vfs_open("/kt10", O_RDONLY, 0);
	KEXPECT(f == ERR_PTR(-ENXIO));
	KEXPECT_EQ(stat_path("/kt10", &st, false), 0);
	KEXPECT_EQ(st.st_rdev, vfs_encode_dev(250, 250));
	KEXPECT_EQ(vfs_unlinkat(AT_FDCWD, "/kt10"), 0);
	KEXPECT_EQ(vfs_mknodat(AT_FDCWD, "/kt10", S_IFDIR | 0600, 0), -EPERM);
}

KTEST(vfs_leaves_no_pages_behind)
{
	static const char zeros[PAGE_SIZE / 2];
	uint64_t before = free_pages_now();
	char path[32];

	for (int round = 0; round < 3; round++) {
		KEXPECT_EQ(vfs_mkdir_path("/kt11", 0755), 0);
		KEXPECT_EQ(vfs_mount("none", "/kt11", "tmpfs", 0, NULL), 0);
		for (int i = 0; i < 20; i++) {
			snprintf(path, sizeof(path), "/kt11/d%d", i);
			KEXPECT_EQ(vfs_mkdir_path(path, 0755), 0);
			snprintf(path, sizeof(path), "/kt11/d%d/f", i);
			KEXPECT_EQ(put_file(path, zeros, sizeof(zeros)), (long)sizeof(zeros));
		}
		{
			struct path p;

			KEXPECT_EQ(path_lookup_at(AT_FDCWD, "/kt11", LOOKUP_FOLLOW, &p), 0);
			KEXPECT_EQ(do_umount(&p, 0), 0);
			path_put(&p);
		}
		KEXPECT_EQ(vfs_rmdirat(AT_FDCWD, "/kt11"), 0);
	}
	KEXPECT_EQ(free_pages_now(), before);
}
