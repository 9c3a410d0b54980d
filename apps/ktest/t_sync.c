// SPDX-License-Identifier: MIT
/* Mutexes, condition variables and semaphores under contention. */
#include <hal.h>
#include <hako/sync.h>
#include <hako/thread.h>

#include "ktest.h"

static struct mutex lock;
static int counter, inside, max_inside;

static void *contender(void *arg)
{
	for (int i = 0; i < 200; i++) {
		mutex_lock(&lock);
		if (++inside > max_inside)
			max_inside = inside;
		int v = counter;

		if (i % 3 == 0)
			thread_yield(); /* others must block on the mutex here */
		counter = v + 1;
		inside--;
		mutex_unlock(&lock);
		if (i % 5 == 0)
			thread_yield();
	}
	return NULL;
}

static void test_mutex_contention(void)
{
	struct thread *t[8];

	mutex_init(&lock);
	counter = inside = max_inside = 0;
	for (int i = 0; i < 8; i++) {
		t[i] = thread_create("contender", contender, NULL, 0);
		REQUIRE(t[i] != NULL);
	}
	for (int i = 0; i < 8; i++)
		thread_join(t[i], NULL);
	CHECK_MSG(counter == 8 * 200, "counter %d", counter);
	CHECK_MSG(max_inside == 1, "%d threads inside at once", max_inside);
	CHECK(mutex_trylock(&lock));
	CHECK(!mutex_trylock(&lock));
	mutex_unlock(&lock);
}

#define QSIZE 4
static struct mutex qlock;
static struct cond not_empty, not_full;
static int queue[QSIZE], qhead, qcount;
static long consumed_sum;

static void *producer(void *arg)
{
	for (int i = 1; i <= 100; i++) {
		mutex_lock(&qlock);
		while (qcount == QSIZE)
			cond_wait(&not_full, &qlock);
		queue[(qhead + qcount++) % QSIZE] = i;
		cond_signal(&not_empty);
		mutex_unlock(&qlock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	for (int n = 0; n < 100; n++) {
		mutex_lock(&qlock);
		while (qcount == 0)
			cond_wait(&not_empty, &qlock);
		consumed_sum += queue[qhead];
		qhead = (qhead + 1) % QSIZE;
		qcount--;
		cond_signal(&not_full);
		mutex_unlock(&qlock);
	}
	return NULL;
}

static void test_condvar_queue(void)
{
	struct thread *p[2], *c[2];

	mutex_init(&qlock);
	cond_init(&not_empty);
	cond_init(&not_full);
	qhead = qcount = 0;
	consumed_sum = 0;
	for (int i = 0; i < 2; i++) {
		c[i] = thread_create("consumer", consumer, NULL, 0);
		p[i] = thread_create("producer", producer, NULL, 0);
		REQUIRE(c[i] != NULL && p[i] != NULL);
	}
	for (int i = 0; i < 2; i++) {
		thread_join(p[i], NULL);
		thread_join(c[i], NULL);
	}
	CHECK_MSG(consumed_sum == 2 * 5050, "sum %ld", consumed_sum);
	CHECK(qcount == 0);
}

static void test_cond_timeout(void)
{
	struct mutex m;
	struct cond c;
	uint64_t t0 = hal_clock_monotonic();

	mutex_init(&m);
	cond_init(&c);
	mutex_lock(&m);
	CHECK(!cond_timedwait(&c, &m, t0 + 10 * MS));
	CHECK(hal_clock_monotonic() - t0 >= 10 * MS);
	CHECK(m.owner == thread_self());
	mutex_unlock(&m);
}

static struct semaphore sem;
static int sem_got;

static void *sem_taker(void *arg)
{
	sem_down(&sem);
	sem_got++;
	return NULL;
}

static void test_semaphore(void)
{
	struct thread *t[5];

	sem_init(&sem, 2);
	sem_got = 0;
	for (int i = 0; i < 5; i++) {
		t[i] = thread_create("taker", sem_taker, NULL, 0);
		REQUIRE(t[i] != NULL);
	}
	thread_sleep(2 * MS);
	CHECK_MSG(sem_got == 2, "%d got the semaphore of 2", sem_got);
	sem_up(&sem);
	sem_up(&sem);
	sem_up(&sem);
	for (int i = 0; i < 5; i++)
		thread_join(t[i], NULL);
	CHECK(sem_got == 5);
	CHECK(!sem_trydown(&sem));
	CHECK(!sem_down_until(&sem, hal_clock_monotonic() + 3 * MS));
	sem_up(&sem);
	CHECK(sem_trydown(&sem));
}

const struct ktest_case ktest_sync[] = {
	{ "mutex_contention", test_mutex_contention },
	{ "condvar_bounded_queue", test_condvar_queue },
	{ "cond_timeout", test_cond_timeout },
	{ "semaphore", test_semaphore },
	{ NULL, NULL },
};
