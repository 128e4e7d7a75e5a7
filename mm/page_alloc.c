/*
 * The buddy page allocator. One zone covers all RAM; it keeps a free list
 * per order, each holding the head pages of free blocks of that order. A
 * block of order n starting at pfn p has its buddy at p ^ 2^n; freeing a
 * block merges it with its buddy for as long as the buddy is a free block
 * of the same order, then files the result. Allocation takes the smallest
 * free block that fits and splits off halves back onto the lists.
 *
 * Block state lives in the head page's flags: PG_BUDDY (free, on a list),
 * PG_ALLOC (handed out), PG_RESERVED (never usable). Pages inside a block
 * other than its head have no state flags, which is what lets page_free
 * catch double frees, wrong orders and tail pages without walking anything.
 *
 * Locking: zone.lock, always with interrupts saved off, protects the lists,
 * the counters and the state of every free page. It is a leaf lock.
 */
#define pr_fmt(fmt) "page_alloc: " fmt

#include <ferrite/page_alloc.h>
#include <ferrite/memblock.h>
#include <ferrite/printk.h>
#include <ferrite/spinlock.h>
#include <ferrite/string.h>
#include <arch/memlayout.h>

#define BLOCK_PAGES(order)	(1ULL << (order))

struct zone {
	struct spinlock lock;
	struct list_head free_area[PAGE_MAX_ORDER];	/* [L] heads of free blocks */
	uint64_t nr_free[PAGE_MAX_ORDER];		/* [L] blocks on each list */
	uint64_t free_pages;				/* [L] (read racily) */
	uint64_t total_pages;				/* [I] pages given at boot */
	uint64_t base_pfn;				/* [I] pfn of mem_map[0] */
	uint64_t end_pfn;				/* [I] one past the last pfn */
	struct page *mem_map;				/* [I] */
};

static struct zone zone;

static inline uint64_t page_pfn(const struct page *page)
{
	return zone.base_pfn + (uint64_t)(page - zone.mem_map);
}

static inline struct page *pfn_page(uint64_t pfn)
{
	return &zone.mem_map[pfn - zone.base_pfn];
}

static inline void zone_assert_locked(void)
{
	if (unlikely(!spin_is_locked(&zone.lock)))
		pr_err("zone lock not held at %p\n", __builtin_return_address(0));
}

/* File @page as a free block of @order. Needs zone.lock. */
static void free_list_add_locked(struct page *page, unsigned int order)
{
	page->flags = PG_BUDDY;
	page->order = (uint8_t)order;
	list_add(&page->list, &zone.free_area[order]);
	zone.nr_free[order]++;
}

/* Take free block @page of @order off its list. Needs zone.lock. */
static void free_list_del_locked(struct page *page, unsigned int order)
{
	list_del(&page->list);
	page->flags = 0;
	zone.nr_free[order]--;
}

/*
 * Return the block of 2^@order pages at @pfn to the lists, merging it with
 * free buddies. The block's pages must carry no state flags. Needs zone.lock.
 */
static void buddy_free_locked(uint64_t pfn, unsigned int order)
{
	zone_assert_locked();
	zone.free_pages += BLOCK_PAGES(order);
	while (order < PAGE_MAX_ORDER - 1) {
		uint64_t buddy_pfn = pfn ^ BLOCK_PAGES(order);
		struct page *buddy;

		if (buddy_pfn < zone.base_pfn || buddy_pfn >= zone.end_pfn)
			break;
		buddy = pfn_page(buddy_pfn);
		if (!(buddy->flags & PG_BUDDY) || buddy->order != order)
			break;
		free_list_del_locked(buddy, order);
		pfn &= ~BLOCK_PAGES(order);
		order++;
	}
	free_list_add_locked(pfn_page(pfn), order);
}

/* Give the page-aligned free range [base, base + size) to the buddy lists. */
static void free_boot_range(uint64_t base, uint64_t size, void *arg)
{
	uint64_t pfn = base >> PAGE_SHIFT, end = (base + size) >> PAGE_SHIFT;

	(void)arg;
	if (pfn < zone.base_pfn || end > zone.end_pfn) {
		pr_err("free range 0x%llx+0x%llx outside mem_map\n",
		       (unsigned long long)base, (unsigned long long)size);
		return;
	}
	while (pfn < end) {
		unsigned int order = PAGE_MAX_ORDER - 1;

		if (pfn != 0 && (unsigned int)__builtin_ctzll(pfn) < order)
			order = (unsigned int)__builtin_ctzll(pfn);
		while (pfn + BLOCK_PAGES(order) > end)
			order--;
		for (uint64_t i = 0; i < BLOCK_PAGES(order); i++)
			pfn_page(pfn + i)->flags = 0;
		buddy_free_locked(pfn, order);
		zone.total_pages += BLOCK_PAGES(order);
		pfn += BLOCK_PAGES(order);
	}
}

/* Reset the zone to cover [base_pfn, end_pfn) with mem_map at @map. */
static void zone_setup(struct page *map, uint64_t base_pfn, uint64_t end_pfn)
{
	spin_lock_init(&zone.lock, "zone");
	for (unsigned int o = 0; o < PAGE_MAX_ORDER; o++) {
		list_init(&zone.free_area[o]);
		zone.nr_free[o] = 0;
	}
	zone.free_pages = 0;
	zone.total_pages = 0;
	zone.base_pfn = base_pfn;
	zone.end_pfn = end_pfn;
	zone.mem_map = map;
	for (uint64_t i = 0; i < end_pfn - base_pfn; i++) {
		struct page *page = &map[i];

		list_init(&page->list);
		page->flags = PG_RESERVED;
		page->order = 0;
		page->_pad = 0;
		page->refcount = 0;
		page->private = NULL;
	}
}

void page_alloc_init(void)
{
	uint64_t max_block = PAGE_SIZE << (PAGE_MAX_ORDER - 1);
	uint64_t base_pfn = ALIGN_DOWN(memblock_start_of_ram(), max_block) >> PAGE_SHIFT;
	uint64_t end_pfn = memblock_end_of_ram() >> PAGE_SHIFT;
	uint64_t map_size = (end_pfn - base_pfn) * sizeof(struct page);
	uint64_t map_phys = 0;
	unsigned long flags;

	if (end_pfn > base_pfn)
		map_phys = memblock_alloc(map_size, PAGE_SIZE, UINT64_MAX);
	if (!map_phys) {
		pr_emerg("no memory for mem_map (%llu pages), no page allocator\n",
			 (unsigned long long)(end_pfn - base_pfn));
		zone_setup(NULL, 0, 0);
		return;
	}
	zone_setup(phys_to_virt(map_phys), base_pfn, end_pfn);
	/* Physical address 0 means failure to page_alloc_phys: never hand it out. */
	memblock_reserve(0, PAGE_SIZE);

	flags = spin_lock_irqsave(&zone.lock);
	memblock_for_each_free(free_boot_range, NULL);
	spin_unlock_irqrestore(&zone.lock, flags);
	memblock_freeze();

	pr_info("%llu pages free of %llu KiB RAM, mem_map %llu KiB for pfn 0x%llx-0x%llx\n",
		(unsigned long long)zone.total_pages,
		(unsigned long long)(memblock_total_ram() >> 10),
		(unsigned long long)(map_size >> 10), (unsigned long long)base_pfn,
		(unsigned long long)end_pfn);
}

/* Take a free block of at least @order off the lists, split to @order. Needs zone.lock. */
static struct page *buddy_alloc_locked(unsigned int order)
{
	unsigned int o = order;
	struct page *page;

	zone_assert_locked();
	while (o < PAGE_MAX_ORDER && list_empty(&zone.free_area[o]))
		o++;
	if (o == PAGE_MAX_ORDER)
		return NULL;
	page = list_first_entry(&zone.free_area[o], struct page, list);
	if (unlikely(!(page->flags & PG_BUDDY) || page->order != o)) {
		pr_crit("free list %u corrupt at pfn 0x%llx (flags 0x%x order %u)\n", o,
			(unsigned long long)page_pfn(page), page->flags, page->order);
		return NULL;
	}
	free_list_del_locked(page, o);
	while (o > order) {
		o--;
		free_list_add_locked(page + BLOCK_PAGES(o), o);
	}
	zone.free_pages -= BLOCK_PAGES(order);
	return page;
}

struct page *page_alloc(unsigned int order)
{
	struct page *page;
	unsigned long flags;

	if (order >= PAGE_MAX_ORDER)
		return NULL;
	flags = spin_lock_irqsave(&zone.lock);
	page = buddy_alloc_locked(order);
	if (page) {
		page->flags = PG_ALLOC;
		page->order = (uint8_t)order;
		page->refcount = 1;
		page->private = NULL;
	}
	spin_unlock_irqrestore(&zone.lock, flags);
	return page;
}

struct page *page_alloc_zeroed(unsigned int order)
{
	struct page *page = page_alloc(order);

	if (page)
		memset(page_to_virt(page), 0, PAGE_SIZE << order);
	return page;
}

/* True if @page points at an element of mem_map. */
static bool page_in_map(const struct page *page)
{
	uintptr_t p = (uintptr_t)page, lo = (uintptr_t)zone.mem_map;
	uintptr_t hi = (uintptr_t)(zone.mem_map + (zone.end_pfn - zone.base_pfn));

	return p >= lo && p < hi && (p - lo) % sizeof(struct page) == 0;
}

/*
 * Why freeing @page at @order must be refused, or NULL if it is fine.
 * Needs zone.lock (so two CPUs freeing the same block cannot both pass).
 */
static const char *free_refusal_locked(const struct page *page, unsigned int order)
{
	if (order >= PAGE_MAX_ORDER)
		return "bad order";
	if (page->flags & PG_BUDDY)
		return "double free";
	if (page->flags & PG_RESERVED)
		return "reserved page";
	if (!(page->flags & PG_ALLOC))
		return "not the head of an allocated block";
	if (page->flags & (PG_SLAB | PG_KMALLOC))
		return "page still owned by the slab allocator";
	if (page->order != order)
		return "wrong order";
	if (page->refcount > 1)
		return "page still referenced";
	return NULL;
}

void page_free(struct page *page, unsigned int order)
{
	const char *why;
	unsigned long flags;

	if (!page_in_map(page)) {
		pr_err("free of %p (order %u), not a page, from %p\n", (void *)page, order,
		       __builtin_return_address(0));
		return;
	}
	flags = spin_lock_irqsave(&zone.lock);
	why = free_refusal_locked(page, order);
	if (why) {
		spin_unlock_irqrestore(&zone.lock, flags);
		pr_err("refusing free of pfn 0x%llx order %u: %s (flags 0x%x order %u) from %p\n",
		       (unsigned long long)page_pfn(page), order, why, page->flags, page->order,
		       __builtin_return_address(0));
		return;
	}
	page->flags = 0;
	page->refcount = 0;
	page->private = NULL;
	buddy_free_locked(page_pfn(page), order);
	spin_unlock_irqrestore(&zone.lock, flags);
}

void page_put(struct page *page)
{
	int left;

	if (page->flags & PG_SLAB) {
		pr_err("page_put on slab page %p from %p\n", (void *)page,
		       __builtin_return_address(0));
		return;
	}
	left = __atomic_sub_fetch(&page->refcount, 1, __ATOMIC_ACQ_REL);
	if (left == 0)
		page_free(page, page->order);
	else if (left < 0)
		pr_err("page_put underflow on pfn 0x%llx from %p\n",
		       (unsigned long long)page_pfn(page), __builtin_return_address(0));
}

uint64_t page_to_phys(const struct page *page)
{
	return page_pfn(page) << PAGE_SHIFT;
}

struct page *phys_to_page(uint64_t phys)
{
	uint64_t pfn = phys >> PAGE_SHIFT;

	if (pfn < zone.base_pfn || pfn >= zone.end_pfn)
		return NULL;
	return pfn_page(pfn);
}

void *page_to_virt(const struct page *page)
{
	return phys_to_virt(page_to_phys(page));
}

struct page *virt_to_page(const void *addr)
{
	return phys_to_page(virt_to_phys(addr));
}

uint64_t page_alloc_free_pages(void)
{
	return READ_ONCE(zone.free_pages);
}

uint64_t page_alloc_total_pages(void)
{
	return zone.total_pages;
}

void page_alloc_free_blocks(uint64_t nr[PAGE_MAX_ORDER])
{
	unsigned long flags = spin_lock_irqsave(&zone.lock);

	for (unsigned int o = 0; o < PAGE_MAX_ORDER; o++)
		nr[o] = zone.nr_free[o];
	spin_unlock_irqrestore(&zone.lock, flags);
}

uint64_t page_alloc_phys(unsigned int order)
{
	struct page *page = page_alloc(order);

	return page ? page_to_phys(page) : 0;
}

void page_free_phys(uint64_t phys, unsigned int order)
{
	struct page *page = phys_to_page(phys);

	if (!page || (phys & (PAGE_SIZE - 1))) {
		pr_err("free of bad physical address 0x%llx order %u from %p\n",
		       (unsigned long long)phys, order, __builtin_return_address(0));
		return;
	}
	page_free(page, order);
}
