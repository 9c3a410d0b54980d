/* SPDX-License-Identifier: MIT */
/*
 * cpio.h - a reader for cpio archives in the "newc" format (what the
 * initrd is, and what Linux's initramfs uses): untrusted input, checked
 * byte by byte.  Pure code: no allocation, no kernel calls (host-tested and
 * fuzzed in test/unit).
 *
 * Format: each entry is a 110-byte ASCII header ("070701" or "070702",
 * then 13 fields of 8 hex digits), the NUL-terminated name, padding to a
 * multiple of 4, the data, padding to a multiple of 4.  The entry named
 * "TRAILER!!!" ends the archive.
 */
#ifndef VFS_CPIO_H
#define VFS_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPIO_NAME_MAX 4096 /* longest name accepted, its NUL included */

struct cpio_entry {
	const char *name; /* NUL-terminated, inside the archive */
	uint32_t mode;	  /* type and permission bits (S_IFREG | 0644...) */
	uint32_t mtime;
	const void *data; /* inside the archive */
	size_t size;
};

struct cpio_reader {
	const unsigned char *buf;
	size_t len, pos;
	char err[120]; /* why cpio_next() returned -1 */
};

void cpio_init(struct cpio_reader *r, const void *buf, size_t len);

/*
 * cpio_next - the next entry.  Returns 1 with *e filled, 0 at the trailer,
 * or -1 for a malformed archive (bad magic or digits, a name without its
 * NUL or with one inside, a name or data running past the end, no trailer),
 * with r->err saying what and at which offset.  Never reads outside
 * [buf, buf + len).
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);

#endif
