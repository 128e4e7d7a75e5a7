/*
 * Tasks and processes as objects: allocation, reference counts, thread and
 * process ids, the id hash, kernel threads and the start of a new task.
 * Process ids are handed out like Linux's: increasing, wrapping at pid_max
 * (32768) back to 300, skipping ids still in use as a task, process group
 * or session id.
 *
 * Locking: process_tree_lock (irqsave) guards the id hash, the process
 * list, parent/child links and pgid/sid; see include/ferrite/sched.h.
 */
#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <ferrite/vfs.h>
#include <ferrite/vm.h>
#include <ferrite/proc.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/task.h>

#define PID_MAX		32768
#define PID_RESERVED	300
#define TID_HASH_SIZE	256

DEFINE_SPINLOCK(process_tree_lock);
LIST_HEAD(process_list);

static struct list_head tid_hash[TID_HASH_SIZE];	/* [P] */
static int last_pid = 1;				/* [P] pid 1 is init's alone */
static uint64_t nr_forks;				/* [a] */
static struct kmem_cache *task_cache, *process_cache, *fpu_cache;

struct process kernel_process;	/* pid 0: idle tasks and kernel threads */

static struct list_head *tid_bucket(int tid)
{
	return &tid_hash[(unsigned int)tid % TID_HASH_SIZE];
}

/* True if @id is in use as a tid, pgid or sid. Needs process_tree_lock. */
static bool pid_in_use_locked(int id)
{
	struct task *t;
	struct process *p;

	list_for_each_entry(t, tid_bucket(id), hash_node)
		if (t->tid == id)
			return true;
	list_for_each_entry(p, &process_list, all_node)
		if (p->pid == id || p->pgid == id || p->sid == id)
			return true;
	return false;
}

/* A free id, or -EAGAIN. Needs process_tree_lock. */
static int pid_alloc_locked(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int id = last_pid + 1;

		if (id >= PID_MAX)
			id = PID_RESERVED;
		last_pid = id;
		if (!pid_in_use_locked(id))
			return id;
	}
	return -EAGAIN;
}

struct task *task_get(struct task *t)
{
	__atomic_fetch_add(&t->refcount, 1, __ATOMIC_RELAXED);
	return t;
}

void task_put(struct task *t)
{
	if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	signal_task_free(t);
	if (t->fpu)
		kmem_cache_free(fpu_cache, t->fpu);
	if (t->kstack)
		kstack_free(t->kstack);
	if (t->proc && t->proc != &kernel_process)
		process_put(t->proc);
	kmem_cache_free(task_cache, t);
}

void process_get(struct process *p)
{
	__atomic_fetch_add(&p->refcount, 1, __ATOMIC_RELAXED);
}

void process_put(struct process *p)
{
	if (p == &kernel_process || __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	cred_release(p);
	signal_process_free(p);
	kmem_cache_free(process_cache, p);
}

struct task *task_find_get(int tid)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	struct task *t, *found = NULL;

	list_for_each_entry(t, tid_bucket(tid), hash_node) {
		if (t->tid == tid) {
			found = task_get(t);
			break;
		}
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return found;
}

struct process *process_find_locked(int pid)
{
	struct process *p;

	list_for_each_entry(p, &process_list, all_node)
		if (p->pid == pid && p->exit_state < 2)
			return p;
	return NULL;
}

struct process *process_find_get(int pid)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	struct process *p = process_find_locked(pid);

	if (p)
		process_get(p);
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return p;
}

bool process_pgrp_exists_locked(int pgid, int sid)
{
	struct process *p;

	list_for_each_entry(p, &process_list, all_node)
		if (p->pgid == pgid && p->exit_state == 0 && (sid < 0 || p->sid == sid))
			return true;
	return false;
}

/* An empty task with a kernel stack and FPU area; refcount 1. */
struct task *task_alloc(bool user)
{
	struct task *t = kmem_cache_zalloc(task_cache);

	if (!t)
		return NULL;
	t->kstack = kstack_alloc(KSTACK_SIZE);
	if (!t->kstack)
		goto out_free;
	if (user) {
		t->fpu = kmem_cache_alloc(fpu_cache);
		if (!t->fpu)
			goto out_free;
		arch_fpu_init_state(t->fpu);
	}
	t->kstack_top = (uint64_t)t->kstack + KSTACK_SIZE;
	t->user_frame = (struct trap_frame *)(t->kstack_top - sizeof(struct trap_frame));
	t->refcount = 1;
	t->state = TASK_UNINTERRUPTIBLE;	/* not runnable until woken */
	t->cpu = this_cpu_id();
	spin_lock_init(&t->pi_lock, "pi_lock");
	list_init(&t->rq_node);
	list_init(&t->proc_node);
	list_init(&t->hash_node);
	for (int c = 0; c < nr_cpus; c++)
		cpumask_set(&t->affinity, c);
	return t;
out_free:
	if (t->kstack)
		kstack_free(t->kstack);
	kmem_cache_free(task_cache, t);
	return NULL;
}

/* An empty process (refcount 1) with fresh locks and lists. */
struct process *process_alloc(void)
{
	struct process *p = kmem_cache_zalloc(process_cache);

	if (!p)
		return NULL;
	p->refcount = 1;
	spin_lock_init(&p->sig_lock, "sig_lock");
	list_init(&p->tasks);
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->all_node);
	wait_queue_init(&p->child_wait);
	p->start_ns = time_boot_ns();
	return p;
}

/*
 * Give @t a new id and, if @p is a new process, make @t its leader and
 * list @p with @parent: the point where both become visible. Returns the id
 * or -EAGAIN. Takes process_tree_lock.
 */
static int task_publish_id(struct task *t, struct process *p, struct process *parent,
			   int want)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	int id = want ? want : pid_alloc_locked();

	if (id < 0)
		goto out;
	t->tid = id;
	t->proc = p;
	if (p != &kernel_process)
		process_get(p);		/* the task's reference */
	list_add(&t->hash_node, tid_bucket(id));
	if (!p->pid && p != &kernel_process) {
		p->pid = id;
		p->parent = parent;
		if (parent)
			list_add_tail(&p->sibling, &parent->children);
		list_add_tail(&p->all_node, &process_list);
	}
	if (p != &kernel_process) {
		spin_lock(&p->sig_lock);
		list_add_tail(&t->proc_node, &p->tasks);
		p->nr_tasks++;
		spin_unlock(&p->sig_lock);
	}
	__atomic_fetch_add(&nr_forks, 1, __ATOMIC_RELAXED);
out:
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return id;
}

int task_publish(struct task *t, struct process *p, struct process *parent)
{
	return task_publish_id(t, p, parent, 0);
}

/* Remove @t from the id hash (its tid is free again). Needs process_tree_lock. */
void task_unhash_locked(struct task *t)
{
	list_del(&t->hash_node);
}

uint64_t sched_nr_forks(void)
{
	return __atomic_load_n(&nr_forks, __ATOMIC_RELAXED);
}

/*
 * First code of every new task (from the arch switch code): run a kernel
 * thread's body; a body that returns 0 after an exec goes to user space,
 * anything else ends the thread. User tasks made by fork start with
 * kfn == NULL and go straight to their copied user frame.
 */
__noreturn void sched_task_start(void *unused, void *unused2)
{
	struct task *t = current;
	int ret = 0;

	if (t->kfn)
		ret = t->kfn(t->karg);
	if (ret == 0 && t->vm) {
		arch_irq_disable();
		syscall_exit_work(t->user_frame);
		arch_return_to_user(t->user_frame);
	}
	process_exit_task((ret & 0xff) << 8);
}

struct task *kthread_create(const char *name, int (*fn)(void *), void *arg)
{
	struct task *t = task_alloc(false);

	if (!t)
		return ERR_PTR(-ENOMEM);
	strscpy(t->kname, name, sizeof(t->kname));
	t->kfn = fn;
	t->karg = arg;
	arch_task_init_stack(t, NULL, NULL);
	if (task_publish(t, &kernel_process, NULL) < 0) {
		task_put(t);
		return ERR_PTR(-EAGAIN);
	}
	task_get(t);		/* the caller's reference */
	sched_wake(t);
	return t;
}

/*
 * Create process 1: a new process whose first task runs @fn(@arg) in the
 * kernel; @fn is expected to exec a program and return 0. Returns the task
 * (not referenced) or an ERR_PTR.
 */
struct task *process_create_init(int (*fn)(void *), void *arg)
{
	struct process *p = process_alloc();
	struct task *t = task_alloc(true);

	if (!p || !t)
		goto out_nomem;
	p->fs = fs_context_create_root();
	p->files = files_create();
	if (IS_ERR_OR_NULL(p->fs) || IS_ERR_OR_NULL(p->files))
		goto out_nomem;
	rlimit_init_defaults(p->rlim);
	strscpy(p->comm, "init", sizeof(p->comm));
	t->kfn = fn;
	t->karg = arg;
	arch_task_init_stack(t, NULL, NULL);
	task_publish_id(t, p, NULL, 1);
	p->pgid = p->sid = 1;
	sched_wake(t);
	return t;
out_nomem:
	panic("no memory for init");
}

void task_init(void)
{
	task_cache = kmem_cache_create("task", sizeof(struct task), 16);
	process_cache = kmem_cache_create("process", sizeof(struct process), 16);
	fpu_cache = kmem_cache_create("fpu", FPU_STATE_SIZE, 64);
	if (!task_cache || !process_cache || !fpu_cache)
		panic("task: no memory for caches");
	for (int i = 0; i < TID_HASH_SIZE; i++)
		list_init(&tid_hash[i]);
	spin_lock_init(&kernel_process.sig_lock, "sig_lock");
	list_init(&kernel_process.tasks);
	list_init(&kernel_process.children);
	list_init(&kernel_process.sibling);
	list_init(&kernel_process.all_node);
	wait_queue_init(&kernel_process.child_wait);
	kernel_process.refcount = 1;
	strscpy(kernel_process.comm, "swapper", sizeof(kernel_process.comm));
}
