// host-test-sources: mm/page_alloc.c mm/memblock.c kernel/spinlock.c tests/host/shim_mm.c
/*
 * Host tests for the buddy page allocator. "Physical memory" is a host
 * buffer aligned to 4 MiB (on the host a physical address is the host
 * address) registered with memblock; page_alloc_init then builds mem_map at
 * its top and frees the rest into the buddy lists.
 */
#include "htest.h"
#include "shim_mm.h"
#include <stdint.h>
#include <ferrite/memblock.h>
#include <ferrite/page_alloc.h>

#define MB (1024ULL * 1024)
#define RAM_SIZE (16 * MB)
#define RAM_PAGES (RAM_SIZE / PAGE_SIZE)
/* mem_map: one 32-byte struct page per page of the 16 MiB. */
#define MAP_PAGES (RAM_PAGES * sizeof(struct page) / PAGE_SIZE)

/* Static, so a test that stops early leaks nothing LeakSanitizer would flag. */
static char ram_buf[RAM_SIZE] __attribute__((aligned(4 * 1024 * 1024)));
static char *ram;
static struct page *all_pages[RAM_PAGES];
static unsigned char owned[RAM_PAGES];

static uint64_t ram_base(void)
{
	return (uint64_t)(uintptr_t)ram;
}

/* Fresh allocator over a fresh 16 MiB buffer; @reserve_fn may add holes. */
static void setup(void (*layout)(void))
{
	ram = ram_buf;
	memset(owned, 0, sizeof(owned));
	memset(ram, 0x5a, RAM_SIZE);
	memblock_init();
	if (layout)
		layout();
	else
		memblock_add(ram_base(), RAM_SIZE);
	page_alloc_init();
}

static void teardown(void)
{
	ram = NULL;
}

static bool in_ram(uint64_t phys, unsigned int order)
{
	return phys >= ram_base() && phys + (PAGE_SIZE << order) <= ram_base() + RAM_SIZE;
}

HTEST(init_counts_every_free_page)
{
	setup(NULL);
	EXPECT_EQ(sizeof(struct page), 32);
	EXPECT_EQ(page_alloc_total_pages(), RAM_PAGES - MAP_PAGES);
	EXPECT_EQ(page_alloc_free_pages(), RAM_PAGES - MAP_PAGES);
	/* mem_map sits in the top pages, which are reserved. */
	struct page *top = phys_to_page(ram_base() + RAM_SIZE - PAGE_SIZE);
	EXPECT(top != NULL);
	EXPECT(top->flags & PG_RESERVED);
	EXPECT(phys_to_page(ram_base() + RAM_SIZE) == NULL);
	EXPECT(phys_to_page(ram_base() - PAGE_SIZE) == NULL);
	/* 16 MiB less 128 KiB: three whole 4 MiB blocks, the fourth split up. */
	uint64_t nr[PAGE_MAX_ORDER];
	page_alloc_free_blocks(nr);
	EXPECT_EQ(nr[10], 3);
	EXPECT_EQ(nr[9] + nr[8] + nr[7] + nr[6] + nr[5], 5);
	EXPECT_EQ(nr[4] + nr[3] + nr[2] + nr[1] + nr[0], 0);
	teardown();
}

HTEST(every_order_alloc_free)
{
	setup(NULL);
	uint64_t total = page_alloc_free_pages();
	for (unsigned int order = 0; order < PAGE_MAX_ORDER; order++) {
		struct page *p = page_alloc(order);
		EXPECT(p != NULL);
		uint64_t phys = page_to_phys(p);
		EXPECT(in_ram(phys, order));
		EXPECT_EQ(phys % (PAGE_SIZE << order), 0);
		EXPECT_EQ(page_alloc_free_pages(), total - (1ULL << order));
		EXPECT_EQ(page_ref_count(p), 1);
		EXPECT(p->flags & PG_ALLOC);
		EXPECT(page_to_virt(p) == (void *)(uintptr_t)phys);
		EXPECT(virt_to_page(page_to_virt(p)) == p);
		memset(page_to_virt(p), order, PAGE_SIZE << order);
		page_free(p, order);
		EXPECT_EQ(page_alloc_free_pages(), total);
	}
	EXPECT(page_alloc(PAGE_MAX_ORDER) == NULL);
	EXPECT(page_alloc(100) == NULL);
	teardown();
}

HTEST(split_then_merge_restores_lists)
{
	setup(NULL);
	uint64_t before[PAGE_MAX_ORDER], after[PAGE_MAX_ORDER];
	page_alloc_free_blocks(before);

	struct page *a = page_alloc(0);
	struct page *b = page_alloc(0);
	EXPECT(a && b);
	/* The second order-0 page is the buddy split off the first. */
	EXPECT_EQ(page_to_phys(a) ^ page_to_phys(b), PAGE_SIZE);
	struct page *c = page_alloc(1);
	EXPECT(c != NULL);
	EXPECT_EQ(page_to_phys(c) % (2 * PAGE_SIZE), 0);
	page_alloc_free_blocks(after);
	EXPECT(memcmp(before, after, sizeof(before)) != 0);

	page_free(a, 0);
	page_free(c, 1);
	page_free(b, 0);
	page_alloc_free_blocks(after);
	EXPECT(memcmp(before, after, sizeof(before)) == 0);
	teardown();
}

HTEST(zeroed_alloc_clears)
{
	setup(NULL);
	struct page *p = page_alloc_zeroed(3);
	EXPECT(p != NULL);
	unsigned char *v = page_to_virt(p);
	for (size_t i = 0; i < 8 * PAGE_SIZE; i++)
		EXPECT_EQ(v[i], 0);
	page_free(p, 3);
	teardown();
}

HTEST(exhaustion_then_full_coalesce)
{
	setup(NULL);
	uint64_t total = page_alloc_free_pages();
	struct page **all = all_pages;
	uint64_t n = 0;
	struct page *p;

	while ((p = page_alloc(0)) != NULL) {
		uint64_t idx = (page_to_phys(p) - ram_base()) / PAGE_SIZE;
		EXPECT(n < total);
		EXPECT(in_ram(page_to_phys(p), 0));
		EXPECT(!owned[idx]);
		owned[idx] = 1;
		all[n++] = p;
	}
	EXPECT_EQ(n, total);
	EXPECT_EQ(page_alloc_free_pages(), 0);
	EXPECT(page_alloc(0) == NULL);
	EXPECT(page_alloc(5) == NULL);
	EXPECT_EQ(page_alloc_phys(0), 0);
	/* Free in an interleaved order so merging happens late. */
	for (uint64_t i = 0; i < n; i += 2)
		page_free(all[i], 0);
	for (uint64_t i = 1; i < n; i += 2)
		page_free(all[i], 0);
	EXPECT_EQ(page_alloc_free_pages(), total);
	uint64_t nr[PAGE_MAX_ORDER];
	page_alloc_free_blocks(nr);
	EXPECT_EQ(nr[10], 3);
	EXPECT_EQ(nr[0], 0);
	struct page *big[3];
	for (int i = 0; i < 3; i++)
		EXPECT((big[i] = page_alloc(10)) != NULL);
	EXPECT(page_alloc(10) == NULL);
	for (int i = 0; i < 3; i++)
		page_free(big[i], 10);
	teardown();
}

HTEST(bad_frees_refused)
{
	setup(NULL);
	uint64_t total = page_alloc_free_pages();
	int errs = shim_mm_errors;

	struct page *p = page_alloc(0);
	page_free(p, 0);
	page_free(p, 0);			/* double free */
	EXPECT_EQ(shim_mm_errors, errs + 1);
	EXPECT_EQ(page_alloc_free_pages(), total);

	struct page *q = page_alloc(2);
	page_free(q, 1);			/* wrong order */
	page_free(q, 3);			/* wrong order */
	page_free(q + 1, 0);			/* tail page */
	page_free(q, PAGE_MAX_ORDER);		/* no such order */
	EXPECT_EQ(shim_mm_errors, errs + 5);
	EXPECT_EQ(page_alloc_free_pages(), total - 4);

	/* Reserved page (mem_map itself), a pointer outside mem_map, bad phys. */
	page_free(phys_to_page(ram_base() + RAM_SIZE - PAGE_SIZE), 0);
	struct page bogus;
	page_free(&bogus, 0);
	page_free((struct page *)((char *)q + 1), 2);
	page_free_phys(ram_base() + RAM_SIZE, 0);
	page_free_phys(page_to_phys(q) + 8, 2);
	EXPECT_EQ(shim_mm_errors, errs + 10);
	EXPECT_EQ(page_alloc_free_pages(), total - 4);

	/* Still referenced: refused. */
	page_get(q);
	page_free(q, 2);
	EXPECT_EQ(shim_mm_errors, errs + 11);
	page_put(q);
	page_free(q, 2);
	EXPECT_EQ(page_alloc_free_pages(), total);
	uint64_t nr[PAGE_MAX_ORDER];
	page_alloc_free_blocks(nr);
	EXPECT_EQ(nr[10], 3);
	teardown();
}

HTEST(refcount_get_put)
{
	setup(NULL);
	uint64_t total = page_alloc_free_pages();
	struct page *p = page_alloc(1);
	page_get(p);
	EXPECT_EQ(page_ref_count(p), 2);
	page_put(p);
	EXPECT_EQ(page_alloc_free_pages(), total - 2);
	page_put(p);
	EXPECT_EQ(page_alloc_free_pages(), total);
	EXPECT(p->flags & PG_BUDDY);
	teardown();
}

HTEST(phys_helpers_roundtrip)
{
	setup(NULL);
	uint64_t total = page_alloc_free_pages();
	uint64_t phys = page_alloc_phys(4);
	EXPECT(phys != 0);
	EXPECT_EQ(phys % (16 * PAGE_SIZE), 0);
	EXPECT(phys_to_page(phys + 5 * PAGE_SIZE + 17) == phys_to_page(phys) + 5);
	EXPECT_EQ(page_alloc_free_pages(), total - 16);
	page_free_phys(phys, 4);
	EXPECT_EQ(page_alloc_free_pages(), total);
	teardown();
}

/* RAM with a hole and scattered reservations, like a firmware map. */
static void holey_layout(void)
{
	uint64_t b = ram_base();

	memblock_add(b, 4 * MB);
	memblock_add(b + 8 * MB, 8 * MB);
	memblock_reserve(b + 9 * MB + 100, 4900);	/* pages 9M and 9M+4K */
	memblock_reserve(b, PAGE_SIZE);
	memblock_reserve(b + 12 * MB - 1, 2);		/* straddles two pages */
}

/* True if the page at @phys is RAM in holey_layout and not reserved or mem_map. */
static bool holey_page_usable(uint64_t phys)
{
	uint64_t off = phys - ram_base();

	if (!in_ram(phys, 0) || off >= RAM_SIZE - MAP_PAGES * PAGE_SIZE)
		return false;
	if (off >= 4 * MB && off < 8 * MB)
		return false;
	return off != 0 && off != 9 * MB && off != 9 * MB + PAGE_SIZE &&
	       off != 12 * MB - PAGE_SIZE && off != 12 * MB;
}

HTEST(holes_and_reserved_never_handed_out)
{
	setup(holey_layout);
	uint64_t expect = (4 * MB + 8 * MB) / PAGE_SIZE - 2 - 1 - 2 - MAP_PAGES;
	EXPECT_EQ(page_alloc_total_pages(), expect);
	EXPECT(phys_to_page(ram_base() + 5 * MB)->flags & PG_RESERVED);
	EXPECT(phys_to_page(ram_base() + 9 * MB)->flags & PG_RESERVED);

	/* Biggest blocks first: each must be aligned and avoid every hole. */
	uint64_t n = 0, nblocks = 0;
	for (int order = PAGE_MAX_ORDER - 1; order >= 0; order--) {
		struct page *p;

		while ((p = page_alloc((unsigned int)order)) != NULL) {
			EXPECT_EQ(page_to_phys(p) % (PAGE_SIZE << order), 0);
			for (uint64_t i = 0; i < (1ULL << order); i++)
				EXPECT(holey_page_usable(page_to_phys(p) + i * PAGE_SIZE));
			all_pages[nblocks++] = p;
			n += 1ULL << order;
		}
	}
	EXPECT_EQ(n, expect);
	for (uint64_t i = 0; i < nblocks; i++)
		page_free(all_pages[i], all_pages[i]->order);
	EXPECT_EQ(page_alloc_free_pages(), expect);

	uint64_t phys;
	n = 0;
	while ((phys = page_alloc_phys(0)) != 0) {
		EXPECT(holey_page_usable(phys));
		n++;
	}
	EXPECT_EQ(n, expect);
	teardown();
}

/* --- randomized stress against a shadow model --- */

struct live {
	struct page *page;
	unsigned int order;
	uint64_t tag;
};

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Fill the first and last word of a block with its tag. */
static void tag_block(struct live *l)
{
	uint64_t *v = page_to_virt(l->page);
	size_t words = (PAGE_SIZE << l->order) / sizeof(uint64_t);

	v[0] = l->tag;
	v[words - 1] = ~l->tag;
}

static bool tag_intact(const struct live *l)
{
	uint64_t *v = page_to_virt(l->page);
	size_t words = (PAGE_SIZE << l->order) / sizeof(uint64_t);

	return v[0] == l->tag && v[words - 1] == ~l->tag;
}

HTEST(random_stress_shadow_model)
{
	setup(NULL);
	uint64_t total = page_alloc_free_pages(), in_use = 0;
	static struct live live[4096];
	int nlive = 0, fails = 0;

	for (int step = 0; step < 200000; step++) {
		if (nlive < 4096 && (rnd() % 100) < 55) {
			/* Small orders are common, big ones rare. */
			uint64_t span = rnd() % 100 < 80 ? 3 : PAGE_MAX_ORDER;
			unsigned int order = (unsigned int)(rnd() % span);
			struct page *p = page_alloc(order);
			if (!p) {
				fails++;
				continue;
			}
			uint64_t first = (page_to_phys(p) - ram_base()) / PAGE_SIZE;
			EXPECT(in_ram(page_to_phys(p), order));
			EXPECT_EQ(first % (1ULL << order), 0);
			for (uint64_t i = 0; i < (1ULL << order); i++) {
				EXPECT(!owned[first + i]);
				owned[first + i] = 1;
			}
			live[nlive] = (struct live){ p, order, rnd() };
			tag_block(&live[nlive++]);
			in_use += 1ULL << order;
		} else if (nlive > 0) {
			int k = (int)(rnd() % (uint64_t)nlive);
			struct live l = live[k];
			uint64_t first = (page_to_phys(l.page) - ram_base()) / PAGE_SIZE;

			EXPECT(tag_intact(&l));
			for (uint64_t i = 0; i < (1ULL << l.order); i++)
				owned[first + i] = 0;
			page_free(l.page, l.order);
			in_use -= 1ULL << l.order;
			live[k] = live[--nlive];
		}
		EXPECT_EQ(page_alloc_free_pages(), total - in_use);
	}
	EXPECT(fails > 0);	/* the run did reach exhaustion */
	while (nlive > 0) {
		struct live *l = &live[--nlive];
		EXPECT(tag_intact(l));
		page_free(l->page, l->order);
	}
	EXPECT_EQ(page_alloc_free_pages(), total);
	uint64_t nr[PAGE_MAX_ORDER];
	page_alloc_free_blocks(nr);
	EXPECT_EQ(nr[10], 3);
	teardown();
}

HTEST_MAIN()
