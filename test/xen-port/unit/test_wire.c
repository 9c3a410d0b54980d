// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the Xen port's untrusted-input parsing: ring index
 * checks (hal/xen/ring.h) and the xenstore wire protocol (hal/xen/xs_wire.c).
 * Built with the host's gcc against the host's Xen headers (libxen-dev).
 * Prints one line per case and "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include <xen/errno.h>

#include "ring.h"
#include "xs_wire.h"
#include "../../hostcheck.h"

/* A response ring the "backend" writes into. */
static char ring[XENSTORE_RING_SIZE];
static uint32_t prod;

static void produce(const void *data, size_t len)
{
	ring_copy_in(ring, XENSTORE_RING_SIZE, prod, data, len);
	prod += (uint32_t)len;
}

static void produce_msg(uint32_t type, uint32_t id, const char *body, uint32_t len)
{
	struct xsd_sockmsg h = { .type = type, .req_id = id, .tx_id = 0, .len = len };

	produce(&h, sizeof(h));
	produce(body, len);
}

static struct xs_reader rd;

static void test_ring_used(void)
{
	CHECK("ring_used empty", ring_used(5, 5, 1024) == 0);
	CHECK("ring_used full", ring_used(0, 1024, 1024) == 1024);
	CHECK("ring_used wraps 32-bit indices", ring_used(0xfffffff0u, 0x10u, 1024) == 0x20);
	CHECK("ring_used rejects more than a ring", ring_used(0, 1025, 1024) == -1);
	CHECK("ring_used rejects consumer ahead of producer", ring_used(10, 5, 1024) == -1);
	CHECK("xs_ring_space", xs_ring_space(100, 100 + 24) == XENSTORE_RING_SIZE - 24);
	CHECK("xs_ring_space rejects bad index", xs_ring_space(100, 99) == -1);
}

static void test_reader_basic(void)
{
	uint32_t cons = prod = 0;

	memset(&rd, 0, sizeof(rd));
	CHECK("reader: nothing yet", xs_reader_feed(&rd, ring, &cons, prod) == XS_FEED_MORE);
	produce_msg(XS_READ, 7, "poweroff", 8);
	CHECK("reader: one message", xs_reader_feed(&rd, ring, &cons, prod) == XS_FEED_MSG);
	CHECK("reader: header fields", rd.hdr.type == XS_READ && rd.hdr.req_id == 7 &&
					       rd.hdr.len == 8);
	CHECK("reader: body NUL-terminated", !strcmp(rd.body, "poweroff"));
	CHECK("reader: consumed exactly", cons == prod);
}

static void test_reader_pieces(void)
{
	struct xsd_sockmsg h = { .type = XS_WATCH_EVENT, .req_id = 0, .len = 11 };
	uint32_t cons = prod = 1020; /* the message wraps around the ring's end */

	memset(&rd, 0, sizeof(rd));
	produce(&h, 5);
	CHECK("reader: partial header", xs_reader_feed(&rd, ring, &cons, prod) == XS_FEED_MORE);
	produce((char *)&h + 5, sizeof(h) - 5);
	produce("a/b\0tok", 7);
	CHECK("reader: partial body", xs_reader_feed(&rd, ring, &cons, prod) == XS_FEED_MORE);
	produce("en\0\0", 4);
	CHECK("reader: completes across the wrap",
	      xs_reader_feed(&rd, ring, &cons, prod) == XS_FEED_MSG && rd.hdr.len == 11 &&
		      !memcmp(rd.body, "a/b\0token\0", 11));
}

static void test_reader_two_messages(void)
{
	uint32_t cons = prod = 3;

	memset(&rd, 0, sizeof(rd));
	produce_msg(XS_WRITE, 1, "OK", 3);
	produce_msg(XS_ERROR, 2, "ENOENT", 7);
	CHECK("reader: first of two", xs_reader_feed(&rd, ring, &cons, prod) == XS_FEED_MSG &&
					      rd.hdr.req_id == 1);
	CHECK("reader: second of two", xs_reader_feed(&rd, ring, &cons, prod) == XS_FEED_MSG &&
					       rd.hdr.req_id == 2 && rd.hdr.type == XS_ERROR);
	CHECK("reader: then nothing", xs_reader_feed(&rd, ring, &cons, prod) == XS_FEED_MORE);
}

static void test_reader_big(void)
{
	static char big[XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 9, .len = XENSTORE_PAYLOAD_MAX };
	uint32_t cons = prod = 0;
	int r = XS_FEED_MORE;
	size_t off = 0;

	memset(&rd, 0, sizeof(rd));
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	produce(&h, sizeof(h));
	/* The largest legal message is four rings long: feed it in pieces as
	 * the consumer frees space. */
	while (off < sizeof(big) || r == XS_FEED_MORE) {
		size_t room = XENSTORE_RING_SIZE - (prod - cons), n;

		n = sizeof(big) - off < room ? sizeof(big) - off : room;
		produce(big + off, n);
		off += n;
		r = xs_reader_feed(&rd, ring, &cons, prod);
		if (r != XS_FEED_MORE)
			break;
	}
	CHECK("reader: 4096-byte payload in pieces",
	      r == XS_FEED_MSG && rd.hdr.len == XENSTORE_PAYLOAD_MAX && !memcmp(rd.body, big, sizeof(big)) &&
		      rd.body[XENSTORE_PAYLOAD_MAX] == 0);
}

static void test_reader_bad(void)
{
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1, .len = XENSTORE_PAYLOAD_MAX + 1 };
	uint32_t cons = prod = 0;

	memset(&rd, 0, sizeof(rd));
	produce(&h, sizeof(h));
	CHECK("reader: rejects oversized header", xs_reader_feed(&rd, ring, &cons, prod) ==
							XS_FEED_BAD);
	memset(&rd, 0, sizeof(rd));
	cons = 0;
	CHECK("reader: rejects producer more than a ring ahead",
	      xs_reader_feed(&rd, ring, &cons, XENSTORE_RING_SIZE + 1) == XS_FEED_BAD && cons == 0);
	cons = 50;
	CHECK("reader: rejects producer behind consumer",
	      xs_reader_feed(&rd, ring, &cons, 40) == XS_FEED_BAD && cons == 50);
	h.len = 0xffffffffu;
	memset(&rd, 0, sizeof(rd));
	cons = prod = 0;
	produce(&h, sizeof(h));
	CHECK("reader: rejects length near 2^32", xs_reader_feed(&rd, ring, &cons, prod) ==
							  XS_FEED_BAD);
}

static void test_payloads(void)
{
	const char *path, *token;

	CHECK("error: ENOENT", xs_error_code("ENOENT", 7) == -XEN_ENOENT);
	CHECK("error: EACCES without NUL", xs_error_code("EACCES", 6) == -XEN_EACCES);
	CHECK("error: unknown name is EIO", xs_error_code("EWHATEVER", 10) == -XEN_EIO);
	CHECK("error: prefix is not a match", xs_error_code("ENOENTX", 8) == -XEN_EIO);
	CHECK("error: empty is EIO", xs_error_code("", 0) == -XEN_EIO);
	CHECK("watch event: parsed",
	      xs_parse_watch_event("control/shutdown\0tok\0", 21, &path, &token) == 0 &&
		      !strcmp(path, "control/shutdown") && !strcmp(token, "tok"));
	CHECK("watch event: no token", xs_parse_watch_event("control/shutdown\0", 17, &path,
							     &token) == -1);
	CHECK("watch event: unterminated token",
	      xs_parse_watch_event("a\0tok", 5, &path, &token) == -1);
	CHECK("watch event: unterminated path", xs_parse_watch_event("abc", 3, &path, &token) ==
							 -1);
	CHECK("directory: three", xs_parse_directory("a\0bb\0ccc\0", 9) == 3);
	CHECK("directory: empty", xs_parse_directory("", 0) == 0);
	CHECK("directory: unterminated", xs_parse_directory("a\0bb", 4) == -1);
}

static void test_numbers(void)
{
	uint64_t v = 77;

	CHECK("uint: 0", xs_parse_uint("0", 2, 10, &v) == 0 && v == 0);
	CHECK("uint: 51712 without NUL", xs_parse_uint("51712", 5, UINT32_MAX, &v) == 0 &&
						 v == 51712);
	CHECK("uint: max itself", xs_parse_uint("4294967295", 11, UINT32_MAX, &v) == 0 &&
					  v == UINT32_MAX);
	v = 77;
	CHECK("uint: above max", xs_parse_uint("4294967296", 11, UINT32_MAX, &v) == -1 && v == 77);
	CHECK("uint: digit above a small max", xs_parse_uint("7", 2, 5, &v) == -1);
	CHECK("uint: state 8 of 8", xs_parse_uint("8", 2, 8, &v) == 0 && v == 8);
	CHECK("uint: 2^64 wraps no more", xs_parse_uint("18446744073709551616", 21, UINT64_MAX,
							 &v) == -1);
	CHECK("uint: empty", xs_parse_uint("", 1, 10, &v) == -1);
	CHECK("uint: zero length", xs_parse_uint("5", 0, 10, &v) == -1);
	CHECK("uint: sign", xs_parse_uint("-1", 3, 10, &v) == -1 &&
				    xs_parse_uint("+1", 3, 10, &v) == -1);
	CHECK("uint: leading zero", xs_parse_uint("04", 3, 10, &v) == -1);
	CHECK("uint: trailing junk", xs_parse_uint("4x", 3, 10, &v) == -1 &&
					     xs_parse_uint("4 ", 3, 10, &v) == -1);
	CHECK("uint: stops at NUL", xs_parse_uint("4\0x", 3, 10, &v) == 0 && v == 4);
}

static void test_backend_paths(void)
{
	const char *good = "/local/domain/0/backend/vif/5/0";

	CHECK("path: netback's", xs_backend_path_ok(good, 96, 0, "vif", 0));
	CHECK("path: blkback's", xs_backend_path_ok("/local/domain/3/backend/vbd/12/51712", 96,
						     3, "vbd", 51712));
	CHECK("path: other backend domain", !xs_backend_path_ok(good, 96, 1, "vif", 0));
	CHECK("path: other type", !xs_backend_path_ok(good, 96, 0, "vbd", 0));
	CHECK("path: other device", !xs_backend_path_ok(good, 96, 0, "vif", 1));
	CHECK("path: device id is a suffix only",
	      !xs_backend_path_ok("/local/domain/0/backend/vif/5/10", 96, 0, "vif", 0));
	CHECK("path: frontend id must be a number",
	      !xs_backend_path_ok("/local/domain/0/backend/vif/x/0", 96, 0, "vif", 0) &&
		      !xs_backend_path_ok("/local/domain/0/backend/vif//0", 96, 0, "vif", 0) &&
		      !xs_backend_path_ok("/local/domain/0/backend/vif/0", 96, 0, "vif", 0));
	CHECK("path: no dot-dot",
	      !xs_backend_path_ok("/local/domain/0/backend/vif/../0", 96, 0, "vif", 0) &&
		      !xs_backend_path_ok("/local/domain/0/backend/vif/5/../../5/0", 96, 0,
					  "vif", 0));
	CHECK("path: no strange characters",
	      !xs_backend_path_ok("/local/domain/0/backend/vif/5\n/0", 96, 0, "vif", 0) &&
		      !xs_backend_path_ok("/local/domain/0/backend/vif/5 /0", 96, 0, "vif", 0));
	CHECK("path: relative", !xs_backend_path_ok("local/domain/0/backend/vif/5/0", 96, 0,
						    "vif", 0));
	CHECK("path: must end in the buffer", !xs_backend_path_ok(good, 10, 0, "vif", 0));
	CHECK("path: empty", !xs_backend_path_ok("", 96, 0, "vif", 0));
}

int main(void)
{
	test_ring_used();
	test_reader_basic();
	test_reader_pieces();
	test_reader_two_messages();
	test_reader_big();
	test_reader_bad();
	test_payloads();
	test_numbers();
	test_backend_paths();
	return check_summary();
}
