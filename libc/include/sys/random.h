/* SPDX-License-Identifier: MIT */
/*
 * sys/random.h - random bytes from the kernel's generator (hako/random.h:
 * ChaCha20 seeded from the platform's entropy source).  Never blocks and
 * never fails short: the flags are accepted for compatibility.
 */
#ifndef _SYS_RANDOM_H
#define _SYS_RANDOM_H

#include <stddef.h>
#include <sys/types.h>

#define GRND_NONBLOCK 0x01
#define GRND_RANDOM 0x02
#define GRND_INSECURE 0x04

/* getrandom - len bytes into buf; returns len, or -1 EINVAL (bad flags). */
ssize_t getrandom(void *buf, size_t len, unsigned int flags);

#endif
