/* Boot-time entry points called by kernel_main, and what it leaves behind. */
#ifndef FERRITE_INIT_H
#define FERRITE_INIT_H

#include <ferrite/compiler.h>
#include <ferrite/cmdline.h>

extern struct cmdline kernel_cmdline;
extern uint64_t init_done_ns;
extern int panic_timeout;

int multiboot_parse(uint32_t magic, uint64_t info_phys);
/* Interrupt controllers, timers, the other CPUs, power management. */
void arch_init(void);
/* Deliberate faults for the boot tests ("ktest.fault=NAME"). */
void ktest_fault(const char *name);

#endif
