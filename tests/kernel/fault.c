/*
 * Deliberate kernel faults for the boot tests ("ktest.fault=NAME"): each one
 * must end in the fault report (registers, faulting address, error code and
 * a symbolized backtrace) followed by a panic, never in a hang or a silent
 * reset. NAME is one of: pagefault, nullderef, ud, divide, stackguard.
 */
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <arch/cpu.h>

static __noinline void fault_page(volatile uint64_t *p)
{
	*p = 0xdead;
}

static volatile int fault_sink;

static __noinline void fault_divide(volatile int d)
{
	fault_sink = 100 / d;
}

static __noinline void fault_recurse(volatile char *prev, int depth)
{
	volatile char big[1024];

	big[0] = (char)depth;
	big[1023] = prev ? prev[0] : 0;
	if (depth < (1 << 20))	/* far deeper than any stack: ends in the guard page */
		fault_recurse(big, depth + 1);
	big[1] = 0;	/* not a tail call: every level keeps its frame */
}

static void fault_recurse_start(void *arg)
{
	fault_recurse(arg, 0);
}

/* Run off the bottom of a vmalloc'ed stack into its guard page. */
static void fault_stackguard(void)
{
	char *stack = kstack_alloc(16384);

	if (stack)
		arch_call_on_stack((uint64_t)stack + 16384, fault_recurse_start, NULL);
}

void ktest_fault(const char *name)
{
	pr_info("ktest: provoking a '%s' fault on purpose\n", name);
	if (!strcmp(name, "pagefault"))
		fault_page((volatile uint64_t *)0xffffc7ffdead0000UL);
	else if (!strcmp(name, "nullderef"))
		fault_page(NULL);
	else if (!strcmp(name, "ud"))
		__builtin_trap();
	else if (!strcmp(name, "divide"))
		fault_divide(0);
	else if (!strcmp(name, "stackguard"))
		fault_stackguard();
	pr_err("ktest: unknown fault '%s'\n", name);
}
