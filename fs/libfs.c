/*
 * Helpers file systems are written with (Linux's libfs): seeking, reading
 * from a kernel buffer, getdents64 records, readdir over an in-memory
 * dentry tree, and the relatime access-time rule.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/string.h>

/* One getdents64 record (Linux's struct linux_dirent64, not in the UAPI headers). */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

BUILD_BUG_ON(offsetof(struct linux_dirent64, d_name) != 19);

/* The position after seeking @f to @off from @whence over a file of @size; -EINVAL if negative. */
static long seek_target(struct file *f, int64_t off, int whence, uint64_t size)
{
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = (int64_t)size;
		break;
	case SEEK_DATA:
		/* The whole file is data as far as a caller can tell. */
		return off < 0 || (uint64_t)off >= size ? -ENXIO : off;
	case SEEK_HOLE:
		return off < 0 || (uint64_t)off >= size ? -ENXIO : (long)size;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	return base + off;
}

long generic_file_llseek(struct file *f, int64_t off, int whence)
{
	long pos = seek_target(f, off, whence, READ_ONCE(f->inode->size));

	if (pos >= 0)
		f->pos = (uint64_t)pos;
	return pos;
}

long generic_dir_llseek(struct file *f, int64_t off, int whence)
{
	long pos;

	if (whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	pos = seek_target(f, off, whence, 0);
	if (pos >= 0)
		f->pos = (uint64_t)pos;
	return pos;
}

int generic_fsync_noop(struct file *f __unused)
{
	return 0;
}

long simple_read_from_buffer(struct file *f, char *ubuf, size_t len, uint64_t *pos,
			     const void *kbuf, size_t size)
{
	size_t n;

	if (*pos >= size)
		return 0;
	n = MIN(len, size - (size_t)*pos);
	if (file_copy_out(f, ubuf, (const char *)kbuf + *pos, n))
		return -EFAULT;
	*pos += n;
	return (long)n;
}

void dir_context_init(struct dir_context *ctx, struct file *f, char *ubuf, size_t size)
{
	ctx->f = f;
	ctx->ubuf = ubuf;
	ctx->size = size;
	ctx->used = 0;
	ctx->error = 0;
}

bool dir_emit(struct dir_context *ctx, const char *name, unsigned int len, uint64_t ino,
	      unsigned int type, int64_t next_pos)
{
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);
	struct linux_dirent64 hdr = {
		.d_ino = ino, .d_off = next_pos, .d_reclen = (unsigned short)reclen,
		.d_type = (unsigned char)type,
	};
	static const char zeros[8];
	char *dst = ctx->ubuf + ctx->used, *dname = dst + offsetof(struct linux_dirent64, d_name);
	size_t pad = reclen - offsetof(struct linux_dirent64, d_name) - len;

	if (ctx->error)
		return false;
	if (ctx->used + reclen > ctx->size) {
		if (!ctx->used)
			ctx->error = -EINVAL;	/* the buffer cannot hold one record */
		return false;
	}
	if (file_copy_out(ctx->f, dst, &hdr, offsetof(struct linux_dirent64, d_name)) ||
	    file_copy_out(ctx->f, dname, name, len) ||
	    file_copy_out(ctx->f, dname + len, zeros, pad)) {
		ctx->error = -EFAULT;
		return false;
	}
	ctx->used += reclen;
	ctx->f->pos = (uint64_t)next_pos;
	return true;
}

bool dir_emit_dots(struct dir_context *ctx, struct dentry *dir)
{
	if (ctx->f->pos == 0 && !dir_emit(ctx, ".", 1, dir->inode->ino, DT_DIR, 1))
		return false;
	if (ctx->f->pos == 1) {
		uint64_t ino;

		spin_lock(&dcache_lock);
		ino = dir->parent->inode->ino;
		spin_unlock(&dcache_lock);
		if (!dir_emit(ctx, "..", 2, ino, DT_DIR, 2))
			return false;
	}
	return true;
}

void file_accessed(struct file *f)
{
	struct inode *inode = f->inode;
	unsigned int mflags = f->mnt ? READ_ONCE(f->mnt->flags) : 0;
	struct vfs_time now;

	if ((f->flags & O_NOATIME) || (mflags & MNT_NOATIME))
		return;
	if (S_ISDIR(inode->mode) && (mflags & MNT_NODIRATIME))
		return;
	now = vfs_now();
	/* relatime: only when the access time is older than a change, or a day old. */
	if ((mflags & MNT_RELATIME) && inode->atime.sec > inode->mtime.sec &&
	    inode->atime.sec > inode->ctime.sec && now.sec - inode->atime.sec < 86400)
		return;
	inode->atime = now;
}

long dir_context_result(struct dir_context *ctx)
{
	if (ctx->used)
		return (long)ctx->used;
	return ctx->error;
}

/* The first attached child of @dir at cookie >= @pos, referenced, or NULL. [D] */
static struct dentry *child_from_locked(struct dentry *dir, struct list_head *start, uint64_t pos)
{
	struct list_head *l;

	for (l = start; l != &dir->children; l = l->next) {
		struct dentry *c = list_entry(l, struct dentry, child_node);

		if (c->offset >= pos)
			return dentry_get(c);
	}
	return NULL;
}

/*
 * Readdir over the dentry tree. The directory's inode mutex keeps names
 * and membership still (every change to them takes it), and the reference
 * on the current child keeps it on the list while records are copied out.
 */
long dcache_getdents(struct file *f, char *ubuf, size_t len)
{
	struct dentry *dir = f->dentry, *c;
	struct dir_context ctx;

	dir_context_init(&ctx, f, ubuf, len);
	if (!dir_emit_dots(&ctx, dir))
		return dir_context_result(&ctx);
	mutex_lock(&dir->inode->lock);
	spin_lock(&dcache_lock);
	c = child_from_locked(dir, dir->children.next, f->pos);
	spin_unlock(&dcache_lock);
	while (c) {
		struct dentry *next;

		if (!dir_emit(&ctx, c->name, c->len, c->inode->ino, dt_type(c->inode->mode),
			      (int64_t)c->offset + 1)) {
			dentry_put(c);
			break;
		}
		spin_lock(&dcache_lock);
		next = (c->flags & DENTRY_ATTACHED)
			       ? child_from_locked(dir, c->child_node.next, c->offset + 1)
			       : child_from_locked(dir, dir->children.next, c->offset + 1);
		spin_unlock(&dcache_lock);
		dentry_put(c);
		c = next;
	}
	file_accessed(f);
	mutex_unlock(&dir->inode->lock);
	return dir_context_result(&ctx);
}
