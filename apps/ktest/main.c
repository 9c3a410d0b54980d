// SPDX-License-Identifier: MIT
/*
 * ktest: the kernel test suite, run inside the image on every port.
 *   ktest            run every case
 *   ktest NAME...    run the named cases only
 * First "ktest: N cases" (how many will run), then one line per case ("ok"
 * or "FAIL" with the first failed check), then "N passed, N failed"; the
 * exit status is 1 if anything failed.  A NAME that names no case is an
 * error (status 2, the valid names listed), never a run of nothing.
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

static const struct ktest_case *const groups[] = {
	ktest_libc, ktest_memory, ktest_threads, ktest_sync, ktest_vfs,
#ifdef KTEST_NET
	ktest_net, /* nettest: the same suite with the socket cases */
#endif
	ktest_on_request,
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static bool selected(const char *name, int argc, char **argv, bool on_request)
{
	if (argc < 2)
		return !on_request;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static bool known(const char *name)
{
	for (size_t g = 0; g < NGROUPS; g++)
		for (const struct ktest_case *c = groups[g]; c->name; c++)
			if (!strcmp(c->name, name))
				return true;
	return false;
}

/* Every NAME must name a case; else say which did not and list the valid
 * ones.  Returns the number of cases that will run, or -1. */
static int count_selected(int argc, char **argv)
{
	int n = 0, unknown = 0;

	for (int i = 1; i < argc; i++) {
		if (!known(argv[i])) {
			printf("ktest: no case named '%s'\n", argv[i]);
			unknown++;
		}
	}
	if (unknown) {
		printf("ktest: valid names:");
		for (size_t g = 0; g < NGROUPS; g++)
			for (const struct ktest_case *c = groups[g]; c->name; c++)
				printf(" %s", c->name);
		printf("\n");
		return -1;
	}
	for (size_t g = 0; g < NGROUPS; g++)
		for (const struct ktest_case *c = groups[g]; c->name; c++)
			n += selected(c->name, argc, argv, groups[g] == ktest_on_request);
	return n;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, total;
	uint64_t start = hal_clock_monotonic();

	printf("ktest: kernel test suite on %s\n", kern_platform());
	total = count_selected(argc, argv);
	if (total < 0)
		return 2;
	printf("ktest: %d case%s\n", total, total == 1 ? "" : "s");
	for (size_t g = 0; g < NGROUPS; g++) {
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
