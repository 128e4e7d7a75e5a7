/*
 * Host-test allocator for page-table pages, handed to pgtable_set_allocator
 * by the page-table tests. "Physical" pages are zeroed host pages from
 * aligned_alloc. It counts live pages (so a test can prove that everything
 * it mapped and unmapped left no table page behind), can be told to fail
 * the Nth allocation from now, and aborts on a free of a page it never
 * handed out or already took back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHIM_PT_PAGE	4096

long shim_pt_live;		/* pages handed out and not yet freed */
long shim_pt_total;		/* allocations since the last reset */
static long shim_pt_fail_countdown;	/* > 0: the allocation that brings it to 0 fails */

static uint64_t *shim_pt_pages;	/* live pages, unordered */
static size_t shim_pt_cap;

uint64_t shim_pt_alloc(void);
void shim_pt_free(uint64_t phys);
void shim_pt_fail_at(long n);
void shim_pt_reset(void);

/* Make the @n-th allocation from now fail (1 = the next one); 0 disarms. */
void shim_pt_fail_at(long n)
{
	shim_pt_fail_countdown = n;
}

/*
 * Forget counters, injected failures and live pages. Pages still live (a
 * test that failed half-way) are freed here, so one failure does not spill
 * into the next test.
 */
void shim_pt_reset(void)
{
	while (shim_pt_live)
		free((void *)(uintptr_t)shim_pt_pages[--shim_pt_live]);
	shim_pt_total = 0;
	shim_pt_fail_countdown = 0;
	free(shim_pt_pages);
	shim_pt_pages = NULL;
	shim_pt_cap = 0;
}

uint64_t shim_pt_alloc(void)
{
	void *p;

	if (shim_pt_fail_countdown > 0 && --shim_pt_fail_countdown == 0)
		return 0;
	if ((size_t)shim_pt_live == shim_pt_cap) {
		shim_pt_cap = shim_pt_cap ? 2 * shim_pt_cap : 64;
		shim_pt_pages = realloc(shim_pt_pages, shim_pt_cap * sizeof(*shim_pt_pages));
		if (!shim_pt_pages)
			abort();
	}
	p = aligned_alloc(SHIM_PT_PAGE, SHIM_PT_PAGE);
	if (!p)
		abort();
	memset(p, 0, SHIM_PT_PAGE);
	shim_pt_pages[shim_pt_live++] = (uint64_t)(uintptr_t)p;
	shim_pt_total++;
	return (uint64_t)(uintptr_t)p;
}

void shim_pt_free(uint64_t phys)
{
	for (long i = 0; i < shim_pt_live; i++) {
		if (shim_pt_pages[i] != phys)
			continue;
		shim_pt_pages[i] = shim_pt_pages[--shim_pt_live];
		/* Scribble first, so a stale pointer into it reads garbage. */
		memset((void *)(uintptr_t)phys, 0xa5, SHIM_PT_PAGE);
		free((void *)(uintptr_t)phys);
		return;
	}
	fprintf(stderr, "shim_pgtable: free of unknown page %#llx\n", (unsigned long long)phys);
	abort();
}
