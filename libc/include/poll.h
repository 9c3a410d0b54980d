/* SPDX-License-Identifier: MIT */
/* poll.h - wait for descriptors to become ready (CONFIG_FILES). */
#ifndef _POLL_H
#define _POLL_H

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200

typedef unsigned long nfds_t;

struct pollfd {
	int fd;
	short events;
	short revents;
};

/*
 * poll - wait until one of fds is ready, or timeout ms pass (-1: no limit,
 * 0: just check).  Returns how many entries have revents set, 0 on timeout,
 * or -1 with errno EINVAL (nfds too large) / ENOMEM.  A negative fd is
 * ignored; a closed one gets POLLNVAL.  Blocks the calling thread only.
 */
int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#endif
