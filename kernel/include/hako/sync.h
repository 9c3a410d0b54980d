/* SPDX-License-Identifier: MIT */
/*
 * sync.h - mutexes, condition variables and counting semaphores.
 * Requires CONFIG_SYNC.  All may block except the *_trylock/unlock/signal
 * calls.  Misuse (unlocking a mutex the caller does not hold, relocking one
 * it holds) panics with the mutex's address and the thread's name.
 */
#ifndef HAKO_SYNC_H
#define HAKO_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include <hako/waitq.h>

struct thread;

struct mutex {
	struct thread *owner;
	struct waitq waiters;
};

struct cond {
	struct waitq waiters;
};

struct semaphore {
	unsigned count;
	struct waitq waiters;
};

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);

void cond_init(struct cond *c);
/* cond_wait - atomically unlock m and wait; m is held again on return. */
void cond_wait(struct cond *c, struct mutex *m);
/* cond_timedwait - as cond_wait; false when deadline passed unsignalled. */
bool cond_timedwait(struct cond *c, struct mutex *m, uint64_t deadline);
void cond_signal(struct cond *c);
void cond_broadcast(struct cond *c);

void sem_init(struct semaphore *s, unsigned count);
void sem_down(struct semaphore *s);
/* sem_down_until - false when deadline passed before the count was > 0. */
bool sem_down_until(struct semaphore *s, uint64_t deadline);
bool sem_trydown(struct semaphore *s);
void sem_up(struct semaphore *s);

#endif /* HAKO_SYNC_H */
