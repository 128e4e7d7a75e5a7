/*
 * In-kernel tests of SMP: every CPU started is online with its own APIC id
 * and per-CPU area; cross-CPU calls run exactly once on each target, also
 * when all CPUs call each other at once; a TLB shoot-down makes a remapped
 * kernel page read the same on every CPU; and the page and slab allocators
 * stay consistent, without leaks, with all CPUs hammering them at once.
 * On a single CPU the cross-CPU parts hold trivially and say so.
 */
#include <ferrite/init.h>
#include <ferrite/ktest.h>
#include <ferrite/mm.h>
#include <ferrite/page_alloc.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/pgtable.h>
#include <arch/smp.h>

#define CALL_ROUNDS		100
#define NESTED_ROUNDS		40
#define TLB_ROUNDS		100
#define STRESS_OPS		4000
#define STRESS_SLOTS		24
#define STRESS_MAX_ORDER	3	/* page blocks of up to 32 KiB */
#define STRESS_MAX_KMALLOC	12000	/* beyond the slab classes: whole pages */

static int test_nr_cpus(void)
{
	return cpus ? nr_cpus : 1;
}

static struct cpu *test_cpu(int i)
{
	return cpus ? cpus[i] : &boot_cpu;
}

static bool test_online(int i)
{
	return __atomic_load_n(&test_cpu(i)->online, __ATOMIC_ACQUIRE);
}

static void test_note_single_cpu(const char *test)
{
	if (nr_cpus_online < 2)
		printk(KERN_INFO "# %s: one CPU online, cross-CPU part holds trivially\n", test);
}

/* ------------------------------------------------------------------------ */

struct whoami {
	struct cpu *self;
	uint32_t apic_id;
	int runs;
};

static void whoami_fn(void *arg)
{
	struct whoami *w = (struct whoami *)arg + this_cpu_id();

	w->self = this_cpu();
	w->apic_id = lapic_id();
	__atomic_fetch_add(&w->runs, 1, __ATOMIC_RELAXED);
}

static void whoami_check(struct ktest_ctx *ktest_ctx, const struct whoami *w, int n)
{
	for (int i = 0; i < n; i++) {
		struct cpu *c = test_cpu(i);

		KEXPECT_EQ(c->id, i);
		KEXPECT(test_online(i));
		KEXPECT(w[i].self == c);	/* its GS base is its own struct cpu */
		KEXPECT_EQ(w[i].apic_id, c->apic_id);
		KEXPECT_EQ(w[i].runs, 1);
		for (int j = 0; j < i; j++) {
			KEXPECT(c != test_cpu(j));
			KEXPECT(c->apic_id != test_cpu(j)->apic_id);
			KEXPECT(c->stack_top != test_cpu(j)->stack_top);
		}
	}
}

/* Every CPU started is online, knows itself, and differs from the others. */
KTEST(smp_cpus_online)
{
	int n = test_nr_cpus();
	struct whoami *w = kcalloc(n, sizeof(*w));

	KEXPECT(w);
	KEXPECT_EQ(nr_cpus_online, n);
	if (!kernel_cmdline.nosmp && kernel_cmdline.maxcpus < 0)
		KEXPECT_EQ(n, apic_cpu_ids(NULL, 0));	/* every CPU the MADT lists */
	smp_call_all(whoami_fn, w);
	whoami_check(ktest_ctx, w, n);
	kfree(w);
	printk(KERN_INFO "# %d CPU%s online\n", n, n > 1 ? "s" : "");
}

/* ------------------------------------------------------------------------ */

static void count_fn(void *arg)
{
	__atomic_fetch_add((int *)arg + this_cpu_id(), 1, __ATOMIC_RELAXED);
}

static void nop_fn(void *arg __unused)
{
}

/* @counts[i] == @others for every CPU but @self, which has @own. */
static bool counts_are(const int *counts, int self, int own, int others)
{
	for (int i = 0; i < test_nr_cpus(); i++)
		if (test_online(i) &&
		    __atomic_load_n(&counts[i], __ATOMIC_RELAXED) != (i == self ? own : others))
			return false;
	return true;
}

/* smp_call_all and smp_call_others run the function once per target. */
KTEST(smp_call_exactly_once)
{
	int n = test_nr_cpus(), self = this_cpu_id();
	int *counts = kcalloc(n, sizeof(*counts));

	KEXPECT(counts);
	for (int r = 0; r < CALL_ROUNDS; r++)
		smp_call_all(count_fn, counts);
	KEXPECT(counts_are(counts, self, CALL_ROUNDS, CALL_ROUNDS));

	memset(counts, 0, n * sizeof(*counts));
	for (int r = 0; r < CALL_ROUNDS; r++)
		smp_call_others(count_fn, counts, true);
	KEXPECT(counts_are(counts, self, 0, CALL_ROUNDS));

	/* without waiting; a CPU runs its calls in order, so a last waited
	 * call proves the earlier ones done */
	memset(counts, 0, n * sizeof(*counts));
	for (int r = 0; r < CALL_ROUNDS; r++)
		smp_call_others(count_fn, counts, false);
	smp_call_others(nop_fn, NULL, true);
	KEXPECT(counts_are(counts, self, 0, CALL_ROUNDS));
	kfree(counts);
	test_note_single_cpu("smp_call_exactly_once");
}

static void nested_fn(void *arg)
{
	for (int r = 0; r < NESTED_ROUNDS; r++)
		smp_call_others(count_fn, arg, r & 1);
	smp_call_others(nop_fn, NULL, true);
}

/* All CPUs call all others at the same time, from interrupt context. */
KTEST(smp_call_concurrent)
{
	int n = test_nr_cpus();
	int *counts = kcalloc(n, sizeof(*counts));
	int others = nr_cpus_online - 1;

	KEXPECT(counts);
	smp_call_all(nested_fn, counts);
	/* every CPU got NESTED_ROUNDS calls from each of the others */
	KEXPECT(counts_are(counts, -1, 0, NESTED_ROUNDS * others));
	kfree(counts);
	test_note_single_cpu("smp_call_concurrent");
}

/* ------------------------------------------------------------------------ */

struct tlb_test {
	volatile uint64_t *va;
	uint64_t *seen;		/* per CPU: what it read */
};

static void tlb_read_fn(void *arg)
{
	struct tlb_test *t = arg;

	t->seen[this_cpu_id()] = *t->va;
}

/* Every online CPU reads t->va and finds @want. */
static bool tlb_all_read(struct tlb_test *t, uint64_t want)
{
	for (int i = 0; i < test_nr_cpus(); i++)
		t->seen[i] = 0;
	smp_call_all(tlb_read_fn, t);
	for (int i = 0; i < test_nr_cpus(); i++) {
		if (test_online(i) && t->seen[i] != want) {
			printk(KERN_ERR "# CPU %d read %#llx, not %#llx\n", i,
			       (unsigned long long)t->seen[i], (unsigned long long)want);
			return false;
		}
	}
	return true;
}

/* Point the kernel page at @va to @pa, then shoot down @flush bytes around it. */
static int tlb_remap(uint64_t va, uint64_t pa, uint64_t flags, uint64_t flush)
{
	int err = pgtable_unmap(kernel_pgtable_root, va, PAGE_SIZE);

	if (!err)
		err = pgtable_map(kernel_pgtable_root, va, pa, PAGE_SIZE, flags, 0);
	tlb_flush_kernel_range(va - flush / 2, flush);
	return err;
}

/*
 * Remap a vmalloc page that every CPU has just read (so every TLB holds it)
 * to another frame; after the shoot-down every CPU reads the new frame.
 * Once with a one-page flush, once with a range large enough for the
 * whole-TLB flush.
 */
KTEST(smp_tlb_shootdown)
{
	struct tlb_test t;
	uint64_t pa_old, pa_new, flags, va;
	unsigned int level;
	struct page *pg;

	t.seen = kcalloc(test_nr_cpus(), sizeof(*t.seen));
	t.va = vmalloc(PAGE_SIZE);
	pg = page_alloc(0);
	KEXPECT(t.seen && t.va && pg);
	va = (uint64_t)t.va;
	KEXPECT_EQ(pgtable_lookup(kernel_pgtable_root, va, &pa_old, &flags, &level), 0);
	KEXPECT_EQ(level, PGTABLE_LEVEL_4K);
	flags &= ~(PTE_ACCESSED | PTE_DIRTY);
	pa_new = page_to_phys(pg);
	*t.va = 0xaaaa0001;
	*(volatile uint64_t *)phys_to_virt(pa_new) = 0xbbbb0002;
	KEXPECT(tlb_all_read(&t, 0xaaaa0001));

	KEXPECT_EQ(tlb_remap(va, pa_new, flags, PAGE_SIZE), 0);
	KEXPECT(tlb_all_read(&t, 0xbbbb0002));
	KEXPECT_EQ(tlb_remap(va, pa_old, flags, 64UL << 20), 0);
	KEXPECT(tlb_all_read(&t, 0xaaaa0001));

	vfree((void *)t.va);
	page_free(pg, 0);
	kfree(t.seen);
	test_note_single_cpu("smp_tlb_shootdown");
}

static void tlb_storm_fn(void *arg)
{
	uint64_t va = (uint64_t)arg;

	for (int r = 0; r < TLB_ROUNDS; r++)
		tlb_flush_kernel_range(va + (r % 4) * PAGE_SIZE, (r & 1) ? PAGE_SIZE : 1UL << 30);
}

/* Shoot-downs from every CPU at once, interrupts off, all complete. */
KTEST(smp_tlb_concurrent)
{
	void *p = vmalloc(4 * PAGE_SIZE);
	int *counts = kcalloc(test_nr_cpus(), sizeof(*counts));

	KEXPECT(p && counts);
	smp_call_all(tlb_storm_fn, p);
	smp_call_all(count_fn, counts);		/* and everyone still answers */
	KEXPECT(counts_are(counts, -1, 1, 1));
	vfree(p);
	kfree(counts);
	test_note_single_cpu("smp_tlb_concurrent");
}

/* ------------------------------------------------------------------------ */

struct stress_block {
	void *p;
	size_t size;
	int order;		/* page block order, or -1 for kmalloc */
	uint64_t tag;
};

struct stress_result {
	int runs;
	int allocs;
	int alloc_failures;
	int corruptions;
};

static uint64_t stress_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t stress_word(uint64_t tag, size_t i)
{
	return tag ^ (i * 0x9e3779b97f4a7c15ULL);
}

static void stress_fill(const struct stress_block *b)
{
	uint64_t *w = b->p;
	uint8_t *tail = b->p;

	for (size_t i = 0; i < b->size / 8; i++)
		w[i] = stress_word(b->tag, i);
	for (size_t i = b->size & ~7UL; i < b->size; i++)
		tail[i] = (uint8_t)(b->tag >> (i & 7));
}

static bool stress_intact(const struct stress_block *b)
{
	const uint64_t *w = b->p;
	const uint8_t *tail = b->p;

	for (size_t i = 0; i < b->size / 8; i++)
		if (w[i] != stress_word(b->tag, i))
			return false;
	for (size_t i = b->size & ~7UL; i < b->size; i++)
		if (tail[i] != (uint8_t)(b->tag >> (i & 7)))
			return false;
	return true;
}

/* Allocate a random block into @b: a page block or a kmalloc of any size. */
static bool stress_alloc(struct stress_block *b, uint64_t r, uint64_t tag)
{
	b->tag = tag;
	if (r & 1) {
		struct page *pg;

		b->order = (r >> 1) % (STRESS_MAX_ORDER + 1);
		b->size = PAGE_SIZE << b->order;
		pg = page_alloc(b->order);
		b->p = pg ? page_to_virt(pg) : NULL;
	} else {
		/* mostly slab sizes, one in four beyond them */
		b->order = -1;
		b->size = 1 + (r >> 8) % (((r >> 4) & 3) ? KMALLOC_MAX_CACHE_SIZE
							   : STRESS_MAX_KMALLOC);
		b->p = kmalloc(b->size);
	}
	if (b->p)
		stress_fill(b);
	return b->p != NULL;
}

static void stress_free(struct stress_block *b)
{
	if (b->order >= 0)
		page_free(virt_to_page(b->p), b->order);
	else
		kfree(b->p);
	b->p = NULL;
}

static void stress_fn(void *arg)
{
	struct stress_result *res = (struct stress_result *)arg + this_cpu_id();
	struct stress_block blocks[STRESS_SLOTS] = {};
	uint64_t seed = 0x2545f4914f6cdd1dULL * (this_cpu_id() + 1);

	res->runs++;
	for (int op = 0; op < STRESS_OPS; op++) {
		uint64_t r = stress_rand(&seed);
		struct stress_block *b = &blocks[r % STRESS_SLOTS];

		if (b->p) {
			res->corruptions += !stress_intact(b);
			stress_free(b);
		} else if (stress_alloc(b, r >> 5, ((uint64_t)this_cpu_id() << 48) | op)) {
			res->allocs++;
		} else {
			res->alloc_failures++;
		}
	}
	for (int i = 0; i < STRESS_SLOTS; i++) {
		if (blocks[i].p) {
			res->corruptions += !stress_intact(&blocks[i]);
			stress_free(&blocks[i]);
		}
	}
}

/*
 * Every CPU at once allocates and frees thousands of page blocks of mixed
 * orders and kmalloc objects of mixed sizes, each filled with a pattern
 * that must be intact when it is freed; at the end no page is missing.
 */
KTEST(smp_alloc_stress)
{
	int n = test_nr_cpus();
	struct stress_result *res = kcalloc(n, sizeof(*res));
	uint64_t before, after;

	KEXPECT(res);
	slab_shrink_all();
	before = page_alloc_free_pages();
	smp_call_all(stress_fn, res);
	slab_shrink_all();
	after = page_alloc_free_pages();
	for (int i = 0; i < n; i++) {
		if (!test_online(i))
			continue;
		KEXPECT_EQ(res[i].runs, 1);
		KEXPECT(res[i].allocs > STRESS_OPS / 4);
		KEXPECT_EQ(res[i].alloc_failures, 0);
		KEXPECT_EQ(res[i].corruptions, 0);
	}
	KEXPECT_EQ(after, before);
	kfree(res);
	test_note_single_cpu("smp_alloc_stress");
}
