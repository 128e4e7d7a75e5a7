/*
 * Signals, as Linux delivers them on x86_64: numbers, default actions,
 * sigaction flags and the rt_sigframe are Linux's (asm/signal.h,
 * asm/sigcontext.h, asm/ucontext.h). Signals are queued per task (thread-
 * directed) or per process (shared) and delivered on the way back to user
 * space; a handler runs on an rt_sigframe that rt_sigreturn undoes.
 *
 * Locking: pending sets, masks and actions are [S] (the process's sig_lock,
 * taken irqsave because the tty sends signals from its interrupt path).
 */
#ifndef FERRITE_SIGNAL_H
#define FERRITE_SIGNAL_H

#include <ferrite/sched.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>

#define SIGMASK(sig)	(1UL << ((sig) - 1))

/* Send @sig to process @p (any of its threads may take it). 0 or -errno. Any context. */
int signal_send_process(struct process *p, int sig);
/* Send @sig to task @t alone. 0 or -errno. Any context. */
int signal_send_task(struct task *t, int sig);
/* Send @sig to every process in group @pgid; 0, or -ESRCH if there is none. */
int signal_send_pgrp(int pgid, int sig);
/*
 * Force a synchronous fault signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP)
 * on the current task: unblocked and, if ignored, reset to the default, as
 * Linux's force_sig does. @addr is si_addr.
 */
void signal_force_fault(int sig, int code, uint64_t addr);
/* True if @t has an unblocked pending signal. */
bool signal_pending(struct task *t);
/*
 * On the way back to user space with @frame the user's registers: deliver
 * pending signals (build a frame, take the default action: terminate, core,
 * stop, continue, ignore), and arrange a restart for -ERESTARTSYS and friends.
 * May not return (the process dies).
 */
void signal_deliver(struct trap_frame *frame);
/* Called by fork: the child's signal state from the parent's. */
void signal_fork(struct process *child, const struct process *parent);
/* Called by execve: handled signals go back to SIG_DFL, the altstack goes. */
void signal_exec(void);
/* True if process @p ignores @sig or leaves it at a default of "ignore". */
bool signal_is_ignored(struct process *p, int sig);
/*
 * Tell @child's parent that @child ended with @wait_status: signal @sig
 * (its exit_signal, usually SIGCHLD) with Linux's CLD_EXITED / CLD_KILLED /
 * CLD_DUMPED siginfo (si_pid, si_uid, si_status, si_utime, si_stime).
 * Needs process_tree_lock; does not take @child's locks other than its sig_lock.
 */
void signal_notify_exit_locked(struct process *child, int sig, int wait_status);
/*
 * Begin the exit of the current process with wait status @status (exit_group,
 * fatal signals): every thread gets SIGKILL and is woken, even from a stop
 * (Linux's zap_other_threads). Returns the status in effect: an exit already
 * under way keeps its own.
 */
int signal_group_exit(int status);
/* Free the siginfo still queued on a task / process being freed (refcount 0). */
void signal_task_free(struct task *t);
void signal_process_free(struct process *p);

/* Restart codes a syscall may return; never seen by user space. */
#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ERESTART_RESTARTBLOCK	516

#endif
