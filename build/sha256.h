/* SPDX-License-Identifier: MIT */
/*
 * sha256: SHA-256 (FIPS 180-4) for the build's host tools (objcache).
 * Feed bytes with sha256_update in any pieces; sha256_hex ends the hash
 * and writes its 64 lowercase hex digits and a NUL.  Never fails.
 */
#ifndef HAKO_BUILD_SHA256_H
#define HAKO_BUILD_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t state[8];
	uint64_t bytes;
	unsigned char block[64];
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
void sha256_hex(struct sha256 *h, char hex[65]);

#endif
