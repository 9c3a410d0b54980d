// SPDX-License-Identifier: MIT
/*
 * The initrd's cpio reader (services/vfs/cpio.c), on untrusted input:
 * well-formed archives as GNU cpio makes them, then every truncation of
 * one, bad magic and digits, names without their NUL or with one inside,
 * sizes pointing past the end, no trailer, and random mutations.  Every
 * archive is an exact-size heap block: ASan catches a read past its end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/vfs/cpio.h"
#include "unit.h"

struct buf {
	unsigned char *p;
	size_t len;
};

static void add(struct buf *b, const void *p, size_t n)
{
	b->p = realloc(b->p, b->len + n);
	ck_assert(b->p != NULL);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void pad4(struct buf *b)
{
	static const char zeros[4];

	add(b, zeros, (4 - b->len % 4) % 4);
}

/* One newc entry; namesize/filesize < 0: the real ones. */
static void entry(struct buf *b, const char *name, unsigned mode, const void *data,
		  size_t len, long namesize, long filesize)
{
	char hdr[160];
	unsigned fs = (unsigned)(filesize < 0 ? (long)len : filesize);
	unsigned ns = (unsigned)(namesize < 0 ? (long)strlen(name) + 1 : namesize);

	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1,
		 mode, 0, 0, 1, 0, fs, 0, 0, 0, 0, ns, 0);
	add(b, hdr, 110);
	add(b, name, strlen(name) + 1);
	pad4(b);
	add(b, data, len);
	pad4(b);
}

static struct buf good_archive(void)
{
	struct buf b = { NULL, 0 };

	entry(&b, ".", 040755, "", 0, -1, -1);
	entry(&b, "etc", 040755, "", 0, -1, -1);
	entry(&b, "etc/hello", 0100644, "hello\n", 6, -1, -1);
	entry(&b, "empty", 0100644, "", 0, -1, -1);
	entry(&b, "three", 0100600, "abc", 3, -1, -1);
	entry(&b, "TRAILER!!!", 0, "", 0, -1, -1);
	return b;
}

/* Read all of an exact-size copy; the number of entries, or -1. */
static int read_all(const unsigned char *p, size_t len, struct cpio_reader *r)
{
	unsigned char *copy = malloc(len ? len : 1);
	struct cpio_entry e;
	int n = 0, rc;

	memcpy(copy, p, len);
	cpio_init(r, copy, len);
	while ((rc = cpio_next(r, &e)) == 1) {
		ck_assert((const unsigned char *)e.name >= copy &&
			  (const unsigned char *)e.name < copy + len);
		ck_assert((const unsigned char *)e.data + e.size <= copy + len);
		ck_assert(strlen(e.name) < CPIO_NAME_MAX);
		n++;
	}
	free(copy);
	if (rc < 0) {
		ck_assert(r->err[0] != '\0');
		return -1;
	}
	return n;
}

START_TEST(well_formed)
{
	struct buf b = good_archive();
	struct cpio_reader r;
	struct cpio_entry e;

	ck_assert_int_eq(read_all(b.p, b.len, &r), 5);
	cpio_init(&r, b.p, b.len);
	ck_assert_int_eq(cpio_next(&r, &e), 1);
	ck_assert_str_eq(e.name, ".");
	ck_assert_int_eq(cpio_next(&r, &e), 1);
	ck_assert_int_eq(cpio_next(&r, &e), 1);
	ck_assert_str_eq(e.name, "etc/hello");
	ck_assert_uint_eq(e.mode, 0100644);
	ck_assert_uint_eq(e.size, 6);
	ck_assert(!memcmp(e.data, "hello\n", 6));
	ck_assert_int_eq(cpio_next(&r, &e), 1);
	ck_assert_uint_eq(e.size, 0);
	ck_assert_int_eq(cpio_next(&r, &e), 1);
	ck_assert(!memcmp(e.data, "abc", 3));
	ck_assert_int_eq(cpio_next(&r, &e), 0);
	/* GNU cpio pads to 512 bytes: what follows the trailer is ignored. */
	add(&b, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	ck_assert_int_eq(read_all(b.p, b.len, &r), 5);
	free(b.p);
}
END_TEST

START_TEST(every_truncation_is_refused)
{
	struct buf b = good_archive();
	struct cpio_reader r;
	size_t trailer = b.len - 124; /* the trailer entry: 110 + 11 + 3 */

	for (size_t len = 0; len < trailer; len++)
		ck_assert_msg(read_all(b.p, len, &r) == -1, "cut at %zu accepted", len);
	free(b.p);
}
END_TEST

static void expect_bad(struct buf *b, const char *why)
{
	struct cpio_reader r;

	ck_assert_msg(read_all(b->p, b->len, &r) == -1, "%s: accepted", why);
	ck_assert_msg(strstr(r.err, "offset") != NULL, "%s: error '%s' says no offset", why,
		      r.err);
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

START_TEST(malformed_headers)
{
	struct buf b = { NULL, 0 };
	static char big[8];

	/* bad magic */
	b = good_archive();
	b.p[5] = '9';
	expect_bad(&b, "magic");
	/* a digit that is not hex, in each field */
	for (int f = 0; f < 13; f++) {
		b = good_archive();
		b.p[6 + 8 * f + 3] = 'g';
		expect_bad(&b, "digit");
	}
	/* name size 0, and larger than the archive or the limit */
	entry(&b, "x", 0100644, "", 0, 0, -1);
	expect_bad(&b, "namesize 0");
	entry(&b, "x", 0100644, "", 0, 0x7fffffff, -1);
	expect_bad(&b, "namesize huge");
	entry(&b, "x", 0100644, "", 0, CPIO_NAME_MAX + 1, -1);
	expect_bad(&b, "namesize over the limit");
	/* name without its NUL (size one short), NUL inside (one long) */
	entry(&b, "abcd", 0100644, "", 0, 4, -1);
	entry(&b, "TRAILER!!!", 0, "", 0, -1, -1);
	expect_bad(&b, "no NUL");
	entry(&b, "ab", 0100644, big, 0, 5, -1);
	entry(&b, "TRAILER!!!", 0, "", 0, -1, -1);
	expect_bad(&b, "NUL inside");
	/* file size past the end, and at the 32-bit limit */
	entry(&b, "f", 0100644, "data", 4, -1, 5000);
	expect_bad(&b, "filesize past the end");
	entry(&b, "f", 0100644, "data", 4, -1, 0xffffffffL);
	expect_bad(&b, "filesize huge");
	/* no trailer at all */
	entry(&b, "f", 0100644, "data", 4, -1, -1);
	expect_bad(&b, "no trailer");
	/* empty */
	b.p = malloc(1);
	b.len = 0;
	expect_bad(&b, "empty");
}
END_TEST

START_TEST(random_mutations)
{
	struct rng rng;
	struct buf g = good_archive();
	int accepted = 0;

	rng_init(&rng, "cpio mutations");
	for (int i = 0; i < 20000; i++) {
		unsigned char *m = malloc(g.len);
		size_t len = g.len - rng_u64(&rng) % 64;
		struct cpio_reader r;
		int n;

		memcpy(m, g.p, g.len);
		for (int k = 0, flips = 1 + (int)(rng_u64(&rng) % 4); k < flips; k++)
			m[rng_u64(&rng) % len] = (unsigned char)rng_u64(&rng);
		n = read_all(m, len, &r);
		accepted += n >= 0;
		free(m);
	}
	/* Mutations in data bytes are harmless: some pass, most not. */
	ck_assert(accepted > 0 && accepted < 20000);
	free(g.p);
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("cpio");
	TCase *tc = unit_tcase("cpio");

	tcase_add_test(tc, well_formed);
	tcase_add_test(tc, every_truncation_is_refused);
	tcase_add_test(tc, malformed_headers);
	tcase_add_test(tc, random_mutations);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
