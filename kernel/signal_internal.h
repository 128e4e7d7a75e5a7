/*
 * What the signal files share (signal.c: queues and sending; signal_deliver.c:
 * delivery, stops, faults, rt_sigreturn; signal_sys.c: the mask, action,
 * wait and altstack syscalls). Not for other subsystems: they use
 * <ferrite/signal.h>.
 *
 * Locking: everything named _locked needs the target process's sig_lock,
 * taken irqsave. Lock order: process_tree_lock, sig_lock, a task's pi_lock
 * and run-queue lock (inside sched_wake_state). Nothing in the sending path
 * takes process_tree_lock, so callers may hold it.
 */
#ifndef FERRITE_SIGNAL_INTERNAL_H
#define FERRITE_SIGNAL_INTERNAL_H

#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <asm-generic/siginfo.h>
#include "signal_frame.h"

/* One queued signal's information (Linux's struct sigqueue). */
struct sigqueue {
	struct sigqueue *next;		/* [S] */
	siginfo_t info;
	struct sigframe_fault fault;	/* for the sigcontext of a fault signal */
};

/* process->sig_jobctl bits */
#define SIG_JOBCTL_CONTINUED	0x1	/* resumed by SIGCONT; parent not told yet */
#define SIG_JOBCTL_KILLABLE	0x2	/* init took a fatal fault: default actions apply */
/* Bits 8 and up count SIGCONTs: a stop signal dequeued before the latest one is void. */
#define SIG_JOBCTL_GEN_STEP	0x100u
#define SIG_JOBCTL_GEN(p)	((unsigned int)(p)->sig_jobctl & ~(SIG_JOBCTL_GEN_STEP - 1))

/* Handler values of struct ksigaction. */
#define SIG_HANDLER_DFL		0UL
#define SIG_HANDLER_IGN		1UL

/* signal.c */
void sig_info_init(struct sigqueue *q, int sig, int code);
void sig_info_user(struct sigqueue *q, int sig, int code);
int sig_send_locked(struct process *p, struct task *t, int sig, const struct sigqueue *info,
		    bool force);
int sig_dequeue_locked(struct task *t, uint64_t allowed, struct sigqueue *out);
void sig_set_blocked_locked(struct task *t, uint64_t mask);
void sig_flush_locked(struct process *p, uint64_t mask);
bool sig_handler_ignored(uint64_t handler, int sig);
void sig_wake_task(struct task *t, bool fatal);
void sig_group_exit_locked(struct process *p, int status);
void sig_report_job(struct process *p, int why, int status);
void sig_report_continued(struct process *p);

/* signal_deliver.c */
void sig_force_info(struct task *t, const struct sigqueue *q);

/* signal_sys.c */
int sig_altstack_set(struct task *t, const stack_t *ss, uint64_t sp);

/* signal_timer.c: re-arm a periodic ITIMER_REAL that fired; free it. No lock held. */
void sig_itimer_rearm(struct process *p);
void sig_itimer_free(struct process *p);

#endif
