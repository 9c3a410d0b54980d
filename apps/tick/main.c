// SPDX-License-Identifier: MIT
/*
 * tick: runs until the platform asks it to shut down, printing a tick line
 * every period, so that a test can see it run, stop (paused) and go on.
 * With hold= and churn= it keeps memory allocated and allocates more at
 * every tick: the Xen balloon tests move its memory under it.  With
 * count=N it ends by itself after N ticks (the configuration matrix).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hako/kernel.h>
#include <hako/page.h>

#define MS 1000000ULL

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static unsigned long arg(const char *a, const char *key, unsigned long *out)
{
	size_t n = strlen(key);

	if (strncmp(a, key, n) || a[n] != '=')
		return 0;
	*out = strtoul(a + n + 1, NULL, 10);
	return 1;
}

/* Touch every page, so that it is really there. */
static void touch(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		memset(p + i * PAGE_SIZE, (int)i, 64);
}

int main(int argc, char **argv)
{
	unsigned long every = 200, hold = 0, churn = 0, count = 0, n = 0;
	int quiet = 0;
	uint64_t start = now(), next;
	struct page_stats st;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "quiet"))
			quiet = 1;
		else if (!arg(argv[i], "every", &every) && !arg(argv[i], "hold", &hold) &&
			 !arg(argv[i], "churn", &churn) && !arg(argv[i], "count", &count)) {
			printf("tick: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (every == 0)
		every = 1;
	printf("tick: up on %s, a tick every %lu ms\n", kern_platform(), every);
	if (hold) {
		char *p = page_alloc(hold * 256, 1);

		if (!p) {
			printf("tick: cannot hold %lu MiB\n", hold);
			return 1;
		}
		touch(p, hold * 256);
	}
	for (next = start + every * MS;; next += every * MS) {
		char *c = NULL;

		if (kern_wait_shutdown(next))
			break;
		n++;
		if (churn) {
			c = page_alloc(churn * 256, 1);
			if (c)
				touch(c, churn * 256);
		}
		page_get_stats(&st);
		if (!quiet)
			printf("tick %lu at %llu ms%s pages used %zu surrendered %zu of %zu%s\n", n,
			       (unsigned long long)((now() - start) / MS),
			       hold || churn ? ":" : "", st.used, st.surrendered, st.total,
			       churn && !c ? " (churn: no memory)" : "");
		if (c)
			page_free(c, churn * 256);
		if (count && n == count) {
			printf("tick: done after %lu ticks\n", n);
			return 0;
		}
	}
	printf("tick: shutdown requested after %lu ticks\n", n);
	return 0;
}
