/*
 * Symmetric multiprocessing: starting every CPU the MADT lists
 * (INIT-SIPI-SIPI through a real-mode trampoline below 1 MiB), running a
 * function on other CPUs, TLB shoot-down, and stopping them on panic.
 */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <ferrite/compiler.h>

/* Start all other CPUs (unless "nosmp"/"maxcpus=" say otherwise); returns
 * how many are online, the boot CPU included. */
int smp_init(void);

/*
 * Run @fn(@arg) on every online CPU except this one. Returns once every
 * target has taken the call and, if @wait, once all have returned from it.
 * Callable in any context but NMI, with interrupts on or off, from several
 * CPUs at once. @fn runs with interrupts off, in an interrupt handler or
 * while its CPU itself waits in smp_call_*: it must not sleep, and a lock
 * it takes must always be taken with interrupts off and never be held
 * across a call to smp_call_*. It may itself call smp_call_* and
 * tlb_flush_kernel_range.
 */
void smp_call_others(void (*fn)(void *arg), void *arg, bool wait);
/* The same on every online CPU, this one included (with interrupts off),
 * concurrently; returns when all have finished. */
void smp_call_all(void (*fn)(void *arg), void *arg);

/*
 * What a started CPU runs once it is set up, with interrupts on. The
 * default halts between interrupts; the scheduler overrides it (a strong
 * definition) with its per-CPU idle loop.
 */
__noreturn void smp_ap_idle(void);

#endif
