/* SPDX-License-Identifier: MIT */
/* sys/uio.h - scatter/gather buffers (sendmsg, recvmsg). */
#ifndef _SYS_UIO_H
#define _SYS_UIO_H

#include <stddef.h>

struct iovec {
	void *iov_base;
	size_t iov_len;
};

#define IOV_MAX 1024

#endif
