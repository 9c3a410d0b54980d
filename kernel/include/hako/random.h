/* SPDX-License-Identifier: MIT */
/*
 * random.h - the kernel's random numbers: a ChaCha20 generator seeded once
 * from the platform's entropy source (hal_entropy: RDRAND, the host's
 * getrandom()...), and a keyed hash under a per-boot secret.
 *
 * Seeding happens on first use.  A platform without an entropy source gets
 * a seed from clock jitter instead, and the console says so once (such a
 * seed is guessable: fine for port numbers, weak for secrets).  The
 * generator erases its key after every block (fast key erasure), so the
 * state never reveals earlier output.  No call blocks or fails.
 *
 * Apps see the same generator through <sys/random.h>'s getrandom() and
 * <stdlib.h>'s arc4random(), arc4random_buf() and arc4random_uniform().
 */
#ifndef HAKO_RANDOM_H
#define HAKO_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* random_bytes - fill buf with len random bytes. */
void random_bytes(void *buf, size_t len);

/* random_u32 - one random 32-bit number. */
uint32_t random_u32(void);

/* random_strong - the seed came from the platform's entropy source (false:
 * from clock jitter).  Seeds the generator if it was not yet. */
bool random_strong(void);

/*
 * random_hash - SipHash-2-4 of data under a secret key drawn once per boot:
 * unpredictable to anyone outside, stable for the image's life (TCP initial
 * sequence numbers from the connection's addresses, hash-flooding-proof
 * tables).
 */
uint64_t random_hash(const void *data, size_t len);

/* The primitives, exposed for the unit tests' known-answer checks. */
void chacha20_block(const uint32_t key[8], uint64_t counter, const uint32_t nonce[2],
		    uint32_t out[16]);
uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);

#endif /* HAKO_RANDOM_H */
