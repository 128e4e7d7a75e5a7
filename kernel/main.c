/*
 * kernel_main: the boot CPU's path from the boot stub to a running system.
 * Each step below needs the ones before it; the order is the design.
 */
#include <ferrite/boot.h>
#include <ferrite/cmdline.h>
#include <ferrite/init.h>
#include <ferrite/ktest.h>
#include <ferrite/mm.h>
#include <ferrite/panic.h>
#include <ferrite/pipe.h>
#include <ferrite/power.h>
#include <ferrite/proc.h>
#include <ferrite/procfs.h>
#include <ferrite/random.h>
#include <ferrite/sched.h>
#include <ferrite/syscall.h>
#include <ferrite/tty.h>
#include <ferrite/vfs.h>
#include <ferrite/vm.h>
#include <ferrite/printk.h>
#include <ferrite/serial.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <ferrite/version.h>
#include <arch/cpu.h>
#include <arch/cpufeature.h>
#include <arch/percpu.h>
#include <arch/trap.h>

extern char boot_stack_top[];

struct cmdline kernel_cmdline;
uint64_t init_done_ns;		/* [I] time_boot_ns() when initialisation ended */

static void print_banner(void)
{
	pr_notice("Ferrite %s (%s) #1 SMP %s build %s\n", FERRITE_RELEASE, FERRITE_COMPILER,
		  FERRITE_DATE, FERRITE_BUILD);
}

static void apply_cmdline(void)
{
	struct cmdline *cl = &kernel_cmdline;

	cmdline_parse(cl, boot_info.cmdline);
	pr_notice("Command line: %s\n", boot_info.cmdline);
	cmdline_report(cl);
	if (cl->loglevel >= 0)
		printk_set_console_loglevel(cl->loglevel);
	panic_timeout = cl->panic_timeout;
}

static void report_cpu(void)
{
	const struct cpu_features *f = &cpu_features;

	pr_info("CPU: %s family %u model %u stepping %u (%s)\n", f->vendor, f->family, f->model,
		f->stepping, f->model_name[0] ? f->model_name : "unknown model");
	pr_info("CPU: protections:%s%s%s%s\n", cpu_has(X86_NX) ? " NX" : "",
		cpu_has(X86_SMEP) ? " SMEP" : "", cpu_has(X86_SMAP) ? " SMAP" : "",
		cpu_has(X86_UMIP) ? " UMIP" : "");
}

static int kernel_run_ktests(void *arg)
{
	struct cpumask boot = { 0 };
	int failed;

	/* on the boot CPU, as the tests of boot-CPU state expect */
	cpumask_set(&boot, 0);
	sched_set_affinity(current, &boot);
	failed = ktest_run(kernel_cmdline.ktest_filter);

	machine_debug_exit(failed ? 1 : 0);
	machine_power_off();
	return 1;
}

/* The end of kernel initialisation: run the tests, or idle until user space exists. */
static __noreturn void kernel_finish(void)
{
	const struct cmdline *cl = &kernel_cmdline;

	init_done_ns = time_boot_ns();
	pr_info("Kernel initialised in %llu.%03llu ms on %d CPU%s\n",
		(unsigned long long)(init_done_ns / 1000000),
		(unsigned long long)(init_done_ns / 1000 % 1000), nr_cpus_online,
		nr_cpus_online > 1 ? "s" : "");
	if (cl->ktest) {
		/* in a thread of its own, so that tests may sleep */
		kthread_create("ktest", kernel_run_ktests, NULL);
		sched_idle_loop();
	}
	if (cl->ktest_fault)
		ktest_fault(cl->ktest_fault);
	init_start();
	sched_idle_loop();
}

/* Called from the boot stub with the loader's magic and information pointer. */
__noreturn void kernel_main(uint32_t magic, uint64_t info_phys)
{
	time_mark_entry();
	cpu_detect_features();
	serial_init();
	print_banner();
	if (multiboot_parse(magic, info_phys))
		panic("cannot read the boot information (magic %#x at %#llx)", magic,
		      (unsigned long long)info_phys);
	apply_cmdline();
	trap_init();
	cpu_setup_boot((uint64_t)boot_stack_top);
	report_cpu();
	mm_init();
	sched_init();
	task_init();
	vm_init();
	arch_init();
	random_init();
	syscall_init();
	vfs_init();
	pipe_init();
	mem_devices_init();
	tty_init();
	proc_init();
	kernel_finish();
}
