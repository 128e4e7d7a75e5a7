/*
 * TLB shoot-down for kernel mappings. Kernel pages are global, so a CR3
 * reload does not drop them: small ranges are flushed page by page with
 * INVLPG, large ones by toggling CR4.PGE, which empties the whole TLB
 * (Intel SDM vol. 3 §4.10.4.1).
 *
 * A shoot-down is a struct tlb_req on the caller's stack, posted to each
 * other online CPU through its per-CPU mailbox (struct cpu.ipi_tlb) with a
 * compare-and-swap, followed by a VEC_IPI_TLB interrupt. The target flushes
 * and counts the request down; the caller waits for zero. No lock is held:
 * a caller whose target's mailbox is still full, or who waits, keeps
 * emptying its own mailbox, so shoot-downs issued at once from several CPUs,
 * even with interrupts off, always finish.
 */
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/tlb.h>
#include <arch/trap.h>

#define CR4_PGE			(1UL << 7)
#define TLB_FLUSH_MAX_PAGES	32	/* beyond this a full flush is cheaper */

struct tlb_req {
	uint64_t va;		/* [I] */
	uint64_t size;		/* [I] */
	int pending;		/* [a] targets that have not flushed yet */
};

void tlb_flush_local_all(void)
{
	unsigned long flags = arch_irq_save();
	uint64_t cr4 = arch_read_cr4();

	if (cr4 & CR4_PGE) {
		arch_write_cr4(cr4 & ~CR4_PGE);
		arch_write_cr4(cr4);
	} else {
		arch_flush_tlb();
	}
	arch_irq_restore(flags);
}

void tlb_flush_local_range(uint64_t va, uint64_t size)
{
	uint64_t first, pages;

	if (size == 0)
		return;
	first = ALIGN_DOWN(va, PAGE_SIZE);
	/* counted from the last byte, so a range ending at 2^64 does not wrap */
	pages = (ALIGN_DOWN(va + (size - 1), PAGE_SIZE) - first) / PAGE_SIZE + 1;
	if (size > TLB_FLUSH_MAX_PAGES * PAGE_SIZE || pages > TLB_FLUSH_MAX_PAGES) {
		tlb_flush_local_all();
		return;
	}
	for (uint64_t i = 0; i < pages; i++)
		arch_invlpg(first + i * PAGE_SIZE);
}

void tlb_poll(void)
{
	struct tlb_req *req = __atomic_exchange_n(&this_cpu()->ipi_tlb, NULL, __ATOMIC_ACQUIRE);

	if (!req)
		return;
	tlb_flush_local_range(req->va, req->size);
	/* the poster may return (and @req vanish) as soon as this lands */
	__atomic_fetch_sub(&req->pending, 1, __ATOMIC_RELEASE);
}

static void tlb_ipi(struct trap_frame *frame __unused, void *arg __unused)
{
	tlb_poll();
	lapic_eoi();
}

void tlb_smp_init(void)
{
	if (trap_register(VEC_IPI_TLB, tlb_ipi, NULL))
		pr_err("tlb: vector %#x taken; shoot-downs will be polled only\n", VEC_IPI_TLB);
}

/*
 * Post @req to @target's mailbox and interrupt it. Spins, flushing for
 * others meanwhile, while the mailbox holds another CPU's request; gives up
 * if @target goes offline. Interrupts are off.
 */
static void tlb_post_one(struct cpu *target, struct tlb_req *req)
{
	__atomic_fetch_add(&req->pending, 1, __ATOMIC_RELAXED);
	for (;;) {
		struct tlb_req *empty = NULL;

		if (__atomic_compare_exchange_n(&target->ipi_tlb, &empty, req, false,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED))
			break;
		if (!__atomic_load_n(&target->online, __ATOMIC_ACQUIRE)) {
			__atomic_fetch_sub(&req->pending, 1, __ATOMIC_RELAXED);
			return;
		}
		tlb_poll();
		arch_cpu_relax();
	}
	lapic_send_ipi(target->apic_id, VEC_IPI_TLB);
}

/*
 * Invalidate [va, va + size) on this CPU and every other online CPU, and
 * return once all have done it. The caller has already changed the page
 * tables. Callable in any context but NMI, interrupts on or off; takes no
 * lock. Before the other CPUs are started only this CPU is flushed.
 */
void tlb_flush_kernel_range(uint64_t va, uint64_t size)
{
	struct tlb_req req = { .va = va, .size = size, .pending = 0 };
	struct cpu **all = __atomic_load_n(&cpus, __ATOMIC_ACQUIRE);
	unsigned long flags;
	struct cpu *self;

	if (size == 0)
		return;
	flags = arch_irq_save();
	tlb_flush_local_range(va, size);
	if (!all)
		goto out;
	self = this_cpu();
	/*
	 * The page-table change is ordered before the online checks: a CPU
	 * that is not online yet will flush its whole TLB after setting the
	 * flag, so it cannot keep a stale entry either way.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (int i = 0; i < READ_ONCE(nr_cpus); i++) {
		struct cpu *c = all[i];

		if (c != self && __atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
			tlb_post_one(c, &req);
	}
	while (__atomic_load_n(&req.pending, __ATOMIC_ACQUIRE)) {
		tlb_poll();
		arch_cpu_relax();
	}
out:
	arch_irq_restore(flags);
}
