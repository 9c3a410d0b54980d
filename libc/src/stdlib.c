// SPDX-License-Identifier: MIT
/* stdlib.h odds and ends that need the kernel: exit, abort. */
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
