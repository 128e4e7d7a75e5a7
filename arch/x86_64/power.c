/*
 * Switching the machine off and restarting it. Power-off enters ACPI S5
 * (ACPI 6.5 §4.8.3.2, §16.1.6): the \_S5_ SLP_TYP values written with SLP_EN
 * into PM1a_CNT (and PM1b_CNT), after switching the chipset to ACPI mode
 * through SMI_CMD if the firmware left it in legacy mode. Restart tries the
 * FADT reset register (ACPI 6.5 §4.8.4.6), then the keyboard controller's
 * reset line, then a triple fault. machine_debug_exit leaves QEMU through
 * its isa-debug-exit device.
 *
 * These run on one CPU at the end of the system's life; they take no lock.
 */
#include <ferrite/acpi.h>
#include <ferrite/io.h>
#include <ferrite/power.h>
#include <ferrite/printk.h>
#include <ferrite/time.h>
#include <arch/cpu.h>

#define PM1_SCI_EN		(1u << 0)
#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_TYP_MASK	(7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN		(1u << 13)
#define ACPI_ENABLE_WAIT_MS	300

#define KBC_STATUS		0x64
#define KBC_INPUT_FULL		0x02
#define KBC_CMD_RESET		0xfe
#define PCI_CONF_ADDR		0xcf8
#define PCI_CONF_DATA		0xcfc
#define DEBUG_EXIT_PORT		0xf4

/* Switch to ACPI mode if SCI_EN is clear and the FADT says how. true when in ACPI mode. */
static bool power_acpi_enable(const struct acpi_fadt_info *fadt)
{
	if (arch_inw(fadt->pm1a_cnt) & PM1_SCI_EN)
		return true;
	if (!fadt->smi_cmd || !fadt->acpi_enable)
		return false;
	arch_outb(fadt->smi_cmd, fadt->acpi_enable);
	for (int ms = 0; ms < ACPI_ENABLE_WAIT_MS; ms++) {
		if (arch_inw(fadt->pm1a_cnt) & PM1_SCI_EN)
			return true;
		time_delay_ns(NSEC_PER_MSEC);
	}
	return false;
}

/* Write SLP_TYP @typ | SLP_EN into the PM1 control register at @port. */
static void power_write_slp(uint32_t port, uint8_t typ)
{
	uint16_t v = arch_inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);

	arch_outw(port, v | ((uint16_t)(typ & 7) << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
}

/* The reason S5 cannot be entered, or NULL once the SLP_EN write is done. */
static const char *power_enter_s5(void)
{
	struct acpi_fadt_info fadt;
	uint8_t typa, typb;

	if (acpi_parse_fadt(&fadt) || !fadt.pm1a_cnt)
		return "no ACPI PM1 control register";
	if (acpi_find_s5(&typa, &typb))
		return "no \\_S5_ object";
	if (!power_acpi_enable(&fadt))
		return "cannot switch to ACPI mode";
	pr_notice("reboot: Power down\n");
	power_write_slp(fadt.pm1a_cnt, typa);
	if (fadt.pm1b_cnt)
		power_write_slp(fadt.pm1b_cnt, typb);
	time_delay_ns(100 * NSEC_PER_MSEC);
	return "the machine is still running";
}

/*
 * Enter ACPI S5. Returns only on failure, after printing "Power off
 * failed" with the reason (no FADT, no \_S5_, ACPI mode unreachable, or the
 * write ignored); the interrupt state is then as it was.
 */
void machine_power_off(void)
{
	unsigned long flags = arch_irq_save();

	pr_emerg("Power off failed: %s\n", power_enter_s5());
	arch_irq_restore(flags);
}

/* Write the FADT reset value to its register (I/O, memory or bus 0 PCI config space). */
static void power_acpi_reset(const struct acpi_fadt_info *fadt)
{
	const struct acpi_gas *r = &fadt->reset_reg;
	volatile uint8_t *p;
	uint32_t dev, fn, off;

	switch (r->space_id) {
	case ACPI_GAS_IO:
		arch_outb(r->address, fadt->reset_value);
		break;
	case ACPI_GAS_MEMORY:
		p = ioremap(r->address, 1, IOREMAP_UC);
		if (p)
			*p = fadt->reset_value;
		break;
	case ACPI_GAS_PCI_CONFIG:
		/* ACPI 6.5 §5.2.3.2: device, function and offset on segment 0 bus 0. */
		dev = (r->address >> 32) & 0x1f;
		fn = (r->address >> 16) & 0x7;
		off = r->address & 0xff;
		arch_outl(PCI_CONF_ADDR, 0x80000000u | dev << 11 | fn << 8 | (off & 0xfc));
		arch_outb(PCI_CONF_DATA + (off & 3), fadt->reset_value);
		break;
	}
}

/* Wait up to 10 ms for the 8042's input buffer to drain, then pulse its reset line. */
static void power_kbc_reset(void)
{
	for (int i = 0; i < 100 && (arch_inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
		time_delay_ns(100 * NSEC_PER_USEC);
	arch_outb(KBC_STATUS, KBC_CMD_RESET);
}

/* Load an empty IDT and raise an exception: #GP, #DF, then a shutdown that resets. */
static __noreturn void power_triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed idtr = { 0, 0 };

	__asm__ __volatile__("lidt %0; int3" : : "m"(idtr) : "memory");
	for (;;)
		arch_halt();
}

/* Restart the machine: FADT reset register, 8042, triple fault. Never returns. */
__noreturn void machine_restart(void)
{
	struct acpi_fadt_info fadt;
	bool have_fadt = acpi_parse_fadt(&fadt) == 0;

	arch_irq_disable();
	pr_notice("reboot: Restarting system\n");
	if (have_fadt && fadt.reset_supported) {
		power_acpi_reset(&fadt);
		time_delay_ns(50 * NSEC_PER_MSEC);
	}
	/* Without a FADT, assume a PC with its keyboard controller. */
	if (!have_fadt || fadt.has_8042) {
		power_kbc_reset();
		time_delay_ns(50 * NSEC_PER_MSEC);
	}
	power_triple_fault();
}

/* QEMU's isa-debug-exit makes QEMU exit with (code << 1) | 1; without it, nothing happens. */
void machine_debug_exit(int code)
{
	arch_outl(DEBUG_EXIT_PORT, (uint32_t)code);
}
