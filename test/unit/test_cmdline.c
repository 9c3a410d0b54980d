// SPDX-License-Identifier: MIT
/*
 * kern_split_cmdline (kernel/cmdline.c), by the rules in hako/kernel.h:
 * words separated by spaces (and tabs, newlines); "double" or 'single'
 * quotes keep spaces; a backslash escapes the next character outside single
 * quotes; -1 for an unterminated quote; at most max_words words (the rest
 * dropped with a warning); words truncated when buf is too small.
 *
 * buf and words are exact-size heap blocks, so ASan catches any write past
 * bufsize or max_words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hako/kernel.h>

#include "unit.h"

#define MAXW 256

struct split {
	int n;
	char *words[MAXW];
	char *buf;
	size_t bufsize;
	unsigned warnings;
};

/* Run the real thing with exact-size buffers. */
static void split(struct split *sp, const char *s, size_t bufsize, int max_words)
{
	char **w = malloc((size_t)(max_words ? max_words : 1) * sizeof(char *));
	unsigned before = unit_log_count;

	sp->buf = bufsize ? malloc(bufsize) : NULL;
	sp->bufsize = bufsize;
	if (bufsize)
		memset(sp->buf, 'Z', bufsize);
	sp->n = kern_split_cmdline(s, sp->buf, bufsize, w, max_words);
	sp->warnings = unit_log_count - before;
	ck_assert_int_le(sp->n, max_words);
	for (int i = 0; i < sp->n; i++) {
		/* each word lies in buf and is terminated there */
		ck_assert(w[i] >= sp->buf && w[i] < sp->buf + bufsize);
		ck_assert_ptr_nonnull(memchr(w[i], '\0', (size_t)(sp->buf + bufsize - w[i])));
		sp->words[i] = w[i];
	}
	free(w);
}

static void done(struct split *sp)
{
	free(sp->buf);
}

/* Split s with room to spare and compare with want (NULL-terminated), or
 * with -1 when want is NULL. */
static void expect(const char *s, const char *const *want)
{
	struct split sp;
	int n = 0;

	split(&sp, s, strlen(s) + 1, MAXW);
	if (!want) {
		ck_assert_msg(sp.n == -1, "\"%s\": %d words, want -1 (unterminated quote)", s,
			      sp.n);
		done(&sp);
		return;
	}
	while (want[n])
		n++;
	ck_assert_msg(sp.n == n, "\"%s\": %d words, want %d", s, sp.n, n);
	for (int i = 0; i < n; i++)
		ck_assert_msg(!strcmp(sp.words[i], want[i]),
			      "\"%s\": word %d is \"%s\", want \"%s\"", s, i, sp.words[i], want[i]);
	ck_assert_uint_eq(sp.warnings, 0);
	done(&sp);
}

#define W(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})

START_TEST(plain_words_and_spacing)
{
	expect("", NONE);
	expect("   ", NONE);
	expect(" \t\n ", NONE);
	expect("a", W("a"));
	expect("hello world", W("hello", "world"));
	expect("  lead  and\ttrail\n ", W("lead", "and", "trail"));
	expect("hako.loglevel=7 -- app arg", W("hako.loglevel=7", "--", "app", "arg"));
}
END_TEST

START_TEST(quotes)
{
	expect("a 'b c' d", W("a", "b c", "d"));
	expect("\"x  y\"", W("x  y"));
	expect("a\"b c\"d", W("ab cd")); /* quotes join to their word */
	expect("'it''s'", W("its"));
	expect("\"it's\"", W("it's"));
	expect("'say \"hi\"'", W("say \"hi\""));
	expect("''", W(""));
	expect("\"\"", W(""));
	expect("a '' b", W("a", "", "b"));
	expect("'' \"\" ''", W("", "", ""));
	expect("x''", W("x"));
	expect("'\t\n'", W("\t\n"));
}
END_TEST

START_TEST(escapes)
{
	expect("a\\ b", W("a b"));
	expect("\\\"quoted\\\"", W("\"quoted\""));
	expect("\\'", W("'"));
	expect("\\\\", W("\\"));
	expect("\\a\\b", W("ab"));
	expect("'a\\b'", W("a\\b")); /* no escapes in single quotes */
	expect("'a\\'", W("a\\"));   /* the backslash does not escape the quote */
	expect("'a\\'b", W("a\\b"));
	expect("\"a\\\"b\"", W("a\"b")); /* escapes in double quotes */
	expect("\"a\\\\\"", W("a\\"));
	expect("end\\", W("end\\")); /* a trailing backslash stays */
	expect("\\ ", W(" "));
	expect("a\\\tb", W("a\tb"));
}
END_TEST

START_TEST(unterminated_quotes)
{
	expect("'abc", NULL);
	expect("\"abc", NULL);
	expect("a \"b c", NULL);
	expect("a b 'c", NULL);
	expect("'", NULL);
	expect("\"it's", NULL);
	expect("'a\\'b'", NULL); /* 'a\' is closed; the last ' is not */
	expect("\"a\\\"", NULL); /* \" does not close */
}
END_TEST

START_TEST(too_many_words)
{
	struct split sp;

	split(&sp, "a b c d e", 64, 3);
	ck_assert_int_eq(sp.n, 3);
	ck_assert_str_eq(sp.words[0], "a");
	ck_assert_str_eq(sp.words[2], "c");
	ck_assert_uint_eq(sp.warnings, 1);
	ck_assert_ptr_nonnull(strstr(unit_log_last, "more than 3 words"));
	done(&sp);
	/* exactly max_words: no warning */
	split(&sp, "a b c  ", 64, 3);
	ck_assert_int_eq(sp.n, 3);
	ck_assert_uint_eq(sp.warnings, 0);
	done(&sp);
	split(&sp, "a", 64, 0);
	ck_assert_int_eq(sp.n, 0);
	ck_assert_uint_eq(sp.warnings, 1);
	done(&sp);
	split(&sp, "", 64, 0);
	ck_assert_int_eq(sp.n, 0);
	ck_assert_uint_eq(sp.warnings, 0);
	done(&sp);
}
END_TEST

START_TEST(small_buffers_truncate)
{
	struct split sp;

	split(&sp, "hello world", 0, 8);
	ck_assert_int_eq(sp.n, 0);
	done(&sp);
	split(&sp, "hello world", 1, 8);
	ck_assert_int_eq(sp.n, 0); /* room for nothing but a NUL */
	done(&sp);
	split(&sp, "hello world", 4, 8);
	ck_assert_int_eq(sp.n, 1);
	ck_assert_str_eq(sp.words[0], "hel");
	done(&sp);
	split(&sp, "hello world", 6, 8); /* "hello\0" fills it */
	ck_assert_int_eq(sp.n, 1);
	ck_assert_str_eq(sp.words[0], "hello");
	done(&sp);
	split(&sp, "hello world", 8, 8);
	ck_assert_int_eq(sp.n, 2);
	ck_assert_str_eq(sp.words[0], "hello");
	ck_assert_str_eq(sp.words[1], "w");
	done(&sp);
	split(&sp, "hello world", 12, 8); /* exactly enough */
	ck_assert_int_eq(sp.n, 2);
	ck_assert_str_eq(sp.words[1], "world");
	done(&sp);
	split(&sp, "'a b c d' e", 5, 8);
	ck_assert_int_eq(sp.n, 1);
	ck_assert_str_eq(sp.words[0], "a b ");
	done(&sp);
}
END_TEST

/* ---- randomised, against a model of the documented rules */

struct model {
	int n;	   /* words, or -1 */
	bool warn; /* words dropped for max_words */
	char words[MAXW][300];
};

static bool sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The rules of hako/kernel.h with limits, written from the spec: split
 * everything, then take words while there is room. */
static void model_split(const char *s, size_t bufsize, int max_words, struct model *m)
{
	char all[MAXW][300];
	int nall = 0;
	bool unterminated = false;
	size_t len = 0;

	while (nall < MAXW) {
		char q = 0;
		int k = 0;

		while (sep(*s))
			s++;
		if (!*s)
			break;
		for (; *s && (q || !sep(*s)); s++) {
			if (!q && (*s == '"' || *s == '\'')) {
				q = *s;
			} else if (q && *s == q) {
				q = 0;
			} else if (*s == '\\' && q != '\'' && s[1]) {
				all[nall][k++] = *++s;
			} else {
				all[nall][k++] = *s;
			}
		}
		all[nall][k] = '\0';
		nall++;
		if (q) {
			unterminated = true;
			break;
		}
	}
	m->n = 0;
	m->warn = false;
	if (bufsize == 0)
		return;
	for (int i = 0; i < nall; i++) {
		size_t room, wl = strlen(all[i]);

		if (len >= bufsize - 1)
			return;
		if (m->n == max_words) {
			m->warn = true;
			return;
		}
		if (unterminated && i == nall - 1) {
			m->n = -1;
			return;
		}
		room = bufsize - 1 - len;
		if (wl > room)
			wl = room;
		memcpy(m->words[m->n], all[i], wl);
		m->words[m->n][wl] = '\0';
		m->n++;
		len += wl + 1;
	}
}

static void gen_cmdline(struct rng *r, char *s, size_t cap)
{
	static const char *const pieces[] = {
	    "a",	"b",	      "hako.x=1", "--",	   "42",     "\\ ",  "\\\"",
	    "\\'",	"\\\\",	      "\\z",	  "'a b'", "'x\"y'", "'\\'", "\"a b\"",
	    "\"it's\"", "\"q\\\"q\"", "\"\\\\\"", "''",	   "\"\"",   "'  '", "\"\t\"",
	};
	static const char *const seps[] = {" ", " ", " ", "  ", "\t", "\n", " \t "};
	size_t len = 0;
	int words = (int)rng_below(r, 12);

	s[0] = '\0';
	if (rng_chance(r, 30))
		len += (size_t)snprintf(s + len, cap - len, "%s", seps[rng_below(r, 7)]);
	for (int w = 0; w < words; w++) {
		int np = 1 + (int)rng_below(r, 4);

		for (int p = 0; p < np; p++)
			len += (size_t)snprintf(
			    s + len, cap - len, "%s",
			    pieces[rng_below(r, sizeof(pieces) / sizeof(pieces[0]))]);
		if (w + 1 < words || rng_chance(r, 20))
			len += (size_t)snprintf(s + len, cap - len, "%s", seps[rng_below(r, 7)]);
	}
	switch (rng_below(r, 12)) {
	case 0:
		snprintf(s + len, cap - len, "'unterminated");
		break;
	case 1:
		snprintf(s + len, cap - len, "x \"open");
		break;
	case 2:
		snprintf(s + len, cap - len, "tail\\");
		break;
	}
}

START_TEST(random_against_model)
{
	struct rng r;
	static struct model m;
	char s[512];

	rng_init(&r, "cmdline.random");
	for (int it = 0; it < 20000; it++) {
		struct split sp;
		size_t bufsize;
		int max_words = rng_chance(&r, 70) ? MAXW : (int)rng_below(&r, 6);

		gen_cmdline(&r, s, sizeof(s));
		bufsize = rng_chance(&r, 50) ? strlen(s) + 1 : rng_below(&r, strlen(s) + 3);
		split(&sp, s, bufsize, max_words);
		model_split(s, bufsize, max_words, &m);
		ck_assert_msg(sp.n == m.n, "\"%s\" (bufsize %zu, max %d): %d words, model %d", s,
			      bufsize, max_words, sp.n, m.n);
		for (int i = 0; i < m.n; i++)
			ck_assert_msg(!strcmp(sp.words[i], m.words[i]),
				      "\"%s\" (bufsize %zu, max %d): word %d \"%s\", model \"%s\"",
				      s, bufsize, max_words, i, sp.words[i], m.words[i]);
		if (m.n >= 0)
			ck_assert_msg(sp.warnings == (unsigned)m.warn,
				      "\"%s\" (bufsize %zu, max %d): %u warnings, model %d", s,
				      bufsize, max_words, sp.warnings, m.warn);
		done(&sp);
	}
}
END_TEST

START_TEST(longest_command_line)
{
	/* The kernel's own limits: KERN_CMDLINE_MAX bytes, KERN_MAX_ARGS words. */
	char *s = malloc(4 * KERN_CMDLINE_MAX);
	struct split sp;
	size_t len = 0;

	for (int i = 0; len + 8 < 4 * KERN_CMDLINE_MAX; i++)
		len += (size_t)sprintf(s + len, "w%d ", i);
	split(&sp, s, KERN_CMDLINE_MAX, KERN_MAX_ARGS);
	ck_assert_int_eq(sp.n, KERN_MAX_ARGS);
	ck_assert_str_eq(sp.words[0], "w0");
	ck_assert_str_eq(sp.words[KERN_MAX_ARGS - 1], "w63");
	ck_assert_uint_eq(sp.warnings, 1);
	done(&sp);
	memset(s, 'x', 4 * KERN_CMDLINE_MAX - 1);
	s[4 * KERN_CMDLINE_MAX - 1] = '\0';
	split(&sp, s, KERN_CMDLINE_MAX, KERN_MAX_ARGS); /* one word, much too long */
	ck_assert_int_eq(sp.n, 1);
	ck_assert_uint_eq(strlen(sp.words[0]), KERN_CMDLINE_MAX - 1);
	done(&sp);
	free(s);
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = unit_tcase("cmdline");

	tcase_add_test(tc, plain_words_and_spacing);
	tcase_add_test(tc, quotes);
	tcase_add_test(tc, escapes);
	tcase_add_test(tc, unterminated_quotes);
	tcase_add_test(tc, too_many_words);
	tcase_add_test(tc, small_buffers_truncate);
	tcase_add_test(tc, random_against_model);
	tcase_add_test(tc, longest_command_line);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
