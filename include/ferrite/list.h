/*
 * Intrusive circular doubly linked lists, in the style of Linux's list_head.
 * A list is a struct list_head used as the head; elements embed one. No
 * locking here: the owner of the list says which lock protects it.
 */
#ifndef FERRITE_LIST_H
#define FERRITE_LIST_H

#include <ferrite/compiler.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* Insert @n right after @head (stack order). */
static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}

/* Insert @n right before @head (queue order). */
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}

/* Unlink @e and leave it pointing at itself, so list_empty(e) is true. */
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e;
	e->prev = e;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)

#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

#define list_for_each_entry(pos, head, member)				      \
	for (pos = list_entry((head)->next, __typeof__(*pos), member);	      \
	     &pos->member != (head);					      \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

#define list_for_each_entry_reverse(pos, head, member)			      \
	for (pos = list_entry((head)->prev, __typeof__(*pos), member);	      \
	     &pos->member != (head);					      \
	     pos = list_entry(pos->member.prev, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, n, head, member)			      \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),	      \
	     n = list_entry(pos->member.next, __typeof__(*pos), member);      \
	     &pos->member != (head);					      \
	     pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

#endif
