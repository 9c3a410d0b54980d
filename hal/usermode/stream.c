// SPDX-License-Identifier: MIT
/* Length-prefixed frames over a byte stream (stream.h). */
#include <string.h>

#include "stream.h"

void stream_rx_init(struct stream_rx *s, uint8_t *buf, size_t cap, size_t max_frame)
{
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->cap = cap;
	s->max_frame = max_frame;
}

uint8_t *stream_rx_space(struct stream_rx *s, size_t *len)
{
	if (s->start == s->end) {
		s->start = s->end = 0;
	} else if (s->cap - s->end < STREAM_HEADER + s->max_frame) {
		/* Not enough room behind a partial record for the longest
		 * one: move what is unread to the front. */
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	*len = s->cap - s->end;
	return s->buf + s->end;
}

void stream_rx_fill(struct stream_rx *s, size_t n)
{
	if (n > s->cap - s->end) /* a caller's bug: never trust it further */
		n = s->cap - s->end;
	s->end += n;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int stream_rx_next(struct stream_rx *s, const uint8_t **frame, size_t *len)
{
	for (;;) {
		size_t avail = s->end - s->start;
		uint32_t n;

		if (s->desync)
			return -1;
		if (s->skip) {
			size_t k = s->skip < avail ? s->skip : avail;

			s->start += k;
			s->skip -= k;
			if (s->skip)
				return 0;
			continue;
		}
		if (avail < STREAM_HEADER)
			return 0;
		n = be32(s->buf + s->start);
		if (n > STREAM_MAX_RECORD) {
			s->desync = true;
			s->c.desyncs++;
			return -1;
		}
		if (n < STREAM_MIN_FRAME || n > s->max_frame) {
			if (n < STREAM_MIN_FRAME)
				s->c.runts++;
			else
				s->c.oversized++;
			s->start += STREAM_HEADER;
			s->skip = n;
			continue;
		}
		if (avail < STREAM_HEADER + n)
			return 0;
		*frame = s->buf + s->start + STREAM_HEADER;
		*len = n;
		s->start += STREAM_HEADER + n;
		s->c.frames++;
		return 1;
	}
}

void stream_put_header(uint8_t *p, size_t len)
{
	p[0] = (uint8_t)(len >> 24);
	p[1] = (uint8_t)(len >> 16);
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
}
