/*
 * The local APIC (Intel SDM vol. 3 §11): enabling it on each CPU, EOI,
 * inter-processor interrupts (fixed, NMI, INIT and STARTUP) and the timer
 * registers the timer code drives. The boot CPU parses the MADT here and
 * hands the I/O APICs and the 8259 pair to ioapic.c and pic.c.
 *
 * The local APIC is used in xAPIC mode through an uncached MMIO mapping of
 * the page IA32_APIC_BASE points at; when the firmware has already switched
 * the CPU to x2APIC mode (it must, for APIC ids above 254) the same
 * registers are reached as MSRs 0x800 + offset/16 instead. Every CPU sees its
 * own APIC at the same address, so one mapping serves all of them.
 *
 * Locking: the module state is [I] once apic_init() has run on the boot
 * CPU, before other CPUs start. The registers belong to the running CPU;
 * the two-step ICR write is protected by disabling interrupts, not a lock.
 */
#define pr_fmt(fmt) "APIC: " fmt

#include <ferrite/acpi.h>
#include <ferrite/errno.h>
#include <ferrite/io.h>
#include <ferrite/printk.h>
#include <ferrite/time.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/cpufeature.h>
#include <arch/percpu.h>
#include <arch/trap.h>

#define MSR_APIC_BASE		0x1b
#define APIC_BASE_BSP		(1ULL << 8)
#define APIC_BASE_EXTD		(1ULL << 10)	/* x2APIC mode */
#define APIC_BASE_EN		(1ULL << 11)	/* global enable */
#define APIC_BASE_ADDR_MASK	0x000ffffffffff000ULL
#define MSR_X2APIC_BASE		0x800
#define LAPIC_MMIO_SIZE		0x1000

/* Register offsets in the xAPIC MMIO page (SDM vol. 3 table 11-1). */
#define LAPIC_ID		0x020
#define LAPIC_VERSION		0x030
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0
#define LAPIC_ESR		0x280
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_THERMAL	0x330
#define LAPIC_LVT_PERF		0x340
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3e0

#define SVR_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_DM_NMI		(4u << 8)
#define LVT_ACTIVE_LOW		(1u << 13)
#define LVT_TIMER_PERIODIC	(1u << 17)
#define TIMER_DIV_16		0x3

/* ICR low word (SDM vol. 3 §11.6.1). */
#define ICR_DM_FIXED		(0u << 8)
#define ICR_DM_NMI		(4u << 8)
#define ICR_DM_INIT		(5u << 8)
#define ICR_DM_STARTUP		(6u << 8)
#define ICR_BUSY		(1u << 12)	/* delivery status, xAPIC only */
#define ICR_ASSERT		(1u << 14)
#define ICR_LEVEL		(1u << 15)
#define ICR_ALL_BUT_SELF	(3u << 18)

#define ICR_WAIT_US		100000	/* generous: a real APIC takes microseconds */

static volatile uint8_t *lapic_mmio;	/* [I] xAPIC register page */
static bool lapic_x2;			/* [I] x2APIC (MSR) access */
static bool lapic_up;			/* [I] boot CPU's APIC enabled */
static uint64_t lapic_phys;		/* [I] */
static struct acpi_madt_info apic_madt;	/* [I] kept: CPUs, overrides, NMIs */
static bool apic_have_madt;		/* [I] */
static uint64_t apic_spurious_count;	/* [a] */

static uint32_t lapic_read(uint32_t reg)
{
	if (lapic_x2)
		return (uint32_t)arch_rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return mmio_read32(lapic_mmio + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (lapic_x2)
		arch_wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		mmio_write32(lapic_mmio + reg, v);
}

bool lapic_present(void)
{
	return lapic_up;
}

/* The running CPU's APIC id from the register, once the access mode is set. */
static uint32_t lapic_read_id(void)
{
	if (lapic_x2)
		return lapic_read(LAPIC_ID);
	return lapic_read(LAPIC_ID) >> 24;
}

/* The running CPU's APIC id; 0 when there is no local APIC. */
uint32_t lapic_id(void)
{
	return lapic_up ? lapic_read_id() : 0;
}

/* Signal end of interrupt for the vector being serviced on this CPU. */
void lapic_eoi(void)
{
	if (lapic_up)
		lapic_write(LAPIC_EOI, 0);
}

/*
 * Wait up to @us microseconds for the xAPIC's delivery status to clear.
 * Before the TSC is calibrated its rate is taken as 1 GHz: the bound is
 * then rough, but still a bound. True when the ICR is idle.
 */
static bool lapic_icr_wait(uint64_t us)
{
	uint64_t hz = time_tsc_hz() ? time_tsc_hz() : 1000000000ULL;
	uint64_t start = arch_rdtsc(), limit = hz / 1000000 * us;

	if (lapic_x2)
		return true;	/* x2APIC has no delivery status: writes are posted */
	while (lapic_read(LAPIC_ICR_LO) & ICR_BUSY) {
		if (arch_rdtsc() - start > limit)
			return false;
		arch_cpu_relax();
	}
	return true;
}

/*
 * Write the ICR: destination @dest (ignored with a shorthand) and the low
 * word @low, which sends. Caller has interrupts off, so that an interrupt
 * handler on this CPU cannot slip its own IPI between the two halves.
 */
static void lapic_icr_write(uint32_t dest, uint32_t low)
{
	if (lapic_x2) {
		/* x2APIC MSR writes are not serializing: earlier stores first. */
		__asm__ __volatile__("mfence; lfence" : : : "memory");
		arch_wrmsr(MSR_X2APIC_BASE + (LAPIC_ICR_LO >> 4), ((uint64_t)dest << 32) | low);
		return;
	}
	if (!lapic_icr_wait(ICR_WAIT_US))
		pr_err("ICR still busy on CPU %d; sending anyway\n", this_cpu_id());
	lapic_write(LAPIC_ICR_HI, dest << 24);
	lapic_write(LAPIC_ICR_LO, low);
}

/* Send @low to @dest with interrupts off; 0 or -ETIMEDOUT if not delivered. */
static int lapic_send(uint32_t dest, uint32_t low)
{
	unsigned long flags;
	int err = 0;

	if (!lapic_up)
		return -ENODEV;
	flags = arch_irq_save();
	lapic_icr_write(dest, low);
	if (!lapic_icr_wait(ICR_WAIT_US))
		err = -ETIMEDOUT;
	arch_irq_restore(flags);
	return err;
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	lapic_send(apic_id, ICR_DM_FIXED | vector);
}

void lapic_send_ipi_others(uint8_t vector)
{
	lapic_send(0, ICR_ALL_BUT_SELF | ICR_DM_FIXED | vector);
}

/* NMI to every other CPU; used on panic, so it takes no lock. */
void lapic_send_nmi_others(void)
{
	lapic_send(0, ICR_ALL_BUT_SELF | ICR_DM_NMI);
}

/*
 * INIT (level assert, then in xAPIC mode the de-assert older CPUs need)
 * to @apic_id. Returns 0, -ETIMEDOUT if delivery did not complete,
 * -ENODEV without a local APIC.
 */
int lapic_send_init(uint32_t apic_id)
{
	int err = lapic_send(apic_id, ICR_DM_INIT | ICR_LEVEL | ICR_ASSERT);

	if (err || lapic_x2)
		return err;
	return lapic_send(apic_id, ICR_DM_INIT | ICR_LEVEL);
}

/* STARTUP to @apic_id: it starts in real mode at @page << 12. 0 or -errno. */
int lapic_send_startup(uint32_t apic_id, uint8_t page)
{
	return lapic_send(apic_id, ICR_DM_STARTUP | page);
}

void lapic_timer_start(uint8_t vector, uint32_t count, bool periodic, bool masked)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER,
		    vector | (periodic ? LVT_TIMER_PERIODIC : 0) | (masked ? LVT_MASKED : 0));
	lapic_write(LAPIC_TIMER_INIT, count);
}

uint32_t lapic_timer_current(void)
{
	return lapic_read(LAPIC_TIMER_CUR);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);
}

/*
 * Put this CPU's APIC in the mode the boot CPU chose (IA32_APIC_BASE, SDM
 * vol. 3 §11.12.5: x2APIC to xAPIC only by way of disabled).
 */
static void lapic_enable_msr(void)
{
	uint64_t v = arch_rdmsr(MSR_APIC_BASE);

	if (lapic_x2) {
		if ((v & (APIC_BASE_EN | APIC_BASE_EXTD)) != (APIC_BASE_EN | APIC_BASE_EXTD))
			arch_wrmsr(MSR_APIC_BASE, v | APIC_BASE_EN | APIC_BASE_EXTD);
		return;
	}
	if (v & APIC_BASE_EXTD) {
		v &= ~(APIC_BASE_EN | APIC_BASE_EXTD);
		arch_wrmsr(MSR_APIC_BASE, v);
	}
	if (!(v & APIC_BASE_EN))
		arch_wrmsr(MSR_APIC_BASE, v | APIC_BASE_EN);
}

/* The LVT value for LINT@lint of the CPU with ACPI UID @uid, per the MADT NMI entries. */
static uint32_t lapic_lint_lvt(uint32_t uid, uint8_t lint)
{
	for (unsigned int i = 0; i < apic_madt.nr_nmis; i++) {
		const struct acpi_madt_nmi *n = &apic_madt.nmis[i];

		if (n->lint != lint || (n->uid != ACPI_MADT_NMI_ALL && n->uid != uid))
			continue;
		/* NMI is always edge-triggered; only the polarity is taken. */
		if ((n->flags & ACPI_MPS_POLARITY_MASK) == ACPI_MPS_POLARITY_LOW)
			return LVT_DM_NMI | LVT_ACTIVE_LOW;
		return LVT_DM_NMI;
	}
	return LVT_MASKED;	/* the 8259s are masked: no ExtINT on LINT0 */
}

/* ACPI processor UID of the CPU with @apic_id, or ACPI_MADT_NMI_ALL if unlisted. */
static uint32_t apic_uid_of(uint32_t apic_id)
{
	for (unsigned int i = 0; i < apic_madt.nr_cpus; i++)
		if (apic_madt.cpus[i].apic_id == apic_id)
			return apic_madt.cpus[i].uid;
	return ACPI_MADT_NMI_ALL;
}

/* Program the running CPU's local APIC: enabled, every source masked but NMIs. */
static void lapic_setup_cpu(void)
{
	uint32_t maxlvt, uid;

	lapic_enable_msr();
	/* Software-enable first: LVT masks cannot be cleared while disabled. */
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	maxlvt = (lapic_read(LAPIC_VERSION) >> 16) & 0xff;
	lapic_timer_stop();
	if (maxlvt >= 4)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	if (maxlvt >= 5)
		lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	uid = apic_uid_of(lapic_read_id());
	lapic_write(LAPIC_LVT_LINT0, lapic_lint_lvt(uid, 0));
	lapic_write(LAPIC_LVT_LINT1, lapic_lint_lvt(uid, 1));
	/* The ESR latches on write; two writes clear what is pending. */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_EOI, 0);	/* in case firmware left a vector in service */
}

static void lapic_spurious(struct trap_frame *frame __unused, void *arg __unused)
{
	/* No EOI for a spurious vector (SDM vol. 3 §11.9). */
	__atomic_fetch_add(&apic_spurious_count, 1, __ATOMIC_RELAXED);
}

/* Map the boot CPU's local APIC (or take x2APIC mode if firmware chose it). */
static int lapic_map(void)
{
	uint64_t msr = arch_rdmsr(MSR_APIC_BASE);

	lapic_phys = msr & APIC_BASE_ADDR_MASK;
	if (apic_have_madt && apic_madt.lapic_address != lapic_phys)
		pr_warn("MADT puts the local APIC at %#llx, the CPU at %#llx; using the CPU's\n",
			(unsigned long long)apic_madt.lapic_address,
			(unsigned long long)lapic_phys);
	if ((msr & APIC_BASE_EXTD) && cpu_has(X86_X2APIC)) {
		lapic_x2 = true;
		return 0;
	}
	lapic_mmio = ioremap(lapic_phys, LAPIC_MMIO_SIZE, IOREMAP_UC);
	return lapic_mmio ? 0 : -ENOMEM;
}

/* Warn when the boot CPU is not among the CPUs the MADT lists. */
static void apic_check_boot_cpu(uint32_t id)
{
	for (unsigned int i = 0; i < apic_madt.nr_cpus; i++)
		if (apic_madt.cpus[i].apic_id == id)
			return;
	pr_warn("boot CPU (APIC id %u) is not in the MADT\n", id);
}

/*
 * Boot CPU: read the MADT, mask the 8259s, enable this CPU's local APIC and
 * bring up the I/O APICs. Without a MADT the local APIC is still enabled
 * (the timer needs it) and -ENODEV is returned: one CPU, no device
 * interrupts. A MADT without I/O APICs is only warned about. Returns 0,
 * -ENODEV (no MADT or no APIC), -ENOMEM.
 */
int apic_init(void)
{
	int err = acpi_parse_madt(&apic_madt);

	apic_have_madt = err == 0;
	if (!apic_have_madt || apic_madt.pcat_compat)
		pic_disable();
	if (!cpu_has(X86_APIC))
		return -ENODEV;
	err = lapic_map();
	if (err)
		return err;
	trap_register(VEC_SPURIOUS, lapic_spurious, NULL);
	lapic_setup_cpu();
	lapic_up = true;
	this_cpu()->apic_id = lapic_id();
	pr_info("local APIC id %u at %#llx (%s mode), version %#x\n", lapic_id(),
		(unsigned long long)lapic_phys, lapic_x2 ? "x2APIC" : "xAPIC",
		lapic_read(LAPIC_VERSION) & 0xff);
	if (!apic_have_madt) {
		pr_warn("no MADT: running on one CPU without I/O APIC\n");
		return -ENODEV;
	}
	apic_check_boot_cpu(lapic_id());
	err = ioapic_init(&apic_madt);
	/* Without an I/O APIC (warned about) the CPUs can still all run. */
	return err == -ENODEV ? 0 : err;
}

/* Every other CPU as it starts (after the boot CPU's apic_init). */
void apic_init_ap(void)
{
	if (lapic_up)
		lapic_setup_cpu();
}

/*
 * The usable CPUs' APIC ids in MADT order into @ids (at most @max);
 * returns how many the MADT lists (may exceed @max). Without a MADT, just
 * the boot CPU.
 */
int apic_cpu_ids(uint32_t *ids, int max)
{
	int n = 0;

	if (!apic_have_madt) {
		if (max > 0)
			ids[0] = lapic_id();
		return 1;
	}
	for (unsigned int i = 0; i < apic_madt.nr_cpus; i++) {
		if (!apic_madt.cpus[i].enabled)
			continue;
		if (n < max)
			ids[n] = apic_madt.cpus[i].apic_id;
		n++;
	}
	return n;
}
