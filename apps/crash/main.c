// SPDX-License-Identifier: MIT
/*
 * crash: ends the image in the ways the tests need to see handled.
 *   null       dereference NULL: a fault, reported as a panic
 *   panic      call panic()
 *   exit N     return N from main
 *   overflow   overflow a thread's stack: a panic naming the thread
 *   sleep      sleep for ever (until the platform shuts the image down)
 *   spin       yield for ever without sleeping (a shutdown must still end it)
 *   oom        malloc until it fails: NULL with ENOMEM, never a crash
 *   assert     a failing assert()
 *   deadlock   block for ever with nothing to wake us: a panic, not a hang
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hako/heap.h>
#include <hako/kernel.h>
#include <hako/printk.h>
#include <hako/thread.h>
#include <hako/waitq.h>

static volatile int sink;
static volatile int limit = 1 << 30; /* never reached: the guard trips first */

static int recurse(int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	frame[255] = (char)depth;
	if (depth % 8 == 0)
		thread_yield(); /* a context switch is where the guard is checked */
	if (depth == limit)
		return 0;
	return recurse(depth + 1) + frame[0] + frame[255];
}

static void *overflower(void *arg)
{
	sink = recurse(0);
	return NULL;
}

static void on_shutdown(void *arg)
{
	printf("crash: shutdown hook ran\n");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	printf("crash: mode '%s'\n", mode);
	if (!strcmp(mode, "null")) {
		sink = *(volatile int *)NULL;
	} else if (!strcmp(mode, "panic")) {
		panic("deliberate panic from the crash app");
	} else if (!strcmp(mode, "exit") && argc > 2) {
		return atoi(argv[2]);
	} else if (!strcmp(mode, "overflow")) {
		struct thread *t = thread_create("overflower", overflower, NULL, 8192);

		thread_join(t, NULL);
	} else if (!strcmp(mode, "sleep")) {
		kern_on_shutdown(on_shutdown, NULL);
		printf("crash: sleeping until shut down\n");
		for (;;)
			thread_sleep(3600ULL * 1000000000ULL);
	} else if (!strcmp(mode, "spin")) {
		kern_on_shutdown(on_shutdown, NULL);
		printf("crash: spinning until shut down\n");
		for (;;)
			thread_yield();
	} else if (!strcmp(mode, "oom")) {
		size_t n = 0;
		struct heap_stats st;

		while (malloc(64 * 1024))
			n++;
		heap_get_stats(&st);
		printf("crash: malloc failed after %zu blocks of 64 KiB, errno %s, %zu failure(s)\n",
		       n, errno == ENOMEM ? "ENOMEM" : "wrong", st.failures);
		return errno == ENOMEM && st.failures == 1 ? 0 : 1;
	} else if (!strcmp(mode, "deadlock")) {
		struct waitq wq;

		waitq_init(&wq);
		waitq_wait(&wq, WAITQ_FOREVER);
	} else if (!strcmp(mode, "assert")) {
		assert(argc == 42);
	} else {
		printf("usage: crash null|panic|exit N|overflow|sleep|spin|oom|assert|deadlock\n");
		return 2;
	}
	printf("crash: survived mode '%s' (this is a bug)\n", mode);
	return 3;
}
