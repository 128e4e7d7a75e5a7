// host-test-sources: mm/slab.c mm/page_alloc.c mm/memblock.c kernel/spinlock.c tests/host/shim_mm.c
/*
 * Host tests for slab caches and kmalloc, over the real page allocator on a
 * fake 32 MiB RAM (a static host buffer; on the host physical addresses are
 * host addresses). Every test checks that the page count comes back to
 * where it started once everything is freed and empty slabs are shrunk.
 */
#include "htest.h"
#include "shim_mm.h"
#include <stdint.h>
#include <ferrite/memblock.h>
#include <ferrite/page_alloc.h>
#include <ferrite/slab.h>

#define MB (1024ULL * 1024)
#define RAM_SIZE (32 * MB)

static char ram[RAM_SIZE] __attribute__((aligned(4 * 1024 * 1024)));
static uint64_t start_free;

static void setup(void)
{
	memblock_init();
	memblock_add((uint64_t)(uintptr_t)ram, RAM_SIZE);
	page_alloc_init();
	slab_init();
	start_free = page_alloc_free_pages();
}

/* All memory back: shrink the caches and compare with the start. */
static bool no_leak(void)
{
	slab_shrink_all();
	return page_alloc_free_pages() == start_free;
}

struct find_stats {
	const char *name;
	struct kmem_cache_stats st;
	int found;
	int caches;
	unsigned long active_total;
};

static void find_cb(const struct kmem_cache_stats *st, void *arg)
{
	struct find_stats *f = arg;

	f->caches++;
	if (strcmp(st->name, "kmem_cache") != 0)	/* the caches themselves */
		f->active_total += st->active_objs;
	if (f->name && strcmp(st->name, f->name) == 0) {
		f->st = *st;
		f->found++;
	}
}

static struct find_stats stats_of(const char *name)
{
	struct find_stats f = { .name = name };

	slab_for_each_cache(find_cb, &f);
	return f;
}

static size_t class_of(size_t size)
{
	size_t c = KMALLOC_MIN_SIZE;

	if (size > KMALLOC_MAX_CACHE_SIZE)
		return PAGE_SIZE << page_order_for(size);
	while (c < size)
		c *= 2;
	return c;
}

HTEST(size_classes_and_alignment)
{
	setup();
	static const size_t sizes[] = { 0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
					100, 128, 129, 200, 256, 257, 500, 512, 513, 1000,
					1024, 1025, 2000, 2047, 2048, 2049, 3000, 4096, 4097,
					8192, 10000, 65536, 100000, 1 << 20, 4 << 20 };
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t sz = sizes[i], cls = class_of(sz ? sz : 1);
		unsigned char *p = kmalloc(sz);

		EXPECT(p != NULL);
		EXPECT_EQ(ksize(p), cls);
		EXPECT_EQ((uintptr_t)p % (cls < PAGE_SIZE ? cls : PAGE_SIZE), 0);
		memset(p, 0xc3, cls);
		kfree(p);
	}
	EXPECT(kmalloc((size_t)4 << 20 | 1) == NULL);	/* bigger than the largest block */
	EXPECT(kmalloc(SIZE_MAX) == NULL);
	EXPECT(no_leak());
}

HTEST(every_class_many_objects_distinct)
{
	setup();
	static unsigned char *objs[9][300];
	for (int c = 0; c < 9; c++) {
		size_t sz = (size_t)8 << c;

		for (int i = 0; i < 300; i++) {
			objs[c][i] = kmalloc(sz);
			EXPECT(objs[c][i] != NULL);
			memset(objs[c][i], c * 31 + i, sz);
		}
	}
	for (int c = 0; c < 9; c++) {
		size_t sz = (size_t)8 << c;

		for (int i = 0; i < 300; i++) {
			for (size_t k = 0; k < sz; k++)
				EXPECT_EQ(objs[c][i][k], (unsigned char)(c * 31 + i));
			kfree(objs[c][i]);
		}
	}
	struct find_stats f = stats_of(NULL);
	EXPECT_EQ(f.active_total, 0);
	EXPECT_EQ(f.caches, 10);	/* kmem_cache + nine kmalloc classes */
	EXPECT(no_leak());
}

HTEST(reuse_after_free)
{
	setup();
	void *p = kmalloc(64);
	kfree(p);
	void *q = kmalloc(50);
	EXPECT(q == p);
	void *big = kmalloc(3 * PAGE_SIZE);
	kfree(big);
	void *big2 = kmalloc(4 * PAGE_SIZE);
	EXPECT(big2 == big);
	kfree(q);
	kfree(big2);
	EXPECT(no_leak());
}

HTEST(large_allocations_use_pages)
{
	setup();
	uint64_t before = page_alloc_free_pages();
	void *p = kmalloc(5000);
	EXPECT(p != NULL);
	EXPECT_EQ(page_alloc_free_pages(), before - 2);
	EXPECT_EQ((uintptr_t)p % PAGE_SIZE, 0);
	EXPECT_EQ(ksize(p), 2 * PAGE_SIZE);
	void *q = kmalloc(3 * MB);
	EXPECT(q != NULL);
	EXPECT_EQ(ksize(q), 4 * MB);
	EXPECT_EQ(page_alloc_free_pages(), before - 2 - 1024);
	memset(q, 1, 3 * MB);
	kfree(p);
	kfree(q);
	EXPECT_EQ(page_alloc_free_pages(), before);
	EXPECT(no_leak());
}

HTEST(bad_frees_reported)
{
	setup();
	int errs = shim_mm_errors;

	kfree(NULL);
	kmem_cache_free(NULL, NULL);
	EXPECT_EQ(shim_mm_errors, errs);

	char *p = kmalloc(128);
	char *big = kmalloc(3 * PAGE_SIZE);
	kfree(p + 8);				/* inside an object */
	kfree(big + PAGE_SIZE);			/* inside a large block */
	kfree(big + 1);
	int on_stack;
	kfree(&on_stack);			/* not in mem_map at all */
	EXPECT_EQ(shim_mm_errors, errs + 4);

	struct kmem_cache *c = kmem_cache_create("test-cache", 128, 0);
	EXPECT(c != NULL);
	kmem_cache_free(c, p);			/* wrong cache */
	EXPECT_EQ(shim_mm_errors, errs + 5);

	kfree(p);
	kfree(p);				/* double free */
	EXPECT_EQ(shim_mm_errors, errs + 6);
	kfree(big);
	kfree(big);				/* double free of pages */
	EXPECT_EQ(shim_mm_errors, errs + 7);
	EXPECT_EQ(ksize(big), 0);
	EXPECT_EQ(shim_mm_errors, errs + 8);

	/* The slab still works after the refused frees. */
	char *a = kmalloc(128), *b = kmalloc(128);
	EXPECT(a && b && a != b);
	kfree(a);
	kfree(b);
	kmem_cache_destroy(c);
	EXPECT(no_leak());
}

HTEST(double_free_detected_in_cache)
{
	setup();
	struct kmem_cache *c = kmem_cache_create("one-obj", 3000, 0);
	int errs = shim_mm_errors;
	void *a = kmem_cache_alloc(c);
	void *b = kmem_cache_alloc(c);
	kmem_cache_free(c, a);
	kmem_cache_free(c, a);
	EXPECT_EQ(shim_mm_errors, errs + 1);
	kmem_cache_free(c, b);
	kmem_cache_free(c, b);
	EXPECT_EQ(shim_mm_errors, errs + 2);
	EXPECT_EQ(stats_of("one-obj").st.active_objs, 0);
	kmem_cache_destroy(c);
	EXPECT(no_leak());
}

HTEST(zeroing_variants)
{
	setup();
	unsigned char *p = kmalloc(256);
	memset(p, 0xff, 256);
	kfree(p);
	unsigned char *q = kzalloc(256);
	EXPECT(q == p);
	for (int i = 0; i < 256; i++)
		EXPECT_EQ(q[i], 0);
	kfree(q);

	unsigned int *arr = kcalloc(100, sizeof(unsigned int));
	EXPECT(arr != NULL);
	for (int i = 0; i < 100; i++)
		EXPECT_EQ(arr[i], 0);
	kfree(arr);
	EXPECT(kcalloc(SIZE_MAX / 2, 3) == NULL);
	EXPECT(kcalloc((size_t)1 << 32, (size_t)1 << 32) == NULL);

	struct kmem_cache *c = kmem_cache_create("zc", 40, 0);
	unsigned char *o = kmem_cache_alloc(c);
	memset(o, 0xee, 40);
	kmem_cache_free(c, o);
	unsigned char *z = kmem_cache_zalloc(c);
	EXPECT(z == o);
	for (int i = 0; i < 40; i++)
		EXPECT_EQ(z[i], 0);
	kmem_cache_free(c, z);
	kmem_cache_destroy(c);
	EXPECT(no_leak());
}

HTEST(krealloc_keeps_contents)
{
	setup();
	char *p = krealloc(NULL, 10);
	EXPECT(p != NULL);
	memcpy(p, "123456789", 10);
	EXPECT(krealloc(p, 16) == p);		/* fits in the 16-byte class */
	char *q = krealloc(p, 3000);
	EXPECT(q != NULL && q != p);
	EXPECT_STREQ(q, "123456789");
	memset(q + 10, 'x', 2990);
	char *r = krealloc(q, 20000);
	EXPECT(r != NULL);
	EXPECT_STREQ(r, "123456789");
	EXPECT_EQ(r[2999], 'x');
	EXPECT(krealloc(r, 0) == NULL);

	/* Every byte of a full object moves. */
	unsigned char *f = kmalloc(16);
	for (int i = 0; i < 16; i++)
		f[i] = (unsigned char)(i + 1);
	unsigned char *g = krealloc(f, 17);
	EXPECT(g != NULL && g != f);
	for (int i = 0; i < 16; i++)
		EXPECT_EQ(g[i], i + 1);
	kfree(g);
	EXPECT(no_leak());
}

HTEST(custom_caches_sizes_and_alignment)
{
	setup();
	static const struct { size_t size, align; } shapes[] = {
		{ 1, 0 }, { 12, 4 }, { 24, 0 }, { 100, 64 }, { 700, 0 }, { 3000, 0 },
		{ 4096, 4096 }, { 5000, 0 }, { 32768, 0 }, { 72, 8 },
	};
	static void *objs[200];
	for (size_t s = 0; s < ARRAY_SIZE(shapes); s++) {
		size_t size = shapes[s].size, align = shapes[s].align ? shapes[s].align : 8;
		struct kmem_cache *c = kmem_cache_create("shape", size, shapes[s].align);

		EXPECT(c != NULL);
		for (int i = 0; i < 200; i++) {
			objs[i] = kmem_cache_alloc(c);
			EXPECT(objs[i] != NULL);
			EXPECT_EQ((uintptr_t)objs[i] % align, 0);
			EXPECT_EQ(ksize(objs[i]), size);
			memset(objs[i], i, size);
		}
		struct find_stats f = stats_of("shape");
		EXPECT_EQ(f.found, 1);
		EXPECT_EQ(f.st.active_objs, 200);
		EXPECT_EQ(f.st.object_size, size);
		EXPECT(f.st.num_objs >= 200);
		EXPECT(f.st.num_objs < 200 + f.st.objs_per_slab);
		EXPECT(f.st.stride >= size);
		/* At most 1/8 of a slab wasted when the object is small. */
		if (size <= 4096)
			EXPECT(f.st.objs_per_slab * f.st.stride * 8 >=
			       7 * f.st.pages_per_slab * PAGE_SIZE);
		for (int i = 0; i < 200; i++) {
			unsigned char *o = objs[i];
			for (size_t k = 0; k < size; k++)
				EXPECT_EQ(o[k], (unsigned char)i);
			kmem_cache_free(c, o);
		}
		EXPECT_EQ(stats_of("shape").st.active_objs, 0);
		kmem_cache_destroy(c);
		EXPECT_EQ(stats_of("shape").found, 0);
	}
	int errs = shim_mm_errors;
	EXPECT(kmem_cache_create("bad", 0, 0) == NULL);
	EXPECT(kmem_cache_create("bad", 64, 3) == NULL);
	EXPECT(kmem_cache_create("bad", 64, 2 * PAGE_SIZE) == NULL);
	EXPECT(kmem_cache_create("bad", 40000, 0) == NULL);
	EXPECT_EQ(shim_mm_errors, errs + 4);
	EXPECT(no_leak());
}

HTEST(destroy_busy_cache_refused)
{
	setup();
	struct kmem_cache *c = kmem_cache_create("busy", 64, 0);
	void *o = kmem_cache_alloc(c);
	int errs = shim_mm_errors;
	kmem_cache_destroy(c);
	EXPECT_EQ(shim_mm_errors, errs + 1);
	EXPECT_EQ(stats_of("busy").found, 1);
	kmem_cache_free(c, o);
	kmem_cache_destroy(c);
	EXPECT_EQ(stats_of("busy").found, 0);
	EXPECT(no_leak());
}

HTEST(stats_track_use)
{
	setup();
	void *p[10];
	for (int i = 0; i < 10; i++)
		p[i] = kmalloc(64);
	struct find_stats f = stats_of("kmalloc-64");
	EXPECT_EQ(f.found, 1);
	EXPECT_EQ(f.st.active_objs, 10);
	EXPECT_EQ(f.st.object_size, 64);
	EXPECT_EQ(f.st.objs_per_slab, 64);
	EXPECT_EQ(f.st.num_slabs, 1);
	EXPECT_EQ(f.st.active_slabs, 1);
	for (int i = 0; i < 10; i++)
		kfree(p[i]);
	f = stats_of("kmalloc-64");
	EXPECT_EQ(f.st.active_objs, 0);
	EXPECT_EQ(f.st.active_slabs, 0);
	EXPECT_EQ(f.st.num_slabs, 1);	/* one empty slab kept */
	slab_shrink_all();
	EXPECT_EQ(stats_of("kmalloc-64").st.num_slabs, 0);

	/* A full slab with a freed object is used again before a new slab. */
	static void *q[256];
	for (int i = 0; i < 64; i++)
		q[i] = kmalloc(64);
	EXPECT_EQ(stats_of("kmalloc-64").st.num_slabs, 1);
	kfree(q[10]);
	EXPECT(kmalloc(64) == q[10]);
	EXPECT_EQ(stats_of("kmalloc-64").st.num_slabs, 1);
	for (int i = 64; i < 256; i++)
		q[i] = kmalloc(64);
	EXPECT_EQ(stats_of("kmalloc-64").st.num_slabs, 4);
	for (int i = 0; i < 256; i++)
		kfree(q[i]);
	/* Only one empty slab is kept; the other pages went back at once. */
	f = stats_of("kmalloc-64");
	EXPECT_EQ(f.st.num_slabs, 1);
	EXPECT_EQ(f.st.active_objs, 0);
	EXPECT(no_leak());
}

HTEST(out_of_memory_returns_null)
{
	setup();
	static void *objs[20000];
	int n = 0;
	void *o;
	while (n < 20000 && (o = kmalloc(2048)) != NULL)
		objs[n++] = o;
	EXPECT(n < 20000);
	EXPECT(n > 10000);
	EXPECT_EQ(page_alloc_free_pages(), 0);
	EXPECT(kmalloc(16) == NULL);	/* no page for a first kmalloc-16 slab */
	EXPECT(kmalloc(10000) == NULL);
	while (n > 0)
		kfree(objs[--n]);
	EXPECT(no_leak());
}

/* --- randomized stress against a shadow model --- */

struct live {
	unsigned char *p;
	size_t size;
	unsigned char tag;
};

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bool pattern_intact(const struct live *l)
{
	for (size_t k = 0; k < l->size; k++)
		if (l->p[k] != l->tag)
			return false;
	return true;
}

HTEST(random_stress_shadow_model)
{
	setup();
	static struct live live[1500];
	struct kmem_cache *c = kmem_cache_create("stress-obj", 200, 32);
	int nlive = 0;

	for (int step = 0; step < 60000; step++) {
		if (nlive < 1500 && rnd() % 100 < 52) {
			unsigned int kind = rnd() % 10;
			size_t size = kind < 6 ? 1 + rnd() % 300 : kind < 9 ? 1 + rnd() % 2048
									   : 1 + rnd() % 20000;
			struct live l = { .size = size, .tag = (unsigned char)rnd() };

			if (rnd() % 8 == 0) {
				l.p = kmem_cache_alloc(c);
				l.size = 200;
			} else {
				l.p = kmalloc(size);
			}
			EXPECT(l.p != NULL);
			EXPECT(ksize(l.p) >= l.size);
			for (int i = 0; i < nlive; i++) {
				struct live *o = &live[i];

				EXPECT(l.p + l.size <= o->p || o->p + o->size <= l.p);
			}
			memset(l.p, l.tag, l.size);
			live[nlive++] = l;
		} else if (nlive > 0) {
			int k = (int)(rnd() % (uint64_t)nlive);

			EXPECT(pattern_intact(&live[k]));
			kfree(live[k].p);	/* kfree takes kmem_cache objects too */
			live[k] = live[--nlive];
		}
	}
	while (nlive > 0) {
		struct live *l = &live[--nlive];
		EXPECT(pattern_intact(l));
		kfree(l->p);
	}
	EXPECT_EQ(stats_of(NULL).active_total, 0);
	kmem_cache_destroy(c);
	EXPECT(no_leak());
}

HTEST_MAIN()
