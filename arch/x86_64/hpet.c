/*
 * The High Precision Event Timer (IA-PC HPET specification 1.0a) used only
 * as a free-running clock: the reference the TSC and the local APIC timer
 * are calibrated against. Its comparators are left disabled and legacy
 * replacement routing off, so the PIT and RTC interrupts stay where the
 * MADT says they are.
 *
 * Locking: set up once on the boot CPU; the state is [I] afterwards, and
 * reading the main counter needs no lock.
 */
#define pr_fmt(fmt) "hpet: " fmt

#include <ferrite/acpi.h>
#include <ferrite/errno.h>
#include <ferrite/io.h>
#include <ferrite/printk.h>
#include <arch/timer.h>

#define HPET_MMIO_SIZE		0x400
#define HPET_CAP		0x000
#define HPET_CONF		0x010
#define HPET_COUNTER		0x0f0
#define HPET_CAP_64BIT		(1ULL << 13)
#define HPET_CONF_ENABLE	(1ULL << 0)
#define HPET_CONF_LEGACY	(1ULL << 1)
#define HPET_MAX_PERIOD_FS	100000000u	/* the spec's bound: 100 ns */

static volatile uint8_t *hpet_mmio;	/* [I] */
static uint32_t hpet_period;		/* [I] femtoseconds per count */
static uint64_t hpet_counter_mask;	/* [I] */

bool hpet_present(void)
{
	return hpet_mmio != NULL;
}

uint64_t hpet_read(void)
{
	if (hpet_counter_mask == ~0ULL)
		return mmio_read64(hpet_mmio + HPET_COUNTER);
	return mmio_read32(hpet_mmio + HPET_COUNTER);
}

uint64_t hpet_mask(void)
{
	return hpet_counter_mask;
}

uint32_t hpet_period_fs(void)
{
	return hpet_period;
}

/*
 * Boot CPU: map the HPET the ACPI table names, check its period and start
 * the main counter. Returns 0, -ENOENT without a table, -EINVAL for a
 * table or period out of spec, -ENOMEM.
 */
int hpet_init(void)
{
	volatile uint8_t *mmio;
	uint64_t base, cap, conf;
	uint32_t period;
	int err;

	err = acpi_parse_hpet(&base, NULL);
	if (err)
		return err;
	mmio = ioremap(base, HPET_MMIO_SIZE, IOREMAP_UC);
	if (!mmio)
		return -ENOMEM;
	cap = mmio_read64(mmio + HPET_CAP);
	period = cap >> 32;
	if (period == 0 || period > HPET_MAX_PERIOD_FS) {
		pr_warn("period of %u fs is out of spec; not used\n", period);
		iounmap((void *)mmio, HPET_MMIO_SIZE);
		return -EINVAL;
	}
	conf = mmio_read64(mmio + HPET_CONF);
	conf = (conf & ~HPET_CONF_LEGACY) | HPET_CONF_ENABLE;
	mmio_write64(mmio + HPET_CONF, conf);
	hpet_period = period;
	hpet_counter_mask = (cap & HPET_CAP_64BIT) ? ~0ULL : 0xffffffffULL;
	hpet_mmio = mmio;
	pr_info("at MMIO %#llx, %u comparators, %u-bit counter at %llu Hz\n",
		(unsigned long long)base, (unsigned int)((cap >> 8) & 0x1f) + 1,
		(cap & HPET_CAP_64BIT) ? 64 : 32,
		(unsigned long long)(1000000000000000ULL / period));
	return 0;
}
