// SPDX-License-Identifier: MIT
/* A reader for newc cpio archives (cpio.h): every length checked first. */
#include <stdio.h>
#include <string.h>

#include "cpio.h"

#define HDR 110
#define F_MODE 1
#define F_MTIME 5
#define F_FILESIZE 6
#define F_NAMESIZE 11

void cpio_init(struct cpio_reader *r, const void *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->pos = 0;
	r->err[0] = '\0';
}

static int bad(struct cpio_reader *r, const char *what)
{
	snprintf(r->err, sizeof(r->err), "%s at offset %zu", what, r->pos);
	return -1;
}

/* Field i (0-12) of the header at p: 8 hex digits. */
static bool field(const unsigned char *p, int i, uint32_t *out)
{
	uint32_t v = 0;

	p += 6 + 8 * i;
	for (int k = 0; k < 8; k++) {
		unsigned char c = p[k];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	const unsigned char *h;
	uint32_t v[13];
	size_t left, name_end, data_end;

	if (r->pos > r->len)
		return bad(r, "read past the end");
	left = r->len - r->pos;
	if (left == 0)
		return bad(r, "archive ends without a TRAILER!!! entry");
	if (left < HDR)
		return bad(r, "truncated header");
	h = r->buf + r->pos;
	if (memcmp(h, "070701", 6) && memcmp(h, "070702", 6))
		return bad(r, "bad magic (not a newc cpio archive)");
	for (int i = 0; i < 13; i++)
		if (!field(h, i, &v[i]))
			return bad(r, "header field that is not 8 hex digits");
	if (v[F_NAMESIZE] < 1 || v[F_NAMESIZE] > CPIO_NAME_MAX)
		return bad(r, "name size out of range");
	/* left >= HDR, and namesize is small: no overflow below. */
	if (v[F_NAMESIZE] > left - HDR)
		return bad(r, "name runs past the end");
	if (h[HDR + v[F_NAMESIZE] - 1] != '\0' || memchr(h + HDR, '\0', v[F_NAMESIZE] - 1))
		return bad(r, "name not NUL-terminated, or with a NUL inside");
	name_end = pad4(HDR + (size_t)v[F_NAMESIZE]);
	e->name = (const char *)h + HDR;
	if (!strcmp(e->name, "TRAILER!!!"))
		return 0;
	if (name_end > left || v[F_FILESIZE] > left - name_end)
		return bad(r, "data runs past the end");
	data_end = name_end + v[F_FILESIZE];
	e->mode = v[F_MODE];
	e->mtime = v[F_MTIME];
	e->data = h + name_end;
	e->size = v[F_FILESIZE];
	/* The last entry's data padding may be missing at the very end; the
	 * trailer check then reports the archive as cut short. */
	r->pos += pad4(data_end) <= left ? pad4(data_end) : left;
	return 1;
}
