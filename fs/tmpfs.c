/*
 * tmpfs: a file system whose whole state is the dcache and the page cache.
 * Directories are their dentries (each pinned until its name goes); a
 * regular file's data is a radix tree of pages, so reading and writing copy
 * through the same pages that mmap maps (getpage). Holes read as zeros and
 * take no pages; truncation frees pages. Each instance is limited to half
 * of RAM (size=, nr_inodes= change that) and reports TMPFS_MAGIC; "ramfs"
 * is the same without limits.
 *
 * Locking: namespace operations run under the directory's inode mutex
 * (taken by the VFS); data and size under the file's inode mutex; the page
 * tree under a per-file spinlock so the fault path (getpage) needs no
 * mutex.
 */
#define pr_fmt(fmt) "tmpfs: " fmt

#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/kprintf.h>
#include <ferrite/page_alloc.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/uaccess.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include "pagetree.h"
#include "tmpfs_opts.h"


#define BOGO_DIRENT_SIZE 20	/* what each entry adds to a directory's size, as Linux's shmem */

struct tmpfs_info {
	uint64_t max_pages;		/* [I] 0: unlimited */
	uint64_t max_inodes;		/* [I] 0: unlimited */
	uint64_t used_pages;		/* [a] */
	uint64_t used_inodes;		/* [a] */
	uint64_t default_limit;		/* [I] half of RAM: not shown in /proc/mounts */
	bool ramfs;			/* [I] */
};

/* inode->private of regular files and symlinks. */
struct tmpfs_node {
	struct spinlock lock;
	struct ptree pages;		/* [T] of struct page *, one reference each */
	char *target;			/* [I] symlink body */
};

static const struct inode_ops tmpfs_dir_iops, tmpfs_file_iops, tmpfs_symlink_iops,
	tmpfs_special_iops;
static const struct file_ops tmpfs_dir_fops, tmpfs_file_fops;
static const struct super_ops tmpfs_super_ops;

static struct tmpfs_info *info_of(struct super_block *sb)
{
	return sb->fs_info;
}

/* Charge @n pages to the instance; false when over its size. */
static bool charge_pages(struct tmpfs_info *ti, uint64_t n)
{
	uint64_t used = __atomic_add_fetch(&ti->used_pages, n, __ATOMIC_RELAXED);

	if (ti->max_pages && used > ti->max_pages) {
		__atomic_sub_fetch(&ti->used_pages, n, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

static void uncharge_pages(struct tmpfs_info *ti, uint64_t n)
{
	__atomic_sub_fetch(&ti->used_pages, n, __ATOMIC_RELAXED);
}

/* A new inode for @dir's file system, owned by the caller. -ENOSPC past nr_inodes. */
static struct inode *tmpfs_new_inode(struct super_block *sb, struct inode *dir, unsigned int mode,
				     unsigned int rdev)
{
	struct tmpfs_info *ti = info_of(sb);
	uint64_t n = __atomic_add_fetch(&ti->used_inodes, 1, __ATOMIC_RELAXED);
	struct inode *inode;

	if (ti->max_inodes && n > ti->max_inodes)
		goto out_uncharge;
	inode = inode_alloc(sb, mode);
	if (!inode)
		goto out_uncharge;
	inode_init_owner(inode, dir, &mode);
	inode->mode = mode;
	inode->rdev = rdev;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		inode->iops = &tmpfs_dir_iops;
		inode->fops = &tmpfs_dir_fops;
		inode->nlink = 2;
		inode->size = 2 * BOGO_DIRENT_SIZE;
		return inode;
	case S_IFREG:
	case S_IFLNK:
		inode->private = kzalloc(sizeof(struct tmpfs_node));
		if (!inode->private) {
			inode_put(inode);	/* evict uncharges the inode */
			return ERR_PTR(-ENOMEM);
		}
		spin_lock_init(&((struct tmpfs_node *)inode->private)->lock, "tmpfs_pages");
		inode->iops = S_ISREG(mode) ? &tmpfs_file_iops : &tmpfs_symlink_iops;
		inode->fops = S_ISREG(mode) ? &tmpfs_file_fops : NULL;
		return inode;
	default:
		inode->iops = &tmpfs_special_iops;
		return inode;
	}
out_uncharge:
	__atomic_sub_fetch(&ti->used_inodes, 1, __ATOMIC_RELAXED);
	return ERR_PTR(n > ti->max_inodes && ti->max_inodes ? -ENOSPC : -ENOMEM);
}

/* Give new @inode the name @d in @dir: instantiate, pin, account. Dir mutex held. */
static void tmpfs_add_name(struct inode *dir, struct dentry *d, struct inode *inode)
{
	d_instantiate(d, inode);
	d_pin(d);
	dir->size += BOGO_DIRENT_SIZE;
	inode_touch(dir, true);
}

static int tmpfs_mknod(struct inode *dir, struct dentry *d, unsigned int mode, unsigned int rdev)
{
	struct inode *inode = tmpfs_new_inode(dir->sb, dir, mode, rdev);

	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	if (S_ISDIR(mode))
		dir->nlink++;
	tmpfs_add_name(dir, d, inode);
	return 0;
}

static int tmpfs_create(struct inode *dir, struct dentry *d, unsigned int mode)
{
	return tmpfs_mknod(dir, d, (mode & 07777) | S_IFREG, 0);
}

static int tmpfs_mkdir(struct inode *dir, struct dentry *d, unsigned int mode)
{
	return tmpfs_mknod(dir, d, (mode & 07777) | S_IFDIR, 0);
}

static int tmpfs_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	size_t len = strlen(target);
	struct inode *inode = tmpfs_new_inode(dir->sb, dir, S_IFLNK | 0777, 0);
	struct tmpfs_node *tn;

	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	tn = inode->private;
	tn->target = kmalloc(len + 1);
	if (!tn->target) {
		inode_put(inode);
		return -ENOMEM;
	}
	memcpy(tn->target, target, len + 1);
	inode->size = len;
	tmpfs_add_name(dir, d, inode);
	return 0;
}

static int tmpfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *inode = old->inode;

	inode->nlink++;
	inode_touch(inode, false);
	tmpfs_add_name(dir, d, inode_get(inode));
	return 0;
}

/* Take name @d out of @dir (counts and pin); the VFS detaches it. */
static void tmpfs_drop_name(struct inode *dir, struct dentry *d)
{
	dir->size -= BOGO_DIRENT_SIZE;
	inode_touch(dir, true);
	d_unpin(d);
}

static int tmpfs_unlink(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->inode;

	inode->nlink--;
	inode_touch(inode, false);
	tmpfs_drop_name(dir, d);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->inode;

	inode->nlink = 0;
	inode_touch(inode, false);
	dir->nlink--;
	tmpfs_drop_name(dir, d);
	return 0;
}

static int tmpfs_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
			struct dentry *nd, unsigned int flags)
{
	struct inode *src = od->inode, *victim = nd->inode;
	bool src_dir = S_ISDIR(src->mode);

	if (flags & RENAME_EXCHANGE) {
		bool vic_dir = S_ISDIR(victim->mode);

		if (odir != ndir && src_dir != vic_dir) {
			/* A directory changes parents: move its ".." link count. */
			if (src_dir) {
				odir->nlink--;
				ndir->nlink++;
			} else {
				ndir->nlink--;
				odir->nlink++;
			}
		}
		inode_touch(victim, false);
	} else {
		if (victim) {
			if (S_ISDIR(victim->mode)) {
				victim->nlink = 0;
				ndir->nlink--;
			} else {
				victim->nlink--;
			}
			inode_touch(victim, false);
			ndir->size -= BOGO_DIRENT_SIZE;
			d_unpin(nd);
		}
		if (src_dir && odir != ndir) {
			odir->nlink--;
			ndir->nlink++;
		}
		odir->size -= BOGO_DIRENT_SIZE;
		ndir->size += BOGO_DIRENT_SIZE;
	}
	inode_touch(src, false);
	inode_touch(odir, true);
	inode_touch(ndir, true);
	return 0;
}

static int tmpfs_setattr(struct dentry *d, struct iattr *ia)
{
	struct inode *inode = d->inode;
	int err;

	if (ia->valid & ATTR_SIZE) {
		if (!S_ISREG(inode->mode))
			return -EINVAL;
		err = tmpfs_truncate(inode, ia->size);
		if (err)
			return err;
	}
	generic_setattr_fields(inode, ia);
	return 0;
}

static long tmpfs_readlink(struct dentry *d, char *buf, size_t size)
{
	struct tmpfs_node *tn = d->inode->private;
	size_t len = strlen(tn->target);

	len = MIN(len, size);
	memcpy(buf, tn->target, len);
	return (long)len;
}

/* ---- file data ---- */

static void free_page_cb(void *item, void *arg)
{
	struct inode *inode = arg;

	page_put(item);
	uncharge_pages(info_of(inode->sb), 1);
	__atomic_sub_fetch(&inode->blocks, PAGE_SIZE / 512, __ATOMIC_RELAXED);
}

/* Pages a file of @size bytes spans. */
static uint64_t size_pages(uint64_t size)
{
	return (size + PAGE_SIZE - 1) / PAGE_SIZE;
}

/*
 * The page at @index, allocated (zeroed) when @alloc and absent, with a
 * reference for the caller when @get. With @mapping (getpage), an index at
 * or past the end is -ENXIO, checked under the tree lock, which truncation
 * holds while it shrinks the size and frees pages. NULL or ERR_PTR.
 */
static struct page *tmpfs_page_get(struct inode *inode, uint64_t index, bool alloc, bool get,
				   bool mapping)
{
	struct tmpfs_node *tn = inode->private;
	struct page *pg;
	int err = 0;

	spin_lock(&tn->lock);
	if (mapping && index >= size_pages(READ_ONCE(inode->size))) {
		spin_unlock(&tn->lock);
		return ERR_PTR(-ENXIO);
	}
	pg = ptree_lookup(&tn->pages, index);
	if (!pg && alloc) {
		if (!charge_pages(info_of(inode->sb), 1)) {
			err = -ENOSPC;
		} else if (!(pg = page_alloc_zeroed(0))) {
			uncharge_pages(info_of(inode->sb), 1);
			err = -ENOMEM;
		} else if ((err = ptree_insert(&tn->pages, index, pg))) {
			page_put(pg);
			pg = NULL;
			uncharge_pages(info_of(inode->sb), 1);
		} else {
			__atomic_add_fetch(&inode->blocks, PAGE_SIZE / 512, __ATOMIC_RELAXED);
		}
	}
	if (pg && get)
		page_get(pg);
	spin_unlock(&tn->lock);
	return err ? ERR_PTR(err) : pg;
}

static struct page *tmpfs_page(struct inode *inode, uint64_t index, bool alloc, bool get)
{
	return tmpfs_page_get(inode, index, alloc, get, false);
}

static struct page *tmpfs_getpage(struct inode *inode, uint64_t index)
{
	return tmpfs_page_get(inode, index, true, true, true);
}

/* Zero bytes [from, page end) of the page holding offset @from, if it exists. */
static void zero_tail(struct inode *inode, uint64_t from)
{
	struct page *pg;

	if (!(from % PAGE_SIZE))
		return;
	pg = tmpfs_page(inode, from / PAGE_SIZE, false, false);
	if (!IS_ERR_OR_NULL(pg))
		memset((char *)page_to_virt(pg) + from % PAGE_SIZE, 0,
		       PAGE_SIZE - from % PAGE_SIZE);
}

int tmpfs_truncate(struct inode *inode, uint64_t size)
{
	struct tmpfs_node *tn = inode->private;
	uint64_t old = inode->size;

	WARN_ON(!mutex_is_held(&inode->lock));
	if (size > FS_MAX_FILESIZE)
		return -EFBIG;
	if (size < old) {
		spin_lock(&tn->lock);
		WRITE_ONCE(inode->size, size);
		ptree_truncate(&tn->pages, size_pages(size), free_page_cb, inode);
		spin_unlock(&tn->lock);
		zero_tail(inode, size);
	} else if (size > old) {
		zero_tail(inode, old);	/* mmap may have written past the old end */
		WRITE_ONCE(inode->size, size);
	}
	inode_touch(inode, true);
	return 0;
}

/* Zero [from, to) inside one page, if that page exists. */
static void zero_range(struct inode *inode, uint64_t from, uint64_t to)
{
	struct page *pg;

	if (from >= to)
		return;
	pg = tmpfs_page(inode, from / PAGE_SIZE, false, false);
	if (!IS_ERR_OR_NULL(pg))
		memset((char *)page_to_virt(pg) + from % PAGE_SIZE, 0, to - from);
}

/* FALLOC_FL_PUNCH_HOLE: zero the partial pages at the edges, free the whole ones. */
static void punch_hole(struct inode *inode, uint64_t off, uint64_t end)
{
	struct tmpfs_node *tn = inode->private;
	/* The whole pages are [first, last). */
	uint64_t first = size_pages(off), last = end / PAGE_SIZE;
	int64_t idx;

	if (first > last) {
		zero_range(inode, off, end);	/* inside one page */
		return;
	}
	zero_range(inode, off, first * PAGE_SIZE);
	zero_range(inode, last * PAGE_SIZE, end);
	spin_lock(&tn->lock);
	while ((idx = ptree_next(&tn->pages, first)) >= 0 && (uint64_t)idx < last) {
		free_page_cb(ptree_remove(&tn->pages, (uint64_t)idx), inode);
		first = (uint64_t)idx + 1;
	}
	spin_unlock(&tn->lock);
}

static int tmpfs_fallocate(struct inode *inode, int mode, uint64_t off, uint64_t len)
{
	uint64_t end = off + len;

	WARN_ON(!mutex_is_held(&inode->lock));
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		punch_hole(inode, off, end);
		inode_touch(inode, true);
		return 0;
	}
	for (uint64_t idx = off / PAGE_SIZE; idx < size_pages(end); idx++) {
		struct page *pg = tmpfs_page(inode, idx, true, false);

		if (IS_ERR(pg))
			return (int)PTR_ERR(pg);
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > inode->size) {
		zero_tail(inode, inode->size);
		WRITE_ONCE(inode->size, end);
		inode_touch(inode, true);
	} else {
		inode_touch(inode, false);
	}
	return 0;
}

static long tmpfs_read(struct file *f, char *ubuf, size_t len, uint64_t *pos)
{
	struct inode *inode = f->inode;
	size_t done = 0;
	long err = 0;

	mutex_lock(&inode->lock);
	while (done < len && *pos < inode->size) {
		uint64_t off = *pos % PAGE_SIZE;
		size_t n = MIN(len - done, PAGE_SIZE - off);
		struct page *pg = tmpfs_page(inode, *pos / PAGE_SIZE, false, false);

		n = MIN(n, inode->size - *pos);
		if (pg)
			err = file_copy_out(f, ubuf + done, (char *)page_to_virt(pg) + off, n);
		else if (f->kernel_io)
			memset(ubuf + done, 0, n);
		else
			err = clear_user(ubuf + done, n);
		if (err)
			break;
		done += n;
		*pos += n;
	}
	file_accessed(f);
	mutex_unlock(&inode->lock);
	return done ? (long)done : err;
}

/* A write by someone other than root drops setuid, and setgid of group-executable files. */
static void kill_suid(struct inode *inode)
{
	unsigned int mode = inode->mode;

	if (fs_cred_current(false).uid == 0)
		return;
	if (mode & S_ISUID)
		mode &= ~S_ISUID;
	if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		mode &= ~S_ISGID;
	inode->mode = mode;
}

/* Copy @n bytes into the page at *pos; 0 or -errno. Inode mutex held. */
static int write_chunk(struct file *f, const char *ubuf, size_t n, uint64_t pos)
{
	struct inode *inode = f->inode;
	struct page *pg = tmpfs_page(inode, pos / PAGE_SIZE, true, false);
	char *dst;

	if (IS_ERR(pg))
		return (int)PTR_ERR(pg);
	dst = (char *)page_to_virt(pg) + pos % PAGE_SIZE;
	if (file_copy_in(f, dst, ubuf, n)) {
		/* Past the end nothing may stay but zeros (a later extension shows them). */
		if (pos >= inode->size)
			memset(dst, 0, n);
		else if (pos + n > inode->size)
			memset(dst + (inode->size - pos), 0, pos + n - inode->size);
		return -EFAULT;
	}
	return 0;
}

static long tmpfs_write(struct file *f, const char *ubuf, size_t len, uint64_t *pos)
{
	struct inode *inode = f->inode;
	size_t done = 0;
	int err = 0;

	mutex_lock(&inode->lock);
	if (f->flags & O_APPEND)
		*pos = inode->size;
	if (*pos >= FS_MAX_FILESIZE) {
		err = -EFBIG;
		goto out;
	}
	len = MIN(len, FS_MAX_FILESIZE - *pos);
	if (inode->size < *pos)
		zero_tail(inode, inode->size);
	while (done < len) {
		size_t n = MIN(len - done, PAGE_SIZE - *pos % PAGE_SIZE);

		err = write_chunk(f, ubuf + done, n, *pos);
		if (err)
			break;
		done += n;
		*pos += n;
		if (*pos > inode->size)
			WRITE_ONCE(inode->size, *pos);
	}
	if (done) {
		inode_touch(inode, true);
		kill_suid(inode);
	}
out:
	mutex_unlock(&inode->lock);
	return done ? (long)done : err;
}

/* ---- superblock ---- */

static void tmpfs_evict(struct inode *inode)
{
	struct tmpfs_node *tn = inode->private;

	if (tn) {
		ptree_truncate(&tn->pages, 0, free_page_cb, inode);
		kfree(tn->target);
		kfree(tn);
	}
	__atomic_sub_fetch(&info_of(inode->sb)->used_inodes, 1, __ATOMIC_RELAXED);
}

/* Unpin every dentry below the root, deepest first, without recursion. */
static void tmpfs_kill_sb(struct super_block *sb)
{
	struct dentry *root = sb->root;

	while (root) {
		struct dentry *d = root;

		spin_lock(&dcache_lock);
		while (!list_empty(&d->children))
			d = list_first_entry(&d->children, struct dentry, child_node);
		if (d != root)
			dentry_get(d);
		spin_unlock(&dcache_lock);
		if (d == root)
			break;
		d_detach(d);
		d_unpin(d);
		dentry_put(d);
	}
}

static void tmpfs_put_super(struct super_block *sb)
{
	kfree(sb->fs_info);
}

static int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct tmpfs_info *ti = info_of(sb);
	uint64_t used = __atomic_load_n(&ti->used_pages, __ATOMIC_RELAXED);
	uint64_t inodes = __atomic_load_n(&ti->used_inodes, __ATOMIC_RELAXED);

	if (ti->ramfs)
		return 0;	/* ramfs reports no sizes, as on Linux */
	if (ti->max_pages) {
		st->blocks = ti->max_pages;
		st->bfree = st->bavail = ti->max_pages > used ? ti->max_pages - used : 0;
	}
	if (ti->max_inodes) {
		st->files = ti->max_inodes;
		st->ffree = ti->max_inodes > inodes ? ti->max_inodes - inodes : 0;
	}
	return 0;
}

static void tmpfs_show_options(struct super_block *sb, char *buf, size_t size)
{
	struct tmpfs_info *ti = info_of(sb);
	struct inode *root = sb->root->inode;
	size_t n = 0;

	buf[0] = '\0';
	if (ti->max_pages != ti->default_limit)
		n += scnprintf(buf + n, size - n, ",size=%lluk",
			       (unsigned long long)(ti->max_pages * (PAGE_SIZE / 1024)));
	if (ti->max_inodes != ti->default_limit)
		n += scnprintf(buf + n, size - n, ",nr_inodes=%llu",
			       (unsigned long long)ti->max_inodes);
	if ((root->mode & 07777) != 01777)
		n += scnprintf(buf + n, size - n, ",mode=%o", root->mode & 07777);
	if (root->uid)
		n += scnprintf(buf + n, size - n, ",uid=%d", root->uid);
	if (root->gid)
		scnprintf(buf + n, size - n, ",gid=%d", root->gid);
}

static int tmpfs_remount(struct super_block *sb, const char *data)
{
	struct tmpfs_info *ti = info_of(sb);
	struct tmpfs_opts o = { .max_pages = ti->max_pages, .max_inodes = ti->max_inodes };
	const char *bad = "";

	if (tmpfs_parse_opts(data, page_alloc_total_pages(), &o, &bad)) {
		pr_warn("bad mount option at '%s'\n", bad);
		return -EINVAL;
	}
	if (o.has_mode || o.has_uid || o.has_gid)
		return -EINVAL;		/* Linux refuses these on remount too */
	if ((o.max_pages && o.max_pages < __atomic_load_n(&ti->used_pages, __ATOMIC_RELAXED)) ||
	    (o.max_inodes && o.max_inodes < __atomic_load_n(&ti->used_inodes, __ATOMIC_RELAXED)))
		return -EINVAL;
	ti->max_pages = o.max_pages;
	ti->max_inodes = o.max_inodes;
	return 0;
}

struct super_block *tmpfs_create_sb(const struct fs_type *type, const char *data,
				    unsigned int root_mode)
{
	bool ramfs = !strcmp(type->name, "ramfs");
	uint64_t half = page_alloc_total_pages() / 2;
	struct tmpfs_opts o = { .max_pages = ramfs ? 0 : half, .max_inodes = ramfs ? 0 : half,
				.mode = root_mode };
	const char *bad = "";
	struct super_block *sb;
	struct tmpfs_info *ti;
	struct inode *root;

	if (tmpfs_parse_opts(data, page_alloc_total_pages(), &o, &bad)) {
		pr_warn("bad mount option at '%s'\n", bad);
		return ERR_PTR(-EINVAL);
	}
	ti = kzalloc(sizeof(*ti));
	sb = ti ? sb_create(type, &tmpfs_super_ops, ramfs ? RAMFS_MAGIC : TMPFS_MAGIC) : NULL;
	if (!sb) {
		kfree(ti);
		return ERR_PTR(-ENOMEM);
	}
	ti->max_pages = o.max_pages;
	ti->max_inodes = o.max_inodes;
	ti->default_limit = ramfs ? 0 : half;
	ti->ramfs = ramfs;
	sb->fs_info = ti;
	root = tmpfs_new_inode(sb, NULL, S_IFDIR | (o.mode & 07777), 0);
	if (IS_ERR(root)) {
		sb_put(sb);
		return ERR_PTR(PTR_ERR(root));
	}
	root->uid = o.has_uid ? o.uid : 0;
	root->gid = o.has_gid ? o.gid : 0;
	return sb_set_root(sb, root);
}

static struct super_block *tmpfs_mount(const struct fs_type *type, const char *source __unused,
				       unsigned long flags __unused, const char *data)
{
	return tmpfs_create_sb(type, data, 01777);
}

static const struct inode_ops tmpfs_dir_iops = {
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.mknod = tmpfs_mknod,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
};

static const struct inode_ops tmpfs_file_iops = {
	.setattr = tmpfs_setattr,
	.getpage = tmpfs_getpage,
	.fallocate = tmpfs_fallocate,
};

static const struct inode_ops tmpfs_symlink_iops = {
	.setattr = tmpfs_setattr,
	.readlink = tmpfs_readlink,
};

static const struct inode_ops tmpfs_special_iops = {
	.setattr = tmpfs_setattr,
};

static const struct file_ops tmpfs_file_fops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.llseek = generic_file_llseek,
	.fsync = generic_fsync_noop,
};

static const struct file_ops tmpfs_dir_fops = {
	.getdents = dcache_getdents,
	.llseek = generic_dir_llseek,
	.fsync = generic_fsync_noop,
};

static const struct super_ops tmpfs_super_ops = {
	.statfs = tmpfs_statfs,
	.evict_inode = tmpfs_evict,
	.kill_sb = tmpfs_kill_sb,
	.put_super = tmpfs_put_super,
	.remount = tmpfs_remount,
	.show_options = tmpfs_show_options,
};

const struct fs_type tmpfs_type = { .name = "tmpfs", .mount = tmpfs_mount, .nodev = true };
static const struct fs_type ramfs_type = { .name = "ramfs", .mount = tmpfs_mount, .nodev = true };
/* The initial root, a tmpfs that /proc/mounts calls "rootfs", as Linux does. */
const struct fs_type rootfs_type = { .name = "rootfs", .mount = tmpfs_mount, .nodev = true };

void tmpfs_init(void)
{
	vfs_register_fs(&rootfs_type);
	vfs_register_fs(&tmpfs_type);
	vfs_register_fs(&ramfs_type);
}
