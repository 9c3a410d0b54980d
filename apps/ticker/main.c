// SPDX-License-Identifier: MIT
/*
 * ticker: counts ticks and checks the clocks until the platform asks it to
 * shut down.  A tick is one wait of ms milliseconds for a shutdown request;
 * the count goes on by one per wait whatever happens in between, so an
 * image suspended and resumed (xl save, xl restore) shows the count
 * carrying on, and a late tick shows how long it was away.
 *
 *   ticker [ms=N] [every=N] [ticks=N]
 *
 * Prints "ticker: tick T mono S.UUUUUU wall S.UUUUUU" every `every` ticks,
 * "ticker: late tick T: G ms" for a tick that came more than a second
 * late, and "ticker: FAIL monotonic clock went back ..." if it did.  At the
 * end (a shutdown request, or ticks=N done): "ticker: done after T ticks,
 * L late, B backwards"; exit 1 if B > 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hako/kernel.h>

#define MS 1000000ULL

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static unsigned long arg(int argc, char **argv, const char *key, unsigned long dflt)
{
	size_t n = strlen(key);

	for (int i = 1; i < argc; i++) {
		char *end;
		unsigned long v;

		if (strncmp(argv[i], key, n) || argv[i][n] != '=')
			continue;
		v = strtoul(argv[i] + n + 1, &end, 10);
		if (!argv[i][n + 1] || *end || !v) {
			printf("ticker: %s wants a positive number, not '%s'\n", key, argv[i] + n + 1);
			exit(2);
		}
		return v;
	}
	return dflt;
}

int main(int argc, char **argv)
{
	uint64_t ms = arg(argc, argv, "ms", 100), every = arg(argc, argv, "every", 10);
	uint64_t limit = arg(argc, argv, "ticks", UINT64_MAX / 2);
	uint64_t tick = 0, late = 0, back = 0, prev = clock_ns(CLOCK_MONOTONIC);

	printf("ticker: ticking every %llu ms\n", (unsigned long long)ms);
	while (tick < limit) {
		uint64_t want = prev + ms * MS, now;
		bool asked = kern_wait_shutdown(want);

		now = clock_ns(CLOCK_MONOTONIC);
		tick++;
		if (now < prev) {
			back++;
			printf("ticker: FAIL monotonic clock went back from %llu to %llu ns at tick "
			       "%llu\n",
			       (unsigned long long)prev, (unsigned long long)now,
			       (unsigned long long)tick);
		} else if (!asked && now - want > 1000 * MS) {
			late++;
			printf("ticker: late tick %llu: %llu ms\n", (unsigned long long)tick,
			       (unsigned long long)((now - want) / MS));
		}
		if (tick % every == 0 || asked) {
			uint64_t wall = clock_ns(CLOCK_REALTIME);

			printf("ticker: tick %llu mono %llu.%06llu wall %llu.%06llu\n",
			       (unsigned long long)tick, (unsigned long long)(now / 1000000000ULL),
			       (unsigned long long)(now % 1000000000ULL / 1000),
			       (unsigned long long)(wall / 1000000000ULL),
			       (unsigned long long)(wall % 1000000000ULL / 1000));
		}
		prev = now;
		if (asked)
			break;
	}
	printf("ticker: done after %llu ticks, %llu late, %llu backwards\n",
	       (unsigned long long)tick, (unsigned long long)late, (unsigned long long)back);
	return back ? 1 : 0;
}
