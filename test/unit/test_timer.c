// SPDX-License-Identifier: MIT
/*
 * Timers (kernel/timer.c): random deadlines run in nondecreasing deadline
 * order and FIFO among equal deadlines (in the order they were last
 * started), cancel and restart, timer_next_deadline, callbacks that start
 * or cancel timers, and balanced hal_irq_save/restore around every call.
 * The timer list is static; every test leaves it empty.
 */
#include <stdio.h>
#include <stdlib.h>

#include <hako/timer.h>

#include "unit.h"

struct rec {
	struct timer t;
	int id;
	uint64_t seq; /* when it was last started */
};

static int ran[100000];
static int nran;

static void record(void *arg)
{
	ran[nran++] = ((struct rec *)arg)->id;
}

static void irq_balanced(void)
{
	ck_assert_int_eq(unit_irq_depth, 0);
	ck_assert(!unit_irq_masked);
}

START_TEST(empty)
{
	ck_assert_uint_eq(timer_next_deadline(), UINT64_MAX);
	ck_assert_int_eq(timer_run_expired(UINT64_MAX), 0);
	irq_balanced();
}
END_TEST

static int by_deadline_then_seq(const void *a, const void *b)
{
	const struct rec *x = *(struct rec *const *)a, *y = *(struct rec *const *)b;

	if (x->t.deadline != y->t.deadline)
		return x->t.deadline < y->t.deadline ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Random starts, restarts and cancels; then run in steps of time and
 * compare with the order a stable sort by (deadline, last start) gives. */
START_TEST(random_order_fifo_cancel_restart)
{
	enum { N = 3000 };
	struct rng r;
	struct rec *t = calloc(N, sizeof(*t));
	struct rec **want = calloc(N, sizeof(*want));
	bool *armed = calloc(N, sizeof(*armed));
	uint64_t seq = 0, now = 0;
	int nwant = 0, pos = 0;

	rng_init(&r, "timer.random");
	for (int i = 0; i < N; i++) {
		t[i].id = i;
		timer_init(&t[i].t, record, &t[i]);
		ck_assert(!t[i].t.active);
	}
	for (int op = 0; op < 4 * N; op++) {
		int k = (int)rng_below(&r, N);

		if (rng_chance(&r, 80)) {
			/* few distinct deadlines: many ties */
			uint64_t d =
			    rng_chance(&r, 70) ? rng_below(&r, 50) * 1000 : rng_below(&r, 1000000);

			timer_start(&t[k].t, d);
			t[k].seq = seq++;
			armed[k] = true;
		} else {
			ck_assert(timer_cancel(&t[k].t) == armed[k]);
			ck_assert(!timer_cancel(&t[k].t)); /* twice: false */
			armed[k] = false;
		}
		ck_assert(t[k].t.active == armed[k]);
		irq_balanced();
	}
	for (int i = 0; i < N; i++)
		if (armed[i])
			want[nwant++] = &t[i];
	qsort(want, (size_t)nwant, sizeof(*want), by_deadline_then_seq);
	ck_assert_uint_eq(timer_next_deadline(), nwant ? want[0]->t.deadline : UINT64_MAX);
	nran = 0;
	while (pos < nwant) {
		int n, expect = 0;

		now += rng_below(&r, 30000);
		while (pos + expect < nwant && want[pos + expect]->t.deadline <= now)
			expect++;
		n = timer_run_expired(now);
		ck_assert_int_eq(n, expect);
		for (int i = 0; i < n; i++) {
			ck_assert_msg(ran[pos + i] == want[pos + i]->id,
				      "run %d: timer %d ran, want %d (deadline %llu)", pos + i,
				      ran[pos + i], want[pos + i]->id,
				      (unsigned long long)want[pos + i]->t.deadline);
			ck_assert(!want[pos + i]->t.active);
		}
		pos += n;
		ck_assert_uint_eq(timer_next_deadline(),
				  pos < nwant ? want[pos]->t.deadline : UINT64_MAX);
		irq_balanced();
	}
	ck_assert_int_eq(nran, nwant);
	/* a timer that ran is no longer armed */
	for (int i = 0; i < nwant; i++)
		ck_assert(!timer_cancel(&want[i]->t));
	free(t);
	free(want);
	free(armed);
}
END_TEST

START_TEST(fifo_among_equal_deadlines)
{
	struct rec t[6];

	for (int i = 0; i < 6; i++) {
		t[i].id = i;
		timer_init(&t[i].t, record, &t[i]);
		timer_start(&t[i].t, 100);
	}
	/* restarting with the same deadline counts as starting last */
	timer_start(&t[2].t, 100);
	/* moving one earlier and back */
	timer_start(&t[4].t, 50);
	timer_start(&t[4].t, 100);
	nran = 0;
	ck_assert_int_eq(timer_run_expired(99), 0);
	ck_assert_int_eq(timer_run_expired(100), 6);
	{
		static const int want[] = {0, 1, 3, 5, 2, 4};

		for (int i = 0; i < 6; i++)
			ck_assert_int_eq(ran[i], want[i]);
	}
}
END_TEST

START_TEST(next_deadline_tracks_changes)
{
	struct rec a = {.id = 1}, b = {.id = 2}, c = {.id = 3};

	timer_init(&a.t, record, &a);
	timer_init(&b.t, record, &b);
	timer_init(&c.t, record, &c);
	timer_start(&a.t, 300);
	ck_assert_uint_eq(timer_next_deadline(), 300);
	timer_start(&b.t, 200);
	ck_assert_uint_eq(timer_next_deadline(), 200);
	timer_start(&c.t, 0); /* deadline 0: already due */
	ck_assert_uint_eq(timer_next_deadline(), 0);
	ck_assert(timer_cancel(&c.t));
	ck_assert_uint_eq(timer_next_deadline(), 200);
	timer_start(&b.t, 400); /* moved later */
	ck_assert_uint_eq(timer_next_deadline(), 300);
	nran = 0;
	ck_assert_int_eq(timer_run_expired(350), 1);
	ck_assert_int_eq(ran[0], 1);
	ck_assert_uint_eq(timer_next_deadline(), 400);
	ck_assert(timer_cancel(&b.t));
	ck_assert_uint_eq(timer_next_deadline(), UINT64_MAX);
	/* a deadline of UINT64_MAX is armed, runs at UINT64_MAX, and looks
	 * like "none" to timer_next_deadline (documented: UINT64_MAX) */
	timer_start(&a.t, UINT64_MAX);
	ck_assert_uint_eq(timer_next_deadline(), UINT64_MAX);
	ck_assert_int_eq(timer_run_expired(UINT64_MAX - 1), 0);
	ck_assert_int_eq(timer_run_expired(UINT64_MAX), 1);
	irq_balanced();
}
END_TEST

/* Callbacks that start and cancel timers while timer_run_expired runs. */
static struct rec chain[4];

static void chain_fn(void *arg)
{
	struct rec *self = arg;

	ran[nran++] = self->id;
	if (self->id == 0) {
		timer_start(&chain[1].t, 10);	      /* due now: runs in this same call */
		timer_start(&chain[2].t, 1000);	      /* not due */
		ck_assert(timer_cancel(&chain[3].t)); /* was due: must not run */
	} else if (self->id == 1 && self->seq++ == 0) {
		timer_start(&chain[1].t, 20); /* restart itself once, not due */
	}
}

START_TEST(callbacks_start_and_cancel_timers)
{
	for (int i = 0; i < 4; i++) {
		chain[i].id = i;
		chain[i].seq = 0;
		timer_init(&chain[i].t, chain_fn, &chain[i]);
	}
	timer_start(&chain[0].t, 5);
	timer_start(&chain[3].t, 6);
	nran = 0;
	ck_assert_int_eq(timer_run_expired(10), 2);
	ck_assert_int_eq(nran, 2);
	ck_assert_int_eq(ran[0], 0);
	ck_assert_int_eq(ran[1], 1);
	ck_assert(chain[1].t.active);
	ck_assert_uint_eq(timer_next_deadline(), 20);
	ck_assert_int_eq(timer_run_expired(1000), 2);
	ck_assert_uint_eq(timer_next_deadline(), UINT64_MAX);
	irq_balanced();
}
END_TEST

START_TEST(init_gives_an_idle_timer)
{
	struct rec a = {.id = 9};

	timer_init(&a.t, record, &a);
	ck_assert(!a.t.active);
	ck_assert(!timer_cancel(&a.t));
	ck_assert_ptr_eq(a.t.arg, &a);
	ck_assert(list_empty(&a.t.node));
	timer_start(&a.t, 1);
	ck_assert(a.t.active);
	ck_assert(!list_empty(&a.t.node));
	ck_assert(timer_cancel(&a.t));
	ck_assert(list_empty(&a.t.node));
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("timer");
	TCase *tc = unit_tcase("timer");

	tcase_add_test(tc, empty);
	tcase_add_test(tc, random_order_fifo_cancel_restart);
	tcase_add_test(tc, fifo_among_equal_deadlines);
	tcase_add_test(tc, next_deadline_tracks_changes);
	tcase_add_test(tc, callbacks_start_and_cancel_timers);
	tcase_add_test(tc, init_gives_an_idle_timer);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
