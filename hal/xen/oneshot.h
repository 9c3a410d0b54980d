/* SPDX-License-Identifier: MIT */
/*
 * oneshot.h - what to tell Xen's one-shot timer (set_timer_op), kept apart
 * from the hypercall so the host unit tests can drive it.
 *
 * Xen holds at most one deadline per vCPU and forgets it when it fires.
 * The guest remembers what Xen holds, to skip a hypercall when the kernel
 * asks for the same deadline again; that memory must be cleared when the
 * timer fires, or a wake-up that reads the clock a hair before the
 * deadline would find "already armed" and block with no timer at all.
 */
#ifndef HAL_XEN_ONESHOT_H
#define HAL_XEN_ONESHOT_H

#include <stdbool.h>
#include <stdint.h>

#define ONESHOT_NONE UINT64_MAX
/* Xen treats set_timer_op deadlines more than 2^50 ns away as guest bugs
 * (and fires after 100 ms): never ask for more than this. */
#define ONESHOT_MAX_NS (1ULL << 48)

struct oneshot {
	uint64_t armed; /* the deadline Xen holds, or ONESHOT_NONE */
};

/*
 * oneshot_arm - the kernel wants a wake-up at deadline (ONESHOT_NONE: no
 * timer).  Returns true when Xen must be told, with *program the value for
 * set_timer_op (0 cancels).
 */
static inline bool oneshot_arm(struct oneshot *o, uint64_t deadline, uint64_t now,
			       uint64_t *program)
{
	if (deadline == o->armed)
		return false;
	if (deadline == ONESHOT_NONE) {
		o->armed = ONESHOT_NONE;
		*program = 0;
		return true;
	}
	if (deadline > now + ONESHOT_MAX_NS)
		deadline = now + ONESHOT_MAX_NS;
	if (deadline == 0)
		deadline = 1; /* 0 would mean "cancel" */
	o->armed = deadline;
	*program = deadline;
	return true;
}

/* oneshot_fired - the timer's event arrived: Xen holds nothing now. */
static inline void oneshot_fired(struct oneshot *o)
{
	o->armed = ONESHOT_NONE;
}

#endif /* HAL_XEN_ONESHOT_H */
