/*
 * Host stand-in for the memory layout: in host unit tests "physical memory"
 * is a buffer the test allocates, and a physical address is simply the host
 * address, so phys_to_virt and virt_to_phys are the identity.
 */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

#include <stdint.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define KERNEL_VMA	0xffffffff80000000UL
#define DIRECT_MAP_BASE	0UL
#define VMALLOC_START	0xffffc90000000000UL
#define VMALLOC_END	0xffffe90000000000UL
#define USER_TOP	0x0000800000000000UL

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)phys;
}

static inline uint64_t virt_to_phys(const void *virt)
{
	return (uint64_t)(uintptr_t)virt;
}

#endif
