/* SPDX-License-Identifier: MIT */
/*
 * netring.h - netfront's two shared rings (xen/io/netif.h), without any
 * I/O: posting receive buffers, taking received frames, queueing frames to
 * send and reclaiming them.  netfront.c adds the grants, the event channel
 * and xenstore; test/xen-port/unit drives this part as a hostile backend.
 *
 * Everything the backend writes is untrusted.  Its producer indices go
 * through ring_rsp_avail() (ring.h): one that claims answers to requests we
 * never made marks the rings broken, for good (netfront then reports
 * HAL_EIO).  A response is copied out of shared memory once, then checked:
 * a receive response whose id is not its slot's, whose offset and size
 * leave the page, or whose size is below an Ethernet header or above the
 * MTU is dropped and counted, as are error statuses, frames spread over
 * several slots (we offer no scatter-gather) and extra-info slots; a
 * transmit response for an id not in flight is counted and ignored.
 *
 * Receive buffers are positional: the request in slot i (index & size-1)
 * carries id i and buffer i, and the backend answers receive requests in
 * order, so a response's slot says whose buffer it filled whatever id it
 * claims, and every buffer comes back to be posted again.  Transmit
 * responses may come out of order (netback answers when it is done with a
 * page): they are matched by id, and id i owns transmit buffer i.
 */
#ifndef HAL_XEN_NETRING_H
#define HAL_XEN_NETRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "barrier.h"
#include <xen/io/netif.h>

#define NETRING_PAGE 4096u
#define NETRING_RX __CONST_RING_SIZE(netif_rx, NETRING_PAGE) /* 256 */
#define NETRING_TX __CONST_RING_SIZE(netif_tx, NETRING_PAGE) /* 256 */
#define NETRING_ETH_HLEN 14u

struct netring_stats {
	uint64_t rx_frames, rx_bytes;
	uint64_t rx_errors;  /* the backend reported an error for the slot */
	uint64_t rx_bad;     /* wrong id, offset or size: dropped */
	uint64_t rx_multi;   /* spread over slots or with extra info: dropped */
	uint64_t tx_frames, tx_bytes;
	uint64_t tx_errors;  /* the backend answered with an error */
	uint64_t tx_bad;     /* a response for an id not in flight */
};

struct netring {
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	size_t mtu;
	bool broken;
	const char *why; /* when broken */
	uint16_t tx_free[NETRING_TX];
	unsigned int nr_tx_free;
	bool tx_busy[NETRING_TX];
	struct netring_stats stats;
};

/* A received frame: in receive buffer buf, at offset, len bytes. */
struct netring_frame {
	unsigned int buf;
	unsigned int offset, len;
};

/* Initialise both shared pages (zeroed and set up here) and our side. */
void netring_init(struct netring *r, netif_tx_sring_t *txs, netif_rx_sring_t *rxs,
		  size_t mtu);

/*
 * netring_rx_fill - post receive requests until the ring is full: slot i
 * gets id i and grant gref[i] (gref has NETRING_RX entries).  Returns how
 * many it posted; netring_rx_push() makes them visible.
 */
unsigned int netring_rx_fill(struct netring *r, const grant_ref_t *gref);

/* Publish posted receive requests; true if the backend wants a notification. */
bool netring_rx_push(struct netring *r);

/*
 * netring_rx_next - take the next good frame.  Returns 1 with *f filled
 * (the frame's buffer may be posted again by the next netring_rx_fill once
 * the caller has copied it out), 0 when there is none (having asked the
 * backend for an event on the next response), -1 when the rings are
 * broken.  Bad responses on the way are dropped and counted.
 */
int netring_rx_next(struct netring *r, struct netring_frame *f);

/*
 * netring_tx_alloc - a free transmit id (the caller fills transmit buffer
 * id), or -1 when every id is in flight or the ring has no free slot.
 * netring_tx_queue - put the request for id: grant gref, offset, len.
 */
int netring_tx_alloc(struct netring *r);
void netring_tx_queue(struct netring *r, int id, grant_ref_t gref, unsigned int offset,
		      unsigned int len);

/* Publish queued transmit requests; true if the backend wants a notification. */
bool netring_tx_push(struct netring *r);

/*
 * netring_tx_reclaim - take the backend's transmit responses, freeing their
 * ids.  With want_event, also ask for an event on the next response (after
 * netring_tx_alloc() failed).  Returns how many ids it freed, or -1 when
 * the rings are broken.
 */
int netring_tx_reclaim(struct netring *r, bool want_event);

/* Transmit requests queued and not yet answered. */
unsigned int netring_tx_in_flight(const struct netring *r);

#endif /* HAL_XEN_NETRING_H */
