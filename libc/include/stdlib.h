/* SPDX-License-Identifier: MIT */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>
#include <stdint.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff

/* Heap (CONFIG_MALLOC): NULL with errno ENOMEM when memory is short. */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);
void free(void *p);

long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
int atoi(const char *s);
long atol(const char *s);
int abs(int x);
long labs(long x);

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* A small deterministic PRNG (xorshift), per image, not per thread. */
int rand(void);
void srand(unsigned seed);

/* Unpredictable numbers from the kernel's generator (hako/random.h);
 * arc4random_uniform(n) is uniform in [0, n), 0 when n < 2. */
uint32_t arc4random(void);
void arc4random_buf(void *buf, size_t len);
uint32_t arc4random_uniform(uint32_t bound);

/* An image has no environment: always NULL.  (Declared so that code
 * written for a hosted C library, e2fsprogs' included, gets a pointer back
 * and not an implicitly declared int.) */
char *getenv(const char *name);

_Noreturn void exit(int status);
_Noreturn void abort(void);

#endif
