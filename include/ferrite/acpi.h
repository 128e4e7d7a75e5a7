/*
 * ACPI static tables (ACPI 6.5 §5.2): the RSDP, RSDT/XSDT, and the tables the
 * kernel needs to bring up interrupts, timers, SMP, PCI Express and power
 * off: MADT ("APIC"), FADT ("FACP"), HPET, MCFG, and the \_S5_ object in the
 * DSDT/SSDT AML. There is no AML interpreter: \_S5_ is found by pattern.
 *
 * The parser is pure and defensive: tables are reached with phys_to_virt(),
 * every table's checksum and length are checked before use, a bad table is
 * skipped with a warning, and no function reads past a table's length or
 * loops on a malformed entry.
 *
 * Memory: acpi_tables_init() remembers only the physical address of the
 * root table (RSDT or XSDT); every lookup walks it again. acpi_parse_madt()
 * and acpi_parse_mcfg() return arrays allocated with kmalloc (sized by a
 * first counting pass); the caller frees them with acpi_madt_free() /
 * acpi_mcfg_free(). Nothing is kept in fixed global tables.
 *
 * Locking: acpi_tables_init() runs once on the boot CPU before other CPUs
 * start; afterwards the module state is [I] and every function here may be
 * called from any CPU without locks (the firmware tables are read-only).
 * The info structs below belong to whoever filled them.
 */
#ifndef FERRITE_ACPI_H
#define FERRITE_ACPI_H

#include <ferrite/compiler.h>

/* ---- On-firmware layouts (all little-endian, packed) ---- */

#define ACPI_RSDP_SIG		"RSD PTR "
#define ACPI_RSDP_V1_LEN	20
#define ACPI_RSDP_V2_LEN	36

/* Root System Description Pointer (ACPI 6.5 §5.2.5.3). */
struct acpi_rsdp {
	char signature[8];		/* "RSD PTR " */
	uint8_t checksum;		/* the first 20 bytes sum to 0 */
	char oem_id[6];
	uint8_t revision;		/* 0: ACPI 1.0 (20 bytes), 2: ACPI 2.0+ */
	uint32_t rsdt_address;
	/* revision >= 2 only */
	uint32_t length;		/* of the whole RSDP: 36 */
	uint64_t xsdt_address;
	uint8_t ext_checksum;		/* all @length bytes sum to 0 */
	uint8_t reserved[3];
} __packed;

/* Header of every System Description Table (ACPI 6.5 §5.2.6). */
struct acpi_sdt_header {
	char signature[4];
	uint32_t length;		/* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum;		/* all @length bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __packed;

/* Generic Address Structure (ACPI 6.5 §5.2.3.2). */
struct acpi_gas {
	uint8_t space_id;		/* ACPI_GAS_* */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __packed;

#define ACPI_GAS_MEMORY		0
#define ACPI_GAS_IO		1
#define ACPI_GAS_PCI_CONFIG	2

/* Multiple APIC Description Table, signature "APIC" (ACPI 6.5 §5.2.12). */
struct acpi_madt {
	struct acpi_sdt_header hdr;
	uint32_t lapic_address;
	uint32_t flags;			/* ACPI_MADT_PCAT_COMPAT */
	/* followed by variable-length entries */
} __packed;

#define ACPI_MADT_PCAT_COMPAT	(1u << 0)	/* dual 8259s present */

struct acpi_madt_entry {
	uint8_t type;			/* ACPI_MADT_TYPE_* */
	uint8_t length;			/* of the entry, these two bytes included */
} __packed;

#define ACPI_MADT_TYPE_LAPIC		0
#define ACPI_MADT_TYPE_IOAPIC		1
#define ACPI_MADT_TYPE_ISO		2
#define ACPI_MADT_TYPE_LAPIC_NMI	4
#define ACPI_MADT_TYPE_LAPIC_OVERRIDE	5
#define ACPI_MADT_TYPE_X2APIC		9
#define ACPI_MADT_TYPE_X2APIC_NMI	10

/* Local APIC / x2APIC entry flags. */
#define ACPI_MADT_ENABLED		(1u << 0)
#define ACPI_MADT_ONLINE_CAPABLE	(1u << 1)

/* MPS INTI flags of overrides and NMI entries (ACPI 6.5 §5.2.12.5). */
#define ACPI_MPS_POLARITY_MASK		0x3
#define ACPI_MPS_POLARITY_CONFORMS	0x0
#define ACPI_MPS_POLARITY_HIGH		0x1
#define ACPI_MPS_POLARITY_LOW		0x3
#define ACPI_MPS_TRIGGER_MASK		0xc
#define ACPI_MPS_TRIGGER_CONFORMS	0x0
#define ACPI_MPS_TRIGGER_EDGE		0x4
#define ACPI_MPS_TRIGGER_LEVEL		0xc

struct acpi_madt_lapic {		/* type 0, 8 bytes */
	struct acpi_madt_entry e;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} __packed;

struct acpi_madt_ioapic {		/* type 1, 12 bytes */
	struct acpi_madt_entry e;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __packed;

struct acpi_madt_iso {			/* type 2, 10 bytes */
	struct acpi_madt_entry e;
	uint8_t bus;			/* 0: ISA */
	uint8_t source;			/* the bus-relative (ISA) IRQ */
	uint32_t gsi;
	uint16_t flags;			/* ACPI_MPS_* */
} __packed;

struct acpi_madt_lapic_nmi {		/* type 4, 6 bytes */
	struct acpi_madt_entry e;
	uint8_t processor_uid;		/* 0xff: all processors */
	uint16_t flags;			/* ACPI_MPS_* */
	uint8_t lint;			/* LINT0 or LINT1 */
} __packed;

struct acpi_madt_lapic_override {	/* type 5, 12 bytes */
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint64_t address;
} __packed;

struct acpi_madt_x2apic {		/* type 9, 16 bytes */
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t processor_uid;
} __packed;

struct acpi_madt_x2apic_nmi {		/* type 10, 12 bytes */
	struct acpi_madt_entry e;
	uint16_t flags;
	uint32_t processor_uid;		/* 0xffffffff: all processors */
	uint8_t lint;
	uint8_t reserved[3];
} __packed;

/*
 * Fixed ACPI Description Table, signature "FACP" (ACPI 6.5 §5.2.9), up to
 * the ACPI 2.0-5.0 length of 244 bytes. Revision 1 tables are 116 bytes
 * (they end after @flags); a field is used only if the table's length
 * covers it.
 */
struct acpi_fadt {
	struct acpi_sdt_header hdr;
	uint32_t firmware_ctrl;		/* FACS */
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;	/* ACPI_FADT_BOOT_*, revision >= 2 */
	uint8_t reserved1;
	uint32_t flags;			/* ACPI_FADT_* */
	/* end of a revision 1 FADT (116 bytes) */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
} __packed;

#define ACPI_FADT_V1_LEN	116

/* FADT flags. */
#define ACPI_FADT_TMR_VAL_EXT	(1u << 8)	/* the PM timer is 32 bits */
#define ACPI_FADT_RESET_REG_SUP	(1u << 10)	/* reset_reg works */
#define ACPI_FADT_HW_REDUCED	(1u << 20)

/* FADT IA-PC boot architecture flags. */
#define ACPI_FADT_BOOT_LEGACY_DEVICES	(1u << 0)
#define ACPI_FADT_BOOT_8042		(1u << 1)
#define ACPI_FADT_BOOT_NO_VGA		(1u << 2)
#define ACPI_FADT_BOOT_NO_MSI		(1u << 3)
#define ACPI_FADT_BOOT_NO_ASPM		(1u << 4)
#define ACPI_FADT_BOOT_NO_CMOS_RTC	(1u << 5)

/* Firmware ACPI Control Structure: no checksum, only these two fields used. */
struct acpi_facs_head {
	char signature[4];		/* "FACS" */
	uint32_t length;
} __packed;

/* IA-PC HPET Description Table, signature "HPET" (IA-PC HPET spec 1.0a §3.2.4). */
struct acpi_hpet {
	struct acpi_sdt_header hdr;
	uint32_t event_timer_block_id;
	struct acpi_gas base;
	uint8_t hpet_number;
	uint16_t min_tick;		/* in periods, for periodic mode */
	uint8_t page_protection;
} __packed;

/* PCI Express memory-mapped configuration, signature "MCFG" (PCI Firmware 3.2 §4.1.2). */
struct acpi_mcfg {
	struct acpi_sdt_header hdr;
	uint8_t reserved[8];
	/* followed by struct acpi_mcfg_alloc[] */
} __packed;

struct acpi_mcfg_alloc {
	uint64_t base;			/* ECAM base for bus 0 of the segment */
	uint16_t segment;
	uint8_t start_bus;
	uint8_t end_bus;
	uint32_t reserved;
} __packed;

/* ---- What the parsers return ---- */

/* One processor from a local APIC (type 0) or x2APIC (type 9) entry. */
struct acpi_madt_cpu {
	uint32_t apic_id;
	uint32_t uid;			/* ACPI processor UID */
	bool enabled;			/* usable now */
	bool online_capable;		/* disabled now, may be brought online */
	bool x2apic;			/* from an x2APIC entry */
};

struct acpi_madt_ioapic_info {
	uint8_t id;
	uint32_t address;		/* physical MMIO base */
	uint32_t gsi_base;
};

/* An interrupt source override: bus IRQ @source is wired to @gsi. */
struct acpi_madt_override {
	uint8_t bus;
	uint8_t source;
	uint32_t gsi;
	uint16_t flags;			/* ACPI_MPS_POLARITY_* | ACPI_MPS_TRIGGER_* */
};

/* A local APIC LINT pin wired to NMI. */
struct acpi_madt_nmi {
	uint32_t uid;			/* processor UID, or ACPI_MADT_NMI_ALL */
	uint16_t flags;			/* ACPI_MPS_* */
	uint8_t lint;			/* 0 or 1 */
};

#define ACPI_MADT_NMI_ALL	0xffffffffu

/*
 * The MADT, decoded. The four arrays are kmalloc'd (NULL when their count
 * is 0) and owned by the struct until acpi_madt_free().
 */
struct acpi_madt_info {
	uint64_t lapic_address;		/* with a type 5 override applied */
	bool pcat_compat;		/* legacy 8259 PICs present: mask them */
	struct acpi_madt_cpu *cpus;	/* in MADT order: the boot CPU first */
	unsigned int nr_cpus;
	struct acpi_madt_ioapic_info *ioapics;
	unsigned int nr_ioapics;
	struct acpi_madt_override *overrides;
	unsigned int nr_overrides;
	struct acpi_madt_nmi *nmis;
	unsigned int nr_nmis;
};

/* The FADT, decoded. A port of 0 means "not present". */
struct acpi_fadt_info {
	uint8_t revision;
	uint32_t flags;			/* ACPI_FADT_* as in the table */
	uint16_t sci_irq;		/* an ISA IRQ: map with acpi_irq_to_gsi */
	uint32_t smi_cmd;		/* I/O port; 0: ACPI mode is always on */
	uint8_t acpi_enable;		/* values to write to smi_cmd */
	uint8_t acpi_disable;
	uint32_t pm1a_evt;		/* I/O ports */
	uint32_t pm1b_evt;
	uint32_t pm1a_cnt;
	uint32_t pm1b_cnt;
	uint32_t pm_tmr;
	bool pm_tmr_32bit;		/* else 24 bits */
	bool reset_supported;		/* RESET_REG_SUP and a reset_reg present */
	struct acpi_gas reset_reg;	/* zero when the FADT has none */
	uint8_t reset_value;
	uint8_t century;		/* CMOS index of the century, 0: none */
	uint16_t iapc_boot_arch;	/* ACPI_FADT_BOOT_*, 0 before revision 2 */
	bool has_8042;			/* true when the FADT does not say */
	bool vga_absent;
	uint64_t dsdt_phys;		/* X_DSDT when set, else DSDT; 0: none */
	uint64_t facs_phys;		/* X_FIRMWARE_CTRL when set, else FIRMWARE_CTRL */
};

struct acpi_mcfg_segment {
	uint64_t base;			/* ECAM address of bus 0 of the group */
	uint16_t segment;		/* PCI segment group */
	uint8_t start_bus;
	uint8_t end_bus;
};

/* The MCFG, decoded; @segments is kmalloc'd, freed by acpi_mcfg_free(). */
struct acpi_mcfg_info {
	struct acpi_mcfg_segment *segments;
	unsigned int nr_segments;
};

/* ---- Interface ---- */

/*
 * Find and check the RSDP and the root table, and log every table as Linux
 * does ("ACPI: FACP 0x... 0000F4 (v03 BOCHS  BXPC ...)"). @rsdp_phys is the
 * physical address of an RSDP (e.g. the copy in a Multiboot2 ACPI tag), or 0
 * to search the first KiB of the EBDA and 0xE0000-0xFFFFF. The XSDT is used
 * when the RSDP is v2, its extended checksum holds and the XSDT is valid;
 * otherwise the RSDT. Tables with a bad checksum or length are skipped by
 * every lookup. Call once at boot, before other CPUs run. Returns 0,
 * -ENODEV when no RSDP is found, -EINVAL when the RSDP or both root tables
 * are bad (the ACPI state is then empty: lookups find nothing).
 */
int acpi_tables_init(uint64_t rsdp_phys);

/*
 * Search @len bytes at @base (a kernel virtual address) on 16-byte
 * boundaries for an RSDP whose first 20 bytes check; the v2 part is not
 * needed to match. Returns it or NULL. Exposed for acpi_tables_init's scan
 * and for tests.
 */
const struct acpi_rsdp *acpi_rsdp_scan(const void *base, size_t len);

/*
 * The @index-th (from 0) valid table with signature @sig ("APIC", "SSDT",
 * ...), as a pointer to its header; "DSDT" finds the FADT's DSDT. The
 * table's checksum and length have been checked: the caller may read
 * hdr->length bytes. NULL when absent or before acpi_tables_init.
 */
const void *acpi_find_table(const char sig[4], int index);

/*
 * Decode the MADT into @out (see struct acpi_madt_info; entries that are
 * too short or of unknown type are skipped, a zero length or one running
 * past the end stops the walk with a warning). Returns 0, -ENOENT without a
 * MADT, -EINVAL if it is shorter than its fixed part, -ENOMEM. On error
 * @out is left empty (safe to acpi_madt_free).
 */
int acpi_parse_madt(struct acpi_madt_info *out);

/* Free the arrays of @info (filled by acpi_parse_madt) and empty it. */
void acpi_madt_free(struct acpi_madt_info *info);

/*
 * The GSI that ISA IRQ @isa_irq arrives on, per the bus-0 interrupt source
 * overrides in @info; the IRQ number itself without one. When @flags is not
 * NULL it receives the override's ACPI_MPS_* flags (0, "conforms to the bus":
 * ISA is edge-triggered, active high, when there is none).
 */
uint32_t acpi_irq_to_gsi(const struct acpi_madt_info *info, uint8_t isa_irq, uint16_t *flags);

/*
 * Decode the FADT into @out. A revision 1 (116-byte) FADT gives no reset
 * register and no boot flags. Returns 0, -ENOENT without a FADT, -EINVAL
 * when it is too short for the revision 1 fields.
 */
int acpi_parse_fadt(struct acpi_fadt_info *out);

/*
 * Find the \_S5_ package in the DSDT, then in each SSDT, and return its
 * first two elements (the SLP_TYP values to write into PM1a_CNT/PM1b_CNT
 * to enter S5, soft-off). Returns 0, -ENOENT when no table has a decodable
 * \_S5_ (or there is no DSDT/SSDT).
 */
int acpi_find_s5(uint8_t *slp_typa, uint8_t *slp_typb);

/*
 * Decode \_S5_ from @len bytes of AML at @aml (a table body). Returns 0,
 * -ENOENT when not found there. Exposed for acpi_find_s5 and tests.
 */
int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/*
 * The HPET's MMIO base into *@base, and its minimum periodic tick into
 * *@min_tick (may be NULL). Returns 0, -ENOENT without an HPET table,
 * -EINVAL when it is short or its base is not in memory space.
 */
int acpi_parse_hpet(uint64_t *base, uint16_t *min_tick);

/*
 * Decode the MCFG's ECAM segments into @out (entries with end_bus <
 * start_bus or a zero base are skipped with a warning). Returns 0, -ENOENT
 * without an MCFG, -EINVAL when it is too short, -ENOMEM.
 */
int acpi_parse_mcfg(struct acpi_mcfg_info *out);

/* Free the array of @info (filled by acpi_parse_mcfg) and empty it. */
void acpi_mcfg_free(struct acpi_mcfg_info *info);

#endif
