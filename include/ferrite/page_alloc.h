/*
 * The page allocator: a binary buddy allocator over physical page frames,
 * blocks of 2^order pages for order 0 .. PAGE_MAX_ORDER - 1 (4 KiB .. 4 MiB),
 * each block aligned to its own size. Every page frame from the lowest RAM
 * page (rounded down to a 4 MiB boundary) to the end of RAM has a struct
 * page in one array, mem_map, allocated from memblock at boot.
 *
 * Lock legend for struct page:
 *   [Z] the zone lock (page allocator internal) while the page is free;
 *       while allocated, the owner of the block.
 *   [S] the owning slab cache's lock, while PG_SLAB is set.
 *   [a] atomic.
 * Lock order: slab cache locks, then the zone lock; the zone lock is a leaf
 * and is always taken with interrupts off (pages are freed from interrupts).
 */
#ifndef FERRITE_PAGE_ALLOC_H
#define FERRITE_PAGE_ALLOC_H

#include <ferrite/compiler.h>
#include <ferrite/list.h>
#include <arch/memlayout.h>

#define PAGE_MAX_ORDER	11	/* orders 0..10: up to 4 MiB blocks */
#define MAX_ORDER	PAGE_MAX_ORDER

/* Page flags (struct page.flags). */
#define PG_RESERVED	(1u << 0)	/* hole or firmware/kernel memory: never handed out */
#define PG_BUDDY	(1u << 1)	/* head of a free block; order is valid */
#define PG_ALLOC	(1u << 2)	/* head of an allocated block; order is valid */
#define PG_SLAB		(1u << 3)	/* part of a slab; slab_cache is valid */
#define PG_KMALLOC	(1u << 4)	/* head of a large kmalloc block */

struct kmem_cache;

struct page {
	struct list_head list;	/* [Z] buddy free list while free; [S] slab list */
	uint16_t flags;		/* [Z] PG_* (PG_SLAB/PG_KMALLOC: [S]/owner) */
	uint8_t order;		/* [Z] block order of a PG_BUDDY or PG_ALLOC head */
	uint8_t _pad;
	union {
		int32_t refcount;	/* [a] users of an allocated block (head) */
		struct {		/* [S] slab pages only: the head page */
			uint16_t inuse;		/* objects handed out */
			uint16_t free_idx;	/* first free object, or 0xffff */
		} slab;
	};
	union {
		struct kmem_cache *slab_cache;	/* [S] cache owning this slab page */
		void *private;			/* owner's use while allocated */
	};
};

BUILD_BUG_ON(sizeof(struct page) > 32);

/*
 * Build mem_map from memblock and give every free memblock range to the
 * buddy lists, then freeze memblock. Boot CPU only, once.
 */
void page_alloc_init(void);

/*
 * Allocate 2^@order contiguous pages, aligned to their size. Returns the
 * head page with refcount 1, or NULL when no block is free or @order is too
 * big. Contents are not cleared. Takes the zone lock (irqsave): may be
 * called from any context.
 */
struct page *page_alloc(unsigned int order);

/* As page_alloc, with the block's memory cleared. */
struct page *page_alloc_zeroed(unsigned int order);

/*
 * Give back a block from page_alloc. @page must be the head returned by
 * page_alloc and @order the order it was allocated with; anything else
 * (double free, wrong order, tail page, reserved page) is reported with
 * pr_err and refused. Takes the zone lock (irqsave).
 */
void page_free(struct page *page, unsigned int order);

/* Take one more reference to allocated block @page (its head page). */
static inline void page_get(struct page *page)
{
	__atomic_fetch_add(&page->refcount, 1, __ATOMIC_RELAXED);
}

/* References to allocated block @page (its head page). */
static inline int page_ref_count(const struct page *page)
{
	return __atomic_load_n(&page->refcount, __ATOMIC_RELAXED);
}

/*
 * Drop one reference to allocated block @page; the block is freed (with the
 * order it was allocated with) when the last one goes. Not for slab pages.
 */
void page_put(struct page *page);

uint64_t page_to_phys(const struct page *page);
/* struct page of physical address @phys, or NULL if it is outside mem_map. */
struct page *phys_to_page(uint64_t phys);
/* Direct-map address of @page. */
void *page_to_virt(const struct page *page);
/* struct page behind direct-map address @addr, or NULL if outside mem_map. */
struct page *virt_to_page(const void *addr);

/* Page frames now free / handed to the allocator at boot. */
uint64_t page_alloc_free_pages(void);
uint64_t page_alloc_total_pages(void);

/* Copy the number of free blocks of each order into @nr (for /proc/buddyinfo). */
void page_alloc_free_blocks(uint64_t nr[PAGE_MAX_ORDER]);

/* page_alloc returning the block's physical address, or 0 on failure. */
uint64_t page_alloc_phys(unsigned int order);
/* page_free of the block at physical address @phys. */
void page_free_phys(uint64_t phys, unsigned int order);

/* Smallest order whose block holds @size bytes (size 0 gives order 0). */
static inline unsigned int page_order_for(uint64_t size)
{
	if (size <= PAGE_SIZE)
		return 0;
	return 64 - (unsigned int)__builtin_clzll(size - 1) - PAGE_SHIFT;
}

#endif
