/*
 * Tasks and processes. A task is a schedulable thread of control with its
 * own kernel stack, registers and signal mask; a process (a Linux thread
 * group) owns what its tasks share: pid, parent and children, ids, session
 * and process group, address space, open files, file-system context, signal
 * handlers and resource limits.
 *
 * Lock legend:
 *   [I] immutable after creation        [a] atomic
 *   [o] touched only by the task itself (or with it stopped)
 *   [R] the run-queue lock of the CPU the task is on
 *   [P] process_tree_lock (pids, parent/child links, pgid/sid, exit state)
 *   [S] the process's sig_lock (signal actions, pending sets, masks, stops)
 * Lock order: process_tree_lock, then a process's sig_lock, then wait
 * queue locks, then run-queue locks.
 */
#ifndef FERRITE_SCHED_H
#define FERRITE_SCHED_H

#include <ferrite/compiler.h>
#include <ferrite/list.h>
#include <ferrite/spinlock.h>
#include <ferrite/wait.h>
#include <arch/trap.h>
#include <linux/resource.h>

struct vm_space;
struct files;
struct fs_context;
struct tty;
struct group_info;
struct sigqueue;
struct sig_itimer;

#define TASK_COMM_LEN	16
#define NSIG_WORDS	1	/* 64 signals */
#define CPUMASK_WORDS	4	/* up to 256 CPUs */

typedef uint64_t sigset64;

struct cpumask {
	uint64_t bits[CPUMASK_WORDS];
};

/* Task states. */
enum task_state {
	TASK_RUNNING,		/* on a run queue or on a CPU */
	TASK_INTERRUPTIBLE,	/* sleeping; signals wake it */
	TASK_UNINTERRUPTIBLE,	/* sleeping; only its event wakes it */
	TASK_STOPPED,		/* job-control stop (SIGSTOP, SIGTSTP, ...) */
	TASK_DEAD,		/* exited; waiting to be freed */
};

/* One sigaction, Linux's kernel layout (struct kernel_sigaction). */
struct ksigaction {
	uint64_t handler;	/* SIG_DFL 0, SIG_IGN 1, or a user address */
	uint64_t flags;		/* SA_* */
	uint64_t restorer;
	sigset64 mask;
};

/* struct rlimit64 { rlim_cur, rlim_max } and RLIMIT_* are Linux's (linux/resource.h). */
#define RLIMIT_COUNT	RLIM_NLIMITS

struct task {
	uint64_t ksp;			/* [o] saved kernel rsp while switched out */
	void *kstack;			/* [I] base of the kernel stack (KSTACK_SIZE) */
	uint64_t kstack_top;		/* [I] */
	int tid;			/* [I] */
	int state;			/* [R] enum task_state; [a] reads */
	int cpu;			/* [R] CPU whose run queue holds it */
	bool on_rq;			/* [R] runnable: queued or running */
	int on_cpu;			/* [a] 1 while its registers live on a CPU */
	struct spinlock pi_lock;	/* serializes wake-ups of this task */
	int nice;			/* [R] -20..19 */
	struct cpumask affinity;	/* [R] */
	uint64_t vruntime;		/* [R] weighted run time, ns */
	uint64_t exec_start;		/* [o] when it last went on a CPU, ns */
	uint64_t utime_ns, stime_ns;	/* [o] CPU time used */
	struct list_head rq_node;	/* [R] */
	int refcount;		/* [a] */
	struct process *proc;		/* [I] */
	struct list_head proc_node;	/* [S] in proc->tasks */
	struct vm_space *vm;		/* [o] address space it runs in (NULL: kernel) */
	uint64_t fs_base;		/* [o] user FS base (TLS) */
	void *fpu;			/* [o] 512-byte FXSAVE area, 16-aligned */
	struct trap_frame *user_frame;	/* [o] its user registers on its kernel stack */

	sigset64 blocked;		/* [S] */
	sigset64 pending;		/* [S] thread-directed signals */
	sigset64 saved_mask;		/* [o] mask to restore after sigsuspend */
	bool restore_mask;		/* [o] */
	uint64_t altstack_sp;		/* [o] sigaltstack */
	uint64_t altstack_size;		/* [o] */
	int altstack_flags;		/* [o] */
	struct sigqueue *sigq;		/* [S] siginfo of queued 'pending' signals (NULL: none; signal code's) */
	sigset64 real_blocked;		/* [S] mask before rt_sigtimedwait unblocked its set (signal code's) */
	uint64_t clear_child_tid;	/* [o] user address for set_tid_address/CLONE_CHILD_CLEARTID */
	uint64_t robust_list;		/* [o] set_robust_list head (not walked at exit yet) */
	bool need_resched;		/* [a] */
	bool migrate;			/* [R] leaving a CPU its affinity no longer allows */
	bool vfork_done;		/* [a] */
	struct wait_queue *vfork_wq;	/* [P] parent sleeping on our exec/exit */
	void *wait_data;		/* [o] for the code that sleeps */
	char kname[TASK_COMM_LEN];	/* [I] kernel threads' name */
	uint64_t nvcsw, nivcsw;		/* [o] voluntary / involuntary switches */
	struct list_head hash_node;	/* [P] in the tid hash */
	int exit_code;			/* [o] */
	int (*kfn)(void *);		/* [I] kernel thread body */
	void *karg;			/* [I] */
};

struct process {
	int pid;			/* [I] also the tgid */
	int refcount;		/* [a] */
	struct spinlock sig_lock;
	struct list_head tasks;		/* [S] of struct task, proc_node */
	int nr_tasks;			/* [S] live tasks */
	struct process *parent;		/* [P] */
	struct list_head children;	/* [P] */
	struct list_head sibling;	/* [P] in parent->children */
	struct list_head all_node;	/* [P] in the list of every process */
	int pgid, sid;			/* [P] */
	int exit_state;			/* [P] 0 alive, 1 zombie, 2 reaped */
	int exit_code;			/* [P] wait status (as wait4 reports it) */
	int stop_report;		/* [P] pending stop/continue report for waitpid */
	int exit_signal;		/* [I] sent to the parent at exit (SIGCHLD) */
	bool did_exec;			/* [P] for setpgid's EACCES */
	struct wait_queue child_wait;	/* children's exits and stops */
	int uid, euid, suid, fsuid;	/* [o] */
	int gid, egid, sgid, fsgid;	/* [o] */
	struct group_info *groups;	/* [S] supplementary groups (cred.h); NULL: none */
	struct vm_space *vm;		/* [o] shared address space */
	struct files *files;		/* [o] file descriptor table */
	struct fs_context *fs;		/* [o] cwd, root, umask */
	struct ksigaction actions[64];	/* [S] index signo-1 */
	sigset64 shared_pending;	/* [S] process-directed signals */
	struct sigqueue *shared_sigq;	/* [S] siginfo of queued shared signals (signal code's) */
	int sig_jobctl;			/* [S] job-control notes for the parent (signal code's) */
	struct sig_itimer *itimer;	/* [S] ITIMER_REAL; NULL until first set (signal code's) */
	int group_exit;			/* [S] exit_group/fatal signal in progress */
	int group_exit_code;		/* [S] */
	bool stopped;			/* [S] job-control stopped */
	struct tty *tty;		/* [P] controlling terminal */
	struct rlimit64 rlim[RLIMIT_COUNT];	/* [o] */
	char comm[TASK_COMM_LEN];	/* [o] executable's base name */
	uint64_t start_ns;		/* [I] time_boot_ns() at fork */
	uint64_t cutime_ns, cstime_ns;	/* [P] reaped children's CPU time */
	uint64_t dead_utime_ns, dead_stime_ns;	/* [S] exited threads' CPU time */
	uint64_t minflt, majflt;	/* [a] */
};

/* The task running on this CPU. */
struct task *current_task(void);
#define current (current_task())
#define current_proc (current_task()->proc)

extern struct spinlock process_tree_lock;
extern struct list_head process_list;	/* [P] every process, by creation */

/*
 * Kernel timers: @fn runs from the timer interrupt of the CPU that armed the
 * timer, at or after @deadline (time_boot_ns), with that CPU's timer lock
 * held (so ktimer_cancel returning means @fn is not running).
 */
struct ktimer {
	struct list_head node;		/* [timer lock] */
	uint64_t deadline;		/* [timer lock] */
	void (*fn)(struct ktimer *t);	/* [I] */
	int cpu;			/* [timer lock] -1 when not armed */
	void *data;			/* owner's */
};
void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t), void *data);
void ktimer_start(struct ktimer *t, uint64_t deadline_ns);
/* Disarm; true if it was armed. After return @fn is not running. */
bool ktimer_cancel(struct ktimer *t);
/*
 * schedule(), but wake up at @deadline_ns at the latest (the caller set its
 * state with wait_prepare or sched_set_state). True if the deadline passed.
 */
bool schedule_deadline(uint64_t deadline_ns);

/* Scheduler. */
void sched_init(void);			/* boot CPU, before the first task */
void sched_init_cpu_ap(void);		/* every other CPU, as it comes up */
void sched_finish_switch(struct task *prev);	/* arch switch code only */
/* Make @t runnable on some CPU its affinity allows. Any context. */
void sched_wake(struct task *t);
/* For sched_wake_state: either sleep state. */
#define TASK_SLEEPING	(-1)
/* Wake @t if it is in @state (TASK_INTERRUPTIBLE, _UNINTERRUPTIBLE, _STOPPED or TASK_SLEEPING); true if woken. */
bool sched_wake_state(struct task *t, int state);
/* Put the current task to sleep in @state and switch away. */
void sched_sleep(int state);
void sched_yield_current(void);
/* Called on the way back to user space: switch if another task should run. */
void sched_preempt_point(void);
/* Sleep @ns nanoseconds of the monotonic clock; 0 or -EINTR (remaining time in *rem). */
int sched_sleep_ns(uint64_t ns, uint64_t *rem);
/* Set @t's nice value (clamped to -20..19). */
void sched_set_nice(struct task *t, int nice);
/* Restrict @t to @mask (must hold an online CPU; else -EINVAL); migrates it if needed. */
int sched_set_affinity(struct task *t, const struct cpumask *mask);
void sched_get_affinity(struct task *t, struct cpumask *mask);
/* Tasks runnable now (for /proc/loadavg, /proc/stat) and the load averages (fixed point, 11 bits). */
int sched_nr_running(void);
void sched_loadavg(unsigned long avg[3]);
/* Context switches since boot, and per-CPU busy/idle time in ns (for /proc/stat). */
uint64_t sched_nr_switches(void);
void sched_cpu_times(int cpu, uint64_t *user_ns, uint64_t *system_ns, uint64_t *idle_ns);
/* Processes forked since boot. */
uint64_t sched_nr_forks(void);
/* The CPU's idle loop (boot CPU after init starts, every AP). */
__noreturn void sched_idle_loop(void);

/* Tasks. */
struct task *task_get(struct task *t);
void task_put(struct task *t);
/* Find the task with thread id @tid and take a reference, or NULL. */
struct task *task_find_get(int tid);
/* Find the process with pid @pid and take a reference, or NULL. */
struct process *process_find_get(int pid);
void process_get(struct process *p);
void process_put(struct process *p);
/*
 * Start a kernel thread running @fn(@arg); returns the task (referenced),
 * or an ERR_PTR. It belongs to process 0 (the kernel) unless it later execs.
 */
struct task *kthread_create(const char *name, int (*fn)(void *), void *arg);

/* Process lifecycle. */
__noreturn void process_exit_task(int wait_status);	/* this thread */
__noreturn void process_exit_group(int wait_status);	/* the whole process */
/* Hand @t (freshly built) to user space at @frame. */

/* Process groups and sessions. */
/* True if some process has pgid @pgid in session @sid. [P] */
bool process_pgrp_exists_locked(int pgid, int sid);

/* Credentials: true if the caller may send a signal to @p. */
bool process_may_signal(const struct process *p);

/* CPU masks. */
static inline void cpumask_set(struct cpumask *m, int cpu)
{
	m->bits[cpu / 64] |= 1UL << (cpu % 64);
}

static inline bool cpumask_test(const struct cpumask *m, int cpu)
{
	return (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}

#endif
