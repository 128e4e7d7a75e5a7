/*
 * devtmpfs: one tmpfs instance holding the device nodes drivers register
 * (devfs_register), mounted on /dev at start-up as Linux does with
 * CONFIG_DEVTMPFS_MOUNT. Every mount of type "devtmpfs" shows this same
 * instance. Nodes are owned by root; intermediate directories ("pts/0",
 * "input/event0") are made as needed.
 */
#define pr_fmt(fmt) "devtmpfs: " fmt

#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>


static struct super_block *devtmpfs_sb;	/* [devtmpfs_mutex] */
static DEFINE_MUTEX(devtmpfs_mutex);

static struct super_block *devtmpfs_mount(const struct fs_type *type __unused,
					  const char *source __unused, unsigned long flags __unused,
					  const char *data __unused)
{
	struct super_block *sb = devtmpfs_get_sb();

	return sb ? sb : ERR_PTR(-ENOMEM);
}

static const struct fs_type devtmpfs_type = {
	.name = "devtmpfs", .mount = devtmpfs_mount, .nodev = true
};

struct super_block *devtmpfs_get_sb(void)
{
	struct super_block *sb;

	mutex_lock(&devtmpfs_mutex);
	if (!devtmpfs_sb) {
		sb = tmpfs_create_sb(&devtmpfs_type, NULL, 0755);
		if (!IS_ERR(sb))
			devtmpfs_sb = sb;	/* this reference is never dropped */
	}
	sb = devtmpfs_sb;
	if (sb)
		sb_get(sb);
	mutex_unlock(&devtmpfs_mutex);
	return sb;
}

void devtmpfs_init(void)
{
	vfs_register_fs(&devtmpfs_type);
}

/*
 * Make (or find) the entry @name in @dir with @mode/@rdev; returns it
 * referenced or an ERR_PTR. An existing entry is returned as it is.
 */
static struct dentry *dev_make(struct dentry *dir, const char *name, unsigned int len,
			       unsigned int mode, unsigned int rdev)
{
	struct inode *dinode = dir->inode;
	struct dentry *d;
	int err;

	mutex_lock(&dinode->lock);
	d = lookup_locked(dir, name, len);
	if (d != ERR_PTR(-ENOENT))
		goto out;
	d = d_alloc(dir, name, len);
	if (!d) {
		d = ERR_PTR(-ENOMEM);
		goto out;
	}
	err = S_ISDIR(mode) ? dinode->iops->mkdir(dinode, d, mode)
			    : dinode->iops->mknod(dinode, d, mode, rdev);
	if (err) {
		dentry_put(d);
		d = ERR_PTR(err);
	} else {
		d_attach(d);
	}
out:
	mutex_unlock(&dinode->lock);
	return d;
}

/* Create /dev/@name as a character device node; 0 or -errno. */
static int devtmpfs_create_node(const char *name, unsigned int mode, unsigned int rdev)
{
	struct super_block *sb = devtmpfs_get_sb();
	struct dentry *dir, *d;
	const char *p = name;
	int err = 0;

	if (!sb)
		return -ENOMEM;
	dir = dentry_get(sb->root);
	for (;;) {
		const char *slash = strchr(p, '/');
		unsigned int len = slash ? (unsigned int)(slash - p) : (unsigned int)strlen(p);

		if (!len || len > FS_NAME_MAX) {
			err = -EINVAL;
			break;
		}
		d = dev_make(dir, p, len, slash ? S_IFDIR | 0755 : mode, rdev);
		dentry_put(dir);
		dir = NULL;
		if (IS_ERR(d)) {
			err = (int)PTR_ERR(d);
			break;
		}
		if (!slash) {
			if (!S_ISCHR(d->inode->mode) || d->inode->rdev != rdev)
				err = -EEXIST;
			dentry_put(d);
			break;
		}
		if (!S_ISDIR(d->inode->mode)) {
			dentry_put(d);
			err = -ENOTDIR;
			break;
		}
		dir = d;
		p = slash + 1;
	}
	if (dir)
		dentry_put(dir);
	sb_put(sb);
	return err;
}

int devfs_register(const char *name, unsigned int mode, unsigned int major, unsigned int minor,
		   const struct file_ops *ops, void *private_data)
{
	int err = chrdev_register(major, minor, name, ops, private_data);

	if (err && err != -EBUSY)
		return err;
	if (err == -EBUSY) {
		/* Another name for a device already registered (e.g. /dev/console and tty0). */
		const struct file_ops *o;
		void *pd;

		chrdev_lookup(MKDEV(major, minor), &o, &pd);
		if (o != ops || pd != private_data)
			return -EBUSY;
	}
	err = devtmpfs_create_node(name, S_IFCHR | (mode & 07777), MKDEV(major, minor));
	if (err)
		pr_warn("cannot create /dev/%s: error %d\n", name, err);
	return err;
}
