/*
 * panic(): report, stop the other CPUs, then halt this one, or reboot after
 * "panic=N" seconds (N < 0: at once), as Linux does.
 */
#include <ferrite/panic.h>
#include <ferrite/power.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <arch/cpu.h>
#include <arch/percpu.h>

int panic_timeout;	/* [I] from "panic=" */
static int panic_cpu = -1;

__noreturn void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int expect = -1;

	arch_irq_disable();
	this_cpu()->in_panic = 1;
	if (!__atomic_compare_exchange_n(&panic_cpu, &expect, this_cpu_id(), false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		arch_cpu_stop();	/* another CPU is already panicking */
	printk_enter_panic_mode();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", buf);
	arch_stop_other_cpus();
	if (panic_timeout != 0) {
		if (panic_timeout > 0) {
			printk(KERN_EMERG "Rebooting in %d seconds..\n", panic_timeout);
			time_delay_ns((uint64_t)panic_timeout * 1000000000ULL);
		}
		machine_restart();
	}
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", buf);
	arch_cpu_stop();
}
