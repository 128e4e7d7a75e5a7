/*
 * panic: the kernel found its own state corrupt. Prints the message and a
 * backtrace, stops every other CPU, then halts (or reboots after "panic=N").
 */
#ifndef FERRITE_PANIC_H
#define FERRITE_PANIC_H

#include <ferrite/compiler.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
__noreturn void arch_cpu_stop(void);
void arch_stop_other_cpus(void);

#define BUG_ON(cond)							\
	do {								\
		if (unlikely(cond))					\
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#define WARN_ON(cond)							\
	({								\
		bool __w = !!(cond);					\
		if (unlikely(__w))					\
			printk(KERN_WARNING "WARNING at %s:%d: %s\n",	\
			       __FILE__, __LINE__, #cond);		\
		__w;							\
	})

#endif
