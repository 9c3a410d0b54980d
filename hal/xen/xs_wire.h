/* SPDX-License-Identifier: MIT */
/*
 * xs_wire.h - the xenstore wire protocol, without any I/O: reassembling
 * messages from the response ring, and checking reply payloads.
 *
 * Everything the backend sends is untrusted: ring indices are checked with
 * ring_used(), a header announcing more than XENSTORE_PAYLOAD_MAX bytes ends
 * the stream (it cannot be resynchronised), and payloads are parsed with
 * explicit lengths.  Pure C: test/xen-port/unit builds it on the host.
 */
#ifndef HAL_XEN_XS_WIRE_H
#define HAL_XEN_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

/* Reassembles one message at a time; messages longer than the 1 KiB ring
 * arrive in pieces. */
struct xs_reader {
	struct xsd_sockmsg hdr;
	uint32_t have; /* bytes of header + body received so far */
	char body[XENSTORE_PAYLOAD_MAX + 1]; /* NUL-terminated when complete */
};

#define XS_FEED_MORE 0	 /* consumed what there was; no complete message */
#define XS_FEED_MSG 1	 /* r->hdr and r->body hold a complete message */
#define XS_FEED_BAD (-1) /* impossible index or oversized header: give up */

/*
 * xs_reader_feed - consume bytes from ring (size XENSTORE_RING_SIZE)
 * between *cons and prod, up to the end of one message.  Advances *cons
 * past what it consumed.  After XS_FEED_MSG, the next call starts a new
 * message.
 */
int xs_reader_feed(struct xs_reader *r, const volatile char *ring, uint32_t *cons,
		   uint32_t prod);

/* Free bytes in the request ring, or -1 if the backend's index is bad. */
long xs_ring_space(uint32_t cons, uint32_t prod);

/* The negated Xen errno for an XS_ERROR payload such as "ENOENT". */
int xs_error_code(const char *body, uint32_t len);

/* Split a watch event "path\0token\0"; 0 or -1 if malformed. */
int xs_parse_watch_event(const char *body, uint32_t len, const char **path,
			 const char **token);

/* Count the NUL-terminated names of a directory reply; -1 if malformed. */
int xs_parse_directory(const char *body, uint32_t len);

/*
 * Parse a decimal number: the whole of s up to its NUL (at most len bytes),
 * digits only, no sign, no leading zeros except "0" itself, at most max.
 * Returns 0 with *val set, or -1.  For values read from xenstore (ids,
 * states, sizes), which are untrusted text.
 */
int xs_parse_uint(const char *s, uint32_t len, uint64_t max, uint64_t *val);

/*
 * Whether path is the backend path a frontend of type (e.g. "vif") with
 * device id devid expects from backend domain backend_id:
 * "/local/domain/<backend_id>/backend/<type>/<number>/<devid>", made of
 * [A-Za-z0-9_.-/] only, with no empty, "." or ".." component, shorter than
 * size bytes.
 */
int xs_backend_path_ok(const char *path, size_t size, unsigned int backend_id, const char *type,
		       uint32_t devid);

#endif /* HAL_XEN_XS_WIRE_H */
