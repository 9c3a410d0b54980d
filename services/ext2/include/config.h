/* SPDX-License-Identifier: MIT */
/*
 * The configuration libext2fs is built with inside a Hako image: what
 * e2fsprogs' configure would write into lib/config.h, which its sources
 * include as "config.h".  Only what Hako's libc provides is claimed.
 */
#define HAVE_ERRNO_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_STDLIB_H 1
#define HAVE_UNISTD_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_POSIX_MEMALIGN 1
#define HAVE_STRDUP 1
#define HAVE_STRNLEN 1
#define HAVE_FCNTL 1
#define ENABLE_HTREE 1
/* bmap64.h uses struct timeval, ext2_fs.h offsetof, whatever the
 * configuration says */
#include <stddef.h>
#include <sys/time.h>
