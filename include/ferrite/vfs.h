/*
 * The virtual file system: what the rest of the kernel (exec, mm, tty,
 * procfs, pipes, devices) sees of files. This is the contract; fs/ owns
 * the internals (dentries, mounts, superblocks, path walking) and may add
 * to this header, but does not change what is declared here without
 * changing every user.
 *
 * Lock legend: [F] the file's pos_lock (a mutex); [a] atomic; [I] immutable.
 * Files are reference counted: file_get/file_put; the last put calls
 * ops->release.
 */
#ifndef FERRITE_VFS_H
#define FERRITE_VFS_H

#include <ferrite/compiler.h>
#include <ferrite/list.h>
#include <ferrite/mutex.h>
#include <ferrite/wait.h>
#include <linux/stat.h>
#include <linux/fcntl.h>
#include <linux/poll.h>

struct inode;
struct dentry;
struct file;
struct page;
struct poll_table;
struct vm_space;
struct mount;
struct stat;

struct file_ops {
	int (*open)(struct inode *inode, struct file *f);
	int (*release)(struct inode *inode, struct file *f);
	/* read/write at *pos, advancing it; bytes or -errno. @ubuf is a user pointer
	 * unless f->kernel_io is set (kernel_read/kernel_write): use file_copy_out/in. */
	long (*read)(struct file *f, char *ubuf, size_t len, uint64_t *pos);
	long (*write)(struct file *f, const char *ubuf, size_t len, uint64_t *pos);
	long (*llseek)(struct file *f, int64_t off, int whence);
	long (*ioctl)(struct file *f, unsigned int cmd, uint64_t arg);
	/* Ready mask (POLLIN|POLLOUT|...); registers on wait queues through poll_wait. */
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
	/* Fill @buf with linux_dirent64 records from f->pos; bytes or -errno. */
	long (*getdents)(struct file *f, char *ubuf, size_t len);
	int (*fsync)(struct file *f);
	/* fcntl commands the VFS leaves to the file (F_GETPIPE_SZ...); NULL: -EINVAL. */
	long (*fcntl)(struct file *f, unsigned int cmd, uint64_t arg);
};

struct file {
	int refcount;			/* [a] */
	const struct file_ops *ops;	/* [I] */
	struct inode *inode;		/* [I] referenced */
	struct dentry *dentry;		/* [I] referenced, or NULL (pipes, sockets) */
	struct mount *mnt;		/* [I] referenced, or NULL */
	unsigned int flags;		/* [F] O_* status flags (O_APPEND, O_NONBLOCK, ...) */
	unsigned int mode;		/* [I] FMODE_READ | FMODE_WRITE */
	struct mutex pos_lock;
	uint64_t pos;			/* [F] */
	bool kernel_io;			/* [o] buffers are kernel pointers */
	void *private_data;		/* owner's */
};

#define FMODE_READ	1u
#define FMODE_WRITE	2u
#define FMODE_EXEC	4u

/* Copy to/from a read/write buffer that is a user pointer or, for kernel_io, a kernel one. */
int file_copy_out(struct file *f, char *ubuf, const void *src, size_t len);
int file_copy_in(struct file *f, void *dst, const char *ubuf, size_t len);

struct file *file_get(struct file *f);
void file_put(struct file *f);
/*
 * A new file on @inode with @ops (refcount 1), or ERR_PTR. It takes its own
 * reference on @inode (the caller keeps and later puts its own). @flags are
 * open(2)'s O_* flags: the access mode gives FMODE_READ/FMODE_WRITE, and the
 * flags are kept in f->flags (but O_CLOEXEC, a descriptor flag; open(2)
 * drops O_CREAT, O_EXCL, O_NOCTTY and O_TRUNC after ops->open, which may
 * look at them). ops->open is not called. Pipes and sockets pass an inode
 * from anon_inode_create.
 */
struct file *file_alloc(struct inode *inode, const struct file_ops *ops, unsigned int flags);

/*
 * Inodes (struct inode is in fs.h). anon_inode_create: a new inode of the
 * internal anonymous file system (what fstat shows for pipes and sockets:
 * @mode such as S_IFIFO | 0600, owner the caller's fsuid/fsgid, times now),
 * referenced, or ERR_PTR(-ENOMEM).
 */
struct inode *anon_inode_create(unsigned int mode);
struct inode *inode_get(struct inode *inode);
void inode_put(struct inode *inode);

/*
 * Named pipes: the pipe code registers the file_ops used for opening a
 * FIFO inode (its ->open gets the inode and may keep shared state in
 * inode->pipe, see fs.h). Until then opening a FIFO fails with -ENXIO.
 */
void vfs_register_fifo_ops(const struct file_ops *ops);

/*
 * Kernel-side opening and I/O (paths resolved from the current task's
 * root/cwd, or the global root for a task without one). kernel_read and
 * kernel_write call ops->read/write on a private copy of @f with kernel_io
 * set (so a file shared with user space is safe), at offset @off; they do
 * not move f->pos.
 */
struct file *vfs_open(const char *path, int flags, unsigned int mode);
long kernel_read(struct file *f, void *buf, size_t len, uint64_t off);
long kernel_write(struct file *f, const void *buf, size_t len, uint64_t off);
/* 0 if @f may be executed by the current credentials (regular file, x bit, not noexec). */
int vfs_exec_check(struct file *f);
/* Fill @st (struct stat layout, asm/stat.h) for @f. */
int vfs_getattr(struct file *f, struct stat *st);
/*
 * The page cache page at page index @index of @f's inode, referenced
 * (page_put when done), for mmap; NULL/ERR_PTR(-EIO, -ENOMEM) on failure, or
 * ERR_PTR(-ENXIO) beyond what the file can map (SIGBUS in the fault).
 */
struct page *file_getpage(struct file *f, uint64_t index);
/* True if @f can be mmapped (its inode has getpage). */
bool file_can_mmap(struct file *f);
/* The path of @f as /proc shows it (d_path); writes into buf, returns a pointer into it. */
char *file_path(struct file *f, char *buf, size_t size);

/* File descriptor tables. [L] files->lock. */
struct files;
struct files *files_create(void);
struct files *files_dup(struct files *old);
void files_get(struct files *fs);
void files_put(struct files *fs);
void files_close_on_exec(struct files *fs);
/* The file at @fd of the current process, referenced; NULL if none. */
struct file *fd_get(int fd);
/* Install @f at the lowest free descriptor >= 0 (takes over the reference); fd or -EMFILE. */
int fd_install(struct file *f, bool cloexec);
/* Close descriptor @fd of the current process: 0 or -EBADF. */
int fd_close(int fd);
/* Number of open descriptors and the file at one, for /proc/PID/fd. */
int files_max_fd(struct files *fs);
struct file *files_lookup_get(struct files *fs, int fd);

/* File-system context of a process: root, cwd, umask. */
struct fs_context;
struct fs_context *fs_context_create_root(void);	/* root "/" and cwd "/" */
struct fs_context *fs_context_dup(struct fs_context *old);
void fs_context_get(struct fs_context *fs);	/* CLONE_FS sharing */
void fs_context_put(struct fs_context *fs);

/* Polling. */
struct poll_table;
void poll_wait(struct file *f, struct wait_queue *q, struct poll_table *pt);

/*
 * Kernel-side namespace operations on paths (resolved like the syscalls,
 * from the current task's root and cwd; no permission checks): for the
 * initramfs unpacker and start-up code. 0 or -errno.
 */
int vfs_mkdir_path(const char *path, unsigned int mode);
/* @dev as mknod(2) takes it (Linux's new_encode_dev: vfs_encode_dev(major, minor)). */
int vfs_mknod_path(const char *path, unsigned int mode, unsigned int dev);
int vfs_symlink_path(const char *target, const char *linkpath);
int vfs_link_path(const char *oldpath, const char *newpath);
/* Set owner, group and modification time (seconds) of @path, not following a last symlink. */
int vfs_setattr_path(const char *path, int uid, int gid, int64_t mtime);
/* Mount a file system of type @fstype on @target (like mount(2) from the kernel). */
int vfs_mount(const char *source, const char *target, const char *fstype,
	      unsigned long flags, const char *data);

/* The device number form of st_rdev and mknod(2) (Linux's new_encode_dev). */
static inline unsigned int vfs_encode_dev(unsigned int major, unsigned int minor)
{
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/*
 * Character devices: the file ops for (major, minor), used when a device
 * node is opened: f->private_data is set to @private_data, then ops->open
 * runs if present. 0, -EBUSY if taken, -ENOMEM.
 */
int chrdev_register(unsigned int major, unsigned int minor, const char *name,
		    const struct file_ops *ops, void *private_data);

/*
 * Start-up: vfs_init mounts a tmpfs as / and devtmpfs on /dev (from any
 * task context; it needs no fs_context). The caller then gives the first
 * process fs_context_create_root() and unpacks the initramfs.
 */
void vfs_init(void);
int initramfs_unpack(const void *data, size_t len);

/*
 * Character devices under /dev (devtmpfs): chrdev_register(major, minor)
 * and a node /dev/@name ("pts/0" makes the directories) of @mode (the
 * permission bits; S_IFCHR is implied), owned by the caller's fs ids (root
 * at boot). A second name for the same (major, minor, ops, data) is fine.
 * Usable before vfs_init (the devtmpfs tree is made on first use), after
 * sched_init (it takes mutexes). 0 or -errno.
 */
int devfs_register(const char *name, unsigned int mode, unsigned int major,
		   unsigned int minor, const struct file_ops *ops, void *private_data);

#endif
