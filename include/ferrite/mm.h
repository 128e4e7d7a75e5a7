/*
 * Kernel memory management entry points: boot set-up, the kernel page
 * tables, and the vmalloc space (virtually contiguous allocations, kernel
 * stacks with guard pages, MMIO mappings).
 */
#ifndef FERRITE_MM_H
#define FERRITE_MM_H

#include <ferrite/compiler.h>

extern uint64_t kernel_pgtable_root;	/* [I] physical address of the kernel PML4 */

void mm_init(void);
void mm_switch_kernel_tables(void);

void vmalloc_init(void);

/*
 * Allocate @size bytes (rounded up to pages) of zeroed, virtually contiguous
 * kernel memory, read-write and non-executable, with an unmapped guard page
 * below it. Returns NULL when out of memory or address space.
 */
void *vmalloc(size_t size);
/* Free what vmalloc returned; NULL is ignored. */
void vfree(const void *addr);

/* A kernel stack of @size bytes (guard page below); returns its base or NULL. */
void *kstack_alloc(size_t size);
void kstack_free(void *base);

/* Pages mapped in the vmalloc space, for /proc/meminfo and leak checks. */
uint64_t vmalloc_used_pages(void);

/* Invalidate kernel mappings of [va, va + size) on every CPU. */
void tlb_flush_kernel_range(uint64_t va, uint64_t size);

#endif
