/* SPDX-License-Identifier: MIT */
/*
 * blkring.h - blkfront's shared ring (xen/io/blkif.h), without any I/O:
 * request ids, queueing requests, taking responses.  blkfront.c adds the
 * grants, the event channel and xenstore; test/xen-port/unit drives this
 * part as a hostile backend.
 *
 * A request's id is the index of its entry in the caller's table of
 * requests in flight (at most one ring's worth, 32).  Everything the
 * backend writes is untrusted: its producer index goes through
 * ring_rsp_avail() (ring.h), and one that claims answers to requests never
 * made marks the ring broken for good; a response is copied out once, and
 * one whose id is not in flight, or whose operation is not the request's,
 * is counted and ignored (the request it might have meant stays in flight).
 */
#ifndef HAL_XEN_BLKRING_H
#define HAL_XEN_BLKRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "barrier.h"
#include <xen/io/blkif.h>

#define BLKRING_PAGE 4096u
#define BLKRING_SIZE __CONST_RING_SIZE(blkif, BLKRING_PAGE) /* 32 */

struct blkring {
	blkif_front_ring_t ring;
	bool broken;
	const char *why; /* when broken */
	bool busy[BLKRING_SIZE];
	uint8_t op[BLKRING_SIZE];
	uint16_t free[BLKRING_SIZE];
	unsigned int nr_free;
	uint64_t bad; /* responses for ids not in flight, or the wrong operation */
};

/* Initialise the shared page (zeroed and set up here) and our side. */
void blkring_init(struct blkring *r, blkif_sring_t *s);

/*
 * blkring_get - a free id and the request slot to fill for it (operation,
 * nr_segments, handle, sector_number, seg[] are the caller's; id is set),
 * or NULL when every id is in flight or the ring is full or broken.
 * blkring_put - queue the filled request (op: its operation, as written).
 * blkring_push - publish; true if
 * the backend wants a notification.
 */
blkif_request_t *blkring_get(struct blkring *r, unsigned int *id);
void blkring_put(struct blkring *r, unsigned int id, uint8_t op);
bool blkring_push(struct blkring *r);

/*
 * blkring_next - take the next good response: 1 with *id and *status (the
 * backend's BLKIF_RSP_*), the id then free for blkring_get; 0 when there is
 * none (having asked the backend for an event on the next one); -1 when the
 * ring is broken.
 */
int blkring_next(struct blkring *r, unsigned int *id, int *status);

unsigned int blkring_in_flight(const struct blkring *r);

#endif /* HAL_XEN_BLKRING_H */
