/* SPDX-License-Identifier: MIT */
/*
 * timer.h - one-shot timers.
 *
 * A timer runs fn(arg) once, at or after its deadline (hal_clock_monotonic()
 * nanoseconds), from the scheduler's context: fn must not block.  Timers with
 * equal deadlines run in the order they were started.  The caller owns the
 * struct timer; it must stay valid until it has run or been cancelled.
 */
#ifndef HAKO_TIMER_H
#define HAKO_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include <hako/list.h>

struct timer {
	struct list_node node;
	uint64_t deadline;
	void (*fn)(void *arg);
	void *arg;
	bool active;
};

void timer_init(struct timer *t, void (*fn)(void *arg), void *arg);

/* timer_start - (re)arm t for deadline; an active timer is moved. */
void timer_start(struct timer *t, uint64_t deadline);

/* timer_cancel - disarm; returns true if it was armed and had not run. */
bool timer_cancel(struct timer *t);

/* timer_next_deadline - the earliest armed deadline, or UINT64_MAX. */
uint64_t timer_next_deadline(void);

/* timer_run_expired - run every timer whose deadline is <= now; returns how
 * many ran.  Called by the scheduler. */
int timer_run_expired(uint64_t now);

#endif /* HAKO_TIMER_H */
