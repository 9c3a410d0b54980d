// SPDX-License-Identifier: MIT
/* The xenstore wire protocol without I/O (see xs_wire.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <xen/errno.h>

#include "ring.h"
#include "xs_wire.h"

#define HDR ((uint32_t)sizeof(struct xsd_sockmsg))

int xs_reader_feed(struct xs_reader *r, const volatile char *ring, uint32_t *cons,
		   uint32_t prod)
{
	long avail = ring_used(*cons, prod, XENSTORE_RING_SIZE);

	if (avail < 0)
		return XS_FEED_BAD;
	while (avail > 0) {
		uint32_t want, n;

		if (r->have < HDR) {
			want = HDR - r->have;
		} else {
			if (r->hdr.len > XENSTORE_PAYLOAD_MAX)
				return XS_FEED_BAD;
			want = HDR + r->hdr.len - r->have;
		}
		if (want == 0)
			break;
		n = (uint32_t)avail < want ? (uint32_t)avail : want;
		if (r->have < HDR)
			ring_copy_out(ring, XENSTORE_RING_SIZE, *cons, (char *)&r->hdr + r->have, n);
		else
			ring_copy_out(ring, XENSTORE_RING_SIZE, *cons, r->body + (r->have - HDR), n);
		r->have += n;
		*cons += n;
		avail -= n;
	}
	if (r->have < HDR)
		return XS_FEED_MORE;
	if (r->hdr.len > XENSTORE_PAYLOAD_MAX)
		return XS_FEED_BAD;
	if (r->have < HDR + r->hdr.len)
		return XS_FEED_MORE;
	r->body[r->hdr.len] = '\0';
	r->have = 0;
	return XS_FEED_MSG;
}

long xs_ring_space(uint32_t cons, uint32_t prod)
{
	long used = ring_used(cons, prod, XENSTORE_RING_SIZE);

	return used < 0 ? -1 : XENSTORE_RING_SIZE - used;
}

static int streq_n(const char *a, uint32_t len, const char *b)
{
	uint32_t i = 0;

	for (; i < len && a[i] && b[i]; i++)
		if (a[i] != b[i])
			return 0;
	return (i == len || !a[i]) && !b[i];
}

int xs_error_code(const char *body, uint32_t len)
{
	static const struct {
		const char *name;
		int code;
	} names[] = {
		{ "ENOENT", XEN_ENOENT }, { "EACCES", XEN_EACCES }, { "EEXIST", XEN_EEXIST },
		{ "EISDIR", XEN_EISDIR }, { "ENOSPC", XEN_ENOSPC }, { "EIO", XEN_EIO },
		{ "ENOTEMPTY", XEN_ENOTEMPTY }, { "ENOSYS", XEN_ENOSYS }, { "EROFS", XEN_EROFS },
		{ "EBUSY", XEN_EBUSY }, { "EAGAIN", XEN_EAGAIN }, { "EISCONN", XEN_EISCONN },
		{ "E2BIG", XEN_E2BIG }, { "EPERM", XEN_EPERM }, { "EINVAL", XEN_EINVAL },
		{ "ENOMEM", XEN_ENOMEM },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (streq_n(body, len, names[i].name))
			return -names[i].code;
	return -XEN_EIO; /* an error we do not know is still an error */
}

/* Length of the NUL-terminated string at s, or -1 if none within len. */
static long str_within(const char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (!s[i])
			return i;
	return -1;
}

int xs_parse_watch_event(const char *body, uint32_t len, const char **path,
			 const char **token)
{
	long n1 = str_within(body, len), n2;

	if (n1 < 0)
		return -1;
	n2 = str_within(body + n1 + 1, len - (uint32_t)n1 - 1);
	if (n2 < 0)
		return -1;
	*path = body;
	*token = body + n1 + 1;
	return 0;
}

int xs_parse_directory(const char *body, uint32_t len)
{
	int count = 0;

	for (uint32_t i = 0; i < len; count++) {
		long n = str_within(body + i, len - i);

		if (n < 0)
			return -1;
		i += (uint32_t)n + 1;
	}
	return count;
}

int xs_parse_uint(const char *s, uint32_t len, uint64_t max, uint64_t *val)
{
	uint64_t v = 0;
	uint32_t i = 0;

	for (; i < len && s[i]; i++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (d > 9 || d > max || (i == 1 && s[0] == '0') || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (i == 0)
		return -1;
	*val = v;
	return 0;
}

/* Component [s, s + n) is a decimal number without leading zeros. */
static int is_number(const char *s, size_t n)
{
	if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int xs_backend_path_ok(const char *path, size_t size, unsigned int backend_id, const char *type,
		       uint32_t devid)
{
	char prefix[64], suffix[16];
	size_t len = strnlen(path, size), lp, ls;
	const char *mid, *end;

	if (len == size || len == 0 || path[0] != '/')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = path[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.' || c == '/'))
			return 0;
		/* no empty component, none that is "." or "..", no trailing '/' */
		if (c == '/' && (i + 1 == len || path[i + 1] == '/' ||
				 (path[i + 1] == '.' && (i + 2 == len || path[i + 2] == '/' ||
							 (path[i + 2] == '.' &&
							  (i + 3 == len || path[i + 3] == '/'))))))
			return 0;
	}
	lp = (size_t)snprintf(prefix, sizeof(prefix), "/local/domain/%u/backend/%s/", backend_id,
			      type);
	ls = (size_t)snprintf(suffix, sizeof(suffix), "/%u", (unsigned int)devid);
	if (lp >= sizeof(prefix) || len < lp + ls + 1 || strncmp(path, prefix, lp) ||
	    strcmp(path + len - ls, suffix))
		return 0;
	/* between them: the frontend's domain id */
	mid = path + lp;
	end = path + len - ls;
	return is_number(mid, (size_t)(end - mid));
}
