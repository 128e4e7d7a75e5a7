/*
 * The page-index radix tree behind tmpfs files (see pagetree.h). A tree of
 * height h has a root node whose slots each cover 512^(h-1) indices; leaf
 * slots (height 1) hold the items. Growth puts the old root in slot 0 of a
 * new one. Built into the kernel and, unchanged, into a host unit test.
 */
#include <ferrite/errno.h>
#include <ferrite/slab.h>
#include "pagetree.h"

/* Indices covered by a node at @height (1: a leaf). */
static uint64_t span(unsigned int height)
{
	return 1ULL << (PTREE_SHIFT * height);
}

static unsigned int slot_of(uint64_t index, unsigned int height)
{
	return (unsigned int)(index >> (PTREE_SHIFT * (height - 1))) & (PTREE_SLOTS - 1);
}

static void **node_alloc(void)
{
	return kzalloc(PTREE_SLOTS * sizeof(void *));
}

void *ptree_lookup(const struct ptree *t, uint64_t index)
{
	void **node = t->root;

	if (!t->height || index >= span(t->height))
		return NULL;
	for (unsigned int h = t->height; h > 1; h--) {
		node = node[slot_of(index, h)];
		if (!node)
			return NULL;
	}
	return node[slot_of(index, 1)];
}

/* Raise the tree until @index fits; 0, -ENOMEM or -EFBIG. */
static int grow(struct ptree *t, uint64_t index)
{
	while (!t->height || index >= span(t->height)) {
		void **n;

		if (t->height == PTREE_MAX_HEIGHT)
			return -EFBIG;
		n = node_alloc();
		if (!n)
			return -ENOMEM;
		n[0] = t->root;		/* NULL for a fresh tree */
		t->root = n;
		t->height++;
	}
	return 0;
}

int ptree_insert(struct ptree *t, uint64_t index, void *item)
{
	void **node;
	int err;

	if (index > PTREE_MAX_INDEX)
		return -EFBIG;
	err = grow(t, index);
	if (err)
		return err;
	node = t->root;
	for (unsigned int h = t->height; h > 1; h--) {
		void ***slot = (void ***)&node[slot_of(index, h)];

		if (!*slot) {
			*slot = node_alloc();
			if (!*slot)
				return -ENOMEM;
		}
		node = *slot;
	}
	node[slot_of(index, 1)] = item;
	return 0;
}

void *ptree_remove(struct ptree *t, uint64_t index)
{
	void **node = t->root;
	void *item;

	if (!t->height || index >= span(t->height))
		return NULL;
	for (unsigned int h = t->height; h > 1; h--) {
		node = node[slot_of(index, h)];
		if (!node)
			return NULL;
	}
	item = node[slot_of(index, 1)];
	node[slot_of(index, 1)] = NULL;
	return item;
}

static bool node_empty(void **node)
{
	for (unsigned int i = 0; i < PTREE_SLOTS; i++)
		if (node[i])
			return false;
	return true;
}

/* Clear items >= @from under @node (height @h, first index @base); true if it is now empty. */
static bool trunc_node(void **node, unsigned int h, uint64_t base, uint64_t from,
		       void (*fn)(void *, void *), void *arg)
{
	uint64_t child_span = span(h - 1);

	for (unsigned int i = 0; i < PTREE_SLOTS; i++) {
		uint64_t cbase = base + i * child_span;

		if (!node[i] || cbase + child_span <= from)
			continue;
		if (h == 1) {
			fn(node[i], arg);
			node[i] = NULL;
		} else if (trunc_node(node[i], h - 1, cbase, from, fn, arg)) {
			kfree(node[i]);
			node[i] = NULL;
		}
	}
	return node_empty(node);
}

void ptree_truncate(struct ptree *t, uint64_t from, void (*fn)(void *item, void *arg), void *arg)
{
	if (!t->height || from >= span(t->height))
		return;
	if (trunc_node(t->root, t->height, 0, from, fn, arg)) {
		kfree(t->root);
		t->root = NULL;
		t->height = 0;
	}
}

/* Lowest index >= @from with an item under @node (height @h, first index @base), or -1. */
static int64_t next_in(void **node, unsigned int h, uint64_t base, uint64_t from)
{
	uint64_t child_span = span(h - 1);

	for (unsigned int i = 0; i < PTREE_SLOTS; i++) {
		uint64_t cbase = base + i * child_span;
		int64_t r;

		if (!node[i] || cbase + child_span <= from)
			continue;
		if (h == 1)
			return (int64_t)cbase;
		r = next_in(node[i], h - 1, cbase, from);
		if (r >= 0)
			return r;
	}
	return -1;
}

int64_t ptree_next(const struct ptree *t, uint64_t from)
{
	if (!t->height || from >= span(t->height))
		return -1;
	return next_in(t->root, t->height, 0, from);
}
