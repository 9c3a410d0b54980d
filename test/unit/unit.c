// SPDX-License-Identifier: MIT
/* main() of every unit test binary: seed, suites, one SRunner per suite. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#define MAX_SUITES 16

uint64_t unit_seed;
const char *unit_last_file;
int unit_last_line;

static struct {
	Suite *s;
	bool need_fork;
} suites[MAX_SUITES];
static int nr_suites;

/*
 * ASan's defaults for these binaries (ASAN_OPTIONS overrides them).  No
 * leak check: what leaks is Check's and the tests' own bookkeeping in
 * forked children, and LSan cannot see pointers kept on the scheduler
 * test's stacks (plain mmap'd memory); our heap is checked by its own
 * statistics instead.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1";
}

void unit_add_suite(Suite *s, bool need_fork)
{
	if (nr_suites == MAX_SUITES) {
		fprintf(stderr, "unit: too many suites\n");
		exit(2);
	}
	suites[nr_suites].s = s;
	suites[nr_suites].need_fork = need_fork;
	nr_suites++;
}

TCase *unit_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	/* Generous: ASan and UBSan slow things down several times, and a
	 * loaded CI machine more.  CK_TIMEOUT_MULTIPLIER scales it. */
	tcase_set_timeout(tc, 60);
	return tc;
}

void rng_init(struct rng *r, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a of the name */

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3ULL;
	r->s = unit_seed ^ h;
	(void)rng_u64(r);
}

static uint64_t pick_seed(void)
{
	const char *s = getenv("HAKO_SEED");
	struct timespec ts;

	if (s && *s) {
		char *end;
		uint64_t v = strtoull(s, &end, 0);

		if (*end) {
			fprintf(stderr, "unit: HAKO_SEED='%s' is not a number\n", s);
			exit(2);
		}
		return v;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20);
}

int main(int argc, char **argv)
{
	int failed = 0;
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	(void)argc;
	unit_seed = pick_seed();
	printf("%s: seed %" PRIu64 " (HAKO_SEED=%" PRIu64 " reproduces)\n", name, unit_seed,
	       unit_seed);
	fflush(stdout);
	unit_register();
	for (int i = 0; i < nr_suites; i++) {
		SRunner *sr = srunner_create(suites[i].s);

		if (suites[i].need_fork)
			srunner_set_fork_status(sr, CK_FORK);
		srunner_run_all(sr, CK_ENV);
		failed += srunner_ntests_failed(sr);
		srunner_free(sr);
		fflush(stdout);
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
