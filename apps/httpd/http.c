// SPDX-License-Identifier: MIT
/*
 * HTTP/1.x request heads (RFC 9112), strictly: what the grammar does not
 * allow is refused with a status rather than guessed at, since guessing is
 * how request smuggling starts.  The head is parsed again from its first
 * byte on every call (heads are small; the caller calls again only when
 * more bytes came), so there is no state to get wrong between calls.
 */
#include <string.h>

#include "http.h"

#define METHOD_MAX 16

static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* s[0..n) equals the lowercase word w, ignoring case */
static bool word_is(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n && w[i]; i++)
		if (lower((unsigned char)s[i]) != (unsigned char)w[i])
			return false;
	return i == n && !w[i];
}

static const char *const refused_methods[] = {
	"POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
};

/* 0 for GET/HEAD (req->method set), else the status for the method. */
static int classify_method(const char *m, size_t n, struct http_request *req)
{
	req->method = HTTP_OTHER;
	if (n == 3 && !memcmp(m, "GET", 3)) {
		req->method = HTTP_GET;
		return 0;
	}
	if (n == 4 && !memcmp(m, "HEAD", 4)) {
		req->method = HTTP_HEAD;
		return 0;
	}
	for (size_t i = 0; i < sizeof(refused_methods) / sizeof(refused_methods[0]); i++)
		if (strlen(refused_methods[i]) == n && !memcmp(m, refused_methods[i], n))
			return 405;
	return 501;
}

/*
 * The request line p[0..n) without its line end; complete says whether the
 * line end was seen (else p is a prefix, checked as far as it goes).
 * Returns 0 (fine, or fine so far) or a status; *stage says where the
 * prefix ended: 0 method, 1 target, 2 version.
 */
static int request_line(const char *p, size_t n, bool complete, struct http_request *req,
			const char **target, size_t *tlen, int *stage)
{
	static const char version[] = "HTTP/d.d";
	size_t i = 0, t0, v;

	*stage = 0;
	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i > METHOD_MAX)
		return 400;
	if (i == n)
		return complete ? 400 : 0;
	if (p[i] != ' ' || i == 0)
		return 400;
	*stage = 1;
	t0 = ++i;
	while (i < n && (unsigned char)p[i] > 0x20 && (unsigned char)p[i] < 0x7f)
		i++;
	if (i == n)
		return complete ? 400 : 0; /* no version: HTTP/0.9 is not served */
	if (p[i] != ' ' || i == t0)
		return 400;
	*target = p + t0;
	*tlen = i - t0;
	*stage = 2;
	v = ++i;
	if (n - v > 8 || (complete && n - v != 8))
		return 400;
	for (; i < n; i++) {
		char want = version[i - v];

		if (want == 'd' ? !(p[i] >= '0' && p[i] <= '9') : p[i] != want)
			return 400;
	}
	if (!complete)
		return 0;
	if (p[v + 5] != '1')
		return 505;
	req->minor = p[v + 7] == '0' ? 0 : 1; /* 1.x, x > 1: answered as 1.1 */
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)lower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The request target into req->path: decoded, query dropped, no "..". */
static int decode_target(const char *t, size_t n, struct http_request *req)
{
	size_t i = 0, o = 0, seg;

	if (n > 7 && word_is(t, 7, "http://")) {
		/* absolute-form: the path starts at the first '/' after the host */
		for (i = 7; i < n && t[i] != '/'; i++)
			if (t[i] == '?')
				return 400;
		if (i == n) {
			req->path[0] = '/';
			req->path[1] = '\0';
			return 0;
		}
	}
	if (i == n || t[i] != '/')
		return 400;
	seg = 0;
	for (; i < n && t[i] != '?'; i++) {
		char c = t[i];

		if (c == '#')
			return 400;
		if (c == '%') {
			int hi = i + 2 < n ? hexval(t[i + 1]) : -1;
			int lo = hi >= 0 ? hexval(t[i + 2]) : -1;

			if (lo < 0)
				return 400;
			c = (char)(hi << 4 | lo);
			if (!c)
				return 400;
			i += 2;
		}
		if (o + 1 >= HTTP_MAX_PATH)
			return 414;
		if (c == '/') {
			if (o - seg == 2 && req->path[seg] == '.' && req->path[seg + 1] == '.')
				return 400;
			seg = o + 1;
		}
		req->path[o++] = c;
	}
	if (o - seg == 2 && req->path[seg] == '.' && req->path[seg + 1] == '.')
		return 400;
	req->path[o] = '\0';
	return 0;
}

/* Does the comma-separated list v[0..n) hold the token w (lowercase)? */
static bool has_token(const char *v, size_t n, const char *w)
{
	size_t i = 0;

	while (i < n) {
		size_t s, e;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e > s && word_is(v + s, e - s, w))
			return true;
	}
	return false;
}

struct fields {
	int hosts;
	bool close, keep_alive, transfer_encoding, have_length;
};

/* One header field line p[0..n) (no line end). */
static int field(const char *p, size_t n, struct http_request *req, struct fields *f)
{
	size_t i = 0, name, v, e;

	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i == n || p[i] != ':')
		return 400; /* no colon, space before it, or a folded line */
	name = i++;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	v = i;
	e = n;
	while (e > v && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	for (i = v; i < e; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 400;
	}
	if (word_is(p, name, "host")) {
		f->hosts++;
	} else if (word_is(p, name, "connection")) {
		f->close |= has_token(p + v, e - v, "close");
		f->keep_alive |= has_token(p + v, e - v, "keep-alive");
	} else if (word_is(p, name, "transfer-encoding")) {
		f->transfer_encoding = true;
	} else if (word_is(p, name, "content-length")) {
		uint64_t len = 0;

		if (e == v)
			return 400;
		for (i = v; i < e; i++) {
			if (p[i] < '0' || p[i] > '9')
				return 400;
			if (len > HTTP_MAX_BODY)
				return 413; /* keeps len far from overflowing */
			len = len * 10 + (uint64_t)(p[i] - '0');
		}
		if (f->have_length && len != req->content_length)
			return 400;
		f->have_length = true;
		req->content_length = len;
	} else if (word_is(p, name, "if-modified-since")) {
		req->if_modified_since = http_date_parse(p + v, e - v);
	}
	return 0;
}

/* The end of the line starting at p[0..n): its length without CR/LF in
 * *len, and the bytes to skip past it; 0 when no LF yet. */
static size_t line_end(const char *p, size_t n, size_t *len)
{
	const char *lf = memchr(p, '\n', n);

	if (!lf)
		return 0;
	*len = (size_t)(lf - p);
	if (*len && p[*len - 1] == '\r')
		(*len)--;
	return (size_t)(lf - p) + 1;
}

int http_parse(const char *buf, size_t len, struct http_request *req)
{
	struct fields f = { 0 };
	const char *target = NULL;
	size_t pos = 0, line0, n, skip, tlen = 0, avail;
	int st, stage, nfields = 0;

	req->minor = 1;
	req->content_length = 0;
	req->if_modified_since = -1;
	req->head_len = 0;
	req->path[0] = '\0';
	/* Empty lines before a request are ignored (RFC 9112 2.2). */
	while (pos < len && pos < HTTP_MAX_LINE) {
		if (buf[pos] == '\n')
			pos++;
		else if (buf[pos] == '\r' && pos + 1 < len && buf[pos + 1] == '\n')
			pos += 2;
		else
			break;
	}
	line0 = pos;
	avail = len - pos < HTTP_MAX_LINE ? len - pos : HTTP_MAX_LINE;
	skip = line_end(buf + pos, avail, &n);
	if (!skip) {
		/* a CR at the end may be the start of the line end */
		n = avail && buf[pos + avail - 1] == '\r' ? avail - 1 : avail;
		st = request_line(buf + pos, n, false, req, &target, &tlen, &stage);
		if (st)
			return -st;
		if (len - pos < HTTP_MAX_LINE)
			return 0;
		return stage == 1 ? -414 : -400;
	}
	st = request_line(buf + pos, n, true, req, &target, &tlen, &stage);
	if (st)
		return -st;
	pos += skip;
	for (;;) {
		avail = len - pos;
		if (len > HTTP_MAX_HEAD)
			avail = pos < HTTP_MAX_HEAD ? HTTP_MAX_HEAD - pos : 0;
		skip = line_end(buf + pos, avail, &n);
		if (!skip)
			return len >= HTTP_MAX_HEAD ? -431 : 0;
		pos += skip;
		if (n == 0)
			break;
		if (++nfields > HTTP_MAX_FIELDS)
			return -431;
		st = field(buf + pos - skip, n, req, &f);
		if (st)
			return -st;
	}
	req->head_len = pos;
	st = classify_method(buf + line0, (size_t)(target - 1 - (buf + line0)), req);
	if (st)
		return -st;
	if (f.transfer_encoding)
		return -501;
	if (req->minor == 1 && f.hosts != 1)
		return -400;
	if (f.hosts > 1)
		return -400;
	st = decode_target(target, tlen, req);
	if (st)
		return -st;
	req->keep_alive = req->minor == 1 ? !f.close : f.keep_alive && !f.close;
	return (int)pos;
}
