/* SPDX-License-Identifier: MIT */
/* The configuration services/ext2 is built with for fuzz_ext2 (forced in
 * front, as a generated autoconf.h would be in an image). */
#define CONFIG_EXT2 1
#define CONFIG_EXT2_CACHE_KIB 64 /* small: eviction and write-back get fuzzed too */
#define CONFIG_LOG_LEVEL 7
/* glibc 2.36 has no strlcpy (ext2_host.c has one). */
#include <stddef.h>
size_t strlcpy(char *d, const char *s, size_t n);
