/* SPDX-License-Identifier: MIT */
/*
 * waitq.h - wait queues: the blocking primitive everything else is built on.
 * Waiters are woken in FIFO order.  Requires CONFIG_THREADS.
 */
#ifndef HAKO_WAITQ_H
#define HAKO_WAITQ_H

#include <stdbool.h>
#include <stdint.h>

#include <hako/list.h>

struct waitq {
	struct list_node waiters;
};

#define WAITQ_FOREVER UINT64_MAX

void waitq_init(struct waitq *wq);

/* waitq_wait - block the caller until woken (returns true) or until the
 * monotonic clock reaches deadline (returns false). */
bool waitq_wait(struct waitq *wq, uint64_t deadline);

/* waitq_wake_one - make the first waiter runnable; false if none waited. */
bool waitq_wake_one(struct waitq *wq);

/* waitq_wake_all - make every waiter runnable; returns how many. */
int waitq_wake_all(struct waitq *wq);

#endif /* HAKO_WAITQ_H */
