// SPDX-License-Identifier: MIT
/*
 * The usermode port's passt stream deframer (hal/usermode/stream.c):
 * explicit cases, then random streams of good and bad records fed in random
 * pieces and compared with a one-pass model of what must come out.
 */
#include <stdlib.h>
#include <string.h>

#include "../../hal/usermode/stream.h"
#include "hako_api.h"
#include "unit.h"

#define MAX_FRAME 1514
#define CAP (4 * (STREAM_HEADER + MAX_FRAME))

static uint8_t buf[CAP];

static size_t put(uint8_t *p, uint32_t len, uint8_t fill)
{
	p[0] = (uint8_t)(len >> 24);
	p[1] = (uint8_t)(len >> 16);
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	memset(p + 4, fill, len <= STREAM_MAX_RECORD ? len : 0);
	return 4 + len;
}

/* Feed all of in, in pieces of at most piece bytes; collect frames (their
 * lengths and first bytes).  Returns the last stream_rx_next result. */
static int feed(struct stream_rx *s, const uint8_t *in, size_t n, size_t piece, size_t *lens,
		uint8_t *firsts, size_t *count)
{
	size_t off = 0;
	int r = 0;

	*count = 0;
	for (;;) {
		const uint8_t *f;
		size_t len, room;
		uint8_t *space;

		while ((r = stream_rx_next(s, &f, &len)) == 1) {
			ck_assert_uint_ge(len, STREAM_MIN_FRAME);
			ck_assert_uint_le(len, MAX_FRAME);
			ck_assert(f >= s->buf && f + len <= s->buf + s->cap);
			lens[*count] = len;
			firsts[(*count)++] = f[0];
		}
		if (r < 0 || off == n)
			return r;
		space = stream_rx_space(s, &room);
		ck_assert_uint_gt(room, 0);
		if (room > piece)
			room = piece;
		if (room > n - off)
			room = n - off;
		memcpy(space, in + off, room);
		stream_rx_fill(s, room);
		off += room;
	}
}

START_TEST(good_bad_and_split_records)
{
	static uint8_t in[20000];
	size_t n = 0, lens[16], count;
	uint8_t firsts[16];
	struct stream_rx s;

	n += put(in + n, 60, 'a');	/* good */
	n += put(in + n, 5, 'x');	/* runt */
	n += put(in + n, 0, 0);		/* empty: a runt too */
	n += put(in + n, 3000, 'y');	/* oversized: skipped in step */
	n += put(in + n, MAX_FRAME, 'b'); /* the largest good one */
	n += put(in + n, 14, 'c');	/* the smallest good one */
	for (size_t piece = 1; piece <= 4096; piece = piece * 3 + 1) {
		stream_rx_init(&s, buf, CAP, MAX_FRAME);
		ck_assert_int_eq(feed(&s, in, n, piece, lens, firsts, &count), 0);
		ck_assert_uint_eq(count, 3);
		ck_assert_uint_eq(lens[0], 60);
		ck_assert_uint_eq(firsts[0], 'a');
		ck_assert_uint_eq(lens[1], MAX_FRAME);
		ck_assert_uint_eq(firsts[1], 'b');
		ck_assert_uint_eq(lens[2], 14);
		ck_assert_uint_eq(s.c.frames, 3);
		ck_assert_uint_eq(s.c.runts, 2);
		ck_assert_uint_eq(s.c.oversized, 1);
		ck_assert_uint_eq(s.c.desyncs, 0);
	}
}
END_TEST

START_TEST(impossible_length_desynchronises_for_good)
{
	static uint8_t in[2 * (4 + STREAM_MAX_RECORD)];
	size_t n = 0, lens[8], count;
	uint8_t firsts[8];
	struct stream_rx s;

	n += put(in + n, 100, 'a');
	n += put(in + n, STREAM_MAX_RECORD + 1, 0);
	n += put(in + n, 100, 'b'); /* never reached: the stream is not trusted */
	stream_rx_init(&s, buf, CAP, MAX_FRAME);
	ck_assert_int_eq(feed(&s, in, n, 7, lens, firsts, &count), -1);
	ck_assert_uint_eq(count, 1);
	ck_assert_uint_eq(s.c.desyncs, 1);
	{
		const uint8_t *f;
		size_t l;

		ck_assert_int_eq(stream_rx_next(&s, &f, &l), -1);
	}
	ck_assert_uint_eq(s.c.desyncs, 1); /* counted once */
	/* STREAM_MAX_RECORD itself is a plausible (oversized) record. */
	n = put(in, STREAM_MAX_RECORD, 0) - STREAM_MAX_RECORD; /* the header alone */
	stream_rx_init(&s, buf, CAP, MAX_FRAME);
	ck_assert_int_eq(feed(&s, in, n, 4, lens, firsts, &count), 0);
	ck_assert(s.skip == STREAM_MAX_RECORD && !s.desync);
}
END_TEST

START_TEST(fill_never_runs_past_the_buffer)
{
	struct stream_rx s;
	size_t room;

	stream_rx_init(&s, buf, CAP, MAX_FRAME);
	stream_rx_space(&s, &room);
	stream_rx_fill(&s, room + 1000); /* a caller's bug, clamped */
	ck_assert_uint_eq(s.end, CAP);
}
END_TEST

/* Random streams: records of every kind, compared with a one-pass model. */
START_TEST(random_streams_match_the_model)
{
	static uint8_t in[1 << 18];
	static size_t want_len[1 << 12], lens[1 << 12];
	static uint8_t want_first[1 << 12], firsts[1 << 12];
	struct rng r;

	rng_init(&r, "stream");
	for (int iter = 0; iter < 300; iter++) {
		size_t n = 0, nwant = 0, runts = 0, over = 0, count;
		struct stream_rx s;
		bool desync = false;
		int res;

		while (n < sizeof(in) - 70000 && nwant < 4000) {
			unsigned k = (unsigned)rng_below(&r, 100);
			uint32_t len;

			if (k < 70)
				len = (uint32_t)rng_range(&r, 14, MAX_FRAME);
			else if (k < 80)
				len = (uint32_t)rng_range(&r, 0, 13);
			else if (k < 95)
				len = (uint32_t)rng_range(&r, MAX_FRAME + 1, 9000);
			else if (k < 99)
				len = (uint32_t)rng_range(&r, 9001, 60000);
			else {
				put(in + n, (uint32_t)rng_range(&r, STREAM_MAX_RECORD + 1, UINT32_MAX), 0);
				n += 4;
				desync = true;
				break;
			}
			n += put(in + n, len, (uint8_t)nwant);
			if (len < 14)
				runts++;
			else if (len > MAX_FRAME)
				over++;
			else {
				want_len[nwant] = len;
				want_first[nwant] = (uint8_t)nwant;
				nwant++;
			}
		}
		stream_rx_init(&s, buf, CAP, MAX_FRAME);
		res = feed(&s, in, n, (size_t)rng_range(&r, 1, 20000), lens, firsts, &count);
		ck_assert_int_eq(res, desync ? -1 : 0);
		ck_assert_uint_eq(count, nwant);
		for (size_t i = 0; i < count; i++) {
			ck_assert_uint_eq(lens[i], want_len[i]);
			ck_assert_uint_eq(firsts[i], want_first[i]);
		}
		ck_assert_uint_eq(s.c.runts, runts);
		ck_assert_uint_eq(s.c.oversized, over);
		ck_assert_uint_eq(s.c.desyncs, desync);
	}
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = unit_tcase("stream");

	tcase_add_test(tc, good_bad_and_split_records);
	tcase_add_test(tc, impossible_length_desynchronises_for_good);
	tcase_add_test(tc, fill_never_runs_past_the_buffer);
	tcase_add_test(tc, random_streams_match_the_model);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
