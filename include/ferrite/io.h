/*
 * Memory-mapped I/O: mapping device registers into the kernel's address
 * space and reading/writing them with accesses the compiler keeps as they are.
 */
#ifndef FERRITE_IO_H
#define FERRITE_IO_H

#include <ferrite/compiler.h>

#define IOREMAP_UC	0	/* uncached: device registers */
#define IOREMAP_WC	1	/* write-combining where supported: framebuffers */

/*
 * Map @size bytes of physical address space at @phys for MMIO; returns the
 * kernel virtual address or NULL. May sleep-free; safe before SMP start.
 */
void *ioremap(uint64_t phys, size_t size, int mode);
void iounmap(void *addr, size_t size);

static inline uint32_t mmio_read32(const volatile void *addr)
{
	return *(const volatile uint32_t *)addr;
}

static inline void mmio_write32(volatile void *addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline uint64_t mmio_read64(const volatile void *addr)
{
	return *(const volatile uint64_t *)addr;
}

static inline void mmio_write64(volatile void *addr, uint64_t v)
{
	*(volatile uint64_t *)addr = v;
}

#endif
