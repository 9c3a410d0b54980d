/* SPDX-License-Identifier: MIT */
/* sys/time.h - struct timeval (socket timeouts) and gettimeofday. */
#ifndef _SYS_TIME_H
#define _SYS_TIME_H

#include <sys/types.h>

struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};

/* The wall clock; tz must be NULL.  Returns 0. */
int gettimeofday(struct timeval *tv, void *tz);

#endif
