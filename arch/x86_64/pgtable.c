/*
 * x86_64 4-level paging (Intel SDM vol. 3 §4.5): building, changing,
 * querying and freeing a tree of page tables. Pure C over tables reached
 * through phys_to_virt(), so it also runs in the host unit tests, where
 * "physical" pages are host pages. No TLB flushing here; see pgtable.h for
 * the contract and the locking rules.
 *
 * Levels are numbered as the hardware walks them: 4 = PML4, 3 = PDPT
 * (entries may be 1 GiB leaves), 2 = PD (2 MiB leaves), 1 = PT (4 KiB).
 * Ranges are carried as [va, last] with an inclusive last byte, so a range
 * that ends at the top of the address space does not overflow.
 */
#include <ferrite/compiler.h>
#include <ferrite/errno.h>
#include <arch/memlayout.h>
#include <arch/pgtable.h>

#define PT_ENTRIES	512
#define PT_SHIFT	9
#define ROOT_LEVEL	4
#define UPPER_HALF_IDX	256		/* first PML4 index of the kernel half */
#define PHYS_LAST	0x000fffffffffffffUL	/* 52-bit physical address space */

/* Attribute bits protect leaves as they are (hardware-owned or structural). */
#define PTE_KEEP_ON_PROTECT	(PTE_PRESENT | PTE_ACCESSED | PTE_DIRTY)

static uint64_t (*pgtable_alloc_hook)(void);
static void (*pgtable_free_hook)(uint64_t phys);

/* Carried through the map recursion. */
struct map_ctx {
	uint64_t va;		/* start of the request */
	uint64_t pa;		/* physical address for va */
	uint64_t flags;		/* leaf flags, 4 KiB encoding */
	unsigned int opts;
	uint64_t mapped;	/* bytes installed so far, from va upwards */
};

void pgtable_set_allocator(uint64_t (*alloc_zeroed_page)(void),
			   void (*free_page)(uint64_t phys))
{
	pgtable_alloc_hook = alloc_zeroed_page;
	pgtable_free_hook = free_page;
}

static uint64_t table_alloc(void)
{
	if (!pgtable_alloc_hook)
		return 0;
	return pgtable_alloc_hook();
}

static void table_free(uint64_t phys)
{
	if (pgtable_free_hook)
		pgtable_free_hook(phys);
}

static inline uint64_t level_size(unsigned int level)
{
	return 1UL << (PAGE_SHIFT + PT_SHIFT * (level - 1));
}

static inline unsigned int pt_index(uint64_t va, unsigned int level)
{
	return (va >> (PAGE_SHIFT + PT_SHIFT * (level - 1))) & (PT_ENTRIES - 1);
}

static inline uint64_t *table_of(uint64_t entry)
{
	return phys_to_virt(entry & PTE_ADDR_MASK);
}

static inline bool entry_is_leaf(uint64_t entry, unsigned int level)
{
	return level == 1 || (level <= 3 && (entry & PTE_HUGE));
}

/* Last byte of the chunk of [va, last] that lies under va's entry at level. */
static inline uint64_t chunk_last(uint64_t va, uint64_t last, unsigned int level)
{
	return MIN(last, va | (level_size(level) - 1));
}

/* Entry pointing at a table page; USER must be open on the path of user leaves. */
static inline uint64_t table_entry(uint64_t table_phys, uint64_t leaf_flags)
{
	return table_phys | PTE_PRESENT | PTE_WRITE | (leaf_flags & PTE_USER);
}

/* Leaf entry at @level for @pa with @flags in 4 KiB encoding. */
static uint64_t leaf_encode(uint64_t pa, uint64_t flags, unsigned int level)
{
	flags = (flags & ~PTE_ADDR_MASK) | PTE_PRESENT;
	if (level == 1)
		return pa | flags;
	if (flags & PTE_PAT)
		flags = (flags & ~PTE_PAT) | PTE_PAT_LARGE;
	return pa | flags | PTE_HUGE;
}

/* Flags of leaf @entry at @level, in 4 KiB encoding. */
static uint64_t leaf_flags(uint64_t entry, unsigned int level)
{
	uint64_t flags = entry & ~PTE_ADDR_MASK;

	if (level == 1)
		return flags;
	flags &= ~PTE_HUGE;
	if (entry & PTE_PAT_LARGE)
		flags |= PTE_PAT;
	return flags;
}

/* Physical start of the page mapped by leaf @entry at @level. */
static inline uint64_t leaf_pa(uint64_t entry, unsigned int level)
{
	return entry & PTE_ADDR_MASK & ~(level_size(level) - 1);
}

/*
 * Replace *pte by @new if it still holds *old; else load the current value
 * into *old and fail. Needed on live entries, where the CPU may set A/D.
 */
static inline bool pte_cmpxchg(uint64_t *pte, uint64_t *old, uint64_t new)
{
	return __atomic_compare_exchange_n(pte, old, new, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

static bool table_is_empty(const uint64_t *table)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		if (READ_ONCE(table[i]) & PTE_PRESENT)
			return false;
	return true;
}

static inline bool va_canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

/* The argument rules shared by every range operation (see pgtable.h). */
static int check_range(uint64_t root, uint64_t va, uint64_t size)
{
	uint64_t last = va + size - 1;

	if (!size || !IS_ALIGNED(root | va | size, PAGE_SIZE))
		return -EINVAL;
	if (last < va || !va_canonical(va) || (va >> 47) != (last >> 47))
		return -EINVAL;
	return 0;
}

/*
 * Free the table that the entry *pte at @level (covering @va) points to, if
 * nothing in it is present. Kernel-half PDPTs stay, since every PML4 shares
 * them; so do all tables when there is no free hook.
 */
static void free_table_if_empty(uint64_t *pte, unsigned int level, uint64_t va)
{
	uint64_t e = READ_ONCE(*pte);

	if (level == ROOT_LEVEL && pt_index(va, level) >= UPPER_HALF_IDX)
		return;
	if (!pgtable_free_hook || !table_is_empty(table_of(e)))
		return;
	WRITE_ONCE(*pte, 0);
	table_free(e & PTE_ADDR_MASK);
}

/*
 * Turn the large leaf at *pte (level 2 or 3) into a table of 512 leaves one
 * level down that translate the same way with the same flags. Returns 0 or
 * -ENOMEM (entry unchanged).
 */
static int split_leaf(uint64_t *pte, unsigned int level)
{
	uint64_t table_phys = table_alloc();
	uint64_t *table, old, step = level_size(level - 1);

	if (!table_phys)
		return -ENOMEM;
	table = phys_to_virt(table_phys);
	old = READ_ONCE(*pte);
	do {
		uint64_t pa = leaf_pa(old, level), flags = leaf_flags(old, level);

		for (unsigned int i = 0; i < PT_ENTRIES; i++)
			WRITE_ONCE(table[i], leaf_encode(pa + i * step, flags, level - 1));
	} while (!pte_cmpxchg(pte, &old, table_entry(table_phys, old)));
	return 0;
}

/*
 * Make @b a leaf boundary: split the large leaves that contain @b without
 * starting at it, down to whatever size is needed. Returns 0 or -ENOMEM.
 */
static int split_at(uint64_t root, uint64_t b)
{
	uint64_t *table = phys_to_virt(root);

	/* Also covers the ends of the halves, which no leaf crosses. */
	if (IS_ALIGNED(b, PGTABLE_SIZE_1G))
		return 0;
	for (unsigned int level = ROOT_LEVEL; level > 1; level--) {
		uint64_t *pte = &table[pt_index(b, level)];
		uint64_t e = READ_ONCE(*pte);
		int err;

		if (!(e & PTE_PRESENT))
			return 0;
		if (entry_is_leaf(e, level)) {
			if (IS_ALIGNED(b, level_size(level)))
				return 0;
			err = split_leaf(pte, level);
			if (err)
				return err;
			e = READ_ONCE(*pte);
		}
		table = table_of(e);
	}
	return 0;
}

/* Split large leaves so that every leaf is either inside [va, last] or outside. */
static int split_edges(uint64_t root, uint64_t va, uint64_t last)
{
	int err = split_at(root, va);

	if (err)
		return err;
	return split_at(root, last + 1);
}

/*
 * Clear every leaf in [va, last] under @table at @level and free the tables
 * left empty. Leaves are wholly inside the range (split_edges ran first).
 */
static void unmap_level(uint64_t *table, unsigned int level, uint64_t va, uint64_t last)
{
	for (;;) {
		uint64_t end = chunk_last(va, last, level);
		uint64_t *pte = &table[pt_index(va, level)];
		uint64_t e = READ_ONCE(*pte);

		if (!(e & PTE_PRESENT)) {
			/* hole */
		} else if (entry_is_leaf(e, level)) {
			WRITE_ONCE(*pte, 0);
		} else {
			unmap_level(table_of(e), level - 1, va, end);
			free_table_if_empty(pte, level, va);
		}
		if (end == last)
			return;
		va = end + 1;
	}
}

int pgtable_unmap(uint64_t root, uint64_t va, uint64_t size)
{
	int err = check_range(root, va, size);

	if (err)
		return err;
	err = split_edges(root, va, va + size - 1);
	if (err)
		return err;
	unmap_level(phys_to_virt(root), ROOT_LEVEL, va, va + size - 1);
	return 0;
}

/* Whether [va, last] at @level may become one large leaf for ctx @c. */
static bool huge_fits(unsigned int level, uint64_t va, uint64_t last, uint64_t pa,
		      const struct map_ctx *c)
{
	uint64_t size = level_size(level);

	if (level == 3 && !(c->opts & PGTABLE_1G))
		return false;
	if (level > 3 || !(c->opts & PGTABLE_HUGE))
		return false;
	return IS_ALIGNED(va | pa, size) && last - va == size - 1;
}

static int map_level(uint64_t *table, unsigned int level, uint64_t va, uint64_t last,
		     struct map_ctx *c);

/*
 * Give the empty entry *pte at @level a new table and map [va, last] in it.
 * On failure the new table is taken out again if nothing is left in it
 * (kernel-half PDPTs excepted, as in unmap).
 */
static int map_new_table(uint64_t *pte, unsigned int level, uint64_t va, uint64_t last,
			 struct map_ctx *c)
{
	uint64_t table_phys = table_alloc();
	int err;

	if (!table_phys)
		return -ENOMEM;
	WRITE_ONCE(*pte, table_entry(table_phys, c->flags));
	err = map_level(phys_to_virt(table_phys), level - 1, va, last, c);
	if (err)
		free_table_if_empty(pte, level, va);
	return err;
}

/* Map [va, last], which lies under the single entry *pte at @level. */
static int map_entry(uint64_t *pte, unsigned int level, uint64_t va, uint64_t last,
		     struct map_ctx *c)
{
	uint64_t e = READ_ONCE(*pte);
	uint64_t pa = c->pa + (va - c->va);

	if (e & PTE_PRESENT) {
		if (entry_is_leaf(e, level))
			return -EEXIST;
		if ((c->flags & PTE_USER) && !(e & PTE_USER))
			WRITE_ONCE(*pte, e | PTE_USER);
		return map_level(table_of(e), level - 1, va, last, c);
	}
	if (level == 1 || huge_fits(level, va, last, pa, c)) {
		WRITE_ONCE(*pte, leaf_encode(pa, c->flags, level));
		c->mapped += last - va + 1;
		return 0;
	}
	return map_new_table(pte, level, va, last, c);
}

/* Map [va, last] under @table at @level, in address order. */
static int map_level(uint64_t *table, unsigned int level, uint64_t va, uint64_t last,
		     struct map_ctx *c)
{
	for (;;) {
		uint64_t end = chunk_last(va, last, level);
		int err = map_entry(&table[pt_index(va, level)], level, va, end, c);

		if (err)
			return err;
		if (end == last)
			return 0;
		va = end + 1;
	}
}

int pgtable_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
		unsigned int opts)
{
	struct map_ctx c = { .va = va, .pa = pa, .flags = flags, .opts = opts };
	int err = check_range(root, va, size);

	if (err)
		return err;
	if (!IS_ALIGNED(pa, PAGE_SIZE) || pa > PHYS_LAST || size - 1 > PHYS_LAST - pa)
		return -EINVAL;
	if (opts & ~(PGTABLE_HUGE | PGTABLE_1G))
		return -EINVAL;
	err = map_level(phys_to_virt(root), ROOT_LEVEL, va, va + size - 1, &c);
	/*
	 * Everything below va + mapped was empty before (else -EEXIST would
	 * have come earlier) and holds only whole leaves of ours, so this
	 * unmap needs no split and cannot fail.
	 */
	if (err && c.mapped)
		unmap_level(phys_to_virt(root), ROOT_LEVEL, va, va + c.mapped - 1);
	return err;
}

/* Set the attributes of the leaf *pte at @level to @flags, keeping A/D. */
static void protect_leaf(uint64_t *pte, unsigned int level, uint64_t flags)
{
	uint64_t old = READ_ONCE(*pte), new;

	do {
		uint64_t f = (leaf_flags(old, level) & PTE_KEEP_ON_PROTECT) |
			     (flags & ~PTE_KEEP_ON_PROTECT);

		new = leaf_encode(leaf_pa(old, level), f, level);
	} while (!pte_cmpxchg(pte, &old, new));
}

/* Protect every leaf in [va, last] under @table; leaves lie wholly inside. */
static void protect_level(uint64_t *table, unsigned int level, uint64_t va, uint64_t last,
			  uint64_t flags)
{
	for (;;) {
		uint64_t end = chunk_last(va, last, level);
		uint64_t *pte = &table[pt_index(va, level)];
		uint64_t e = READ_ONCE(*pte);

		if (!(e & PTE_PRESENT)) {
			/* hole */
		} else if (entry_is_leaf(e, level)) {
			protect_leaf(pte, level, flags);
		} else {
			if ((flags & PTE_USER) && !(e & PTE_USER))
				WRITE_ONCE(*pte, e | PTE_USER);
			protect_level(table_of(e), level - 1, va, end, flags);
		}
		if (end == last)
			return;
		va = end + 1;
	}
}

int pgtable_protect(uint64_t root, uint64_t va, uint64_t size, uint64_t flags)
{
	int err = check_range(root, va, size);

	if (err)
		return err;
	err = split_edges(root, va, va + size - 1);
	if (err)
		return err;
	protect_level(phys_to_virt(root), ROOT_LEVEL, va, va + size - 1, flags);
	return 0;
}

int pgtable_lookup(uint64_t root, uint64_t va, uint64_t *pa, uint64_t *flags,
		   unsigned int *level)
{
	const uint64_t *table = phys_to_virt(root);

	if (!va_canonical(va) || !IS_ALIGNED(root, PAGE_SIZE))
		return -EINVAL;
	for (unsigned int l = ROOT_LEVEL; l >= 1; l--) {
		uint64_t e = READ_ONCE(table[pt_index(va, l)]);

		if (!(e & PTE_PRESENT))
			return -ENOENT;
		if (!entry_is_leaf(e, l)) {
			table = table_of(e);
			continue;
		}
		if (pa)
			*pa = leaf_pa(e, l) | (va & (level_size(l) - 1));
		if (flags)
			*flags = leaf_flags(e, l);
		if (level)
			*level = l;
		return 0;
	}
	return -ENOENT;		/* not reached: level 1 entries are leaves */
}

/* Free the table pages below @table (at @level), leaving @table itself. */
static void free_below(uint64_t *table, unsigned int level)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = table[i];

		if (!(e & PTE_PRESENT) || entry_is_leaf(e, level))
			continue;
		free_below(table_of(e), level - 1);
		table[i] = 0;
		table_free(e & PTE_ADDR_MASK);
	}
}

void pgtable_free_user(uint64_t root)
{
	uint64_t *pml4 = phys_to_virt(root);

	for (unsigned int i = 0; i < UPPER_HALF_IDX; i++) {
		uint64_t e = pml4[i];

		if (!(e & PTE_PRESENT))
			continue;
		free_below(table_of(e), ROOT_LEVEL - 1);
		WRITE_ONCE(pml4[i], 0);
		table_free(e & PTE_ADDR_MASK);
	}
}

/* Walk state: the caller's callback and its argument. */
struct walk_ctx {
	int (*fn)(uint64_t va, uint64_t pa, uint64_t flags, unsigned int level, void *arg);
	void *arg;
};

static int walk_level(const uint64_t *table, unsigned int level, uint64_t va, uint64_t last,
		      const struct walk_ctx *w)
{
	for (;;) {
		uint64_t end = chunk_last(va, last, level);
		uint64_t e = READ_ONCE(table[pt_index(va, level)]);
		int ret = 0;

		if (!(e & PTE_PRESENT))
			ret = 0;
		else if (entry_is_leaf(e, level))
			ret = w->fn(va & ~(level_size(level) - 1), leaf_pa(e, level),
				    leaf_flags(e, level), level, w->arg);
		else
			ret = walk_level(table_of(e), level - 1, va, end, w);
		if (ret)
			return ret;
		if (end == last)
			return 0;
		va = end + 1;
	}
}

int pgtable_walk(uint64_t root, uint64_t va, uint64_t size,
		 int (*fn)(uint64_t va, uint64_t pa, uint64_t flags, unsigned int level, void *arg),
		 void *arg)
{
	struct walk_ctx w = { .fn = fn, .arg = arg };
	int err = check_range(root, va, size);

	if (err)
		return err;
	return walk_level(phys_to_virt(root), ROOT_LEVEL, va, va + size - 1, &w);
}
