/* SPDX-License-Identifier: MIT */
/*
 * unit.h - what every host unit test shares: the suite registry, the seeded
 * PRNG and the host stubs of the HAL and kernel calls the code under test
 * makes (stubs.c).
 *
 * Every test file defines unit_register(), which calls unit_add_suite() for
 * each of its suites; unit.c's main() runs each suite in its own SRunner
 * (Check prints one summary per suite) and exits nonzero on any failure.
 *
 * Randomised tests draw from a struct rng seeded by rng_init(&r, name): the
 * run's seed (HAKO_SEED, printed at start) mixed with the test's name, so a
 * failing test is reproduced by re-running with the same HAKO_SEED.
 */
#ifndef HAKO_UNIT_H
#define HAKO_UNIT_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every passing ck_assert* calls _mark_point(), which in fork mode writes
 * the location to the parent and flushes: a system call per assertion,
 * which made assertion-heavy loops take minutes.  Passing assertions only
 * remember their place here; mark_point() still reports to Check.  (A
 * crash is then reported "after" the last explicit mark point; ASan, UBSan
 * and the panic stub print their own traces.)
 */
#undef mark_point
#define mark_point() (_mark_point)(__FILE__, __LINE__)
#define _mark_point(file, line) unit_mark_point(file, line)
extern const char *unit_last_file;
extern int unit_last_line;
static inline void unit_mark_point(const char *file, int line)
{
	unit_last_file = file;
	unit_last_line = line;
}

/* ---- suites */
/* need_fork: the suite's tests must each run in a fresh child (allocator
 * state, panics): CK_FORK=no is overridden for it. */
void unit_add_suite(Suite *s, bool need_fork);
void unit_register(void);
/* A test case with a timeout fit for ASan builds. */
TCase *unit_tcase(const char *name);

/* ---- PRNG (splitmix64) */
extern uint64_t unit_seed;
struct rng {
	uint64_t s;
};
void rng_init(struct rng *r, const char *name);
static inline uint64_t rng_u64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
/* Uniform in [0, n); n > 0. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return rng_u64(r) % n;
}
/* Uniform in [lo, hi]. */
static inline int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1);
}
static inline bool rng_chance(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

/* ---- host stubs (stubs.c) */
/* hal_irq_save/restore: whether "interrupts" are masked now, and how many
 * saves are not yet restored (both 0 between kernel calls). */
extern bool unit_irq_masked;
extern long unit_irq_depth;
/* hal_clock_monotonic() returns this. */
extern uint64_t unit_clock;
/* printk: messages so far and the last one (formatted by glibc). */
extern unsigned unit_log_count;
extern char unit_log_last[1024];
/* console_write: everything written, NUL-terminated (malloc'd, grows). */
extern char *unit_console;
extern size_t unit_console_len;
void unit_console_reset(void);

/* An mmap'd, page-aligned, zero-filled region with an inaccessible guard
 * page on each side (never freed: tests fork). */
void *unit_map(size_t size);
/* Make [p, p + len) inaccessible (page aligned). */
void unit_protect(void *p, size_t len);

#endif
