// SPDX-License-Identifier: MIT
/*
 * One-shot timers on a list sorted by deadline.  Lists stay short in a
 * unikernel (a few sleepers and timeouts), so insertion is linear; the
 * scheduler's frequent questions (the next deadline, anything expired?) are
 * O(1).
 */
#include <hal.h>
#include <hako/timer.h>

static struct list_node timers = LIST_HEAD_INIT(timers);

void timer_init(struct timer *t, void (*fn)(void *arg), void *arg)
{
	list_init(&t->node);
	t->fn = fn;
	t->arg = arg;
	t->active = false;
	t->deadline = 0;
}

void timer_start(struct timer *t, uint64_t deadline)
{
	unsigned long flags = hal_irq_save();
	struct list_node *pos;

	if (t->active)
		list_remove(&t->node);
	t->deadline = deadline;
	t->active = true;
	/* After every timer with an equal deadline: FIFO among equals. */
	for (pos = timers.prev; pos != &timers; pos = pos->prev)
		if (list_entry(pos, struct timer, node)->deadline <= deadline)
			break;
	list_insert_before(pos->next, &t->node);
	hal_irq_restore(flags);
}

bool timer_cancel(struct timer *t)
{
	unsigned long flags = hal_irq_save();
	bool was = t->active;

	if (was)
		list_remove(&t->node);
	t->active = false;
	hal_irq_restore(flags);
	return was;
}

uint64_t timer_next_deadline(void)
{
	if (list_empty(&timers))
		return UINT64_MAX;
	return list_entry(timers.next, struct timer, node)->deadline;
}

int timer_run_expired(uint64_t now)
{
	int ran = 0;

	while (!list_empty(&timers)) {
		struct timer *t = list_entry(timers.next, struct timer, node);

		if (t->deadline > now)
			break;
		list_remove(&t->node);
		t->active = false;
		t->fn(t->arg);
		ran++;
	}
	return ran;
}
