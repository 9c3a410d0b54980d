/* SPDX-License-Identifier: MIT */
/*
 * hostcheck.h - the one-line-per-check reporting the ports' small host unit
 * tests share (test/qemu-x86/unit, test/xen-port/unit).  Those are built by
 * their port's run-tests.sh with one gcc line each, not through Check like
 * test/unit, so this is a header only: include it by its relative path, no
 * build flags needed.
 *
 * CHECK(name, cond) prints "ok   NAME" or "FAIL NAME (file:line: cond)";
 * check_summary() prints "N passed, N failed" and returns main's status
 * (nonzero on any failure).  Each test program includes it once.
 */
#ifndef HAKO_HOSTCHECK_H
#define HAKO_HOSTCHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(name, cond)                                                        \
	do {                                                                     \
		if (cond) {                                                      \
			passed++;                                                \
			printf("ok   %s\n", name);                               \
		} else {                                                         \
			failed++;                                                \
			printf("FAIL %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond); \
		}                                                                \
	} while (0)

static inline int check_summary(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}

#endif
