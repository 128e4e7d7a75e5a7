/*
 * The VFS inside: inodes, dentries, superblocks, mounts, file-system types,
 * path walking and the helpers a file system is written with. What the rest
 * of the kernel sees of files is in vfs.h; this header is for fs/ and for
 * file systems (tmpfs, devtmpfs, procfs).
 *
 * The model is Linux's, simplified:
 *  - An inode is a file; it has const inode_ops (namespace operations, for
 *    directories; readlink for symlinks; setattr; getpage for mmap) and the
 *    file_ops given to files opened on it. Inodes are reference counted and
 *    reachable only through dentries and open files: the last inode_put
 *    calls super_ops->evict_inode and frees it. There is no inode cache.
 *  - A dentry is a name in a directory: parent pointer, name, inode. The
 *    dentries of a directory are on its child list (readdir order) and in a
 *    global hash (lookup). Negative dentries are not kept. A dentry is freed
 *    when its last reference goes; a file system that keeps its whole tree
 *    in memory (tmpfs) holds one reference on each of its dentries until the
 *    name is removed ("pinned", d_pin/d_unpin). Others (procfs) build
 *    dentries in ->lookup and let them go.
 *  - A superblock is one instance of a file system; a mount attaches a
 *    superblock's subtree (its root dentry, or any dentry for a bind mount)
 *    on a dentry of a parent mount. Path walking crosses mount points
 *    downward, and ".." at a mount root goes to the mountpoint in the
 *    parent; ".." at the process root stays.
 *
 * Writing a file system (procfs, for example):
 *
 *	static struct super_block *myfs_mount(const struct fs_type *t, const char *src,
 *					      unsigned long flags, const char *data)
 *	{
 *		struct super_block *sb = sb_create(t, &myfs_super_ops, MYFS_MAGIC);
 *		struct inode *root;
 *		if (!sb) return ERR_PTR(-ENOMEM);
 *		root = inode_alloc(sb, S_IFDIR | 0555);
 *		if (!root) { sb_put(sb); return ERR_PTR(-ENOMEM); }
 *		root->iops = &myfs_dir_iops;	// .lookup = myfs_lookup
 *		root->fops = &myfs_dir_fops;	// .getdents, .llseek = generic_dir_llseek
 *		return sb_set_root(sb, root);	// consumes the inode reference
 *	}
 *	static const struct fs_type myfs = { .name = "myfs", .mount = myfs_mount };
 *	vfs_register_fs(&myfs);
 *
 *  ->lookup(dir, d) runs with dir->lock held: it looks d->name up and, if
 *  found, makes an inode (inode_alloc, set iops/fops/private, mode, uid...)
 *  and calls d_instantiate(d, inode) (consuming that reference), returning
 *  0; or returns -ENOENT. The VFS then links d into the tree; it is freed
 *  when unused (so every lookup of an unreferenced name calls ->lookup).
 *  ->getdents(f, ubuf, len) fills records with dir_emit()/dir_emit_dots()
 *  from f->pos (an index of the file system's choosing), see below.
 *  Text files: ->read can be simple_read_from_buffer() over a kernel buffer
 *  the file system formats (in ->open into f->private_data, freed in ->release).
 *
 * Lock legend (struct fields):
 *   [I] immutable once published       [a] atomic
 *   [L] the inode's mutex (inode->lock); plain reads without it see a
 *       consistent word and are used for permission checks and stat
 *   [D] dcache_lock (a spinlock); writers of a dentry's name/parent also
 *       hold the parent directory's inode mutex, so holding that mutex is
 *       enough to read the names of its children. Exceptions: a dentry
 *       built by ->lookup leaves its parent's list under dcache_lock alone
 *       on its last put or a failed ->revalidate (procfs), never while
 *       referenced, so a reference keeps a child on the list.
 *   [M] mount_lock (a spinlock); changes also hold namespace_mutex
 *   [T] the tmpfs inode's page-tree spinlock
 *
 * Lock order (outer first):
 *   namespace_mutex (mount, umount)
 *   rename_mutex (rename only)
 *   file pos_lock (regular files and directories only)
 *   inode mutexes: a parent directory before its children; rename locks
 *     the ancestor first when one directory contains the other, otherwise
 *     in address order, then the source and target inodes (the pipe code
 *     takes a FIFO's inode mutex before its pipe mutex)
 *   devtmpfs_mutex (only around creating the devtmpfs superblock)
 *   vm_space.lock (user copies made under an inode mutex may fault; no
 *     fault path takes an inode mutex: getpage takes only spinlocks)
 *   spinlocks: mount_lock before dcache_lock; a tmpfs page-tree lock
 *     before the slab and page-allocator locks (pages and tree nodes are
 *     allocated under it); fs_context, files, file_lock_lock (locks.c),
 *     chrdev, fs-type and anon-sb locks are leaves. No user copy and no
 *     sleep under any of them.
 */
#ifndef FERRITE_FS_H
#define FERRITE_FS_H

#include <ferrite/compiler.h>
#include <ferrite/list.h>
#include <ferrite/mutex.h>
#include <ferrite/spinlock.h>
#include <ferrite/vfs.h>
#include <arch/memlayout.h>
#include <linux/stat.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
/* asm/stat.h names a field __unused, which compiler.h defines as an attribute. */
#pragma push_macro("__unused")
#undef __unused
#include <asm/stat.h>
#include <asm/statfs.h>
#pragma pop_macro("__unused")

#ifndef S_IFMT	/* host unit tests: glibc's headers hide these in linux/stat.h */
#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define S_IFLNK		0120000
#define S_IFREG		0100000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000
#define S_ISUID		0004000
#define S_ISGID		0002000
#define S_ISVTX		0001000
#define S_ISLNK(m)	(((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)	(((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)	(((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m)	(((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m)	(((m) & S_IFMT) == S_IFSOCK)
#define S_IXGRP		00010
#endif

#define FS_PATH_MAX	4096	/* bytes of a path name, NUL included */
#define FS_NAME_MAX	255	/* bytes of one component */
#define FS_MAXSYMLINKS	40	/* symlinks followed in one lookup */
#define FS_MAX_FILESIZE	(1ULL << 47)	/* what the tmpfs page tree can hold */

struct super_block;
struct fs_type;
struct path;
struct iattr;
struct kstatfs;

#define UTIME_NOW	((1L << 30) - 1L)	/* utimensat: set to the current time */
#define UTIME_OMIT	((1L << 30) - 2L)	/* utimensat: leave alone */

/* A time stamp (struct timespec64). */
struct vfs_time {
	int64_t sec;
	long nsec;
};

/* Kernel device numbers (Linux's internal dev_t: 12-bit major, 20-bit minor). */
#define MINORBITS	20
#define MKDEV(ma, mi)	(((unsigned int)(ma) << MINORBITS) | (unsigned int)(mi))
#define MAJOR(dev)	((unsigned int)(dev) >> MINORBITS)
#define MINOR(dev)	((unsigned int)(dev) & ((1u << MINORBITS) - 1))

/* The 32-bit form user space sees in st_dev/st_rdev and passes to mknod (new_encode_dev). */
static inline unsigned int dev_encode(unsigned int dev)
{
	unsigned int ma = MAJOR(dev), mi = MINOR(dev);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
}

static inline unsigned int dev_decode(unsigned int udev)
{
	unsigned int ma = (udev & 0xfff00) >> 8;
	unsigned int mi = (udev & 0xff) | ((udev >> 12) & 0xfff00);

	return MKDEV(ma, mi);
}

/* inode_permission masks (Linux's MAY_*). */
#define MAY_EXEC	1
#define MAY_WRITE	2
#define MAY_READ	4

/* Who is asking: the current process's fs ids, or its real ids (access(2)). */
struct fs_cred {
	int uid, gid;
};

/*
 * Namespace and attribute operations of an inode. Directory operations
 * run with the directory's inode mutex held (rename: both directories'),
 * get a dentry @d that is not yet linked into the tree (NULL inode) and, on
 * success, instantiate it (d_instantiate) and pin it if the file system
 * keeps its tree in memory; the VFS links it into its parent afterwards.
 * Permission, existence, type and mount checks are done by the VFS.
 */
struct inode_ops {
	int (*lookup)(struct inode *dir, struct dentry *d);
	int (*create)(struct inode *dir, struct dentry *d, unsigned int mode);
	int (*mkdir)(struct inode *dir, struct dentry *d, unsigned int mode);
	/* @rdev a kernel dev_t (MKDEV) for devices; mode carries the type. */
	int (*mknod)(struct inode *dir, struct dentry *d, unsigned int mode, unsigned int rdev);
	int (*symlink)(struct inode *dir, struct dentry *d, const char *target);
	/* Make @d (in @dir) another name of @old's inode. */
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *d);
	/* Remove @d (attached, positive) from @dir; the VFS detaches it. d's inode locked too. */
	int (*unlink)(struct inode *dir, struct dentry *d);
	int (*rmdir)(struct inode *dir, struct dentry *d);
	/*
	 * Move @od in @odir to the name of @nd in @ndir. @nd is attached and
	 * positive when it exists (it is replaced, or exchanged with
	 * RENAME_EXCHANGE), else a detached dentry carrying the new name. The
	 * file system updates its counts; the VFS moves the dentries.
	 */
	int (*rename)(struct inode *odir, struct dentry *od, struct inode *ndir,
		      struct dentry *nd, unsigned int flags);
	/* Change attributes (checked by the VFS); NULL: generic_setattr. Inode mutex held. */
	int (*setattr)(struct dentry *d, struct iattr *ia);
	/* Symlinks: copy the target (not NUL-terminated) into @buf; length or -errno. */
	long (*readlink)(struct dentry *d, char *buf, size_t size);
	/*
	 * "Magic" links (procfs fd/N, exe, cwd): the object the link stands for,
	 * referenced in @out. When set, path walks jump there instead of
	 * parsing readlink's text.
	 */
	int (*follow_link)(struct dentry *d, struct path *out);
	/*
	 * Is the cached dentry @d (of a file system that builds dentries in
	 * ->lookup) still valid? On false the VFS takes it out of the
	 * namespace and looks the name up again (procfs: /proc/PID of a dead
	 * process). NULL: always valid.
	 */
	bool (*revalidate)(struct dentry *d);
	/* The page cache page at @index, referenced; see file_getpage in vfs.h. */
	struct page *(*getpage)(struct inode *inode, uint64_t index);
	/*
	 * fallocate(2) on a regular file, [off, off + len) within
	 * FS_MAX_FILESIZE: @mode 0 or FALLOC_FL_KEEP_SIZE (allocate), or
	 * FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE (free). Inode mutex held.
	 */
	int (*fallocate)(struct inode *inode, int mode, uint64_t off, uint64_t len);
};

struct inode {
	int refcount;			/* [a] */
	struct super_block *sb;		/* [I] */
	uint64_t ino;			/* [I] */
	const struct inode_ops *iops;	/* [I] */
	const struct file_ops *fops;	/* [I] given to files opened on it */
	struct mutex lock;
	unsigned int mode;		/* [L] type bits [I] */
	int uid, gid;			/* [L] */
	unsigned int nlink;		/* [L] */
	uint64_t size;			/* [L] */
	uint64_t blocks;		/* [L] 512-byte units in use */
	struct vfs_time atime, mtime, ctime;	/* [L] */
	unsigned int rdev;		/* [I] kernel dev_t of a device node */
	void *private;			/* the file system's */
	void *pipe;			/* [L] FIFO state, owned by the pipe code */
	struct list_head locks;		/* [file_lock_lock] advisory locks (locks.c) */
};

/* Dentry flags. */
#define DENTRY_ATTACHED	1u	/* on its parent's child list and in the hash */
#define DENTRY_DEAD	2u	/* removed from the namespace (unlink, rmdir, rename over) */
#define DENTRY_PINNED	4u	/* the file system holds a reference (d_pin) */

#define DENTRY_INLINE_NAME 32

struct dentry {
	int refcount;			/* [a]; the last put happens under dcache_lock */
	unsigned int flags;		/* [D] DENTRY_* */
	struct dentry *parent;		/* [D] referenced; a root points at itself */
	const char *name;		/* [D] NUL-terminated, iname or kmalloc'd */
	unsigned int len;		/* [D] */
	uint32_t hash;			/* [D] of name */
	struct inode *inode;		/* [I] once instantiated; referenced */
	struct super_block *sb;		/* [I] */
	struct list_head hash_node;	/* [D] in the dentry hash while attached */
	struct list_head child_node;	/* [D] in parent->children, by offset */
	struct list_head children;	/* [D] */
	uint64_t offset;		/* [D] readdir cookie in its parent (>= 2) */
	uint64_t next_offset;		/* [D] next cookie for a new child */
	int mounted;			/* [M] mounts whose mountpoint this is */
	char iname[DENTRY_INLINE_NAME];	/* [D] */
};

/* A place in the namespace: a dentry seen through a mount. Both referenced. */
struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

/* Mount flags (per mount; shown in /proc/mounts). */
#define MNT_RDONLY	0x01
#define MNT_NOSUID	0x02
#define MNT_NODEV	0x04
#define MNT_NOEXEC	0x08
#define MNT_NOATIME	0x10
#define MNT_NODIRATIME	0x20
#define MNT_RELATIME	0x40
#define MNT_STRICTATIME	0x80	/* shown only; atime updates follow relatime otherwise */

struct mount {
	int refcount;			/* [a] paths (cwd, root, files), children, the tree */
	int id;				/* [I] mount id (mountinfo, statx) */
	struct super_block *sb;		/* [I] referenced */
	struct dentry *root;		/* [I] referenced */
	struct mount *parent;		/* [M] referenced; NULL at the root or once detached */
	struct dentry *mountpoint;	/* [M] referenced; NULL likewise */
	unsigned int flags;		/* [M] MNT_* */
	struct list_head children;	/* [M] mounts on dentries of this one */
	struct list_head child_node;	/* [M] in parent->children */
	struct list_head all_node;	/* [M] in the mount list, in mount order */
	char *source;			/* [I] mount(2)'s source, kmalloc'd */
};

/* File-system statistics, filled by super_ops->statfs (struct statfs of asm/statfs.h). */
struct kstatfs {
	uint64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize;
};

struct super_ops {
	/* Fill @st (type, bsize, namelen already set from the superblock). */
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* Free the file system's part of an inode whose last reference went. */
	void (*evict_inode)(struct inode *inode);
	/* Last reference to the superblock: drop the file system's dentry pins. */
	void (*kill_sb)(struct super_block *sb);
	/* After the root dentry went: free sb->fs_info. */
	void (*put_super)(struct super_block *sb);
	/* mount -o remount with @data: 0 or -errno. NULL: options refused with -EINVAL. */
	int (*remount)(struct super_block *sb, const char *data);
	/* Options for /proc/mounts after the mount flags (",size=..."), or nothing. */
	void (*show_options)(struct super_block *sb, char *buf, size_t size);
};

struct super_block {
	int refcount;			/* [a] mounts and internal holders */
	const struct fs_type *type;	/* [I] */
	const struct super_ops *ops;	/* [I] */
	struct dentry *root;		/* [I] referenced */
	uint64_t magic;			/* [I] statfs f_type */
	unsigned int dev;		/* [I] kernel dev_t, anonymous 0:N */
	uint64_t next_ino;		/* [a] */
	void *fs_info;			/* the file system's */
};

/*
 * A file-system type. ->mount builds (or finds) a superblock for a new
 * mount and returns it referenced, with its root set (sb_set_root), or an
 * ERR_PTR. @flags are mount(2)'s MS_* flags, @data its option string (may
 * be NULL). Types are registered once and never unregistered.
 */
struct fs_type {
	const char *name;
	struct super_block *(*mount)(const struct fs_type *type, const char *source,
				     unsigned long flags, const char *data);
	bool nodev;			/* "nodev" in /proc/filesystems (no block device) */
};

/* setattr requests. */
#define ATTR_MODE	(1u << 0)
#define ATTR_UID	(1u << 1)
#define ATTR_GID	(1u << 2)
#define ATTR_SIZE	(1u << 3)
#define ATTR_ATIME	(1u << 4)
#define ATTR_MTIME	(1u << 5)
#define ATTR_CTIME	(1u << 6)

struct iattr {
	unsigned int valid;		/* ATTR_* */
	unsigned int mode;		/* permission bits only */
	int uid, gid;
	uint64_t size;
	struct vfs_time atime, mtime, ctime;
};

extern struct mutex namespace_mutex;
extern struct mutex rename_mutex;
extern struct spinlock mount_lock;
extern struct spinlock dcache_lock;

/* ---- fs types and superblocks (mount.c, inode.c) ---- */

/* Register @type (static storage); 0, -EEXIST for a taken name, -ENOMEM. */
int vfs_register_fs(const struct fs_type *type);
const struct fs_type *vfs_find_fs(const char *name);
/* /proc/filesystems text ("nodev\ttmpfs\n" ...) into @buf; bytes stored. */
size_t vfs_filesystems_show(char *buf, size_t size);

/* A new superblock (refcount 1, no root yet), or NULL. */
struct super_block *sb_create(const struct fs_type *type, const struct super_ops *ops,
			      uint64_t magic);
/* Give @sb its root directory inode (consumed); returns @sb, or ERR_PTR (and puts @sb). */
struct super_block *sb_set_root(struct super_block *sb, struct inode *root);
void sb_get(struct super_block *sb);
void sb_put(struct super_block *sb);

/* ---- inodes (inode.c) ---- */

/*
 * A new inode of @sb (refcount 1, nlink 1, times now, uid/gid 0, a fresh
 * inode number, empty ops), or NULL. The caller fills it before publishing.
 */
struct inode *inode_alloc(struct super_block *sb, unsigned int mode);
/* Owner and group for a new inode in @dir from the caller, setgid directories considered. */
void inode_init_owner(struct inode *inode, struct inode *dir, unsigned int *mode);
/* The current wall-clock time. */
struct vfs_time vfs_now(void);
/* Mark @inode's mtime and ctime (both, or ctime alone) as now. Inode mutex held. */
void inode_touch(struct inode *inode, bool mtime);

/* The credentials of the current process: fs ids, or real ids (access). */
struct fs_cred fs_cred_current(bool real);
/*
 * 0 if @cred may access @inode with @mask (MAY_*), -EACCES otherwise. Root
 * passes read and write checks, and exec checks when some x bit is set or
 * the inode is a directory.
 */
int inode_permission_cred(struct inode *inode, int mask, const struct fs_cred *cred);
int inode_permission(struct inode *inode, int mask);
/* True if the caller owns @inode or is root (chmod, utimes...). */
bool inode_owner_or_root(struct inode *inode);
/* Apply @ia to @inode's fields (no checks, no size change). Inode mutex held. */
void generic_setattr_fields(struct inode *inode, const struct iattr *ia);
/* Attributes of @inode as stat(2) shows them. */
void inode_fill_stat(struct inode *inode, struct stat *st);

/* ---- dentries (dcache.c) ---- */

struct dentry *dentry_get(struct dentry *d);
/* Drop a reference; the last one frees @d (and may free its unused ancestors). */
void dentry_put(struct dentry *d);
/* A detached dentry named @name (@len bytes) under @parent (referenced), or NULL. */
struct dentry *d_alloc(struct dentry *parent, const char *name, unsigned int len);
/* A root dentry ("/", its own parent) for @sb, or NULL. */
struct dentry *d_alloc_root(struct super_block *sb);
/* Give @d its inode; consumes the caller's inode reference. */
void d_instantiate(struct dentry *d, struct inode *inode);
/* Link a positive detached dentry into its parent (child list, hash). Parent's inode mutex held. */
void d_attach(struct dentry *d);
/* Remove @d from the namespace: detached, marked dead. Parent's inode mutex held. */
void d_detach(struct dentry *d);
/* The file system keeps a reference on @d until d_unpin (tmpfs). */
void d_pin(struct dentry *d);
void d_unpin(struct dentry *d);
/* The attached child @name of @parent, referenced, or NULL. */
struct dentry *d_lookup(struct dentry *parent, const char *name, unsigned int len);
/*
 * Rename in the dcache: @d takes the parent and name of @target (a detached
 * dentry carrying the new name, or the attached victim it replaces), which
 * is left detached and dead. rename_mutex and both directories' mutexes held.
 */
void d_move(struct dentry *d, struct dentry *target);
/* Swap the places of two attached dentries (RENAME_EXCHANGE). */
void d_exchange(struct dentry *a, struct dentry *b);
/* True if @dir has an attached child. */
bool d_has_children(struct dentry *dir);
/* True if @anc is @d or one of its ancestors (same superblock). */
bool d_is_ancestor(struct dentry *anc, struct dentry *d);

/* ---- paths and mounts (namei.c, mount.c) ---- */

void path_get(const struct path *p);
void path_put(struct path *p);
static inline bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

struct mount *mount_get(struct mount *m);
void mount_put(struct mount *m);
/* Mounts an MS_RDONLY etc. would refuse: 0 or -EROFS. */
int mnt_want_write(struct mount *m);
/* The global root (root mount, its root dentry), referenced. */
void vfs_root_path(struct path *out);
/* The mount on dentry @d of @parent, referenced, or NULL. */
struct mount *mount_lookup_child(struct mount *parent, struct dentry *d);
/*
 * Build a mount of @fstype from @source/@data with MS_* @flags and attach
 * it on @where (a directory). namespace_mutex taken inside. 0 or -errno.
 */
int do_mount(const char *source, struct path *where, const char *fstype,
	     unsigned long flags, const char *data);
/* umount2 on @where (must be a mount root). 0 or -errno. */
int do_umount(struct path *where, int flags);
/* /proc/mounts and /proc/self/mountinfo text, as seen from the current root. Bytes stored. */
size_t vfs_mounts_show(char *buf, size_t size);
size_t vfs_mountinfo_show(char *buf, size_t size);

/*
 * The path of @p relative to @root, written at the end of @buf; returns
 * a pointer to it inside @buf, or ERR_PTR(-ENAMETOOLONG). A path that is
 * not under @root is prefixed "(unreachable)"; a dead dentry gets
 * " (deleted)" when @deleted_suffix.
 */
char *d_path(const struct path *p, const struct path *root, char *buf, size_t size,
	     bool deleted_suffix);

/* Lookup flags. */
#define LOOKUP_FOLLOW		0x01	/* follow a final symlink */
#define LOOKUP_DIRECTORY	0x02	/* the result must be a directory */
#define LOOKUP_EMPTY		0x04	/* "" means the starting directory (AT_EMPTY_PATH) */
#define LOOKUP_NO_SYMLINKS	0x08	/* for the mount's nosymfollow: any symlink is ELOOP */

/* Kinds of last component. */
enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT, LAST_BIND /* at a magic link's target */ };

/*
 * A path walk's state. Callers use the functions below; the struct is
 * here so it can live in one kmalloc'd block (it holds the symlink stack).
 */
struct nameidata {
	struct path path;		/* where the walk is (referenced) */
	struct path root;		/* the process root (referenced) */
	unsigned int flags;		/* LOOKUP_* */
	int total_links;		/* symlinks followed so far */
	int depth;			/* entries on the stack */
	struct {
		char *buf;		/* kmalloc'd link body, or NULL for the caller's string */
		const char *p;		/* what is left of it */
	} stack[FS_MAXSYMLINKS + 1];
	const char *last;		/* last component (after nd_walk_parent) */
	unsigned int last_len;
	int last_type;			/* LAST_* */
	bool want_dir;			/* a trailing slash demands a directory */
};

/*
 * Resolve @name (kernel string) relative to @dfd (AT_FDCWD: the cwd) into
 * @out (referenced). 0, or -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG,
 * -EACCES, -EBADF (bad @dfd), -ENOMEM.
 */
int path_lookup_at(int dfd, const char *name, unsigned int flags, struct path *out);

/*
 * Start a walk of @name at @dfd: allocates and returns the nameidata (or
 * ERR_PTR). nd_walk_parent then walks every component but the last, leaving
 * nd->path at the parent and nd->last/last_len/last_type/want_dir set.
 * nd_walk_last looks up the last component (following a final symlink per
 * @flags, which can restart the walk inside the link body) and sets @out.
 * nd_free drops everything.
 */
struct nameidata *nd_start(int dfd, const char *name, unsigned int flags);
int nd_walk_parent(struct nameidata *nd);
int nd_walk_last(struct nameidata *nd, struct path *out);
/*
 * Push the body of symlink @link (a dentry of nd->path's mount, referenced
 * by the caller) and walk to the parent of its last component again; for
 * open(O_CREAT) which follows a final symlink itself. 0 or -errno.
 */
int nd_follow_link(struct nameidata *nd, const struct path *link);
void nd_free(struct nameidata *nd);

/*
 * Look up @name in directory @dir (a path; crosses mounts down), for
 * components other than "." and "..". @out referenced. -ENOENT if absent.
 * Takes dir's inode mutex when the name is not in the cache.
 */
int lookup_component(const struct path *dir, const char *name, unsigned int len,
		     struct path *out);
/* Replace @p by the root of whatever is mounted on it, repeatedly. */
void path_follow_mounts(struct path *p);
/* The same with @dir's inode mutex held, without crossing mounts: a dentry or ERR_PTR. */
struct dentry *lookup_locked(struct dentry *dir, const char *name, unsigned int len);

/* The starting point of a lookup relative to @dfd (for *at calls), referenced. */
int path_from_dfd(int dfd, struct path *out);

/* Copy a user path into a new FS_PATH_MAX kmalloc'd buffer (ERR_PTR on error). */
char *fs_getname(const char *upath, bool allow_empty);

/* ---- files (file.c) ---- */

/*
 * An open flag of the kernel's own (Linux's __FMODE_EXEC, a bit no O_*
 * flag uses): open for execve, checking execute permission instead of read
 * permission, so a mode 0711 program runs. The file is readable by the
 * kernel (FMODE_READ | FMODE_EXEC); the bit is not kept in f->flags.
 */
#define O_EXEC_OPEN	040

/* Open what @p names (already resolved) with O_* @flags; the open-time checks done. */
struct file *vfs_open_path(const struct path *p, int flags);
/* open(2) on @dfd/@name; the file or ERR_PTR. */
struct file *do_open(int dfd, const char *name, int flags, unsigned int mode);
/* The file at @fd including O_PATH files (fd_get leaves those out), referenced, or NULL. */
struct file *fd_get_raw(int fd);
/* Install @f at exactly @fd (dup2), closing what was there; @fd or -errno (-EBADF over rlimit). */
int fd_install_at(int fd, struct file *f, bool cloexec);
/* Lowest free descriptor >= @min for @f: fd, -EMFILE, or -EINVAL when @min is over the rlimit. */
int fd_install_from(struct file *f, int min, bool cloexec);
/* close_range(2) on the current table (CLOSE_RANGE_CLOEXEC; UNSHARE only when not shared). */
int files_close_range(unsigned int first, unsigned int last, unsigned int flags);
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);

/* The current process's root and cwd, referenced. */
void fs_current_root(struct path *out);
void fs_current_cwd(struct path *out);
/* Replace the current process's cwd or root with @p (reference taken). */
void fs_set_cwd(const struct path *p);
void fs_set_root(const struct path *p);
/* @fs's root (@root true) or cwd, referenced, and its umask: for /proc/PID/{root,cwd,status}. */
void fs_context_path(struct fs_context *fs, bool root, struct path *out);
unsigned int fs_context_umask(struct fs_context *fs);
unsigned int fs_current_umask(void);
unsigned int fs_set_umask(unsigned int mask);

/* Generic file operations. */
long generic_file_llseek(struct file *f, int64_t off, int whence);
long generic_dir_llseek(struct file *f, int64_t off, int whence);
int generic_fsync_noop(struct file *f);
/*
 * Read from a kernel buffer @kbuf of @size bytes at *pos into @ubuf
 * (user or kernel_io), advancing *pos; bytes or -EFAULT. For procfs.
 */
long simple_read_from_buffer(struct file *f, char *ubuf, size_t len, uint64_t *pos,
			     const void *kbuf, size_t size);

/*
 * Directory records for getdents64. A file system's ->getdents sets up a
 * dir_context over the user buffer, calls dir_emit for each entry from
 * f->pos on (stopping when it returns false), sets f->pos to the position
 * after the last emitted entry, and returns dir_context_result.
 */
struct dir_context {
	struct file *f;
	char *ubuf;
	size_t size;
	size_t used;
	int error;			/* -EFAULT, or -EINVAL if the first record did not fit */
};

void dir_context_init(struct dir_context *ctx, struct file *f, char *ubuf, size_t size);
/* Append one record; @next_pos is the position after this entry (d_off). False: stop. */
bool dir_emit(struct dir_context *ctx, const char *name, unsigned int len, uint64_t ino,
	      unsigned int type, int64_t next_pos);
/* Emit "." and ".." for positions 0 and 1 (advancing f->pos); false: stop. */
bool dir_emit_dots(struct dir_context *ctx, struct dentry *dir);
long dir_context_result(struct dir_context *ctx);
#ifndef DT_UNKNOWN
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#endif

/* Update @f's access time by the mount's atime rule (relatime by default). Inode mutex held. */
void file_accessed(struct file *f);
/* d_type of a mode (DT_REG ...). */
static inline unsigned int dt_type(unsigned int mode)
{
	return (mode >> 12) & 15;
}
/* getdents over a dentry tree kept in memory (tmpfs): children in creation order. */
long dcache_getdents(struct file *f, char *ubuf, size_t len);

/*
 * Advisory locks (locks.c): fcntl's F_GETLK/F_SETLK/F_SETLKW and F_OFD_*
 * on @f with the user's struct flock; the POSIX locks @owner (a descriptor
 * table) holds on @f's inode, dropped when it closes a descriptor of it;
 * and the OFD and flock locks of @f, dropped with its last reference.
 */
struct flock;
long locks_fcntl(struct file *f, unsigned int cmd, struct flock *ufl);
void locks_remove_posix(struct file *f, const struct files *owner);
void locks_remove_file(struct file *f);

/* Character devices (chrdev.c): ops and private data for @dev, or -ENXIO. */
int chrdev_lookup(unsigned int dev, const struct file_ops **ops, void **private_data);

/* tmpfs (tmpfs.c) */
void tmpfs_init(void);
extern const struct fs_type tmpfs_type, rootfs_type;
/* A tmpfs superblock for devtmpfs (its own instance, mode 0755 root). */
struct super_block *tmpfs_create_sb(const struct fs_type *type, const char *data,
				    unsigned int root_mode);
/* Truncate a tmpfs regular file to @size. Inode mutex held. */
int tmpfs_truncate(struct inode *inode, uint64_t size);

/* devtmpfs (devtmpfs.c) */
void devtmpfs_init(void);
/* The devtmpfs superblock (created on first use), referenced. */
struct super_block *devtmpfs_get_sb(void);

/* The anonymous file system for pipes and sockets (inode.c). */
void anon_fs_init(void);

/*
 * Namespace changes (namespace_ops.c) with Linux's checks and errnos,
 * relative to a directory descriptor (AT_FDCWD: the cwd); kernel strings.
 * @mode is masked by the umask inside; vfs_mknodat's @dev is a kernel dev_t.
 */
int vfs_mkdirat(int dfd, const char *name, unsigned int mode);
int vfs_mknodat(int dfd, const char *name, unsigned int mode, unsigned int dev);
int vfs_symlinkat(const char *target, int dfd, const char *name);
/* @flags: AT_SYMLINK_FOLLOW, AT_EMPTY_PATH. */
int vfs_linkat(int odfd, const char *oldname, int ndfd, const char *newname, int flags);
int vfs_unlinkat(int dfd, const char *name);
int vfs_rmdirat(int dfd, const char *name);
/* @flags: RENAME_NOREPLACE, RENAME_EXCHANGE. */
int vfs_renameat(int odfd, const char *oldname, int ndfd, const char *newname,
		 unsigned int flags);

/*
 * Attribute changes on a resolved path (attr.c), with chmod(2), chown(2),
 * utimensat(2) and truncate(2) permission rules; -EROFS on read-only mounts.
 */
int vfs_setattr(const struct path *p, struct iattr *ia);
int vfs_chmod(const struct path *p, unsigned int mode);
int vfs_chown(const struct path *p, int uid, int gid);
/* @t NULL: both now. Otherwise nsec may be UTIME_NOW or UTIME_OMIT. */
int vfs_utimes(const struct path *p, const struct vfs_time *t);
int vfs_truncate(const struct path *p, int64_t len);
int vfs_statfs(const struct path *p, struct statfs *st);

#endif
