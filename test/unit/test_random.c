// SPDX-License-Identifier: MIT
/*
 * The kernel's random numbers (kernel/random.c): ChaCha20 and SipHash-2-4
 * against their published test vectors, the generator's output and the
 * libc entry points (getrandom, arc4random_uniform).
 */
#include <errno.h>
#include <string.h>

#include <hako/random.h>

#include "hako_api.h"
#include "unit.h"

/* RFC 8439, 2.3.2: key 00..1f, nonce 000000090000004a00000000, block 1
 * (in the original layout: a 64-bit counter whose high word is the
 * RFC's first nonce word). */
START_TEST(chacha20_rfc8439_block)
{
	static const uint32_t want[16] = {
		0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033,
		0x9aaa2204, 0x4e6cd4c3, 0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
		0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2,
	};
	uint32_t key[8], out[16];
	const uint32_t nonce[2] = { 0x4a000000, 0 };

	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
			 (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
	chacha20_block(key, 1 | (uint64_t)0x09000000 << 32, nonce, out);
	for (int i = 0; i < 16; i++)
		ck_assert_msg(out[i] == want[i], "word %d: %08x, want %08x", i, out[i], want[i]);
}
END_TEST

/* The SipHash paper's vectors: key 00..0f, messages 00 01 02 ... */
START_TEST(siphash_reference_vectors)
{
	uint8_t key[16], msg[64];

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	ck_assert_uint_eq(siphash24(key, msg, 0), 0x726fdb47dd0e0e31ULL);
	ck_assert_uint_eq(siphash24(key, msg, 1), 0x74f839c593dc67fdULL);
	ck_assert_uint_eq(siphash24(key, msg, 8), 0x93f5f5799a932462ULL);
	ck_assert_uint_eq(siphash24(key, msg, 15), 0xa129ca6149be45e5ULL);
	ck_assert_uint_eq(siphash24(key, msg, 63), 0x958a324ceb064572ULL);
}
END_TEST

START_TEST(generator_and_libc_calls)
{
	uint8_t a[100], b[100];
	unsigned counts[7] = { 0 };
	int ones = 0;

	hako_arc4random_buf(a, sizeof(a));
	hako_arc4random_buf(b, sizeof(b));
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
	for (size_t i = 0; i < sizeof(a); i++)
		ones += __builtin_popcount(a[i]);
	ck_assert(ones > 300 && ones < 500); /* 400 expected, 8 sigma either way */
	ck_assert_int_eq(hako_getrandom(a, 10, 0), 10);
	errno = 0;
	ck_assert_int_eq(hako_getrandom(a, 10, 0x80), -1);
	ck_assert_int_eq(errno, EINVAL);
	for (int i = 0; i < 7000; i++)
		counts[hako_arc4random_uniform(7)]++;
	for (int i = 0; i < 7; i++)
		ck_assert(counts[i] > 800 && counts[i] < 1200);
	ck_assert_uint_eq(hako_arc4random_uniform(1), 0);
	ck_assert_uint_eq(random_hash("x", 1), random_hash("x", 1));
	ck_assert(random_hash("x", 1) != random_hash("y", 1));
	ck_assert(random_strong()); /* the stub's hal_entropy works */
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("random");
	TCase *tc = unit_tcase("random");

	tcase_add_test(tc, chacha20_rfc8439_block);
	tcase_add_test(tc, siphash_reference_vectors);
	tcase_add_test(tc, generator_and_libc_calls);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
