// SPDX-License-Identifier: MIT
/*
 * proto.c - kvd's line parser (proto.h).  Pure: no store, no sockets.
 */
#include <string.h>

#include "../kv/kv.h"
#include "proto.h"

static int word_is(const char *w, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n && name[i]; i++) {
		char c = w[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != name[i])
			return 0;
	}
	return i == n && !name[i];
}

static const char *bad(struct kvd_cmd *c, const char *why)
{
	c->op = KVD_BAD;
	c->err = why;
	return why;
}

void kvd_parse(const char *line, size_t len, struct kvd_cmd *c)
{
	const char *end, *sp;
	size_t wlen;

	memset(c, 0, sizeof(*c));
	if (len && line[len - 1] == '\r')
		len--;
	if (len > KVD_LINE_MAX) {
		bad(c, "line too long");
		return;
	}
	if (memchr(line, '\0', len)) {
		bad(c, "NUL byte in the line");
		return;
	}
	end = line + len;
	sp = memchr(line, ' ', len);
	wlen = sp ? (size_t)(sp - line) : len;
	if (word_is(line, wlen, "STATS") || word_is(line, wlen, "QUIT")) {
		if (sp) {
			bad(c, "arguments after a command that takes none");
			return;
		}
		c->op = word_is(line, wlen, "STATS") ? KVD_STATS : KVD_QUIT;
		return;
	}
	if (word_is(line, wlen, "SET"))
		c->op = KVD_SET;
	else if (word_is(line, wlen, "GET"))
		c->op = KVD_GET;
	else if (word_is(line, wlen, "DEL"))
		c->op = KVD_DEL;
	else {
		bad(c, wlen ? "unknown command" : "empty line");
		return;
	}
	if (!sp) {
		bad(c, "no key");
		return;
	}
	c->key = sp + 1;
	sp = memchr(c->key, ' ', (size_t)(end - c->key));
	c->klen = (size_t)((sp ? sp : end) - c->key);
	if (!c->klen || c->klen > KV_KEY_MAX) {
		bad(c, c->klen ? "key too long" : "empty key");
		return;
	}
	for (size_t i = 0; i < c->klen; i++) {
		if ((unsigned char)c->key[i] < 0x20 || c->key[i] == 0x7f) {
			bad(c, "control character in the key");
			return;
		}
	}
	if (c->op != KVD_SET) {
		if (sp)
			bad(c, "more than a key");
		return;
	}
	if (!sp) {
		bad(c, "no value");
		return;
	}
	c->val = sp + 1;
	c->vlen = (size_t)(end - c->val);
}
