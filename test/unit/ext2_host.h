/* SPDX-License-Identifier: MIT */
/* The host's stand-ins for what services/ext2 uses of the kernel (the
 * block layer over a memory disk, mutexes, printk), for fuzz_ext2. */
#ifndef EXT2_HOST_H
#define EXT2_HOST_H

#include <stddef.h>
#include <stdint.h>

/* The disk disk0 is a copy of data (len a multiple of 512). */
void host_disk_set(const uint8_t *data, size_t len);

#endif
