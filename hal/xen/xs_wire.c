// SPDX-License-Identifier: MIT
/* The xenstore wire protocol without I/O (see xs_wire.h). */
#include <stddef.h>
#include <stdint.h>

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
