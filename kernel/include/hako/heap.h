/* SPDX-License-Identifier: MIT */
/*
 * heap.h - statistics of malloc and friends (declared in <stdlib.h>).
 *
 * malloc returns 16-byte aligned memory, or NULL with errno = ENOMEM; it
 * never panics on exhaustion.  free(NULL) does nothing; freeing a pointer the
 * heap did not give out (or twice) panics with the address.  Never blocks.
 */
#ifndef HAKO_HEAP_H
#define HAKO_HEAP_H

#include <stddef.h>

struct heap_stats {
	size_t in_use;	 /* bytes the app asked for and has not freed */
	size_t peak;	 /* the highest in_use so far */
	size_t failures; /* allocations that returned NULL */
	size_t allocs;	 /* successful allocations so far */
};
void heap_get_stats(struct heap_stats *st);

#endif /* HAKO_HEAP_H */
