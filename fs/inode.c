/*
 * Inodes and superblocks: allocation, reference counts, ownership and
 * permission checks (POSIX mode bits against the caller's fs ids, root
 * passing as Linux's CAP_DAC_OVERRIDE does), attribute helpers, and the
 * anonymous superblock that pipes and sockets take their inodes from.
 */
#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <linux/magic.h>

static unsigned int anon_dev_next = 1;	/* [a] minor numbers of anonymous devices (major 0) */

struct vfs_time vfs_now(void)
{
	struct vfs_time t;

	time_realtime(&t.sec, &t.nsec);
	return t;
}

/* The current process, or NULL early in boot and in contexts without one. */
static struct process *cur_proc(void)
{
	struct task *t = current_task();

	return t ? t->proc : NULL;
}

struct fs_cred fs_cred_current(bool real)
{
	struct process *p = cur_proc();
	struct fs_cred c = { 0, 0 };

	if (p) {
		c.uid = real ? p->uid : p->fsuid;
		c.gid = real ? p->gid : p->fsgid;
	}
	return c;
}

/* True if @cred's group or one of the current process's supplementary groups is @gid. */
static bool cred_has_group(const struct fs_cred *cred, int gid)
{
	struct process *p = cur_proc();
	struct group_info *gi;
	bool r;

	if (cred->gid == gid)
		return true;
	if (!p)
		return false;
	gi = cred_groups_get(p);
	r = groups_search(gi, gid);
	groups_put(gi);
	return r;
}

int inode_permission_cred(struct inode *inode, int mask, const struct fs_cred *cred)
{
	unsigned int mode = READ_ONCE(inode->mode);
	unsigned int perm;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (cred->uid == 0) {
		/* Root reads and writes anything; it executes only what some x bit allows. */
		if (!(mask & MAY_EXEC) || S_ISDIR(mode) || (mode & 0111))
			return 0;
		return -EACCES;
	}
	if (cred->uid == READ_ONCE(inode->uid))
		perm = mode >> 6;
	else if (cred_has_group(cred, READ_ONCE(inode->gid)))
		perm = mode >> 3;
	else
		perm = mode;
	return (mask & ~perm & 7) ? -EACCES : 0;
}

int inode_permission(struct inode *inode, int mask)
{
	struct fs_cred c = fs_cred_current(false);

	return inode_permission_cred(inode, mask, &c);
}

bool inode_owner_or_root(struct inode *inode)
{
	struct fs_cred c = fs_cred_current(false);

	return c.uid == 0 || c.uid == READ_ONCE(inode->uid);
}

struct inode *inode_alloc(struct super_block *sb, unsigned int mode)
{
	struct inode *inode = kzalloc(sizeof(*inode));

	if (!inode)
		return NULL;
	inode->refcount = 1;
	inode->sb = sb;
	inode->ino = __atomic_fetch_add(&sb->next_ino, 1, __ATOMIC_RELAXED);
	mutex_init(&inode->lock, "inode");
	list_init(&inode->locks);
	inode->mode = mode;
	inode->nlink = 1;
	inode->atime = inode->mtime = inode->ctime = vfs_now();
	return inode;
}

void inode_init_owner(struct inode *inode, struct inode *dir, unsigned int *mode)
{
	struct fs_cred c = fs_cred_current(false);

	inode->uid = c.uid;
	inode->gid = c.gid;
	if (dir && (dir->mode & S_ISGID)) {
		/* BSD group semantics in a setgid directory; subdirectories inherit it. */
		inode->gid = dir->gid;
		if (S_ISDIR(*mode))
			*mode |= S_ISGID;
	}
}

struct inode *inode_get(struct inode *inode)
{
	__atomic_fetch_add(&inode->refcount, 1, __ATOMIC_RELAXED);
	return inode;
}

void inode_put(struct inode *inode)
{
	if (!inode)
		return;
	if (__atomic_sub_fetch(&inode->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (inode->sb->ops && inode->sb->ops->evict_inode)
		inode->sb->ops->evict_inode(inode);
	kfree(inode);
}

void inode_touch(struct inode *inode, bool mtime)
{
	struct vfs_time now = vfs_now();

	inode->ctime = now;
	if (mtime)
		inode->mtime = now;
}

void generic_setattr_fields(struct inode *inode, const struct iattr *ia)
{
	WARN_ON(!mutex_is_held(&inode->lock));
	if (ia->valid & ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (ia->mode & 07777);
	if (ia->valid & ATTR_UID)
		inode->uid = ia->uid;
	if (ia->valid & ATTR_GID)
		inode->gid = ia->gid;
	if (ia->valid & ATTR_ATIME)
		inode->atime = ia->atime;
	if (ia->valid & ATTR_MTIME)
		inode->mtime = ia->mtime;
	if (ia->valid & ATTR_CTIME)
		inode->ctime = ia->ctime;
}

void inode_fill_stat(struct inode *inode, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = dev_encode(inode->sb->dev);
	st->st_ino = inode->ino;
	st->st_nlink = READ_ONCE(inode->nlink);
	st->st_mode = READ_ONCE(inode->mode);
	st->st_uid = READ_ONCE(inode->uid);
	st->st_gid = READ_ONCE(inode->gid);
	st->st_rdev = dev_encode(inode->rdev);
	st->st_size = (long)READ_ONCE(inode->size);
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (long)READ_ONCE(inode->blocks);
	st->st_atime = inode->atime.sec;
	st->st_atime_nsec = (unsigned long)inode->atime.nsec;
	st->st_mtime = inode->mtime.sec;
	st->st_mtime_nsec = (unsigned long)inode->mtime.nsec;
	st->st_ctime = inode->ctime.sec;
	st->st_ctime_nsec = (unsigned long)inode->ctime.nsec;
}

/* ---- superblocks ---- */

struct super_block *sb_create(const struct fs_type *type, const struct super_ops *ops,
			      uint64_t magic)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->refcount = 1;
	sb->type = type;
	sb->ops = ops;
	sb->magic = magic;
	sb->dev = MKDEV(0, __atomic_fetch_add(&anon_dev_next, 1, __ATOMIC_RELAXED));
	sb->next_ino = 1;
	return sb;
}

struct super_block *sb_set_root(struct super_block *sb, struct inode *root)
{
	struct dentry *d = d_alloc_root(sb);

	if (!d) {
		inode_put(root);
		sb_put(sb);
		return ERR_PTR(-ENOMEM);
	}
	d_instantiate(d, root);
	sb->root = d;
	return sb;
}

void sb_get(struct super_block *sb)
{
	__atomic_fetch_add(&sb->refcount, 1, __ATOMIC_RELAXED);
}

/*
 * The last reference: the file system lets go of its pinned dentries
 * (kill_sb), the root goes (and with it every inode still reachable), then
 * the file system's own data (put_super).
 */
void sb_put(struct super_block *sb)
{
	if (__atomic_sub_fetch(&sb->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (sb->ops && sb->ops->kill_sb)
		sb->ops->kill_sb(sb);
	if (sb->root)
		dentry_put(sb->root);
	if (sb->ops && sb->ops->put_super)
		sb->ops->put_super(sb);
	kfree(sb);
}

/* ---- the anonymous file system (pipes, sockets, event objects) ---- */

static const struct fs_type anon_fs_type = { .name = "anon_inodefs", .nodev = true };
static const struct super_ops anon_super_ops = { 0 };
static struct super_block *anon_sb;	/* [a] set once */
static DEFINE_SPINLOCK(anon_sb_lock);

void anon_fs_init(void)
{
	struct super_block *sb;

	spin_lock(&anon_sb_lock);
	if (!anon_sb) {
		/* PIPEFS_MAGIC: what fstatfs on a pipe reports on Linux. */
		sb = sb_create(&anon_fs_type, &anon_super_ops, PIPEFS_MAGIC);
		if (sb)
			__atomic_store_n(&anon_sb, sb, __ATOMIC_RELEASE);
	}
	spin_unlock(&anon_sb_lock);
}

struct inode *anon_inode_create(unsigned int mode)
{
	struct super_block *sb = __atomic_load_n(&anon_sb, __ATOMIC_ACQUIRE);
	struct inode *inode;
	struct fs_cred c = fs_cred_current(false);

	if (!sb) {
		anon_fs_init();
		sb = __atomic_load_n(&anon_sb, __ATOMIC_ACQUIRE);
		if (!sb)
			return ERR_PTR(-ENOMEM);
	}
	inode = inode_alloc(sb, mode);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->uid = c.uid;
	inode->gid = c.gid;
	return inode;
}
