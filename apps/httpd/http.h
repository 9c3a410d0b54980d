/* SPDX-License-Identifier: MIT */
/*
 * http.h - HTTP/1.x request parsing, dates and content types for httpd.
 *
 * Pure functions on caller-owned memory: no allocation, no blocking, no
 * global state; safe on any bytes (the parser is fuzzed and unit-tested on
 * the host).  Nothing here reads or writes a socket.
 *
 * The parser takes the bytes a connection has received so far and either
 * asks for more, rejects them with a status, or returns one complete
 * request head (request line and header fields, up to and including the
 * empty line).  Bytes after the head belong to the body or to the next
 * pipelined request: the caller consumes exactly http_request.head_len.
 */
#ifndef HTTPD_HTTP_H
#define HTTPD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits (bytes).  A request line longer than HTTP_MAX_LINE is 414 when the
 * target is what overflows, else 400; a head longer than HTTP_MAX_HEAD is
 * 431; more than HTTP_MAX_FIELDS header fields is 431. */
#define HTTP_MAX_LINE 2048
#define HTTP_MAX_HEAD 8192
#define HTTP_MAX_FIELDS 64
/* The decoded path (after %XX decoding, without the query). */
#define HTTP_MAX_PATH 1024
/* A request body httpd reads and discards (GET/HEAD have no use for one);
 * a larger Content-Length is 413. */
#define HTTP_MAX_BODY 4096

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_OTHER, /* a method httpd knows and does not allow: 405 */
};

struct http_request {
	enum http_method method;
	int minor;		  /* HTTP/1.<minor>: 0 or 1 */
	bool keep_alive;	  /* the connection may carry another request */
	size_t head_len;	  /* bytes of the head, the final empty line included */
	uint64_t content_length;  /* body bytes that follow the head (0: none) */
	int64_t if_modified_since; /* seconds since 1970, or -1: absent/invalid */
	char path[HTTP_MAX_PATH]; /* decoded, NUL-terminated, starts with '/' */
};

/*
 * http_parse - look for one request head at the start of buf[0..len).
 *
 * Returns:
 *   > 0   a complete, valid head of that many bytes; *req is filled.
 *     0   no complete head yet and nothing wrong so far: receive more.
 *   < 0   -STATUS: the bytes are not an acceptable request; answer STATUS
 *         and close the connection:
 *         400 malformed (bad request line or field, NUL, control bytes,
 *             missing Host on HTTP/1.1, bad or conflicting Content-Length,
 *             a path that leaves the root ("..") or holds NUL/%00)
 *         405 a known method other than GET/HEAD (req->method is set)
 *         413 Content-Length above HTTP_MAX_BODY
 *         414 request target longer than the line limit
 *         431 head or field count above the limits
 *         501 unknown method, or any Transfer-Encoding
 *         505 a version other than HTTP/1.0 and HTTP/1.1
 * Lines end in CRLF or a bare LF.  Never reads beyond buf[len - 1].
 */
int http_parse(const char *buf, size_t len, struct http_request *req);

/* http_reason - the reason phrase of a status ("Not Found"), "Unknown" for
 * one httpd never sends. */
const char *http_reason(int status);

/*
 * http_date_format - IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of t
 * (seconds since 1970, UTC) into out; returns the length (29), or 0 when
 * the year is outside 1970..9999.  out needs HTTP_DATE_LEN + 1 bytes.
 */
#define HTTP_DATE_LEN 29
size_t http_date_format(int64_t t, char *out);

/*
 * http_date_parse - seconds since 1970 of an IMF-fixdate, the obsolete
 * RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT") or asctime's form
 * ("Sun Nov  6 08:49:37 1994"), s[0..len); -1 for anything else.
 */
int64_t http_date_parse(const char *s, size_t len);

/* http_content_type - the media type for a path's extension
 * ("text/html; charset=utf-8"), "application/octet-stream" when unknown. */
const char *http_content_type(const char *path);

#endif /* HTTPD_HTTP_H */
