// SPDX-License-Identifier: MIT
/*
 * The kernel's random numbers (hako/random.h): ChaCha20 (D. J. Bernstein's
 * original layout, 64-bit counter) keyed from hal_entropy(), with fast key
 * erasure: each block's first half becomes the next key and only the second
 * half is handed out.  SipHash-2-4 under a per-boot key for keyed hashing.
 * Also the libc entry points getrandom() and arc4random*().
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include <hal.h>
#include <hako/printk.h>
#include <hako/random.h>

#define ROTL32(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define ROTL64(v, n) (((v) << (n)) | ((v) >> (64 - (n))))

#define QR(a, b, c, d)                                                         \
	do {                                                                   \
		a += b, d ^= a, d = ROTL32(d, 16);                             \
		c += d, b ^= c, b = ROTL32(b, 12);                             \
		a += b, d ^= a, d = ROTL32(d, 8);                              \
		c += d, b ^= c, b = ROTL32(b, 7);                              \
	} while (0)

void chacha20_block(const uint32_t key[8], uint64_t counter, const uint32_t nonce[2],
		    uint32_t out[16])
{
	uint32_t in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	uint32_t *x = out;

	memcpy(&in[4], key, 32);
	in[12] = (uint32_t)counter;
	in[13] = (uint32_t)(counter >> 32);
	in[14] = nonce[0];
	in[15] = nonce[1];
	memcpy(x, in, sizeof(in));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		x[i] += in[i];
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8); /* little-endian machine, as SipHash specifies */
	return v;
}

#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1, v1 = ROTL64(v1, 13), v1 ^= v0, v0 = ROTL64(v0, 32);  \
		v2 += v3, v3 = ROTL64(v3, 16), v3 ^= v2;                       \
		v0 += v3, v3 = ROTL64(v3, 21), v3 ^= v0;                       \
		v2 += v1, v1 = ROTL64(v1, 17), v1 ^= v2, v2 = ROTL64(v2, 32);  \
	} while (0)

uint64_t siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = load64(key), k1 = load64(key + 8);
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m, b = (uint64_t)len << 56;
	size_t i;

	for (; len >= 8; p += 8, len -= 8) {
		m = load64(p);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (i = 0; i < len; i++)
		b |= (uint64_t)p[i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* ------------------------------------------------------------ generator --- */

static struct {
	bool seeded, strong;
	uint32_t key[8];
	uint64_t counter;
	uint8_t buf[32]; /* output not handed out yet: buf[pos..32) */
	unsigned pos;
	uint8_t hash_key[16];
} rng;

/*
 * No entropy source: mix the low bits of clock readings taken around work
 * whose duration varies with caches, interrupts and the host's scheduling.
 * Weak, and said so.
 */
static void seed_from_jitter(uint8_t seed[48])
{
	uint64_t acc[6] = { 0 };
	volatile uint32_t sink = 0;

	for (unsigned i = 0; i < 4096; i++) {
		uint64_t t0 = hal_clock_monotonic();

		for (unsigned j = 0; j < (t0 & 63) + 16; j++)
			sink += j * 2654435761u;
		acc[i % 6] = ROTL64(acc[i % 6], 7) ^ (hal_clock_monotonic() - t0) ^ t0;
	}
	acc[0] ^= hal_clock_wall();
	memcpy(seed, acc, 48);
}

static void seed(void)
{
	uint8_t s[48];

	rng.seeded = true;
	rng.strong = hal_entropy(s, sizeof(s)) == HAL_OK;
	if (!rng.strong) {
		seed_from_jitter(s);
		pr_notice("hako: random: no entropy source on this platform; "
			  "seeded from clock jitter (guessable)\n");
	}
	memcpy(rng.key, s, 32);
	/* The rest of the seed is the nonce of the first block, mixed in. */
	{
		uint32_t n[2], out[16];

		memcpy(n, s + 32, 8);
		chacha20_block(rng.key, 0, n, out);
		memcpy(rng.key, out, 32);
		memcpy(rng.hash_key, out + 8, 16);
		memset(out, 0, sizeof(out));
	}
	memset(s, 0, sizeof(s));
	rng.counter = 1;
	rng.pos = sizeof(rng.buf);
}

static void refill(void)
{
	static const uint32_t nonce[2] = { 0, 0 };
	uint32_t out[16];

	chacha20_block(rng.key, rng.counter++, nonce, out);
	memcpy(rng.key, out, 32);
	memcpy(rng.buf, out + 8, 32);
	memset(out, 0, sizeof(out));
	rng.pos = 0;
}

void random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;
	unsigned long flags = hal_irq_save();

	if (!rng.seeded)
		seed();
	while (len) {
		size_t n;

		if (rng.pos == sizeof(rng.buf))
			refill();
		n = sizeof(rng.buf) - rng.pos;
		if (n > len)
			n = len;
		memcpy(p, rng.buf + rng.pos, n);
		memset(rng.buf + rng.pos, 0, n);
		rng.pos += (unsigned)n;
		p += n;
		len -= n;
	}
	hal_irq_restore(flags);
}

uint32_t random_u32(void)
{
	uint32_t v;

	random_bytes(&v, sizeof(v));
	return v;
}

bool random_strong(void)
{
	if (!rng.seeded)
		random_bytes(NULL, 0);
	return rng.strong;
}

uint64_t random_hash(const void *data, size_t len)
{
	if (!rng.seeded)
		random_bytes(NULL, 0);
	return siphash24(rng.hash_key, data, len);
}

/* ------------------------------------------------------- libc interface --- */

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) {
		errno = EINVAL;
		return -1;
	}
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	random_bytes(buf, len);
	return (ssize_t)len;
}

uint32_t arc4random(void)
{
	return random_u32();
}

void arc4random_buf(void *buf, size_t len)
{
	random_bytes(buf, len);
}

uint32_t arc4random_uniform(uint32_t bound)
{
	uint32_t min, r;

	if (bound < 2)
		return 0;
	/* Reject the values below 2^32 mod bound, so every residue is equally
	 * likely. */
	min = -bound % bound;
	do
		r = random_u32();
	while (r < min);
	return r % bound;
}
