/*
 * The kernel's virtual memory layout on x86_64 (4-level paging):
 *
 *   0x0000000000000000 - 0x00007fffffffffff  user space (128 TiB)
 *   0xffff888000000000 - ...                 direct map of all physical memory
 *   0xffffc90000000000 - 0xffffe8ffffffffff  vmalloc space: kernel stacks with
 *                                            guard pages, MMIO mappings
 *   0xffffffff80000000 - 0xffffffffffffffff  kernel image (-mcmodel=kernel),
 *                                            loaded at physical 1 MiB
 */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define KERNEL_VMA	0xffffffff80000000UL
#define KERNEL_PHYS	0x100000UL
#define DIRECT_MAP_BASE	0xffff888000000000UL
#define VMALLOC_START	0xffffc90000000000UL
#define VMALLOC_END	0xffffe90000000000UL
#define USER_TOP	0x0000800000000000UL

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Kernel virtual address of physical address @phys, through the direct map. */
static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(phys + DIRECT_MAP_BASE);
}

/* Physical address behind a direct-map or kernel-image address. */
static inline uint64_t virt_to_phys(const void *virt)
{
	uint64_t v = (uint64_t)virt;

	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - DIRECT_MAP_BASE;
}
#endif

#endif
