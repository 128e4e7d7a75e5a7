/*
 * memblock: the boot-time map of physical memory, used before the buddy
 * allocator exists. Boot code feeds it the firmware's usable RAM
 * (memblock_add) and everything already in use (memblock_reserve: the kernel
 * image, modules, boot information, ACPI tables, the low 1 MiB); early code
 * takes memory from it with memblock_alloc; page_alloc_init then hands every
 * range that is still free to the page allocator.
 *
 * Locking: none. memblock is used only by the boot CPU before any other CPU
 * is started and before interrupts are enabled; once page_alloc_init has run
 * it is frozen (memblock_alloc refuses) and only read.
 */
#ifndef FERRITE_MEMBLOCK_H
#define FERRITE_MEMBLOCK_H

#include <ferrite/compiler.h>

/* Capacity of each region array (usable RAM, reserved). Boot only. */
#define MEMBLOCK_MAX_REGIONS	128

/* Physical addresses at or above this are refused as absurd (52-bit max). */
#define MEMBLOCK_PHYS_LIMIT	(1ULL << 52)

/* Forget every region and unfreeze; call once before any other memblock call. */
void memblock_init(void);

/*
 * Record [base, base + size) as usable RAM. Overlapping or touching regions
 * are merged. Returns 0, -EINVAL for a zero-size, wrapping or absurd region
 * (with a warning) or -ENOSPC when the region array is full.
 */
int memblock_add(uint64_t base, uint64_t size);

/*
 * Mark [base, base + size) as in use. May overlap anything, RAM or not,
 * including other reservations. Same returns as memblock_add.
 */
int memblock_reserve(uint64_t base, uint64_t size);

/*
 * Find @size bytes of free RAM aligned to @align (a power of two; 0 means 1)
 * that end at or below @limit, searching from the top of memory down, and
 * reserve them. Returns the physical address, or 0 when nothing fits, the
 * arguments are bad or memblock is frozen. The memory is not cleared.
 */
uint64_t memblock_alloc(uint64_t size, uint64_t align, uint64_t limit);

/*
 * Cap every later memblock_alloc at @limit (for example the end of what
 * the early page tables map). UINT64_MAX, the default, means no cap.
 */
void memblock_set_alloc_limit(uint64_t limit);

/*
 * Stop handing out memory: called by the page allocator once it owns every
 * free range. memblock_alloc fails with an error message afterwards.
 */
void memblock_freeze(void);

/* Lowest usable RAM address, or 0 if there is none. */
uint64_t memblock_start_of_ram(void);

/* One past the highest usable RAM address, or 0 if there is none. */
uint64_t memblock_end_of_ram(void);

/* Bytes of usable RAM added, reserved or not. */
uint64_t memblock_total_ram(void);

/* Bytes of usable RAM that are reserved. */
uint64_t memblock_reserved_ram(void);

/*
 * Call @fn for every free range (RAM minus reservations), from low to high
 * addresses, with both ends rounded inward to page boundaries; ranges that
 * hold no whole page are skipped. @fn must not add or reserve memory.
 */
void memblock_for_each_free(void (*fn)(uint64_t base, uint64_t size, void *arg), void *arg);

/* Log the RAM and reserved regions with pr_info, one line each. */
void memblock_dump(void);

#endif
