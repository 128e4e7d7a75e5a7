/*
 * memblock: boot-time physical memory map. Two sorted arrays of disjoint,
 * non-touching regions: usable RAM and reserved ranges. Adding a region
 * merges it with every region it overlaps or touches, so each array is
 * always the union of what was given. Free memory is RAM minus reserved,
 * computed on demand. Allocation is top-down so low memory (needed by
 * devices and the SMP trampoline) is kept for last.
 *
 * Boot-only and single-threaded: see the header for the locking rule.
 */
#define pr_fmt(fmt) "memblock: " fmt

#include <ferrite/memblock.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <arch/memlayout.h>

struct memblock_region {
	uint64_t base;
	uint64_t size;
};

struct memblock_type {
	const char *name;
	unsigned int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

static struct memblock_type memblock_memory = { .name = "usable" };
static struct memblock_type memblock_reserved = { .name = "reserved" };
static uint64_t memblock_alloc_limit = UINT64_MAX;
static bool memblock_frozen;

static inline uint64_t region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

void memblock_init(void)
{
	memblock_memory.cnt = 0;
	memblock_reserved.cnt = 0;
	memblock_alloc_limit = UINT64_MAX;
	memblock_frozen = false;
}

void memblock_set_alloc_limit(uint64_t limit)
{
	memblock_alloc_limit = limit;
}

void memblock_freeze(void)
{
	memblock_frozen = true;
}

/* Check a region given by a caller; warns and returns false when it is bad. */
static bool region_valid(const struct memblock_type *type, uint64_t base, uint64_t size)
{
	if (size == 0) {
		pr_warn("ignoring empty %s region at 0x%llx\n", type->name,
			(unsigned long long)base);
		return false;
	}
	if (base + size < base || base + size > MEMBLOCK_PHYS_LIMIT) {
		pr_warn("ignoring absurd %s region base 0x%llx size 0x%llx\n", type->name,
			(unsigned long long)base, (unsigned long long)size);
		return false;
	}
	return true;
}

/* Remove entries [from, to) of @type, closing the gap. */
static void type_remove_range(struct memblock_type *type, unsigned int from, unsigned int to)
{
	unsigned int n = to - from;

	for (unsigned int i = to; i < type->cnt; i++)
		type->regions[i - n] = type->regions[i];
	type->cnt -= n;
}

/*
 * Insert [base, end) into @type, merging it with every region it overlaps
 * or touches. Returns 0 or -ENOSPC (the array is left unchanged then).
 */
static int type_add(struct memblock_type *type, uint64_t base, uint64_t end)
{
	unsigned int first, last, i;

	/* first: first region that ends at or after base (may touch it). */
	for (first = 0; first < type->cnt; first++)
		if (region_end(&type->regions[first]) >= base)
			break;
	/* last: one past the last region that starts at or before end. */
	for (last = first; last < type->cnt; last++)
		if (type->regions[last].base > end)
			break;

	if (first == last) {
		if (type->cnt == MEMBLOCK_MAX_REGIONS) {
			pr_warn("too many %s regions, dropping [0x%llx-0x%llx)\n", type->name,
				(unsigned long long)base, (unsigned long long)end);
			return -ENOSPC;
		}
		for (i = type->cnt; i > first; i--)
			type->regions[i] = type->regions[i - 1];
		type->cnt++;
	} else {
		base = MIN(base, type->regions[first].base);
		end = MAX(end, region_end(&type->regions[last - 1]));
		type_remove_range(type, first + 1, last);
	}
	type->regions[first].base = base;
	type->regions[first].size = end - base;
	return 0;
}

int memblock_add(uint64_t base, uint64_t size)
{
	if (memblock_frozen)
		pr_warn("add after freeze: [0x%llx+0x%llx) is never used\n",
			(unsigned long long)base, (unsigned long long)size);
	if (!region_valid(&memblock_memory, base, size))
		return -EINVAL;
	return type_add(&memblock_memory, base, base + size);
}

int memblock_reserve(uint64_t base, uint64_t size)
{
	if (!region_valid(&memblock_reserved, base, size))
		return -EINVAL;
	return type_add(&memblock_reserved, base, base + size);
}

/*
 * Try to place @size bytes aligned to @align as high as possible in the
 * free gap [lo, hi). Returns the address, or 0 when it does not fit.
 * Address 0 is never returned: it is the failure value.
 */
static uint64_t gap_fit(uint64_t lo, uint64_t hi, uint64_t size, uint64_t align)
{
	uint64_t start;

	if (hi <= lo || hi - lo < size)
		return 0;
	start = ALIGN_DOWN(hi - size, align);
	if (start < lo || start == 0)
		return 0;
	return start;
}

/*
 * Highest fit for @size/@align inside RAM region @mem below @limit,
 * between reserved ranges. Returns the address or 0.
 */
static uint64_t region_fit(const struct memblock_region *mem, uint64_t size, uint64_t align,
			   uint64_t limit)
{
	uint64_t lo = mem->base;
	uint64_t top = MIN(region_end(mem), limit);
	uint64_t found;

	for (int j = (int)memblock_reserved.cnt - 1; j >= 0 && top > lo; j--) {
		const struct memblock_region *r = &memblock_reserved.regions[j];

		if (r->base >= top)
			continue;
		if (region_end(r) <= lo)
			break;
		found = gap_fit(MAX(region_end(r), lo), top, size, align);
		if (found)
			return found;
		top = r->base;
	}
	return gap_fit(lo, top, size, align);
}

uint64_t memblock_alloc(uint64_t size, uint64_t align, uint64_t limit)
{
	uint64_t found;

	if (memblock_frozen) {
		pr_err("alloc of 0x%llx bytes after the page allocator took over\n",
		       (unsigned long long)size);
		return 0;
	}
	if (align == 0)
		align = 1;
	if (size == 0 || (align & (align - 1)) != 0 || size >= MEMBLOCK_PHYS_LIMIT) {
		pr_warn("bad alloc request size 0x%llx align 0x%llx\n",
			(unsigned long long)size, (unsigned long long)align);
		return 0;
	}
	limit = MIN(limit, memblock_alloc_limit);

	for (int i = (int)memblock_memory.cnt - 1; i >= 0; i--) {
		found = region_fit(&memblock_memory.regions[i], size, align, limit);
		if (found && memblock_reserve(found, size) == 0)
			return found;
		if (found)
			return 0;
	}
	return 0;
}

uint64_t memblock_start_of_ram(void)
{
	return memblock_memory.cnt ? memblock_memory.regions[0].base : 0;
}

uint64_t memblock_end_of_ram(void)
{
	if (memblock_memory.cnt == 0)
		return 0;
	return region_end(&memblock_memory.regions[memblock_memory.cnt - 1]);
}

uint64_t memblock_total_ram(void)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < memblock_memory.cnt; i++)
		total += memblock_memory.regions[i].size;
	return total;
}

/* Bytes of [base, end) covered by reserved regions. */
static uint64_t reserved_within(uint64_t base, uint64_t end)
{
	uint64_t total = 0;

	for (unsigned int j = 0; j < memblock_reserved.cnt; j++) {
		const struct memblock_region *r = &memblock_reserved.regions[j];
		uint64_t lo = MAX(r->base, base), hi = MIN(region_end(r), end);

		if (hi > lo)
			total += hi - lo;
	}
	return total;
}

uint64_t memblock_reserved_ram(void)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < memblock_memory.cnt; i++) {
		const struct memblock_region *m = &memblock_memory.regions[i];

		total += reserved_within(m->base, region_end(m));
	}
	return total;
}

/* Hand the free range [lo, hi), trimmed to whole pages, to @fn. */
static void emit_free(uint64_t lo, uint64_t hi,
		      void (*fn)(uint64_t base, uint64_t size, void *arg), void *arg)
{
	lo = ALIGN_UP(lo, PAGE_SIZE);
	hi = ALIGN_DOWN(hi, PAGE_SIZE);
	if (hi > lo)
		fn(lo, hi - lo, arg);
}

void memblock_for_each_free(void (*fn)(uint64_t base, uint64_t size, void *arg), void *arg)
{
	for (unsigned int i = 0; i < memblock_memory.cnt; i++) {
		const struct memblock_region *m = &memblock_memory.regions[i];
		uint64_t pos = m->base, end = region_end(m);

		for (unsigned int j = 0; j < memblock_reserved.cnt && pos < end; j++) {
			const struct memblock_region *r = &memblock_reserved.regions[j];

			if (region_end(r) <= pos)
				continue;
			if (r->base >= end)
				break;
			if (r->base > pos)
				emit_free(pos, r->base, fn, arg);
			pos = region_end(r);
		}
		if (pos < end)
			emit_free(pos, end, fn, arg);
	}
}

static void dump_type(const struct memblock_type *type)
{
	for (unsigned int i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];

		pr_info("[mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)r->base,
			(unsigned long long)(region_end(r) - 1), type->name);
	}
}

void memblock_dump(void)
{
	dump_type(&memblock_memory);
	dump_type(&memblock_reserved);
	pr_info("%llu KiB RAM, %llu KiB reserved\n",
		(unsigned long long)(memblock_total_ram() >> 10),
		(unsigned long long)(memblock_reserved_ram() >> 10));
}
