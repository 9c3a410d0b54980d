// SPDX-License-Identifier: MIT
/*
 * Mutexes, condition variables and semaphores on wait queues.
 * Cooperative scheduling makes each call's check-then-block atomic: nothing
 * else runs between the test and waitq_wait().  Wake-ups hand over nothing;
 * the woken thread tests again, so a late arrival may barge ahead, which
 * keeps the code small and never loses a wake-up.
 */
#include <hako/printk.h>
#include <hako/sync.h>
#include <hako/thread.h>

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
	waitq_init(&m->waiters);
}

void mutex_lock(struct mutex *m)
{
	struct thread *self = thread_self();

	if (m->owner == self)
		panic("mutex %p locked twice by its owner", (void *)m);
	while (m->owner)
		waitq_wait(&m->waiters, WAITQ_FOREVER);
	m->owner = self;
}

bool mutex_trylock(struct mutex *m)
{
	if (m->owner)
		return false;
	m->owner = thread_self();
	return true;
}

void mutex_unlock(struct mutex *m)
{
	if (m->owner != thread_self())
		panic("mutex %p unlocked by a thread that does not hold it", (void *)m);
	m->owner = NULL;
	waitq_wake_one(&m->waiters);
}

void cond_init(struct cond *c)
{
	waitq_init(&c->waiters);
}

bool cond_timedwait(struct cond *c, struct mutex *m, uint64_t deadline)
{
	bool woken;

	mutex_unlock(m);
	woken = waitq_wait(&c->waiters, deadline);
	mutex_lock(m);
	return woken;
}

void cond_wait(struct cond *c, struct mutex *m)
{
	cond_timedwait(c, m, WAITQ_FOREVER);
}

void cond_signal(struct cond *c)
{
	waitq_wake_one(&c->waiters);
}

void cond_broadcast(struct cond *c)
{
	waitq_wake_all(&c->waiters);
}

void sem_init(struct semaphore *s, unsigned count)
{
	s->count = count;
	waitq_init(&s->waiters);
}

bool sem_down_until(struct semaphore *s, uint64_t deadline)
{
	while (s->count == 0)
		if (!waitq_wait(&s->waiters, deadline) && s->count == 0)
			return false;
	s->count--;
	return true;
}

void sem_down(struct semaphore *s)
{
	sem_down_until(s, WAITQ_FOREVER);
}

bool sem_trydown(struct semaphore *s)
{
	if (s->count == 0)
		return false;
	s->count--;
	return true;
}

void sem_up(struct semaphore *s)
{
	s->count++;
	waitq_wake_one(&s->waiters);
}
