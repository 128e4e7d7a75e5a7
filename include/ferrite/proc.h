/*
 * Process-management internals shared by kernel/task.c, fork.c, exit.c and
 * the start-up code (not for other subsystems: they use sched.h).
 */
#ifndef FERRITE_PROC_H
#define FERRITE_PROC_H

#include <ferrite/sched.h>

extern struct process kernel_process;

void task_init(void);
struct task *task_alloc(bool user);
struct process *process_alloc(void);
int task_publish(struct task *t, struct process *p, struct process *parent);
void task_unhash_locked(struct task *t);
struct process *process_find_locked(int pid);
struct task *process_create_init(int (*fn)(void *), void *arg);
/* Checks on the way back to user space (reschedule, signals); interrupts off on return. */
void syscall_exit_work(struct trap_frame *frame);
/* Linux's default resource limits, for the first process. */
void rlimit_init_defaults(struct rlimit64 *rlim);
/* The vfork parent of @t may run again (exec or exit of @t). */
void process_vfork_release(struct task *t);

/* Start process 1 (kernel/init.c). */
void init_start(void);
/* /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom. */
void mem_devices_init(void);

#endif
