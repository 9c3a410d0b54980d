/* SPDX-License-Identifier: MIT */
/*
 * hako_api.h - Hako's libc under the names the host unit tests give it.
 *
 * The code under test is compiled against the host's (glibc's) headers with
 * host.h forced in front, which renames every public libc function to
 * hako_NAME so that it cannot clash with glibc's.  The tests include this
 * header (and never host.h) so that they can call both: hako_snprintf() is
 * ours, snprintf() is glibc's.  Signatures follow libc/include/.
 */
#ifndef HAKO_UNIT_API_H
#define HAKO_UNIT_API_H

#include <stdarg.h>
#include <stddef.h>

/* stdio.h */
int hako_printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int hako_vprintf(const char *restrict fmt, va_list ap);
int hako_dprintf(int fd, const char *restrict fmt, ...) __attribute__((format(printf, 2, 3)));
int hako_vdprintf(int fd, const char *restrict fmt, va_list ap);
int hako_sprintf(char *restrict buf, const char *restrict fmt, ...)
    __attribute__((format(printf, 2, 3)));
int hako_snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int hako_vsprintf(char *restrict buf, const char *restrict fmt, va_list ap);
int hako_vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
int hako_puts(const char *s);
int hako_putchar(int c);

/* string.h */
void *hako_memcpy(void *restrict d, const void *restrict s, size_t n);
void *hako_memmove(void *d, const void *s, size_t n);
void *hako_memset(void *d, int c, size_t n);
int hako_memcmp(const void *a, const void *b, size_t n);
void *hako_memchr(const void *s, int c, size_t n);
size_t hako_strlen(const char *s);
size_t hako_strnlen(const char *s, size_t max);
int hako_strcmp(const char *a, const char *b);
int hako_strncmp(const char *a, const char *b, size_t n);
char *hako_strcpy(char *restrict d, const char *restrict s);
char *hako_strncpy(char *restrict d, const char *restrict s, size_t n);
size_t hako_strlcpy(char *restrict d, const char *restrict s, size_t n);
char *hako_strcat(char *restrict d, const char *restrict s);
char *hako_strchr(const char *s, int c);
char *hako_strrchr(const char *s, int c);
char *hako_strstr(const char *h, const char *n);
char *hako_strdup(const char *s);
const char *hako_strerror(int err);

/* stdlib.h */
void *hako_malloc(size_t size);
void *hako_calloc(size_t n, size_t size);
void *hako_realloc(void *p, size_t size);
void *hako_aligned_alloc(size_t align, size_t size);
int hako_posix_memalign(void **out, size_t align, size_t size);
void hako_free(void *p);
long hako_strtol(const char *restrict s, char **restrict end, int base);
unsigned long hako_strtoul(const char *restrict s, char **restrict end, int base);
long long hako_strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long hako_strtoull(const char *restrict s, char **restrict end, int base);
int hako_atoi(const char *s);
long hako_atol(const char *s);
int hako_abs(int x);
long hako_labs(long x);
void hako_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
int hako_rand(void);
void hako_srand(unsigned seed);
#define HAKO_RAND_MAX 0x7fffffff

/* ctype.h */
int hako_isalnum(int c);
int hako_isalpha(int c);
int hako_isdigit(int c);
int hako_isxdigit(int c);
int hako_isspace(int c);
int hako_isupper(int c);
int hako_islower(int c);
int hako_isprint(int c);
int hako_ispunct(int c);
int hako_iscntrl(int c);
int hako_isgraph(int c);
int hako_toupper(int c);
int hako_tolower(int c);

/* time.h (the calendar; struct tm is glibc's on the host) */
struct tm;
struct tm *hako_gmtime_r(const long *t, struct tm *tm);
struct tm *hako_gmtime(const long *t);
long hako_timegm(const struct tm *tm);
size_t hako_strftime(char *restrict s, size_t max, const char *restrict fmt,
		     const struct tm *restrict tm);

/* arpa/inet.h, netdb.h (glibc's types: the same Linux layouts as ours) */
struct in_addr;
struct sockaddr;
struct addrinfo;
struct in6_addr;
extern const struct in6_addr hako_in6addr_any, hako_in6addr_loopback;
int hako_inet_pton(int af, const char *restrict src, void *restrict dst);
const char *hako_inet_ntop(int af, const void *restrict src, char *restrict dst,
			   unsigned int size);
int hako_inet_aton(const char *s, struct in_addr *addr);
unsigned int hako_inet_addr(const char *s);
char *hako_inet_ntoa(struct in_addr addr);
int hako_getaddrinfo(const char *restrict host, const char *restrict service,
		     const struct addrinfo *restrict hints, struct addrinfo **restrict res);
void hako_freeaddrinfo(struct addrinfo *res);
const char *hako_gai_strerror(int err);
int hako_getnameinfo(const struct sockaddr *restrict sa, unsigned int salen, char *restrict host,
		     unsigned int hostlen, char *restrict serv, unsigned int servlen, int flags);

/* sys/random.h, stdlib.h: the kernel's generator (kernel/random.c) */
long hako_getrandom(void *buf, size_t len, unsigned int flags);
unsigned int hako_arc4random(void);
void hako_arc4random_buf(void *buf, size_t len);
unsigned int hako_arc4random_uniform(unsigned int bound);

#endif
