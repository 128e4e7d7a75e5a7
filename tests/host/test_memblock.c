// host-test-sources: mm/memblock.c tests/host/shim_mm.c
/*
 * Host tests for memblock: merging of RAM regions, rejection of bad input,
 * carving of reservations out of the free ranges, top-down allocation with
 * alignment and limits, capacity overflow, and a randomized comparison with
 * a bitmap model of RAM and reservations.
 */
#include "htest.h"
#include "shim_mm.h"
#include <stdint.h>
#include <ferrite/memblock.h>
#include <ferrite/errno.h>

#define KB 1024ULL
#define MB (1024ULL * 1024)

struct ranges {
	int n;
	uint64_t base[256], size[256];
};

static void collect(uint64_t base, uint64_t size, void *arg)
{
	struct ranges *r = arg;

	if (r->n < 256) {
		r->base[r->n] = base;
		r->size[r->n] = size;
	}
	r->n++;
}

static struct ranges free_ranges(void)
{
	struct ranges r = { 0 };

	memblock_for_each_free(collect, &r);
	return r;
}

HTEST(add_merges_overlapping_and_touching)
{
	memblock_init();
	EXPECT_EQ(memblock_add(0x1000, 0x2000), 0);
	EXPECT_EQ(memblock_add(0x5000, 0x1000), 0);
	EXPECT_EQ(memblock_total_ram(), 0x3000);
	/* Bridges both: [0x1000, 0x6000) as one region. */
	EXPECT_EQ(memblock_add(0x2000, 0x3000), 0);
	EXPECT_EQ(memblock_total_ram(), 0x5000);
	EXPECT_EQ(memblock_start_of_ram(), 0x1000);
	EXPECT_EQ(memblock_end_of_ram(), 0x6000);
	/* Same region again and a touching one. */
	EXPECT_EQ(memblock_add(0x1000, 0x5000), 0);
	EXPECT_EQ(memblock_add(0x6000, 0x1000), 0);
	EXPECT_EQ(memblock_total_ram(), 0x6000);
	struct ranges r = free_ranges();
	EXPECT_EQ(r.n, 1);
	EXPECT_EQ(r.base[0], 0x1000);
	EXPECT_EQ(r.size[0], 0x6000);
}

HTEST(add_out_of_order_stays_sorted)
{
	memblock_init();
	EXPECT_EQ(memblock_add(0x900000, 0x100000), 0);
	EXPECT_EQ(memblock_add(0x100000, 0x100000), 0);
	EXPECT_EQ(memblock_add(0x500000, 0x100000), 0);
	struct ranges r = free_ranges();
	EXPECT_EQ(r.n, 3);
	EXPECT_EQ(r.base[0], 0x100000);
	EXPECT_EQ(r.base[1], 0x500000);
	EXPECT_EQ(r.base[2], 0x900000);
	EXPECT_EQ(memblock_end_of_ram(), 0xa00000);
	EXPECT_EQ(memblock_start_of_ram(), 0x100000);
}

HTEST(absurd_input_rejected)
{
	memblock_init();
	int w = shim_mm_warnings;

	EXPECT_EQ(memblock_add(0x1000, 0), -EINVAL);
	EXPECT_EQ(memblock_add(UINT64_MAX - 0xfff, 0x2000), -EINVAL);
	EXPECT_EQ(memblock_add(1ULL << 52, 0x1000), -EINVAL);
	EXPECT_EQ(memblock_add((1ULL << 52) - 0x1000, 0x2000), -EINVAL);
	EXPECT_EQ(memblock_reserve(0x1000, 0), -EINVAL);
	EXPECT_EQ(memblock_reserve(UINT64_MAX, 2), -EINVAL);
	EXPECT_EQ(shim_mm_warnings - w, 6);
	EXPECT_EQ(memblock_total_ram(), 0);
	EXPECT_EQ(memblock_end_of_ram(), 0);
	EXPECT_EQ(free_ranges().n, 0);
	/* Just under the limit is fine. */
	EXPECT_EQ(memblock_add((1ULL << 52) - 0x1000, 0x1000), 0);
	EXPECT_EQ(memblock_end_of_ram(), 1ULL << 52);
}

HTEST(reservations_carve_free_ranges)
{
	memblock_init();
	EXPECT_EQ(memblock_add(0, 16 * MB), 0);
	EXPECT_EQ(memblock_reserve(1 * MB, 1 * MB), 0);
	EXPECT_EQ(memblock_reserve(1 * MB + 512 * KB, 1536 * KB), 0);	/* overlaps */
	EXPECT_EQ(memblock_reserve(20 * MB, 1 * MB), 0);		/* not RAM */
	EXPECT_EQ(memblock_reserve(5 * MB + 100, 100), 0);		/* unaligned */
	EXPECT_EQ(memblock_reserve(15 * MB, 2 * MB), 0);		/* past the end */
	struct ranges r = free_ranges();
	EXPECT_EQ(r.n, 3);
	EXPECT_EQ(r.base[0], 0);
	EXPECT_EQ(r.size[0], 1 * MB);
	EXPECT_EQ(r.base[1], 3 * MB);
	EXPECT_EQ(r.size[1], 2 * MB);
	EXPECT_EQ(r.base[2], 5 * MB + 4096);
	EXPECT_EQ(r.size[2], 10 * MB - 4096);
	EXPECT_EQ(memblock_reserved_ram(), 2 * MB + 100 + 1 * MB);
	EXPECT_EQ(memblock_total_ram(), 16 * MB);
}

HTEST(free_ranges_trimmed_to_pages)
{
	memblock_init();
	EXPECT_EQ(memblock_add(0x1234, 0x3000), 0);	/* [0x1234, 0x4234) */
	EXPECT_EQ(memblock_add(0x10000, 0x800), 0);	/* holds no whole page */
	struct ranges r = free_ranges();
	EXPECT_EQ(r.n, 1);
	EXPECT_EQ(r.base[0], 0x2000);
	EXPECT_EQ(r.size[0], 0x2000);
}

HTEST(alloc_top_down_aligned_limited)
{
	memblock_init();
	EXPECT_EQ(memblock_add(1 * MB, 16 * MB), 0);
	uint64_t a = memblock_alloc(4096, 4096, UINT64_MAX);
	EXPECT_EQ(a, 17 * MB - 4096);
	uint64_t b = memblock_alloc(4096, 4096, UINT64_MAX);
	EXPECT_EQ(b, 17 * MB - 8192);
	uint64_t c = memblock_alloc(100, 1 * MB, UINT64_MAX);
	EXPECT_EQ(c, 16 * MB);
	uint64_t d = memblock_alloc(10, 0, UINT64_MAX);	/* align 0 = 1 */
	EXPECT_EQ(d, 17 * MB - 8192 - 10);
	uint64_t e = memblock_alloc(4096, 4096, 8 * MB);
	EXPECT_EQ(e, 8 * MB - 4096);
	EXPECT_EQ(memblock_alloc(17 * MB, 4096, UINT64_MAX), 0);
	EXPECT_EQ(memblock_alloc(4096, 4096, 1 * MB + 4095), 0);
	EXPECT_EQ(memblock_alloc(4096, 3, UINT64_MAX), 0);	/* align not 2^n */
	EXPECT_EQ(memblock_alloc(0, 4096, UINT64_MAX), 0);
	/* Allocated memory is no longer free; free ranges shrink to whole pages. */
	struct ranges r = free_ranges();
	EXPECT_EQ(r.n, 3);
	EXPECT_EQ(r.base[0], 1 * MB);
	EXPECT_EQ(r.size[0], 7 * MB - 4096);
	EXPECT_EQ(r.base[1], 8 * MB);
	EXPECT_EQ(r.size[1], 8 * MB);
	EXPECT_EQ(r.base[2], 16 * MB + 4096);
	EXPECT_EQ(r.size[2], 1 * MB - 16384);
	EXPECT_EQ(memblock_reserved_ram(), 3 * 4096 + 100 + 10);
}

HTEST(alloc_skips_reserved_and_fills_gaps)
{
	memblock_init();
	EXPECT_EQ(memblock_add(0, 4 * MB), 0);
	EXPECT_EQ(memblock_add(8 * MB, 1 * MB), 0);
	EXPECT_EQ(memblock_reserve(8 * MB + 4096, 1 * MB), 0);	/* leaves one page at 8M */
	EXPECT_EQ(memblock_reserve(2 * MB, 2 * MB), 0);
	/* 8 KiB does not fit in the 4 KiB hole at 8M: lands below 2M. */
	EXPECT_EQ(memblock_alloc(8192, 4096, UINT64_MAX), 2 * MB - 8192);
	EXPECT_EQ(memblock_alloc(4096, 4096, UINT64_MAX), 8 * MB);
	/* Physical address 0 is never returned: it means failure. */
	EXPECT_EQ(memblock_alloc(2 * MB - 8192, 4096, UINT64_MAX), 0);
	EXPECT_EQ(memblock_alloc(2 * MB - 8192 - 4096, 4096, UINT64_MAX), 4096);
}

HTEST(alloc_limit_cap)
{
	memblock_init();
	EXPECT_EQ(memblock_add(0, 64 * MB), 0);
	memblock_set_alloc_limit(16 * MB);
	EXPECT_EQ(memblock_alloc(4096, 4096, UINT64_MAX), 16 * MB - 4096);
	EXPECT_EQ(memblock_alloc(4096, 4096, 8 * MB), 8 * MB - 4096);
	memblock_init();
	EXPECT_EQ(memblock_add(0, 64 * MB), 0);
	EXPECT_EQ(memblock_alloc(4096, 4096, UINT64_MAX), 64 * MB - 4096);
}

HTEST(freeze_refuses_alloc)
{
	memblock_init();
	EXPECT_EQ(memblock_add(0, 64 * MB), 0);
	memblock_freeze();
	int e = shim_mm_errors;
	EXPECT_EQ(memblock_alloc(4096, 4096, UINT64_MAX), 0);
	EXPECT_EQ(shim_mm_errors, e + 1);
}

HTEST(capacity_overflow_reported)
{
	memblock_init();
	for (int i = 0; i < MEMBLOCK_MAX_REGIONS; i++)
		EXPECT_EQ(memblock_add((uint64_t)i * 2 * MB, MB), 0);
	int w = shim_mm_warnings;
	EXPECT_EQ(memblock_add(1000 * MB, MB), -ENOSPC);
	EXPECT_EQ(shim_mm_warnings, w + 1);
	EXPECT_EQ(memblock_total_ram(), MEMBLOCK_MAX_REGIONS * MB);
	/* Merging into existing regions still works when full. */
	EXPECT_EQ(memblock_add(MB, MB), 0);	/* joins regions 0 and 1 */
	EXPECT_EQ(memblock_total_ram(), (MEMBLOCK_MAX_REGIONS + 1) * MB);
	EXPECT_EQ(memblock_add(1000 * MB, MB), 0);	/* now there is room */
	EXPECT_EQ(free_ranges().n, MEMBLOCK_MAX_REGIONS);
}

HTEST(dump_prints_each_region)
{
	memblock_init();
	EXPECT_EQ(memblock_add(0, 640 * KB), 0);
	EXPECT_EQ(memblock_add(1 * MB, 127 * MB), 0);
	EXPECT_EQ(memblock_reserve(0, 4096), 0);
	int before = shim_mm_infos;
	memblock_dump();
	EXPECT_EQ(shim_mm_infos - before, 4);	/* two RAM, one reserved, one total */
}

/* --- randomized comparison against a bitmap model --- */

#define UNIT 512ULL
#define NUNITS 4096	/* 2 MiB of address space */
#define UNITS_PER_PAGE (4096 / UNIT)

static unsigned char model_mem[NUNITS], model_res[NUNITS];
static unsigned char seen_page[NUNITS / UNITS_PER_PAGE];
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static bool unit_free(uint64_t u)
{
	return model_mem[u] && !model_res[u];
}

static void mark_seen(uint64_t base, uint64_t size, void *arg)
{
	int *bad = arg;

	if (base % 4096 || size % 4096 || base + size > NUNITS * UNIT)
		*bad = 1;
	for (uint64_t p = base / 4096; p < (base + size) / 4096 && !*bad; p++) {
		if (seen_page[p])
			*bad = 1;
		seen_page[p] = 1;
	}
}

/* Highest @align-aligned start s > 0 with [s, s + n units) free and below @limit. */
static uint64_t model_alloc(uint64_t n, uint64_t align_units, uint64_t limit_units)
{
	for (int64_t s = (int64_t)((limit_units - n) / align_units * align_units); s > 0;
	     s -= (int64_t)align_units) {
		uint64_t i;

		for (i = 0; i < n && unit_free((uint64_t)s + i); i++)
			;
		if (i == n)
			return (uint64_t)s;
	}
	return 0;
}

HTEST(random_against_model)
{
	for (int round = 0; round < 40; round++) {
		memblock_init();
		memset(model_mem, 0, sizeof(model_mem));
		memset(model_res, 0, sizeof(model_res));
		for (int op = 0; op < 60; op++) {
			uint64_t b = rnd() % NUNITS, n = 1 + rnd() % 256;
			unsigned int kind = rnd() % 3;

			if (b + n > NUNITS)
				n = NUNITS - b;
			if (kind == 2) {
				uint64_t align = 1ULL << (rnd() % 5);
				uint64_t limit = 1 + rnd() % NUNITS;
				uint64_t want = limit >= n ? model_alloc(n, align, limit) : 0;
				uint64_t got = memblock_alloc(n * UNIT, align * UNIT, limit * UNIT);

				EXPECT_EQ(got, want * UNIT);
				if (got)
					memset(model_res + want, 1, n);
				continue;
			}
			EXPECT_EQ(kind ? memblock_reserve(b * UNIT, n * UNIT)
				       : memblock_add(b * UNIT, n * UNIT), 0);
			memset((kind ? model_res : model_mem) + b, 1, n);
		}
		uint64_t ram = 0, res = 0;
		for (int u = 0; u < NUNITS; u++) {
			ram += model_mem[u];
			res += model_mem[u] && model_res[u];
		}
		EXPECT_EQ(memblock_total_ram(), ram * UNIT);
		EXPECT_EQ(memblock_reserved_ram(), res * UNIT);

		int bad = 0;
		memset(seen_page, 0, sizeof(seen_page));
		memblock_for_each_free(mark_seen, &bad);
		EXPECT(!bad);
		for (int p = 0; p < NUNITS / (int)UNITS_PER_PAGE; p++) {
			bool all = true;

			for (uint64_t i = 0; i < UNITS_PER_PAGE; i++)
				all = all && unit_free(p * UNITS_PER_PAGE + i);
			EXPECT_EQ(seen_page[p], all);
		}
	}
}

HTEST_MAIN()
