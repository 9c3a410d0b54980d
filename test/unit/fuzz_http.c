// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: httpd's request parser (apps/httpd/http.c) and date
 * parser on any bytes.  Beyond ASan/UBSan's checks, the contract's
 * promises: the answer is "more", a head length within the input, or one
 * of the listed statuses; a full buffer never asks for more; an accepted
 * head parses the same when given alone (nothing after it mattered); the
 * path starts with '/', fits, and holds no ".." segment; a date that
 * parses formats back to a date that parses to the same time.
 */
#include <stdlib.h>
#include <string.h>

#include "../../apps/httpd/http.h"

/* libc/src/string.c's strdup wants our malloc: the host's will do. */
void *hako_malloc(size_t n);
void *hako_malloc(size_t n)
{
	return malloc(n);
}

static bool allowed(int st)
{
	static const int ok[] = { 400, 405, 413, 414, 431, 501, 505 };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (st == -ok[i])
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_request a, b;
	const char *buf = (const char *)data;
	int r = http_parse(buf, size, &a);
	int64_t t;

	if (r < 0 && !allowed(r))
		abort();
	if (r == 0 && size >= HTTP_MAX_HEAD)
		abort();
	if (r > 0) {
		size_t n = strlen(a.path);

		if ((size_t)r > size || a.head_len != (size_t)r || a.path[0] != '/' ||
		    n >= HTTP_MAX_PATH || strstr(a.path, "/../") ||
		    (n >= 3 && !strcmp(a.path + n - 3, "/..")))
			abort();
		if (http_parse(buf, (size_t)r, &b) != r || strcmp(a.path, b.path) ||
		    a.keep_alive != b.keep_alive || a.method != b.method)
			abort();
	}
	t = http_date_parse(buf, size);
	if (t >= 0) {
		char out[HTTP_DATE_LEN + 1];

		if (http_date_format(t, out) != HTTP_DATE_LEN || http_date_parse(out, HTTP_DATE_LEN) != t)
			abort();
	}
	return 0;
}
