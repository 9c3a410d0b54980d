// SPDX-License-Identifier: MIT
/* stdlib.h odds and ends that need the kernel (exit, abort) or an image
 * (getenv: no environment; the host tests keep the host's). */
#include <stdlib.h>

#include <hako/kernel.h>
#include <hako/printk.h>

void exit(int status)
{
	kern_exit(status);
}

void abort(void)
{
	panic("abort() called");
}

char *getenv(const char *name)
{
	(void)name;
	return NULL;
}
