// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: kvd's line parser (apps/kvd/proto.c) on any bytes.
 * Beyond ASan/UBSan's checks, proto.h's promises: a refusal has a reason;
 * an accepted command's key is 1..KV_KEY_MAX bytes inside the line,
 * without spaces or control characters, and a SET's value lies inside the
 * line after it; a line with a NUL or past KVD_LINE_MAX is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "../../apps/kv/kv.h"
#include "../../apps/kvd/proto.h"

/* libc/src/string.c's strdup wants our malloc: the host's will do. */
void *hako_malloc(size_t n);
void *hako_malloc(size_t n)
{
	return malloc(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct kvd_cmd c;

	kvd_parse(s, size, &c);
	if (c.op == KVD_BAD) {
		if (!c.err)
			abort();
		return 0;
	}
	if (memchr(s, '\0', size) || size > KVD_LINE_MAX + 1)
		abort();
	if (c.op == KVD_STATS || c.op == KVD_QUIT)
		return 0;
	if (!c.klen || c.klen > KV_KEY_MAX || c.key < s || c.key + c.klen > s + size)
		abort();
	for (size_t i = 0; i < c.klen; i++)
		if ((unsigned char)c.key[i] <= ' ' || c.key[i] == 0x7f)
			abort();
	if (c.op == KVD_SET && (c.val != c.key + c.klen + 1 || c.val + c.vlen > s + size))
		abort();
	return 0;
}
