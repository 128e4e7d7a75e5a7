// host-test-sources: kernel/signal_frame.c kernel/spinlock.c
/*
 * Host tests for signal queueing and sending (kernel/signal.c) and the
 * syscalls on a process's own signal state (kernel/signal_sys.c), both
 * compiled into this file so their static helpers and sys_* handlers can be
 * called. Processes and tasks are plain structures linked by hand; the
 * scheduler, user copies and allocator are shims that record what happened.
 * What is checked is what a program would notice: which signals stay
 * pending, with which siginfo, which tasks are woken, kill's errno values,
 * job-control reports to the parent.
 */
#include "htest.h"
#include <ferrite/errno.h>

/* the kernel is built with -Wno-unused-parameter; so are its sources and shims here */
#pragma GCC diagnostic ignored "-Wunused-parameter"

/* the kernel's uapi types, renamed where glibc's own clash */
#define timeval uapi_timeval
#define itimerspec uapi_itimerspec
#define itimerval uapi_itimerval
#define timezone uapi_timezone
#define sigset_t uapi_sigset_t
#define sigval uapi_sigval
#define sigval_t uapi_sigval_t
#define siginfo uapi_siginfo
#define siginfo_t uapi_siginfo_t
#define stack_t uapi_stack_t
#define sigaltstack uapi_sigaltstack
#define sigaction uapi_sigaction
#include "../../kernel/signal.c"
#include "../../kernel/signal_sys.c"

/* ---- shims ------------------------------------------------------------- */

#define BAD_UPTR ((void *)0x10)	/* a user pointer that faults */

static struct task *cur;
static int wakes;
static int queue_wakes;
static uint64_t fake_now;

struct task *current_task(void)
{
	return cur;
}

void *kmalloc(size_t n)
{
	return malloc(n);
}

void *kzalloc(size_t n)
{
	return calloc(1, n);
}

void kfree(const void *p)
{
	free((void *)p);
}

bool sched_wake_state(struct task *t, int state)
{
	if (t->state != state)
		return false;
	t->state = TASK_RUNNING;
	wakes++;
	return true;
}

int copy_from_user(void *dst, const void *usrc, size_t len)
{
	if (usrc == BAD_UPTR)
		return -EFAULT;
	memcpy(dst, usrc, len);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t len)
{
	if (udst == BAD_UPTR)
		return -EFAULT;
	memcpy(udst, src, len);
	return 0;
}

void wake_up(struct wait_queue *q)
{
	queue_wakes++;
}

void wait_queue_init(struct wait_queue *q)
{
	list_init(&q->waiters);
}

void wait_prepare(struct wait_queue *q, struct wait_entry *e, bool intr)
{
	cur->state = TASK_INTERRUPTIBLE;
}

void wait_finish(struct wait_queue *q, struct wait_entry *e)
{
	cur->state = TASK_RUNNING;
}

void schedule(void)
{
	/* nothing would ever wake the test's task: a test that sleeps is a bug */
	printf("# schedule() with nothing pending\n");
	abort();
}

bool schedule_deadline(uint64_t deadline_ns)
{
	fake_now = deadline_ns;
	return true;
}

uint64_t time_boot_ns(void)
{
	return fake_now;
}

void sig_itimer_free(struct process *p)
{
}

void sig_itimer_rearm(struct process *p)
{
}

DEFINE_SPINLOCK(process_tree_lock);
LIST_HEAD(process_list);

static struct process *procs[16];
static struct task *tasks[32];
static int nprocs, ntasks;

struct process *process_find_get(int pid)
{
	for (int i = 0; i < nprocs; i++)
		if (procs[i]->pid == pid && procs[i]->exit_state != 2)
			return procs[i];
	return NULL;
}

struct task *task_find_get(int tid)
{
	for (int i = 0; i < ntasks; i++)
		if (tasks[i]->tid == tid)
			return tasks[i];
	return NULL;
}

void process_get(struct process *p)
{
}

void process_put(struct process *p)
{
}

void task_put(struct task *t)
{
}

/* ---- a small world of processes ---------------------------------------- */

static struct process *mkproc(int pid, struct process *parent, int pgid, int sid, int uid)
{
	struct process *p = calloc(1, sizeof(*p));

	p->pid = pid;
	p->parent = parent;
	p->pgid = pgid;
	p->sid = sid;
	p->uid = p->euid = p->suid = uid;
	p->rlim[RLIMIT_SIGPENDING].rlim_cur = 100;
	spin_lock_init(&p->sig_lock, "sig_lock");
	list_init(&p->tasks);
	list_init(&p->children);
	wait_queue_init(&p->child_wait);
	list_add_tail(&p->all_node, &process_list);
	procs[nprocs++] = p;
	return p;
}

static struct task *mktask(struct process *p, int tid)
{
	struct task *t = calloc(1, sizeof(*t));

	t->tid = tid;
	t->proc = p;
	t->state = TASK_INTERRUPTIBLE;
	t->user_frame = calloc(1, sizeof(*t->user_frame));
	list_add_tail(&t->proc_node, &p->tasks);
	p->nr_tasks++;
	tasks[ntasks++] = t;
	return t;
}

/* Free everything the last test built (ASan checks for leaks). */
static void world_reset(void)
{
	for (int i = 0; i < ntasks; i++) {
		signal_task_free(tasks[i]);
		free(tasks[i]->user_frame);
		free(tasks[i]);
	}
	for (int i = 0; i < nprocs; i++) {
		signal_process_free(procs[i]);
		free(procs[i]);
	}
	nprocs = ntasks = 0;
	list_init(&process_list);
	wakes = queue_wakes = 0;
	cur = NULL;
}

/* init (1), a shell (100, session 100), and a job (200, its own group). */
static struct process *init_p, *shell, *job;
static struct task *init_t, *shell_t, *job_t;

static void world(void)
{
	world_reset();
	init_p = mkproc(1, NULL, 1, 1, 0);
	init_t = mktask(init_p, 1);
	shell = mkproc(100, init_p, 100, 100, 1000);
	shell_t = mktask(shell, 100);
	job = mkproc(200, shell, 200, 100, 1000);
	job_t = mktask(job, 200);
	cur = shell_t;
}

static void set_action(struct process *p, int sig, uint64_t handler, uint64_t flags)
{
	p->actions[sig - 1].handler = handler;
	p->actions[sig - 1].flags = flags | SA_RESTORER;
}

static int dequeue(struct task *t, struct sigqueue *q)
{
	return sig_dequeue_locked(t, ~t->blocked, q);
}

#define HANDLER 0x401000UL

/* ---- queueing ---------------------------------------------------------- */

HTEST(standard_signals_coalesce_rt_signals_queue)
{
	struct sigqueue q;

	world();
	set_action(job, SIGUSR1, HANDLER, 0);
	set_action(job, 40, HANDLER, 0);
	job_t->blocked = SIG_BIT(SIGUSR1) | SIG_BIT(40);
	for (int i = 0; i < 3; i++) {
		sig_info_user(&q, SIGUSR1, SI_USER);
		EXPECT_EQ(sig_send(job, NULL, SIGUSR1, &q), 0);
		sig_info_user(&q, 40, SI_QUEUE);
		q.info.si_int = 10 + i;
		EXPECT_EQ(sig_send(job, NULL, 40, &q), 0);
	}
	EXPECT(!signal_pending(job_t));
	job_t->blocked = 0;
	EXPECT(signal_pending(job_t));
	EXPECT_EQ(dequeue(job_t, &q), SIGUSR1);
	EXPECT_EQ(q.info.si_code, SI_USER);
	EXPECT_EQ(q.info.si_pid, 100);
	EXPECT_EQ(q.info.si_uid, 1000);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(dequeue(job_t, &q), 40);
		EXPECT_EQ(q.info.si_code, SI_QUEUE);
		EXPECT_EQ(q.info.si_int, 10 + i);	/* in order */
	}
	EXPECT_EQ(dequeue(job_t, &q), 0);
	EXPECT(!signal_pending(job_t));
}

HTEST(faults_first_then_thread_then_process)
{
	struct sigqueue q;

	world();
	for (int s = 1; s < 32; s++)
		set_action(job, s, HANDLER, 0);
	sig_info_init(&q, 0, SI_KERNEL);
	signal_send_process(job, SIGHUP);
	signal_send_task(job_t, SIGTERM);
	signal_send_task(job_t, SIGSEGV);
	EXPECT_EQ(dequeue(job_t, &q), SIGSEGV);
	EXPECT_EQ(dequeue(job_t, &q), SIGTERM);	/* the thread's own before the process's */
	EXPECT_EQ(dequeue(job_t, &q), SIGHUP);
	EXPECT_EQ(q.info.si_code, SI_KERNEL);
}

HTEST(ignored_signals_are_dropped_unless_blocked)
{
	struct sigqueue q;

	world();
	signal_send_process(job, SIGCHLD);		/* default: ignore */
	signal_send_process(job, SIGWINCH);
	set_action(job, SIGUSR1, SIG_HANDLER_IGN, 0);
	signal_send_process(job, SIGUSR1);
	EXPECT_EQ(job->shared_pending, 0);
	job_t->blocked = SIG_BIT(SIGCHLD);
	signal_send_process(job, SIGCHLD);		/* blocked: the handler may change */
	EXPECT_EQ(job->shared_pending, SIG_BIT(SIGCHLD));
	/* ignoring it with sigaction discards it, blocked or not (POSIX) */
	struct ksigaction act = { .handler = SIG_HANDLER_IGN }, old;
	cur = job_t;
	EXPECT_EQ(sys_rt_sigaction(SIGCHLD, &act, &old, 8), 0);
	EXPECT_EQ(job->shared_pending, 0);
	EXPECT_EQ(dequeue(job_t, &q), 0);
}

HTEST(missing_siginfo_reads_as_si_user)
{
	struct sigqueue q;

	world();
	set_action(job, SIGUSR2, HANDLER, 0);
	job->shared_pending |= SIG_BIT(SIGUSR2);	/* as when kmalloc failed */
	EXPECT_EQ(dequeue(job_t, &q), SIGUSR2);
	EXPECT_EQ(q.info.si_signo, SIGUSR2);
	EXPECT_EQ(q.info.si_code, SI_USER);
	EXPECT_EQ(q.info.si_pid, 0);
}

HTEST(rt_queue_limit)
{
	struct sigqueue q;

	world();
	set_action(job, 40, HANDLER, 0);
	job->rlim[RLIMIT_SIGPENDING].rlim_cur = 2;
	sig_info_user(&q, 40, SI_QUEUE);
	EXPECT_EQ(sig_send(job, NULL, 40, &q), 0);
	EXPECT_EQ(sig_send(job, NULL, 40, &q), 0);
	EXPECT_EQ(sig_send(job, NULL, 40, &q), -EAGAIN);	/* sigqueue: EAGAIN */
	sig_info_user(&q, 40, SI_USER);
	EXPECT_EQ(sig_send(job, NULL, 40, &q), 0);	/* kill: still pending, without info */
	EXPECT_EQ(dequeue(job_t, &q), 40);
	EXPECT_EQ(dequeue(job_t, &q), 40);
	EXPECT_EQ(dequeue(job_t, &q), 0);
}

/* ---- waking and killing ---------------------------------------------------- */

HTEST(shared_signal_wakes_a_thread_that_takes_it)
{
	struct task *t2;

	world();
	t2 = mktask(job, 201);
	set_action(job, SIGUSR1, HANDLER, 0);
	job_t->blocked = SIG_BIT(SIGUSR1);
	signal_send_process(job, SIGUSR1);
	EXPECT_EQ(job_t->state, TASK_INTERRUPTIBLE);
	EXPECT_EQ(t2->state, TASK_RUNNING);
	EXPECT(!signal_pending(job_t));
	EXPECT(signal_pending(t2));
	/* t2 blocks it too, then job_t unblocks: job_t is the one to wake */
	t2->state = TASK_INTERRUPTIBLE;
	cur = t2;
	sig_set_current_blocked(SIG_BIT(SIGUSR1));
	cur = job_t;
	sig_set_current_blocked(0);
	EXPECT(signal_pending(job_t));
	/* and a signal blocked by the thread it was sent to stays there */
	job_t->state = TASK_INTERRUPTIBLE;
	t2->state = TASK_INTERRUPTIBLE;
	job_t->blocked = SIG_BIT(SIGUSR2);
	set_action(job, SIGUSR2, HANDLER, 0);
	signal_send_task(job_t, SIGUSR2);
	EXPECT_EQ(job_t->state, TASK_INTERRUPTIBLE);
	EXPECT_EQ(t2->state, TASK_INTERRUPTIBLE);
	EXPECT(!signal_pending(t2));
}

HTEST(fatal_default_kills_every_thread_at_once)
{
	struct task *t2;

	world();
	t2 = mktask(job, 201);
	t2->state = TASK_STOPPED;
	signal_send_process(job, SIGTERM);
	EXPECT_EQ(job->group_exit, 1);
	EXPECT_EQ(job->group_exit_code, SIGTERM);
	EXPECT(job_t->pending & SIG_BIT(SIGKILL));
	EXPECT(t2->pending & SIG_BIT(SIGKILL));
	EXPECT_EQ(job_t->state, TASK_RUNNING);
	EXPECT_EQ(t2->state, TASK_RUNNING);	/* even out of a stop */
	EXPECT(signal_pending(t2));
	/* a dying process takes nothing more */
	set_action(job, SIGUSR1, HANDLER, 0);
	signal_send_process(job, SIGUSR1);
	EXPECT_EQ(job->shared_pending & SIG_BIT(SIGUSR1), 0);

	/* a core-dumping default goes through delivery instead (one thread dumps) */
	world();
	signal_send_process(job, SIGQUIT);
	EXPECT_EQ(job->group_exit, 0);
	EXPECT(signal_pending(job_t));
	/* a handled or blocked one does not kill either */
	world();
	job_t->blocked = SIG_BIT(SIGTERM);
	signal_send_process(job, SIGTERM);
	EXPECT_EQ(job->group_exit, 0);
}

HTEST(init_is_protected)
{
	world();
	cur = shell_t;
	shell->euid = 0;
	EXPECT_EQ(sys_kill(1, SIGKILL), 0);
	EXPECT_EQ(sys_kill(1, SIGTERM), 0);
	EXPECT_EQ(init_p->shared_pending, 0);
	EXPECT_EQ(init_p->group_exit, 0);
	set_action(init_p, SIGTERM, HANDLER, 0);
	EXPECT_EQ(sys_kill(1, SIGTERM), 0);
	EXPECT_EQ(init_p->shared_pending, SIG_BIT(SIGTERM));
}

/* ---- job control ------------------------------------------------------------ */

HTEST(stop_and_continue_flush_each_other)
{
	world();
	set_action(job, SIGCONT, HANDLER, 0);
	signal_send_process(job, SIGCONT);
	EXPECT(job->shared_pending & SIG_BIT(SIGCONT));
	signal_send_process(job, SIGTSTP);
	EXPECT_EQ(job->shared_pending, SIG_BIT(SIGTSTP));	/* SIGCONT gone */
	signal_send_task(job_t, SIGSTOP);
	EXPECT(job_t->pending & SIG_BIT(SIGSTOP));
	signal_send_process(job, SIGCONT);
	EXPECT_EQ(job->shared_pending, SIG_BIT(SIGCONT));	/* stops gone */
	EXPECT_EQ(job_t->pending, 0);
}

HTEST(sigcont_resumes_and_reports)
{
	struct sigqueue q;

	world();
	set_action(shell, SIGCHLD, HANDLER, SA_SIGINFO);
	job->stopped = true;
	job_t->state = TASK_STOPPED;
	EXPECT(signal_pending(job_t));		/* a stopped process's threads go stop */
	cur = shell_t;
	EXPECT_EQ(sys_kill(200, SIGCONT), 0);
	EXPECT(!job->stopped);
	EXPECT_EQ(job_t->state, TASK_RUNNING);
	EXPECT_EQ(job->shared_pending, 0);	/* default: nothing queued */
	EXPECT_EQ(job->stop_report, 0xffff);	/* WIFCONTINUED, before kill returns */
	EXPECT(queue_wakes >= 1);
	EXPECT_EQ(dequeue(shell_t, &q), SIGCHLD);
	EXPECT_EQ(q.info.si_code, CLD_CONTINUED);
	EXPECT_EQ(q.info.si_pid, 200);
	EXPECT_EQ(q.info.si_status, SIGCONT);
	/* reported once only */
	sig_report_continued(job);
	EXPECT_EQ(dequeue(shell_t, &q), 0);

	/* SA_NOCLDSTOP: the report without the signal */
	world();
	set_action(shell, SIGCHLD, HANDLER, SA_NOCLDSTOP);
	sig_report_job(job, CLD_STOPPED, SIGTSTP);
	EXPECT_EQ(job->stop_report, (SIGTSTP << 8) | 0x7f);
	EXPECT_EQ(shell->shared_pending, 0);
	set_action(shell, SIGCHLD, HANDLER, 0);
	sig_report_job(job, CLD_STOPPED, SIGTSTP);
	EXPECT_EQ(dequeue(shell_t, &q), SIGCHLD);
	EXPECT_EQ(q.info.si_code, CLD_STOPPED);
	EXPECT_EQ(q.info.si_status, SIGTSTP);
}

HTEST(exit_notification_siginfo)
{
	struct sigqueue q;

	world();
	set_action(shell, SIGCHLD, HANDLER, SA_SIGINFO);
	job->dead_utime_ns = 250000000;		/* 25 ticks */
	signal_notify_exit_locked(job, SIGCHLD, 3 << 8);
	EXPECT_EQ(dequeue(shell_t, &q), SIGCHLD);
	EXPECT_EQ(q.info.si_code, CLD_EXITED);
	EXPECT_EQ(q.info.si_pid, 200);
	EXPECT_EQ(q.info.si_uid, 1000);
	EXPECT_EQ(q.info.si_status, 3);
	EXPECT_EQ(q.info.si_utime, 25);
	signal_notify_exit_locked(job, SIGCHLD, SIGSEGV | 0x80);
	EXPECT_EQ(dequeue(shell_t, &q), SIGCHLD);
	EXPECT_EQ(q.info.si_code, CLD_DUMPED);
	EXPECT_EQ(q.info.si_status, SIGSEGV);
	signal_notify_exit_locked(job, SIGCHLD, SIGKILL);
	EXPECT_EQ(dequeue(shell_t, &q), SIGCHLD);
	EXPECT_EQ(q.info.si_code, CLD_KILLED);
	/* stop reports honour SA_NOCLDSTOP, exit reports do not */
	set_action(shell, SIGCHLD, HANDLER, SA_NOCLDSTOP);
	signal_notify_exit_locked(job, SIGCHLD, 0);
	EXPECT_EQ(dequeue(shell_t, &q), SIGCHLD);
}

/* ---- kill and friends ------------------------------------------------------- */

HTEST(kill_errors_and_permissions)
{
	struct process *other;
	struct task *other_t;

	world();
	other = mkproc(300, init_p, 300, 300, 2000);
	other_t = mktask(other, 300);
	set_action(other, SIGUSR1, HANDLER, 0);
	cur = job_t;
	EXPECT_EQ(sys_kill(300, SIGUSR1), -EPERM);
	EXPECT_EQ(sys_kill(300, 0), -EPERM);
	EXPECT_EQ(sys_kill(4242, 0), -ESRCH);
	EXPECT_EQ(sys_kill(200, 1000), -EINVAL);
	EXPECT_EQ(sys_kill(200, -1), -EINVAL);
	EXPECT_EQ(sys_kill(INT32_MIN, SIGTERM), -ESRCH);
	EXPECT_EQ(sys_kill(-4242, SIGTERM), -ESRCH);
	EXPECT_EQ(sys_kill(100, 0), 0);		/* same uid */
	/* the target's saved uid counts; so does the sender's real uid */
	other->suid = 1000;
	EXPECT_EQ(sys_kill(300, 0), 0);
	other->suid = 2000;
	job->euid = 2000;
	EXPECT_EQ(sys_kill(300, 0), 0);
	job->euid = 1000;
	/* SIGCONT within the session needs no credentials */
	other->sid = 100;
	EXPECT_EQ(sys_kill(300, SIGCONT), 0);
	other->sid = 300;
	EXPECT_EQ(sys_kill(300, SIGCONT), -EPERM);
	/* root may */
	job->euid = 0;
	EXPECT_EQ(sys_kill(300, SIGUSR1), 0);
	EXPECT(other->shared_pending & SIG_BIT(SIGUSR1));
	EXPECT_EQ(other_t->state, TASK_RUNNING);
	/* tkill / tgkill */
	EXPECT_EQ(sys_tkill(0, SIGUSR1), -EINVAL);
	EXPECT_EQ(sys_tgkill(0, 300, SIGUSR1), -EINVAL);
	EXPECT_EQ(sys_tgkill(200, 300, SIGUSR1), -ESRCH);
	EXPECT_EQ(sys_tgkill(300, 300, SIGUSR2 + 100), -EINVAL);
	set_action(other, SIGUSR2, HANDLER, 0);
	EXPECT_EQ(sys_tgkill(300, 300, SIGUSR2), 0);
	EXPECT(other_t->pending & SIG_BIT(SIGUSR2));
}

HTEST(kill_groups_and_everyone)
{
	struct process *a, *b;

	world();
	a = mkproc(201, job, 200, 100, 1000);
	mktask(a, 201);
	b = mkproc(202, shell, 202, 100, 1000);
	mktask(b, 202);
	for (int i = 0; i < nprocs; i++)
		set_action(procs[i], SIGUSR1, HANDLER, 0);
	cur = job_t;
	EXPECT_EQ(sys_kill(0, SIGUSR1), 0);			/* own group: 200, 201 */
	EXPECT(job->shared_pending && a->shared_pending && !b->shared_pending);
	EXPECT_EQ(sys_kill(-202, SIGUSR1), 0);
	EXPECT(b->shared_pending);
	job->shared_pending = a->shared_pending = b->shared_pending = 0;
	signal_process_free(job);
	signal_process_free(a);
	signal_process_free(b);
	/* -1: all but init and the caller; EPERM ones do not spoil the result */
	init_p->uid = init_p->suid = 0;
	EXPECT_EQ(sys_kill(-1, SIGUSR1), 0);
	EXPECT(!job->shared_pending && a->shared_pending && b->shared_pending);
	EXPECT(shell->shared_pending && !init_p->shared_pending);
	/* a group with nobody allowed: EPERM */
	struct process *root = mkproc(400, init_p, 400, 400, 0);
	mktask(root, 400);
	EXPECT_EQ(sys_kill(-400, SIGUSR1), -EPERM);
}

HTEST(sigqueueinfo_rules)
{
	siginfo_t si;

	world();
	set_action(job, 40, HANDLER, 0);
	set_action(shell, 40, HANDLER, 0);
	cur = job_t;
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_int = 7;
	EXPECT_EQ(sys_rt_sigqueueinfo(100, 40, &si), 0);
	struct sigqueue q;
	EXPECT_EQ(dequeue(shell_t, &q), 40);
	EXPECT_EQ(q.info.si_int, 7);
	si.si_code = SI_USER;			/* pretending to be kill() */
	EXPECT_EQ(sys_rt_sigqueueinfo(100, 40, &si), -EPERM);
	EXPECT_EQ(sys_rt_sigqueueinfo(200, 40, &si), 0);	/* to oneself: allowed */
	si.si_code = SI_TKILL;
	EXPECT_EQ(sys_rt_sigqueueinfo(100, 40, &si), -EPERM);
	EXPECT_EQ(sys_rt_sigqueueinfo(100, 40, BAD_UPTR), -EFAULT);
	si.si_code = SI_QUEUE;
	EXPECT_EQ(sys_rt_tgsigqueueinfo(100, 200, 40, &si), -ESRCH);
	EXPECT_EQ(sys_rt_tgsigqueueinfo(100, 100, 40, &si), 0);
}

/* ---- the mask and action syscalls ---------------------------------------- */

HTEST(sigaction_rules)
{
	struct ksigaction act = { .handler = HANDLER, .flags = SA_RESTORER | 0x00800000 | SA_SIGINFO,
				  .restorer = 0x402000,
				  .mask = SIG_BIT(SIGKILL) | SIG_BIT(SIGUSR2) };
	struct ksigaction old;

	world();
	cur = job_t;
	EXPECT_EQ(sys_rt_sigaction(SIGUSR1, &act, &old, 4), -EINVAL);
	EXPECT_EQ(sys_rt_sigaction(0, NULL, &old, 8), -EINVAL);
	EXPECT_EQ(sys_rt_sigaction(65, NULL, &old, 8), -EINVAL);
	EXPECT_EQ(sys_rt_sigaction(SIGKILL, &act, NULL, 8), -EINVAL);
	EXPECT_EQ(sys_rt_sigaction(SIGSTOP, &act, NULL, 8), -EINVAL);
	EXPECT_EQ(sys_rt_sigaction(SIGKILL, NULL, &old, 8), 0);
	EXPECT_EQ(sys_rt_sigaction(SIGUSR1, BAD_UPTR, NULL, 8), -EFAULT);
	EXPECT_EQ(sys_rt_sigaction(SIGUSR1, &act, NULL, 8), 0);
	EXPECT_EQ(sys_rt_sigaction(SIGUSR1, NULL, &old, 8), 0);
	EXPECT_EQ(old.handler, HANDLER);
	EXPECT_EQ(old.flags, SA_RESTORER | SA_SIGINFO);	/* unknown bits dropped */
	EXPECT_EQ(old.restorer, 0x402000);
	EXPECT_EQ(old.mask, SIG_BIT(SIGUSR2));		/* SIGKILL cannot be in sa_mask */
	EXPECT_EQ(sys_rt_sigaction(SIGUSR1, NULL, BAD_UPTR, 8), -EFAULT);
}

HTEST(sigprocmask_rules)
{
	uint64_t set, old;

	world();
	cur = job_t;
	set = SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP) | SIG_BIT(SIGUSR1);
	EXPECT_EQ(sys_rt_sigprocmask(SIG_BLOCK, &set, &old, 8), 0);
	EXPECT_EQ(old, 0);
	EXPECT_EQ(job_t->blocked, SIG_BIT(SIGUSR1));
	set = SIG_BIT(SIGUSR2);
	EXPECT_EQ(sys_rt_sigprocmask(SIG_BLOCK, &set, NULL, 8), 0);
	EXPECT_EQ(sys_rt_sigprocmask(SIG_UNBLOCK, &set, &old, 8), 0);
	EXPECT_EQ(old, SIG_BIT(SIGUSR1) | SIG_BIT(SIGUSR2));
	EXPECT_EQ(job_t->blocked, SIG_BIT(SIGUSR1));
	EXPECT_EQ(sys_rt_sigprocmask(SIG_SETMASK, &set, NULL, 8), 0);
	EXPECT_EQ(job_t->blocked, SIG_BIT(SIGUSR2));
	EXPECT_EQ(sys_rt_sigprocmask(99, &set, NULL, 8), -EINVAL);
	EXPECT_EQ(sys_rt_sigprocmask(99, NULL, &old, 8), 0);	/* how unused without a set */
	EXPECT_EQ(sys_rt_sigprocmask(SIG_BLOCK, &set, NULL, 4), -EINVAL);
	EXPECT_EQ(sys_rt_sigprocmask(SIG_BLOCK, BAD_UPTR, NULL, 8), -EFAULT);
	/* rt_sigpending: pending and blocked */
	set_action(job, SIGUSR2, HANDLER, 0);
	signal_send_process(job, SIGUSR2);
	EXPECT_EQ(sys_rt_sigpending(&set, 8), 0);
	EXPECT_EQ(set, SIG_BIT(SIGUSR2));
	EXPECT_EQ(sys_rt_sigpending(&set, 9), -EINVAL);
}

HTEST(sigtimedwait_forms)
{
	siginfo_t si;
	uint64_t set = SIG_BIT(SIGUSR1) | SIG_BIT(SIGKILL);
	struct __kernel_timespec zero = { 0, 0 }, bad = { 0, 1000000000 }, ms = { 0, 1000000 };

	world();
	cur = job_t;
	job_t->blocked = SIG_BIT(SIGUSR1);
	set_action(job, SIGUSR1, HANDLER, 0);
	EXPECT_EQ(sys_rt_sigtimedwait(&set, &si, &zero, 8), -EAGAIN);
	EXPECT_EQ(sys_rt_sigtimedwait(&set, &si, &bad, 8), -EINVAL);
	EXPECT_EQ(sys_rt_sigtimedwait(&set, &si, &zero, 16), -EINVAL);
	EXPECT_EQ(sys_rt_sigtimedwait(&set, &si, &ms, 8), -EAGAIN);	/* the deadline passes */
	EXPECT_EQ(job_t->blocked, SIG_BIT(SIGUSR1));			/* mask back */
	sys_kill(200, SIGUSR1);
	EXPECT_EQ(sys_rt_sigtimedwait(&set, &si, NULL, 8), SIGUSR1);
	EXPECT_EQ(si.si_code, SI_USER);
	EXPECT_EQ(si.si_pid, 200);
	/* a default-ignored signal being waited for is kept (real_blocked) */
	job_t->blocked = 0;
	job_t->real_blocked = SIG_BIT(SIGCHLD);
	signal_send_process(job, SIGCHLD);
	EXPECT(job->shared_pending & SIG_BIT(SIGCHLD));
	job_t->real_blocked = 0;
	/* and a fatal one does not kill the waiter */
	job_t->real_blocked = SIG_BIT(SIGTERM);
	signal_send_process(job, SIGTERM);
	EXPECT_EQ(job->group_exit, 0);
}

HTEST(sigaltstack_rules)
{
	char mem[8192];
	stack_t ss = { .ss_sp = mem, .ss_flags = 0, .ss_size = sizeof(mem) }, old;

	world();
	cur = job_t;
	job_t->user_frame->rsp = 0x7ffff000;
	EXPECT_EQ(sys_sigaltstack(NULL, &old), 0);
	EXPECT_EQ(old.ss_flags, SS_DISABLE);
	EXPECT_EQ(sys_sigaltstack(&ss, NULL), 0);
	EXPECT_EQ(sys_sigaltstack(NULL, &old), 0);
	EXPECT(old.ss_sp == mem && old.ss_size == sizeof(mem) && old.ss_flags == 0);
	job_t->user_frame->rsp = (uint64_t)mem + 4096;
	EXPECT_EQ(sys_sigaltstack(NULL, &old), 0);
	EXPECT_EQ(old.ss_flags, SS_ONSTACK);
	EXPECT_EQ(sys_sigaltstack(&ss, NULL), -EPERM);
	job_t->user_frame->rsp = 0x7ffff000;
	ss.ss_size = MINSIGSTKSZ - 1;
	EXPECT_EQ(sys_sigaltstack(&ss, NULL), -ENOMEM);
	ss.ss_size = sizeof(mem);
	ss.ss_flags = 0x55;
	EXPECT_EQ(sys_sigaltstack(&ss, NULL), -EINVAL);
	ss.ss_flags = (int)(SS_ONSTACK | SS_AUTODISARM);
	EXPECT_EQ(sys_sigaltstack(&ss, NULL), 0);
	job_t->user_frame->rsp = (uint64_t)mem + 4096;
	EXPECT_EQ(sys_sigaltstack(NULL, &old), 0);
	EXPECT_EQ(old.ss_flags, (int)SS_AUTODISARM);	/* autodisarm: never "on" it */
	ss.ss_flags = SS_DISABLE;
	ss.ss_size = 1;
	EXPECT_EQ(sys_sigaltstack(&ss, NULL), 0);
	EXPECT_EQ(sys_sigaltstack(NULL, &old), 0);
	EXPECT_EQ(old.ss_flags, SS_DISABLE);
	EXPECT_EQ(old.ss_size, 0);
	EXPECT_EQ(sys_sigaltstack(BAD_UPTR, NULL), -EFAULT);
}

HTEST(fork_and_exec)
{
	struct process *child;

	world();
	set_action(job, SIGUSR1, HANDLER, SA_RESTART);
	set_action(job, SIGUSR2, SIG_HANDLER_IGN, 0);
	job->actions[SIGUSR1 - 1].mask = SIG_BIT(SIGHUP);
	job->shared_pending = SIG_BIT(SIGHUP);
	child = mkproc(300, job, 200, 100, 1000);
	child->shared_pending = 0xff;
	signal_fork(child, job);
	EXPECT_EQ(child->actions[SIGUSR1 - 1].handler, HANDLER);
	EXPECT_EQ(child->shared_pending, 0);
	cur = job_t;
	job_t->altstack_sp = 0x1000;
	job_t->altstack_size = 0x4000;
	signal_exec();
	EXPECT_EQ(job->actions[SIGUSR1 - 1].handler, SIG_HANDLER_DFL);
	EXPECT_EQ(job->actions[SIGUSR1 - 1].flags, 0);
	EXPECT_EQ(job->actions[SIGUSR1 - 1].mask, 0);
	EXPECT_EQ(job->actions[SIGUSR2 - 1].handler, SIG_HANDLER_IGN);	/* ignored stays */
	EXPECT_EQ(job->shared_pending, SIG_BIT(SIGHUP));		/* pending stays */
	EXPECT_EQ(job_t->altstack_size, 0);
	EXPECT(signal_is_ignored(job, SIGUSR2));
	EXPECT(signal_is_ignored(job, SIGCHLD));
	EXPECT(!signal_is_ignored(job, SIGUSR1));
	world_reset();
}

HTEST_MAIN()
