/*
 * Slab caches and kmalloc. A kmem_cache hands out objects of one size cut
 * from slabs (blocks of 2^n pages from the page allocator); kmalloc serves
 * power-of-two size classes from 8 to 2048 bytes out of its own caches and
 * larger requests directly from the page allocator.
 *
 * Every function here may be called from any context, interrupts included:
 * each cache has its own spinlock, taken with interrupts saved off. Lock
 * order: slab_caches_lock (the list of caches), then a cache's lock, then
 * the page allocator's zone lock.
 */
#ifndef FERRITE_SLAB_H
#define FERRITE_SLAB_H

#include <ferrite/compiler.h>

#define KMALLOC_MIN_SIZE	8
#define KMALLOC_MAX_CACHE_SIZE	2048	/* larger kmallocs are whole pages */
#define KMEM_CACHE_NAME_LEN	32

struct kmem_cache;

/* A snapshot of one cache's counters, for /proc/slabinfo. */
struct kmem_cache_stats {
	char name[KMEM_CACHE_NAME_LEN];
	size_t object_size;		/* bytes asked for */
	size_t stride;			/* bytes each object takes in a slab */
	unsigned long active_objs;	/* objects handed out */
	unsigned long num_objs;		/* objects in all slabs */
	unsigned int objs_per_slab;
	unsigned int pages_per_slab;
	unsigned long active_slabs;	/* slabs with at least one object in use */
	unsigned long num_slabs;
};

/*
 * Set up the cache of caches and the kmalloc caches. Call once, after
 * page_alloc_init and before any other function here.
 */
void slab_init(void);

/*
 * Create a cache of objects of @size bytes aligned to @align (a power of
 * two up to PAGE_SIZE; 0 means 8). @name is copied (truncated to 31 chars).
 * Returns the cache, or NULL for bad arguments or no memory.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);

/*
 * Destroy an empty cache and give its pages back. A cache that still has
 * objects in use is reported with pr_err and left alone.
 */
void kmem_cache_destroy(struct kmem_cache *c);

/* An object from @c (contents undefined), or NULL when out of memory. */
void *kmem_cache_alloc(struct kmem_cache *c);
/* An object from @c cleared to zero, or NULL when out of memory. */
void *kmem_cache_zalloc(struct kmem_cache *c);
/*
 * Give @obj back to @c. NULL is ignored. A pointer that is not an object of
 * @c, or the object last freed into its slab, is reported and refused.
 */
void kmem_cache_free(struct kmem_cache *c, void *obj);

/* Give every empty slab of @c back to the page allocator. */
void kmem_cache_shrink(struct kmem_cache *c);
/* kmem_cache_shrink on every cache: run before comparing free page counts. */
void slab_shrink_all(void);

/*
 * Call @fn with a stats snapshot of each cache, in creation order. @fn runs
 * under slab_caches_lock: it may allocate but not create or destroy caches.
 */
void slab_for_each_cache(void (*fn)(const struct kmem_cache_stats *st, void *arg), void *arg);

/*
 * kmalloc: @size bytes (0 is served as 1), aligned to the size class (a
 * power of two, at most PAGE_SIZE), or NULL when out of memory or too big
 * for the page allocator. kzalloc clears the memory; kcalloc allocates n *
 * size cleared bytes and returns NULL if that product overflows.
 */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kcalloc(size_t n, size_t size);

/*
 * Resize @p (from kmalloc, or NULL) to @size bytes, keeping the contents up
 * to the smaller size. Returns the new pointer, or NULL (with @p untouched)
 * when out of memory; size 0 frees @p and returns NULL.
 */
void *krealloc(void *p, size_t size);

/* Free @p from kmalloc (or any kmem_cache). NULL is ignored; bad pointers are reported. */
void kfree(const void *p);

/* Usable size of kmalloc'd @p (at least what was asked), 0 for NULL or a bad pointer. */
size_t ksize(const void *p);

#endif
