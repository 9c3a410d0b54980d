// SPDX-License-Identifier: MIT
/*
 * httpd's request parser, dates and content types (apps/httpd/http.c,
 * http_util.c): crafted requests for every status, every request fed one
 * byte at a time (the answer may only be "more" until the whole head is
 * there), pipelined heads, and dates against glibc's timegm/strftime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../apps/httpd/http.h"
#include "unit.h"

static struct http_request req;

static int parse(const char *s)
{
	return http_parse(s, strlen(s), &req);
}

/* Fed one byte more at a time, s gives 0 until its end, then want. */
static void bytewise(const char *s, int want)
{
	size_t n = strlen(s);

	for (size_t i = 1; i < n; i++) {
		int r = http_parse(s, i, &req);

		if (want > 0)
			ck_assert_msg(r == 0, "prefix %zu of \"%s\": %d", i, s, r);
		else if (r != 0) {
			ck_assert_msg(r == want, "prefix %zu of \"%s\": %d, want %d", i, s, r, want);
			return; /* an early refusal is fine */
		}
	}
	ck_assert_int_eq(http_parse(s, n, &req), want);
}

START_TEST(valid_requests)
{
	const char *g = "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n";

	ck_assert_int_eq(parse(g), (int)strlen(g));
	ck_assert_int_eq(req.method, HTTP_GET);
	ck_assert_int_eq(req.minor, 1);
	ck_assert(req.keep_alive);
	ck_assert_str_eq(req.path, "/index.html");
	ck_assert_int_eq((int)req.head_len, (int)strlen(g));
	bytewise(g, (int)strlen(g));

	ck_assert_int_gt(parse("HEAD /a%20b?x=1 HTTP/1.1\nHost: x\nConnection: close\n\n"), 0);
	ck_assert_int_eq(req.method, HTTP_HEAD);
	ck_assert_str_eq(req.path, "/a b");
	ck_assert(!req.keep_alive);

	ck_assert_int_gt(parse("GET / HTTP/1.0\r\n\r\n"), 0);
	ck_assert_int_eq(req.minor, 0);
	ck_assert(!req.keep_alive);
	ck_assert_int_gt(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 0);
	ck_assert(req.keep_alive);
	ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, CLOSE\r\n\r\n"), 0);
	ck_assert(!req.keep_alive);
	/* HTTP/1.9 is answered as 1.1; leading empty lines are skipped */
	ck_assert_int_gt(parse("\r\n\nGET / HTTP/1.9\r\nHost: x\r\n\r\n"), 0);
	ck_assert_int_eq(req.minor, 1);
	/* absolute-form */
	ck_assert_int_gt(parse("GET http://example/p/q HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	ck_assert_str_eq(req.path, "/p/q");
	ck_assert_int_gt(parse("GET http://example HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	ck_assert_str_eq(req.path, "/");
	/* a small body is announced, the head alone is consumed */
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
			 (int)strlen("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"));
	ck_assert_int_eq((int)req.content_length, 5);
	ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
			       "Content-Length: 5\r\n\r\n"), 0);
	/* "..." and "..x" are names, not the parent */
	ck_assert_int_gt(parse("GET /.../..x/a.. HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	ck_assert_str_eq(req.path, "/.../..x/a..");
}
END_TEST

START_TEST(pipelined)
{
	const char *two = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\nGET";
	int n1 = parse(two);

	ck_assert_int_eq(n1, (int)strlen("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"));
	ck_assert_str_eq(req.path, "/a");
	ck_assert_int_gt(http_parse(two + n1, strlen(two) - (size_t)n1, &req), 0);
	ck_assert_str_eq(req.path, "/b");
	ck_assert_int_eq(req.method, HTTP_HEAD);
	ck_assert_int_eq(http_parse(two + strlen(two) - 3, 3, &req), 0);
}
END_TEST

START_TEST(bad_requests)
{
	static const struct {
		const char *req;
		int status;
	} cases[] = {
		{ "\x01\x02\xff garbage\r\n\r\n", 400 },
		{ "GET /\r\nHost: x\r\n\r\n", 400 },		 /* no version */
		{ "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400 },
		{ "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / http/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505 },
		{ "GET / HTTP/0.9\r\nHost: x\r\n\r\n", 505 },
		{ "GET / HTTP/1.1\r\nHost x\r\n\r\n", 400 },	 /* no colon */
		{ "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nA: b\x01\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n\r\n", 400 },		 /* no Host */
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
		{ "GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /a/.. HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /%2e%2E/x HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /a% HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET a HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /#f HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: x\r\n\r\n", 405 },
		{ "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", 405 },
		{ "BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 501 },
		{ "get / HTTP/1.1\r\nHost: x\r\n\r\n", 501 },	 /* methods are case-sensitive */
		{ "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 501 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999\r\n\r\n", 413 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n", 400 },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n\r\n", 400 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = parse(cases[i].req);

		ck_assert_msg(r == -cases[i].status, "case %zu: %d, want %d", i, r, -cases[i].status);
		bytewise(cases[i].req, -cases[i].status);
	}
	/* NUL bytes (strlen cannot carry them) */
	{
		static const char nul[] = "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n";
		static const char nulh[] = "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n";

		ck_assert_int_eq(http_parse(nul, sizeof(nul) - 1, &req), -400);
		ck_assert_int_eq(http_parse(nulh, sizeof(nulh) - 1, &req), -400);
	}
}
END_TEST

START_TEST(limits)
{
	size_t big = 200000;
	char *b = malloc(big + 64);
	int r;

	/* a long URI: 414 as soon as the line limit is passed, not later */
	memcpy(b, "GET /", 5);
	memset(b + 5, 'a', big);
	r = http_parse(b, HTTP_MAX_LINE - 1, &req);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(http_parse(b, HTTP_MAX_LINE, &req), -414);
	ck_assert_int_eq(http_parse(b, big, &req), -414);
	/* a target that fits the line but not the path */
	snprintf(b, big, "GET /%01500d HTTP/1.1\r\nHost: x\r\n\r\n", 0);
	ck_assert_int_eq(parse(b), -414);
	/* a long version part */
	snprintf(b, big, "GET / HTTP/1.1");
	memset(b + 14, 'x', HTTP_MAX_LINE);
	ck_assert_int_eq(http_parse(b, HTTP_MAX_LINE + 14, &req), -400);
	/* a huge header block: 431 once HTTP_MAX_HEAD bytes came without an end */
	strcpy(b, "GET / HTTP/1.1\r\nHost: x\r\nX: ");
	memset(b + strlen(b), 'v', big);
	ck_assert_int_eq(http_parse(b, HTTP_MAX_HEAD - 1, &req), 0);
	ck_assert_int_eq(http_parse(b, HTTP_MAX_HEAD, &req), -431);
	ck_assert_int_eq(http_parse(b, big, &req), -431);
	/* many small fields */
	strcpy(b, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < HTTP_MAX_FIELDS; i++)
		strcat(b, "A: b\r\n");
	strcat(b, "\r\n");
	ck_assert_int_eq(parse(b), -431);
	/* exactly the limit of fields is fine */
	strcpy(b, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < HTTP_MAX_FIELDS - 1; i++)
		strcat(b, "A: b\r\n");
	strcat(b, "\r\n");
	ck_assert_int_gt(parse(b), 0);
	free(b);
}
END_TEST

START_TEST(random_bytes)
{
	struct rng r;
	char buf[512];
	static const char alpha[] = "GET /HTP1.0\r\n: Hostx%2e\x00\x7f";

	rng_init(&r, "http_random");
	for (int i = 0; i < 200000; i++) {
		size_t n = rng_below(&r, sizeof(buf));
		int st;

		for (size_t k = 0; k < n; k++)
			buf[k] = rng_chance(&r, 50) ? alpha[rng_below(&r, sizeof(alpha) - 1)]
						    : (char)rng_u64(&r);
		st = http_parse(buf, n, &req);
		ck_assert(st >= -505);
		if (st > 0) {
			ck_assert((size_t)st <= n && req.path[0] == '/');
			ck_assert(strlen(req.path) < HTTP_MAX_PATH);
		}
	}
}
END_TEST

START_TEST(dates)
{
	char out[HTTP_DATE_LEN + 1], want[64];
	struct rng r;

	ck_assert_int_eq(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", 29), 784111777);
	ck_assert_int_eq(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", 30), 784111777);
	ck_assert_int_eq(http_date_parse("Sun Nov  6 08:49:37 1994", 24), 784111777);
	ck_assert_int_eq(http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", 29), -1);
	ck_assert_int_eq(http_date_parse("Sun, 31 Nov 1994 08:49:37 GMT", 29), -1);
	ck_assert_int_eq(http_date_parse("Sun, 29 Feb 1900 08:49:37 GMT", 29), -1);
	ck_assert_int_eq(http_date_parse("Sun, 29 Feb 2000 00:00:00 GMT", 29), 951782400);
	ck_assert_int_eq(http_date_parse("Sun, 06 Nov 1994 24:49:37 GMT", 29), -1);
	ck_assert_int_eq(http_date_parse("", 0), -1);
	ck_assert_int_eq(http_date_format(-1, out), 0);
	rng_init(&r, "http_dates");
	for (int i = 0; i < 100000; i++) {
		time_t t = (time_t)rng_range(&r, 0, 253402300799LL);
		struct tm tm;

		ck_assert_int_eq((int)http_date_format(t, out), HTTP_DATE_LEN);
		out[HTTP_DATE_LEN] = '\0';
		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		ck_assert_str_eq(out, want);
		ck_assert_int_eq(http_date_parse(out, HTTP_DATE_LEN), t);
		strftime(want, sizeof(want), "%a %b %e %H:%M:%S %Y", &tm);
		ck_assert_int_eq(http_date_parse(want, strlen(want)), t);
	}
}
END_TEST

START_TEST(types_and_reasons)
{
	ck_assert_str_eq(http_content_type("/index.html"), "text/html; charset=utf-8");
	ck_assert_str_eq(http_content_type("/A.PNG"), "image/png");
	ck_assert_str_eq(http_content_type("/a.tar.gz"), "application/octet-stream");
	ck_assert_str_eq(http_content_type("/dir.html/file"), "application/octet-stream");
	ck_assert_str_eq(http_content_type("/htm"), "application/octet-stream");
	ck_assert_str_eq(http_content_type("/x.htmlx"), "application/octet-stream");
	ck_assert_str_eq(http_reason(404), "Not Found");
	ck_assert_str_eq(http_reason(431), "Request Header Fields Too Large");
	ck_assert_str_eq(http_reason(999), "Unknown");
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("http");
	TCase *tc = unit_tcase("http");

	tcase_add_test(tc, valid_requests);
	tcase_add_test(tc, pipelined);
	tcase_add_test(tc, bad_requests);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, random_bytes);
	tcase_add_test(tc, dates);
	tcase_add_test(tc, types_and_reasons);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
