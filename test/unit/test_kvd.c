// SPDX-License-Identifier: MIT
/*
 * kvd's line parser (apps/kvd/proto.c): every command, the value as the
 * rest of the line, each refusal with its reason, the limits, and random
 * lines (the result is always a command whose fields lie inside the line,
 * or a refusal with a reason).
 */
#include <stdlib.h>
#include <string.h>

#include "../../apps/kv/kv.h"
#include "../../apps/kvd/proto.h"
#include "unit.h"

static struct kvd_cmd c;

static void parse(const char *s)
{
	kvd_parse(s, strlen(s), &c);
}

static void field(const char *p, size_t n, const char *want)
{
	ck_assert_uint_eq(n, strlen(want));
	ck_assert(!memcmp(p, want, n));
}

START_TEST(commands)
{
	parse("SET k v");
	ck_assert_int_eq(c.op, KVD_SET);
	field(c.key, c.klen, "k");
	field(c.val, c.vlen, "v");
	parse("set key  a value with spaces \r");
	ck_assert_int_eq(c.op, KVD_SET);
	field(c.key, c.klen, "key");
	field(c.val, c.vlen, " a value with spaces ");
	parse("SET k ");
	ck_assert_int_eq(c.op, KVD_SET);
	ck_assert_uint_eq(c.vlen, 0);
	parse("Get k2");
	ck_assert_int_eq(c.op, KVD_GET);
	field(c.key, c.klen, "k2");
	parse("DEL k\r");
	ck_assert_int_eq(c.op, KVD_DEL);
	field(c.key, c.klen, "k");
	parse("STATS");
	ck_assert_int_eq(c.op, KVD_STATS);
	parse("quit\r");
	ck_assert_int_eq(c.op, KVD_QUIT);
}
END_TEST

static void refused(const char *s, size_t n, const char *why)
{
	kvd_parse(s, n, &c);
	ck_assert_msg(c.op == KVD_BAD, "\"%.*s\" accepted", (int)n, s);
	ck_assert_str_eq(c.err, why);
}

START_TEST(refusals)
{
	refused("", 0, "empty line");
	refused("\r", 1, "empty line");
	refused("SETX k v", 8, "unknown command");
	refused("SE", 2, "unknown command");
	refused("GET", 3, "no key");
	refused("SET k", 5, "no value");
	refused("SET  v", 6, "empty key");
	refused("GET k v", 7, "more than a key");
	refused("DEL k ", 6, "more than a key");
	refused("STATS x", 7, "arguments after a command that takes none");
	refused("QUIT ", 5, "arguments after a command that takes none");
	refused("GET a\tb", 7, "control character in the key");
	refused("GET a\x7f", 6, "control character in the key");
	refused("GET a\0b", 7, "NUL byte in the line");
	refused("SET k v\0", 8, "NUL byte in the line");
}
END_TEST

START_TEST(limits)
{
	size_t n = KVD_LINE_MAX + 2;
	char *s = malloc(n);

	ck_assert_ptr_nonnull(s);
	memcpy(s, "GET ", 4);
	memset(s + 4, 'k', KV_KEY_MAX);
	kvd_parse(s, 4 + KV_KEY_MAX, &c);
	ck_assert_int_eq(c.op, KVD_GET);
	ck_assert_uint_eq(c.klen, KV_KEY_MAX);
	s[4 + KV_KEY_MAX] = 'k';
	refused(s, 5 + KV_KEY_MAX, "key too long");
	/* the longest line, and a CR past it */
	memcpy(s, "SET k ", 6);
	memset(s + 6, 'v', n - 6);
	kvd_parse(s, KVD_LINE_MAX, &c);
	ck_assert_int_eq(c.op, KVD_SET);
	ck_assert_uint_eq(c.vlen, KVD_LINE_MAX - 6);
	s[KVD_LINE_MAX] = '\r';
	kvd_parse(s, KVD_LINE_MAX + 1, &c);
	ck_assert_int_eq(c.op, KVD_SET);
	s[KVD_LINE_MAX] = 'v';
	refused(s, KVD_LINE_MAX + 1, "line too long");
	free(s);
}
END_TEST

START_TEST(random_lines)
{
	static const char alphabet[] = "SETGDLAQUIsetgk \r\0\t\x7fv";
	char s[64];

	srand((unsigned)unit_seed);
	for (int i = 0; i < 200000; i++) {
		size_t n = (size_t)rand() % sizeof(s);

		for (size_t j = 0; j < n; j++)
			s[j] = alphabet[rand() % (sizeof(alphabet) - 1)];
		kvd_parse(s, n, &c);
		if (c.op == KVD_BAD) {
			ck_assert_ptr_nonnull(c.err);
			continue;
		}
		if (c.op == KVD_SET || c.op == KVD_GET || c.op == KVD_DEL) {
			ck_assert(c.klen > 0 && c.key >= s && c.key + c.klen <= s + n);
			ck_assert(!memchr(c.key, ' ', c.klen));
		}
		if (c.op == KVD_SET)
			ck_assert(c.val >= s && c.val + c.vlen <= s + n);
	}
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("kvd");
	TCase *tc = unit_tcase("kvd");

	tcase_add_test(tc, commands);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, random_lines);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
