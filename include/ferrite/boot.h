/*
 * What the boot loader told us, in one form whichever protocol brought us
 * here (Multiboot from QEMU's -kernel loader, Multiboot2 from GRUB). Filled
 * once on the boot CPU before anything else runs, read-only afterwards.
 */
#ifndef FERRITE_BOOT_H
#define FERRITE_BOOT_H

#include <ferrite/compiler.h>

#define BOOT_MAX_MODULES	16
#define BOOT_MAX_MMAP		128

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIM = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mmap_entry {
	uint64_t base;			/* [I] */
	uint64_t size;			/* [I] */
	uint32_t type;			/* [I] enum boot_mem_type */
};

struct boot_module {
	uint64_t start;			/* [I] physical */
	uint64_t end;			/* [I] physical, exclusive */
	const char *cmdline;		/* [I] */
};

/* A linear framebuffer handed over by GRUB (Multiboot2 tag 8, type RGB). */
struct boot_framebuffer {
	uint64_t phys;			/* [I] 0 when there is none */
	uint32_t pitch;			/* [I] bytes per line */
	uint32_t width, height;		/* [I] pixels */
	uint8_t bpp;			/* [I] bits per pixel: 32, 24 or 16 */
	uint8_t red_pos, red_size;	/* [I] */
	uint8_t green_pos, green_size;	/* [I] */
	uint8_t blue_pos, blue_size;	/* [I] */
};

struct boot_info {
	int protocol;			/* [I] 1 = Multiboot, 2 = Multiboot2 */
	const char *loader;		/* [I] boot loader name, or "" */
	const char *cmdline;		/* [I] never NULL */
	int nr_mmap;			/* [I] */
	struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
	int nr_modules;			/* [I] */
	struct boot_module modules[BOOT_MAX_MODULES];
	struct boot_framebuffer fb;	/* [I] */
	uint64_t rsdp_phys;		/* [I] 0 = not given, search the BIOS area */
	uint64_t info_phys, info_size;	/* [I] the boot information itself */
};

extern struct boot_info boot_info;

#endif
