/*
 * ACPI static tables: find and check the RSDP (ACPI 6.5 §5.2.5), pick the
 * XSDT or RSDT, log the table list as Linux does, look tables up by
 * signature, and decode the FADT, HPET and MCFG. The MADT is decoded in
 * madt.c and \_S5_ in aml.c.
 *
 * Only the root table's address is kept; every lookup walks it again and
 * checks each table's length and checksum before handing it out, so a bad
 * table is never read past its length. Tables are read through
 * phys_to_virt() (the direct map; the identity in host tests).
 */
#define pr_fmt(fmt) "ACPI: " fmt

#include <ferrite/acpi.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <arch/memlayout.h>

BUILD_BUG_ON(sizeof(struct acpi_rsdp) != ACPI_RSDP_V2_LEN);
BUILD_BUG_ON(offsetof(struct acpi_rsdp, length) != ACPI_RSDP_V1_LEN);
BUILD_BUG_ON(offsetof(struct acpi_rsdp, xsdt_address) != 24);
BUILD_BUG_ON(sizeof(struct acpi_sdt_header) != 36);
BUILD_BUG_ON(sizeof(struct acpi_gas) != 12);
BUILD_BUG_ON(offsetof(struct acpi_fadt, sci_int) != 46);
BUILD_BUG_ON(offsetof(struct acpi_fadt, pm1a_cnt_blk) != 64);
BUILD_BUG_ON(offsetof(struct acpi_fadt, pm_tmr_blk) != 76);
BUILD_BUG_ON(offsetof(struct acpi_fadt, century) != 108);
BUILD_BUG_ON(offsetof(struct acpi_fadt, iapc_boot_arch) != 109);
BUILD_BUG_ON(offsetof(struct acpi_fadt, flags) != 112);
BUILD_BUG_ON(offsetof(struct acpi_fadt, reset_reg) != ACPI_FADT_V1_LEN);
BUILD_BUG_ON(offsetof(struct acpi_fadt, reset_value) != 128);
BUILD_BUG_ON(offsetof(struct acpi_fadt, x_firmware_ctrl) != 132);
BUILD_BUG_ON(offsetof(struct acpi_fadt, x_dsdt) != 140);
BUILD_BUG_ON(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) != 172);
BUILD_BUG_ON(offsetof(struct acpi_fadt, x_pm_tmr_blk) != 208);
BUILD_BUG_ON(sizeof(struct acpi_fadt) != 244);
BUILD_BUG_ON(sizeof(struct acpi_hpet) != 56);
BUILD_BUG_ON(offsetof(struct acpi_hpet, base) != 40);
BUILD_BUG_ON(sizeof(struct acpi_mcfg) != 44);
BUILD_BUG_ON(sizeof(struct acpi_mcfg_alloc) != 16);

/* Longest table we agree to checksum: far above any real DSDT. */
#define ACPI_TABLE_MAX_LEN	(16u << 20)
/* Physical addresses are at most 52 bits (Intel SDM vol. 3 §4.1.4). */
#define ACPI_PHYS_LIMIT		(1ull << 52)
/* Longest RSDP we agree to checksum (ACPI 6.5 defines 36 bytes). */
#define ACPI_RSDP_MAX_LEN	4096u
/* Shortest FADT we decode: up to and including the PM timer block. */
#define ACPI_FADT_MIN_LEN	(offsetof(struct acpi_fadt, pm_tmr_blk) + 4)

/* Set once by acpi_tables_init on the boot CPU, then [I]. */
static struct {
	uint64_t root_phys;		/* [I] checked RSDT or XSDT; 0: none */
	uint32_t nr_entries;		/* [I] entries in the root table */
	uint8_t entry_size;		/* [I] 4 (RSDT) or 8 (XSDT) */
} acpi_root;

static uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

static bool acpi_sig_is(const char *have, const char *want)
{
	return memcmp(have, want, 4) == 0;
}

/*
 * Why the table at @phys cannot be used (a static string), or NULL when its
 * length is sane and its checksum holds. Reads the first 8 bytes, then
 * @length bytes only if @length covers at least the header.
 */
static const char *acpi_table_problem(uint64_t phys)
{
	const struct acpi_sdt_header *h;
	uint32_t len;

	if (!phys)
		return "null address";
	if (phys >= ACPI_PHYS_LIMIT - ACPI_TABLE_MAX_LEN)
		return "address out of range";
	h = phys_to_virt(phys);
	len = h->length;
	if (len < sizeof(*h))
		return "length shorter than its header";
	if (len > ACPI_TABLE_MAX_LEN)
		return "implausible length";
	if (acpi_checksum(h, len))
		return "bad checksum";
	return NULL;
}

/* The checked table at @phys (silently), or NULL. */
static const struct acpi_sdt_header *acpi_table_get(uint64_t phys)
{
	if (acpi_table_problem(phys))
		return NULL;
	return phys_to_virt(phys);
}

/* Copy id field @id (@n bytes) into @buf as Linux prints it: up to a NUL, '?' for unprintables. */
static void acpi_id_str(char *buf, const char *id, size_t n)
{
	size_t i;

	for (i = 0; i < n && id[i]; i++)
		buf[i] = (id[i] >= 0x20 && id[i] < 0x7f) ? id[i] : '?';
	buf[i] = '\0';
}

/* Log one checked table: "ACPI: FACP 0x00000000... 0000F4 (v03 BOCHS  BXPC ...)". */
static void acpi_log_table(uint64_t phys, const struct acpi_sdt_header *h)
{
	char sig[5], oem[7], tid[9], cid[5];

	acpi_id_str(sig, h->signature, 4);
	acpi_id_str(oem, h->oem_id, 6);
	acpi_id_str(tid, h->oem_table_id, 8);
	acpi_id_str(cid, h->creator_id, 4);
	pr_info("%-4s 0x%016llX %06X (v%02u %-6s %-8s %08X %-4s %08X)\n", sig,
		(unsigned long long)phys, h->length, h->revision, oem, tid, h->oem_revision, cid,
		h->creator_revision);
}

/* Log the table at @phys, or warn why it is skipped. Returns it when usable. */
static const struct acpi_sdt_header *acpi_log_phys(uint64_t phys, const char *what)
{
	const char *why = acpi_table_problem(phys);
	const struct acpi_sdt_header *h = phys_to_virt(phys);

	if (why) {
		pr_warn("%s at 0x%016llX: %s, skipped\n", what, (unsigned long long)phys, why);
		return NULL;
	}
	acpi_log_table(phys, h);
	return h;
}

/* Physical address of root entry @i (entries may be unaligned). */
static uint64_t acpi_root_entry(uint32_t i)
{
	const uint8_t *p = phys_to_virt(acpi_root.root_phys);
	uint64_t v = 0;

	memcpy(&v, p + sizeof(struct acpi_sdt_header) + (size_t)i * acpi_root.entry_size,
	       acpi_root.entry_size);
	return v;
}

/* Does the FADT of length @len have all of @field? */
#define FADT_HAS(len, field) \
	((len) >= offsetof(struct acpi_fadt, field) + sizeof(((struct acpi_fadt *)0)->field))

/* The FADT @h copied into a zeroed full-size struct, so short ones read as zeros. */
static void acpi_fadt_copy(struct acpi_fadt *f, const struct acpi_sdt_header *h)
{
	memset(f, 0, sizeof(*f));
	memcpy(f, h, MIN((size_t)h->length, sizeof(*f)));
}

static uint64_t acpi_fadt_dsdt(const struct acpi_fadt *f)
{
	return f->x_dsdt ? f->x_dsdt : f->dsdt;
}

static uint64_t acpi_fadt_facs(const struct acpi_fadt *f)
{
	return f->x_firmware_ctrl ? f->x_firmware_ctrl : f->firmware_ctrl;
}

/* Log the DSDT and FACS a FADT points at, as Linux does right after the FADT. */
static void acpi_log_fadt_children(const struct acpi_sdt_header *fadt)
{
	const struct acpi_facs_head *facs;
	struct acpi_fadt f;
	uint64_t facs_phys;

	if (fadt->length < offsetof(struct acpi_fadt, dsdt) + 4)
		return;
	acpi_fadt_copy(&f, fadt);
	if (acpi_fadt_dsdt(&f))
		acpi_log_phys(acpi_fadt_dsdt(&f), "DSDT");
	facs_phys = acpi_fadt_facs(&f);
	if (!facs_phys)
		return;
	facs = phys_to_virt(facs_phys);
	if (!acpi_sig_is(facs->signature, "FACS")) {
		pr_warn("FACS at 0x%016llX: bad signature\n", (unsigned long long)facs_phys);
		return;
	}
	pr_info("FACS 0x%016llX %06X\n", (unsigned long long)facs_phys, facs->length);
}

/* An RSDP whose first 20 bytes check. */
static bool acpi_rsdp_v1_ok(const struct acpi_rsdp *r)
{
	return memcmp(r->signature, ACPI_RSDP_SIG, 8) == 0 &&
	       acpi_checksum(r, ACPI_RSDP_V1_LEN) == 0;
}

const struct acpi_rsdp *acpi_rsdp_scan(const void *base, size_t len)
{
	const uint8_t *p = base;
	size_t off;

	for (off = 0; off + ACPI_RSDP_V1_LEN <= len; off += 16) {
		if (acpi_rsdp_v1_ok((const struct acpi_rsdp *)(p + off)))
			return (const struct acpi_rsdp *)(p + off);
	}
	return NULL;
}

/* The RSDP from the EBDA's first KiB or the BIOS area (ACPI 6.5 §5.2.5.1). */
static const struct acpi_rsdp *acpi_rsdp_search(void)
{
	const struct acpi_rsdp *r = NULL;
	uint16_t seg;
	uint64_t ebda;

	memcpy(&seg, phys_to_virt(0x40e), sizeof(seg));
	ebda = (uint64_t)seg << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = acpi_rsdp_scan(phys_to_virt(ebda), 1024);
	if (!r)
		r = acpi_rsdp_scan(phys_to_virt(0xe0000), 0x20000);
	return r;
}

/* Use the root table at @phys if it is valid and has signature @sig. */
static bool acpi_root_try(uint64_t phys, const char *sig, uint8_t entry_size)
{
	const struct acpi_sdt_header *h;

	if (!phys)
		return false;
	h = acpi_log_phys(phys, sig);
	if (!h)
		return false;
	if (!acpi_sig_is(h->signature, sig)) {
		pr_warn("root table at 0x%016llX is not an %s, skipped\n",
			(unsigned long long)phys, sig);
		return false;
	}
	acpi_root.root_phys = phys;
	acpi_root.entry_size = entry_size;
	acpi_root.nr_entries = (h->length - sizeof(*h)) / entry_size;
	if ((h->length - sizeof(*h)) % entry_size)
		pr_warn("%s has a partial entry at its end, ignored\n", sig);
	return true;
}

/* Log the RSDP, then set up acpi_root from its XSDT or RSDT. */
static int acpi_root_init(const struct acpi_rsdp *r)
{
	char oem[7];
	uint32_t len = ACPI_RSDP_V1_LEN;
	bool v2 = false;

	if (r->revision >= 2) {
		len = r->length;
		v2 = len >= ACPI_RSDP_V2_LEN && len <= ACPI_RSDP_MAX_LEN &&
		     acpi_checksum(r, len) == 0;
		if (!v2)
			pr_warn("RSDP v2 part is bad (length %u), using the RSDT\n", len);
	}
	acpi_id_str(oem, r->oem_id, 6);
	pr_info("RSDP 0x%016llX %06X (v%02u %-6s)\n", (unsigned long long)virt_to_phys(r),
		v2 ? len : ACPI_RSDP_V1_LEN, r->revision, oem);
	if (v2 && acpi_root_try(r->xsdt_address, "XSDT", 8))
		return 0;
	if (acpi_root_try(r->rsdt_address, "RSDT", 4))
		return 0;
	pr_err("no usable RSDT or XSDT\n");
	return -EINVAL;
}

int acpi_tables_init(uint64_t rsdp_phys)
{
	const struct acpi_sdt_header *h;
	const struct acpi_rsdp *r;
	uint32_t i;
	int err;

	memset(&acpi_root, 0, sizeof(acpi_root));
	if (rsdp_phys) {
		r = phys_to_virt(rsdp_phys);
		if (!acpi_rsdp_v1_ok(r)) {
			pr_err("RSDP at 0x%016llX is bad\n", (unsigned long long)rsdp_phys);
			return -EINVAL;
		}
	} else {
		r = acpi_rsdp_search();
		if (!r) {
			pr_info("no RSDP found\n");
			return -ENODEV;
		}
	}
	err = acpi_root_init(r);
	if (err)
		return err;
	for (i = 0; i < acpi_root.nr_entries; i++) {
		h = acpi_log_phys(acpi_root_entry(i), "table");
		if (h && acpi_sig_is(h->signature, "FACP"))
			acpi_log_fadt_children(h);
	}
	return 0;
}

/* The DSDT named by the first valid FADT, checked, or NULL. */
static const struct acpi_sdt_header *acpi_dsdt_get(void)
{
	const struct acpi_sdt_header *h = acpi_find_table("FACP", 0);
	const struct acpi_sdt_header *d;
	struct acpi_fadt f;

	if (!h || h->length < offsetof(struct acpi_fadt, dsdt) + 4)
		return NULL;
	acpi_fadt_copy(&f, h);
	d = acpi_table_get(acpi_fadt_dsdt(&f));
	if (!d || !acpi_sig_is(d->signature, "DSDT"))
		return NULL;
	return d;
}

const void *acpi_find_table(const char sig[4], int index)
{
	const struct acpi_sdt_header *h;
	uint32_t i;

	if (index < 0 || !acpi_root.root_phys)
		return NULL;
	if (acpi_sig_is(sig, "DSDT"))
		return index == 0 ? acpi_dsdt_get() : NULL;
	for (i = 0; i < acpi_root.nr_entries; i++) {
		h = acpi_table_get(acpi_root_entry(i));
		if (!h || !acpi_sig_is(h->signature, sig))
			continue;
		if (index-- == 0)
			return h;
	}
	return NULL;
}

/* An I/O port block: the 32-bit field, else the X_ field when it is in I/O space. */
static uint32_t acpi_fadt_port(uint32_t legacy, const struct acpi_gas *x)
{
	if (legacy)
		return legacy;
	if (x->space_id == ACPI_GAS_IO && x->address <= 0xffff)
		return (uint32_t)x->address;
	return 0;
}

int acpi_parse_fadt(struct acpi_fadt_info *out)
{
	const struct acpi_sdt_header *h = acpi_find_table("FACP", 0);
	struct acpi_fadt f;
	bool boot_arch_valid;

	memset(out, 0, sizeof(*out));
	if (!h)
		return -ENOENT;
	if (h->length < ACPI_FADT_MIN_LEN) {
		pr_warn("FADT is too short (%u bytes)\n", h->length);
		return -EINVAL;
	}
	acpi_fadt_copy(&f, h);	/* fields beyond the table's length read as 0 */
	out->revision = f.hdr.revision;
	out->flags = f.flags;
	out->sci_irq = f.sci_int;
	out->smi_cmd = f.smi_cmd;
	out->acpi_enable = f.acpi_enable;
	out->acpi_disable = f.acpi_disable;
	out->pm1a_evt = acpi_fadt_port(f.pm1a_evt_blk, &f.x_pm1a_evt_blk);
	out->pm1b_evt = acpi_fadt_port(f.pm1b_evt_blk, &f.x_pm1b_evt_blk);
	out->pm1a_cnt = acpi_fadt_port(f.pm1a_cnt_blk, &f.x_pm1a_cnt_blk);
	out->pm1b_cnt = acpi_fadt_port(f.pm1b_cnt_blk, &f.x_pm1b_cnt_blk);
	out->pm_tmr = acpi_fadt_port(f.pm_tmr_blk, &f.x_pm_tmr_blk);
	out->pm_tmr_32bit = f.flags & ACPI_FADT_TMR_VAL_EXT;
	out->century = f.century;
	/* IAPC_BOOT_ARCH was reserved in ACPI 1.0 (FADT revision 1). */
	boot_arch_valid = f.hdr.revision >= 2 && FADT_HAS(h->length, iapc_boot_arch);
	out->iapc_boot_arch = boot_arch_valid ? f.iapc_boot_arch : 0;
	out->has_8042 = !boot_arch_valid || (f.iapc_boot_arch & ACPI_FADT_BOOT_8042);
	out->vga_absent = boot_arch_valid && (f.iapc_boot_arch & ACPI_FADT_BOOT_NO_VGA);
	if (FADT_HAS(h->length, reset_value)) {
		out->reset_reg = f.reset_reg;
		out->reset_value = f.reset_value;
		out->reset_supported = (f.flags & ACPI_FADT_RESET_REG_SUP) && f.reset_reg.address;
	}
	out->dsdt_phys = acpi_fadt_dsdt(&f);
	out->facs_phys = acpi_fadt_facs(&f);
	return 0;
}

int acpi_parse_hpet(uint64_t *base, uint16_t *min_tick)
{
	const struct acpi_hpet *t = acpi_find_table("HPET", 0);

	if (!t)
		return -ENOENT;
	if (t->hdr.length < sizeof(*t)) {
		pr_warn("HPET table is too short (%u bytes)\n", t->hdr.length);
		return -EINVAL;
	}
	if (t->base.space_id != ACPI_GAS_MEMORY || !t->base.address) {
		pr_warn("HPET base is not a memory address\n");
		return -EINVAL;
	}
	*base = t->base.address;
	if (min_tick)
		*min_tick = t->min_tick;
	return 0;
}

/* Is MCFG entry @a usable? Warns when not (only when @warn). */
static bool acpi_mcfg_alloc_ok(const struct acpi_mcfg_alloc *a, bool warn)
{
	if (a->base && a->end_bus >= a->start_bus)
		return true;
	if (warn)
		pr_warn("MCFG entry for segment %u buses %02x-%02x at 0x%llx is bad, skipped\n",
			a->segment, a->start_bus, a->end_bus, (unsigned long long)a->base);
	return false;
}

int acpi_parse_mcfg(struct acpi_mcfg_info *out)
{
	const struct acpi_mcfg *t = acpi_find_table("MCFG", 0);
	const struct acpi_mcfg_alloc *a;
	size_t i, n, good = 0;

	memset(out, 0, sizeof(*out));
	if (!t)
		return -ENOENT;
	if (t->hdr.length < sizeof(*t)) {
		pr_warn("MCFG is too short (%u bytes)\n", t->hdr.length);
		return -EINVAL;
	}
	a = (const struct acpi_mcfg_alloc *)(t + 1);
	n = (t->hdr.length - sizeof(*t)) / sizeof(*a);
	for (i = 0; i < n; i++)
		good += acpi_mcfg_alloc_ok(&a[i], true);
	if (!good)
		return 0;
	out->segments = kzalloc(good * sizeof(*out->segments));
	if (!out->segments)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!acpi_mcfg_alloc_ok(&a[i], false))
			continue;
		out->segments[out->nr_segments++] = (struct acpi_mcfg_segment){
			.base = a[i].base,
			.segment = a[i].segment,
			.start_bus = a[i].start_bus,
			.end_bus = a[i].end_bus,
		};
	}
	return 0;
}

void acpi_mcfg_free(struct acpi_mcfg_info *info)
{
	kfree(info->segments);
	memset(info, 0, sizeof(*info));
}
