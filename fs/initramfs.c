/*
 * Unpacking the initramfs into the root file system, as Linux's
 * init/initramfs.c does: the image is cpio "newc"/"crc" archives, plain or
 * gzip-compressed, possibly several with NUL padding between them (the
 * cpio parser and its image walker read it); each entry becomes a
 * directory, regular file, symlink, device node, FIFO or socket with the
 * archive's owner, mode and modification time. Regular files and device
 * nodes sharing (dev, ino) with nlink > 1 become hard links of the first
 * name seen, until the archive's TRAILER!!!. Directory times are set at
 * the end, once nothing more is created in them.
 *
 * A bad entry is refused with a log line and the rest goes on; a broken
 * archive stops the unpacking, keeping what was made before.
 */
#define pr_fmt(fmt) "initramfs: " fmt

#include <ferrite/cpio.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/list.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <ferrite/vfs.h>

#define IR_LINK_HASH	64

/* A name already made for (dev, ino): later entries with the same key link to it. */
struct ir_link {
	struct list_head node;
	uint32_t ino, major, minor, type;
	char name[];
};

/* A directory whose mtime is set once everything is unpacked. */
struct ir_dir {
	struct list_head node;
	int64_t mtime;
	char name[];
};

/* The unpacking state; one per initramfs_unpack call, used by that task alone. */
struct unpacker {
	struct cpio_parser parser;
	struct file *file;		/* the regular file being written, or NULL */
	uint64_t file_off;
	struct list_head links[IR_LINK_HASH];
	struct list_head dirs;		/* newest first: children before parents */
	unsigned long entries, refused;
	uint64_t file_bytes;
};

static unsigned int ir_link_hash(const struct cpio_entry *e)
{
	return (e->ino ^ (e->dev_major << 8) ^ e->dev_minor) % IR_LINK_HASH;
}

static void ir_links_free(struct unpacker *u)
{
	struct ir_link *l, *tmp;

	for (int i = 0; i < IR_LINK_HASH; i++) {
		list_for_each_entry_safe(l, tmp, &u->links[i], node) {
			list_del(&l->node);
			kfree(l);
		}
	}
}

/* A kmalloc'd record of @size bytes followed by a copy of @name. */
static void *ir_record_alloc(size_t size, const char *name)
{
	size_t len = strlen(name) + 1;
	char *r = kmalloc(size + len);

	if (r)
		memcpy(r + size, name, len);
	return r;
}

/*
 * The first name made for @e's (dev, ino, file type), or NULL after
 * recording @e as that first name (or when out of memory).
 */
static const char *ir_find_link(struct unpacker *u, const struct cpio_entry *e)
{
	struct list_head *bucket = &u->links[ir_link_hash(e)];
	uint32_t type = e->mode & CPIO_S_IFMT;
	struct ir_link *l;

	list_for_each_entry(l, bucket, node) {
		if (l->ino == e->ino && l->major == e->dev_major && l->minor == e->dev_minor &&
		    l->type == type)
			return l->name;
	}
	l = ir_record_alloc(sizeof(*l), e->name);
	if (!l)
		return NULL;
	l->ino = e->ino;
	l->major = e->dev_major;
	l->minor = e->dev_minor;
	l->type = type;
	list_add(&l->node, bucket);
	return NULL;
}

/*
 * Remove what is at @name if its file type differs from @type (0: remove
 * whatever is there), as Linux's clean_path, so that an entry replaces it.
 */
static void ir_clean_path(const char *name, unsigned int type)
{
	struct path p;
	unsigned int mode;

	if (path_lookup_at(AT_FDCWD, name, 0, &p))
		return;
	mode = p.dentry->inode->mode;
	path_put(&p);
	if (!((mode ^ type) & S_IFMT))
		return;
	if (S_ISDIR(mode))
		vfs_rmdirat(AT_FDCWD, name);
	else
		vfs_unlinkat(AT_FDCWD, name);
}

/*
 * Hard links: 1 if @e was made a link to an earlier name, 0 if it is to
 * be created, -1 if the link failed (reported).
 */
static int ir_maybe_link(struct unpacker *u, const struct cpio_entry *e)
{
	const char *old;
	int err;

	if (e->nlink < 2)
		return 0;
	old = ir_find_link(u, e);
	if (!old)
		return 0;
	ir_clean_path(e->name, 0);
	err = vfs_link_path(old, e->name);
	if (err) {
		pr_warn("%s: cannot link to %s: error %d\n", e->name, old, err);
		u->refused++;
		return -1;
	}
	return 1;
}

static int ir_chmod(const char *name, unsigned int mode)
{
	struct path p;
	int err = path_lookup_at(AT_FDCWD, name, 0, &p);

	if (err)
		return err;
	err = vfs_chmod(&p, mode);
	path_put(&p);
	return err;
}

/* Owner, group and mtime of @e's name, and its mode unless it is a symlink. */
static void ir_set_attrs(const struct cpio_entry *e)
{
	int err = vfs_setattr_path(e->name, (int)e->uid, (int)e->gid, e->mtime);

	if (!err && (e->mode & CPIO_S_IFMT) != CPIO_S_IFLNK)
		err = ir_chmod(e->name, e->mode & 07777);
	if (err)
		pr_warn("%s: cannot set owner, mode or time: error %d\n", e->name, err);
}

static int ir_dir(struct unpacker *u, const struct cpio_entry *e)
{
	int err = vfs_mkdir_path(e->name, e->mode & 07777);
	struct ir_dir *d;

	if (err && err != -EEXIST) {
		pr_warn("%s: cannot make directory: error %d\n", e->name, err);
		u->refused++;
		return CPIO_SKIP_DATA;
	}
	ir_set_attrs(e);
	d = ir_record_alloc(sizeof(*d), e->name);
	if (d) {
		d->mtime = e->mtime;
		list_add(&d->node, &u->dirs);
	}
	return CPIO_SKIP_DATA;
}

static int ir_regular(struct unpacker *u, const struct cpio_entry *e)
{
	int flags = O_WRONLY | O_CREAT | O_TRUNC, ml = ir_maybe_link(u, e);
	struct file *f;

	if (ml < 0)
		return CPIO_SKIP_DATA;
	if (ml == 1)
		flags &= ~O_TRUNC;	/* another name of a file made before */
	else
		ir_clean_path(e->name, e->mode);
	f = vfs_open(e->name, flags, e->mode & 07777);
	if (IS_ERR(f)) {
		pr_warn("%s: cannot create: error %ld\n", e->name, PTR_ERR(f));
		u->refused++;
		return CPIO_SKIP_DATA;
	}
	u->file = f;
	u->file_off = 0;
	return 0;
}

static int ir_symlink(struct unpacker *u, const struct cpio_entry *e)
{
	int err;

	ir_clean_path(e->name, 0);
	err = vfs_symlink_path(e->link, e->name);
	if (err) {
		pr_warn("%s: cannot make symlink: error %d\n", e->name, err);
		u->refused++;
		return CPIO_SKIP_DATA;
	}
	ir_set_attrs(e);
	return CPIO_SKIP_DATA;
}

/* Device nodes, FIFOs and sockets. */
static int ir_special(struct unpacker *u, const struct cpio_entry *e)
{
	int ml = ir_maybe_link(u, e), err;

	if (ml != 0)
		return CPIO_SKIP_DATA;
	err = vfs_mknod_path(e->name, e->mode & (CPIO_S_IFMT | 07777),
			     vfs_encode_dev(e->rdev_major, e->rdev_minor));
	if (err) {
		pr_warn("%s: cannot make node: error %d\n", e->name, err);
		u->refused++;
		return CPIO_SKIP_DATA;
	}
	ir_set_attrs(e);
	return CPIO_SKIP_DATA;
}

/* cpio_ops->entry: make the entry; only regular files take their data. */
static int ir_entry(void *arg, const struct cpio_entry *e)
{
	struct unpacker *u = arg;

	u->entries++;
	switch (e->mode & CPIO_S_IFMT) {
	case CPIO_S_IFDIR:
		return ir_dir(u, e);
	case CPIO_S_IFREG:
		return ir_regular(u, e);
	case CPIO_S_IFLNK:
		return ir_symlink(u, e);
	default:
		return ir_special(u, e);
	}
}

static int ir_data(void *arg, const void *buf, size_t len)
{
	struct unpacker *u = arg;
	const char *p = buf;

	while (len > 0) {
		long n = kernel_write(u->file, p, len, u->file_off);

		if (n <= 0) {
			pr_warn("%s: write error %ld\n", u->parser.entry.name, n ? n : -EIO);
			return n ? (int)n : -EIO;
		}
		u->file_off += (uint64_t)n;
		u->file_bytes += (uint64_t)n;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void ir_entry_end(void *arg, const struct cpio_entry *e, int status)
{
	struct unpacker *u = arg;

	file_put(u->file);
	u->file = NULL;
	if (status == -EBADMSG)
		pr_warn("%s: data checksum mismatch\n", e->name);
	else if (status)
		pr_warn("%s: incomplete contents\n", e->name);
	if (status)
		u->refused++;
	ir_set_attrs(e);
}

static void ir_bad(void *arg, const char *name, const char *why)
{
	struct unpacker *u = arg;

	pr_warn("%s%s%s\n", name, *name ? ": " : "", why);
	u->refused++;
}

/* Hard links do not reach across archives (Linux frees its table at the trailer). */
static void ir_trailer(void *arg)
{
	ir_links_free(arg);
}

static const struct cpio_ops ir_ops = {
	.entry = ir_entry,
	.data = ir_data,
	.entry_end = ir_entry_end,
	.bad = ir_bad,
	.trailer = ir_trailer,
};

/* Set the directories' times, children first, and free the list. */
static void ir_dirs_finish(struct unpacker *u)
{
	struct ir_dir *d, *tmp;

	list_for_each_entry_safe(d, tmp, &u->dirs, node) {
		vfs_setattr_path(d->name, -1, -1, d->mtime);
		list_del(&d->node);
		kfree(d);
	}
}

int initramfs_unpack(const void *data, size_t len)
{
	uint64_t start = time_boot_ns();
	struct unpacker *u = kzalloc(sizeof(*u));
	int err;

	if (!u)
		return -ENOMEM;
	for (int i = 0; i < IR_LINK_HASH; i++)
		list_init(&u->links[i]);
	list_init(&u->dirs);
	cpio_parser_init(&u->parser, &ir_ops, u);
	err = cpio_parse_image(&u->parser, data, len);
	ir_dirs_finish(u);
	ir_links_free(u);
	pr_info("unpacked %lu entries (%llu KiB in files) from %zu bytes in %llu ms%s\n",
		u->entries, (unsigned long long)(u->file_bytes / 1024), len,
		(unsigned long long)((time_boot_ns() - start) / NSEC_PER_MSEC),
		u->refused ? ", with errors" : "");
	kfree(u);
	return err;
}
