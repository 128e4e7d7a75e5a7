/*
 * Kernel backtraces by walking the frame-pointer chain (the kernel is built
 * with -fno-omit-frame-pointer): each frame holds [saved rbp, return rip].
 * Every frame address is checked against the live page tables before it is
 * read, so a corrupt chain ends the trace instead of faulting again.
 */
#include <ferrite/ksyms.h>
#include <ferrite/printk.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/pgtable.h>
#include <arch/trap.h>

#define BACKTRACE_MAX_DEPTH 32

static bool backtrace_readable(uint64_t addr)
{
	uint64_t pa, flags;
	unsigned int level;

	if (addr < DIRECT_MAP_BASE || (addr & 7))
		return false;
	if (pgtable_lookup(arch_read_cr3() & PTE_ADDR_MASK, addr, &pa, &flags, &level))
		return false;
	return pgtable_lookup(arch_read_cr3() & PTE_ADDR_MASK, addr + 8, &pa, &flags,
			      &level) == 0;
}

static void backtrace_print_one(uint64_t rip, bool reliable)
{
	char buf[128];

	ksyms_format(buf, sizeof(buf), rip);
	printk(KERN_EMERG " [<%016lx>] %s%s\n", (unsigned long)rip, reliable ? "" : "? ", buf);
}

static bool backtrace_is_text(uint64_t addr)
{
	uint64_t off, size;

	return ksyms_lookup(addr, &off, &size) != NULL;
}

/*
 * Backtrace of the code a trap interrupted. A leaf function has no frame of
 * its own (GCC leaves the frame pointer alone there), so its caller would be
 * missing from the rbp chain: when the word on top of the interrupted stack
 * is a text address that the chain does not start with, it is shown first,
 * marked "? " as Linux marks addresses it cannot vouch for.
 */
void arch_backtrace_trap(uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	uint64_t top;

	if (backtrace_readable(rsp) && backtrace_is_text(top = *(const uint64_t *)rsp) &&
	    !(backtrace_readable(rbp) && ((const uint64_t *)rbp)[1] == top)) {
		backtrace_print_one(rip, true);
		backtrace_print_one(top, false);
		arch_backtrace(rbp, 0);
		return;
	}
	arch_backtrace(rbp, rip);
}

/*
 * Print the call chain starting at @rip (0: none), whose frame pointer is @rbp, in
 * Linux's " [<address>] function+0xoff/0xsize" form.
 */
void arch_backtrace(uint64_t rbp, uint64_t rip)
{
	if (rip)
		backtrace_print_one(rip, true);
	for (int depth = 0; depth < BACKTRACE_MAX_DEPTH && rbp; depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;

		if (!backtrace_readable(rbp))
			break;
		rip = frame[1];
		if (rip < KERNEL_VMA)
			break;
		backtrace_print_one(rip, true);
		if (frame[0] <= rbp)	/* frames must go up the stack */
			break;
		rbp = frame[0];
	}
}
