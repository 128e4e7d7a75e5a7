// host-test-sources: drivers/acpi/tables.c drivers/acpi/madt.c drivers/acpi/aml.c tests/host/shim_acpi.c
/*
 * Host tests of the ACPI table parser, on the tables QEMU 7.2 + SeaBIOS
 * built for "-M pc -smp 4" and "-M q35 -smp 4" (captured by
 * tools/capture-acpi.sh into tests/host/data/acpi/) and on synthetic,
 * malformed tables.
 *
 * "Physical memory" is host memory: on the host phys_to_virt() is the
 * identity. The RSDT and FADT hold 32-bit addresses, so every table lives
 * in memory mapped below 4 GiB (MAP_32BIT), placed so that it ends exactly
 * where an inaccessible guard page begins: any read past a table's end
 * faults and fails the run.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>
#include "htest.h"
#include <ferrite/acpi.h>
#include <ferrite/errno.h>

/* From shim_acpi.c */
extern char *shim_acpi_log;
extern int shim_acpi_warnings;
extern int shim_acpi_fail_allocs;
void shim_acpi_log_reset(void);

#define DATA_DIR	"tests/host/data/acpi"

/* ---- guarded "physical" memory below 4 GiB ---- */

struct pmem {
	void *map;
	size_t map_len;
	struct pmem *next;
};

static struct pmem *pmem_list;

/* @len zeroed bytes below 4 GiB, ending right before a PROT_NONE page. */
static void *pmem_alloc(size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t data_pages = (len + page - 1) / page;
	struct pmem *m;
	uint8_t *p;

	if (!data_pages)
		data_pages = 1;
	p = mmap(NULL, (data_pages + 1) * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		abort();
	}
	if (mprotect(p + data_pages * page, page, PROT_NONE))
		abort();
	m = malloc(sizeof(*m));
	*m = (struct pmem){ p, (data_pages + 1) * page, pmem_list };
	pmem_list = m;
	return p + data_pages * page - len;
}

static void pmem_free_all(void)
{
	while (pmem_list) {
		struct pmem *m = pmem_list;

		pmem_list = m->next;
		munmap(m->map, m->map_len);
		free(m);
	}
}

static uint64_t pa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void *pmem_copy(const void *src, size_t len)
{
	void *p = pmem_alloc(len);

	memcpy(p, src, len);
	return p;
}

static uint8_t sum8(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

/* Set the checksum of the table at @h over its @length. */
static void fix_checksum(void *t)
{
	struct acpi_sdt_header *h = t;

	h->checksum = 0;
	h->checksum = (uint8_t)-sum8(h, h->length);
}

/* Fill a header for a synthetic table of @len bytes. */
static void fill_header(void *t, const char *sig, uint32_t len, uint8_t rev)
{
	struct acpi_sdt_header *h = t;

	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "FERRIT", 6);
	memcpy(h->oem_table_id, "TESTTBL ", 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "HTST", 4);
	h->creator_revision = 1;
}

/* A synthetic table: header plus @body_len bytes of @body, checksummed. */
static void *make_table(const char *sig, uint8_t rev, const void *body, size_t body_len)
{
	uint8_t *t = pmem_alloc(sizeof(struct acpi_sdt_header) + body_len);

	fill_header(t, sig, sizeof(struct acpi_sdt_header) + body_len, rev);
	memcpy(t + sizeof(struct acpi_sdt_header), body, body_len);
	fix_checksum(t);
	return t;
}

/* ---- a machine: root tables over a set of tables ---- */

struct machine {
	void *tables[16];		/* root entries, in order */
	int nr_tables;
	void *dsdt, *facs;
	struct acpi_rsdp *rsdp;
	struct acpi_sdt_header *rsdt, *xsdt;
};

/* Read DATA_DIR/@m/@name.dat into guarded memory; NULL when the file is absent. */
static void *load_dat(const char *m, const char *name)
{
	char path[256];
	uint8_t buf[65536];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s.dat", DATA_DIR, m, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return pmem_copy(buf, n);
}

/* The RSDT (entry size 4) or XSDT (8) over @mc's tables, OEM fields copied from @like. */
static struct acpi_sdt_header *make_root(struct machine *mc, const char *sig, size_t esize,
					 const struct acpi_sdt_header *like)
{
	size_t len = sizeof(struct acpi_sdt_header) + esize * mc->nr_tables;
	struct acpi_sdt_header *h = pmem_alloc(len);

	if (like)
		*h = *like;
	else
		fill_header(h, sig, 0, 1);
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = 1;
	for (int i = 0; i < mc->nr_tables; i++) {
		uint64_t a = pa(mc->tables[i]);

		memcpy((uint8_t *)h + sizeof(*h) + i * esize, &a, esize);
	}
	fix_checksum(h);
	return h;
}

/* An RSDP: v1 (20 bytes) when @xsdt is NULL, else v2 (36 bytes). */
static struct acpi_rsdp *make_rsdp(const void *rsdt, const void *xsdt)
{
	size_t len = xsdt ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN;
	struct acpi_rsdp tmp = { 0 };
	struct acpi_rsdp *r;

	memcpy(tmp.signature, ACPI_RSDP_SIG, 8);
	memcpy(tmp.oem_id, "BOCHS ", 6);
	tmp.revision = xsdt ? 2 : 0;
	tmp.rsdt_address = (uint32_t)pa(rsdt);
	tmp.checksum = (uint8_t)-sum8(&tmp, ACPI_RSDP_V1_LEN);
	if (xsdt) {
		tmp.length = ACPI_RSDP_V2_LEN;
		tmp.xsdt_address = pa(xsdt);
		tmp.ext_checksum = (uint8_t)-sum8(&tmp, ACPI_RSDP_V2_LEN);
	}
	r = pmem_alloc(len);
	memcpy(r, &tmp, len);
	return r;
}

/*
 * Load the captured tables of machine @m in the order Linux listed them,
 * point its FADT at the loaded DSDT and FACS, and build an RSDT.
 */
static void load_machine(struct machine *mc, const char *m)
{
	char path[256], line[256], sig[5];
	struct acpi_fadt *fadt = NULL;
	FILE *f;

	memset(mc, 0, sizeof(*mc));
	snprintf(path, sizeof(path), "%s/%s/linux-log.txt", DATA_DIR, m);
	f = fopen(path, "r");
	if (!f)
		abort();
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "ACPI: %4s", sig) != 1 || !strcmp(sig, "RSDP") ||
		    !strcmp(sig, "RSDT") || !strcmp(sig, "XSDT") || !strcmp(sig, "DSDT") ||
		    !strcmp(sig, "FACS"))
			continue;
		mc->tables[mc->nr_tables] = load_dat(m, sig);
		if (!mc->tables[mc->nr_tables])
			abort();
		if (!strcmp(sig, "FACP"))
			fadt = mc->tables[mc->nr_tables];
		mc->nr_tables++;
	}
	fclose(f);
	mc->dsdt = load_dat(m, "DSDT");
	mc->facs = load_dat(m, "FACS");
	if (!fadt || !mc->dsdt || !mc->facs)
		abort();
	fadt->dsdt = (uint32_t)pa(mc->dsdt);
	fadt->firmware_ctrl = (uint32_t)pa(mc->facs);
	if (fadt->hdr.length >= offsetof(struct acpi_fadt, x_dsdt) + 8) {
		fadt->x_dsdt = fadt->x_dsdt ? pa(mc->dsdt) : 0;
		fadt->x_firmware_ctrl = fadt->x_firmware_ctrl ? pa(mc->facs) : 0;
	}
	fix_checksum(fadt);
	mc->rsdt = make_root(mc, "RSDT", 4, fadt ? &fadt->hdr : NULL);
}

/* Boot ACPI on machine @m through a v1 RSDP and an RSDT. */
static int boot_machine(struct machine *mc, const char *m)
{
	load_machine(mc, m);
	mc->rsdp = make_rsdp(mc->rsdt, NULL);
	shim_acpi_log_reset();
	return acpi_tables_init(pa(mc->rsdp));
}

/* Boot ACPI on a set of synthetic tables (no FADT needed) through an RSDT. */
static int boot_tables(struct machine *mc, void **tables, int n)
{
	memset(mc, 0, sizeof(*mc));
	for (int i = 0; i < n; i++)
		mc->tables[mc->nr_tables++] = tables[i];
	mc->rsdt = make_root(mc, "RSDT", 4, NULL);
	mc->rsdp = make_rsdp(mc->rsdt, NULL);
	shim_acpi_log_reset();
	return acpi_tables_init(pa(mc->rsdp));
}

static void done(void)
{
	acpi_tables_init(pa(make_rsdp(NULL, NULL)));	/* leave no state behind */
	pmem_free_all();
	shim_acpi_log_reset();
}

static bool log_has(const char *s)
{
	return shim_acpi_log && strstr(shim_acpi_log, s);
}

/* ---- the captured QEMU tables ---- */

/* Mask the "0x%016X" address of an "ACPI: SIG 0x..." line. */
static void mask_addr(char *line)
{
	if (strlen(line) > 29 && !strncmp(line + 11, "0x", 2))
		memset(line + 13, 'X', 16);
}

/* Our table list matches the one Linux printed on the same machine, addresses aside. */
static int compare_log_with_linux(const char *m)
{
	char path[256], want[256], *ours, *save = NULL, *got;
	int bad = 0, lines = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/linux-log.txt", DATA_DIR, m);
	f = fopen(path, "r");
	ours = strdup(shim_acpi_log ? shim_acpi_log : "");
	got = strtok_r(ours, "\n", &save);
	while (f && fgets(want, sizeof(want), f)) {
		want[strcspn(want, "\n")] = '\0';
		mask_addr(want);
		if (got)
			mask_addr(got);
		if (!got || strcmp(got, want)) {
			printf("# want: %s\n#  got: %s\n", want, got ? got : "(nothing)");
			bad = 1;
		}
		lines++;
		got = strtok_r(NULL, "\n", &save);
	}
	if (f)
		fclose(f);
	if (got) {
		printf("# extra line: %s\n", got);
		bad = 1;
	}
	free(ours);
	return bad || lines < 5 ? -1 : 0;
}

HTEST(pc_table_list_logged_like_linux)
{
	struct machine mc;

	EXPECT_EQ(boot_machine(&mc, "pc"), 0);
	EXPECT_EQ(shim_acpi_warnings, 0);
	EXPECT_EQ(compare_log_with_linux("pc"), 0);
	done();
}

HTEST(q35_table_list_logged_like_linux)
{
	struct machine mc;

	EXPECT_EQ(boot_machine(&mc, "q35"), 0);
	EXPECT_EQ(shim_acpi_warnings, 0);
	EXPECT_EQ(compare_log_with_linux("q35"), 0);
	done();
}

/* What both QEMU machines' MADTs say for -smp 4. */
static void check_qemu_madt(int *htest_failed)
{
	struct acpi_madt_info mi;
	uint16_t flags = 0xffff;

	EXPECT_EQ(acpi_parse_madt(&mi), 0);
	EXPECT_EQ(mi.lapic_address, 0xfee00000);
	EXPECT(mi.pcat_compat);
	EXPECT_EQ(mi.nr_cpus, 4);
	for (unsigned int i = 0; i < 4; i++) {
		EXPECT_EQ(mi.cpus[i].apic_id, i);
		EXPECT_EQ(mi.cpus[i].uid, i);
		EXPECT(mi.cpus[i].enabled);
		EXPECT(!mi.cpus[i].x2apic);
	}
	EXPECT_EQ(mi.nr_ioapics, 1);
	EXPECT_EQ(mi.ioapics[0].address, 0xfec00000);
	EXPECT_EQ(mi.ioapics[0].gsi_base, 0);
	EXPECT_EQ(mi.ioapics[0].id, 0);
	EXPECT_EQ(mi.nr_overrides, 5);
	EXPECT_EQ(acpi_irq_to_gsi(&mi, 0, &flags), 2);
	EXPECT_EQ(flags, 0);
	EXPECT_EQ(acpi_irq_to_gsi(&mi, 9, &flags), 9);	/* the SCI: level, active high */
	EXPECT_EQ(flags, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_HIGH);
	flags = 0xffff;
	EXPECT_EQ(acpi_irq_to_gsi(&mi, 4, &flags), 4);	/* COM1: no override */
	EXPECT_EQ(flags, 0);
	EXPECT_EQ(acpi_irq_to_gsi(&mi, 1, NULL), 1);
	EXPECT_EQ(mi.nr_nmis, 1);
	EXPECT_EQ(mi.nmis[0].uid, ACPI_MADT_NMI_ALL);
	EXPECT_EQ(mi.nmis[0].lint, 1);
	acpi_madt_free(&mi);
	EXPECT(mi.cpus == NULL && mi.nr_cpus == 0);
}

HTEST(pc_madt)
{
	struct machine mc;

	EXPECT_EQ(boot_machine(&mc, "pc"), 0);
	check_qemu_madt(htest_failed);
	if (*htest_failed)
		return;
	done();
}

HTEST(q35_madt)
{
	struct machine mc;

	EXPECT_EQ(boot_machine(&mc, "q35"), 0);
	check_qemu_madt(htest_failed);
	if (*htest_failed)
		return;
	done();
}

HTEST(pc_fadt_revision1)
{
	struct acpi_fadt_info fi;
	struct machine mc;

	EXPECT_EQ(boot_machine(&mc, "pc"), 0);
	EXPECT_EQ(acpi_parse_fadt(&fi), 0);
	EXPECT_EQ(fi.revision, 1);
	EXPECT_EQ(fi.sci_irq, 9);
	EXPECT_EQ(fi.smi_cmd, 0xb2);
	EXPECT_EQ(fi.acpi_enable, 0xf1);
	EXPECT_EQ(fi.acpi_disable, 0xf0);
	EXPECT_EQ(fi.pm1a_evt, 0x600);
	EXPECT_EQ(fi.pm1a_cnt, 0x604);
	EXPECT_EQ(fi.pm1b_cnt, 0);
	EXPECT_EQ(fi.pm_tmr, 0x608);
	EXPECT(!fi.pm_tmr_32bit);
	EXPECT(!fi.reset_supported);		/* a 116-byte FADT has no reset register */
	EXPECT_EQ(fi.reset_reg.address, 0);
	EXPECT_EQ(fi.century, 0x32);
	EXPECT_EQ(fi.iapc_boot_arch, 0);
	EXPECT(fi.has_8042);
	EXPECT(!fi.vga_absent);
	EXPECT_EQ(fi.dsdt_phys, pa(mc.dsdt));
	EXPECT_EQ(fi.facs_phys, pa(mc.facs));
	EXPECT(acpi_find_table("DSDT", 0) == mc.dsdt);
	EXPECT(acpi_find_table("DSDT", 1) == NULL);
	done();
}

HTEST(q35_fadt_reset_register)
{
	struct acpi_fadt_info fi;
	struct machine mc;

	EXPECT_EQ(boot_machine(&mc, "q35"), 0);
	EXPECT_EQ(acpi_parse_fadt(&fi), 0);
	EXPECT_EQ(fi.revision, 3);
	EXPECT_EQ(fi.sci_irq, 9);
	EXPECT_EQ(fi.smi_cmd, 0xb2);
	EXPECT_EQ(fi.acpi_enable, 0x02);
	EXPECT_EQ(fi.pm1a_cnt, 0x604);
	EXPECT_EQ(fi.pm_tmr, 0x608);
	EXPECT(fi.reset_supported);
	EXPECT_EQ(fi.reset_reg.space_id, ACPI_GAS_IO);
	EXPECT_EQ(fi.reset_reg.bit_width, 8);
	EXPECT_EQ(fi.reset_reg.address, 0xcf9);
	EXPECT_EQ(fi.reset_value, 0x0f);	/* what QEMU 7.2's ICH9 FADT says */
	EXPECT_EQ(fi.iapc_boot_arch, ACPI_FADT_BOOT_8042);
	EXPECT(fi.has_8042);
	EXPECT(!fi.vga_absent);
	EXPECT_EQ(fi.century, 0x32);
	EXPECT_EQ(fi.dsdt_phys, pa(mc.dsdt));	/* X_DSDT, patched to the loaded copy */
	EXPECT(acpi_find_table("DSDT", 0) == mc.dsdt);
	done();
}

HTEST(qemu_s5_from_dsdt)
{
	struct machine mc;
	uint8_t a, b;

	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(boot_machine(&mc, i ? "q35" : "pc"), 0);
		a = b = 0xaa;
		/* QEMU: Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }) */
		EXPECT_EQ(acpi_find_s5(&a, &b), 0);
		EXPECT_EQ(a, 0);
		EXPECT_EQ(b, 0);
		done();
	}
}

HTEST(qemu_hpet)
{
	struct machine mc;
	uint64_t base = 0;
	uint16_t tick = 0xffff;

	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(boot_machine(&mc, i ? "q35" : "pc"), 0);
		EXPECT_EQ(acpi_parse_hpet(&base, &tick), 0);
		EXPECT_EQ(base, 0xfed00000);
		EXPECT_EQ(tick, 0);
		EXPECT_EQ(acpi_parse_hpet(&base, NULL), 0);
		done();
	}
}

HTEST(q35_mcfg_pc_none)
{
	struct acpi_mcfg_info ci;
	struct machine mc;

	EXPECT_EQ(boot_machine(&mc, "q35"), 0);
	EXPECT_EQ(acpi_parse_mcfg(&ci), 0);
	EXPECT_EQ(ci.nr_segments, 1);
	EXPECT_EQ(ci.segments[0].base, 0xb0000000);
	EXPECT_EQ(ci.segments[0].segment, 0);
	EXPECT_EQ(ci.segments[0].start_bus, 0);
	EXPECT_EQ(ci.segments[0].end_bus, 0xff);
	acpi_mcfg_free(&ci);
	EXPECT(ci.segments == NULL);
	done();

	EXPECT_EQ(boot_machine(&mc, "pc"), 0);
	EXPECT_EQ(acpi_parse_mcfg(&ci), -ENOENT);
	EXPECT_EQ(ci.nr_segments, 0);
	EXPECT(acpi_find_table("MCFG", 0) == NULL);
	done();
}

/* ---- root tables ---- */

HTEST(xsdt_preferred_over_rsdt)
{
	struct acpi_mcfg_info ci;
	struct acpi_sdt_header *xsdt;
	struct machine mc;

	load_machine(&mc, "q35");
	xsdt = make_root(&mc, "XSDT", 8, NULL);
	mc.nr_tables--;			/* the RSDT leaves out the last table (WAET) */
	mc.rsdt = make_root(&mc, "RSDT", 4, NULL);
	mc.rsdp = make_rsdp(mc.rsdt, xsdt);
	shim_acpi_log_reset();
	EXPECT_EQ(acpi_tables_init(pa(mc.rsdp)), 0);
	EXPECT(acpi_find_table("WAET", 0) != NULL);
	EXPECT(log_has("RSDP 0x"));
	EXPECT(log_has(" 000024 (v02 BOCHS )"));
	EXPECT(log_has("XSDT 0x"));
	EXPECT_EQ(acpi_parse_mcfg(&ci), 0);
	acpi_mcfg_free(&ci);

	/* A bad extended checksum: fall back to the RSDT. */
	mc.rsdp->ext_checksum ^= 1;
	shim_acpi_log_reset();
	EXPECT_EQ(acpi_tables_init(pa(mc.rsdp)), 0);
	EXPECT(log_has("RSDP v2 part is bad"));
	EXPECT(acpi_find_table("WAET", 0) == NULL);
	EXPECT(acpi_find_table("APIC", 0) != NULL);

	/* A bad XSDT: fall back to the RSDT too. */
	mc.rsdp->ext_checksum ^= 1;
	xsdt->oem_revision++;
	shim_acpi_log_reset();
	EXPECT_EQ(acpi_tables_init(pa(mc.rsdp)), 0);
	EXPECT(log_has("XSDT at 0x"));
	EXPECT(acpi_find_table("WAET", 0) == NULL);
	EXPECT(acpi_find_table("FACP", 0) != NULL);
	done();
}

HTEST(bad_rsdp_and_root)
{
	struct machine mc;

	load_machine(&mc, "pc");
	mc.rsdp = make_rsdp(mc.rsdt, NULL);
	mc.rsdp->checksum ^= 0x10;
	shim_acpi_log_reset();
	EXPECT_EQ(acpi_tables_init(pa(mc.rsdp)), -EINVAL);
	EXPECT(acpi_find_table("FACP", 0) == NULL);

	mc.rsdp = make_rsdp(mc.rsdt, NULL);
	mc.rsdp->signature[0] = 'X';
	mc.rsdp->checksum -= 'X' - 'R';
	EXPECT_EQ(acpi_tables_init(pa(mc.rsdp)), -EINVAL);

	/* A good RSDP, a broken RSDT: nothing is found afterwards. */
	mc.rsdp = make_rsdp(mc.rsdt, NULL);
	mc.rsdt->checksum++;
	EXPECT_EQ(acpi_tables_init(pa(mc.rsdp)), -EINVAL);
	EXPECT(acpi_find_table("FACP", 0) == NULL);
	EXPECT(acpi_find_table("DSDT", 0) == NULL);
	fix_checksum(mc.rsdt);

	/* An "RSDT" that is really another table. */
	mc.rsdp = make_rsdp(mc.tables[0], NULL);
	EXPECT_EQ(acpi_tables_init(pa(mc.rsdp)), -EINVAL);
	EXPECT(acpi_find_table("APIC", 0) == NULL);
	done();
}

HTEST(rsdp_scan_on_16_byte_boundaries)
{
	uint8_t *area = pmem_alloc(4096);
	struct acpi_rsdp *r;

	/* a valid RSDP at an unaligned offset must not be found */
	r = make_rsdp(area, NULL);
	memcpy(area + 0x28, r, ACPI_RSDP_V1_LEN);
	/* a signature with a bad checksum at 0x40 */
	memcpy(area + 0x40, r, ACPI_RSDP_V1_LEN);
	area[0x40 + 9] ^= 1;
	EXPECT(acpi_rsdp_scan(area, 4096) == NULL);
	memcpy(area + 0x100, r, ACPI_RSDP_V1_LEN);
	EXPECT((const uint8_t *)acpi_rsdp_scan(area, 4096) == area + 0x100);
	/* one that would end past the area is not looked at */
	memmove(area + 4096 - 16, area + 0x100, 16);
	memset(area + 0x100, 0, ACPI_RSDP_V1_LEN);
	EXPECT(acpi_rsdp_scan(area, 4096) == NULL);
	done();
}

HTEST(bad_tables_skipped)
{
	uint8_t body[64] = { 0 };
	struct machine mc;
	uint8_t *bad_sum, *tiny, *huge_claim;
	void *tables[4];

	bad_sum = make_table("APIC", 1, body, 8);
	bad_sum[40] ^= 1;
	/* 8 bytes before the guard page whose length says 10: shorter than a header */
	tiny = pmem_alloc(8);
	memcpy(tiny, "HPET", 4);
	tiny[4] = 10;
	/* a length far larger than any table */
	huge_claim = pmem_alloc(8);
	memcpy(huge_claim, "SSDT\xff\xff\xff\x7f", 8);
	tables[0] = bad_sum;
	tables[1] = tiny;
	tables[2] = huge_claim;
	tables[3] = make_table("APIC", 1, body, 8);
	EXPECT_EQ(boot_tables(&mc, tables, 4), 0);
	EXPECT(log_has("APIC 0x"));		/* the good one is listed */
	EXPECT(log_has("bad checksum, skipped"));
	EXPECT(log_has("length shorter than its header"));
	EXPECT(log_has("implausible length"));
	EXPECT_EQ(shim_acpi_warnings, 3);
	EXPECT(acpi_find_table("APIC", 0) == tables[3]);
	EXPECT(acpi_find_table("APIC", 1) == NULL);
	EXPECT(acpi_find_table("APIC", -1) == NULL);
	EXPECT(acpi_find_table("HPET", 0) == NULL);
	EXPECT(acpi_find_table("SSDT", 0) == NULL);
	EXPECT(acpi_find_table("DSDT", 0) == NULL);	/* no FADT */

	/* A wild 64-bit address in an XSDT is refused without being read. */
	{
		uint64_t wild = 0xfffffffffffff000ull;
		struct acpi_sdt_header *x = pmem_alloc(36 + 8);

		fill_header(x, "XSDT", 44, 1);
		memcpy(x + 1, &wild, 8);
		fix_checksum(x);
		shim_acpi_log_reset();
		EXPECT_EQ(acpi_tables_init(pa(make_rsdp(tables[3], x))), 0);
		EXPECT(log_has("address out of range"));
		EXPECT(acpi_find_table("APIC", 0) == NULL);
	}
	done();
}

HTEST(missing_tables)
{
	struct acpi_madt_info mi;
	struct acpi_fadt_info fi;
	struct acpi_mcfg_info ci;
	struct machine mc;
	uint64_t base;
	uint8_t a, b;

	EXPECT_EQ(boot_tables(&mc, NULL, 0), 0);
	EXPECT_EQ(acpi_parse_madt(&mi), -ENOENT);
	EXPECT_EQ(acpi_parse_fadt(&fi), -ENOENT);
	EXPECT_EQ(acpi_parse_hpet(&base, NULL), -ENOENT);
	EXPECT_EQ(acpi_parse_mcfg(&ci), -ENOENT);
	EXPECT_EQ(acpi_find_s5(&a, &b), -ENOENT);
	acpi_madt_free(&mi);
	done();
}

/* ---- MADT ---- */

/* Append an entry of @len bytes (its first two are set to @type, @len) to @buf at *@off. */
static uint8_t *add_entry(uint8_t *buf, size_t *off, uint8_t type, uint8_t len)
{
	uint8_t *e = buf + *off;

	e[0] = type;
	e[1] = len;
	*off += len;
	return e;
}

/* A MADT of revision @rev with body @body (after the 8-byte fixed part) of @len bytes. */
static void *make_madt(uint8_t rev, const uint8_t *entries, size_t len)
{
	uint8_t body[512];

	memset(body, 0, 8);
	body[0] = 0x00;
	body[1] = 0x00;
	body[2] = 0xe0;
	body[3] = 0xfe;		/* local APIC at 0xfee00000 */
	body[4] = 0;		/* no 8259s */
	memcpy(body + 8, entries, len);
	return make_table("APIC", rev, body, 8 + len);
}

static void lapic_entry(uint8_t *buf, size_t *off, uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t *e = add_entry(buf, off, ACPI_MADT_TYPE_LAPIC, 8);

	e[2] = uid;
	e[3] = id;
	memcpy(e + 4, &flags, 4);
}

HTEST(madt_zero_length_entry_stops_walk)
{
	uint8_t ents[64] = { 0 };
	struct acpi_madt_info mi;
	struct machine mc;
	size_t off = 0;
	void *t;

	lapic_entry(ents, &off, 0, 0, 1);
	add_entry(ents, &off, ACPI_MADT_TYPE_IOAPIC, 0);
	off += 12;
	lapic_entry(ents, &off, 1, 1, 1);
	t = make_madt(1, ents, off);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_madt(&mi), 0);
	EXPECT_EQ(mi.nr_cpus, 1);
	EXPECT_EQ(mi.nr_ioapics, 0);
	EXPECT_EQ(mi.pcat_compat, false);
	EXPECT(log_has("bad length 0"));
	acpi_madt_free(&mi);

	/* length 1 is as bad as 0 */
	ents[9] = 1;
	t = make_madt(1, ents, off);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_madt(&mi), 0);
	EXPECT_EQ(mi.nr_cpus, 1);
	acpi_madt_free(&mi);
	done();
}

HTEST(madt_entry_past_end)
{
	uint8_t ents[64] = { 0 };
	struct acpi_madt_info mi;
	struct machine mc;
	size_t off = 0;
	uint8_t *e;
	void *t;

	lapic_entry(ents, &off, 0, 0, 1);
	e = add_entry(ents, &off, ACPI_MADT_TYPE_LAPIC, 8);
	e[1] = 40;		/* claims 40 bytes, 8 remain */
	e[3] = 7;
	e[4] = 1;
	t = make_madt(1, ents, off);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_madt(&mi), 0);
	EXPECT_EQ(mi.nr_cpus, 1);
	EXPECT_EQ(mi.cpus[0].apic_id, 0);
	EXPECT(log_has("ignoring the rest"));
	acpi_madt_free(&mi);

	/* one stray byte at the end (no room for an entry header) */
	t = make_madt(1, ents, 9);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_madt(&mi), 0);
	EXPECT_EQ(mi.nr_cpus, 1);
	EXPECT(log_has("stray bytes"));
	acpi_madt_free(&mi);
	done();
}

HTEST(madt_short_entry_skipped)
{
	uint8_t ents[64] = { 0 };
	struct acpi_madt_info mi;
	struct machine mc;
	size_t off = 0;
	uint8_t *e;
	void *t;

	e = add_entry(ents, &off, ACPI_MADT_TYPE_IOAPIC, 8);	/* needs 12 */
	e[2] = 5;
	lapic_entry(ents, &off, 3, 9, 1);
	add_entry(ents, &off, 0x7f, 3);				/* unknown type */
	lapic_entry(ents, &off, 4, 10, 1);
	t = make_madt(1, ents, off);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_madt(&mi), 0);
	EXPECT_EQ(mi.nr_ioapics, 0);
	EXPECT_EQ(mi.nr_cpus, 2);
	EXPECT_EQ(mi.cpus[0].apic_id, 9);
	EXPECT_EQ(mi.cpus[0].uid, 3);
	EXPECT_EQ(mi.cpus[1].apic_id, 10);
	EXPECT(log_has("too short"));
	EXPECT_EQ(shim_acpi_warnings, 1);	/* counted once, not per pass */
	acpi_madt_free(&mi);
	done();
}

HTEST(madt_x2apic_override_and_cpu_flags)
{
	uint8_t ents[128] = { 0 };
	struct acpi_madt_info mi;
	struct machine mc;
	size_t off = 0;
	uint32_t v;
	uint64_t a = 0xfee10000ull;
	uint8_t *e;
	void *t;

	lapic_entry(ents, &off, 0, 0, ACPI_MADT_ENABLED);
	lapic_entry(ents, &off, 1, 1, 0);			 /* disabled */
	lapic_entry(ents, &off, 2, 2, ACPI_MADT_ONLINE_CAPABLE); /* hot-pluggable */
	lapic_entry(ents, &off, 3, 0xff, ACPI_MADT_ENABLED);	 /* invalid id */
	e = add_entry(ents, &off, ACPI_MADT_TYPE_X2APIC, 16);
	v = 300;
	memcpy(e + 4, &v, 4);
	v = ACPI_MADT_ENABLED;
	memcpy(e + 8, &v, 4);
	v = 77;
	memcpy(e + 12, &v, 4);
	e = add_entry(ents, &off, ACPI_MADT_TYPE_LAPIC_OVERRIDE, 12);
	memcpy(e + 4, &a, 8);
	e = add_entry(ents, &off, ACPI_MADT_TYPE_X2APIC_NMI, 12);
	e[2] = ACPI_MPS_POLARITY_LOW | ACPI_MPS_TRIGGER_LEVEL;
	v = 77;
	memcpy(e + 4, &v, 4);
	e[8] = 0;
	e = add_entry(ents, &off, ACPI_MADT_TYPE_LAPIC_NMI, 6);
	e[2] = 1;
	e[5] = 1;

	/* Before ACPI 6.3 (revision < 5) "disabled" means hot-pluggable. */
	t = make_madt(3, ents, off);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_madt(&mi), 0);
	EXPECT_EQ(mi.lapic_address, 0xfee10000ull);
	EXPECT_EQ(mi.nr_cpus, 4);
	EXPECT(mi.cpus[0].enabled && !mi.cpus[0].online_capable);
	EXPECT(!mi.cpus[1].enabled && mi.cpus[1].online_capable);
	EXPECT(!mi.cpus[2].enabled && mi.cpus[2].online_capable);
	EXPECT_EQ(mi.cpus[3].apic_id, 300);
	EXPECT_EQ(mi.cpus[3].uid, 77);
	EXPECT(mi.cpus[3].x2apic && mi.cpus[3].enabled);
	EXPECT_EQ(mi.nr_nmis, 2);
	EXPECT_EQ(mi.nmis[0].uid, 77);
	EXPECT_EQ(mi.nmis[0].lint, 0);
	EXPECT_EQ(mi.nmis[0].flags, ACPI_MPS_POLARITY_LOW | ACPI_MPS_TRIGGER_LEVEL);
	EXPECT_EQ(mi.nmis[1].uid, 1);
	EXPECT_EQ(mi.nmis[1].lint, 1);
	acpi_madt_free(&mi);

	/* ACPI 6.3+: a disabled processor without online-capable is unusable. */
	t = make_madt(5, ents, off);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_madt(&mi), 0);
	EXPECT_EQ(mi.nr_cpus, 3);
	EXPECT_EQ(mi.cpus[1].apic_id, 2);
	EXPECT(mi.cpus[1].online_capable);
	acpi_madt_free(&mi);
	done();
}

HTEST(madt_too_short_and_no_memory)
{
	uint8_t ents[16] = { 0 };
	struct acpi_madt_info mi;
	struct machine mc;
	size_t off = 0;
	void *t;

	t = make_table("APIC", 1, ents, 6);	/* 42 bytes: no room for the flags */
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_madt(&mi), -EINVAL);
	EXPECT_EQ(mi.nr_cpus, 0);

	lapic_entry(ents, &off, 0, 0, 1);
	t = make_madt(1, ents, off);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	shim_acpi_fail_allocs = 1;
	EXPECT_EQ(acpi_parse_madt(&mi), -ENOMEM);
	EXPECT(mi.cpus == NULL && mi.nr_cpus == 0);
	EXPECT_EQ(shim_acpi_fail_allocs, 0);
	EXPECT_EQ(acpi_parse_madt(&mi), 0);
	EXPECT_EQ(mi.nr_cpus, 1);
	EXPECT(mi.ioapics == NULL);	/* empty lists allocate nothing */
	acpi_madt_free(&mi);
	done();
}

/* ---- FADT ---- */

HTEST(fadt_truncated)
{
	struct acpi_fadt_info fi;
	struct machine mc;
	struct acpi_fadt *full, f;
	void *t;

	full = load_dat("q35", "FACP");
	EXPECT(full != NULL);
	/* keep the cut copies from pointing at QEMU's addresses, not ours */
	f = *full;
	f.dsdt = f.firmware_ctrl = 0;
	f.x_dsdt = f.x_firmware_ctrl = 0;

	/* Too short for the PM timer block: refused. */
	t = make_table("FACP", 3, (uint8_t *)&f + 36, 60 - 36);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_fadt(&fi), -EINVAL);
	EXPECT(log_has("FADT is too short"));

	/* Cut after the PM timer block: decoded, the rest reads as absent. */
	t = make_table("FACP", 3, (uint8_t *)&f + 36, 80 - 36);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_fadt(&fi), 0);
	EXPECT_EQ(fi.sci_irq, 9);
	EXPECT_EQ(fi.pm1a_cnt, 0x604);
	EXPECT_EQ(fi.pm_tmr, 0x608);
	EXPECT_EQ(fi.century, 0);
	EXPECT_EQ(fi.flags, 0);
	EXPECT(!fi.reset_supported);
	EXPECT(fi.has_8042);
	EXPECT_EQ(fi.dsdt_phys, 0);
	EXPECT(acpi_find_table("DSDT", 0) == NULL);

	/* A revision 3 FADT cut inside the reset register. */
	t = make_table("FACP", 3, (uint8_t *)&f + 36, 124 - 36);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_fadt(&fi), 0);
	EXPECT(fi.flags & ACPI_FADT_RESET_REG_SUP);
	EXPECT(!fi.reset_supported);
	EXPECT_EQ(fi.reset_reg.address, 0);
	EXPECT_EQ(fi.iapc_boot_arch, ACPI_FADT_BOOT_8042);
	EXPECT_EQ(fi.century, 0x32);

	/* ... and cut right after the reset register, before its value. */
	t = make_table("FACP", 3, (uint8_t *)&f + 36, 128 - 36);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_fadt(&fi), 0);
	EXPECT(!fi.reset_supported);
	t = make_table("FACP", 3, (uint8_t *)&f + 36, 129 - 36);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_fadt(&fi), 0);
	EXPECT(fi.reset_supported);
	EXPECT_EQ(fi.reset_value, 0x0f);
	done();
}

HTEST(fadt_x_fields_and_boot_flags)
{
	struct acpi_fadt f;
	struct acpi_fadt_info fi;
	struct machine mc;
	void *t, *dsdt;
	uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x06 };

	dsdt = make_table("DSDT", 2, aml, sizeof(aml));
	memset(&f, 0, sizeof(f));
	f.dsdt = 0x1234;			/* X_DSDT wins over this */
	f.x_dsdt = pa(dsdt);
	f.flags = ACPI_FADT_TMR_VAL_EXT | ACPI_FADT_RESET_REG_SUP;
	f.x_pm1a_cnt_blk = (struct acpi_gas){ ACPI_GAS_IO, 16, 0, 2, 0x1804 };
	f.x_pm_tmr_blk = (struct acpi_gas){ ACPI_GAS_IO, 32, 0, 3, 0x1808 };
	f.x_pm1b_cnt_blk = (struct acpi_gas){ ACPI_GAS_MEMORY, 16, 0, 2, 0xfee0000 };
	f.iapc_boot_arch = ACPI_FADT_BOOT_NO_VGA;
	f.reset_reg = (struct acpi_gas){ ACPI_GAS_IO, 8, 0, 1, 0xcf9 };
	f.reset_value = 6;
	t = make_table("FACP", 4, (uint8_t *)&f + 36, sizeof(f) - 36);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_fadt(&fi), 0);
	EXPECT_EQ(fi.pm1a_cnt, 0x1804);
	EXPECT_EQ(fi.pm1b_cnt, 0);		/* memory space: not a port */
	EXPECT_EQ(fi.pm_tmr, 0x1808);
	EXPECT(fi.pm_tmr_32bit);
	EXPECT(!fi.has_8042);
	EXPECT(fi.vga_absent);
	EXPECT(fi.reset_supported);
	EXPECT_EQ(fi.reset_value, 6);
	EXPECT_EQ(fi.dsdt_phys, pa(dsdt));
	EXPECT(acpi_find_table("DSDT", 0) == dsdt);
	done();
}

/* ---- \_S5_ ---- */

static int s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = pmem_copy(aml, len);	/* ends at a guard page */

	*a = *b = 0xaa;
	return acpi_aml_find_s5(copy, len, a, b);
}

HTEST(s5_encodings)
{
	uint8_t a, b;
	static const uint8_t byte_prefix[] = {
		0x10, 0x08, 0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
		0x0a, 0x07, 0x0a, 0x05, 0x00, 0x00 };
	static const uint8_t ops[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00 };
	static const uint8_t words[] = {
		0x08, '^', '_', 'S', '5', '_', 0x12, 0x0a, 0x02, 0x0b, 0x03, 0x00,
		0x0c, 0x04, 0x00, 0x00, 0x00 };
	static const uint8_t bare[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x05, 0x07 };
	/* "_S5_" that is not a NameOp's name comes first, then the real one */
	static const uint8_t decoy[] = {
		0x14, 0x08, '_', 'S', '5', '_', 0x00, 0x70, '_', 'S', '5', '_',
		0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x03, 0x0a, 0x04 };

	EXPECT_EQ(s5(byte_prefix, sizeof(byte_prefix), &a, &b), 0);
	EXPECT_EQ(a, 7);
	EXPECT_EQ(b, 5);
	EXPECT_EQ(s5(ops, sizeof(ops), &a, &b), 0);
	EXPECT_EQ(a, 1);
	EXPECT_EQ(b, 0);
	EXPECT_EQ(s5(words, sizeof(words), &a, &b), 0);
	EXPECT_EQ(a, 3);
	EXPECT_EQ(b, 4);
	EXPECT_EQ(s5(bare, sizeof(bare), &a, &b), 0);
	EXPECT_EQ(a, 5);
	EXPECT_EQ(b, 7);
	EXPECT_EQ(s5(decoy, sizeof(decoy), &a, &b), 0);
	EXPECT_EQ(a, 3);
	EXPECT_EQ(b, 4);
	done();
}

HTEST(s5_multibyte_pkglength)
{
	uint8_t aml[8192], a, b;
	size_t n, i, pkg;

	/* two-byte PkgLength: 77 = 0x4d -> lead 0x40 | 0xd, then 0x04 */
	n = 0;
	aml[n++] = 0x08;
	memcpy(aml + n, "_S5_", 4);
	n += 4;
	aml[n++] = 0x12;
	pkg = 2 + 1 + 4 + 70;
	aml[n++] = 0x40 | (pkg & 0xf);
	aml[n++] = pkg >> 4;
	aml[n++] = 72;
	aml[n++] = 0x0a;
	aml[n++] = 5;
	aml[n++] = 0x0a;
	aml[n++] = 7;
	for (i = 0; i < 70; i++)
		aml[n++] = 0x00;
	EXPECT_EQ(s5(aml, n, &a, &b), 0);
	EXPECT_EQ(a, 5);
	EXPECT_EQ(b, 7);
	/* the same package one byte short of its PkgLength: refused */
	EXPECT_EQ(s5(aml, n - 1, &a, &b), -ENOENT);
	EXPECT_EQ(a, 0xaa);

	/* three-byte PkgLength over 4096 bytes of elements */
	n = 0;
	aml[n++] = 0x08;
	memcpy(aml + n, "_S5_", 4);
	n += 4;
	aml[n++] = 0x12;
	pkg = 3 + 1 + 2 + 5000;
	aml[n++] = 0x80 | (pkg & 0xf);
	aml[n++] = (pkg >> 4) & 0xff;
	aml[n++] = pkg >> 12;
	aml[n++] = 0xff;
	aml[n++] = 0x01;
	aml[n++] = 0x01;
	memset(aml + n, 0x01, 5000);
	n += 5000;
	EXPECT_EQ(s5(aml, n, &a, &b), 0);
	EXPECT_EQ(a, 1);
	EXPECT_EQ(b, 1);

	/* four-byte PkgLength claiming ~256 MiB: refused, nothing read past the end */
	aml[6] = 0xc0;
	aml[7] = 0xff;
	aml[8] = 0xff;
	aml[9] = 0xff;
	EXPECT_EQ(s5(aml, 64, &a, &b), -ENOENT);
	done();
}

HTEST(s5_malformed)
{
	uint8_t a, b;
	/* package cut after BytePrefix */
	static const uint8_t cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x05, 0x0a };
	/* PkgLength too small to hold its elements */
	static const uint8_t small[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x0a, 0x05, 0x0a, 0x06 };
	/* one element only */
	static const uint8_t one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x05 };
	/* not a package */
	static const uint8_t notpkg[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 };
	/* element is a string */
	static const uint8_t str[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x02, 0x0d, 'a', 0x00, 0x00, 0x00 };
	/* names at the very start and end of the buffer */
	static const uint8_t edge1[] = { '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x00 };
	static const uint8_t edge2[] = { 0x00, 0x08, '_', 'S', '5', '_' };
	static const uint8_t edge3[] = { 0x08, '_', 'S', '5', '_', 0x12 };

	EXPECT_EQ(s5(cut, sizeof(cut), &a, &b), -ENOENT);
	EXPECT_EQ(s5(small, sizeof(small), &a, &b), -ENOENT);
	EXPECT_EQ(s5(one, sizeof(one), &a, &b), -ENOENT);
	EXPECT_EQ(s5(notpkg, sizeof(notpkg), &a, &b), -ENOENT);
	EXPECT_EQ(s5(str, sizeof(str), &a, &b), -ENOENT);
	EXPECT_EQ(s5(edge1, sizeof(edge1), &a, &b), -ENOENT);
	EXPECT_EQ(s5(edge2, sizeof(edge2), &a, &b), -ENOENT);
	EXPECT_EQ(s5(edge3, sizeof(edge3), &a, &b), -ENOENT);
	EXPECT_EQ(s5(cut, 0, &a, &b), -ENOENT);
	done();
}

HTEST(s5_missing_then_in_ssdt)
{
	struct acpi_fadt f;
	struct machine mc;
	uint8_t a, b;
	void *tables[3], *dsdt;
	static const uint8_t no_s5[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00, 0x00 };
	static const uint8_t s5aml[] = {
		0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x02, 0x0a, 0x03 };

	dsdt = make_table("DSDT", 1, no_s5, sizeof(no_s5));
	memset(&f, 0, sizeof(f));
	f.dsdt = (uint32_t)pa(dsdt);
	tables[0] = make_table("FACP", 1, (uint8_t *)&f + 36, ACPI_FADT_V1_LEN - 36);
	tables[1] = make_table("SSDT", 1, no_s5, sizeof(no_s5));
	EXPECT_EQ(boot_tables(&mc, tables, 2), 0);
	EXPECT(acpi_find_table("DSDT", 0) == dsdt);
	EXPECT_EQ(acpi_find_s5(&a, &b), -ENOENT);

	tables[2] = make_table("SSDT", 1, s5aml, sizeof(s5aml));
	EXPECT_EQ(boot_tables(&mc, tables, 3), 0);
	EXPECT(acpi_find_table("SSDT", 1) == tables[2]);
	EXPECT(acpi_find_table("SSDT", 2) == NULL);
	EXPECT_EQ(acpi_find_s5(&a, &b), 0);
	EXPECT_EQ(a, 2);
	EXPECT_EQ(b, 3);

	/* A DSDT with a bad checksum is not searched (nor dereferenced past its header). */
	((uint8_t *)dsdt)[36] = 0x42;
	tables[0] = make_table("FACP", 1, (uint8_t *)&f + 36, ACPI_FADT_V1_LEN - 36);
	EXPECT_EQ(boot_tables(&mc, tables, 2), 0);
	EXPECT(log_has("DSDT at 0x"));
	EXPECT(acpi_find_table("DSDT", 0) == NULL);
	done();
}

/* ---- HPET, MCFG ---- */

HTEST(hpet_malformed)
{
	struct acpi_hpet *h = load_dat("pc", "HPET");
	struct machine mc;
	uint64_t base = 0;
	void *t;

	EXPECT(h != NULL);
	t = make_table("HPET", 1, (uint8_t *)h + 36, 50 - 36);	/* cut inside the base GAS */
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_hpet(&base, NULL), -EINVAL);

	h->base.space_id = ACPI_GAS_IO;
	t = make_table("HPET", 1, (uint8_t *)h + 36, sizeof(*h) - 36);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_hpet(&base, NULL), -EINVAL);
	EXPECT_EQ(base, 0);
	done();
}

HTEST(mcfg_malformed)
{
	struct acpi_mcfg_info ci;
	struct acpi_mcfg_alloc al[3] = {
		{ .base = 0xe0000000, .segment = 0, .start_bus = 0, .end_bus = 0x3f },
		{ .base = 0xf0000000, .segment = 1, .start_bus = 0x10, .end_bus = 0x0f },
		{ .base = 0xd0000000, .segment = 2, .start_bus = 0, .end_bus = 0 },
	};
	uint8_t body[8 + sizeof(al) + 5] = { 0 };
	struct machine mc;
	void *t;

	memcpy(body + 8, al, sizeof(al));
	/* three entries and 5 stray bytes */
	t = make_table("MCFG", 1, body, sizeof(body));
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_mcfg(&ci), 0);
	EXPECT_EQ(ci.nr_segments, 2);
	EXPECT_EQ(ci.segments[0].base, 0xe0000000);
	EXPECT_EQ(ci.segments[0].end_bus, 0x3f);
	EXPECT_EQ(ci.segments[1].segment, 2);
	EXPECT(log_has("MCFG entry for segment 1"));
	acpi_mcfg_free(&ci);

	/* no room for the reserved bytes */
	t = make_table("MCFG", 1, body, 4);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_mcfg(&ci), -EINVAL);

	/* no entries at all */
	t = make_table("MCFG", 1, body, 8);
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	EXPECT_EQ(acpi_parse_mcfg(&ci), 0);
	EXPECT_EQ(ci.nr_segments, 0);

	/* out of memory */
	t = make_table("MCFG", 1, body, sizeof(body));
	EXPECT_EQ(boot_tables(&mc, &t, 1), 0);
	shim_acpi_fail_allocs = 1;
	EXPECT_EQ(acpi_parse_mcfg(&ci), -ENOMEM);
	EXPECT(ci.segments == NULL);
	done();
}

HTEST_MAIN()
