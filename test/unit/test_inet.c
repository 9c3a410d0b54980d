// SPDX-License-Identifier: MIT
/*
 * Address text conversions (libc/src/inet.c) against glibc: inet_pton and
 * inet_ntop on crafted and random text and addresses, inet_aton on the
 * classic forms; getaddrinfo/getnameinfo (libc/src/netdb.c) on numeric
 * hosts and services.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hako/page.h>

#include "hako_api.h"
#include "unit.h"

static void same_pton(int af, const char *text)
{
	unsigned char a[16] = { 0 }, b[16] = { 0 };
	int ra = hako_inet_pton(af, text, a), rb = inet_pton(af, text, b);

	ck_assert_msg(ra == rb, "inet_pton(%d, \"%s\"): ours %d, glibc %d", af, text, ra, rb);
	if (ra == 1)
		ck_assert_msg(!memcmp(a, b, 16), "inet_pton(%d, \"%s\"): different bytes", af, text);
}

static void same_ntop(int af, const unsigned char *addr)
{
	char a[64], b[64];
	const char *ra = hako_inet_ntop(af, addr, a, sizeof(a));
	const char *rb = inet_ntop(af, addr, b, sizeof(b));

	ck_assert(ra && rb);
	ck_assert_msg(!strcmp(a, b), "inet_ntop: ours \"%s\", glibc \"%s\"", a, b);
	/* Exactly enough room works, one byte less fails with ENOSPC. */
	ck_assert(hako_inet_ntop(af, addr, a, (socklen_t)strlen(b) + 1));
	errno = 0;
	ck_assert(!hako_inet_ntop(af, addr, a, (socklen_t)strlen(b)));
	ck_assert_int_eq(errno, ENOSPC);
}

START_TEST(pton_crafted)
{
	static const char *v4[] = {
		"0.0.0.0", "1.2.3.4", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5",
		"01.2.3.4", "1.2.3.04", "0.0.0.00", "1..2.3", ".1.2.3", "1.2.3.", "", " 1.2.3.4",
		"1.2.3.4 ", "a.b.c.d", "1.2.3.4x", "999.1.1.1", "1.2.3.-4", "0x1.2.3.4",
	};
	static const char *v6[] = {
		"::", "::1", "1::", "1::2", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":::", "1:::2", ":1::2", "1::2:", "1::2::3",
		"12345::", "fe80::1", "FE80::ABCD", "::ffff:1.2.3.4", "::1.2.3.4", "1::1.2.3.4",
		"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4.5",
		"::ffff:01.2.3.4", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7", "1::2:3:4:5:6:7",
		"2001:db8::1:0:0:1", "::g", "1:", ":", "", "0:0:0:0:0:0:0:0", "::0:0", "1:02:003:0004::",
		"00000::1", "::1.2.3.4:5", "1.2.3.4::",
	};

	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		same_pton(AF_INET, v4[i]);
		same_pton(AF_INET6, v4[i]);
	}
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		same_pton(AF_INET6, v6[i]);
		same_pton(AF_INET, v6[i]);
	}
	errno = 0;
	ck_assert_int_eq(hako_inet_pton(12345, "1.2.3.4", v4), -1);
	ck_assert_int_eq(errno, EAFNOSUPPORT);
}
END_TEST

/* Random text from an alphabet that makes near-misses likely. */
START_TEST(pton_random)
{
	static const char alphabet[] = "0123456789abcdefABCDEF:::...g";
	struct rng r;
	char text[48];

	rng_init(&r, "pton");
	for (int i = 0; i < 200000; i++) {
		size_t n = (size_t)rng_range(&r, 0, 45);

		for (size_t k = 0; k < n; k++)
			text[k] = alphabet[rng_below(&r, sizeof(alphabet) - 1)];
		text[n] = '\0';
		same_pton(AF_INET6, text);
		same_pton(AF_INET, text);
	}
}
END_TEST

START_TEST(ntop_random_and_zero_runs)
{
	struct rng r;
	unsigned char a[16];

	rng_init(&r, "ntop");
	for (int i = 0; i < 100000; i++) {
		uint64_t bits = rng_u64(&r);

		/* Each 16-bit group zero with probability 1/2: runs of every
		 * length and position; the rest random or small. */
		for (int g = 0; g < 8; g++) {
			unsigned v = (bits >> g & 1) ? 0
				   : rng_chance(&r, 30) ? (unsigned)rng_below(&r, 16)
				   : (unsigned)rng_below(&r, 65536);

			a[2 * g] = (unsigned char)(v >> 8);
			a[2 * g + 1] = (unsigned char)v;
		}
		if (rng_chance(&r, 5)) { /* v4-mapped / compatible shapes */
			memset(a, 0, 10);
			a[10] = a[11] = rng_chance(&r, 50) ? 0xff : 0;
		}
		same_ntop(AF_INET6, a);
		same_ntop(AF_INET, a);
		/* And back. */
		{
			char t[64];
			unsigned char b[16];

			hako_inet_ntop(AF_INET6, a, t, sizeof(t));
			ck_assert_int_eq(hako_inet_pton(AF_INET6, t, b), 1);
			ck_assert(!memcmp(a, b, 16));
		}
	}
}
END_TEST

START_TEST(aton_forms)
{
	static const char *texts[] = {
		"1.2.3.4", "0x7f.1", "127.1", "10.0.0", "4294967295", "4294967296", "0377.0.0.1",
		"08.1.1.1", "1.2.3.256", "1.2.65535", "1.2.65536", "1.16777215", "1.16777216",
		"0x", "1.2.3.4 trailing", "", "1.2.3.4.5", "0xffffffff", "1..2", "256.1",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct in_addr a = { 0 }, b = { 0 };
		int ra = hako_inet_aton(texts[i], &a), rb = inet_aton(texts[i], &b);

		ck_assert_msg(ra == rb, "inet_aton(\"%s\"): ours %d, glibc %d", texts[i], ra, rb);
		if (ra)
			ck_assert_msg(a.s_addr == b.s_addr, "inet_aton(\"%s\") differs", texts[i]);
	}
	ck_assert_uint_eq(hako_inet_addr("10.1.2.3"), inet_addr("10.1.2.3"));
	ck_assert_uint_eq(hako_inet_addr("nope"), INADDR_NONE);
	{
		struct in_addr a = { htonl(0xc0a80001) };

		ck_assert_str_eq(hako_inet_ntoa(a), "192.168.0.1");
	}
}
END_TEST

/* ---- getaddrinfo: needs our malloc, hence a page region */

static void heap(void)
{
	size_t size = 4 << 20;

	page_add_region((uintptr_t)unit_map(size), size);
}

START_TEST(getaddrinfo_numeric)
{
	struct addrinfo hints = { 0 }, *res, *r;
	int n;

	heap();
	/* socktype 0: one result per protocol */
	ck_assert_int_eq(hako_getaddrinfo("10.0.0.1", "80", NULL, &res), 0);
	for (n = 0, r = res; r; r = r->ai_next, n++) {
		const struct sockaddr_in *in = (const void *)r->ai_addr;

		ck_assert_int_eq(r->ai_family, AF_INET);
		ck_assert_uint_eq(r->ai_addrlen, sizeof(*in));
		ck_assert_uint_eq(in->sin_port, htons(80));
		ck_assert_uint_eq(in->sin_addr.s_addr, htonl(0x0a000001));
	}
	ck_assert_int_eq(n, 2);
	hako_freeaddrinfo(res);

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	ck_assert_int_eq(hako_getaddrinfo(NULL, "echo", &hints, &res), 0);
	ck_assert_int_eq(res->ai_family, AF_INET); /* IPv4 first */
	ck_assert_uint_eq(((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr, 0);
	ck_assert_uint_eq(((struct sockaddr_in *)res->ai_addr)->sin_port, htons(7));
	ck_assert_ptr_nonnull(res->ai_next);
	ck_assert_int_eq(res->ai_next->ai_family, AF_INET6);
	ck_assert_ptr_null(res->ai_next->ai_next);
	hako_freeaddrinfo(res);

	hints.ai_flags = AI_CANONNAME;
	ck_assert_int_eq(hako_getaddrinfo("fe80::1%3", "65535", &hints, &res), 0);
	ck_assert_int_eq(res->ai_family, AF_INET6);
	ck_assert_uint_eq(((struct sockaddr_in6 *)res->ai_addr)->sin6_scope_id, 3);
	ck_assert_str_eq(res->ai_canonname, "fe80::1%3");
	hako_freeaddrinfo(res);

	hints.ai_flags = 0;
	hints.ai_family = AF_INET6;
	ck_assert_int_eq(hako_getaddrinfo("1.2.3.4", "1", &hints, &res), EAI_NONAME);
	hints.ai_flags = AI_V4MAPPED;
	ck_assert_int_eq(hako_getaddrinfo("1.2.3.4", "1", &hints, &res), 0);
	{
		char t[64];

		hako_inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, t,
			       sizeof(t));
		ck_assert_str_eq(t, "::ffff:1.2.3.4");
	}
	hako_freeaddrinfo(res);

	/* errors */
	ck_assert_int_eq(hako_getaddrinfo("example.org", "80", NULL, &res), EAI_NONAME);
	ck_assert_int_eq(hako_getaddrinfo("1.2.3.4", "65536", NULL, &res), EAI_SERVICE);
	ck_assert_int_eq(hako_getaddrinfo("1.2.3.4", "nosuch", NULL, &res), EAI_SERVICE);
	ck_assert_int_eq(hako_getaddrinfo(NULL, NULL, NULL, &res), EAI_NONAME);
	hints.ai_flags = AI_NUMERICSERV;
	hints.ai_family = 0;
	ck_assert_int_eq(hako_getaddrinfo("1.2.3.4", "http", &hints, &res), EAI_NONAME);
	hints.ai_flags = 0x8000;
	ck_assert_int_eq(hako_getaddrinfo("1.2.3.4", "1", &hints, &res), EAI_BADFLAGS);
	hints.ai_flags = 0;
	hints.ai_family = 77;
	ck_assert_int_eq(hako_getaddrinfo("1.2.3.4", "1", &hints, &res), EAI_FAMILY);
	hints.ai_family = 0;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_protocol = IPPROTO_TCP;
	ck_assert_int_eq(hako_getaddrinfo("1.2.3.4", "1", &hints, &res), EAI_SOCKTYPE);
	ck_assert_str_eq(hako_gai_strerror(EAI_NONAME), gai_strerror(EAI_NONAME));
}
END_TEST

START_TEST(getnameinfo_numeric)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(8080) };
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	in.sin_addr.s_addr = htonl(0x7f000001);
	ck_assert_int_eq(hako_getnameinfo((struct sockaddr *)&in, sizeof(in), host, sizeof(host),
					  serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV), 0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_str_eq(serv, "8080");
	hako_inet_pton(AF_INET6, "fe80::2", &in6.sin6_addr);
	in6.sin6_scope_id = 12;
	ck_assert_int_eq(hako_getnameinfo((struct sockaddr *)&in6, sizeof(in6), host, sizeof(host),
					  serv, sizeof(serv), 0), 0);
	ck_assert_str_eq(host, "fe80::2%12");
	ck_assert_str_eq(serv, "443");
	ck_assert_int_eq(hako_getnameinfo((struct sockaddr *)&in6, sizeof(in6), host, 5, NULL, 0,
					  0), EAI_OVERFLOW);
	ck_assert_int_eq(hako_getnameinfo((struct sockaddr *)&in6, sizeof(in6), host, sizeof(host),
					  NULL, 0, NI_NAMEREQD), EAI_NONAME);
	ck_assert_int_eq(hako_getnameinfo((struct sockaddr *)&in6, 8, host, sizeof(host), NULL, 0,
					  0), EAI_FAMILY);
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("inet");
	TCase *tc = unit_tcase("inet");

	tcase_add_test(tc, pton_crafted);
	tcase_add_test(tc, pton_random);
	tcase_add_test(tc, ntop_random_and_zero_runs);
	tcase_add_test(tc, aton_forms);
	tcase_add_test(tc, getaddrinfo_numeric);
	tcase_add_test(tc, getnameinfo_numeric);
	suite_add_tcase(s, tc);
	unit_add_suite(s, true); /* getaddrinfo adds a page region */
}
