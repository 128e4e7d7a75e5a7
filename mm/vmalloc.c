/*
 * The vmalloc space [VMALLOC_START, VMALLOC_END): virtually contiguous
 * kernel memory built from single pages, kernel stacks, and MMIO mappings.
 * Every area is preceded by an unmapped guard page, so running off the
 * bottom of a stack faults instead of corrupting a neighbour. Areas are kept
 * in an address-sorted list and placed first-fit.
 */
#include <ferrite/errno.h>
#include <ferrite/io.h>
#include <ferrite/list.h>
#include <ferrite/mm.h>
#include <ferrite/page_alloc.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/spinlock.h>
#include <arch/memlayout.h>
#include <arch/pgtable.h>

struct vm_area {
	uint64_t start;		/* [I] first mapped byte (after the guard page) */
	uint64_t size;		/* [I] mapped bytes */
	bool owns_pages;	/* [I] pages were allocated here (not MMIO) */
	struct list_head node;	/* [vmalloc_lock] */
};

/* Lock order: vmalloc_lock, then the page allocator's and slab's locks. */
static DEFINE_SPINLOCK(vmalloc_lock);
/* Serializes changes to the kernel page tables (pgtable_* take no lock);
 * taken alone or inside nothing but the page allocator's lock. */
static DEFINE_SPINLOCK(kernel_pgtable_lock);

static int kpt_map(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	unsigned long irq = spin_lock_irqsave(&kernel_pgtable_lock);
	int err = pgtable_map(kernel_pgtable_root, va, pa, size, flags, 0);

	spin_unlock_irqrestore(&kernel_pgtable_lock, irq);
	return err;
}

static void kpt_unmap(uint64_t va, uint64_t size)
{
	unsigned long irq = spin_lock_irqsave(&kernel_pgtable_lock);

	pgtable_unmap(kernel_pgtable_root, va, size);
	spin_unlock_irqrestore(&kernel_pgtable_lock, irq);
}
static LIST_HEAD(vmalloc_areas);	/* [vmalloc_lock] sorted by start */
static uint64_t vmalloc_pages;		/* [vmalloc_lock] */

void vmalloc_init(void)
{
	pr_info("vmalloc: %#lx-%#lx\n", VMALLOC_START, VMALLOC_END);
}

/*
 * Reserve address space for @size bytes plus a guard page; inserts @area in
 * the list. Returns 0 or -ENOMEM when the space is exhausted.
 */
static int vmalloc_place(struct vm_area *area, uint64_t size)
{
	uint64_t want = size + PAGE_SIZE, cursor = VMALLOC_START;
	struct vm_area *a;
	struct list_head *before = &vmalloc_areas;
	unsigned long flags = spin_lock_irqsave(&vmalloc_lock);

	list_for_each_entry(a, &vmalloc_areas, node) {
		if (a->start - PAGE_SIZE - cursor >= want)
			break;
		cursor = a->start + a->size;
		before = &a->node;
	}
	if (VMALLOC_END - cursor < want) {
		spin_unlock_irqrestore(&vmalloc_lock, flags);
		return -ENOMEM;
	}
	area->start = cursor + PAGE_SIZE;
	area->size = size;
	list_add(&area->node, before);
	vmalloc_pages += size / PAGE_SIZE;
	spin_unlock_irqrestore(&vmalloc_lock, flags);
	return 0;
}

/* The area starting at @start, still listed, or NULL. */
static struct vm_area *vmalloc_find(uint64_t start)
{
	struct vm_area *a, *found = NULL;
	unsigned long flags = spin_lock_irqsave(&vmalloc_lock);

	list_for_each_entry(a, &vmalloc_areas, node) {
		if (a->start == start) {
			found = a;
			break;
		}
	}
	spin_unlock_irqrestore(&vmalloc_lock, flags);
	return found;
}

static struct vm_area *vmalloc_find_remove(uint64_t start)
{
	struct vm_area *a, *found = NULL;
	unsigned long flags = spin_lock_irqsave(&vmalloc_lock);

	list_for_each_entry(a, &vmalloc_areas, node) {
		if (a->start == start) {
			found = a;
			list_del(&a->node);
			vmalloc_pages -= a->size / PAGE_SIZE;
			break;
		}
	}
	spin_unlock_irqrestore(&vmalloc_lock, flags);
	return found;
}

/*
 * Unmap @area, give back its pages if it owns them, then give its address
 * range back and free it. The range is returned last: another CPU may map
 * it again as soon as it is off the list.
 */
static void vmalloc_release(struct vm_area *area)
{
	for (uint64_t off = 0; area->owns_pages && off < area->size; off += PAGE_SIZE) {
		uint64_t pa, fl;
		unsigned int level;

		if (pgtable_lookup(kernel_pgtable_root, area->start + off, &pa, &fl, &level) == 0)
			page_free_phys(pa, 0);
	}
	kpt_unmap(area->start, area->size);
	tlb_flush_kernel_range(area->start, area->size);
	vmalloc_find_remove(area->start);
	kfree(area);
}

/* Map fresh zeroed pages over the whole of @area; -ENOMEM if short. */
static int vmalloc_populate(struct vm_area *area)
{
	for (uint64_t off = 0; off < area->size; off += PAGE_SIZE) {
		struct page *pg = page_alloc_zeroed(0);
		int err;

		if (!pg)
			return -ENOMEM;
		err = kpt_map(area->start + off, page_to_phys(pg), PAGE_SIZE,
			      PTE_PRESENT | PTE_WRITE | PTE_NX | PTE_GLOBAL);
		if (err) {
			page_free(pg, 0);
			return err;
		}
	}
	return 0;
}

void *vmalloc(size_t size)
{
	struct vm_area *area;

	if (size == 0 || size > VMALLOC_END - VMALLOC_START)
		return NULL;
	area = kzalloc(sizeof(*area));
	if (!area)
		return NULL;
	area->owns_pages = true;
	if (vmalloc_place(area, ALIGN_UP(size, PAGE_SIZE))) {
		kfree(area);
		return NULL;
	}
	if (vmalloc_populate(area)) {
		vmalloc_release(area);
		return NULL;
	}
	return (void *)area->start;
}

void vfree(const void *addr)
{
	struct vm_area *area;

	if (!addr)
		return;
	area = vmalloc_find((uint64_t)addr);
	if (!area) {
		pr_err("vfree: %p was not allocated by vmalloc\n", addr);
		return;
	}
	vmalloc_release(area);
}

void *kstack_alloc(size_t size)
{
	return vmalloc(size);
}

void kstack_free(void *base)
{
	vfree(base);
}

uint64_t vmalloc_used_pages(void)
{
	return __atomic_load_n(&vmalloc_pages, __ATOMIC_RELAXED);
}

void *ioremap(uint64_t phys, size_t size, int mode)
{
	uint64_t base = ALIGN_DOWN(phys, PAGE_SIZE);
	uint64_t len = ALIGN_UP(phys + size, PAGE_SIZE) - base;
	uint64_t cache = mode == IOREMAP_WC ? PTE_WC : PTE_UC;
	struct vm_area *area;

	if (size == 0 || phys + size < phys)
		return NULL;
	area = kzalloc(sizeof(*area));
	if (!area)
		return NULL;
	if (vmalloc_place(area, len)) {
		kfree(area);
		return NULL;
	}
	if (kpt_map(area->start, base, len, PTE_PRESENT | PTE_WRITE | PTE_NX | PTE_GLOBAL | cache)) {
		vmalloc_release(area);
		return NULL;
	}
	return (void *)(area->start + (phys - base));
}

void iounmap(void *addr, size_t size)
{
	struct vm_area *area;

	(void)size;
	if (!addr)
		return;
	area = vmalloc_find(ALIGN_DOWN((uint64_t)addr, PAGE_SIZE));
	if (!area) {
		pr_err("iounmap: %p is not an I/O mapping\n", addr);
		return;
	}
	vmalloc_release(area);
}
