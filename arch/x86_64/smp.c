/*
 * Symmetric multiprocessing: starting the CPUs the MADT lists, running a
 * function on other CPUs, and stopping them when the kernel panics.
 *
 * Start-up follows Intel SDM vol. 3 §8.4.4 (MP initialization): INIT, 10 ms,
 * STARTUP, 200 us, a second STARTUP only if the CPU has not shown signs of
 * life, each CPU in turn. The real-mode code is in trampoline.S; it brings
 * the CPU to long mode on temporary page tables and calls smp_ap_entry.
 *
 * Cross-CPU calls use a per-CPU mailbox (struct cpu.ipi_call) holding a
 * pointer to the caller's struct smp_call, set with a compare-and-swap and
 * followed by a VEC_IPI_CALL interrupt. The target takes the call out of
 * its mailbox with an exchange, so it runs exactly once, and counts it down
 * on the caller's struct, on which the caller waits. There is no global
 * lock: a caller blocked on a full mailbox, or waiting, keeps running the
 * calls and shoot-downs posted to its own CPU, so CPUs calling each other at
 * the same time, from interrupt handlers or with interrupts off, progress.
 */
#include <ferrite/cmdline.h>
#include <ferrite/errno.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/cpufeature.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/pgtable.h>
#include <arch/smp.h>
#include <arch/timer.h>
#include <arch/tlb.h>
#include <arch/trampoline.h>
#include <arch/trap.h>

#define EFER_LME		(1u << 8)
#define EFER_NXE		(1u << 11)
#define AP_INIT_DELAY_NS	(10 * NSEC_PER_MSEC)
#define AP_SIPI_DELAY_NS	(200 * NSEC_PER_USEC)
#define AP_ALIVE_TIMEOUT_NS	(1000 * NSEC_PER_MSEC)	/* TCG may be slow to run it */
#define AP_ONLINE_TIMEOUT_NS	(5000 * NSEC_PER_MSEC)	/* running our code by then */
#define STOP_TIMEOUT_MS		1000

struct smp_call {
	void (*fn)(void *arg);	/* [I] */
	void *arg;		/* [I] */
	bool wait;		/* [I] caller waits for fn to return, not just to start */
	int unstarted;		/* [a] targets that have not taken the call yet */
	int unfinished;		/* [a] targets that have not returned from fn yet */
};

/* ------------------------------------------------------------------------ */
/* Cross-CPU calls                                                          */

/* Run the call posted to this CPU, if any. Interrupts are off. */
static void smp_call_poll(void)
{
	struct smp_call *call = __atomic_exchange_n(&this_cpu()->ipi_call, NULL,
						    __ATOMIC_ACQUIRE);
	void (*fn)(void *arg);
	void *arg;
	bool wait;

	if (!call)
		return;
	fn = call->fn;
	arg = call->arg;
	wait = call->wait;
	/* unless the caller waits for fn to return, @call may vanish now */
	__atomic_fetch_sub(&call->unstarted, 1, __ATOMIC_RELEASE);
	fn(arg);
	if (wait)
		__atomic_fetch_sub(&call->unfinished, 1, __ATOMIC_RELEASE);
}

/* One round of waiting on other CPUs: serve what they posted to us. */
static void smp_wait_poll(void)
{
	tlb_poll();
	smp_call_poll();
	arch_cpu_relax();
}

static void smp_call_ipi(struct trap_frame *frame __unused, void *arg __unused)
{
	smp_call_poll();
	lapic_eoi();
}

/*
 * Post @call to @target's mailbox and interrupt it; false if @target went
 * offline before the mailbox was free. Interrupts are off.
 */
static bool smp_post_one(struct cpu *target, struct smp_call *call)
{
	for (;;) {
		struct smp_call *empty = NULL;

		if (__atomic_compare_exchange_n(&target->ipi_call, &empty, call, false,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED))
			break;
		if (!__atomic_load_n(&target->online, __ATOMIC_ACQUIRE))
			return false;
		smp_wait_poll();
	}
	lapic_send_ipi(target->apic_id, VEC_IPI_CALL);
	return true;
}

/* Post @call to every online CPU but this one. Interrupts are off. */
static void smp_post_others(struct smp_call *call)
{
	struct cpu **all = __atomic_load_n(&cpus, __ATOMIC_ACQUIRE);
	struct cpu *self = this_cpu();

	for (int i = 0; all && i < READ_ONCE(nr_cpus); i++) {
		struct cpu *c = all[i];

		if (c == self || !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
			continue;
		/* counted before the target can see the call and count it down */
		__atomic_fetch_add(&call->unstarted, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&call->unfinished, 1, __ATOMIC_RELAXED);
		if (!smp_post_one(c, call)) {
			__atomic_fetch_sub(&call->unstarted, 1, __ATOMIC_RELAXED);
			__atomic_fetch_sub(&call->unfinished, 1, __ATOMIC_RELAXED);
		}
	}
}

/* Wait until every target has taken @call (and returned, if @call->wait). */
static void smp_call_wait(struct smp_call *call)
{
	int *left = call->wait ? &call->unfinished : &call->unstarted;

	while (__atomic_load_n(left, __ATOMIC_ACQUIRE))
		smp_wait_poll();
}

void smp_call_others(void (*fn)(void *arg), void *arg, bool wait)
{
	struct smp_call call = { .fn = fn, .arg = arg, .wait = wait };
	unsigned long flags;

	if (!__atomic_load_n(&cpus, __ATOMIC_ACQUIRE))
		return;
	flags = arch_irq_save();
	smp_post_others(&call);
	smp_call_wait(&call);
	arch_irq_restore(flags);
}

void smp_call_all(void (*fn)(void *arg), void *arg)
{
	struct smp_call call = { .fn = fn, .arg = arg, .wait = true };
	unsigned long flags = arch_irq_save();

	if (__atomic_load_n(&cpus, __ATOMIC_ACQUIRE))
		smp_post_others(&call);
	fn(arg);
	smp_call_wait(&call);
	arch_irq_restore(flags);
}

/* ------------------------------------------------------------------------ */
/* Panic stop                                                               */

static void smp_stop_ipi(struct trap_frame *frame __unused, void *arg __unused)
{
	lapic_eoi();
	arch_cpu_stop();
}

static int smp_others_online(void)
{
	struct cpu *self = this_cpu();
	int n = 0;

	for (int i = 0; i < nr_cpus; i++)
		n += cpus[i] != self && __atomic_load_n(&cpus[i]->online, __ATOMIC_ACQUIRE);
	return n;
}

/*
 * Stop every other CPU, even one spinning with interrupts off: each is
 * marked in_panic, which makes the NMI that follows halt it for good (the
 * NMI path of trap_dispatch). Waits up to a second for them to go offline.
 * Called by panic with interrupts off; takes no lock.
 */
void arch_stop_other_cpus(void)
{
	struct cpu **all = __atomic_load_n(&cpus, __ATOMIC_ACQUIRE);
	struct cpu *self = this_cpu();
	int left;

	if (!all)
		return;
	for (int i = 0; i < nr_cpus; i++)
		if (all[i] != self)
			__atomic_store_n(&all[i]->in_panic, 1, __ATOMIC_SEQ_CST);
	if (!smp_others_online())
		return;
	lapic_send_nmi_others();
	for (int ms = 0; ms < STOP_TIMEOUT_MS && smp_others_online(); ms++)
		time_delay_ns(NSEC_PER_MSEC);
	left = smp_others_online();
	if (left)
		printk(KERN_EMERG "smp: %d CPU%s did not stop\n", left, left > 1 ? "s" : "");
}

/* ------------------------------------------------------------------------ */
/* Bringing the other CPUs up                                               */

/*
 * What a started CPU runs once the scheduler exists; until then it idles
 * here, taking interrupts (cross-CPU calls, shoot-downs, its tick). The
 * scheduler replaces this weak definition with its per-CPU idle loop.
 */
__weak __noreturn void smp_ap_idle(void)
{
	for (;;)
		arch_safe_halt();
}

/*
 * C entry of a started CPU (from smp_ap_start64): on its own kernel stack,
 * kernel page tables loaded, interrupts off, GDT still the trampoline's.
 */
__noreturn void smp_ap_entry(struct cpu *cpu)
{
	mm_switch_kernel_tables();	/* and global pages on */
	cpu_setup(cpu);
	apic_init_ap();
	timer_init_ap();
	__atomic_store_n(&cpu->online, true, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	/* a shoot-down that missed us because we were not online yet */
	tlb_flush_local_all();
	arch_irq_enable();
	smp_ap_idle();
}

static struct smp_trampoline_data *smp_tdata(void)
{
	return phys_to_virt(TRAMPOLINE_PHYS + (smp_trampoline_data - smp_trampoline_start));
}

/*
 * Copy the start code to TRAMPOLINE_PHYS and build its page tables: the
 * kernel's PML4 entries (the upper half, where the kernel text lies) plus
 * an identity map of the low 2 MiB, executable, for the code itself.
 */
static void smp_trampoline_setup(void)
{
	uint64_t *pml4 = phys_to_virt(TRAMPOLINE_PML4_PHYS);
	uint64_t *pdpt = phys_to_virt(TRAMPOLINE_PDPT_PHYS);
	uint64_t *pd = phys_to_virt(TRAMPOLINE_PD_PHYS);
	size_t len = smp_trampoline_end - smp_trampoline_start;
	struct smp_trampoline_data *td;

	BUG_ON(len > PAGE_SIZE);
	memcpy(phys_to_virt(TRAMPOLINE_PHYS), smp_trampoline_start, len);
	memcpy(pml4, phys_to_virt(kernel_pgtable_root), PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	pml4[0] = TRAMPOLINE_PDPT_PHYS | PTE_PRESENT | PTE_WRITE;
	pdpt[0] = TRAMPOLINE_PD_PHYS | PTE_PRESENT | PTE_WRITE;
	pd[0] = 0 | PTE_PRESENT | PTE_WRITE | PTE_HUGE;
	td = smp_tdata();
	td->pml4 = TRAMPOLINE_PML4_PHYS;
	td->efer = EFER_LME | (cpu_has(X86_NX) ? EFER_NXE : 0);
	td->kernel_cr3 = kernel_pgtable_root;
}

static bool smp_ap_alive(struct cpu *cpu __unused)
{
	return __atomic_load_n(&smp_tdata()->alive, __ATOMIC_ACQUIRE);
}

static bool smp_ap_online(struct cpu *cpu)
{
	return __atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE);
}

/* Wait up to @ns for @done(@cpu); true if it came. */
static bool smp_wait_for(bool (*done)(struct cpu *cpu), struct cpu *cpu, uint64_t ns)
{
	uint64_t start = time_boot_ns();

	while (!done(cpu)) {
		if (time_boot_ns() - start > ns)
			return false;
		arch_cpu_relax();
	}
	return true;
}

/*
 * The wait between INIT and STARTUP: 10 ms for old processors, none for
 * those that need no delay (Intel family 6, AMD family 0xF and later), as
 * Linux decides it (the MP specification's delay predates integrated APICs).
 */
static uint64_t smp_init_delay_ns(void)
{
	const struct cpu_features *f = &cpu_features;

	if (!strcmp(f->vendor, "GenuineIntel") && f->family == 6)
		return 0;
	if (!strcmp(f->vendor, "AuthenticAMD") && f->family >= 0xf)
		return 0;
	if (!strcmp(f->vendor, "HygonGenuine") && f->family >= 0x18)
		return 0;
	return AP_INIT_DELAY_NS;
}

/*
 * INIT-SIPI-SIPI to @cpu and wait for it to come online. Returns 0, or
 * -ETIMEDOUT / the APIC's error; a CPU that fails is put back to waiting
 * for STARTUP with another INIT, so it cannot run on freed stacks later.
 */
static int smp_boot_ap(struct cpu *cpu)
{
	struct smp_trampoline_data *td = smp_tdata();
	uint8_t page = TRAMPOLINE_PHYS >> 12;
	int err;

	td->alive = 0;
	td->stack_top = cpu->stack_top;
	td->cpu = (uint64_t)cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	err = lapic_send_init(cpu->apic_id);
	if (err)
		return err;
	time_delay_ns(smp_init_delay_ns());
	err = lapic_send_startup(cpu->apic_id, page);
	if (err)
		goto out_reset;
	time_delay_ns(AP_SIPI_DELAY_NS);
	if (!smp_ap_alive(cpu)) {
		err = lapic_send_startup(cpu->apic_id, page);
		if (err)
			goto out_reset;
	}
	err = -ETIMEDOUT;
	if (!smp_wait_for(smp_ap_alive, cpu, AP_ALIVE_TIMEOUT_NS))
		goto out_reset;
	if (!smp_wait_for(smp_ap_online, cpu, AP_ONLINE_TIMEOUT_NS)) {
		pr_err("smp: CPU %d started but did not come online\n", cpu->id);
		goto out_reset;
	}
	return 0;

out_reset:
	lapic_send_init(cpu->apic_id);
	return err;
}

static void smp_free_stacks(struct cpu *cpu)
{
	if (cpu->stack_top)
		kstack_free((void *)(cpu->stack_top - KSTACK_SIZE));
	for (int i = 0; i < 3; i++)
		if (cpu->ist_top[i])
			kstack_free((void *)(cpu->ist_top[i] - IST_STACK_SIZE));
	cpu->stack_top = 0;
	memset(cpu->ist_top, 0, sizeof(cpu->ist_top));
}

/* A struct cpu with its kernel and IST stacks for logical CPU @id; NULL if short of memory. */
static struct cpu *smp_alloc_cpu(int id, uint32_t apic_id)
{
	struct cpu *cpu = kzalloc(sizeof(*cpu));
	void *stack;

	if (!cpu)
		return NULL;
	cpu->id = id;
	cpu->apic_id = apic_id;
	stack = kstack_alloc(KSTACK_SIZE);
	if (!stack)
		goto out_free;
	cpu->stack_top = (uint64_t)stack + KSTACK_SIZE;
	for (int i = 0; i < 3; i++) {
		stack = kstack_alloc(IST_STACK_SIZE);
		if (!stack)
			goto out_free;
		cpu->ist_top[i] = (uint64_t)stack + IST_STACK_SIZE;
	}
	return cpu;

out_free:
	smp_free_stacks(cpu);
	kfree(cpu);
	return NULL;
}

/* How many CPUs to run, the boot CPU included, out of @found. */
static int smp_cpu_limit(int found)
{
	const struct cmdline *cl = &kernel_cmdline;

	if (cl->nosmp)
		return 1;
	if (cl->maxcpus >= 0 && cl->maxcpus < found)
		return MAX(cl->maxcpus, 1);
	return found;
}

/*
 * Build cpus[]: the boot CPU as 0, then the others in MADT order, up to
 * @limit CPUs. Returns how many entries it has (at least 1), or -ENOMEM.
 */
static int smp_build_cpus(const uint32_t *ids, int nr_ids, int limit)
{
	struct cpu **table = kcalloc(MAX(limit, 1), sizeof(*table));
	int n = 1;

	if (!table)
		return -ENOMEM;
	table[0] = &boot_cpu;
	for (int i = 0; i < nr_ids && n < limit; i++) {
		if (ids[i] == boot_cpu.apic_id)
			continue;
		table[n] = smp_alloc_cpu(n, ids[i]);
		if (!table[n]) {
			pr_err("smp: no memory for CPU %d; not starting it and later ones\n", n);
			break;
		}
		n++;
	}
	nr_cpus = n;
	__atomic_store_n(&cpus, table, __ATOMIC_RELEASE);
	return n;
}

/* The usable CPUs' APIC ids (kmalloc'ed into *@ids); count, or -ENOMEM. */
static int smp_read_ids(uint32_t **ids)
{
	int found = apic_cpu_ids(NULL, 0);

	*ids = kcalloc(MAX(found, 1), sizeof(**ids));
	if (!*ids)
		return -ENOMEM;
	return MIN(apic_cpu_ids(*ids, found), found);
}

/* Start cpus[1..nr_cpus), printing as Linux does; returns how many came up. */
static int smp_boot_all(void)
{
	int up = 0;

	smp_trampoline_setup();
	pr_info("x86: Booting SMP configuration:\n");
	pr_info(".... node  #0, CPUs:      ");
	for (int i = 1; i < nr_cpus; i++) {
		if (smp_boot_ap(cpus[i]) == 0)
			pr_cont("%s#%d", up++ ? " " : "", i);
	}
	pr_cont("\n");
	for (int i = 1; i < nr_cpus; i++) {
		if (smp_ap_online(cpus[i]))
			continue;
		pr_err("smp: CPU %d (APIC id %u) did not start\n", i, cpus[i]->apic_id);
		smp_free_stacks(cpus[i]);
	}
	return up;
}

int smp_init(void)
{
	uint32_t *ids;
	int found, n;

	boot_cpu.apic_id = lapic_id();
	found = smp_read_ids(&ids);
	if (found < 0)
		goto out_alone;
	n = smp_build_cpus(ids, found, smp_cpu_limit(found));
	kfree(ids);
	if (n < 0)
		goto out_alone;
	if (trap_register(VEC_IPI_CALL, smp_call_ipi, NULL) ||
	    trap_register(VEC_IPI_STOP, smp_stop_ipi, NULL))
		pr_err("smp: IPI vectors taken; cross-CPU calls rely on polling\n");
	tlb_smp_init();
	pr_info("smp: Bringing up secondary CPUs ...\n");
	if (n > 1)
		smp_boot_all();
	n = __atomic_load_n(&nr_cpus_online, __ATOMIC_ACQUIRE);
	pr_info("smp: Brought up 1 node, %d CPU%s\n", n, n > 1 ? "s" : "");
	return n;

out_alone:
	pr_err("smp: no memory for the CPU table; running on one CPU\n");
	return 1;
}
