// SPDX-License-Identifier: MIT
/*
 * The split virtqueue (hal/virtio/queue.c) against a model device that
 * reads the avail ring and descriptor table as a real one would and writes
 * the used ring: honest devices (in order, out of order, chains of mixed
 * direction, 16-bit index wrap-around, notification suppression with and
 * without EVENT_IDX, a missed notification) and hostile ones (used index beyond what is in flight,
 * ids out of range, ids of chains not in flight or returned twice, ids of
 * a chain's middle descriptor, lengths above what a chain may receive).
 * The rings sit in a guarded mapping, so an access beyond them faults.
 */
#include <stdlib.h>
#include <string.h>

#include <virtio/queue.h>

#include "unit.h"

struct dev {
	struct virtq *q;
	uint16_t last_avail; /* the next avail entry the device reads */
	uint16_t used_idx;   /* the device's used->idx */
	uint16_t held[VQ_MAX_SIZE]; /* heads taken, not yet used */
	uint32_t wlen[VQ_MAX_SIZE]; /* by head: writable bytes of the chain */
	unsigned nheld;
};

static void *ring_mem(uint16_t size)
{
	/* Rounded up to pages; the guard after catches overruns past the
	 * page, and the size check below the exact layout. */
	return unit_map(vq_ring_bytes(size));
}

static void setup(struct virtq *q, struct dev *d, uint16_t size, bool event_idx)
{
	void *mem = ring_mem(size);

	vq_init(q, 0, size, mem, (uintptr_t)mem, event_idx);
	memset(d, 0, sizeof(*d));
	d->q = q;
	ck_assert_uint_eq(vq_free_count(q), size);
	/* The used ring's avail_event ends the block. */
	ck_assert_ptr_eq((uint8_t *)&q->used->ring[size] + 2, (uint8_t *)mem + vq_ring_bytes(size));
}

/* The device takes every published chain, checking the descriptors. */
static void dev_take(struct dev *d)
{
	struct virtq *q = d->q;

	while (d->last_avail != q->avail->idx) {
		uint16_t head = q->avail->ring[d->last_avail++ & (q->size - 1)], i = head;
		uint32_t wlen = 0;
		unsigned n = 0;
		bool seen_write = false;

		ck_assert_uint_lt(head, q->size);
		for (;;) {
			volatile struct vq_desc *desc = &q->desc[i];

			ck_assert_uint_lt(++n, (unsigned)q->size + 1);
			if (desc->flags & VQ_DESC_F_WRITE) {
				wlen += desc->len;
				seen_write = true;
			} else {
				ck_assert_msg(!seen_write, "readable after writable");
			}
			if (!(desc->flags & VQ_DESC_F_NEXT))
				break;
			i = desc->next;
			ck_assert_uint_lt(i, q->size);
		}
		d->wlen[head] = wlen;
		d->held[d->nheld++] = head;
	}
}

/* Put one used entry (any values) and publish it. */
static void dev_used(struct dev *d, uint32_t id, uint32_t len)
{
	struct virtq *q = d->q;

	q->used->ring[d->used_idx & (q->size - 1)].id = id;
	q->used->ring[d->used_idx & (q->size - 1)].len = len;
	q->used->idx = ++d->used_idx;
}

/* Return held chain k (in the held list) with len. */
static uint16_t dev_return(struct dev *d, unsigned k, uint32_t len)
{
	uint16_t head = d->held[k];

	d->held[k] = d->held[--d->nheld];
	dev_used(d, head, len);
	return head;
}

static int add1(struct virtq *q, uint64_t addr, uint32_t len, bool w, void *cookie)
{
	struct vq_seg s = { addr, len, w };

	return vq_add(q, &s, 1, cookie);
}

START_TEST(fill_and_drain_in_order)
{
	struct virtq q;
	struct dev d;
	void *cookie;
	uint32_t len;

	setup(&q, &d, 16, false);
	for (uintptr_t i = 0; i < 16; i++)
		ck_assert_int_eq(add1(&q, 0x1000 * i, 2048, true, (void *)(i + 100)), 0);
	ck_assert_int_eq(add1(&q, 0, 1, true, NULL), VQ_FULL);
	ck_assert_uint_eq(vq_free_count(&q), 0);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_EMPTY);
	dev_take(&d);
	ck_assert_uint_eq(d.nheld, 16);
	for (unsigned i = 0; i < 16; i++) {
		dev_used(&d, d.held[i], 60 + i);
	}
	d.nheld = 0;
	for (uintptr_t i = 0; i < 16; i++) {
		ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_GOT);
		ck_assert_ptr_eq(cookie, (void *)(i + 100));
		ck_assert_uint_eq(len, 60 + i);
	}
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_EMPTY);
	ck_assert_uint_eq(vq_free_count(&q), 16);
	ck_assert_uint_eq(q.stats.bad_id + q.stats.bad_len + q.stats.broken, 0);
}
END_TEST

/* Random chains, returned in random order, past the 16-bit wrap. */
START_TEST(random_chains_out_of_order_wrap)
{
	struct virtq q;
	struct dev d;
	struct rng r;
	struct {
		bool busy;
		uint32_t wlen;
	} model[4096] = { 0 };
	unsigned busy = 0, got = 0, next_cookie = 1;

	rng_init(&r, "virtq.random");
	setup(&q, &d, 64, rng_chance(&r, 50));
	while (got < 150000) {
		if (rng_chance(&r, 55)) {
			struct vq_seg s[8];
			unsigned n = 1 + (unsigned)rng_below(&r, 8), nr = (unsigned)rng_below(&r, n + 1);
			uint32_t wlen = 0;
			unsigned c = next_cookie;
			int rc;

			for (unsigned k = 0; k < n; k++) {
				s[k] = (struct vq_seg){ rng_u64(&r), 1 + (uint32_t)rng_below(&r, 5000),
							k >= nr };
				if (k >= nr)
					wlen += s[k].len;
			}
			unsigned free_before = vq_free_count(&q);

			if (model[c % 4096].busy)
				continue;
			rc = vq_add(&q, s, n, (void *)(uintptr_t)c);
			if (n > free_before) {
				ck_assert_int_eq(rc, VQ_FULL);
				ck_assert_uint_eq(vq_free_count(&q), free_before);
				continue;
			}
			ck_assert_int_eq(rc, 0);
			ck_assert_uint_eq(vq_free_count(&q), free_before - n);
			model[c % 4096].busy = true;
			model[c % 4096].wlen = wlen;
			next_cookie++;
			busy++;
		} else if (rng_chance(&r, 50)) {
			dev_take(&d);
			if (d.nheld) {
				unsigned k = (unsigned)rng_below(&r, d.nheld);

				dev_return(&d, k, (uint32_t)rng_below(&r, d.wlen[d.held[k]] + 1));
			}
		} else {
			void *cookie;
			uint32_t len;
			int rc = vq_get_used(&q, &cookie, &len);

			if (rc == VQ_EMPTY)
				continue;
			ck_assert_int_eq(rc, VQ_GOT);
			unsigned c = (unsigned)(uintptr_t)cookie % 4096;

			ck_assert(model[c].busy);
			ck_assert_uint_le(len, model[c].wlen);
			model[c].busy = false;
			busy--;
			got++;
		}
		ck_assert_uint_eq(q.in_flight, busy);
	}
	ck_assert_uint_eq(q.stats.bad_id + q.stats.bad_len + q.stats.broken, 0);
	ck_assert_uint_gt(q.last_used, 0);
}
END_TEST

START_TEST(used_index_beyond_in_flight_breaks_the_queue)
{
	struct virtq q;
	struct dev d;
	void *cookie;
	uint32_t len;

	setup(&q, &d, 8, false);
	for (uintptr_t i = 0; i < 3; i++)
		ck_assert_int_eq(add1(&q, 0, 100, true, (void *)i), 0);
	dev_take(&d);
	dev_return(&d, 0, 10);
	/* Three in flight, the device claims 4 used (its index jumped). */
	q.used->idx = (uint16_t)(d.used_idx + 3);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_BROKEN);
	ck_assert_uint_eq(q.stats.broken, 1);
	/* Dead for good, whatever the device does next. */
	q.used->idx = d.used_idx;
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_BROKEN);
	ck_assert_int_eq(add1(&q, 0, 1, true, NULL), VQ_BROKEN);
	ck_assert(!vq_kick_needed(&q));
	ck_assert(!vq_intr_enable(&q));
}
END_TEST

START_TEST(used_index_going_backwards_breaks_the_queue)
{
	struct virtq q;
	struct dev d;
	void *cookie;
	uint32_t len;

	setup(&q, &d, 8, true);
	ck_assert_int_eq(add1(&q, 0, 100, true, (void *)1), 0);
	dev_take(&d);
	dev_return(&d, 0, 10);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_GOT);
	q.used->idx = (uint16_t)(q.used->idx - 1); /* 65535 "new" entries */
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_BROKEN);
}
END_TEST

START_TEST(bad_ids_are_dropped_and_counted)
{
	struct virtq q;
	struct dev d;
	struct vq_seg chain[3] = { { 0, 16, false }, { 0, 512, true }, { 0, 1, true } };
	void *cookie;
	uint32_t len;

	setup(&q, &d, 16, false);
	ck_assert_int_eq(vq_add(&q, chain, 3, (void *)7), 0);
	ck_assert_int_eq(add1(&q, 0, 100, true, (void *)8), 0);
	for (uintptr_t i = 0; i < 4; i++) /* more in flight: room for bad entries */
		ck_assert_int_eq(add1(&q, 0, 100, true, (void *)(20 + i)), 0);
	dev_take(&d);
	dev_used(&d, 16, 1);		/* out of range */
	dev_used(&d, 0xffffffff, 1);	/* far out of range */
	dev_used(&d, d.held[0] + 1, 1); /* the middle of the chain */
	dev_used(&d, d.held[1], 50);	/* a good one, after the bad */
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_GOT);
	ck_assert_ptr_eq(cookie, (void *)8);
	ck_assert_uint_eq(len, 50);
	ck_assert_uint_eq(q.stats.bad_id, 3);
	/* The same id again: no longer in flight. */
	dev_used(&d, d.held[1], 50);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_EMPTY);
	ck_assert_uint_eq(q.stats.bad_id, 4);
	/* The chain still works. */
	dev_used(&d, d.held[0], 513);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_GOT);
	ck_assert_ptr_eq(cookie, (void *)7);
	ck_assert_uint_eq(len, 513);
	ck_assert_uint_eq(vq_free_count(&q), 12);
	ck_assert_uint_eq(q.stats.broken, 0);
	/* More entries than chains in flight (4): the index is a lie. */
	for (int i = 0; i < 5; i++)
		dev_used(&d, 16, 0);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_BROKEN);
}
END_TEST

START_TEST(lengths_above_the_chain_are_dropped)
{
	struct virtq q;
	struct dev d;
	struct vq_seg chain[3] = { { 0, 16, false }, { 0, 512, true }, { 0, 1, true } };
	void *cookie;
	uint32_t len = 12345;

	setup(&q, &d, 8, false);
	ck_assert_int_eq(vq_add(&q, chain, 3, (void *)3), 0);
	ck_assert_int_eq(add1(&q, 0, 60, false, (void *)4), 0); /* device-readable only */
	dev_take(&d);
	dev_used(&d, d.held[0], 514);
	dev_used(&d, d.held[1], 1);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_DROPPED);
	ck_assert_ptr_eq(cookie, (void *)3);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_DROPPED);
	ck_assert_ptr_eq(cookie, (void *)4);
	ck_assert_uint_eq(q.stats.bad_len, 2);
	ck_assert_uint_eq(vq_free_count(&q), 8); /* both chains reclaimed */
}
END_TEST

START_TEST(kick_without_event_idx_follows_the_flag)
{
	struct virtq q;
	struct dev d;

	setup(&q, &d, 8, false);
	ck_assert(!vq_kick_needed(&q)); /* nothing published */
	ck_assert_int_eq(add1(&q, 0, 1, true, NULL), 0);
	ck_assert(vq_kick_needed(&q));
	ck_assert(!vq_kick_needed(&q)); /* already decided */
	q.used->flags = VQ_USED_F_NO_NOTIFY;
	ck_assert_int_eq(add1(&q, 0, 1, true, NULL), 0);
	ck_assert(!vq_kick_needed(&q));
}
END_TEST

START_TEST(kick_with_event_idx_follows_avail_event)
{
	struct virtq q;
	struct dev d;
	volatile uint16_t *avail_event;

	setup(&q, &d, 8, true);
	avail_event = (volatile uint16_t *)&q.used->ring[8];
	q.used->flags = VQ_USED_F_NO_NOTIFY; /* ignored with EVENT_IDX */
	*avail_event = 0;
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(add1(&q, 0, 1, true, NULL), 0);
	ck_assert(vq_kick_needed(&q)); /* event 0 in [0, 3) */
	*avail_event = 5;
	ck_assert_int_eq(add1(&q, 0, 1, true, NULL), 0); /* 3 -> 4: not past 5 */
	ck_assert(!vq_kick_needed(&q));
	ck_assert_int_eq(add1(&q, 0, 1, true, NULL), 0); /* 4 -> 5 */
	ck_assert(!vq_kick_needed(&q));
	ck_assert_int_eq(add1(&q, 0, 1, true, NULL), 0); /* 5 -> 6: crosses 5 */
	ck_assert(vq_kick_needed(&q));
}
END_TEST

START_TEST(interrupt_requests)
{
	struct virtq q;
	struct dev d;
	volatile uint16_t *used_event;
	void *cookie;
	uint32_t len;

	setup(&q, &d, 8, true);
	used_event = &q.avail->ring[8];
	ck_assert_uint_eq(q.avail->flags, VQ_AVAIL_F_NO_INTERRUPT);
	ck_assert(!vq_intr_enable(&q));
	ck_assert_uint_eq(q.avail->flags, 0);
	ck_assert_uint_eq(*used_event, 0);
	ck_assert_int_eq(add1(&q, 0, 10, true, (void *)1), 0);
	ck_assert_int_eq(add1(&q, 0, 10, true, (void *)2), 0);
	ck_assert_int_eq(add1(&q, 0, 10, true, (void *)3), 0);
	dev_take(&d);
	dev_return(&d, 0, 1);
	ck_assert(vq_intr_enable(&q)); /* one is waiting */
	vq_intr_disable(&q);
	ck_assert_uint_eq(q.avail->flags, VQ_AVAIL_F_NO_INTERRUPT);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_GOT);
	dev_return(&d, 0, 1);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_GOT);
	/* Disabled: the event stays behind what the device has passed. */
	ck_assert_uint_eq(*used_event, 0);
	ck_assert(!vq_intr_enable(&q));
	ck_assert_uint_eq(*used_event, 2); /* the next entry the device uses */
}
END_TEST

/*
 * How a device decides to interrupt (spec 2.7.10, as QEMU does it: from
 * the index of its last interrupt): with interrupts disabled while the
 * driver takes entries in batches, a stream of used entries brings at
 * most one interrupt, however many batches.
 */
START_TEST(disabled_interrupts_stay_quiet_over_batches)
{
	struct virtq q;
	struct dev d;
	volatile uint16_t *used_event;
	uint16_t signalled = 0;
	bool valid = false;
	unsigned interrupts = 0;
	void *cookie;
	uint32_t len;

	setup(&q, &d, 64, true);
	used_event = &q.avail->ring[64];
	for (uintptr_t i = 0; i < 64; i++)
		ck_assert_int_eq(add1(&q, 0, 10, true, (void *)i), 0);
	ck_assert(!vq_intr_enable(&q));
	for (unsigned round = 0; round < 2000; round++) {
		dev_take(&d);
		for (int k = 0; k < 3 && d.nheld; k++)
			dev_return(&d, 0, 1);
		if (!valid || (uint16_t)(d.used_idx - *used_event - 1) <
				      (uint16_t)(d.used_idx - signalled)) {
			interrupts++;
			signalled = d.used_idx;
			valid = true;
		}
		/* The driver: on the first interrupt it disables and from then
		 * on reads in batches, never enabling again. */
		if (q.intr_on)
			vq_intr_disable(&q);
		while (vq_get_used(&q, &cookie, &len) == VQ_GOT)
			ck_assert_int_eq(vq_add(&q, &(struct vq_seg){ 0, 10, true }, 1, cookie), 0);
	}
	ck_assert_uint_le(interrupts, 2);
}
END_TEST

/*
 * A notification the device decided against (it read used_event before
 * the driver's store reached memory): vq_missed() sees the entries behind
 * the armed queue, once per arming, and not while interrupts are off or
 * nothing waits.
 */
START_TEST(missed_notifications_are_seen_once_per_arming)
{
	struct virtq q;
	struct dev d;
	void *cookie;
	uint32_t len;

	setup(&q, &d, 8, true);
	for (uintptr_t i = 0; i < 4; i++)
		ck_assert_int_eq(add1(&q, 0, 10, true, (void *)i), 0);
	ck_assert(!vq_missed(&q)); /* interrupts off */
	ck_assert(!vq_intr_enable(&q));
	ck_assert(!vq_missed(&q)); /* armed, nothing used */
	dev_take(&d);
	dev_return(&d, 0, 1);
	ck_assert(vq_missed(&q));
	ck_assert(!vq_missed(&q)); /* reported once */
	dev_return(&d, 0, 1);
	ck_assert(!vq_missed(&q)); /* still once, until armed again */
	vq_intr_disable(&q);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_GOT);
	ck_assert_int_eq(vq_get_used(&q, &cookie, &len), VQ_GOT);
	ck_assert(!vq_intr_enable(&q));
	ck_assert(!vq_missed(&q));
	dev_return(&d, 0, 1);
	ck_assert(vq_missed(&q)); /* a new arming, a new report */
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("virtq");
	TCase *tc = unit_tcase("virtq");

	tcase_add_test(tc, fill_and_drain_in_order);
	tcase_add_test(tc, random_chains_out_of_order_wrap);
	tcase_add_test(tc, used_index_beyond_in_flight_breaks_the_queue);
	tcase_add_test(tc, used_index_going_backwards_breaks_the_queue);
	tcase_add_test(tc, bad_ids_are_dropped_and_counted);
	tcase_add_test(tc, lengths_above_the_chain_are_dropped);
	tcase_add_test(tc, kick_without_event_idx_follows_the_flag);
	tcase_add_test(tc, kick_with_event_idx_follows_avail_event);
	tcase_add_test(tc, interrupt_requests);
	tcase_add_test(tc, disabled_interrupts_stay_quiet_over_batches);
	tcase_add_test(tc, missed_notifications_are_seen_once_per_arming);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
