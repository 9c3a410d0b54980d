// SPDX-License-Identifier: MIT
/*
 * hal_entropy for the bare arm64 ports: the RNDR register (FEAT_RNG) when
 * the CPU has it (QEMU's -cpu max does; cortex-a57 does not).  RNDR sets
 * the Z flag when it could not produce a number in reasonable time: retry a
 * few times, then give up (the kernel falls back to clock jitter).
 */
#include <string.h>

#include <hal.h>

#include "sysreg.h"

static bool have_rndr(void)
{
	return (a64_read_sysreg(ID_AA64ISAR0_EL1) >> 60 & 0xf) != 0;
}

static bool rndr(uint64_t *v)
{
	for (int i = 0; i < 10; i++) {
		uint64_t nzcv;

		/* RNDR is s3_3_c2_c4_0: named so that any assembler takes it. */
		__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tmrs %1, nzcv" : "=r"(*v), "=r"(nzcv) : : "cc");
		if (!(nzcv & (1u << 30)))
			return true;
	}
	return false;
}

int hal_entropy(void *buf, size_t len)
{
	unsigned char *p = buf;

	if (!have_rndr())
		return HAL_ENODEV;
	while (len) {
		uint64_t v;
		size_t n = len < sizeof(v) ? len : sizeof(v);

		if (!rndr(&v))
			return HAL_ENODEV;
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	return HAL_OK;
}
