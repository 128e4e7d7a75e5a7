/*
 * I/O APICs (Intel 82093AA datasheet; ACPI 6.5 §5.2.12.3 for how the MADT
 * describes them): each one takes a range of global system interrupts
 * (GSIs) starting at its base, one redirection entry per pin. At start every
 * pin is masked; drivers route a GSI (or an ISA IRQ, through the MADT's
 * interrupt source overrides) to a vector on one CPU, in physical
 * destination mode with fixed delivery.
 *
 * The registers are reached indirectly (select, then window), so each
 * I/O APIC has a lock held with interrupts off across the pair.
 * Lock order: ioapic->lock is a leaf.
 */
#define pr_fmt(fmt) "IOAPIC: " fmt

#include <ferrite/acpi.h>
#include <ferrite/errno.h>
#include <ferrite/io.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/spinlock.h>
#include <arch/apic.h>

#define IOAPIC_MMIO_SIZE	0x20
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_RTE(pin)	(0x10 + 2 * (pin))	/* low word; high word follows */

#define RTE_ACTIVE_LOW		(1u << 13)
#define RTE_LEVEL		(1u << 15)
#define RTE_MASKED		(1u << 16)

struct ioapic {
	volatile uint8_t *mmio;		/* [I] */
	uint32_t gsi_base;		/* [I] */
	uint32_t nr_pins;		/* [I] */
	uint8_t id;			/* [I] */
	struct spinlock lock;		/* guards the select/window pair */
};

static struct ioapic *ioapics;		/* [I] kcalloc'd at init */
static unsigned int nr_ioapics;		/* [I] */
static const struct acpi_madt_info *ioapic_madt;	/* [I] for ISA overrides */

/* Read register @reg. Caller holds @io->lock. */
static uint32_t ioapic_read_locked(struct ioapic *io, uint32_t reg)
{
	mmio_write32(io->mmio + IOAPIC_REGSEL, reg);
	return mmio_read32(io->mmio + IOAPIC_WINDOW);
}

/* Write register @reg. Caller holds @io->lock. */
static void ioapic_write_locked(struct ioapic *io, uint32_t reg, uint32_t v)
{
	mmio_write32(io->mmio + IOAPIC_REGSEL, reg);
	mmio_write32(io->mmio + IOAPIC_WINDOW, v);
}

/* The I/O APIC serving @gsi and the pin in *@pin, or NULL. */
static struct ioapic *ioapic_for_gsi(uint32_t gsi, uint32_t *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

/* Map one I/O APIC, count its pins and mask them all. 0 or -ENOMEM. */
static int ioapic_setup_one(struct ioapic *io, const struct acpi_madt_ioapic_info *info)
{
	unsigned long flags;
	uint32_t ver;

	io->mmio = ioremap(info->address, IOAPIC_MMIO_SIZE, IOREMAP_UC);
	if (!io->mmio)
		return -ENOMEM;
	io->id = info->id;
	io->gsi_base = info->gsi_base;
	spin_lock_init(&io->lock, "ioapic");
	flags = spin_lock_irqsave(&io->lock);
	ver = ioapic_read_locked(io, IOAPIC_REG_VER);
	io->nr_pins = ((ver >> 16) & 0xff) + 1;
	for (uint32_t pin = 0; pin < io->nr_pins; pin++) {
		ioapic_write_locked(io, IOAPIC_REG_RTE(pin), RTE_MASKED);
		ioapic_write_locked(io, IOAPIC_REG_RTE(pin) + 1, 0);
	}
	spin_unlock_irqrestore(&io->lock, flags);
	pr_info("[%u]: apic_id %u, version %u, address %#x, GSI %u-%u\n",
		(unsigned int)(io - ioapics), io->id, ver & 0xff, info->address, io->gsi_base,
		io->gsi_base + io->nr_pins - 1);
	return 0;
}

/*
 * Boot CPU, from apic_init: map every I/O APIC of @madt with all pins
 * masked. @madt must outlive the kernel's use of ISA routing. Returns 0,
 * -ENODEV when the MADT lists none, -ENOMEM.
 */
int ioapic_init(const struct acpi_madt_info *madt)
{
	unsigned int n = 0;
	int err = 0;

	ioapic_madt = madt;
	if (!madt->nr_ioapics) {
		pr_warn("none in the MADT: no device interrupts\n");
		return -ENODEV;
	}
	ioapics = kcalloc(madt->nr_ioapics, sizeof(*ioapics));
	if (!ioapics)
		return -ENOMEM;
	for (unsigned int i = 0; i < madt->nr_ioapics; i++) {
		err = ioapic_setup_one(&ioapics[n], &madt->ioapics[i]);
		if (err) {
			pr_err("cannot map the one at %#x (%d)\n", madt->ioapics[i].address, err);
			continue;
		}
		n++;
	}
	__atomic_store_n(&nr_ioapics, n, __ATOMIC_RELEASE);
	return n ? 0 : err;
}

/*
 * Deliver GSI @gsi as @vector to the CPU with APIC id @apic_id, fixed
 * delivery, physical destination, unmasked. @level/@active_low give the
 * line's trigger mode and polarity. Returns 0, -ENODEV without I/O APICs,
 * -EINVAL for a GSI no I/O APIC serves, a vector below 0x20 or an APIC id
 * physical mode cannot reach. Takes the I/O APIC's lock.
 */
int ioapic_route_gsi(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low)
{
	struct ioapic *io;
	unsigned long flags;
	uint32_t pin, low;

	if (!__atomic_load_n(&nr_ioapics, __ATOMIC_ACQUIRE))
		return -ENODEV;
	io = ioapic_for_gsi(gsi, &pin);
	if (!io || vector < 0x20 || apic_id > 0xff)
		return -EINVAL;
	low = vector | (level ? RTE_LEVEL : 0) | (active_low ? RTE_ACTIVE_LOW : 0);
	flags = spin_lock_irqsave(&io->lock);
	/* Masked while the destination changes, unmasked by the last write. */
	ioapic_write_locked(io, IOAPIC_REG_RTE(pin), RTE_MASKED);
	ioapic_write_locked(io, IOAPIC_REG_RTE(pin) + 1, apic_id << 24);
	ioapic_write_locked(io, IOAPIC_REG_RTE(pin), low);
	spin_unlock_irqrestore(&io->lock, flags);
	return 0;
}

/*
 * Route ISA IRQ @irq (0-15) to @vector on @apic_id, following the MADT's
 * interrupt source overrides for its GSI, polarity and trigger mode (ISA
 * default: edge, active high). Returns as ioapic_route_gsi, and -EINVAL
 * for an IRQ above 15.
 */
int ioapic_route_isa_irq(uint8_t irq, uint8_t vector, uint32_t apic_id)
{
	uint16_t mps = 0;
	uint32_t gsi;

	if (irq > 15)
		return -EINVAL;
	if (!ioapic_madt)
		return -ENODEV;
	gsi = acpi_irq_to_gsi(ioapic_madt, irq, &mps);
	return ioapic_route_gsi(gsi, vector, apic_id,
				(mps & ACPI_MPS_TRIGGER_MASK) == ACPI_MPS_TRIGGER_LEVEL,
				(mps & ACPI_MPS_POLARITY_MASK) == ACPI_MPS_POLARITY_LOW);
}

/* Mask GSI @gsi (nothing if no I/O APIC serves it). Takes the I/O APIC's lock. */
void ioapic_mask_gsi(uint32_t gsi)
{
	struct ioapic *io;
	unsigned long flags;
	uint32_t pin;

	if (!__atomic_load_n(&nr_ioapics, __ATOMIC_ACQUIRE))
		return;
	io = ioapic_for_gsi(gsi, &pin);
	if (!io)
		return;
	flags = spin_lock_irqsave(&io->lock);
	ioapic_write_locked(io, IOAPIC_REG_RTE(pin),
			    ioapic_read_locked(io, IOAPIC_REG_RTE(pin)) | RTE_MASKED);
	spin_unlock_irqrestore(&io->lock, flags);
}
