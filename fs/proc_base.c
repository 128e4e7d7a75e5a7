/*
 * procfs, the "proc" file-system type: the directory tree of /proc and the
 * file operations that serve the generated texts (procfs.h).
 *
 * Every inode carries a struct proc_inode naming its table entry and, below
 * /proc/PID, the process id (and descriptor for fd/N); nothing is kept
 * about a process between calls, so an entry of a process that has gone
 * gives ENOENT or ESRCH. Directories are tables of entries (the root adds
 * one directory per process and "self"); lookup builds an inode for a
 * name and lets the VFS drop it when unused. A regular file's text is
 * generated into a seqbuf when a read starts at offset 0 (or the first
 * read), then served from it, as Linux's seq_file does.
 *
 * getdents positions: 0 and 1 are "." and "..", 2 + i the table's entry
 * i, PROC_POS_PID + pid the process directories in the root, and 2 + fd
 * the links of /proc/PID/fd.
 */
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/mutex.h>
#include <ferrite/printk.h>
#include <ferrite/procfs.h>
#include <ferrite/sched.h>
#include <ferrite/seqbuf.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/sysinfo.h>
#include <ferrite/vfs.h>

#define PROC_POS_PID	0x10000		/* above every table position */
#define PROC_WRITE_MAX	256		/* bytes a writable file takes at once */

struct proc_entry;

/* A fixed directory's contents. */
struct proc_table {
	const struct proc_entry *entries;
	size_t n;
};

/* One name in a fixed directory. Exactly one of the content fields is set. */
struct proc_entry {
	const char *name;
	unsigned int mode;
	int (*show)(struct seqbuf *sb);				/* system file */
	int (*pid_show)(struct seqbuf *sb, struct process *p);	/* per-process file */
	int (*write)(const char *buf, size_t len, int pid);	/* writable file */
	const struct proc_table *dir;				/* fixed directory */
	const char *link;					/* fixed symlink text */
	const struct inode_ops *iops;				/* special inodes */
	const struct file_ops *fops;
};

/* What an inode stands for. */
struct proc_inode {
	const struct proc_entry *entry;	/* [I] */
	int pid;			/* [I] 0 outside /proc/PID */
	int fd;				/* [I] fd/N links */
};

/* An open regular file: the generated text. */
struct proc_file {
	struct mutex lock;
	struct seqbuf text;		/* [lock] */
	bool filled;			/* [lock] */
};

static inline struct proc_inode *PI(const struct inode *inode)
{
	return inode->private;
}

static const struct inode_ops proc_root_iops, proc_table_iops, proc_file_iops;
static const struct inode_ops proc_link_iops, proc_fd_dir_iops, proc_fd_link_iops;
static const struct inode_ops proc_self_iops, proc_exe_iops;
static const struct file_ops proc_root_fops, proc_table_fops, proc_file_fops;
static const struct file_ops proc_fd_dir_fops;
static const struct super_ops proc_super_ops;
static const struct proc_entry proc_fd_link_entry;

/* ---- inodes ---- */

/*
 * A new inode for @e (per process @pid, descriptor @fd), owned by the
 * process's effective ids as on Linux; NULL when out of memory.
 */
static struct inode *proc_inode_new(struct super_block *sb, const struct proc_entry *e,
				    unsigned int mode, int pid, int fd)
{
	struct proc_inode *pinfo = kzalloc(sizeof(*pinfo));
	struct inode *inode;

	if (!pinfo)
		return NULL;
	inode = inode_alloc(sb, mode);
	if (!inode) {
		kfree(pinfo);
		return NULL;
	}
	*pinfo = (struct proc_inode){ .entry = e, .pid = pid, .fd = fd };
	inode->private = pinfo;
	if (S_ISDIR(mode)) {
		inode->nlink = 2;
		inode->iops = e && e->dir ? &proc_table_iops : e ? e->iops : &proc_root_iops;
		inode->fops = e && e->dir ? &proc_table_fops : e ? e->fops : &proc_root_fops;
	} else if (S_ISLNK(mode)) {
		inode->iops = e && e->iops ? e->iops : &proc_link_iops;
	} else {
		inode->iops = &proc_file_iops;
		inode->fops = &proc_file_fops;
	}
	if (pid) {
		struct process *p = process_find_get(pid);

		if (p) {
			inode->uid = READ_ONCE(p->euid);
			inode->gid = READ_ONCE(p->egid);
			process_put(p);
		}
	}
	return inode;
}

static void proc_evict_inode(struct inode *inode)
{
	kfree(inode->private);
	inode->private = NULL;
}

static int proc_statfs(struct super_block *sb, struct kstatfs *st)
{
	return 0;
}

/* Give @d an inode for entry @e; 0 or -ENOMEM. */
static int proc_instantiate(struct inode *dir, struct dentry *d, const struct proc_entry *e,
			    unsigned int mode, int pid, int fd)
{
	struct inode *inode = proc_inode_new(dir->sb, e, mode, pid, fd);

	if (!inode)
		return -ENOMEM;
	d_instantiate(d, inode);
	return 0;
}

/* ---- fixed directories ---- */

static bool proc_name_is(const struct dentry *d, const char *name)
{
	return strlen(name) == d->len && !memcmp(d->name, name, d->len);
}

static int proc_table_lookup_in(const struct proc_table *t, struct inode *dir, struct dentry *d,
				int pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (proc_name_is(d, t->entries[i].name))
			return proc_instantiate(dir, d, &t->entries[i], t->entries[i].mode, pid, 0);
	return -ENOENT;
}

static int proc_table_lookup(struct inode *dir, struct dentry *d)
{
	const struct proc_inode *pi = PI(dir);

	return proc_table_lookup_in(pi->entry->dir, dir, d, pi->pid);
}

/* Emit table entries from f->pos on; false when the buffer is full. */
static bool proc_table_emit(struct dir_context *ctx, const struct proc_table *t)
{
	for (size_t i = ctx->f->pos - 2; i < t->n; i++) {
		const struct proc_entry *e = &t->entries[i];

		if (!dir_emit(ctx, e->name, strlen(e->name), 0x100 + i, dt_type(e->mode),
			      (int64_t)(i + 3)))
			return false;
	}
	return true;
}

static long proc_table_getdents(struct file *f, char *ubuf, size_t len)
{
	const struct proc_table *t = PI(f->inode)->entry->dir;
	struct dir_context ctx;

	dir_context_init(&ctx, f, ubuf, len);
	if (dir_emit_dots(&ctx, f->dentry) && f->pos < 2 + t->n)
		proc_table_emit(&ctx, t);
	return dir_context_result(&ctx);
}

/* ---- generated files ---- */

static int proc_file_open(struct inode *inode, struct file *f)
{
	struct proc_file *pf;

	if (PI(inode)->pid) {
		struct process *p = process_find_get(PI(inode)->pid);

		if (!p)
			return -ENOENT;
		process_put(p);
	}
	pf = kzalloc(sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock, "proc_file");
	seqbuf_init(&pf->text);
	f->private_data = pf;
	return 0;
}

static int proc_file_release(struct inode *inode, struct file *f)
{
	struct proc_file *pf = f->private_data;

	seqbuf_free(&pf->text);
	kfree(pf);
	return 0;
}

/* Generate @inode's text into @sb; 0 or -errno (-ESRCH once the process is gone). */
static int proc_generate(struct inode *inode, struct seqbuf *sb)
{
	const struct proc_inode *pi = PI(inode);
	struct process *p;
	int err;

	if (pi->entry->show)
		return pi->entry->show(sb);
	if (!pi->entry->pid_show)
		return -EINVAL;
	p = process_find_get(pi->pid);
	if (!p)
		return -ESRCH;
	err = pi->entry->pid_show(sb, p);
	process_put(p);
	return err;
}

static long proc_file_read(struct file *f, char *ubuf, size_t len, uint64_t *pos)
{
	struct proc_file *pf = f->private_data;
	long ret;

	mutex_lock(&pf->lock);
	if (*pos == 0 || !pf->filled) {
		seqbuf_reset(&pf->text);
		ret = proc_generate(f->inode, &pf->text);
		if (ret) {
			pf->filled = false;
			goto out;
		}
		pf->filled = true;
	}
	ret = simple_read_from_buffer(f, ubuf, len, pos, seqbuf_text(&pf->text), pf->text.len);
out:
	mutex_unlock(&pf->lock);
	return ret;
}

/* Writable files take one write of at most PROC_WRITE_MAX bytes; a trailing newline is dropped. */
static long proc_file_write(struct file *f, const char *ubuf, size_t len, uint64_t *pos)
{
	const struct proc_inode *pi = PI(f->inode);
	char buf[PROC_WRITE_MAX];
	size_t n = MIN(len, sizeof(buf));
	int err;

	if (!pi->entry->write)
		return -EIO;	/* Linux's answer for proc files without a write handler */
	if (file_copy_in(f, buf, ubuf, n))
		return -EFAULT;
	if (n && buf[n - 1] == '\n')
		n--;
	err = pi->entry->write(buf, n, pi->pid);
	if (err)
		return err;
	*pos += len;
	return (long)len;
}

/* ---- symlinks ---- */

static long proc_copy_link(char *buf, size_t size, const char *text)
{
	size_t n = MIN(strlen(text), size);

	memcpy(buf, text, n);
	return (long)n;
}

static long proc_link_readlink(struct dentry *d, char *buf, size_t size)
{
	return proc_copy_link(buf, size, PI(d->inode)->entry->link);
}

static long proc_self_readlink(struct dentry *d, char *buf, size_t size)
{
	char text[16];

	snprintf(text, sizeof(text), "%d", current_proc->pid);
	return proc_copy_link(buf, size, text);
}

/* readlink of a link standing for open file @f (dropped here): its path. */
static long proc_file_readlink(struct file *f, char *buf, size_t size)
{
	char *path = kmalloc(FS_PATH_MAX);
	char *s;
	long n;

	if (!path) {
		file_put(f);
		return -ENOMEM;
	}
	s = file_path(f, path, FS_PATH_MAX);
	n = IS_ERR(s) ? PTR_ERR(s) : proc_copy_link(buf, size, s);
	kfree(path);
	file_put(f);
	return n;
}

/* follow_link of a link standing for open file @f (dropped here): where it is. */
static int proc_file_follow(struct file *f, struct path *out)
{
	int err = -ENOENT;

	if (f->dentry && f->mnt) {
		out->mnt = mount_get(f->mnt);
		out->dentry = dentry_get(f->dentry);
		err = 0;
	}
	file_put(f);
	return err;
}

/* The program file of process @pid, referenced, or NULL. */
static struct file *proc_exe_file(int pid)
{
	struct process *p = process_find_get(pid);
	struct file *f;

	if (!p)
		return NULL;
	f = proc_pid_exe_get(p);
	process_put(p);
	return f;
}

static long proc_exe_readlink(struct dentry *d, char *buf, size_t size)
{
	struct file *f = proc_exe_file(PI(d->inode)->pid);

	return f ? proc_file_readlink(f, buf, size) : -ENOENT;
}

static int proc_exe_follow(struct dentry *d, struct path *out)
{
	struct file *f = proc_exe_file(PI(d->inode)->pid);

	return f ? proc_file_follow(f, out) : -ENOENT;
}

/* ---- /proc/PID/fd ---- */

/* The file at descriptor @fd of process @pid, referenced, or NULL. */
static struct file *proc_fd_file(int pid, int fd)
{
	struct process *p = process_find_get(pid);
	struct files *files;
	struct file *f = NULL;

	if (!p)
		return NULL;
	files = proc_files_get(p);
	process_put(p);
	if (files) {
		f = files_lookup_get(files, fd);
		files_put(files);
	}
	return f;
}

static long proc_fd_readlink(struct dentry *d, char *buf, size_t size)
{
	struct file *f = proc_fd_file(PI(d->inode)->pid, PI(d->inode)->fd);

	return f ? proc_file_readlink(f, buf, size) : -ENOENT;
}

static int proc_fd_follow(struct dentry *d, struct path *out)
{
	struct file *f = proc_fd_file(PI(d->inode)->pid, PI(d->inode)->fd);

	return f ? proc_file_follow(f, out) : -ENOENT;
}

/* A decimal name without sign or leading zero, as Linux's name_to_int; -1 if not one. */
static int proc_name_to_int(const char *name, unsigned int len)
{
	long v = 0;

	if (!len || len > 10 || (name[0] == '0' && len > 1))
		return -1;
	for (unsigned int i = 0; i < len; i++) {
		if (!ascii_isdigit(name[i]))
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v > 0x7fffffff ? -1 : (int)v;
}

static int proc_fd_lookup(struct inode *dir, struct dentry *d)
{
	int fd = proc_name_to_int(d->name, d->len), pid = PI(dir)->pid;
	unsigned int mode = S_IFLNK;
	struct file *f;

	if (fd < 0)
		return -ENOENT;
	f = proc_fd_file(pid, fd);
	if (!f)
		return -ENOENT;
	/* Linux's fd link modes: owner r-x for readable files, -wx for writable ones. */
	if (f->mode & FMODE_READ)
		mode |= S_IRUSR | S_IXUSR;
	if (f->mode & FMODE_WRITE)
		mode |= S_IWUSR | S_IXUSR;
	file_put(f);
	return proc_instantiate(dir, d, &proc_fd_link_entry, mode, pid, fd);
}

/* The lowest open descriptor >= @from of @files, or -1. */
static int proc_next_fd(struct files *files, int from)
{
	int max = files_max_fd(files);

	for (int fd = from; fd < max; fd++) {
		struct file *f = files_lookup_get(files, fd);

		if (f) {
			file_put(f);
			return fd;
		}
	}
	return -1;
}

static long proc_fd_getdents(struct file *f, char *ubuf, size_t len)
{
	struct process *p = process_find_get(PI(f->inode)->pid);
	struct files *files = p ? proc_files_get(p) : NULL;
	struct dir_context ctx;
	char name[12];
	int fd;

	if (p)
		process_put(p);
	dir_context_init(&ctx, f, ubuf, len);
	if (!dir_emit_dots(&ctx, f->dentry) || !files)
		goto out;
	while ((fd = proc_next_fd(files, (int)(f->pos - 2))) >= 0) {
		int n = snprintf(name, sizeof(name), "%d", fd);

		if (!dir_emit(&ctx, name, (unsigned int)n, 0x10000 + (uint64_t)fd, DT_LNK,
			      (int64_t)fd + 3))
			break;
	}
out:
	if (files)
		files_put(files);
	return dir_context_result(&ctx);
}

/* ---- writable files ---- */

static int proc_hostname_write(const char *buf, size_t len, int pid)
{
	return uts_set_name(false, buf, len);
}

static int proc_domainname_write(const char *buf, size_t len, int pid)
{
	return uts_set_name(true, buf, len);
}

static int proc_comm_write(const char *buf, size_t len, int pid)
{
	struct process *p = process_find_get(pid);
	int err;

	if (!p)
		return -ESRCH;
	err = proc_pid_comm_set(p, buf, len);
	process_put(p);
	return err;
}

/* ---- the tables ---- */

#define FILE_RO(n, fn)	{ .name = (n), .mode = S_IFREG | 0444, .show = (fn) }
#define PID_RO(n, fn)	{ .name = (n), .mode = S_IFREG | 0444, .pid_show = (fn) }

static const struct proc_entry proc_sys_kernel_entries[] = {
	{ .name = "domainname", .mode = S_IFREG | 0644, .show = proc_domainname_show,
	  .write = proc_domainname_write },
	{ .name = "hostname", .mode = S_IFREG | 0644, .show = proc_hostname_show,
	  .write = proc_hostname_write },
	FILE_RO("osrelease", proc_osrelease_show),
	FILE_RO("ostype", proc_ostype_show),
	FILE_RO("version", proc_kversion_show),
};
static const struct proc_table proc_sys_kernel = { proc_sys_kernel_entries,
						   ARRAY_SIZE(proc_sys_kernel_entries) };

static const struct proc_entry proc_sys_entries[] = {
	{ .name = "kernel", .mode = S_IFDIR | 0555, .dir = &proc_sys_kernel },
};
static const struct proc_table proc_sys = { proc_sys_entries, ARRAY_SIZE(proc_sys_entries) };

static const struct proc_entry proc_pid_entries[] = {
	PID_RO("cmdline", proc_pid_cmdline_show),
	{ .name = "comm", .mode = S_IFREG | 0644, .pid_show = proc_pid_comm_show,
	  .write = proc_comm_write },
	{ .name = "environ", .mode = S_IFREG | 0400, .pid_show = proc_pid_environ_show },
	{ .name = "exe", .mode = S_IFLNK | 0777, .iops = &proc_exe_iops },
	{ .name = "fd", .mode = S_IFDIR | 0500, .iops = &proc_fd_dir_iops,
	  .fops = &proc_fd_dir_fops },
	PID_RO("maps", proc_pid_maps_show),
	{ .name = "mountinfo", .mode = S_IFREG | 0444, .show = proc_mountinfo_show },
	{ .name = "mounts", .mode = S_IFREG | 0444, .show = proc_mounts_show },
	PID_RO("stat", proc_pid_stat_show),
	PID_RO("statm", proc_pid_statm_show),
	PID_RO("status", proc_pid_status_show),
};
static const struct proc_table proc_pid_table = { proc_pid_entries,
						  ARRAY_SIZE(proc_pid_entries) };

/* The links in /proc/PID/fd (their modes come from the open file). */
static const struct proc_entry proc_fd_link_entry = {
	.name = "<fd>", .mode = S_IFLNK, .iops = &proc_fd_link_iops,
};

/* The directory of one process: a fixed table with the process's id. */
static const struct proc_entry proc_pid_dir_entry = {
	.name = "<pid>", .mode = S_IFDIR | 0555, .dir = &proc_pid_table,
};

static const struct proc_entry proc_root_entries[] = {
	FILE_RO("cmdline", proc_cmdline_show),
	FILE_RO("cpuinfo", proc_cpuinfo_show),
	FILE_RO("filesystems", proc_filesystems_show),
	FILE_RO("loadavg", proc_loadavg_show),
	FILE_RO("meminfo", proc_meminfo_show),
	{ .name = "mounts", .mode = S_IFLNK | 0777, .link = "self/mounts" },
	{ .name = "self", .mode = S_IFLNK | 0777, .iops = &proc_self_iops },
	FILE_RO("stat", proc_stat_show),
	{ .name = "sys", .mode = S_IFDIR | 0555, .dir = &proc_sys },
	FILE_RO("uptime", proc_uptime_show),
	FILE_RO("version", proc_version_show),
};
static const struct proc_table proc_root_table = { proc_root_entries,
						   ARRAY_SIZE(proc_root_entries) };

/* ---- the root directory ---- */

static int proc_root_lookup(struct inode *dir, struct dentry *d)
{
	int pid = proc_name_to_int(d->name, d->len);
	struct process *p;

	if (pid < 0)
		return proc_table_lookup_in(&proc_root_table, dir, d, 0);
	p = pid ? process_find_get(pid) : NULL;
	if (!p)
		return -ENOENT;
	process_put(p);
	return proc_instantiate(dir, d, &proc_pid_dir_entry, proc_pid_dir_entry.mode, pid, 0);
}

/* The smallest pid >= @from of a listed process (not the kernel's), or -1. */
static int proc_next_pid(int from)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	struct process *p;
	int best = -1;

	list_for_each_entry(p, &process_list, all_node)
		if (p->pid > 0 && p->pid >= from && (best < 0 || p->pid < best))
			best = p->pid;
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return best;
}

static long proc_root_getdents(struct file *f, char *ubuf, size_t len)
{
	struct dir_context ctx;
	char name[12];
	int pid;

	dir_context_init(&ctx, f, ubuf, len);
	if (!dir_emit_dots(&ctx, f->dentry))
		goto out;
	if (f->pos < 2 + proc_root_table.n && !proc_table_emit(&ctx, &proc_root_table))
		goto out;
	if (f->pos < PROC_POS_PID)
		f->pos = PROC_POS_PID;
	while ((pid = proc_next_pid((int)(f->pos - PROC_POS_PID))) > 0) {
		int n = snprintf(name, sizeof(name), "%d", pid);

		if (!dir_emit(&ctx, name, (unsigned int)n, (uint64_t)pid << 8, DT_DIR,
			      (int64_t)PROC_POS_PID + pid + 1))
			break;
	}
out:
	return dir_context_result(&ctx);
}

/* ---- operations ---- */

static const struct inode_ops proc_root_iops = { .lookup = proc_root_lookup };
static const struct inode_ops proc_table_iops = { .lookup = proc_table_lookup };
static const struct inode_ops proc_fd_dir_iops = { .lookup = proc_fd_lookup };
static const struct inode_ops proc_file_iops = { 0 };
static const struct inode_ops proc_link_iops = { .readlink = proc_link_readlink };
static const struct inode_ops proc_self_iops = { .readlink = proc_self_readlink };
static const struct inode_ops proc_exe_iops = {
	.readlink = proc_exe_readlink,
	.follow_link = proc_exe_follow,
};
static const struct inode_ops proc_fd_link_iops = {
	.readlink = proc_fd_readlink,
	.follow_link = proc_fd_follow,
};

static const struct file_ops proc_root_fops = {
	.getdents = proc_root_getdents,
	.llseek = generic_dir_llseek,
};
static const struct file_ops proc_table_fops = {
	.getdents = proc_table_getdents,
	.llseek = generic_dir_llseek,
};
static const struct file_ops proc_fd_dir_fops = {
	.getdents = proc_fd_getdents,
	.llseek = generic_dir_llseek,
};
static const struct file_ops proc_file_fops = {
	.open = proc_file_open,
	.release = proc_file_release,
	.read = proc_file_read,
	.write = proc_file_write,
	.llseek = generic_file_llseek,
};

static const struct super_ops proc_super_ops = {
	.statfs = proc_statfs,
	.evict_inode = proc_evict_inode,
};

static struct super_block *proc_mount(const struct fs_type *type, const char *source,
				      unsigned long flags, const char *data)
{
	struct super_block *sb = sb_create(type, &proc_super_ops, PROC_SUPER_MAGIC);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	root = proc_inode_new(sb, NULL, S_IFDIR | 0555, 0, 0);
	if (!root) {
		sb_put(sb);
		return ERR_PTR(-ENOMEM);
	}
	return sb_set_root(sb, root);
}

static const struct fs_type proc_fs_type = { .name = "proc", .mount = proc_mount, .nodev = true };

void proc_init(void)
{
	int err = vfs_register_fs(&proc_fs_type);

	if (err)
		pr_err("proc: cannot register the file system (%d)\n", err);
}
