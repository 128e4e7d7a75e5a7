/*
 * The MADT ("APIC", ACPI 6.5 §5.2.12): local APICs / x2APICs (the CPUs),
 * I/O APICs, ISA interrupt source overrides and LINT NMI wiring, decoded
 * into kmalloc'd arrays. Two passes over the entries: the first counts and
 * warns about malformed entries, the second fills the arrays.
 */
#define pr_fmt(fmt) "ACPI: " fmt

#include <ferrite/acpi.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>

BUILD_BUG_ON(sizeof(struct acpi_madt) != 44);
BUILD_BUG_ON(sizeof(struct acpi_madt_lapic) != 8);
BUILD_BUG_ON(sizeof(struct acpi_madt_ioapic) != 12);
BUILD_BUG_ON(sizeof(struct acpi_madt_iso) != 10);
BUILD_BUG_ON(offsetof(struct acpi_madt_iso, gsi) != 4);
BUILD_BUG_ON(sizeof(struct acpi_madt_lapic_nmi) != 6);
BUILD_BUG_ON(sizeof(struct acpi_madt_lapic_override) != 12);
BUILD_BUG_ON(sizeof(struct acpi_madt_x2apic) != 16);
BUILD_BUG_ON(offsetof(struct acpi_madt_x2apic, x2apic_id) != 4);
BUILD_BUG_ON(sizeof(struct acpi_madt_x2apic_nmi) != 12);

/* MADT revision 5 is ACPI 6.3, which added the online-capable flag. */
#define ACPI_MADT_REV_ONLINE_CAPABLE	5

/* Per-pass state: counts in the first pass, the arrays being filled in the second. */
struct madt_walk {
	const struct acpi_madt *madt;
	struct acpi_madt_info *info;
	bool fill;			/* second pass: arrays allocated */
};

/* Smallest valid length of an entry of @type, 0 for types we ignore. */
static uint8_t madt_entry_min_len(uint8_t type)
{
	switch (type) {
	case ACPI_MADT_TYPE_LAPIC:
		return sizeof(struct acpi_madt_lapic);
	case ACPI_MADT_TYPE_IOAPIC:
		return sizeof(struct acpi_madt_ioapic);
	case ACPI_MADT_TYPE_ISO:
		return sizeof(struct acpi_madt_iso);
	case ACPI_MADT_TYPE_LAPIC_NMI:
		return sizeof(struct acpi_madt_lapic_nmi);
	case ACPI_MADT_TYPE_LAPIC_OVERRIDE:
		return sizeof(struct acpi_madt_lapic_override);
	case ACPI_MADT_TYPE_X2APIC:
		return sizeof(struct acpi_madt_x2apic);
	case ACPI_MADT_TYPE_X2APIC_NMI:
		return sizeof(struct acpi_madt_x2apic_nmi);
	default:
		return 0;
	}
}

/*
 * Record a CPU. Before ACPI 6.3 a disabled entry meant "may be hot-added";
 * since then only the online-capable flag says so, and a processor with
 * neither flag must not be used, so it is left out.
 */
static void madt_add_cpu(struct madt_walk *w, uint32_t apic_id, uint32_t uid, uint32_t flags,
			 bool x2apic)
{
	struct acpi_madt_info *info = w->info;
	bool enabled = flags & ACPI_MADT_ENABLED;
	bool capable = !enabled && ((flags & ACPI_MADT_ONLINE_CAPABLE) ||
				    w->madt->hdr.revision < ACPI_MADT_REV_ONLINE_CAPABLE);

	if (!enabled && !capable)
		return;
	if (w->fill)
		info->cpus[info->nr_cpus] = (struct acpi_madt_cpu){
			.apic_id = apic_id,
			.uid = uid,
			.enabled = enabled,
			.online_capable = capable,
			.x2apic = x2apic,
		};
	info->nr_cpus++;
}

static void madt_add_nmi(struct madt_walk *w, uint32_t uid, uint16_t flags, uint8_t lint)
{
	struct acpi_madt_info *info = w->info;

	if (w->fill)
		info->nmis[info->nr_nmis] = (struct acpi_madt_nmi){
			.uid = uid, .flags = flags, .lint = lint };
	info->nr_nmis++;
}

static void madt_add_ioapic(struct madt_walk *w, const struct acpi_madt_ioapic *e)
{
	struct acpi_madt_info *info = w->info;

	if (w->fill)
		info->ioapics[info->nr_ioapics] = (struct acpi_madt_ioapic_info){
			.id = e->ioapic_id, .address = e->address, .gsi_base = e->gsi_base };
	info->nr_ioapics++;
}

static void madt_add_override(struct madt_walk *w, const struct acpi_madt_iso *e)
{
	struct acpi_madt_info *info = w->info;

	if (w->fill)
		info->overrides[info->nr_overrides] = (struct acpi_madt_override){
			.bus = e->bus, .source = e->source, .gsi = e->gsi, .flags = e->flags };
	info->nr_overrides++;
}

/* Decode one entry already checked to be at least madt_entry_min_len() long. */
static void madt_entry(struct madt_walk *w, const struct acpi_madt_entry *e)
{
	const struct acpi_madt_lapic *la = (const void *)e;
	const struct acpi_madt_x2apic *x2 = (const void *)e;
	const struct acpi_madt_lapic_nmi *nmi = (const void *)e;
	const struct acpi_madt_x2apic_nmi *x2nmi = (const void *)e;

	switch (e->type) {
	case ACPI_MADT_TYPE_LAPIC:
		if (la->apic_id != 0xff)
			madt_add_cpu(w, la->apic_id, la->processor_uid, la->flags, false);
		break;
	case ACPI_MADT_TYPE_X2APIC:
		if (x2->x2apic_id != 0xffffffffu)
			madt_add_cpu(w, x2->x2apic_id, x2->processor_uid, x2->flags, true);
		break;
	case ACPI_MADT_TYPE_IOAPIC:
		madt_add_ioapic(w, (const void *)e);
		break;
	case ACPI_MADT_TYPE_ISO:
		madt_add_override(w, (const void *)e);
		break;
	case ACPI_MADT_TYPE_LAPIC_NMI:
		madt_add_nmi(w, nmi->processor_uid == 0xff ? ACPI_MADT_NMI_ALL : nmi->processor_uid,
			     nmi->flags, nmi->lint);
		break;
	case ACPI_MADT_TYPE_X2APIC_NMI:
		madt_add_nmi(w, x2nmi->processor_uid, x2nmi->flags, x2nmi->lint);
		break;
	case ACPI_MADT_TYPE_LAPIC_OVERRIDE:
		w->info->lapic_address = ((const struct acpi_madt_lapic_override *)e)->address;
		break;
	}
}

/*
 * Walk the entries of the MADT. An entry shorter than its type needs is
 * skipped; a length below 2 or past the table's end ends the walk (the
 * rest cannot be trusted). Warnings are given in the counting pass only.
 */
static void madt_walk(struct madt_walk *w)
{
	const uint8_t *base = (const uint8_t *)w->madt;
	uint32_t len = w->madt->hdr.length;
	uint32_t off = sizeof(struct acpi_madt);
	const struct acpi_madt_entry *e;
	bool warn = !w->fill;

	while (off + sizeof(*e) <= len) {
		e = (const struct acpi_madt_entry *)(base + off);
		if (e->length < sizeof(*e) || e->length > len - off) {
			if (warn)
				pr_warn("MADT entry at offset %u (type %u) has bad length %u, "
					"ignoring the rest\n", off, e->type, e->length);
			return;
		}
		if (e->length >= madt_entry_min_len(e->type))
			madt_entry(w, e);
		else if (warn)
			pr_warn("MADT entry at offset %u (type %u) is too short (%u), skipped\n",
				off, e->type, e->length);
		off += e->length;
	}
	if (off != len && warn)
		pr_warn("MADT has %u stray bytes at its end\n", len - off);
}

/* A zeroed array of @n elements of @size, NULL when @n is 0; sets *@failed when out of memory. */
static void *madt_array(unsigned int n, size_t size, bool *failed)
{
	void *a;

	if (!n)
		return NULL;
	a = kzalloc((size_t)n * size);
	if (!a)
		*failed = true;
	return a;
}

/* Allocate @info's arrays for its counts, then reset the counts for filling. */
static int madt_alloc_arrays(struct acpi_madt_info *info)
{
	bool failed = false;

	info->cpus = madt_array(info->nr_cpus, sizeof(*info->cpus), &failed);
	info->ioapics = madt_array(info->nr_ioapics, sizeof(*info->ioapics), &failed);
	info->overrides = madt_array(info->nr_overrides, sizeof(*info->overrides), &failed);
	info->nmis = madt_array(info->nr_nmis, sizeof(*info->nmis), &failed);
	info->nr_cpus = info->nr_ioapics = info->nr_overrides = info->nr_nmis = 0;
	return failed ? -ENOMEM : 0;
}

int acpi_parse_madt(struct acpi_madt_info *out)
{
	const struct acpi_madt *madt = acpi_find_table("APIC", 0);
	struct madt_walk w = { .madt = madt, .info = out };
	int err;

	memset(out, 0, sizeof(*out));
	if (!madt)
		return -ENOENT;
	if (madt->hdr.length < sizeof(*madt)) {
		pr_warn("MADT is too short (%u bytes)\n", madt->hdr.length);
		return -EINVAL;
	}
	madt_walk(&w);
	err = madt_alloc_arrays(out);
	if (err)
		goto out_free;
	w.fill = true;
	out->lapic_address = madt->lapic_address;
	out->pcat_compat = madt->flags & ACPI_MADT_PCAT_COMPAT;
	madt_walk(&w);
	return 0;

out_free:
	acpi_madt_free(out);
	return err;
}

void acpi_madt_free(struct acpi_madt_info *info)
{
	kfree(info->cpus);
	kfree(info->ioapics);
	kfree(info->overrides);
	kfree(info->nmis);
	memset(info, 0, sizeof(*info));
}

uint32_t acpi_irq_to_gsi(const struct acpi_madt_info *info, uint8_t isa_irq, uint16_t *flags)
{
	unsigned int i;

	for (i = 0; i < info->nr_overrides; i++) {
		const struct acpi_madt_override *o = &info->overrides[i];

		if (o->bus == 0 && o->source == isa_irq) {
			if (flags)
				*flags = o->flags;
			return o->gsi;
		}
	}
	if (flags)
		*flags = 0;
	return isa_irq;
}
