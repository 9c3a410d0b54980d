/* SPDX-License-Identifier: MIT */
/* ktest: the in-image kernel test suite's tiny framework. */
#ifndef KTEST_H
#define KTEST_H

#include <stdbool.h>
#include <stdint.h>

struct ktest_case {
	const char *name;
	void (*fn)(void);
};

/* Record a failure (the first one per case is printed) and go on. */
void ktest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			ktest_fail(__FILE__, __LINE__, "%s", #cond);           \
	} while (0)

#define CHECK_MSG(cond, ...)                                                   \
	do {                                                                   \
		if (!(cond))                                                   \
			ktest_fail(__FILE__, __LINE__, __VA_ARGS__);           \
	} while (0)

/*
 * REQUIRE: a check that guards what follows (a pointer about to be used, a
 * count about to index): on failure it records the failure and returns from
 * the calling function, which must return void (the test case itself, or a
 * void helper it calls).  A test case must leave nothing behind that a later
 * case depends on when it stops here; it only leaks.
 */
#define REQUIRE(cond)                                                          \
	do {                                                                   \
		if (!(cond)) {                                                 \
			ktest_fail(__FILE__, __LINE__, "%s", #cond);           \
			return;                                                \
		}                                                              \
	} while (0)

#define REQUIRE_MSG(cond, ...)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			ktest_fail(__FILE__, __LINE__, __VA_ARGS__);           \
			return;                                                \
		}                                                              \
	} while (0)

#define MS (1000000ULL)

extern const struct ktest_case ktest_threads[], ktest_sync[], ktest_memory[], ktest_libc[],
	ktest_vfs[], ktest_net[];
/* Cases that need something from outside (a shutdown request): run only
 * when named on the command line. */
extern const struct ktest_case ktest_on_request[];

#endif
