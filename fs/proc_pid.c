/*
 * procfs per-process files: collectors that snapshot a struct process
 * (under process_tree_lock, its sig_lock, its address space's mutex) into
 * the structures of procfs_fmt.h, and the show functions that format them:
 * /proc/PID/{stat,status,statm,cmdline,environ,comm,maps,mounts,mountinfo}.
 *
 * A process's vm, files and fs pointers are read under its sig_lock and
 * referenced before use, so they stay valid while the process execs or
 * exits (which must swap them under the same lock).
 */
#include <ferrite/cputime.h>
#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/procfs.h>
#include <ferrite/seqbuf.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/tty.h>
#include <ferrite/vfs.h>
#include <ferrite/vm.h>
#include <linux/resource.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>

#define PROC_SIG_IGN	1	/* ksigaction.handler values */
#define PROC_CHUNK	PAGE_SIZE

/* @p's address space, referenced, or NULL (kernel thread, zombie). */
static struct vm_space *proc_vm_get(struct process *p)
{
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	struct vm_space *vm = p->vm;

	if (vm)
		vm_get(vm);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return vm;
}

/* Linux's new_encode_dev of a tty's device number. */
static int proc_tty_nr(const struct tty *tty)
{
	return (int)((tty->minor & 0xff) | (tty->major << 8) | ((tty->minor & ~0xffu) << 12));
}

/* Family links, session, terminal and children's times. Takes process_tree_lock. */
static void collect_tree(struct process *p, struct proc_pid_info *pi)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);

	pi->ppid = p->parent ? p->parent->pid : 0;
	pi->pgid = p->pgid;
	pi->sid = p->sid;
	pi->tty_nr = p->tty ? proc_tty_nr(p->tty) : 0;
	pi->tpgid = p->tty ? p->tty->pgrp : -1;
	pi->cutime_ns = p->cutime_ns;
	pi->cstime_ns = p->cstime_ns;
	if (p->exit_state) {
		pi->state = 'Z';
		pi->exit_code = p->exit_code;
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
}

static char proc_task_state(const struct task *t)
{
	switch (READ_ONCE(t->state)) {
	case TASK_RUNNING:
		return 'R';
	case TASK_INTERRUPTIBLE:
		return 'S';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	case TASK_STOPPED:
		return 'T';
	default:
		return 'X';
	}
}

/* The main thread (tid == pid), else the first; NULL when none is left. [S] */
static struct task *proc_main_task_locked(struct process *p)
{
	struct task *t, *first = NULL;

	list_for_each_entry(t, &p->tasks, proc_node) {
		if (t->tid == p->pid)
			return t;
		if (!first)
			first = t;
	}
	return first;
}

/* Signal dispositions into pi's ignored and caught sets. [S] */
static void collect_actions_locked(struct process *p, struct proc_pid_info *pi)
{
	for (int i = 0; i < 64; i++) {
		uint64_t h = p->actions[i].handler;

		if (h == PROC_SIG_IGN)
			pi->sig_ignored |= 1ULL << i;
		else if (h > PROC_SIG_IGN)
			pi->sig_caught |= 1ULL << i;
	}
}

/*
 * Threads, times, signals, ids and limits under @p's sig_lock; returns the
 * main thread referenced (for its affinity) or NULL.
 */
static struct task *collect_signal_locked(struct process *p, struct proc_pid_info *pi)
{
	struct task *main = proc_main_task_locked(p), *t;
	uint64_t pending = p->shared_pending;

	pi->num_threads = p->nr_tasks;
	pi->utime_ns = p->dead_utime_ns;
	pi->stime_ns = p->dead_stime_ns;
	list_for_each_entry(t, &p->tasks, proc_node) {
		pi->utime_ns += READ_ONCE(t->utime_ns);
		pi->stime_ns += READ_ONCE(t->stime_ns);
		pi->nvcsw += READ_ONCE(t->nvcsw);
		pi->nivcsw += READ_ONCE(t->nivcsw);
		pending |= t->pending;
	}
	pi->sig_shared = p->shared_pending;
	for (; pending; pending &= pending - 1)	/* no libgcc: count bits by hand */
		pi->sigq_count++;
	if (main) {
		if (!pi->state)
			pi->state = p->stopped ? 'T' : proc_task_state(main);
		pi->nice = READ_ONCE(main->nice);
		pi->processor = READ_ONCE(main->cpu);
		pi->sig_pending = main->pending;
		pi->sig_blocked = main->blocked;
		task_get(main);
	}
	collect_actions_locked(p, pi);
	pi->uid[0] = p->uid, pi->uid[1] = p->euid, pi->uid[2] = p->suid, pi->uid[3] = p->fsuid;
	pi->gid[0] = p->gid, pi->gid[1] = p->egid, pi->gid[2] = p->sgid, pi->gid[3] = p->fsgid;
	pi->rsslim = p->rlim[RLIMIT_RSS].rlim_cur;
	pi->sigq_limit = p->rlim[RLIMIT_SIGPENDING].rlim_cur;
	memcpy(pi->comm, p->comm, sizeof(pi->comm));
	pi->comm[sizeof(pi->comm) - 1] = '\0';
	return main;
}

/* Per-area sums and the code/data bounds (the lowest executable file mapping is the program). */
static void collect_vmas_locked(struct vm_space *vm, struct proc_pid_info *pi)
{
	struct file *exe = NULL;
	struct vma *a;

	list_for_each_entry(a, &vm->vmas, node) {
		uint64_t pages = (a->end - a->start) / PAGE_SIZE;

		if (a->flags & (VMA_STACK | VMA_GROWSDOWN))
			pi->stack_pages += pages;
		else if ((a->flags & VMA_WRITE) && !(a->flags & VMA_SHARED))
			pi->data_pages += pages;
		if (!a->file)
			continue;
		if ((a->flags & VMA_EXEC) && !exe) {
			exe = a->file;
			pi->start_code = a->start;
		}
		if ((a->flags & VMA_EXEC) && a->file == exe) {
			pi->exe_pages += pages;
			pi->end_code = a->end;
		} else if (a->flags & VMA_EXEC) {
			pi->lib_pages += pages;
		} else if (a->file == exe && (a->flags & VMA_WRITE) && !pi->start_data) {
			pi->start_data = a->start;
			pi->end_data = a->end;
		}
	}
}

/* Address-space figures. Takes vm->lock. */
static void collect_vm(struct vm_space *vm, struct proc_pid_info *pi)
{
	mutex_lock(&vm->lock);
	pi->has_mm = true;
	pi->vm_pages = vm->total_pages;
	pi->rss_pages = __atomic_load_n(&vm->rss_pages, __ATOMIC_RELAXED);
	pi->start_stack = vm->stack_top;
	pi->start_brk = vm->brk_start;
	pi->arg_start = vm->arg_start;
	pi->arg_end = vm->arg_end;
	pi->env_start = vm->env_start;
	pi->env_end = vm->env_end;
	collect_vmas_locked(vm, pi);
	mutex_unlock(&vm->lock);
}

struct files *proc_files_get(struct process *p)
{
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);
	struct files *files = p->files;

	if (files)
		files_get(files);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return files;
}

/* Descriptor-table size as Linux's FDSize shows it (a multiple of 64), 0 without a table. */
static int collect_fdsize(struct process *p)
{
	struct files *files = proc_files_get(p);
	int n;

	if (!files)
		return 0;
	n = files_max_fd(files);
	files_put(files);
	return n <= 64 ? 64 : (n + 63) / 64 * 64;
}

void proc_pid_collect(struct process *p, struct proc_pid_info *pi, struct group_info **groups)
{
	struct vm_space *vm;
	struct task *main;
	struct cpumask mask;
	unsigned long flags;

	pi->pid = p->pid;
	pi->exit_signal = p->exit_signal;
	pi->start_ns = p->start_ns;
	pi->umask = p == current_proc && p->fs ? (int)fs_current_umask() : -1;
	pi->nr_cpu_ids = nr_cpus;
	collect_tree(p, pi);
	flags = spin_lock_irqsave(&p->sig_lock);
	main = collect_signal_locked(p, pi);
	spin_unlock_irqrestore(&p->sig_lock, flags);
	if (!pi->state)
		pi->state = 'X';
	if (main) {
		sched_get_affinity(main, &mask);
		memcpy(pi->cpus_allowed, mask.bits, sizeof(pi->cpus_allowed));
		task_put(main);
	}
	if (!p->pid || (!p->vm && !p->exit_state))
		pi->flags |= PF_KTHREAD;
	vm = proc_vm_get(p);
	if (vm) {
		collect_vm(vm, pi);
		vm_put(vm);
	}
	pi->fdsize = collect_fdsize(p);
	if (groups) {
		*groups = cred_groups_get(p);
		pi->groups = *groups ? (*groups)->gid : NULL;
		pi->ngroups = *groups ? (*groups)->ngroups : 0;
	}
}

/* Collect @p and run formatter @fmt on it; 0 or -ENOMEM. */
static int proc_pid_show(struct seqbuf *sb, struct process *p,
			 void (*fmt)(struct seqbuf *, const struct proc_pid_info *))
{
	struct proc_pid_info *pi = kzalloc(sizeof(*pi));
	struct group_info *groups = NULL;

	if (!pi)
		return -ENOMEM;
	proc_pid_collect(p, pi, &groups);
	fmt(sb, pi);
	groups_put(groups);
	kfree(pi);
	return seqbuf_error(sb);
}

int proc_pid_stat_show(struct seqbuf *sb, struct process *p)
{
	return proc_pid_show(sb, p, proc_fmt_pid_stat);
}

int proc_pid_status_show(struct seqbuf *sb, struct process *p)
{
	return proc_pid_show(sb, p, proc_fmt_pid_status);
}

int proc_pid_statm_show(struct seqbuf *sb, struct process *p)
{
	return proc_pid_show(sb, p, proc_fmt_pid_statm);
}

struct file *proc_pid_exe_get(struct process *p)
{
	struct vm_space *vm = proc_vm_get(p);
	struct file *f = NULL;
	struct vma *a;

	if (!vm)
		return NULL;
	mutex_lock(&vm->lock);
	list_for_each_entry(a, &vm->vmas, node) {
		if (a->file && (a->flags & VMA_EXEC)) {
			f = file_get(a->file);
			break;
		}
	}
	mutex_unlock(&vm->lock);
	vm_put(vm);
	return f;
}

int proc_pid_comm_set(struct process *p, const char *name, size_t len)
{
	char comm[TASK_COMM_LEN];
	unsigned long flags;

	if (p != current_proc)
		return -EINVAL;
	memset(comm, 0, sizeof(comm));
	memcpy(comm, name, MIN(len, sizeof(comm) - 1));
	flags = spin_lock_irqsave(&p->sig_lock);
	memcpy(p->comm, comm, sizeof(comm));
	spin_unlock_irqrestore(&p->sig_lock, flags);
	return 0;
}

int proc_pid_comm_show(struct seqbuf *sb, struct process *p)
{
	char comm[TASK_COMM_LEN];
	unsigned long flags = spin_lock_irqsave(&p->sig_lock);

	memcpy(comm, p->comm, sizeof(comm));
	spin_unlock_irqrestore(&p->sig_lock, flags);
	comm[sizeof(comm) - 1] = '\0';
	seqbuf_printf(sb, "%s\n", comm);
	return seqbuf_error(sb);
}

/* Append [start, end) of @vm's memory; stop at the first NUL (kept) if @to_nul. */
static int proc_read_user_range(struct seqbuf *sb, struct vm_space *vm, uint64_t start,
				uint64_t end, bool to_nul)
{
	char *buf = kmalloc(PROC_CHUNK);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while (start < end && !err) {
		size_t n = MIN(end - start, (uint64_t)PROC_CHUNK);
		char *nul;

		if (vm_read_remote(vm, start, buf, n))
			break;	/* unmapped: what was read so far, as Linux does */
		nul = to_nul ? memchr(buf, '\0', n) : NULL;
		if (nul)
			n = (size_t)(nul - buf) + 1;
		err = seqbuf_write(sb, buf, n);
		if (nul)
			break;
		start += n;
	}
	kfree(buf);
	return err ? err : seqbuf_error(sb);
}

/*
 * Linux's get_mm_cmdline: the argument area, unless its last byte is not
 * NUL (setproctitle overwrote it), in which case the text runs on into the
 * environment area up to the first NUL, at most a page.
 */
int proc_pid_cmdline_show(struct seqbuf *sb, struct process *p)
{
	struct vm_space *vm = proc_vm_get(p);
	uint64_t as, ae, es, ee;
	char last = 0;
	int err = 0;

	if (!vm)
		return 0;
	mutex_lock(&vm->lock);
	as = vm->arg_start, ae = vm->arg_end, es = vm->env_start, ee = vm->env_end;
	mutex_unlock(&vm->lock);
	if (as >= ae)
		goto out;
	if (es != ae || ee < es)
		ee = ae;
	if (!vm_read_remote(vm, ae - 1, &last, 1) && last)
		err = proc_read_user_range(sb, vm, as, MIN(ee, as + PAGE_SIZE), true);
	else
		err = proc_read_user_range(sb, vm, as, ae, false);
out:
	vm_put(vm);
	return err;
}

int proc_pid_environ_show(struct seqbuf *sb, struct process *p)
{
	struct vm_space *vm = proc_vm_get(p);
	uint64_t es, ee;
	int err = 0;

	if (!vm)
		return 0;
	mutex_lock(&vm->lock);
	es = vm->env_start, ee = vm->env_end;
	mutex_unlock(&vm->lock);
	if (es < ee)
		err = proc_read_user_range(sb, vm, es, ee, false);
	vm_put(vm);
	return err;
}

/* One maps line's worth of an area, copied out of the locked list. */
struct proc_map_copy {
	struct proc_map_entry e;
	struct file *file;		/* referenced, or NULL */
};

/* Copy @vm's areas into a new array (*out, *n). Takes vm->lock. 0 or -ENOMEM. */
static int proc_maps_copy(struct vm_space *vm, struct proc_map_copy **out, size_t *n)
{
	struct proc_map_copy *c;
	struct vma *a;
	size_t i = 0, count = 0;

	mutex_lock(&vm->lock);
	list_for_each_entry(a, &vm->vmas, node)
		count++;
	c = kcalloc(count ? count : 1, sizeof(*c));
	if (!c) {
		mutex_unlock(&vm->lock);
		return -ENOMEM;
	}
	list_for_each_entry(a, &vm->vmas, node) {
		/* Linux's rule, but not for an area that only ends where the heap starts (bss). */
		bool heap = (a->flags & VMA_HEAP) ||
			    (!a->file && a->start <= vm->brk && a->end > vm->brk_start);

		c[i].e = (struct proc_map_entry){ .start = a->start, .end = a->end,
						  .flags = a->flags };
		if (a->file) {
			c[i].file = file_get(a->file);
			c[i].e.offset = a->pgoff * PAGE_SIZE;
		} else if (heap) {
			c[i].e.name = "[heap]";
		} else if (a->flags & VMA_STACK) {
			c[i].e.name = "[stack]";
		}
		i++;
	}
	mutex_unlock(&vm->lock);
	*out = c;
	*n = i;
	return 0;
}

/* Format the copied areas (file names through file_path) and drop the file references. */
static int proc_maps_format(struct seqbuf *sb, struct proc_map_copy *c, size_t n)
{
	char *path = kmalloc(FS_PATH_MAX);

	for (size_t i = 0; i < n; i++) {
		struct file *f = c[i].file;

		if (f) {
			struct inode *inode = f->inode;
			unsigned int dev = inode->sb ? inode->sb->dev : 0;

			c[i].e.major = MAJOR(dev);
			c[i].e.minor = MINOR(dev);
			c[i].e.ino = inode->ino;
			c[i].e.name = path ? file_path(f, path, FS_PATH_MAX) : NULL;
			if (IS_ERR(c[i].e.name))
				c[i].e.name = NULL;
		}
		proc_fmt_maps_entry(sb, &c[i].e);
		if (f)
			file_put(f);
	}
	kfree(path);
	return path ? seqbuf_error(sb) : -ENOMEM;
}

int proc_pid_maps_show(struct seqbuf *sb, struct process *p)
{
	struct vm_space *vm = proc_vm_get(p);
	struct proc_map_copy *c;
	size_t n;
	int err;

	if (!vm)
		return 0;
	err = proc_maps_copy(vm, &c, &n);
	vm_put(vm);
	if (err)
		return err;
	err = proc_maps_format(sb, c, n);
	kfree(c);
	return err;
}
