/*
 * Boot-time memory set-up: feed the firmware memory map to memblock, build
 * the kernel's final page tables (a direct map of every range the firmware
 * describes, with 2 MiB/1 GiB pages; the kernel image at KERNEL_VMA with
 * text read-only+executable, rodata read-only, data and bss non-executable)
 * and switch to them, dropping the boot identity map. Then the buddy
 * allocator takes over every free page and the slab caches start.
 */
#include <ferrite/boot.h>
#include <ferrite/memblock.h>
#include <ferrite/mm.h>
#include <ferrite/page_alloc.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/sort.h>
#include <ferrite/string.h>
#include <arch/cpu.h>
#include <arch/cpufeature.h>
#include <arch/memlayout.h>
#include <arch/pgtable.h>

#define CR4_PGE		(1UL << 7)
#define DIRECT_MAP_GRAIN PGTABLE_SIZE_2M

extern char _kernel_start[], _etext[], _rodata[], _erodata[], _data[], _end[];
extern char boot_stack_bottom[];

uint64_t kernel_pgtable_root;	/* [I] physical address of the kernel PML4 */

static const char *const mem_type_names[] = {
	[BOOT_MEM_USABLE] = "usable", [BOOT_MEM_RESERVED] = "reserved",
	[BOOT_MEM_ACPI_RECLAIM] = "ACPI data", [BOOT_MEM_ACPI_NVS] = "ACPI NVS",
	[BOOT_MEM_BAD] = "unusable",
};

/* Page-table pages before the buddy allocator: from memblock, below 4 GiB
 * so the boot direct map reaches them. */
static uint64_t mm_early_table_page(void)
{
	uint64_t pa = memblock_alloc(PAGE_SIZE, PAGE_SIZE, GiB(4));

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

static uint64_t mm_table_page(void)
{
	struct page *pg = page_alloc_zeroed(0);

	return pg ? page_to_phys(pg) : 0;
}

static void mm_free_table_page(uint64_t pa)
{
	page_free_phys(pa, 0);
}

/* Give memblock the firmware's view of RAM, and reserve what is in use. */
static void mm_setup_memblock(void)
{
	const struct boot_info *bi = &boot_info;
	uint64_t kend = (uint64_t)_end - KERNEL_VMA;

	memblock_init();
	for (int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];

		pr_info("BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)e->base,
			(unsigned long long)(e->base + e->size - 1), mem_type_names[e->type]);
		if (e->type == BOOT_MEM_USABLE)
			memblock_add(e->base, e->size);
	}
	memblock_reserve(0, MiB(1));	/* BIOS data, EBDA, trampoline, option ROMs */
	memblock_reserve(KERNEL_PHYS, kend - KERNEL_PHYS);	/* boot stub + image */
	if (bi->info_size)
		memblock_reserve(bi->info_phys, bi->info_size);
	for (int i = 0; i < bi->nr_modules; i++)
		memblock_reserve(bi->modules[i].start,
				 bi->modules[i].end - bi->modules[i].start);
	if (memblock_total_ram() < MiB(16))
		panic("only %llu KiB of usable RAM; Ferrite needs at least 16 MiB",
		      (unsigned long long)memblock_total_ram() >> 10);
}

static int mm_cmp_range(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Direct-map every firmware range, widened to 2 MiB and merged. */
static void mm_map_direct(uint64_t root)
{
	uint64_t r[BOOT_MAX_MMAP][2];
	unsigned int opts = PGTABLE_HUGE | (cpu_has(X86_PDPE1GB) ? PGTABLE_1G : 0);
	uint64_t flags = PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | (cpu_has(X86_NX) ? PTE_NX : 0);
	int n = 0;

	for (int i = 0; i < boot_info.nr_mmap; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];

		if (e->base >= MEMBLOCK_PHYS_LIMIT)
			continue;
		r[n][0] = ALIGN_DOWN(e->base, DIRECT_MAP_GRAIN);
		r[n][1] = ALIGN_UP(MIN(e->base + e->size, MEMBLOCK_PHYS_LIMIT), DIRECT_MAP_GRAIN);
		n++;
	}
	sort_array(r, n, sizeof(r[0]), mm_cmp_range);
	for (int i = 0; i < n;) {
		uint64_t start = r[i][0], end = r[i][1];

		for (i++; i < n && r[i][0] <= end; i++)
			end = MAX(end, r[i][1]);
		if (pgtable_map(root, DIRECT_MAP_BASE + start, start, end - start, flags, opts))
			panic("cannot build the direct map for %#llx-%#llx",
			      (unsigned long long)start, (unsigned long long)end);
	}
}

static void mm_map_kernel_part(uint64_t root, const char *start, const char *end,
			       uint64_t flags)
{
	uint64_t va = ALIGN_DOWN((uint64_t)start, PAGE_SIZE);
	uint64_t size = ALIGN_UP((uint64_t)end, PAGE_SIZE) - va;

	if (!cpu_has(X86_NX))
		flags &= ~PTE_NX;
	if (size && pgtable_map(root, va, va - KERNEL_VMA, size, flags | PTE_PRESENT | PTE_GLOBAL, 0))
		panic("cannot map the kernel image at %p", start);
}

/*
 * Give every kernel-half PML4 slot its PDPT now, so that user address
 * spaces, which copy the kernel half of the PML4, always see later kernel
 * mappings without any synchronisation.
 */
static void mm_prefill_kernel_half(uint64_t root)
{
	uint64_t *pml4 = phys_to_virt(root);

	for (int i = 256; i < 512; i++) {
		uint64_t pdpt;

		if (pml4[i] & PTE_PRESENT)
			continue;
		pdpt = mm_early_table_page();
		if (!pdpt)
			panic("no memory for the kernel page tables");
		pml4[i] = pdpt | PTE_PRESENT | PTE_WRITE;
	}
}

/* Build the final kernel page tables and switch this CPU to them. */
static void mm_setup_paging(void)
{
	uint64_t root;

	pgtable_set_allocator(mm_early_table_page, NULL);
	root = mm_early_table_page();
	if (!root)
		panic("no memory for the kernel page tables");
	mm_prefill_kernel_half(root);
	mm_map_direct(root);
	mm_map_kernel_part(root, _kernel_start, _etext, 0);
	mm_map_kernel_part(root, _rodata, _erodata, PTE_NX);
	mm_map_kernel_part(root, _data, _end, PTE_WRITE | PTE_NX);
	/* guard page under the boot CPU's stack: the last page of the boot
	 * page tables, which are dead once this CPU leaves them */
	if (pgtable_unmap(root, (uint64_t)boot_stack_bottom - PAGE_SIZE, PAGE_SIZE))
		panic("cannot place the boot stack's guard page");
	kernel_pgtable_root = root;
	mm_switch_kernel_tables();
}

/*
 * Load the kernel page tables on the running CPU with global pages enabled;
 * the boot CPU at boot, every other CPU as it starts.
 */
void mm_switch_kernel_tables(void)
{
	if (cpu_has(X86_PGE))
		arch_write_cr4(arch_read_cr4() | CR4_PGE);
	arch_write_cr3(kernel_pgtable_root);
}

/*
 * Bring up memory management on the boot CPU: memblock, paging, the buddy
 * allocator and the slab caches. Panics (with the reason) only when the
 * machine has too little usable memory to run at all.
 */
void mm_init(void)
{
	mm_setup_memblock();
	mm_setup_paging();
	page_alloc_init();
	pgtable_set_allocator(mm_table_page, mm_free_table_page);
	slab_init();
	vmalloc_init();
	pr_info("Memory: %lluK/%lluK available (%lluK kernel code, %lluK rodata, %lluK rwdata+bss)\n",
		(unsigned long long)page_alloc_free_pages() * 4,
		(unsigned long long)memblock_total_ram() >> 10,
		(unsigned long long)(_etext - _kernel_start) >> 10,
		(unsigned long long)(_erodata - _rodata) >> 10,
		(unsigned long long)(_end - _data) >> 10);
}
