// SPDX-License-Identifier: MIT
/*
 * ktest: the kernel test suite, run inside the image on every port.
 *   ktest            run every case
 *   ktest NAME...    run the named cases only
 * One line per case ("ok" or "FAIL" with the first failed check), then
 * "N passed, N failed"; the exit status is 1 if anything failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hal.h>
#include <hako/kernel.h>

#include "ktest.h"

static int case_failures;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (case_failures++ == 0) {
		printf("      %s:%d: ", file, line);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
}

static const struct ktest_case *const groups[] = { ktest_libc, ktest_memory, ktest_threads,
						   ktest_sync, ktest_on_request };

static bool selected(const char *name, int argc, char **argv, bool on_request)
{
	if (argc < 2)
		return !on_request;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	uint64_t start = hal_clock_monotonic();

	printf("ktest: kernel test suite on %s\n", kern_platform());
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		for (const struct ktest_case *c = groups[g]; c->name; c++) {
			uint64_t t0;

			if (!selected(c->name, argc, argv, groups[g] == ktest_on_request))
				continue;
			case_failures = 0;
			t0 = hal_clock_monotonic();
			c->fn();
			printf("%-4s %-28s %6lu us\n", case_failures ? "FAIL" : "ok", c->name,
			       (unsigned long)((hal_clock_monotonic() - t0) / 1000));
			if (case_failures)
				failed++;
			else
				passed++;
		}
	}
	printf("ktest: %lu ms\n", (unsigned long)((hal_clock_monotonic() - start) / MS));
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
