/*
 * Slab caches and kmalloc, on top of the page allocator.
 *
 * A slab is one buddy block of 2^order pages cut into equal objects laid
 * from its first byte, so an object's address fixes its slab (round down to
 * the block size) and its index. All bookkeeping lives in struct page: every
 * page of a slab carries PG_SLAB and a pointer to its cache; the head page
 * also holds the count of objects in use and the index of the first free
 * object. A free object stores the index of the next free one in its first
 * two bytes, so slabs carry no header and power-of-two objects pack exactly.
 *
 * Each cache keeps its slabs on three lists: partial (some objects free),
 * full, and free (no object in use; at most SLAB_KEEP_FREE are kept, the
 * rest go back to the page allocator at once). The kmem_cache structures
 * themselves come from a static cache of caches.
 *
 * Locking: slab_caches_lock guards the list of caches; each cache's lock
 * (irqsave) guards its lists, counters and the slab fields of its pages.
 * Pages are allocated and freed with no cache lock held.
 */
#define pr_fmt(fmt) "slab: " fmt

#include <ferrite/slab.h>
#include <ferrite/errno.h>
#include <ferrite/page_alloc.h>
#include <ferrite/printk.h>
#include <ferrite/spinlock.h>
#include <ferrite/string.h>
#include <arch/memlayout.h>

#define SLAB_MAX_ORDER		3	/* biggest slab: 8 pages */
#define SLAB_KEEP_FREE		1	/* empty slabs a cache keeps for reuse */
#define SLAB_NO_OBJ		0xffffu	/* end of a slab's free list */
#define SLAB_MIN_ALIGN		8
#define KMALLOC_NR_CLASSES	9	/* 8, 16, ..., 2048 */

struct kmem_cache {
	struct spinlock lock;
	struct list_head partial;	/* [L] head pages of part-used slabs */
	struct list_head full;		/* [L] head pages of full slabs */
	struct list_head free;		/* [L] head pages of empty slabs */
	unsigned long nr_slabs;		/* [L] slabs on all three lists */
	unsigned long nr_free_slabs;	/* [L] slabs on the free list */
	unsigned long active_objs;	/* [L] objects handed out */
	size_t object_size;		/* [I] bytes asked for */
	size_t stride;			/* [I] object_size rounded up to the alignment */
	unsigned int order;		/* [I] slab block order */
	unsigned int objs_per_slab;	/* [I] */
	struct list_head node;		/* [slab_caches_lock] on slab_caches */
	char name[KMEM_CACHE_NAME_LEN];	/* [I] */
};

static struct spinlock slab_caches_lock;
static struct list_head slab_caches;	/* [slab_caches_lock] */
static struct kmem_cache cache_cache;	/* where kmem_cache structs come from */
static struct kmem_cache *kmalloc_caches[KMALLOC_NR_CLASSES];	/* [I] after slab_init */

static inline void cache_assert_locked(struct kmem_cache *c)
{
	if (unlikely(!spin_is_locked(&c->lock)))
		pr_err("cache %s lock not held at %p\n", c->name, __builtin_return_address(0));
}

static inline char *slab_base(const struct page *head)
{
	return page_to_virt(head);
}

static inline uint16_t *obj_link(struct kmem_cache *c, struct page *head, unsigned int idx)
{
	return (uint16_t *)(slab_base(head) + (size_t)idx * c->stride);
}

/* Slab order for objects of @stride bytes: small enough, wasting at most 1/8. */
static unsigned int slab_pick_order(size_t stride)
{
	unsigned int best = SLAB_MAX_ORDER;
	size_t best_waste = SIZE_MAX;

	for (unsigned int order = 0; order <= SLAB_MAX_ORDER; order++) {
		size_t bytes = PAGE_SIZE << order;
		size_t objs = bytes / stride;
		size_t waste = bytes - objs * stride;

		if (objs == 0)
			continue;
		if (waste * 8 <= bytes)
			return order;
		/* Compare waste as a fraction of the slab: waste/bytes. */
		if (best_waste == SIZE_MAX || waste * (PAGE_SIZE << best) < best_waste * bytes) {
			best = order;
			best_waste = waste;
		}
	}
	return best;
}

/* Fill in @c for objects of @size aligned to @align. Returns 0 or -EINVAL. */
static int cache_setup(struct kmem_cache *c, const char *name, size_t size, size_t align)
{
	size_t i;

	if (align == 0)
		align = SLAB_MIN_ALIGN;
	if ((align & (align - 1)) != 0 || align > PAGE_SIZE || size == 0 ||
	    size > (PAGE_SIZE << SLAB_MAX_ORDER))
		return -EINVAL;
	align = MAX(align, (size_t)SLAB_MIN_ALIGN);

	spin_lock_init(&c->lock, "kmem_cache");
	list_init(&c->partial);
	list_init(&c->full);
	list_init(&c->free);
	list_init(&c->node);
	c->nr_slabs = 0;
	c->nr_free_slabs = 0;
	c->active_objs = 0;
	c->object_size = size;
	c->stride = ALIGN_UP(MAX(size, (size_t)SLAB_MIN_ALIGN), align);
	c->order = slab_pick_order(c->stride);
	c->objs_per_slab = (unsigned int)((PAGE_SIZE << c->order) / c->stride);
	for (i = 0; name && name[i] && i < KMEM_CACHE_NAME_LEN - 1; i++)
		c->name[i] = name[i];
	c->name[i] = '\0';
	return 0;
}

/*
 * Allocate and carve a new empty slab for @c. Returns its head page (not on
 * any list) or NULL. Called with no lock held.
 */
static struct page *slab_new(struct kmem_cache *c)
{
	struct page *head = page_alloc(c->order);

	if (!head)
		return NULL;
	for (unsigned int i = 0; i < (1u << c->order); i++) {
		head[i].flags |= PG_SLAB;
		head[i].slab_cache = c;
	}
	for (unsigned int i = 0; i + 1 < c->objs_per_slab; i++)
		*obj_link(c, head, i) = (uint16_t)(i + 1);
	*obj_link(c, head, c->objs_per_slab - 1) = SLAB_NO_OBJ;
	head->slab.inuse = 0;
	head->slab.free_idx = 0;
	list_init(&head->list);
	return head;
}

/* Give empty slab @head (on no list) back to the page allocator. No lock held. */
static void slab_release(struct kmem_cache *c, struct page *head)
{
	for (unsigned int i = 0; i < (1u << c->order); i++) {
		head[i].flags &= (uint16_t)~PG_SLAB;
		head[i].slab_cache = NULL;
	}
	head->refcount = 1;
	page_free(head, c->order);
}

/* Take one object from partial slab @head. Needs c->lock. */
static void *slab_take_locked(struct kmem_cache *c, struct page *head)
{
	unsigned int idx = head->slab.free_idx;
	uint16_t *obj = obj_link(c, head, idx);

	cache_assert_locked(c);
	head->slab.free_idx = *obj;
	head->slab.inuse++;
	c->active_objs++;
	if (head->slab.inuse == c->objs_per_slab) {
		list_del(&head->list);
		list_add(&head->list, &c->full);
	}
	return obj;
}

/* A slab with a free object for @c, moving an empty one up if needed. Needs c->lock. */
static struct page *slab_find_partial_locked(struct kmem_cache *c)
{
	struct page *head;

	cache_assert_locked(c);
	if (!list_empty(&c->partial))
		return list_first_entry(&c->partial, struct page, list);
	if (list_empty(&c->free))
		return NULL;
	head = list_first_entry(&c->free, struct page, list);
	list_del(&head->list);
	list_add(&head->list, &c->partial);
	c->nr_free_slabs--;
	return head;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	struct page *head;
	unsigned long flags;
	void *obj;

	flags = spin_lock_irqsave(&c->lock);
	head = slab_find_partial_locked(c);
	if (!head) {
		spin_unlock_irqrestore(&c->lock, flags);
		head = slab_new(c);
		if (!head)
			return NULL;
		flags = spin_lock_irqsave(&c->lock);
		list_add(&head->list, &c->partial);
		c->nr_slabs++;
		head = list_first_entry(&c->partial, struct page, list);
	}
	obj = slab_take_locked(c, head);
	spin_unlock_irqrestore(&c->lock, flags);
	return obj;
}

void *kmem_cache_zalloc(struct kmem_cache *c)
{
	void *obj = kmem_cache_alloc(c);

	if (obj)
		memset(obj, 0, c->object_size);
	return obj;
}

/*
 * Head page and index of @obj as an object of @c, or NULL (after an error
 * message) if @obj is not the start of an object in one of @c's slabs.
 */
static struct page *slab_locate(struct kmem_cache *c, const void *obj, unsigned int *idx)
{
	struct page *page = virt_to_page(obj);
	struct page *head;
	size_t off;

	if (!page || !(page->flags & PG_SLAB) || READ_ONCE(page->slab_cache) != c) {
		pr_err("free of %p into cache %s: not an object of it\n", obj, c->name);
		return NULL;
	}
	head = phys_to_page(ALIGN_DOWN(virt_to_phys(obj), PAGE_SIZE << c->order));
	off = (size_t)((const char *)obj - slab_base(head));
	if (off % c->stride != 0 || off / c->stride >= c->objs_per_slab) {
		pr_err("free of %p into cache %s: not the start of an object\n", obj, c->name);
		return NULL;
	}
	*idx = (unsigned int)(off / c->stride);
	return head;
}

/*
 * Put object @idx back on slab @head and refile the slab. Returns an empty
 * slab the cache no longer wants (now on no list), or NULL. Needs c->lock.
 */
static struct page *slab_put_locked(struct kmem_cache *c, struct page *head, unsigned int idx)
{
	struct page *victim;

	cache_assert_locked(c);
	*obj_link(c, head, idx) = head->slab.free_idx;
	head->slab.free_idx = (uint16_t)idx;
	c->active_objs--;
	if (head->slab.inuse-- == c->objs_per_slab) {
		list_del(&head->list);
		list_add(&head->list, &c->partial);
	}
	if (head->slab.inuse != 0)
		return NULL;
	list_del(&head->list);
	list_add(&head->list, &c->free);
	if (++c->nr_free_slabs <= SLAB_KEEP_FREE)
		return NULL;
	victim = list_entry(c->free.prev, struct page, list);
	list_del(&victim->list);
	c->nr_free_slabs--;
	c->nr_slabs--;
	return victim;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct page *head, *victim;
	unsigned int idx;
	unsigned long flags;

	if (!obj)
		return;
	head = slab_locate(c, obj, &idx);
	if (!head)
		return;
	flags = spin_lock_irqsave(&c->lock);
	if (head->slab.inuse == 0 || head->slab.free_idx == idx) {
		spin_unlock_irqrestore(&c->lock, flags);
		pr_err("double free of %p in cache %s from %p\n", obj, c->name,
		       __builtin_return_address(0));
		return;
	}
	victim = slab_put_locked(c, head, idx);
	spin_unlock_irqrestore(&c->lock, flags);
	if (victim)
		slab_release(c, victim);
}

void kmem_cache_shrink(struct kmem_cache *c)
{
	struct page *head, *next;
	struct list_head doomed;
	unsigned long flags;

	list_init(&doomed);
	flags = spin_lock_irqsave(&c->lock);
	list_for_each_entry_safe(head, next, &c->free, list) {
		list_del(&head->list);
		list_add(&head->list, &doomed);
		c->nr_slabs--;
	}
	c->nr_free_slabs = 0;
	spin_unlock_irqrestore(&c->lock, flags);
	list_for_each_entry_safe(head, next, &doomed, list) {
		list_del(&head->list);
		slab_release(c, head);
	}
}

void slab_shrink_all(void)
{
	struct kmem_cache *c;
	unsigned long flags = spin_lock_irqsave(&slab_caches_lock);

	list_for_each_entry(c, &slab_caches, node)
		kmem_cache_shrink(c);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
	struct kmem_cache *c = kmem_cache_alloc(&cache_cache);
	unsigned long flags;

	if (!c)
		return NULL;
	if (cache_setup(c, name, size, align) != 0) {
		pr_err("cache %s: bad size %lu or align %lu\n", name ? name : "?",
		       (unsigned long)size, (unsigned long)align);
		kmem_cache_free(&cache_cache, c);
		return NULL;
	}
	flags = spin_lock_irqsave(&slab_caches_lock);
	list_add_tail(&c->node, &slab_caches);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	return c;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	unsigned long flags, busy;

	if (!c)
		return;
	flags = spin_lock_irqsave(&c->lock);
	busy = c->active_objs;
	spin_unlock_irqrestore(&c->lock, flags);
	if (busy || c == &cache_cache) {
		pr_err("not destroying cache %s: %lu objects in use\n", c->name, busy);
		return;
	}
	flags = spin_lock_irqsave(&slab_caches_lock);
	list_del(&c->node);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	kmem_cache_shrink(c);
	kmem_cache_free(&cache_cache, c);
}

/* Snapshot @c's counters into @st. Takes c->lock. */
static void cache_stats(struct kmem_cache *c, struct kmem_cache_stats *st)
{
	unsigned long flags;
	unsigned int i;

	for (i = 0; c->name[i]; i++)
		st->name[i] = c->name[i];
	st->name[i] = '\0';
	st->object_size = c->object_size;
	st->stride = c->stride;
	st->objs_per_slab = c->objs_per_slab;
	st->pages_per_slab = 1u << c->order;
	flags = spin_lock_irqsave(&c->lock);
	st->active_objs = c->active_objs;
	st->num_slabs = c->nr_slabs;
	st->active_slabs = c->nr_slabs - c->nr_free_slabs;
	spin_unlock_irqrestore(&c->lock, flags);
	st->num_objs = st->num_slabs * c->objs_per_slab;
}

void slab_for_each_cache(void (*fn)(const struct kmem_cache_stats *st, void *arg), void *arg)
{
	struct kmem_cache_stats st;
	struct kmem_cache *c;
	unsigned long flags = spin_lock_irqsave(&slab_caches_lock);

	list_for_each_entry(c, &slab_caches, node) {
		cache_stats(c, &st);
		fn(&st, arg);
	}
	spin_unlock_irqrestore(&slab_caches_lock, flags);
}

/* "kmalloc-" followed by @size in decimal, into @buf of KMEM_CACHE_NAME_LEN. */
static void kmalloc_name(char *buf, size_t size)
{
	static const char prefix[] = "kmalloc-";
	char digits[24];
	int n = 0, len = 0;

	for (size_t i = 0; prefix[i]; i++)
		buf[len++] = prefix[i];
	do {
		digits[n++] = (char)('0' + size % 10);
		size /= 10;
	} while (size);
	while (n)
		buf[len++] = digits[--n];
	buf[len] = '\0';
}

void slab_init(void)
{
	char name[KMEM_CACHE_NAME_LEN];

	spin_lock_init(&slab_caches_lock, "slab_caches");
	list_init(&slab_caches);
	cache_setup(&cache_cache, "kmem_cache", sizeof(struct kmem_cache), 64);
	list_add_tail(&cache_cache.node, &slab_caches);
	for (unsigned int i = 0; i < KMALLOC_NR_CLASSES; i++) {
		size_t size = (size_t)KMALLOC_MIN_SIZE << i;

		kmalloc_name(name, size);
		kmalloc_caches[i] = kmem_cache_create(name, size, size);
		if (!kmalloc_caches[i])
			pr_emerg("cannot create cache %s\n", name);
	}
}

/* The kmalloc cache serving @size (1..KMALLOC_MAX_CACHE_SIZE). */
static struct kmem_cache *kmalloc_cache_for(size_t size)
{
	unsigned int idx = 0;

	if (size > KMALLOC_MIN_SIZE)
		idx = 64 - (unsigned int)__builtin_clzll(size - 1) - 3;
	return kmalloc_caches[idx];
}

/* kmalloc of more than KMALLOC_MAX_CACHE_SIZE bytes: whole pages. */
static void *kmalloc_large(size_t size)
{
	unsigned int order = page_order_for(size);
	struct page *page;

	if (order >= PAGE_MAX_ORDER)
		return NULL;
	page = page_alloc(order);
	if (!page)
		return NULL;
	page->flags |= PG_KMALLOC;
	return page_to_virt(page);
}

void *kmalloc(size_t size)
{
	struct kmem_cache *c;

	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size);
	c = kmalloc_cache_for(size ? size : 1);
	if (unlikely(!c)) {
		pr_err("kmalloc(%lu) before slab_init\n", (unsigned long)size);
		return NULL;
	}
	return kmem_cache_alloc(c);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kzalloc(bytes);
}

/*
 * What @p is, for kfree and ksize: its page if it is a kmalloc object,
 * else NULL after an error message naming @who and @caller.
 */
static struct page *kmalloc_page(const void *p, const char *who, void *caller)
{
	struct page *page = virt_to_page(p);

	if (page && (page->flags & PG_SLAB))
		return page;
	if (page && (page->flags & PG_KMALLOC) && p == page_to_virt(page))
		return page;
	pr_err("%s of %p: not a kmalloc pointer (from %p)\n", who, p, caller);
	return NULL;
}

void kfree(const void *p)
{
	struct page *page;

	if (!p)
		return;
	page = kmalloc_page(p, "kfree", __builtin_return_address(0));
	if (!page)
		return;
	if (page->flags & PG_SLAB) {
		kmem_cache_free(READ_ONCE(page->slab_cache), (void *)p);
		return;
	}
	page->flags &= (uint16_t)~PG_KMALLOC;
	page_free(page, page->order);
}

size_t ksize(const void *p)
{
	struct page *page;

	if (!p)
		return 0;
	page = kmalloc_page(p, "ksize", __builtin_return_address(0));
	if (!page)
		return 0;
	if (page->flags & PG_SLAB)
		return READ_ONCE(page->slab_cache)->object_size;
	return PAGE_SIZE << page->order;
}

void *krealloc(void *p, size_t size)
{
	size_t old;
	void *n;

	if (!p)
		return kmalloc(size);
	if (size == 0) {
		kfree(p);
		return NULL;
	}
	old = ksize(p);
	if (old == 0)
		return NULL;
	if (size <= old)
		return p;
	n = kmalloc(size);
	if (!n)
		return NULL;
	memcpy(n, p, old);
	kfree(p);
	return n;
}
