/* SPDX-License-Identifier: MIT */
/*
 * list.h - intrusive circular doubly linked lists.
 * A list head is a struct list_node linked to itself when empty.  No call
 * allocates or fails; none may block.
 */
#ifndef HAKO_LIST_H
#define HAKO_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)

static inline void list_init(struct list_node *head)
{
	head->next = head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

/* Insert n before pos (at the tail when pos is the head). */
static inline void list_insert_before(struct list_node *pos, struct list_node *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}

static inline void list_push_back(struct list_node *head, struct list_node *n)
{
	list_insert_before(head, n);
}

/* Unlink n and make it an empty list, so a second removal is harmless. */
static inline void list_remove(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

/* Remove and return the first node, or NULL when empty. */
static inline struct list_node *list_pop_front(struct list_node *head)
{
	struct list_node *n = head->next;

	if (n == head)
		return NULL;
	list_remove(n);
	return n;
}

#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)

#endif /* HAKO_LIST_H */
