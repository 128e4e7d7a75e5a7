// host-test-sources: arch/x86_64/pgtable.c tests/host/shim_pgtable.c
/*
 * Host tests of the x86_64 page-table code: map/lookup at each page size,
 * -EEXIST and -ENOMEM leaving the tree as it was, splitting of large pages
 * by unmap and protect, freeing of emptied tables (the shim allocator counts
 * live table pages), argument checks, kernel-half addresses, walk, and a
 * randomized comparison against a flat model of a 64 MiB window.
 */
#include "htest.h"
#include <stdint.h>
#include <arch/memlayout.h>
#include <arch/pgtable.h>
#include <ferrite/compiler.h>
#include <ferrite/errno.h>

extern long shim_pt_live;
extern long shim_pt_total;
uint64_t shim_pt_alloc(void);
void shim_pt_free(uint64_t phys);
void shim_pt_fail_at(long n);
void shim_pt_reset(void);

#define P4K	0x1000UL
#define P2M	0x200000UL
#define P1G	0x40000000UL
#define USER_RW	(PTE_WRITE | PTE_USER | PTE_NX)

/*
 * A fresh, empty PML4. It is not one of the shim's pages (so pgtable.c
 * freeing it would abort) and not heap memory (so a test that fails half-way
 * leaks nothing that would hide its report).
 */
static uint64_t new_root(void)
{
	static uint64_t pml4[512] __aligned(4096);

	memset(pml4, 0, sizeof(pml4));
	shim_pt_reset();
	pgtable_set_allocator(shim_pt_alloc, shim_pt_free);
	return (uint64_t)(uintptr_t)pml4;
}

static uint64_t *table(uint64_t phys)
{
	return (uint64_t *)(uintptr_t)(phys & PTE_ADDR_MASK);
}

/* The raw entry for @va at @level (4 = PML4), read independently of pgtable.c. */
static uint64_t raw_entry(uint64_t root, uint64_t va, int level)
{
	uint64_t e = root | PTE_PRESENT;

	for (int l = 4; l >= level; l--) {
		if (!(e & PTE_PRESENT))
			return 0;
		e = table(e)[(va >> (12 + 9 * (l - 1))) & 511];
	}
	return e;
}

/* Tear down a test root, kernel half included; returns table pages still live after. */
static long drop_root(uint64_t root)
{
	uint64_t *pml4 = table(root);

	pgtable_free_user(root);
	for (int i = 256; i < 512; i++) {
		uint64_t va = 0xffff000000000000UL | ((uint64_t)i << 39);

		if (!(pml4[i] & PTE_PRESENT))
			continue;
		pgtable_unmap(root, va, 1UL << 39);
		if (!(pml4[i] & PTE_PRESENT))
			continue;	/* wrongly freed: the test's counts will tell */
		shim_pt_free(pml4[i] & PTE_ADDR_MASK);
		pml4[i] = 0;
	}
	return shim_pt_live;
}

/* Translation of one address: pa, flags and level, or -errno. */
struct xl {
	int err;
	uint64_t pa, flags;
	unsigned int level;
};

static struct xl xlate(uint64_t root, uint64_t va)
{
	struct xl x = { 0 };

	x.err = pgtable_lookup(root, va, &x.pa, &x.flags, &x.level);
	return x;
}

struct leaf {
	uint64_t va, pa, flags;
	unsigned int level;
};

struct leaves {
	int n, stop_after, stop_value;
	struct leaf l[64];
};

static int collect(uint64_t va, uint64_t pa, uint64_t flags, unsigned int level, void *arg)
{
	struct leaves *ls = arg;

	if (ls->n < 64)
		ls->l[ls->n] = (struct leaf){ va, pa, flags, level };
	ls->n++;
	if (ls->stop_after && ls->n == ls->stop_after)
		return ls->stop_value;
	return 0;
}

static int count_leaves(uint64_t root, uint64_t va, uint64_t size)
{
	struct leaves ls = { 0 };

	if (pgtable_walk(root, va, size, collect, &ls))
		return -1;
	return ls.n;
}

HTEST(map_lookup_4k)
{
	uint64_t root = new_root();
	struct xl x;

	EXPECT_EQ(pgtable_map(root, 0x400000, 0x1234000, 3 * P4K, USER_RW, 0), 0);
	EXPECT_EQ(shim_pt_live, 3);
	for (uint64_t i = 0; i < 3; i++) {
		x = xlate(root, 0x400000 + i * P4K + 0x123);
		EXPECT_EQ(x.err, 0);
		EXPECT_EQ(x.pa, 0x1234000 + i * P4K + 0x123);
		EXPECT_EQ(x.level, 1);
		EXPECT_EQ(x.flags, PTE_PRESENT | USER_RW);
	}
	EXPECT_EQ(xlate(root, 0x3ff000).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0x403000).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0x40400000).err, -ENOENT);
	/* Intermediate entries: open to user, writable, never NX. */
	for (int l = 4; l >= 2; l--)
		EXPECT_EQ(raw_entry(root, 0x400000, l) & ~PTE_ADDR_MASK,
			  PTE_PRESENT | PTE_WRITE | PTE_USER);
	/* A kernel mapping's path is not opened to user mode. */
	EXPECT_EQ(pgtable_map(root, KERNEL_VMA, 0x100000, P4K, PTE_WRITE | PTE_GLOBAL, 0), 0);
	EXPECT_EQ(raw_entry(root, KERNEL_VMA, 4) & PTE_USER, 0);
	EXPECT_EQ(raw_entry(root, KERNEL_VMA, 1) & ~PTE_ADDR_MASK,
		  PTE_PRESENT | PTE_WRITE | PTE_GLOBAL);
	/* A user mapping under an existing kernel-only path opens that path. */
	EXPECT_EQ(pgtable_map(root, 0x5000000, 0x1000, P4K, 0, 0), 0);
	EXPECT_EQ(pgtable_map(root, 0x5001000, 0x2000, P4K, PTE_USER, 0), 0);
	EXPECT_EQ(raw_entry(root, 0x5001000, 2) & PTE_USER, PTE_USER);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(map_2m_pages)
{
	uint64_t root = new_root();
	struct leaves ls = { 0 };
	struct xl x;

	EXPECT_EQ(pgtable_map(root, 0x40000000, 0x80000000, 2 * P2M, PTE_WRITE, PGTABLE_HUGE), 0);
	EXPECT_EQ(shim_pt_live, 2);	/* PDPT and PD, no PT */
	x = xlate(root, 0x40000000 + 0x2fffff);
	EXPECT_EQ(x.err, 0);
	EXPECT_EQ(x.pa, 0x802fffff);
	EXPECT_EQ(x.level, 2);
	EXPECT_EQ(x.flags, PTE_PRESENT | PTE_WRITE);
	EXPECT_EQ(raw_entry(root, 0x40000000, 2) & PTE_HUGE, PTE_HUGE);

	/* Without PGTABLE_HUGE: 4 KiB pages. */
	EXPECT_EQ(pgtable_map(root, 0x40400000, 0x80400000, P2M, PTE_WRITE, 0), 0);
	EXPECT_EQ(xlate(root, 0x40400000).level, 1);
	EXPECT_EQ(shim_pt_live, 3);

	/* pa not 2 MiB aligned: 4 KiB pages although va is. */
	EXPECT_EQ(pgtable_map(root, 0x80000000, 0x80201000, P2M, 0, PGTABLE_HUGE), 0);
	x = xlate(root, 0x801ff000);
	EXPECT_EQ(x.level, 1);
	EXPECT_EQ(x.pa, 0x80400000);

	/* Unaligned head and tail around one 2 MiB page. */
	EXPECT_EQ(pgtable_map(root, 0x1ff000, 0x5ff000, P2M + 2 * P4K, 0, PGTABLE_HUGE), 0);
	EXPECT_EQ(pgtable_walk(root, 0, P1G, collect, &ls), 0);
	EXPECT_EQ(ls.n, 3);
	EXPECT_EQ(ls.l[0].va, 0x1ff000);
	EXPECT_EQ(ls.l[0].pa, 0x5ff000);
	EXPECT_EQ(ls.l[0].level, 1);
	EXPECT_EQ(ls.l[1].va, 0x200000);
	EXPECT_EQ(ls.l[1].pa, 0x600000);
	EXPECT_EQ(ls.l[1].level, 2);
	EXPECT_EQ(ls.l[2].va, 0x400000);
	EXPECT_EQ(ls.l[2].pa, 0x800000);
	EXPECT_EQ(ls.l[2].level, 1);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(map_1g_pages)
{
	uint64_t root = new_root();
	struct xl x;

	EXPECT_EQ(pgtable_map(root, P1G, 0x100000000, P1G, PTE_WRITE, PGTABLE_HUGE | PGTABLE_1G),
		  0);
	EXPECT_EQ(shim_pt_live, 1);	/* the PDPT alone */
	x = xlate(root, P1G + 0x12345678);
	EXPECT_EQ(x.err, 0);
	EXPECT_EQ(x.pa, 0x112345678);
	EXPECT_EQ(x.level, 3);
	EXPECT_EQ(x.flags, PTE_PRESENT | PTE_WRITE);

	/* PGTABLE_HUGE alone stops at 2 MiB. */
	EXPECT_EQ(pgtable_map(root, 2 * P1G, 0x100000000, P1G, PTE_WRITE, PGTABLE_HUGE), 0);
	EXPECT_EQ(shim_pt_live, 2);
	x = xlate(root, 2 * P1G + P1G - 1);
	EXPECT_EQ(x.level, 2);
	EXPECT_EQ(x.pa, 0x13fffffff);
	EXPECT_EQ(count_leaves(root, 2 * P1G, P1G), 512);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(pat_bit_moves_with_page_size)
{
	uint64_t root = new_root();
	uint64_t e;
	struct xl x;

	EXPECT_EQ(pgtable_map(root, P2M, 0x600000, P2M, PTE_PAT | PTE_PCD, PGTABLE_HUGE), 0);
	e = raw_entry(root, P2M, 2);
	EXPECT_EQ(e & (PTE_HUGE | PTE_PAT_LARGE | PTE_PCD), PTE_HUGE | PTE_PAT_LARGE | PTE_PCD);
	EXPECT_EQ(e & PTE_ADDR_MASK & ~PTE_PAT_LARGE, 0x600000);
	x = xlate(root, P2M + 0x5000);
	EXPECT_EQ(x.pa, 0x605000);
	EXPECT_EQ(x.flags, PTE_PRESENT | PTE_PAT | PTE_PCD);
	/* Splitting turns the large-page PAT bit into the 4 KiB one. */
	EXPECT_EQ(pgtable_unmap(root, P2M, P4K), 0);
	e = raw_entry(root, P2M + P4K, 1);
	EXPECT_EQ(e, 0x601000 | PTE_PRESENT | PTE_PAT | PTE_PCD);
	x = xlate(root, P2M + P4K);
	EXPECT_EQ(x.level, 1);
	EXPECT_EQ(x.flags, PTE_PRESENT | PTE_PAT | PTE_PCD);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(overlap_gives_eexist_and_restores)
{
	uint64_t root = new_root();

	/* A page in the middle of the request. */
	EXPECT_EQ(pgtable_map(root, 0x10005000, 0x777000, P4K, PTE_WRITE, 0), 0);
	EXPECT_EQ(pgtable_map(root, 0x10000000, 0x900000, 10 * P4K, 0, 0), -EEXIST);
	EXPECT_EQ(count_leaves(root, 0, P1G), 1);
	EXPECT_EQ(xlate(root, 0x10005000).pa, 0x777000);
	EXPECT_EQ(xlate(root, 0x10005000).flags, PTE_PRESENT | PTE_WRITE);
	EXPECT_EQ(shim_pt_live, 3);

	/* The request first builds new tables, then runs into the old page. */
	EXPECT_EQ(pgtable_map(root, 0x40000000, 0x1000, P4K, 0, 0), 0);
	EXPECT_EQ(shim_pt_live, 5);
	EXPECT_EQ(pgtable_map(root, 0x3ff00000, 0x900000, P2M, 0, 0), -EEXIST);
	EXPECT_EQ(shim_pt_live, 5);
	EXPECT_EQ(xlate(root, 0x3ff00000).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0x3fffffff).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0x40000000).pa, 0x1000);

	/* Against a 2 MiB page, from either side. */
	EXPECT_EQ(pgtable_map(root, 0x800000, 0x800000, P2M, 0, PGTABLE_HUGE), 0);
	EXPECT_EQ(pgtable_map(root, 0x900000, 0x1000, P4K, 0, 0), -EEXIST);
	EXPECT_EQ(pgtable_map(root, 0x600000, 0x600000, 2 * P2M, 0, PGTABLE_HUGE), -EEXIST);
	EXPECT_EQ(xlate(root, 0x600000).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0x900000).level, 2);

	/* A huge request over a 4 KiB page: maps 4 KiB pages first, then undoes them. */
	EXPECT_EQ(pgtable_map(root, 0xc10000, 0x1000, P4K, 0, 0), 0);
	EXPECT_EQ(pgtable_map(root, 0xa00000, 0xa00000, 2 * P2M, 0, PGTABLE_HUGE), -EEXIST);
	EXPECT_EQ(xlate(root, 0xa00000).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0xc00000).err, -ENOENT);
	EXPECT_EQ(count_leaves(root, 0, 4 * P1G), 4);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(unmap_splits_2m_page)
{
	uint64_t root = new_root();
	struct xl x;

	EXPECT_EQ(pgtable_map(root, P2M, 0x40000000, P2M, PTE_WRITE | PTE_NX, PGTABLE_HUGE), 0);
	EXPECT_EQ(shim_pt_live, 2);
	EXPECT_EQ(pgtable_unmap(root, 0x300000, P4K), 0);
	EXPECT_EQ(shim_pt_live, 3);
	EXPECT_EQ(xlate(root, 0x300000).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0x300fff).err, -ENOENT);
	for (uint64_t va = P2M; va < 2 * P2M; va += P4K) {
		if (va == 0x300000)
			continue;
		x = xlate(root, va + 7);
		EXPECT_EQ(x.err, 0);
		EXPECT_EQ(x.pa, 0x40000000 + (va - P2M) + 7);
		EXPECT_EQ(x.level, 1);
		EXPECT_EQ(x.flags, PTE_PRESENT | PTE_WRITE | PTE_NX);
	}
	EXPECT_EQ(count_leaves(root, 0, P1G), 511);
	/* Unmapping the rest frees the PT, PD and PDPT. */
	EXPECT_EQ(pgtable_unmap(root, P2M, P2M), 0);
	EXPECT_EQ(shim_pt_live, 0);
	EXPECT_EQ(table(root)[0], 0);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(unmap_splits_1g_page_twice)
{
	uint64_t root = new_root();
	struct xl x;

	EXPECT_EQ(pgtable_map(root, P1G, 0x100000000, P1G, 0, PGTABLE_HUGE | PGTABLE_1G), 0);
	EXPECT_EQ(pgtable_unmap(root, P1G + P2M + P4K, P4K), 0);
	EXPECT_EQ(shim_pt_live, 3);
	EXPECT_EQ(xlate(root, P1G + P2M + P4K).err, -ENOENT);
	x = xlate(root, P1G + P2M);
	EXPECT_EQ(x.level, 1);
	EXPECT_EQ(x.pa, 0x100000000 + P2M);
	x = xlate(root, P1G + P2M + 2 * P4K);
	EXPECT_EQ(x.level, 1);
	EXPECT_EQ(x.pa, 0x100000000 + P2M + 2 * P4K);
	x = xlate(root, P1G);
	EXPECT_EQ(x.level, 2);
	EXPECT_EQ(x.pa, 0x100000000);
	x = xlate(root, 2 * P1G - 1);
	EXPECT_EQ(x.level, 2);
	EXPECT_EQ(x.pa, 0x13fffffff);
	EXPECT_EQ(count_leaves(root, 0, 4 * P1G), 511 + 511);
	/* A range over holes and pieces of leaves. */
	EXPECT_EQ(pgtable_unmap(root, P1G + P2M - P4K, 3 * P4K), 0);
	EXPECT_EQ(xlate(root, P1G + P2M - 2 * P4K).pa, 0x100000000 + P2M - 2 * P4K);
	EXPECT_EQ(xlate(root, P1G + P2M - P4K).err, -ENOENT);
	EXPECT_EQ(xlate(root, P1G + P2M + 2 * P4K).pa, 0x100000000 + P2M + 2 * P4K);
	EXPECT_EQ(pgtable_unmap(root, 0, 4 * P1G), 0);
	EXPECT_EQ(shim_pt_live, 0);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(unmap_split_failure_keeps_translation)
{
	uint64_t root = new_root();
	struct xl x;

	EXPECT_EQ(pgtable_map(root, P2M, 0x40000000, P2M, 0, PGTABLE_HUGE), 0);
	shim_pt_fail_at(1);
	EXPECT_EQ(pgtable_unmap(root, 0x300000, P4K), -ENOMEM);
	EXPECT_EQ(shim_pt_live, 2);
	x = xlate(root, 0x300000);
	EXPECT_EQ(x.level, 2);
	EXPECT_EQ(x.pa, 0x40100000);

	/* 1 GiB -> 2 MiB works, 2 MiB -> 4 KiB fails: same translation, finer. */
	EXPECT_EQ(pgtable_map(root, P1G, 0x100000000, P1G, 0, PGTABLE_HUGE | PGTABLE_1G), 0);
	shim_pt_fail_at(2);
	EXPECT_EQ(pgtable_protect(root, P1G + 0x5000, P4K, PTE_WRITE), -ENOMEM);
	for (uint64_t off = 0; off < P1G; off += 0x1234567) {
		x = xlate(root, P1G + off);
		EXPECT_EQ(x.err, 0);
		EXPECT_EQ(x.pa, 0x100000000 + off);
		EXPECT_EQ(x.flags, PTE_PRESENT);
	}
	EXPECT_EQ(pgtable_protect(root, P1G + 0x5000, P4K, PTE_WRITE), 0);
	EXPECT_EQ(xlate(root, P1G + 0x5000).flags, PTE_PRESENT | PTE_WRITE);
	EXPECT_EQ(xlate(root, P1G + 0x6000).flags, PTE_PRESENT);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(protect_changes_bits_and_splits_edges)
{
	uint64_t root = new_root();
	struct xl x;
	long live;

	EXPECT_EQ(pgtable_map(root, 0x10000000, 0x500000, 10 * P4K, PTE_WRITE | PTE_USER, 0), 0);
	EXPECT_EQ(pgtable_protect(root, 0x10002000, 3 * P4K, PTE_USER | PTE_NX), 0);
	for (uint64_t i = 0; i < 10; i++) {
		x = xlate(root, 0x10000000 + i * P4K);
		EXPECT_EQ(x.pa, 0x500000 + i * P4K);
		if (i >= 2 && i < 5)
			EXPECT_EQ(x.flags, PTE_PRESENT | PTE_USER | PTE_NX);
		else
			EXPECT_EQ(x.flags, PTE_PRESENT | PTE_WRITE | PTE_USER);
	}
	/* Holes around and inside stay holes. */
	EXPECT_EQ(pgtable_unmap(root, 0x10004000, P4K), 0);
	EXPECT_EQ(pgtable_protect(root, 0x0fff0000, 0x100000, PTE_WRITE), 0);
	EXPECT_EQ(count_leaves(root, 0, P1G), 9);
	EXPECT_EQ(xlate(root, 0x10004000).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0x0fff0000).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0x10003000).flags, PTE_PRESENT | PTE_WRITE);

	/* ACCESSED and DIRTY are the hardware's: kept, never invented. */
	EXPECT_EQ(pgtable_map(root, 0x20000000, 0x1000, P4K, PTE_WRITE | PTE_ACCESSED | PTE_DIRTY,
			      0), 0);
	EXPECT_EQ(pgtable_map(root, 0x20001000, 0x2000, P4K, PTE_WRITE, 0), 0);
	EXPECT_EQ(pgtable_protect(root, 0x20000000, 2 * P4K, PTE_DIRTY | PTE_SW1), 0);
	EXPECT_EQ(xlate(root, 0x20000000).flags, PTE_PRESENT | PTE_ACCESSED | PTE_DIRTY | PTE_SW1);
	EXPECT_EQ(xlate(root, 0x20001000).flags, PTE_PRESENT | PTE_SW1);

	/* Inside a 2 MiB page: split at both edges. */
	EXPECT_EQ(pgtable_map(root, 0x400000, 0x400000, P2M, PTE_WRITE, PGTABLE_HUGE), 0);
	live = shim_pt_live;
	EXPECT_EQ(pgtable_protect(root, 0x401000, P4K, 0), 0);
	EXPECT_EQ(shim_pt_live, live + 1);
	x = xlate(root, 0x401000);
	EXPECT_EQ(x.level, 1);
	EXPECT_EQ(x.flags, PTE_PRESENT);
	EXPECT_EQ(xlate(root, 0x400000).flags, PTE_PRESENT | PTE_WRITE);
	EXPECT_EQ(xlate(root, 0x402000).flags, PTE_PRESENT | PTE_WRITE);
	EXPECT_EQ(xlate(root, 0x5ff000).pa, 0x5ff000);

	/* A whole 2 MiB page keeps its size. */
	EXPECT_EQ(pgtable_map(root, 0x800000, 0x800000, P2M, PTE_WRITE, PGTABLE_HUGE), 0);
	live = shim_pt_live;
	EXPECT_EQ(pgtable_protect(root, 0x800000, P2M, PTE_NX | PTE_PAT), 0);
	EXPECT_EQ(shim_pt_live, live);
	x = xlate(root, 0x9fffff);
	EXPECT_EQ(x.level, 2);
	EXPECT_EQ(x.pa, 0x9fffff);
	EXPECT_EQ(x.flags, PTE_PRESENT | PTE_NX | PTE_PAT);
	EXPECT_EQ(raw_entry(root, 0x800000, 2) & (PTE_HUGE | PTE_PAT_LARGE | PTE_WRITE),
		  PTE_HUGE | PTE_PAT_LARGE);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(protect_to_user_opens_path)
{
	uint64_t root = new_root();

	EXPECT_EQ(pgtable_map(root, 0x10000000, 0x1000, P4K, PTE_WRITE, 0), 0);
	EXPECT_EQ(raw_entry(root, 0x10000000, 4) & PTE_USER, 0);
	EXPECT_EQ(pgtable_protect(root, 0x10000000, P4K, PTE_USER), 0);
	for (int l = 4; l >= 1; l--)
		EXPECT_EQ(raw_entry(root, 0x10000000, l) & PTE_USER, PTE_USER);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(tables_freed_after_full_unmap)
{
	uint64_t root = new_root();

	EXPECT_EQ(pgtable_map(root, 0x1000, 0x1000, 5 * P4K, PTE_WRITE, 0), 0);
	EXPECT_EQ(pgtable_map(root, 0x7f0000000000, 0x2000, 300 * P4K, PTE_USER, 0), 0);
	EXPECT_EQ(pgtable_map(root, 0x7ffffffff000, 0x3000, P4K, PTE_USER, 0), 0);
	EXPECT_EQ(pgtable_map(root, 3 * P1G, 0, 3 * P2M, 0, PGTABLE_HUGE), 0);
	EXPECT_EQ(shim_pt_live, 3 + 3 + 3 + 1);
	/* In pieces, holes included, in no particular order. */
	EXPECT_EQ(pgtable_unmap(root, 0x7f0000000000 + 100 * P4K, 300 * P4K), 0);
	EXPECT_EQ(pgtable_unmap(root, 3 * P1G + P2M + P4K, P2M), 0);
	EXPECT_EQ(pgtable_unmap(root, 0, 3 * P4K), 0);
	EXPECT_EQ(pgtable_unmap(root, 0x7ffffffff000, P4K), 0);
	EXPECT_EQ(pgtable_unmap(root, 0x7f0000000000, 100 * P4K), 0);
	EXPECT_EQ(pgtable_unmap(root, 3 * P1G, 4 * P2M), 0);
	EXPECT(shim_pt_live > 0);
	EXPECT_EQ(pgtable_unmap(root, 0, P2M), 0);
	EXPECT_EQ(shim_pt_live, 0);
	for (int i = 0; i < 512; i++)
		EXPECT_EQ(table(root)[i], 0);
	EXPECT_EQ(drop_root(root), 0);
}

/* va .. va+16K straddles the end of PML4 slot 0: six new tables. */
#define STRADDLE_VA	(0x8000000000UL - 2 * P4K)

HTEST(map_allocation_failure_undone)
{
	for (long n = 1; n <= 6; n++) {
		uint64_t root = new_root();

		shim_pt_fail_at(n);
		EXPECT_EQ(pgtable_map(root, STRADDLE_VA, 0x100000, 4 * P4K, PTE_WRITE, 0), -ENOMEM);
		EXPECT_EQ(shim_pt_total, n - 1);
		EXPECT_EQ(shim_pt_live, 0);
		EXPECT_EQ(count_leaves(root, 0, 2 * (1UL << 39)), 0);
		EXPECT_EQ(drop_root(root), 0);
	}
	uint64_t root = new_root();

	EXPECT_EQ(pgtable_map(root, STRADDLE_VA, 0x100000, 4 * P4K, PTE_WRITE, 0), 0);
	EXPECT_EQ(shim_pt_live, 6);
	EXPECT_EQ(xlate(root, STRADDLE_VA + 3 * P4K).pa, 0x103000);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(map_allocation_failure_keeps_old_mappings)
{
	for (long n = 1; n <= 4; n++) {
		uint64_t root = new_root();
		uint64_t other = 0x8000000000UL + P2M;

		/* Shares the PDPT and PD of slot 1 with the request. */
		EXPECT_EQ(pgtable_map(root, other, 0xabc000, P4K, 0, 0), 0);
		EXPECT_EQ(shim_pt_live, 3);
		shim_pt_fail_at(n);
		EXPECT_EQ(pgtable_map(root, STRADDLE_VA, 0x100000, 4 * P4K, 0, 0), -ENOMEM);
		EXPECT_EQ(shim_pt_live, 3);
		EXPECT_EQ(count_leaves(root, 0, 2 * (1UL << 39)), 1);
		EXPECT_EQ(xlate(root, other).pa, 0xabc000);
		EXPECT_EQ(drop_root(root), 0);
	}
	/* With huge pages: 4K head, 2M middle, then the tail's PT fails. */
	for (long n = 1; n <= 4; n++) {
		uint64_t root = new_root();

		shim_pt_fail_at(n);
		EXPECT_EQ(pgtable_map(root, 0x1ff000, 0x1ff000, P2M + 2 * P4K, 0, PGTABLE_HUGE),
			  -ENOMEM);
		EXPECT_EQ(shim_pt_live, 0);
		EXPECT_EQ(count_leaves(root, 0, P1G), 0);
		EXPECT_EQ(drop_root(root), 0);
	}
}

HTEST(bad_arguments_rejected)
{
	uint64_t root = new_root();
	struct leaves ls = { 0 };
	uint64_t pa;

	/* Not canonical, or crossing out of a half, or wrapping. */
	EXPECT_EQ(pgtable_map(root, 0x0000800000000000, 0, P4K, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_map(root, 0xffff7ffffffff000, 0, P4K, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_map(root, 0x00007ffffffff000, 0, 2 * P4K, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_map(root, 0xfffffffffffff000, 0, 2 * P4K, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_unmap(root, 0x0000800000000000, P4K), -EINVAL);
	EXPECT_EQ(pgtable_protect(root, 0x1234000000000000, P4K, 0), -EINVAL);
	EXPECT_EQ(pgtable_lookup(root, 0x0000800000000000, &pa, NULL, NULL), -EINVAL);
	EXPECT_EQ(pgtable_lookup(root, 0xfffe000000000000, &pa, NULL, NULL), -EINVAL);
	EXPECT_EQ(pgtable_walk(root, 0x0000800000000000, P4K, collect, &ls), -EINVAL);
	EXPECT_EQ(pgtable_walk(root, 0x00007ffffffff000, 2 * P4K, collect, &ls), -EINVAL);
	/* Unaligned or empty. */
	EXPECT_EQ(pgtable_map(root, 0x1001, 0, P4K, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_map(root, 0x1000, 0x10, P4K, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_map(root, 0x1000, 0, 0x1800, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_map(root, 0x1000, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_unmap(root, 0x1000, 0x10), -EINVAL);
	EXPECT_EQ(pgtable_protect(root, 0x1800, P4K, 0), -EINVAL);
	EXPECT_EQ(pgtable_walk(root, 0x1000, 0, collect, &ls), -EINVAL);
	/* Beyond 52-bit physical addresses, unknown options. */
	EXPECT_EQ(pgtable_map(root, 0x1000, 1UL << 52, P4K, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_map(root, 0x1000, (1UL << 52) - P4K, 2 * P4K, 0, 0), -EINVAL);
	EXPECT_EQ(pgtable_map(root, 0x1000, 0x1000, P4K, 0, 0x80), -EINVAL);
	EXPECT_EQ(ls.n, 0);
	EXPECT_EQ(shim_pt_total, 0);
	/* The edges themselves are fine. */
	EXPECT_EQ(pgtable_map(root, 0x00007ffffffff000, (1UL << 52) - P4K, P4K, 0, 0), 0);
	EXPECT_EQ(pgtable_lookup(root, 0x00007fffffffffff, &pa, NULL, NULL), 0);
	EXPECT_EQ(pa, (1UL << 52) - 1);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(kernel_half_addresses)
{
	uint64_t root = new_root();
	const uint64_t dmap = 0xffff888000000000UL, kimg = 0xffffffff80000000UL;
	struct xl x;

	EXPECT_EQ(pgtable_map(root, dmap, 0, 2 * P1G, PTE_WRITE | PTE_GLOBAL | PTE_NX,
			      PGTABLE_HUGE | PGTABLE_1G), 0);
	x = xlate(root, dmap + P1G + 0x12345678);
	EXPECT_EQ(x.err, 0);
	EXPECT_EQ(x.pa, P1G + 0x12345678);
	EXPECT_EQ(x.level, 3);
	EXPECT_EQ(x.flags, PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | PTE_NX);

	EXPECT_EQ(pgtable_map(root, kimg, P2M, 2 * P2M, PTE_GLOBAL, PGTABLE_HUGE), 0);
	EXPECT_EQ(pgtable_map(root, kimg + 2 * P2M, 0x1000, P4K, PTE_WRITE, PGTABLE_HUGE), 0);
	x = xlate(root, kimg + 0x3fffff);
	EXPECT_EQ(x.level, 2);
	EXPECT_EQ(x.pa, 0x5fffff);
	x = xlate(root, kimg + 2 * P2M + 0x10);
	EXPECT_EQ(x.level, 1);
	EXPECT_EQ(x.pa, 0x1010);

	/* The very last page of the address space. */
	EXPECT_EQ(pgtable_map(root, 0xfffffffffffff000, 0x5000, P4K, 0, 0), 0);
	EXPECT_EQ(xlate(root, 0xffffffffffffffff).pa, 0x5fff);
	EXPECT_EQ(count_leaves(root, 0xffffffffffe00000, P2M), 1);
	EXPECT_EQ(count_leaves(root, 0xffff800000000000, 0x800000000000), 2 + 2 + 1 + 1);
	EXPECT_EQ(pgtable_unmap(root, 0xfffffffffffff000, P4K), 0);
	EXPECT_EQ(xlate(root, 0xfffffffffffff000).err, -ENOENT);

	/* Fully unmapped, only the two shared PDPTs remain, and free_user keeps them. */
	EXPECT_EQ(pgtable_unmap(root, dmap, 4 * P1G), 0);
	EXPECT_EQ(pgtable_unmap(root, kimg, 2 * P1G), 0);
	EXPECT_EQ(count_leaves(root, 0xffff800000000000, 0x800000000000), 0);
	EXPECT_EQ(shim_pt_live, 2);
	EXPECT(raw_entry(root, dmap, 4) & PTE_PRESENT);
	EXPECT(raw_entry(root, kimg, 4) & PTE_PRESENT);
	pgtable_free_user(root);
	EXPECT_EQ(shim_pt_live, 2);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(walk_visits_exactly_the_leaves)
{
	uint64_t root = new_root();
	struct leaves ls = { 0 };
	const struct leaf want[] = {
		{ 0x1000, 0xa000, PTE_PRESENT | PTE_WRITE, 1 },
		{ 0x200000, 0x200000, PTE_PRESENT, 2 },
		{ 0x40000000, 0x80000000, PTE_PRESENT | PTE_NX, 3 },
		{ 0x80000000, 0xb000, PTE_PRESENT | PTE_USER, 1 },
	};

	EXPECT_EQ(pgtable_map(root, 0x1000, 0xa000, P4K, PTE_WRITE, 0), 0);
	EXPECT_EQ(pgtable_map(root, 0x200000, 0x200000, P2M, 0, PGTABLE_HUGE), 0);
	EXPECT_EQ(pgtable_map(root, P1G, 0x80000000, P1G, PTE_NX, PGTABLE_HUGE | PGTABLE_1G), 0);
	EXPECT_EQ(pgtable_map(root, 0x80000000, 0xb000, P4K, PTE_USER, 0), 0);
	EXPECT_EQ(pgtable_map(root, 0xffffffff80000000, 0, P4K, 0, 0), 0);

	EXPECT_EQ(pgtable_walk(root, 0, 0x800000000000, collect, &ls), 0);
	EXPECT_EQ(ls.n, 4);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(ls.l[i].va, want[i].va);
		EXPECT_EQ(ls.l[i].pa, want[i].pa);
		EXPECT_EQ(ls.l[i].flags, want[i].flags);
		EXPECT_EQ(ls.l[i].level, want[i].level);
	}
	/* A range starting inside a large leaf reports it whole. */
	ls = (struct leaves){ 0 };
	EXPECT_EQ(pgtable_walk(root, 0x201000, P4K, collect, &ls), 0);
	EXPECT_EQ(ls.n, 1);
	EXPECT_EQ(ls.l[0].va, 0x200000);
	EXPECT_EQ(ls.l[0].level, 2);
	/* Holes only. */
	EXPECT_EQ(count_leaves(root, 0x2000, 0x1fe000), 0);
	/* Upper half. */
	ls = (struct leaves){ 0 };
	EXPECT_EQ(pgtable_walk(root, 0xffff800000000000, 0x800000000000, collect, &ls), 0);
	EXPECT_EQ(ls.n, 1);
	EXPECT_EQ(ls.l[0].va, 0xffffffff80000000);
	/* A non-zero return stops the walk and comes back. */
	ls = (struct leaves){ .stop_after = 2, .stop_value = 7 };
	EXPECT_EQ(pgtable_walk(root, 0, 0x800000000000, collect, &ls), 7);
	EXPECT_EQ(ls.n, 2);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST(free_user_frees_lower_half_only)
{
	uint64_t root = new_root();

	EXPECT_EQ(pgtable_map(root, 0x400000, 0x1000, 20 * P4K, PTE_USER, 0), 0);
	EXPECT_EQ(pgtable_map(root, 0x7fffff000000, P1G, 4 * P2M, PTE_USER, PGTABLE_HUGE), 0);
	EXPECT_EQ(pgtable_map(root, 0x7ffffffff000, 0x1000, P4K, PTE_USER, 0), 0);
	EXPECT_EQ(pgtable_map(root, 0xffffffff80000000, 0x1000, P4K, 0, 0), 0);
	EXPECT_EQ(pgtable_unmap(root, 0x7fffff000000 + P4K, P4K), 0);	/* a split PT too */
	EXPECT(shim_pt_live > 3);
	pgtable_free_user(root);
	EXPECT_EQ(shim_pt_live, 3);
	for (int i = 0; i < 256; i++)
		EXPECT_EQ(table(root)[i], 0);
	EXPECT_EQ(xlate(root, 0x400000).err, -ENOENT);
	EXPECT_EQ(xlate(root, 0xffffffff80000000).pa, 0x1000);
	EXPECT_EQ(drop_root(root), 0);
}

/*
 * Model check: random maps, unmaps and protects (some with an injected
 * allocation failure) over a 64 MiB window that straddles a 1 GiB boundary,
 * compared page by page with a flat array after every step.
 */
#define MODEL_BASE	(P1G - 32 * 0x100000UL)
#define MODEL_PAGES	16384UL

struct model_page {
	uint64_t pa, flags;	/* flags == 0: unmapped */
};

static struct model_page model[MODEL_PAGES];
static long model_large_seen;	/* 2 MiB leaves met by the checks, to prove they happen */
static uint64_t rng_state = 0x9e3779b97f4a7c15UL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int model_fill(uint64_t va, uint64_t pa, uint64_t flags, unsigned int level, void *arg)
{
	struct model_page *seen = arg;
	uint64_t n = 1UL << (9 * (level - 1));

	model_large_seen += level > 1;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t idx = (va - MODEL_BASE) / P4K + i;

		if (va + i * P4K < MODEL_BASE || idx >= MODEL_PAGES)
			continue;
		if (seen[idx].flags)
			return -1;	/* visited twice */
		seen[idx] = (struct model_page){ pa + i * P4K, flags };
	}
	return 0;
}

static bool model_matches(uint64_t root)
{
	static struct model_page seen[MODEL_PAGES];

	memset(seen, 0, sizeof(seen));
	if (pgtable_walk(root, MODEL_BASE, MODEL_PAGES * P4K, model_fill, seen))
		return false;
	return memcmp(seen, model, sizeof(seen)) == 0;
}

static uint64_t random_flags(void)
{
	static const uint64_t bits[] = { PTE_WRITE, PTE_USER, PTE_PWT, PTE_PCD, PTE_PAT,
					 PTE_GLOBAL, PTE_SW1, PTE_NX, PTE_ACCESSED, PTE_DIRTY };
	uint64_t r = rng(), f = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++)
		if (r & (1UL << i))
			f |= bits[i];
	return f;
}

/* One operation (0 map, 1 unmap, 2 protect) on the tree and on the model. */
static int model_step(uint64_t root, unsigned int op, uint64_t first, uint64_t n)
{
	uint64_t va = MODEL_BASE + first * P4K, flags = random_flags();
	bool fail = rng() % 4 == 0;
	int err;

	if (fail)
		shim_pt_fail_at(1 + rng() % 3);
	if (op == 0) {
		uint64_t pa = (rng() % 64) * P2M + (rng() % 4 ? 0 : (rng() % 512) * P4K);
		bool busy = false;

		for (uint64_t i = first; i < first + n; i++)
			busy |= model[i].flags != 0;
		err = pgtable_map(root, va, pa, n * P4K, flags, rng() % 4 ? PGTABLE_HUGE : 0);
		if (busy && err == -EEXIST)
			err = 0;	/* model unchanged, as the tree should be */
		else if (busy && !err)
			err = -1000;
		for (uint64_t i = first; i < first + n && !err && !busy; i++)
			model[i] = (struct model_page){ pa + (i - first) * P4K,
							PTE_PRESENT | flags };
	} else if (op == 1) {
		err = pgtable_unmap(root, va, n * P4K);
		for (uint64_t i = first; i < first + n && !err; i++)
			model[i] = (struct model_page){ 0 };
	} else {
		uint64_t keep = PTE_ACCESSED | PTE_DIRTY;

		err = pgtable_protect(root, va, n * P4K, flags);
		for (uint64_t i = first; i < first + n && !err; i++)
			if (model[i].flags)
				model[i].flags = (model[i].flags & keep) | PTE_PRESENT |
						 (flags & ~keep);
	}
	shim_pt_fail_at(0);
	if (err == -ENOMEM && fail)
		return 0;
	return err;
}

HTEST(random_ops_match_model)
{
	uint64_t root = new_root();

	for (int step = 0; step < 3000; step++) {
		uint64_t n = rng() % 2 ? 1 + rng() % 64 : 1 + rng() % 2048;
		uint64_t first = rng() % MODEL_PAGES;
		unsigned int op = rng() % 8 / 3;	/* map 3/8, unmap 3/8, protect 2/8 */
		int err;

		if (step % 50 == 49) {
			op = 1;		/* clear a wide stretch now and then */
			n = 4096;
		}
		if (rng() % 4)
			first &= ~511UL;	/* 2 MiB aligned starts, so large pages happen */
		if (first + n > MODEL_PAGES)
			n = MODEL_PAGES - first;
		/* Most maps go into a hole (else the window clogs); some overlap. */
		if (op == 0 && rng() % 4) {
			uint64_t i = first;

			while (i < first + n && !model[i].flags)
				i++;
			if (i > first)
				n = i - first;
		}
		err = model_step(root, op, first, n);
		EXPECT_EQ(err, 0);
		EXPECT(model_matches(root));
	}
	EXPECT(model_large_seen > 1000);
	EXPECT_EQ(pgtable_unmap(root, MODEL_BASE, MODEL_PAGES * P4K), 0);
	EXPECT_EQ(shim_pt_live, 0);
	EXPECT_EQ(drop_root(root), 0);
}

HTEST_MAIN()
