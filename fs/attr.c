/*
 * Attribute changes: chmod, chown, utimes, truncate with Linux's permission
 * rules (owner or root; setgid cleared for non-members; setuid/setgid
 * dropped by chown; "now" times allowed to writers), statfs, and the
 * kernel helpers vfs_setattr_path and vfs_mount of vfs.h.
 */
#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/string.h>

/* Run @ia on @d's inode: the file system's setattr, or the generic update. Inode mutex held. */
static int setattr_locked(struct dentry *d, struct iattr *ia)
{
	struct inode *inode = d->inode;

	if (!(ia->valid & ATTR_CTIME)) {
		ia->valid |= ATTR_CTIME;
		ia->ctime = vfs_now();
	}
	if (inode->iops && inode->iops->setattr)
		return inode->iops->setattr(d, ia);
	if (ia->valid & ATTR_SIZE)
		return -EPERM;
	generic_setattr_fields(inode, ia);
	return 0;
}

int vfs_setattr(const struct path *p, struct iattr *ia)
{
	struct inode *inode = p->dentry->inode;
	int err = mnt_want_write(p->mnt);

	if (err)
		return err;
	mutex_lock(&inode->lock);
	err = setattr_locked(p->dentry, ia);
	mutex_unlock(&inode->lock);
	return err;
}

int vfs_chmod(const struct path *p, unsigned int mode)
{
	struct inode *inode = p->dentry->inode;
	struct iattr ia = { .valid = ATTR_MODE, .mode = mode & 07777 };

	if (!inode_owner_or_root(inode))
		return -EPERM;
	if (fs_cred_current(false).uid != 0 && !cred_in_group(inode->gid))
		ia.mode &= ~S_ISGID;
	return vfs_setattr(p, &ia);
}

int vfs_chown(const struct path *p, int uid, int gid)
{
	struct inode *inode = p->dentry->inode;
	struct fs_cred c = fs_cred_current(false);
	bool root = c.uid == 0, owner = c.uid == inode->uid;
	struct iattr ia = { 0 };
	unsigned int mode;
	int err;

	if (uid != -1 && !root && !(owner && uid == inode->uid))
		return -EPERM;
	if (gid != -1 && !root && !(owner && (gid == inode->gid || cred_in_group(gid))))
		return -EPERM;
	err = mnt_want_write(p->mnt);
	if (err)
		return err;
	mutex_lock(&inode->lock);
	if (uid != -1) {
		ia.valid |= ATTR_UID;
		ia.uid = uid;
	}
	if (gid != -1) {
		ia.valid |= ATTR_GID;
		ia.gid = gid;
	}
	mode = inode->mode;
	if (!S_ISDIR(mode)) {
		/* Linux drops set-id bits on every chown of a non-directory. */
		unsigned int m = mode & ~S_ISUID;

		if ((m & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			m &= ~S_ISGID;
		if (m != mode) {
			ia.valid |= ATTR_MODE;
			ia.mode = m & 07777;
		}
	}
	err = setattr_locked(p->dentry, &ia);
	mutex_unlock(&inode->lock);
	return err;
}

int vfs_utimes(const struct path *p, const struct vfs_time *t)
{
	struct inode *inode = p->dentry->inode;
	struct vfs_time now = vfs_now();
	struct iattr ia = { .valid = ATTR_ATIME | ATTR_MTIME, .atime = now, .mtime = now };
	bool only_now = !t || (t[0].nsec == UTIME_NOW && t[1].nsec == UTIME_NOW);

	if (t) {
		if (t[0].nsec == UTIME_OMIT && t[1].nsec == UTIME_OMIT)
			return 0;
		for (int i = 0; i < 2; i++) {
			if (t[i].nsec == UTIME_OMIT)
				ia.valid &= ~(i ? ATTR_MTIME : ATTR_ATIME);
			else if (t[i].nsec != UTIME_NOW)
				*(i ? &ia.mtime : &ia.atime) = t[i];
		}
		/* Both omitted-or-now with one omitted still counts as "now" for the rule. */
		only_now = (t[0].nsec == UTIME_NOW || t[0].nsec == UTIME_OMIT) &&
			   (t[1].nsec == UTIME_NOW || t[1].nsec == UTIME_OMIT);
	}
	if (!inode_owner_or_root(inode)) {
		if (!only_now)
			return -EPERM;
		if (inode_permission(inode, MAY_WRITE))
			return -EACCES;
	}
	return vfs_setattr(p, &ia);
}

int vfs_truncate(const struct path *p, int64_t len)
{
	struct inode *inode = p->dentry->inode;
	struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME };
	int err;

	if (len < 0)
		return -EINVAL;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	err = inode_permission(inode, MAY_WRITE);
	if (err)
		return err;
	if ((uint64_t)len > FS_MAX_FILESIZE)
		return -EFBIG;
	ia.size = (uint64_t)len;
	ia.mtime = ia.ctime = vfs_now();
	return vfs_setattr(p, &ia);
}

int vfs_statfs(const struct path *p, struct statfs *st)
{
	struct super_block *sb = p->dentry->sb;
	struct kstatfs k = { .type = sb->magic, .bsize = PAGE_SIZE, .namelen = FS_NAME_MAX,
			     .frsize = PAGE_SIZE };
	unsigned int mf = READ_ONCE(p->mnt->flags);
	int err = sb->ops && sb->ops->statfs ? sb->ops->statfs(sb, &k) : 0;

	if (err)
		return err;
	memset(st, 0, sizeof(*st));
	st->f_type = (long)k.type;
	st->f_bsize = (long)k.bsize;
	st->f_blocks = k.blocks;
	st->f_bfree = k.bfree;
	st->f_bavail = k.bavail;
	st->f_files = k.files;
	st->f_ffree = k.ffree;
	st->f_namelen = (long)k.namelen;
	st->f_frsize = (long)k.frsize;
	/* ST_VALID plus the ST_* mount flags (statvfs(3)). */
	st->f_flags = 0x20 | ((mf & MNT_RDONLY) ? 1 : 0) | ((mf & MNT_NOSUID) ? 2 : 0) |
		      ((mf & MNT_NODEV) ? 4 : 0) | ((mf & MNT_NOEXEC) ? 8 : 0) |
		      ((mf & MNT_NOATIME) ? 1024 : 0) | ((mf & MNT_NODIRATIME) ? 2048 : 0) |
		      ((mf & MNT_RELATIME) ? 4096 : 0);
	return 0;
}

int vfs_setattr_path(const char *path, int uid, int gid, int64_t mtime)
{
	struct iattr ia = { .valid = ATTR_MTIME | ATTR_ATIME };	/* both, as Linux's do_utime */
	struct inode *inode;
	struct path p;
	int err = path_lookup_at(AT_FDCWD, path, 0, &p);

	if (err)
		return err;
	inode = p.dentry->inode;
	if (uid >= 0) {
		ia.valid |= ATTR_UID;
		ia.uid = uid;
	}
	if (gid >= 0) {
		ia.valid |= ATTR_GID;
		ia.gid = gid;
	}
	ia.mtime.sec = mtime;
	ia.atime.sec = mtime;
	mutex_lock(&inode->lock);
	err = setattr_locked(p.dentry, &ia);
	mutex_unlock(&inode->lock);
	path_put(&p);
	return err;
}

int vfs_mount(const char *source, const char *target, const char *fstype, unsigned long flags,
	      const char *data)
{
	struct path where;
	int err = path_lookup_at(AT_FDCWD, target, LOOKUP_FOLLOW, &where);

	if (err)
		return err;
	err = do_mount(source, &where, fstype, flags, data);
	path_put(&where);
	return err;
}
