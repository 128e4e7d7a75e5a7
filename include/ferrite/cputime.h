/*
 * CPU time of tasks and processes, in nanoseconds, for the time syscalls
 * (clock_gettime's CPU clocks, times, getrusage) and /proc. Linux's
 * USER_HZ (100) clock-tick conversion for the interfaces that report ticks.
 */
#ifndef FERRITE_CPUTIME_H
#define FERRITE_CPUTIME_H

#include <ferrite/compiler.h>

struct task;
struct process;

#define USER_HZ		100
#define NSEC_PER_TICK	(1000000000ULL / USER_HZ)

static inline uint64_t cputime_ns_to_ticks(uint64_t ns)
{
	return ns / NSEC_PER_TICK;
}

/* User and system time of task @t. No lock (each value is read once). */
void cputime_task(struct task *t, uint64_t *utime, uint64_t *stime);
/*
 * User and system time of process @p: its live threads plus those that
 * exited. Takes @p's sig_lock; @p must be referenced by the caller.
 */
void cputime_process(struct process *p, uint64_t *utime, uint64_t *stime);
/* Reaped children's user and system time. Takes process_tree_lock. */
void cputime_children(struct process *p, uint64_t *utime, uint64_t *stime);

#endif
