/*
 * A radix tree of pointers indexed by page number: tmpfs keeps a regular
 * file's pages in one. Nodes are 512-slot arrays (one 4 KiB kmalloc block);
 * the tree grows in height as larger indices arrive, up to four levels
 * (2^36 pages, 256 TiB of file). No locking: the owner serialises access.
 * Pure code over kzalloc/kfree, unit-tested on the host.
 */
#ifndef FS_PAGETREE_H
#define FS_PAGETREE_H

#include <ferrite/compiler.h>

#define PTREE_SHIFT	9
#define PTREE_SLOTS	(1u << PTREE_SHIFT)
#define PTREE_MAX_HEIGHT 4
#define PTREE_MAX_INDEX	((1ULL << (PTREE_SHIFT * PTREE_MAX_HEIGHT)) - 1)

struct ptree {
	void **root;		/* NULL when height is 0 */
	unsigned int height;	/* levels; indices below 512^height fit */
};

#define PTREE_INIT { NULL, 0 }

/* The item at @index, or NULL. */
void *ptree_lookup(const struct ptree *t, uint64_t index);
/*
 * Store @item (not NULL) at @index, which must be empty. 0, -ENOMEM, or
 * -EFBIG when @index is beyond PTREE_MAX_INDEX.
 */
int ptree_insert(struct ptree *t, uint64_t index, void *item);
/* Remove and return the item at @index (NULL if none). Nodes stay. */
void *ptree_remove(struct ptree *t, uint64_t index);
/*
 * Remove every item at index >= @from, passing each to @fn(@item, @arg),
 * and free the nodes left with nothing to hold. @from 0 empties the tree.
 */
void ptree_truncate(struct ptree *t, uint64_t from, void (*fn)(void *item, void *arg),
		    void *arg);
/* The lowest index >= @from holding an item, or -1 if none. */
int64_t ptree_next(const struct ptree *t, uint64_t from);

#endif
