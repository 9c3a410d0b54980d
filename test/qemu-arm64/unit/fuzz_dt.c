// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness of the qemu-arm64 device-tree reading (clang
 * -fsanitize=fuzzer,address,undefined): any input either parses or is
 * refused, without a read outside it.  The unit suite runs it for a fixed
 * number of runs from QEMU's virt tree as the seed (test/qemu-arm64/run-tests.sh).
 */
#include <stdlib.h>
#include <string.h>

#include "qa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qa_machine m;
	uint64_t dtb_size;
	const char *r = qa_dt_parse(data, size, &m, &dtb_size);

	/* What a successful parse returns must hold together. */
	if (!r && (dtb_size > size || !m.nr_ram || !m.gicd || !m.timer_irq ||
		   (m.bootargs && (m.bootargs < (const char *)data ||
				   m.bootargs >= (const char *)data + size))))
		abort();
	return 0;
}
