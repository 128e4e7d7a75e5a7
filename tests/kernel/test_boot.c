/*
 * Boot self-tests ("ktest=boot"): run on every machine shape of the boot
 * test matrix to show that what kernel_main set up is really there: the
 * page allocator and heaps work and give back what they took, the direct
 * map and kernel image have the right permissions, every CPU came up, the
 * clock runs, and backtraces can name functions.
 */
#include <ferrite/init.h>
#include <ferrite/ksyms.h>
#include <ferrite/ktest.h>
#include <ferrite/mm.h>
#include <ferrite/page_alloc.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <arch/apic.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/pgtable.h>

extern char _text[], _rodata[], _data[], boot_stack_bottom[];
void kernel_main(uint32_t magic, uint64_t info_phys);

KTEST(boot_page_alloc_every_order)
{
	uint64_t before = page_alloc_free_pages();

	for (unsigned int order = 0; order < PAGE_MAX_ORDER; order++) {
		struct page *pg = page_alloc(order);
		uint8_t *p;

		KEXPECT(pg != NULL);
		KEXPECT(IS_ALIGNED(page_to_phys(pg), PAGE_SIZE << order));
		p = page_to_virt(pg);
		memset(p, 0xa5, PAGE_SIZE << order);
		KEXPECT(p[(PAGE_SIZE << order) - 1] == 0xa5);
		KEXPECT_EQ(page_alloc_free_pages(), before - (1UL << order));
		page_free(pg, order);
	}
	KEXPECT_EQ(page_alloc_free_pages(), before);
}

KTEST(boot_kmalloc_sizes)
{
	uint64_t before;
	void *p[64];

	slab_shrink_all();
	before = page_alloc_free_pages();
	for (int i = 0; i < 64; i++) {
		size_t size = (size_t)1 << (i % 15);

		p[i] = kmalloc(size);
		KEXPECT(p[i] != NULL);
		memset(p[i], i, size);
	}
	for (int i = 0; i < 64; i++) {
		KEXPECT(((uint8_t *)p[i])[0] == i);
		kfree(p[i]);
	}
	slab_shrink_all();
	KEXPECT_EQ(page_alloc_free_pages(), before);
}

static bool mapped(uint64_t va, uint64_t *flags)
{
	uint64_t pa;
	unsigned int level;

	return pgtable_lookup(kernel_pgtable_root, va, &pa, flags, &level) == 0;
}

KTEST(boot_vmalloc_has_guard_page)
{
	uint64_t before = page_alloc_free_pages(), flags;
	uint8_t *p = vmalloc(3 * PAGE_SIZE);

	KEXPECT(p != NULL);
	KEXPECT(mapped((uint64_t)p, &flags) && mapped((uint64_t)p + 2 * PAGE_SIZE, &flags));
	KEXPECT(!mapped((uint64_t)p - PAGE_SIZE, &flags));
	KEXPECT(p[0] == 0 && p[3 * PAGE_SIZE - 1] == 0);
	p[5000] = 7;
	vfree(p);
	KEXPECT(!mapped((uint64_t)p, &flags));
	slab_shrink_all();
	KEXPECT(page_alloc_free_pages() >= before - 1);	/* page-table pages may stay */
}

KTEST(boot_kernel_image_permissions)
{
	uint64_t flags;

	KEXPECT(mapped((uint64_t)_text, &flags));
	KEXPECT(!(flags & PTE_WRITE) && !(flags & PTE_NX));
	KEXPECT(mapped((uint64_t)_rodata, &flags));
	KEXPECT(!(flags & PTE_WRITE));
	KEXPECT(mapped((uint64_t)_data, &flags));
	KEXPECT(flags & PTE_WRITE);
	KEXPECT(!(flags & PTE_USER));
	/* the boot stack has a guard page below it */
	KEXPECT(!mapped((uint64_t)boot_stack_bottom - PAGE_SIZE, &flags));
	KEXPECT(mapped((uint64_t)boot_stack_bottom, &flags));
	/* nothing is left mapped at the bottom of the address space */
	KEXPECT(!mapped(0x100000, &flags));
	KEXPECT(!mapped(0, &flags));
}

KTEST(boot_direct_map_covers_ram)
{
	struct page *pg = page_alloc(0);
	uint64_t flags;

	KEXPECT(pg != NULL);
	KEXPECT(page_to_virt(pg) == phys_to_virt(page_to_phys(pg)));
	KEXPECT(mapped((uint64_t)page_to_virt(pg), &flags));
	KEXPECT(flags & PTE_WRITE);
	page_free(pg, 0);
}

KTEST(boot_all_cpus_online)
{
	uint32_t ids[256];
	int listed = apic_cpu_ids(ids, 256);
	int want = listed > 0 ? listed : 1;

	if (kernel_cmdline.nosmp)
		want = 1;
	else if (kernel_cmdline.maxcpus > 0 && kernel_cmdline.maxcpus < want)
		want = kernel_cmdline.maxcpus;
	KEXPECT_EQ(nr_cpus_online, want);
	for (int i = 0; i < nr_cpus_online; i++)
		KEXPECT(cpus == NULL || (cpus[i] && cpus[i]->online && cpus[i]->id == i));
}

KTEST(boot_clock_advances)
{
	uint64_t t0 = time_boot_ns(), t1;

	KEXPECT(t0 > 0);
	time_delay_ns(2 * NSEC_PER_MSEC);
	t1 = time_boot_ns();
	KEXPECT(t1 - t0 >= 2 * NSEC_PER_MSEC);
	KEXPECT(time_boot_epoch() > 1700000000);	/* after 2023: the RTC was read */
}

KTEST(boot_symbols_resolve)
{
	uint64_t off, size;
	const char *name = ksyms_lookup((uint64_t)kernel_main + 1, &off, &size);

	KEXPECT(name != NULL);
	KEXPECT(strcmp(name, "kernel_main") == 0);
	KEXPECT_EQ(off, 1);
	KEXPECT(size > 1);
	KEXPECT(ksyms_lookup(0x1000, &off, &size) == NULL);
}

KTEST(boot_log_starts_with_banner)
{
	size_t size = 512 * 1024, n;
	char *buf = vmalloc(size);
	bool first_is_banner;

	KEXPECT(buf != NULL);
	n = printk_read_all(buf, size - 1);
	buf[n] = '\0';
	first_is_banner = strncmp(buf, "[    0.000000] Ferrite 0.1.0 (", 30) == 0;
	vfree(buf);
	KEXPECT(n > 0);
	KEXPECT(first_is_banner);
}
