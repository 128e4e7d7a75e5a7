/*
 * x86_64 4-level page tables (Intel SDM vol. 3 §4.5): entry bits and the
 * functions that build, change, query and tear down a tree of tables whose
 * root (the PML4) is named by its physical address. Table pages are reached
 * through phys_to_virt() and come from an allocator hook, so the same code
 * runs in early boot (memblock), later (page allocator) and in host tests.
 *
 * Nothing here flushes a TLB: the caller knows whether the root is live and
 * on which CPUs, and must invalidate after unmap/protect (and after map over
 * a range that was recently unmapped without a flush).
 *
 * Locking: the functions take no lock. All changes to one tree must be
 * serialized by the caller (the address space's lock; for the shared
 * kernel half, the kernel mapping lock). The hardware may set ACCESSED and
 * DIRTY in live entries at any time; the code here never loses those bits.
 *
 * Flags: "flags" arguments and results use the 4 KiB-leaf encoding below,
 * for every page size. In it bit 7 means PAT; for 2 MiB and 1 GiB leaves
 * the code moves it to bit 12 and sets PS itself. Callers never pass
 * PTE_HUGE: page sizes are chosen by pgtable_map's opts and reported as a
 * level. All bits outside PTE_ADDR_MASK are accepted (software bits 9-11
 * and 52-58 included); PTE_PRESENT is always set on leaves.
 */
#ifndef ARCH_PGTABLE_H
#define ARCH_PGTABLE_H

#include <stdint.h>

#define PTE_PRESENT	(1UL << 0)
#define PTE_WRITE	(1UL << 1)
#define PTE_USER	(1UL << 2)
#define PTE_PWT		(1UL << 3)	/* write-through; PAT index bit 0 */
#define PTE_PCD		(1UL << 4)	/* cache disable; PAT index bit 1 */
#define PTE_ACCESSED	(1UL << 5)
#define PTE_DIRTY	(1UL << 6)	/* leaves only */
#define PTE_HUGE	(1UL << 7)	/* PS: PDPTE/PDE maps 1 GiB/2 MiB */
#define PTE_PAT		(1UL << 7)	/* 4 KiB leaf: PAT index bit 2 */
#define PTE_GLOBAL	(1UL << 8)	/* leaves only, needs CR4.PGE */
#define PTE_SW1		(1UL << 9)	/* bits 9-11: free for software */
#define PTE_SW2		(1UL << 10)
#define PTE_SW3		(1UL << 11)
#define PTE_PAT_LARGE	(1UL << 12)	/* 2 MiB/1 GiB leaf: PAT index bit 2 */
#define PTE_NX		(1UL << 63)	/* needs EFER.NXE, else reserved */
#define PTE_ADDR_MASK	0x000ffffffffff000UL	/* bits 12..51 */

/*
 * Memory types through the PAT index (PAT:PCD:PWT). With the power-on PAT
 * MSR, index 1 (PWT) is write-through. The boot code is expected to program
 * IA32_PAT entry 1 as write-combining (as Linux does: WB, WC, UC-, UC, ...),
 * after which PTE_WC gives WC; until then it gives WT, which is still safe
 * for frame buffers, only slower.
 */
#define PTE_CACHE_WB	0UL
#define PTE_WC		PTE_PWT
#define PTE_UC_MINUS	PTE_PCD
#define PTE_UC		(PTE_PCD | PTE_PWT)

/* Levels as reported by pgtable_lookup/pgtable_walk. */
#define PGTABLE_LEVEL_4K	1
#define PGTABLE_LEVEL_2M	2
#define PGTABLE_LEVEL_1G	3

#define PGTABLE_SIZE_2M		(1UL << 21)
#define PGTABLE_SIZE_1G		(1UL << 30)

/* opts for pgtable_map. */
#define PGTABLE_HUGE	(1U << 0)	/* allow 2 MiB leaves */
#define PGTABLE_1G	(1U << 1)	/* with PGTABLE_HUGE: also 1 GiB (pdpe1gb) */

/*
 * Set the source of page-table pages. @alloc_zeroed_page returns the
 * physical address of a zeroed 4 KiB page, or 0 when out of memory.
 * @free_page takes back a page @alloc_zeroed_page (or an earlier allocator
 * installed here) returned; it may be NULL, and then emptied table pages are
 * kept instead of freed. Call before the first pgtable_* use and while
 * no other CPU uses these functions (boot, then once more when the page
 * allocator is up).
 */
void pgtable_set_allocator(uint64_t (*alloc_zeroed_page)(void),
			   void (*free_page)(uint64_t phys));

/*
 * Map [va, va+size) to [pa, pa+size) with leaf attributes @flags in the
 * tree at @root (physical address of the PML4). va, pa and size must be
 * 4 KiB aligned and size non-zero, the range canonical and inside one half,
 * and pa+size within 52 bits; else -EINVAL (also for unknown @opts bits).
 * With PGTABLE_HUGE, 2 MiB leaves (and with PGTABLE_1G also 1 GiB leaves)
 * are used wherever va and pa are aligned to them and the range covers them.
 * Intermediate entries get PRESENT|WRITE, plus USER if @flags has USER.
 * Returns 0; -EEXIST if some page in the range is already mapped; -ENOMEM
 * when a table page cannot be allocated. On any error the tree translates
 * exactly as before the call (what was mapped is undone, new tables freed).
 */
int pgtable_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
		unsigned int opts);

/*
 * Remove every mapping in [va, va+size) (holes are fine). A 2 MiB or 1 GiB
 * leaf partly in the range is first split into smaller leaves, which needs
 * table pages: -ENOMEM then, with the translation unchanged (though some
 * large leaves may already be split). Intermediate tables that become empty
 * are freed, except the PDPTs under upper-half PML4 entries, which are
 * shared by every address space's copy of the kernel half and stay.
 * Returns 0 or -EINVAL (same argument rules as pgtable_map) or -ENOMEM.
 * Trap: table pages are freed at once; on a live root the caller's free
 * hook must not let them be reused before the TLB shootdown completes.
 */
int pgtable_unmap(uint64_t root, uint64_t va, uint64_t size);

/*
 * Set the attributes of every mapped leaf in [va, va+size) to @flags, except
 * PRESENT, ACCESSED and DIRTY, which keep their current values. Large leaves
 * crossing the range edges are split first (-ENOMEM as for pgtable_unmap);
 * unmapped pages are skipped. Returns 0, -EINVAL or -ENOMEM.
 */
int pgtable_protect(uint64_t root, uint64_t va, uint64_t size, uint64_t flags);

/*
 * Translate @va (any alignment). On success stores, through each non-NULL
 * pointer, the physical address including the offset inside the page, the
 * leaf's flags (4 KiB encoding, without PS) and its level (1 = 4 KiB,
 * 2 = 2 MiB, 3 = 1 GiB), and returns 0. Returns -ENOENT when unmapped,
 * -EINVAL when @va is not canonical.
 */
int pgtable_lookup(uint64_t root, uint64_t va, uint64_t *pa, uint64_t *flags,
		   unsigned int *level);

/*
 * Free every table page under the lower (user) half of the PML4 at @root
 * and clear those PML4 entries. The mapped frames are not touched, nor the
 * root itself or the kernel half. For address-space teardown, once no CPU
 * runs on @root. Without a free hook the table pages are lost.
 */
void pgtable_free_user(uint64_t root);

/*
 * Call @fn for every present leaf that overlaps [va, va+size), in address
 * order, with the leaf's own start address, physical start address, flags
 * (as pgtable_lookup) and level; a large leaf partly in the range is
 * reported whole. @fn may change the leaf it is given (pgtable_protect on
 * exactly that leaf) and other trees, but must not map or unmap in this one.
 * A non-zero return from @fn stops the walk and is returned; else 0, or
 * -EINVAL for bad arguments (rules as pgtable_map).
 */
int pgtable_walk(uint64_t root, uint64_t va, uint64_t size,
		 int (*fn)(uint64_t va, uint64_t pa, uint64_t flags, unsigned int level, void *arg),
		 void *arg);

#endif
