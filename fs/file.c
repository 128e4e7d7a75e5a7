/*
 * Open files, descriptor tables and file-system contexts.
 *
 * A descriptor table is an array of file pointers with a close-on-exec
 * bitmap, grown on demand (powers of two) up to RLIMIT_NOFILE; its
 * spinlock covers only pointer changes: files are released (which may
 * sleep) after it is dropped, and arrays are allocated before it is taken.
 * An fs_context holds a process's root, cwd and umask.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/uaccess.h>
#include <linux/resource.h>
#include <linux/close_range.h>

#define FS_NR_OPEN	(1u << 20)	/* Linux's default nr_open: the most descriptors ever */
#define FILES_MIN_SLOTS	64

struct files {
	int refcount;			/* [a] */
	struct spinlock lock;
	unsigned int size;		/* [L] slots */
	struct file **fd;		/* [L] */
	uint64_t *cloexec;		/* [L] bitmap of size bits */
};

struct fs_context {
	int refcount;			/* [a] */
	struct spinlock lock;
	struct path root;		/* [L] */
	struct path cwd;		/* [L] */
	unsigned int umask;		/* [a] */
};

static struct process *cur_proc(void)
{
	struct task *t = current_task();

	return t ? t->proc : NULL;
}

/* ---- struct file ---- */

struct file *file_alloc(struct inode *inode, const struct file_ops *ops, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->refcount = 1;
	f->ops = ops;
	f->inode = inode ? inode_get(inode) : NULL;
	/* Creation flags stay visible to ops->open (a tty looks at O_NOCTTY); open drops them. */
	f->flags = flags & ~(O_CLOEXEC | O_EXEC_OPEN);
	if (!(flags & O_PATH)) {
		switch (flags & O_ACCMODE) {
		case O_RDONLY:
			f->mode = FMODE_READ;
			break;
		case O_WRONLY:
			f->mode = FMODE_WRITE;
			break;
		case O_RDWR:
			f->mode = FMODE_READ | FMODE_WRITE;
			break;
		default:
			f->mode = 0;	/* 3: ioctl-only access, as on Linux */
			break;
		}
		if (flags & O_EXEC_OPEN)
			f->mode = FMODE_READ | FMODE_EXEC;
	}
	mutex_init(&f->pos_lock, "file_pos");
	return f;
}

struct file *file_get(struct file *f)
{
	__atomic_fetch_add(&f->refcount, 1, __ATOMIC_RELAXED);
	return f;
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	locks_remove_file(f);
	if (f->ops && f->ops->release)
		f->ops->release(f->inode, f);
	if (f->dentry)
		dentry_put(f->dentry);
	if (f->mnt)
		mount_put(f->mnt);
	inode_put(f->inode);
	kfree(f);
}

int file_copy_out(struct file *f, char *ubuf, const void *src, size_t len)
{
	if (f->kernel_io) {
		memcpy(ubuf, src, len);
		return 0;
	}
	return copy_to_user(ubuf, src, len);
}

int file_copy_in(struct file *f, void *dst, const char *ubuf, size_t len)
{
	if (f->kernel_io) {
		memcpy(dst, ubuf, len);
		return 0;
	}
	return copy_from_user(dst, ubuf, len);
}

/* ---- descriptor tables ---- */

struct files *files_create(void)
{
	struct files *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_lock_init(&fs->lock, "files");
	return fs;
}

void files_get(struct files *fs)
{
	__atomic_fetch_add(&fs->refcount, 1, __ATOMIC_RELAXED);
}

void files_put(struct files *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (unsigned int i = 0; i < fs->size; i++) {
		locks_remove_posix(fs->fd[i], fs);
		file_put(fs->fd[i]);
	}
	kfree(fs->fd);
	kfree(fs->cloexec);
	kfree(fs);
}

static unsigned int slots_for(unsigned int want)
{
	unsigned int n = FILES_MIN_SLOTS;

	while (n <= want && n < FS_NR_OPEN)
		n <<= 1;
	return n;
}

/* Make sure slot @want exists. Called without the lock; 0 or -ENOMEM. */
static int files_expand(struct files *fs, unsigned int want)
{
	unsigned int n = slots_for(want);
	struct file **fd = kzalloc(n * sizeof(*fd));
	uint64_t *bits = kzalloc(n / 8);
	struct file **old_fd = NULL;
	uint64_t *old_bits = NULL;

	if (!fd || !bits) {
		kfree(fd);
		kfree(bits);
		return -ENOMEM;
	}
	spin_lock(&fs->lock);
	if (fs->size <= want) {
		if (fs->size) {
			memcpy(fd, fs->fd, fs->size * sizeof(*fd));
			memcpy(bits, fs->cloexec, fs->size / 8);
		}
		old_fd = fs->fd;
		old_bits = fs->cloexec;
		fs->fd = fd;
		fs->cloexec = bits;
		fs->size = n;
		fd = NULL;
		bits = NULL;
	}
	spin_unlock(&fs->lock);
	kfree(fd);
	kfree(bits);
	kfree(old_fd);
	kfree(old_bits);
	return 0;
}

static void set_cloexec_locked(struct files *fs, unsigned int fd, bool on)
{
	if (on)
		fs->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		fs->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

/* RLIMIT_NOFILE of the current process, capped at FS_NR_OPEN. */
static unsigned int nofile_limit(void)
{
	struct process *p = cur_proc();
	uint64_t lim = p ? p->rlim[RLIMIT_NOFILE].rlim_cur : 1024;

	return lim > FS_NR_OPEN ? FS_NR_OPEN : (unsigned int)lim;
}

static struct files *cur_files(void)
{
	struct process *p = cur_proc();

	return p ? p->files : NULL;
}

int fd_install_from(struct file *f, int min, bool cloexec)
{
	struct files *fs = cur_files();
	unsigned int limit = nofile_limit();

	if (!fs)
		return -EMFILE;
	if (min < 0 || (unsigned int)min >= limit)
		return -EINVAL;
	for (;;) {
		unsigned int end, i;
		int err;

		spin_lock(&fs->lock);
		end = MIN(fs->size, limit);
		for (i = (unsigned int)min; i < end; i++) {
			if (!fs->fd[i]) {
				fs->fd[i] = f;
				set_cloexec_locked(fs, i, cloexec);
				spin_unlock(&fs->lock);
				return (int)i;
			}
		}
		end = fs->size;
		spin_unlock(&fs->lock);
		if (end >= limit)
			return -EMFILE;
		err = files_expand(fs, MAX(end, (unsigned int)min));
		if (err)
			return err;
	}
}

int fd_install(struct file *f, bool cloexec)
{
	int fd = fd_install_from(f, 0, cloexec);

	return fd == -EINVAL ? -EMFILE : fd;
}

int fd_install_at(int fd, struct file *f, bool cloexec)
{
	struct files *fs = cur_files();
	struct file *old;

	if (!fs || fd < 0 || (unsigned int)fd >= nofile_limit())
		return -EBADF;
	for (;;) {
		spin_lock(&fs->lock);
		if ((unsigned int)fd < fs->size)
			break;
		spin_unlock(&fs->lock);
		if (files_expand(fs, (unsigned int)fd))
			return -ENOMEM;
	}
	old = fs->fd[fd];
	fs->fd[fd] = f;
	set_cloexec_locked(fs, (unsigned int)fd, cloexec);
	spin_unlock(&fs->lock);
	locks_remove_posix(old, fs);
	file_put(old);
	return fd;
}

int fd_close(int fd)
{
	struct files *fs = cur_files();
	struct file *f = NULL;

	if (!fs || fd < 0)
		return -EBADF;
	spin_lock(&fs->lock);
	if ((unsigned int)fd < fs->size) {
		f = fs->fd[fd];
		fs->fd[fd] = NULL;
		set_cloexec_locked(fs, (unsigned int)fd, false);
	}
	spin_unlock(&fs->lock);
	if (!f)
		return -EBADF;
	locks_remove_posix(f, fs);
	file_put(f);
	return 0;
}

struct file *files_lookup_get(struct files *fs, int fd)
{
	struct file *f = NULL;

	if (!fs || fd < 0)
		return NULL;
	spin_lock(&fs->lock);
	if ((unsigned int)fd < fs->size && fs->fd[fd])
		f = file_get(fs->fd[fd]);
	spin_unlock(&fs->lock);
	return f;
}

struct file *fd_get_raw(int fd)
{
	return files_lookup_get(cur_files(), fd);
}

struct file *fd_get(int fd)
{
	struct file *f = fd_get_raw(fd);

	if (f && (f->flags & O_PATH)) {
		file_put(f);
		return NULL;
	}
	return f;
}

int fd_get_cloexec(int fd)
{
	struct files *fs = cur_files();
	int r = -EBADF;

	if (!fs || fd < 0)
		return -EBADF;
	spin_lock(&fs->lock);
	if ((unsigned int)fd < fs->size && fs->fd[fd])
		r = (fs->cloexec[fd / 64] >> (fd % 64)) & 1;
	spin_unlock(&fs->lock);
	return r;
}

int fd_set_cloexec(int fd, bool on)
{
	struct files *fs = cur_files();
	int r = -EBADF;

	if (!fs || fd < 0)
		return -EBADF;
	spin_lock(&fs->lock);
	if ((unsigned int)fd < fs->size && fs->fd[fd]) {
		set_cloexec_locked(fs, (unsigned int)fd, on);
		r = 0;
	}
	spin_unlock(&fs->lock);
	return r;
}

int files_max_fd(struct files *fs)
{
	int max = 0;

	if (!fs)
		return 0;
	spin_lock(&fs->lock);
	for (unsigned int i = fs->size; i > 0; i--) {
		if (fs->fd[i - 1]) {
			max = (int)i;
			break;
		}
	}
	spin_unlock(&fs->lock);
	return max;
}

struct files *files_dup(struct files *old)
{
	struct files *fs = files_create();
	unsigned int size;

	if (!fs)
		return NULL;
	for (;;) {
		spin_lock(&old->lock);
		size = old->size;
		if (fs->size >= size)
			break;
		spin_unlock(&old->lock);
		if (files_expand(fs, size - 1)) {
			files_put(fs);
			return NULL;
		}
	}
	for (unsigned int i = 0; i < size; i++)
		if (old->fd[i])
			fs->fd[i] = file_get(old->fd[i]);
	if (size)
		memcpy(fs->cloexec, old->cloexec, size / 8);
	spin_unlock(&old->lock);
	return fs;
}

void files_close_on_exec(struct files *fs)
{
	for (unsigned int i = 0;; i++) {
		struct file *f = NULL;

		spin_lock(&fs->lock);
		while (i < fs->size && !(fs->fd[i] && ((fs->cloexec[i / 64] >> (i % 64)) & 1)))
			i++;
		if (i < fs->size) {
			f = fs->fd[i];
			fs->fd[i] = NULL;
			set_cloexec_locked(fs, i, false);
		}
		spin_unlock(&fs->lock);
		if (!f)
			return;
		locks_remove_posix(f, fs);
		file_put(f);
	}
}

int files_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
	struct files *fs = cur_files();

	if (!fs)
		return 0;
	if ((flags & CLOSE_RANGE_UNSHARE) && __atomic_load_n(&fs->refcount, __ATOMIC_RELAXED) > 1) {
		pr_warn("close_range: CLOSE_RANGE_UNSHARE of a shared table is not supported\n");
		return -EINVAL;
	}
	for (unsigned int i = first;; i++) {
		struct file *f = NULL;

		spin_lock(&fs->lock);
		while (i < fs->size && i <= last && !fs->fd[i])
			i++;
		if (i < fs->size && i <= last) {
			if (flags & CLOSE_RANGE_CLOEXEC) {
				set_cloexec_locked(fs, i, true);
			} else {
				f = fs->fd[i];
				fs->fd[i] = NULL;
				set_cloexec_locked(fs, i, false);
			}
		} else {
			i = last;
		}
		spin_unlock(&fs->lock);
		locks_remove_posix(f, fs);
		file_put(f);
		if (i >= last)
			return 0;
	}
}

/* ---- fs contexts ---- */

struct fs_context *fs_context_create_root(void)
{
	struct fs_context *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_lock_init(&fs->lock, "fs_context");
	vfs_root_path(&fs->root);
	vfs_root_path(&fs->cwd);
	fs->umask = 022;
	return fs;
}

struct fs_context *fs_context_dup(struct fs_context *old)
{
	struct fs_context *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_lock_init(&fs->lock, "fs_context");
	spin_lock(&old->lock);
	fs->root = old->root;
	fs->cwd = old->cwd;
	path_get(&fs->root);
	path_get(&fs->cwd);
	spin_unlock(&old->lock);
	fs->umask = __atomic_load_n(&old->umask, __ATOMIC_RELAXED);
	return fs;
}

void fs_context_get(struct fs_context *fs)
{
	__atomic_fetch_add(&fs->refcount, 1, __ATOMIC_RELAXED);
}

void fs_context_put(struct fs_context *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	kfree(fs);
}

static struct fs_context *cur_fs(void)
{
	struct process *p = cur_proc();

	return p ? p->fs : NULL;
}

void fs_context_path(struct fs_context *fs, bool root, struct path *out)
{
	spin_lock(&fs->lock);
	*out = root ? fs->root : fs->cwd;
	path_get(out);
	spin_unlock(&fs->lock);
}

unsigned int fs_context_umask(struct fs_context *fs)
{
	return __atomic_load_n(&fs->umask, __ATOMIC_RELAXED);
}

static void fs_copy_path(bool root, struct path *out)
{
	struct fs_context *fs = cur_fs();

	if (!fs)
		vfs_root_path(out);
	else
		fs_context_path(fs, root, out);
}

void fs_current_root(struct path *out)
{
	fs_copy_path(true, out);
}

void fs_current_cwd(struct path *out)
{
	fs_copy_path(false, out);
}

static void fs_replace_path(bool root, const struct path *p)
{
	struct fs_context *fs = cur_fs();
	struct path old;

	if (!fs)
		return;
	path_get(p);
	spin_lock(&fs->lock);
	if (root) {
		old = fs->root;
		fs->root = *p;
	} else {
		old = fs->cwd;
		fs->cwd = *p;
	}
	spin_unlock(&fs->lock);
	path_put(&old);
}

void fs_set_cwd(const struct path *p)
{
	fs_replace_path(false, p);
}

void fs_set_root(const struct path *p)
{
	fs_replace_path(true, p);
}

unsigned int fs_current_umask(void)
{
	struct fs_context *fs = cur_fs();

	return fs ? __atomic_load_n(&fs->umask, __ATOMIC_RELAXED) : 022;
}

unsigned int fs_set_umask(unsigned int mask)
{
	struct fs_context *fs = cur_fs();

	if (!fs)
		return 022;
	return __atomic_exchange_n(&fs->umask, mask & 0777, __ATOMIC_RELAXED);
}
