// SPDX-License-Identifier: MIT
/*
 * hal_entropy for the bare x86_64 ports (qemu-x86, xen): RDRAND when the
 * CPU has it.  QEMU's TCG implements it for CPU models that advertise it
 * (-cpu max); Xen passes the CPUID bit through to PV guests.  RDRAND may
 * fail transiently (carry clear): retry a few times, as Intel advises.
 */
#include <string.h>

#include <hal.h>

static bool have_rdrand(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	return c >> 30 & 1;
}

static bool rdrand64(uint64_t *v)
{
	for (int i = 0; i < 10; i++) {
		unsigned char ok;

		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
		if (ok)
			return true;
	}
	return false;
}

int hal_entropy(void *buf, size_t len)
{
	unsigned char *p = buf;

	if (!have_rdrand())
		return HAL_ENODEV;
	while (len) {
		uint64_t v;
		size_t n = len < sizeof(v) ? len : sizeof(v);

		if (!rdrand64(&v))
			return HAL_ENODEV;
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	return HAL_OK;
}
