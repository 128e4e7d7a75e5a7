/*
 * Mounts and file-system types: the registry of types, the mount tree
 * (each mount attaches a superblock's subtree on a dentry of its parent),
 * mount(2)'s cases (new mount, bind, remount, propagation no-ops), umount
 * with Linux's busy rule, and /proc/mounts and mountinfo text.
 *
 * A mount's reference count holds one for its place in the tree, one per
 * child mount, and one per path naming it (cwds, roots, open files, walks
 * in progress): an attached mount with nothing on it and nobody using it
 * has exactly the tree's reference.
 */
#define pr_fmt(fmt) "vfs: " fmt

#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/kprintf.h>
#include <linux/mount.h>


/* umount2 flags (Linux's sys/mount.h values). */
#define UMOUNT_FORCE	1
#define UMOUNT_DETACH	2
#define UMOUNT_EXPIRE	4
#define UMOUNT_NOFOLLOW	8

DEFINE_MUTEX(namespace_mutex);
DEFINE_SPINLOCK(mount_lock);
static LIST_HEAD(mount_list);		/* [M] every attached mount, in mount order */
static struct mount *root_mount;	/* [I] after vfs_init */
static int mount_next_id = 1;		/* [a] */

/* ---- file-system types ---- */

struct fs_type_node {
	const struct fs_type *type;
	struct list_head node;
};

static LIST_HEAD(fs_types);		/* [fs_types_lock] */
static DEFINE_SPINLOCK(fs_types_lock);

static const struct fs_type *find_fs_locked(const char *name)
{
	struct fs_type_node *n;

	list_for_each_entry(n, &fs_types, node)
		if (!strcmp(n->type->name, name))
			return n->type;
	return NULL;
}

int vfs_register_fs(const struct fs_type *type)
{
	struct fs_type_node *n = kmalloc(sizeof(*n));
	int err = 0;

	if (!n)
		return -ENOMEM;
	n->type = type;
	spin_lock(&fs_types_lock);
	if (find_fs_locked(type->name))
		err = -EEXIST;
	else
		list_add_tail(&n->node, &fs_types);
	spin_unlock(&fs_types_lock);
	if (err)
		kfree(n);
	return err;
}

const struct fs_type *vfs_find_fs(const char *name)
{
	const struct fs_type *t;

	spin_lock(&fs_types_lock);
	t = find_fs_locked(name);
	spin_unlock(&fs_types_lock);
	return t;
}

size_t vfs_filesystems_show(char *buf, size_t size)
{
	struct fs_type_node *n;
	size_t used = 0;

	spin_lock(&fs_types_lock);
	list_for_each_entry(n, &fs_types, node)
		used += scnprintf(buf + used, size - used, "%s\t%s\n",
				  n->type->nodev ? "nodev" : "", n->type->name);
	spin_unlock(&fs_types_lock);
	return used;
}

/* ---- references ---- */

struct mount *mount_get(struct mount *m)
{
	__atomic_fetch_add(&m->refcount, 1, __ATOMIC_RELAXED);
	return m;
}

/* The last reference: the mount is out of the tree; let go of what it holds. */
void mount_put(struct mount *m)
{
	while (m) {
		struct mount *parent;

		if (__atomic_sub_fetch(&m->refcount, 1, __ATOMIC_ACQ_REL) != 0)
			return;
		parent = m->parent;
		dentry_put(m->mountpoint);
		dentry_put(m->root);
		sb_put(m->sb);
		kfree(m->source);
		kfree(m);
		m = parent;
	}
}

void path_get(const struct path *p)
{
	mount_get(p->mnt);
	dentry_get(p->dentry);
}

void path_put(struct path *p)
{
	if (p->dentry)
		dentry_put(p->dentry);
	if (p->mnt)
		mount_put(p->mnt);
	p->dentry = NULL;
	p->mnt = NULL;
}

int mnt_want_write(struct mount *m)
{
	return (READ_ONCE(m->flags) & MNT_RDONLY) ? -EROFS : 0;
}

void vfs_root_path(struct path *out)
{
	out->mnt = mount_get(root_mount);
	out->dentry = dentry_get(root_mount->root);
}

struct mount *mount_lookup_child(struct mount *parent, struct dentry *d)
{
	struct mount *c, *found = NULL;

	if (!READ_ONCE(d->mounted))
		return NULL;
	spin_lock(&mount_lock);
	list_for_each_entry(c, &parent->children, child_node) {
		if (c->mountpoint == d) {
			found = mount_get(c);
			break;
		}
	}
	spin_unlock(&mount_lock);
	return found;
}

/* ---- building and attaching ---- */

static unsigned int ms_to_mnt_flags(unsigned long ms)
{
	unsigned int f = 0;

	if (ms & MS_RDONLY)
		f |= MNT_RDONLY;
	if (ms & MS_NOSUID)
		f |= MNT_NOSUID;
	if (ms & MS_NODEV)
		f |= MNT_NODEV;
	if (ms & MS_NOEXEC)
		f |= MNT_NOEXEC;
	if (ms & MS_NODIRATIME)
		f |= MNT_NODIRATIME;
	if (ms & MS_NOATIME)
		f |= MNT_NOATIME;
	else if (ms & MS_STRICTATIME)
		f |= MNT_STRICTATIME;
	else
		f |= MNT_RELATIME;	/* Linux's default */
	return f;
}

/* A detached mount of @sb (reference taken over) rooted at @root; NULL on no memory. */
static struct mount *mount_alloc(struct super_block *sb, struct dentry *root, unsigned int flags,
				 const char *source)
{
	struct mount *m = kzalloc(sizeof(*m));
	size_t len = strlen(source ? source : "none");

	if (!m)
		return NULL;
	m->source = kmalloc(len + 1);
	if (!m->source) {
		kfree(m);
		return NULL;
	}
	memcpy(m->source, source ? source : "none", len + 1);
	m->refcount = 1;	/* the tree's, once attached */
	m->id = __atomic_fetch_add(&mount_next_id, 1, __ATOMIC_RELAXED);
	m->sb = sb;
	m->root = dentry_get(root);
	m->flags = flags;
	list_init(&m->children);
	list_init(&m->child_node);
	list_init(&m->all_node);
	return m;
}

/* Put @m on @where. namespace_mutex held. */
static void attach_mount(struct mount *m, const struct path *where)
{
	struct mount *parent = mount_get(where->mnt);
	struct dentry *mp = dentry_get(where->dentry);

	spin_lock(&mount_lock);
	m->parent = parent;
	m->mountpoint = mp;
	mp->mounted++;
	list_add_tail(&m->child_node, &parent->children);
	list_add_tail(&m->all_node, &mount_list);
	spin_unlock(&mount_lock);
}

/* Take @m out of the tree, queueing it on @dead for detach_finish. [M] */
static void detach_one_locked(struct mount *m, struct list_head *dead)
{
	list_del(&m->child_node);
	list_del(&m->all_node);
	m->mountpoint->mounted--;
	list_add_tail(&m->all_node, dead);
}

/*
 * Drop the references the detached mounts held through the tree: the
 * mountpoint and the parent (their own fields are cleared first so walks
 * from inside a lazily unmounted tree stop at its root), then the tree's
 * reference itself.
 */
static void detach_finish(struct list_head *dead)
{
	while (!list_empty(dead)) {
		struct mount *m = list_first_entry(dead, struct mount, all_node);
		struct mount *parent;
		struct dentry *mp;

		list_del(&m->all_node);
		spin_lock(&mount_lock);
		parent = m->parent;
		mp = m->mountpoint;
		m->parent = NULL;
		m->mountpoint = NULL;
		spin_unlock(&mount_lock);
		dentry_put(mp);
		mount_put(parent);
		mount_put(m);
	}
}

/* A mount root check: @p names the root of its mount. */
static bool is_mount_root(const struct path *p)
{
	return p->dentry == p->mnt->root;
}

static int check_mountpoint(const struct path *where, bool dir)
{
	struct inode *inode = where->dentry->inode;

	if (READ_ONCE(where->dentry->flags) & DENTRY_DEAD)
		return -ENOENT;
	if (dir && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (!dir && S_ISDIR(inode->mode))
		return -ENOTDIR;
	return 0;
}

static int mount_new(const char *source, struct path *where, const char *fstype,
		     unsigned long flags, const char *data)
{
	const struct fs_type *type;
	struct super_block *sb;
	struct mount *m;
	int err;

	if (!fstype)
		return -EINVAL;
	type = vfs_find_fs(fstype);
	if (!type)
		return -ENODEV;
	err = check_mountpoint(where, true);
	if (err)
		return err;
	sb = type->mount(type, source, flags, data);
	if (IS_ERR(sb))
		return (int)PTR_ERR(sb);
	m = mount_alloc(sb, sb->root, ms_to_mnt_flags(flags), source);
	if (!m) {
		sb_put(sb);
		return -ENOMEM;
	}
	mutex_lock(&namespace_mutex);
	err = check_mountpoint(where, true);
	if (!err)
		attach_mount(m, where);
	mutex_unlock(&namespace_mutex);
	if (err)
		mount_put(m);
	return err;
}

/* True if some mount sits on a dentry under @d in @m. [M] */
static bool has_submounts_locked(struct mount *m, struct dentry *d)
{
	struct mount *c;

	list_for_each_entry(c, &m->children, child_node)
		if (d_is_ancestor(d, c->mountpoint))
			return true;
	return false;
}

static int mount_bind(const char *source, struct path *where, unsigned long flags)
{
	struct path src;
	struct mount *m;
	bool sub;
	int err;

	if (!source)
		return -EINVAL;
	err = path_lookup_at(AT_FDCWD, source, LOOKUP_FOLLOW, &src);
	if (err)
		return err;
	err = check_mountpoint(where, S_ISDIR(src.dentry->inode->mode));
	spin_lock(&mount_lock);
	sub = has_submounts_locked(src.mnt, src.dentry);
	spin_unlock(&mount_lock);
	if (!err && sub && (flags & MS_REC)) {
		pr_warn("mount: recursive bind of a tree with submounts is not supported\n");
		err = -EINVAL;
	}
	if (err)
		goto out;
	sb_get(src.mnt->sb);
	m = mount_alloc(src.mnt->sb, src.dentry, src.mnt->flags & ~MNT_RDONLY, source);
	if (!m) {
		sb_put(src.mnt->sb);
		err = -ENOMEM;
		goto out;
	}
	if (flags & MS_RDONLY)
		m->flags |= MNT_RDONLY;
	mutex_lock(&namespace_mutex);
	attach_mount(m, where);
	mutex_unlock(&namespace_mutex);
out:
	path_put(&src);
	return err;
}

static int mount_remount(struct path *where, unsigned long flags, const char *data)
{
	struct mount *m = where->mnt;
	int err = 0;

	if (!is_mount_root(where))
		return -EINVAL;
	mutex_lock(&namespace_mutex);
	if (!(flags & MS_BIND) && data && *data) {
		if (m->sb->ops->remount)
			err = m->sb->ops->remount(m->sb, data);
		else
			err = -EINVAL;
	}
	if (!err) {
		spin_lock(&mount_lock);
		m->flags = ms_to_mnt_flags(flags);
		spin_unlock(&mount_lock);
	}
	mutex_unlock(&namespace_mutex);
	return err;
}

int do_mount(const char *source, struct path *where, const char *fstype, unsigned long flags,
	     const char *data)
{
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	if (flags & MS_REMOUNT)
		return mount_remount(where, flags, data);
	if (flags & MS_BIND)
		return mount_bind(source, where, flags);
	if (flags & MS_MOVE) {
		pr_warn("mount: MS_MOVE is not supported\n");
		return -EINVAL;
	}
	if (flags & MS_SHARED) {
		pr_warn("mount: shared subtrees are not supported\n");
		return -EINVAL;
	}
	if (flags & (MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE))
		/* Every mount is private already: nothing propagates. */
		return is_mount_root(where) ? 0 : -EINVAL;
	return mount_new(source, where, fstype, flags, data);
}

int do_umount(struct path *where, int flags)
{
	struct mount *m = where->mnt;
	LIST_HEAD(dead);
	int err = 0;

	if (flags & ~(UMOUNT_FORCE | UMOUNT_DETACH | UMOUNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if (flags & UMOUNT_EXPIRE) {
		pr_warn("umount: MNT_EXPIRE is not supported\n");
		return -EINVAL;
	}
	if (!is_mount_root(where))
		return -EINVAL;
	mutex_lock(&namespace_mutex);
	spin_lock(&mount_lock);
	if (!m->parent) {
		err = m == root_mount ? -EBUSY : -EINVAL;	/* the root, or already detached */
	} else if (!(flags & UMOUNT_DETACH)) {
		/* Ours (the tree's) and the caller's lookup: anything more is a user. */
		if (!list_empty(&m->children) ||
		    __atomic_load_n(&m->refcount, __ATOMIC_RELAXED) > 2)
			err = -EBUSY;
		else
			detach_one_locked(m, &dead);
	} else {
		/* Lazy: the whole subtree leaves the namespace, leaves first. */
		while (!list_empty(&m->children)) {
			struct mount *c = m;

			while (!list_empty(&c->children))
				c = list_first_entry(&c->children, struct mount, child_node);
			detach_one_locked(c, &dead);
		}
		detach_one_locked(m, &dead);
	}
	spin_unlock(&mount_lock);
	mutex_unlock(&namespace_mutex);
	detach_finish(&dead);
	return err;
}

/* ---- /proc/mounts ---- */

/* Append @s with space, tab, newline and backslash escaped as octal, as Linux's seq_escape. */
static size_t put_escaped(char *buf, size_t size, size_t used, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			used += scnprintf(buf + used, size - used, "\\%03o", (unsigned char)*s);
		else if (used + 1 < size)
			buf[used++] = *s;
	}
	if (used < size)
		buf[used] = '\0';
	return used;
}

static size_t put_mount_opts(char *buf, size_t size, size_t used, struct mount *m)
{
	unsigned int f = m->flags;

	used += scnprintf(buf + used, size - used, "%s%s%s%s%s%s%s", f & MNT_RDONLY ? "ro" : "rw",
			  f & MNT_NOSUID ? ",nosuid" : "", f & MNT_NODEV ? ",nodev" : "",
			  f & MNT_NOEXEC ? ",noexec" : "", f & MNT_NOATIME ? ",noatime" : "",
			  f & MNT_NODIRATIME ? ",nodiratime" : "",
			  f & MNT_RELATIME ? ",relatime" : "");
	return used;
}

static size_t put_sb_opts(char *buf, size_t size, size_t used, struct mount *m)
{
	if (m->sb->ops->show_options && used < size)
		m->sb->ops->show_options(m->sb, buf + used, size - used);
	return used + strnlen(buf + used, size - used);
}

/* Where @m is mounted as seen from @root, into @tmp; NULL if outside it. */
static char *mount_point_path(struct mount *m, const struct path *root, char *tmp, size_t size)
{
	struct path p = { m, m->root };
	char *s = d_path(&p, root, tmp, size, false);

	if (IS_ERR(s) || !strncmp(s, "(unreachable)", 13))
		return NULL;
	return s;
}

/*
 * One line of /proc/mounts or /proc/mountinfo for @m; @mp is its mount
 * point and @scratch a free FS_PATH_MAX buffer.
 */
typedef size_t (*mount_line_fn)(char *buf, size_t size, size_t used, struct mount *m,
				const char *mp, char *scratch);

/*
 * Write a line for every mount visible from the caller's root into @buf
 * (NUL-terminated, truncated at @size); returns the length. Takes the
 * namespace mutex.
 */
static size_t mounts_show(char *buf, size_t size, mount_line_fn line)
{
	char *tmp = kmalloc(2 * FS_PATH_MAX);
	struct path root;
	struct mount *m;
	size_t used = 0;

	if (!tmp || !size)
		goto out;
	buf[0] = '\0';
	fs_current_root(&root);
	mutex_lock(&namespace_mutex);
	list_for_each_entry(m, &mount_list, all_node) {
		char *mp = mount_point_path(m, &root, tmp, FS_PATH_MAX);

		if (mp)
			used = line(buf, size, used, m, mp, tmp + FS_PATH_MAX);
	}
	mutex_unlock(&namespace_mutex);
	path_put(&root);
out:
	kfree(tmp);
	return used;
}

/* /proc/mounts: "source mountpoint type options 0 0". */
static size_t mounts_line(char *buf, size_t size, size_t used, struct mount *m, const char *mp,
			  char *scratch __unused)
{
	used = put_escaped(buf, size, used, m->source);
	used += scnprintf(buf + used, size - used, " ");
	used = put_escaped(buf, size, used, mp);
	used += scnprintf(buf + used, size - used, " %s ", m->sb->type->name);
	used = put_mount_opts(buf, size, used, m);
	used = put_sb_opts(buf, size, used, m);
	return used + scnprintf(buf + used, size - used, " 0 0\n");
}

size_t vfs_mounts_show(char *buf, size_t size)
{
	return mounts_show(buf, size, mounts_line);
}

/* The path of @m's root inside its own superblock ("/" for a whole-fs mount). */
static char *mount_root_in_sb(struct mount *m, char *tmp, size_t size)
{
	struct mount fake = { .root = m->sb->root };
	struct path p = { &fake, m->root }, root = { &fake, m->sb->root };
	char *s = d_path(&p, &root, tmp, size, false);

	return IS_ERR(s) ? "/" : s;
}

/*
 * /proc/PID/mountinfo: "id parent major:minor root mountpoint options -
 * type source superoptions".
 */
static size_t mountinfo_line(char *buf, size_t size, size_t used, struct mount *m,
			     const char *mp, char *scratch)
{
	int parent_id = m->parent ? m->parent->id : m->id;

	used += scnprintf(buf + used, size - used, "%d %d %u:%u ", m->id, parent_id,
			  MAJOR(m->sb->dev), MINOR(m->sb->dev));
	used = put_escaped(buf, size, used, mount_root_in_sb(m, scratch, FS_PATH_MAX));
	used += scnprintf(buf + used, size - used, " ");
	used = put_escaped(buf, size, used, mp);
	used += scnprintf(buf + used, size - used, " ");
	used = put_mount_opts(buf, size, used, m);
	used += scnprintf(buf + used, size - used, " - %s ", m->sb->type->name);
	used = put_escaped(buf, size, used, m->source);
	used += scnprintf(buf + used, size - used, " %s", m->flags & MNT_RDONLY ? "ro" : "rw");
	used = put_sb_opts(buf, size, used, m);
	return used + scnprintf(buf + used, size - used, "\n");
}

size_t vfs_mountinfo_show(char *buf, size_t size)
{
	return mounts_show(buf, size, mountinfo_line);
}

/* ---- start-up ---- */

/* The root mount: a tmpfs, mode 0755, with nothing under it. */
static void mount_root(void)
{
	struct super_block *sb = rootfs_type.mount(&rootfs_type, "rootfs", 0, "mode=0755");

	if (IS_ERR(sb))
		panic("vfs: cannot create the root file system (%ld)", PTR_ERR(sb));
	root_mount = mount_alloc(sb, sb->root, MNT_RELATIME, "rootfs");
	if (!root_mount)
		panic("vfs: no memory for the root mount");
	spin_lock(&mount_lock);
	list_add_tail(&root_mount->all_node, &mount_list);
	spin_unlock(&mount_lock);
}

/* Create /dev in the root and put the devtmpfs superblock on it. */
static void mount_dev(void)
{
	struct dentry *root = root_mount->root, *dev;
	struct path where;
	struct super_block *sb;
	struct mount *m;

	mutex_lock(&root->inode->lock);
	dev = lookup_locked(root, "dev", 3);
	if (dev == ERR_PTR(-ENOENT)) {
		dev = d_alloc(root, "dev", 3);
		if (dev && root->inode->iops->mkdir(root->inode, dev, S_IFDIR | 0755) == 0) {
			d_attach(dev);
		} else if (dev) {
			dentry_put(dev);
			dev = NULL;
		}
	}
	mutex_unlock(&root->inode->lock);
	if (IS_ERR_OR_NULL(dev))
		panic("vfs: cannot create /dev");
	sb = devtmpfs_get_sb();
	m = sb ? mount_alloc(sb, sb->root, MNT_RELATIME | MNT_NOSUID, "devtmpfs") : NULL;
	if (!m)
		panic("vfs: cannot mount devtmpfs on /dev");
	where.mnt = root_mount;
	where.dentry = dev;
	mutex_lock(&namespace_mutex);
	attach_mount(m, &where);
	mutex_unlock(&namespace_mutex);
	dentry_put(dev);
}

void vfs_init(void)
{
	anon_fs_init();
	tmpfs_init();
	devtmpfs_init();
	mount_root();
	mount_dev();
	pr_info("mounted tmpfs on / and devtmpfs on /dev\n");
}
