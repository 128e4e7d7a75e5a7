/*
 * Process creation: fork, vfork and clone in its process form (Linux's
 * kernel/fork.c semantics). The child gets a copy-on-write copy of the
 * address space (or shares it with CLONE_VM), a copy of the descriptor
 * table (or shares it with CLONE_FILES), a copy of the file-system context,
 * the signal actions and mask, ids, limits, process group and session, and
 * returns to user space from a copy of the parent's syscall frame with
 * rax = 0. A vfork parent sleeps until the child execs or exits.
 */
#include <ferrite/cred.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/proc.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <ferrite/vfs.h>
#include <ferrite/vm.h>
#include <linux/sched.h>
#include <arch/task.h>

#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_FILES | CLONE_VFORK | CLONE_PARENT | \
			 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |	   \
			 CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_IO)

/* Copy what a process-form clone copies from @parent to @p. */
static int fork_copy_process(struct process *p, struct process *parent, unsigned long flags)
{
	p->uid = parent->uid, p->euid = parent->euid, p->suid = parent->suid;
	p->fsuid = parent->fsuid;
	p->gid = parent->gid, p->egid = parent->egid, p->sgid = parent->sgid;
	p->fsgid = parent->fsgid;
	cred_fork(p, parent);
	memcpy(p->rlim, parent->rlim, sizeof(p->rlim));
	memcpy(p->comm, parent->comm, sizeof(p->comm));
	p->exit_signal = flags & CSIGNAL;
	signal_fork(p, parent);
	if (flags & CLONE_VM) {
		vm_get(parent->vm);
		p->vm = parent->vm;
	} else {
		p->vm = vm_fork(parent->vm);
		if (!p->vm)
			return -ENOMEM;
	}
	if (flags & CLONE_FILES) {
		files_get(parent->files);
		p->files = parent->files;
	} else {
		p->files = files_dup(parent->files);
		if (IS_ERR_OR_NULL(p->files)) {
			p->files = NULL;
			return -ENOMEM;
		}
	}
	p->fs = fs_context_dup(parent->fs);
	if (IS_ERR_OR_NULL(p->fs)) {
		p->fs = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Undo fork_copy_process for a child that never ran. */
static void fork_release_process(struct process *p)
{
	if (p->fs)
		fs_context_put(p->fs);
	if (p->files)
		files_put(p->files);
	if (p->vm)
		vm_put(p->vm);
}

/* The child's registers: the parent's syscall frame with rax 0 and maybe a new stack. */
static void fork_copy_task(struct task *t, struct task *parent, unsigned long flags,
			   uint64_t newsp, uint64_t tls)
{
	*t->user_frame = *parent->user_frame;
	t->user_frame->rax = 0;
	if (newsp)
		t->user_frame->rsp = newsp;
	t->fs_base = (flags & CLONE_SETTLS) ? tls : arch_get_fs_base();
	arch_fpu_save(t->fpu);	/* the parent's live registers */
	t->blocked = parent->blocked;
	t->nice = parent->nice;
	t->affinity = parent->affinity;
	t->vruntime = parent->vruntime;
	t->altstack_sp = parent->altstack_sp;
	t->altstack_size = parent->altstack_size;
	t->altstack_flags = parent->altstack_flags;
	t->vm = t->proc->vm;
	arch_task_init_stack(t, NULL, NULL);
}

/* Link the new process under its parent with the parent's group and session. */
static int fork_publish(struct task *t, struct process *p, unsigned long flags)
{
	struct process *me = current_proc;
	struct process *parent = (flags & CLONE_PARENT) && me->parent ? me->parent : me;
	unsigned long irq;
	int pid;

	irq = spin_lock_irqsave(&process_tree_lock);
	p->pgid = me->pgid;
	p->sid = me->sid;
	p->tty = me->tty;
	spin_unlock_irqrestore(&process_tree_lock, irq);
	pid = task_publish(t, p, parent);
	return pid;
}

/*
 * Create a child process per @flags; returns its pid or -errno. The child
 * runs from a copy of the current user frame.
 */
static long fork_common(unsigned long flags, uint64_t newsp, int *uptid, int *uctid, uint64_t tls)
{
	struct task *me = current, *t;
	struct process *p;
	struct wait_queue vfork_wq;
	long pid;
	int err;

	if (flags & ~(unsigned long)CLONE_SUPPORTED) {
		pr_info_once("clone: flags %#lx not supported yet\n", flags & ~(unsigned long)CLONE_SUPPORTED);
		return (flags & (CLONE_THREAD | CLONE_SIGHAND)) ? -ENOSYS : -EINVAL;
	}
	p = process_alloc();
	t = task_alloc(true);
	err = -ENOMEM;
	if (!p || !t)
		goto out_free;
	err = fork_copy_process(p, me->proc, flags);
	if (err)
		goto out_release;
	t->proc = p;
	fork_copy_task(t, me, flags, newsp, tls);
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = (uint64_t)uctid;
	if (flags & CLONE_VFORK) {
		wait_queue_init(&vfork_wq);
		t->vfork_wq = &vfork_wq;
		task_get(t);
	}
	pid = fork_publish(t, p, flags);
	if (pid < 0) {
		err = pid;
		t->proc = NULL;
		goto out_release;
	}
	if (flags & CLONE_PARENT_SETTID)
		put_user((int)pid, uptid);
	if (flags & CLONE_CHILD_SETTID)
		vm_write_remote(p->vm, (uint64_t)uctid, &pid, sizeof(int));
	sched_wake(t);
	if (flags & CLONE_VFORK) {
		wait_event(vfork_wq, __atomic_load_n(&t->vfork_done, __ATOMIC_ACQUIRE));
		task_put(t);
	}
	return pid;
out_release:
	if (p)
		fork_release_process(p);
out_free:
	if (t)
		task_put(t);
	if (p)
		process_put(p);
	return err;
}

void process_vfork_release(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	struct wait_queue *q = t->vfork_wq;

	t->vfork_wq = NULL;
	__atomic_store_n(&t->vfork_done, true, __ATOMIC_RELEASE);
	if (q)
		wake_up(q);
	spin_unlock_irqrestore(&process_tree_lock, flags);
}

SYSCALL_DEFINE(fork, __NR_fork, void)
{
	return fork_common(SIGCHLD, 0, NULL, NULL, 0);
}

SYSCALL_DEFINE(vfork, __NR_vfork, void)
{
	return fork_common(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, NULL, NULL, 0);
}

/* x86_64 argument order: flags, newsp, parent_tid, child_tid, tls. */
SYSCALL_DEFINE(clone, __NR_clone, unsigned long flags, uint64_t newsp, int *ptid, int *ctid,
	       uint64_t tls)
{
	if ((flags & CSIGNAL) > 64)
		return -EINVAL;
	return fork_common(flags, newsp, ptid, ctid, tls);
}

SYSCALL_DEFINE(clone3, __NR_clone3, void *uargs, size_t size)
{
	pr_info_once("clone3: not supported yet (returns ENOSYS)\n");
	return -ENOSYS;
}
