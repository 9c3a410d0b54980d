/* SPDX-License-Identifier: MIT */
/*
 * stream.h - Ethernet frames over a byte stream with a 4-byte big-endian
 * length in front of each (QEMU's "stream" netdev protocol, which passt
 * speaks on its UNIX socket).  The usermode port's passt back end reads
 * with it; pure code, so that the host unit tests and the fuzzer run it.
 *
 * The stream is untrusted input.  A record shorter than an Ethernet header
 * (a runt) or longer than the device's largest frame (oversized) is
 * skipped and counted; the bytes after it are still in step.  A length no
 * Ethernet frame can have (over STREAM_MAX_RECORD) means the reader and the
 * writer no longer agree where records start: the stream is then
 * desynchronised, counted once, and yields nothing more (the device is
 * gone, HAL_EIO).
 */
#ifndef USERMODE_STREAM_H
#define USERMODE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STREAM_HEADER 4
#define STREAM_MIN_FRAME 14		/* an Ethernet header */
#define STREAM_MAX_RECORD (65535 + 14)	/* the largest IP packet in a frame */

struct stream_counters {
	uint64_t frames;    /* records handed out */
	uint64_t runts;	    /* records shorter than STREAM_MIN_FRAME */
	uint64_t oversized; /* records longer than max_frame */
	uint64_t desyncs;   /* 1 once the stream lost step */
};

struct stream_rx {
	uint8_t *buf;
	size_t cap;	   /* >= STREAM_HEADER + max_frame */
	size_t start, end; /* unread bytes: buf[start, end) */
	size_t skip;	   /* bytes of a dropped record still to come */
	size_t max_frame;
	bool desync;
	struct stream_counters c;
};

/* stream_rx_init - read into buf (cap bytes, at least STREAM_HEADER +
 * max_frame); max_frame is the largest frame accepted (MTU + 14). */
void stream_rx_init(struct stream_rx *s, uint8_t *buf, size_t cap, size_t max_frame);

/*
 * stream_rx_space - where to put the next bytes read from the stream, and
 * how many fit (never 0 while the stream is in step: unread bytes move to
 * the front of the buffer when needed).  stream_rx_fill - n bytes were put
 * there.
 */
uint8_t *stream_rx_space(struct stream_rx *s, size_t *len);
void stream_rx_fill(struct stream_rx *s, size_t n);

/*
 * stream_rx_next - the next complete frame: returns 1 with *frame and *len
 * set (valid until the next call), 0 when more bytes are needed, -1 once
 * the stream is desynchronised (for good).
 */
int stream_rx_next(struct stream_rx *s, const uint8_t **frame, size_t *len);

/* stream_put_header - write the 4-byte length of a frame of len bytes. */
void stream_put_header(uint8_t *p, size_t len);

#endif
