// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the usermode port's passt stream deframer
 * (hal/usermode/stream.c).  The input's first two bytes choose the
 * largest frame accepted and the sizes of the pieces the stream arrives in;
 * the rest is the stream.  What comes out, fed in pieces, must equal what a
 * one-pass reading of the whole stream gives, counters included; every
 * frame must lie inside the buffer and within its bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

#define CAP (2 * (STREAM_HEADER + 9014))

static uint8_t buf[CAP];

struct out {
	size_t n;
	size_t len[4096];
	uint32_t sum[4096];
	uint64_t runts, oversized;
	int desync;
};

static uint32_t sum(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void model(const uint8_t *p, size_t n, size_t max, struct out *o)
{
	size_t off = 0;

	memset(o, 0, sizeof(*o));
	while (off + 4 <= n && o->n < 4096) {
		uint32_t len = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
			       (uint32_t)p[off + 2] << 8 | p[off + 3];

		if (len > STREAM_MAX_RECORD) {
			o->desync = 1;
			return;
		}
		off += 4;
		if (len < STREAM_MIN_FRAME || len > max) {
			if (len < STREAM_MIN_FRAME)
				o->runts++;
			else
				o->oversized++;
			off += len;
			continue;
		}
		if (off + len > n)
			return;
		o->len[o->n] = len;
		o->sum[o->n++] = sum(p + off, len);
		off += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct out want, got;
	struct stream_rx s;
	size_t max, off = 0;
	unsigned piece_seed;
	int r = 0;

	if (size < 2)
		return 0;
	max = data[0] & 1 ? 1514 : (size_t)64 + (data[0] >> 1) * 70; /* 64..8954 */
	piece_seed = data[1];
	data += 2;
	size -= 2;
	model(data, size, max, &want);
	if (want.n == 4096)
		return 0; /* beyond what the model records */
	memset(&got, 0, sizeof(got));
	stream_rx_init(&s, buf, CAP, max);
	for (;;) {
		const uint8_t *f;
		size_t len, room, piece;
		uint8_t *space;

		while ((r = stream_rx_next(&s, &f, &len)) == 1) {
			if (len < STREAM_MIN_FRAME || len > max || f < buf || f + len > buf + CAP)
				abort();
			got.len[got.n] = len;
			got.sum[got.n++] = sum(f, len);
		}
		if (r < 0 || off == size)
			break;
		space = stream_rx_space(&s, &room);
		if (!room || space < buf || space + room > buf + CAP)
			abort();
		piece_seed = piece_seed * 1103515245u + 12345u;
		piece = 1 + (piece_seed >> 8) % 3000;
		if (piece > room)
			piece = room;
		if (piece > size - off)
			piece = size - off;
		memcpy(space, data + off, piece);
		stream_rx_fill(&s, piece);
		off += piece;
	}
	if (got.n != want.n || (r < 0) != want.desync || s.c.runts != want.runts ||
	    s.c.oversized != want.oversized || s.c.frames != got.n)
		abort();
	for (size_t i = 0; i < got.n; i++)
		if (got.len[i] != want.len[i] || got.sum[i] != want.sum[i])
			abort();
	return 0;
}
