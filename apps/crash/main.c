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
 *   bt-unmapped  panic with a frame whose caller's frame pointer is in
 *              unmapped memory (the guard page, or the NULL page)
 *   bt-loop    panic with two frames that name each other as caller
 *   bt-smash   fault after overwriting this frame and those above it
 *   threads    a worker thread calls worker_step() (the debugger tests'
 *              breakpoint) while main waits in thread_join and a third
 *              thread sleeps for a minute; exits 0 once the worker is done
 * Without threads (CONFIG_THREADS off: the same faults on the boot stack)
 * the modes that need them say so and exit with 2.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hako/debug.h>
#include <hako/heap.h>
#include <hako/kernel.h>
#include <hako/printk.h>
#include <hako/thread.h>
#include <hako/waitq.h>

static volatile int sink;
static uintptr_t *volatile outer_frame;
static volatile int limit = 1 << 30; /* never reached: the guard trips first */

#ifdef CONFIG_THREADS
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

/* The debugger tests' breakpoint in a thread (test/debug.sh). */
__attribute__((noinline)) void worker_step(int n)
{
	printf("crash: worker step %d\n", n);
	sink = n;
}

static void *sleeper(void *arg)
{
	thread_sleep(60000000000ULL);
	return arg;
}

static void *worker(void *arg)
{
	for (int i = 1; i <= 2; i++) {
		worker_step(i);
		thread_sleep(1000000);
	}
	return arg;
}
#endif

/*
 * Corrupt frame chains: frame records are [caller's frame pointer, return
 * address] at the frame pointer on every architecture (kernel/backtrace.c),
 * and __builtin_frame_address(0) is this function's.  None returns.
 */
static __attribute__((noinline)) void bt_unmapped(void)
{
	uintptr_t *fp = __builtin_frame_address(0);
	struct thread_stack st;

	thread_stack(NULL, &st);
	fp[0] = st.guard_len ? st.guard + 64 : 64;
	panic("deliberate panic: the caller's frame pointer is 0x%lx (unmapped)",
	      (unsigned long)fp[0]);
}

static __attribute__((noinline)) void bt_loop_inner(void)
{
	uintptr_t *fp = __builtin_frame_address(0);

	outer_frame[0] = (uintptr_t)fp; /* the outer frame's caller: this one */
	panic("deliberate panic: frames 0x%lx and 0x%lx name each other as caller",
	      (unsigned long)fp, (unsigned long)outer_frame);
}

static __attribute__((noinline)) void bt_loop_outer(void)
{
	outer_frame = __builtin_frame_address(0);
	bt_loop_inner();
	sink++;
}

static __attribute__((noinline)) void bt_smash(void)
{
	uintptr_t *fp = __builtin_frame_address(0);

	/* This frame's record and 240 bytes above it: a runaway memset. */
	for (int i = 0; i < 32; i++)
		((volatile uintptr_t *)fp)[i] = (uintptr_t)0xa5a5a5a5a5a5a5a5ULL;
	sink = *(volatile int *)NULL;
	sink++;
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
	} else if (!strcmp(mode, "bt-unmapped")) {
		bt_unmapped();
	} else if (!strcmp(mode, "bt-loop")) {
		bt_loop_outer();
	} else if (!strcmp(mode, "bt-smash")) {
		bt_smash();
#ifdef CONFIG_THREADS
	} else if (!strcmp(mode, "overflow") || !strcmp(mode, "overflow-frame") ||
		   !strcmp(mode, "overflow-deep") || !strcmp(mode, "guard-touch")) {
		struct thread *t = thread_create("overflower", overflower, (void *)mode, 8192);

		thread_join(t, NULL);
	} else if (!strcmp(mode, "threads")) {
		struct thread *t = thread_create("worker", worker, (void *)mode, 0);
		void *res = NULL;

		thread_create("sleeper", sleeper, NULL, 0); /* ends with the image */
		thread_join(t, &res);
		printf("crash: worker done\n");
		return res == mode ? 0 : 1;
	} else if (!strcmp(mode, "deadlock")) {
		struct waitq wq;

		waitq_init(&wq);
		waitq_wait(&wq, WAITQ_FOREVER);
#else
	} else if (!strcmp(mode, "overflow") || !strcmp(mode, "overflow-frame") ||
		   !strcmp(mode, "overflow-deep") || !strcmp(mode, "guard-touch") ||
		   !strcmp(mode, "threads") || !strcmp(mode, "deadlock")) {
		printf("crash: mode '%s' needs threads (CONFIG_THREADS)\n", mode);
		return 2;
#endif
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
		       "             guard-touch|gpf|sleep|spin|oom|assert|deadlock|wtext|xdata|trap|\n"
		       "             bt-unmapped|bt-loop|bt-smash|threads\n");
		return 2;
	}
	printf("crash: survived mode '%s' (this is a bug)\n", mode);
	return 3;
}
