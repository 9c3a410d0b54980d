// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the initrd's cpio reader (services/vfs/cpio.c) on
 * arbitrary bytes.  Every entry it returns must lie inside the input; it
 * must end (trailer or error) without reading past it (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/vfs/cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_reader r;
	struct cpio_entry e;
	int rc, n = 0;

	cpio_init(&r, data, size);
	while ((rc = cpio_next(&r, &e)) == 1) {
		if ((const uint8_t *)e.name < data || (const uint8_t *)e.data + e.size > data + size ||
		    strlen(e.name) >= CPIO_NAME_MAX)
			abort();
		/* Each entry takes at least a header: the loop ends. */
		if (++n > (int)(size / 110) + 1)
			abort();
	}
	if (rc < 0 && !r.err[0])
		abort();
	return 0;
}
