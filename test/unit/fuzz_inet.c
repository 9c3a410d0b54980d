// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: address text parsing and printing (libc/src/inet.c)
 * against glibc.  The input is tried as text for inet_pton (both
 * families) and inet_aton, and its first 16 bytes as an address for
 * inet_ntop; every answer must equal glibc's.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "hako_api.h"

/* libc/src/string.c's strdup wants our malloc: the host's will do. */
void *hako_malloc(size_t n)
{
	return malloc(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[128], a[64], b[64];
	unsigned char x[16], y[16];
	struct in_addr ia, ib;

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	for (int af = AF_INET; af <= AF_INET6; af += AF_INET6 - AF_INET) {
		int ra, rb;

		memset(x, 0, sizeof(x));
		memset(y, 0, sizeof(y));
		ra = hako_inet_pton(af, text, x);
		rb = inet_pton(af, text, y);
		if (ra != rb || (ra == 1 && memcmp(x, y, 16)))
			abort();
	}
	ia.s_addr = ib.s_addr = 0;
	{
		int ra = hako_inet_aton(text, &ia), rb = inet_aton(text, &ib);

		if (ra != rb || (ra && ia.s_addr != ib.s_addr))
			abort();
	}
	memset(x, 0, sizeof(x));
	memcpy(x, data, size < 16 ? size : 16);
	if (strcmp(hako_inet_ntop(AF_INET6, x, a, sizeof(a)), inet_ntop(AF_INET6, x, b, sizeof(b))) ||
	    strcmp(hako_inet_ntop(AF_INET, x, a, sizeof(a)), inet_ntop(AF_INET, x, b, sizeof(b))))
		abort();
	return 0;
}
