/* SPDX-License-Identifier: MIT */
/*
 * host.h - forced in front of every Hako source compiled for the host unit
 * tests (gcc -include test/unit/host.h).  Never included by a test.
 *
 * 1. The configuration the code under test is built with (what a generated
 *    autoconf.h would say).
 * 2. The host's own headers first, with their own names, so that their
 *    declarations (glibc's const-less strerror, the ctype macros...) are
 *    settled before the renames below and our sources' #includes of them
 *    become no-ops.
 * 3. Every public function of our libc renamed hako_NAME (hako_api.h
 *    declares them with our signatures), so that the code under test
 *    defines and calls ours while the test program can still call glibc's.
 */
#ifndef HAKO_UNIT_HOST_H
#define HAKO_UNIT_HOST_H

/* ---- 1. configuration */
#define CONFIG_LIBC_PRINTF_FLOAT 1
#define CONFIG_LIBC_QSORT 1
#define CONFIG_LOG_LEVEL 7
#define CONFIG_MALLOC 1
#define CONFIG_THREADS 1
#define CONFIG_TIMERS 1
#define CONFIG_SYNC 1
#define CONFIG_STACK_GUARD 1
#define CONFIG_THREAD_STACK_KIB 256 /* ASan frames are big */
#define CONFIG_MAIN_STACK_KIB 1024
#define CONFIG_PLATFORM_NAME "unit"
#define CONFIG_VIRTIO_NET 1
#define CONFIG_VIRTIO_BLK 1

/* ---- 2. the host's headers, under their own names */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/random.h>

#include "hako_api.h"

/* ---- 3. our libc's names */
/* function-like: __attribute__((format(printf, ...))) must keep its word */
#define printf(...) hako_printf(__VA_ARGS__)
#define vprintf hako_vprintf
#define dprintf hako_dprintf
#define vdprintf hako_vdprintf
#define sprintf hako_sprintf
#define snprintf hako_snprintf
#define vsprintf hako_vsprintf
#define vsnprintf hako_vsnprintf
#define puts hako_puts
#define putchar hako_putchar

#define memcpy hako_memcpy
#define memmove hako_memmove
#define memset hako_memset
#define memcmp hako_memcmp
#define memchr hako_memchr
#define strlen hako_strlen
#define strnlen hako_strnlen
#define strcmp hako_strcmp
#define strncmp hako_strncmp
#define strcpy hako_strcpy
#define strncpy hako_strncpy
#define strlcpy hako_strlcpy
#define strcat hako_strcat
#define strchr hako_strchr
#define strrchr hako_strrchr
#define strstr hako_strstr
#define strdup hako_strdup
#define strerror hako_strerror

#define malloc hako_malloc
#define calloc hako_calloc
#define realloc hako_realloc
#define aligned_alloc hako_aligned_alloc
#define posix_memalign hako_posix_memalign
#define free hako_free
#define strtol hako_strtol
#define strtoul hako_strtoul
#define strtoll hako_strtoll
#define strtoull hako_strtoull
#define atoi hako_atoi
#define atol hako_atol
#define abs hako_abs
#define labs hako_labs
#define qsort hako_qsort
#define rand hako_rand
#define srand hako_srand
#undef RAND_MAX
#define RAND_MAX HAKO_RAND_MAX

/* glibc may define these as macros (or extern inlines) */
#undef isalnum
#undef isalpha
#undef isdigit
#undef isxdigit
#undef isspace
#undef isupper
#undef islower
#undef isprint
#undef ispunct
#undef iscntrl
#undef isgraph
#undef toupper
#undef tolower
#define isalnum hako_isalnum
#define isalpha hako_isalpha
#define isdigit hako_isdigit
#define isxdigit hako_isxdigit
#define isspace hako_isspace
#define isupper hako_isupper
#define islower hako_islower
#define isprint hako_isprint
#define ispunct hako_ispunct
#define iscntrl hako_iscntrl
#define isgraph hako_isgraph
#define toupper hako_toupper
#define tolower hako_tolower

#define inet_pton hako_inet_pton
#define inet_ntop hako_inet_ntop
#define inet_aton hako_inet_aton
#define inet_addr hako_inet_addr
#define inet_ntoa hako_inet_ntoa
#define in6addr_any hako_in6addr_any
#define in6addr_loopback hako_in6addr_loopback
#define getaddrinfo hako_getaddrinfo
#define freeaddrinfo hako_freeaddrinfo
#define gai_strerror hako_gai_strerror
#define getnameinfo hako_getnameinfo
#define getrandom hako_getrandom
#define arc4random hako_arc4random
#define arc4random_buf hako_arc4random_buf
#define arc4random_uniform hako_arc4random_uniform

#define gmtime_r hako_gmtime_r
#define gmtime hako_gmtime
#define timegm hako_timegm
#define strftime hako_strftime

#endif
