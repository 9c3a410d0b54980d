// SPDX-License-Identifier: MIT
/*
 * crash: ends the image in the ways the tests need to see handled.
 *   null       dereference NULL: a fault, reported as a panic
 *   panic      call panic()
 *   exit N     return N from main
 *   overflow   overflow a thread's stack, yielding at every level: the canary
 *              check at the context switch names the thread
 *   overflow-frame  one 20 KiB frame in an 8 KiB thread, never yielding: the
 *              guard page faults (stack-clash probes cannot jump over it)
 *   overflow-deep   deep recursion in an 8 KiB thread, never yielding
 *   guard-touch     a thread writes into its own guard page from high up its
 *              stack (what every port, Xen included, can report)
 *   gpf        a non-canonical address: a general-protection fault, not a
 *              NULL dereference
 *   sleep      sleep for ever (until the platform shuts the image down)
 *   spin       yield for ever without sleeping (a shutdown must still end it)
 *   oom        malloc until it fails: NULL with ENOMEM, never a crash
 *   assert     a failing assert()
 *   deadlock   block for ever with nothing to wake us: a panic, not a hang
 *   wtext      write into the image's own code: W^X makes it a fault
 *   xdata      call code placed in writable data: W^X makes it a fault
 *   trap       __builtin_trap(): the CPU's undefined/breakpoint exception
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

/* Yields at every level: an overflow is seen at a switch before it can
 * reach the guard page (the canary zone is deeper than one level). */
static __attribute__((noinline)) int recurse(int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	frame[255] = (char)depth;
	thread_yield();
	if (depth == limit)
		return 0;
	return recurse(depth + 1) + frame[0] + frame[255];
}

static __attribute__((noinline)) int recurse_no_yield(int depth)
{
	volatile char frame[64];

	frame[0] = (char)depth;
	frame[63] = (char)depth;
	if (depth == limit)
		return 0;
	return recurse_no_yield(depth + 1) + frame[0] + frame[63];
}

static __attribute__((noinline)) int big_frame(int x)
{
	volatile char frame[20 * 1024];

	frame[0] = (char)x; /* the lowest byte: 12 KiB below an 8 KiB stack */
	frame[sizeof(frame) - 1] = (char)x;
	return frame[0] + frame[sizeof(frame) - 1];
}

static void *overflower(void *arg)
{
	const char *how = arg;

	if (!strcmp(how, "overflow"))
		sink = recurse(0);
	else if (!strcmp(how, "overflow-frame"))
		sink = big_frame(1);
	else if (!strcmp(how, "guard-touch")) {
		struct thread_stack st;

		thread_stack(NULL, &st);
		if (!st.guard_len) {
			printf("crash: no guard page on this platform\n");
			return NULL;
		}
		*(volatile char *)(st.guard + st.guard_len / 2) = 1;
	}
	else
		sink = recurse_no_yield(0);
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
	} else if (!strcmp(mode, "overflow") || !strcmp(mode, "overflow-frame") ||
		   !strcmp(mode, "overflow-deep") || !strcmp(mode, "guard-touch")) {
		struct thread *t = thread_create("overflower", overflower, (void *)mode, 8192);

		thread_join(t, NULL);
	} else if (!strcmp(mode, "gpf")) {
		sink = *(volatile int *)0x8000000000000000ULL;
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
	} else if (!strcmp(mode, "wtext")) {
		/* Through an opaque pointer: the compiler must emit the store. */
		volatile unsigned char *code = (volatile unsigned char *)(uintptr_t)main;

		__asm__("" : "+r"(code));
		code[0] = code[0];
	} else if (!strcmp(mode, "xdata")) {
		/* A return instruction in data: harmless if it ever ran. */
		static unsigned char ret_insn[4] = {
#if defined(__aarch64__)
			0xc0, 0x03, 0x5f, 0xd6,
#else
			0xc3,
#endif
		};
		void (*fn)(void) = (void (*)(void))(uintptr_t)ret_insn;

		__asm__("" : "+r"(fn));
		fn();
	} else if (!strcmp(mode, "trap")) {
		__builtin_trap();
	} else {
		printf("usage: crash null|panic|exit N|overflow|overflow-frame|overflow-deep|\n"
		       "             guard-touch|gpf|sleep|spin|oom|assert|deadlock|wtext|xdata|trap\n");
		return 2;
	}
	printf("crash: survived mode '%s' (this is a bug)\n", mode);
	return 3;
}
