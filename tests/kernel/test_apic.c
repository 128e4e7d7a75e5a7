/*
 * In-kernel tests of the interrupt controllers: the boot CPU's local APIC
 * id against the MADT, IPIs to self (delivered, and held while interrupts
 * are off), the I/O APIC's argument checks, and an ISA interrupt (the PIT
 * on IRQ 0, through the MADT's override) arriving through the I/O APIC.
 */
#include <ferrite/acpi.h>
#include <ferrite/errno.h>
#include <ferrite/ktest.h>
#include <ferrite/time.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/trap.h>

#define PIT_CH0		0x40
#define PIT_CMD		0x43

static unsigned int test_apic_hits;	/* [a] */

static void test_apic_handler(struct trap_frame *frame __unused, void *arg __unused)
{
	__atomic_fetch_add(&test_apic_hits, 1, __ATOMIC_RELAXED);
	lapic_eoi();
}

static unsigned int test_apic_count(void)
{
	return __atomic_load_n(&test_apic_hits, __ATOMIC_RELAXED);
}

/* A free device vector now routed to the test handler, or 0 if none is free. */
static unsigned int test_apic_claim_vector(void)
{
	__atomic_store_n(&test_apic_hits, 0, __ATOMIC_RELAXED);
	for (unsigned int v = VEC_IRQ_LAST; v >= VEC_IRQ_BASE; v--)
		if (trap_register(v, test_apic_handler, NULL) == 0)
			return v;
	return 0;
}

/* Wait up to @ms milliseconds (interrupts on) for at least @n hits. */
static unsigned int test_apic_wait(unsigned int n, unsigned int ms)
{
	for (unsigned int i = 0; i < ms && test_apic_count() < n; i++)
		time_delay_ns(NSEC_PER_MSEC);
	return test_apic_count();
}

KTEST(apic_boot_cpu_matches_madt)
{
	struct acpi_madt_info m;
	uint32_t first = ~0u;
	unsigned int nr;
	int err = acpi_parse_madt(&m);

	if (err == -ENOENT) {
		printk(KERN_INFO "# SKIP no MADT\n");
		return;
	}
	KEXPECT_EQ(err, 0);
	nr = m.nr_cpus;
	if (nr)
		first = m.cpus[0].apic_id;
	acpi_madt_free(&m);
	KEXPECT(lapic_present());
	KEXPECT(nr >= 1);
	KEXPECT_EQ(lapic_id(), first);
	KEXPECT_EQ(this_cpu()->apic_id, lapic_id());
}

KTEST(apic_cpu_ids_lists_boot_cpu_first)
{
	uint32_t ids[8];
	int n = apic_cpu_ids(ids, 8);

	KEXPECT(n >= 1);
	KEXPECT(n >= nr_cpus_online);
	KEXPECT_EQ(ids[0], lapic_id());
	KEXPECT_EQ(apic_cpu_ids(ids, 0), n);
}

KTEST(apic_self_ipi_delivered)
{
	unsigned int v, hits;

	KEXPECT(lapic_present());
	KEXPECT(arch_irq_enabled());
	v = test_apic_claim_vector();
	KEXPECT(v != 0);
	lapic_send_ipi(lapic_id(), v);
	hits = test_apic_wait(1, 100);
	trap_unregister(v);
	KEXPECT_EQ(hits, 1);
}

KTEST(apic_ipi_held_while_interrupts_off)
{
	unsigned int v, before, after;

	KEXPECT(lapic_present());
	v = test_apic_claim_vector();
	KEXPECT(v != 0);
	arch_irq_disable();
	lapic_send_ipi(lapic_id(), v);
	time_delay_ns(5 * NSEC_PER_MSEC);
	before = test_apic_count();
	arch_irq_enable();
	after = test_apic_wait(1, 100);
	trap_unregister(v);
	KEXPECT_EQ(before, 0);
	KEXPECT_EQ(after, 1);
}

KTEST(ioapic_rejects_bad_arguments)
{
	struct acpi_madt_info m;
	bool have_ioapic = acpi_parse_madt(&m) == 0 && m.nr_ioapics > 0;
	int bad_gsi = ioapic_route_gsi(0x7fffffff, VEC_IRQ_BASE, lapic_id(), false, false);
	int bad_vec = ioapic_route_gsi(0, 0x10, lapic_id(), false, false);
	int bad_irq = ioapic_route_isa_irq(16, VEC_IRQ_BASE, lapic_id());

	acpi_madt_free(&m);
	ioapic_mask_gsi(0x7fffffff);	/* must be a harmless no-op */
	KEXPECT_EQ(bad_gsi, have_ioapic ? -EINVAL : -ENODEV);
	KEXPECT_EQ(bad_vec, have_ioapic ? -EINVAL : -ENODEV);
	KEXPECT_EQ(bad_irq, -EINVAL);
}

/* Run PIT channel 0 as a ~1 kHz rate generator, or stop it (mode 0, no count). */
static void test_apic_pit(bool run)
{
	if (!run) {
		arch_outb(PIT_CMD, 0x30);
		return;
	}
	arch_outb(PIT_CMD, 0x34);	/* channel 0, low/high byte, mode 2 */
	arch_outb(PIT_CH0, 1193 & 0xff);
	arch_outb(PIT_CH0, 1193 >> 8);
}

KTEST(ioapic_pit_irq0_delivered)
{
	struct acpi_madt_info m;
	unsigned int v, during, after;
	uint32_t gsi;
	int err;

	if (acpi_parse_madt(&m) || !m.nr_ioapics) {
		acpi_madt_free(&m);
		printk(KERN_INFO "# SKIP no I/O APIC\n");
		return;
	}
	gsi = acpi_irq_to_gsi(&m, 0, NULL);
	acpi_madt_free(&m);
	v = test_apic_claim_vector();
	KEXPECT(v != 0);
	err = ioapic_route_isa_irq(0, v, lapic_id());
	test_apic_pit(true);
	during = test_apic_wait(3, 500);
	test_apic_pit(false);
	ioapic_mask_gsi(gsi);
	time_delay_ns(2 * NSEC_PER_MSEC);
	after = test_apic_count();
	time_delay_ns(20 * NSEC_PER_MSEC);
	after = test_apic_count() - after;
	trap_unregister(v);
	KEXPECT_EQ(err, 0);
	KEXPECT(during >= 3);
	KEXPECT_EQ(after, 0);
}
