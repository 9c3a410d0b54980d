/* SPDX-License-Identifier: MIT */
/* assert.h - a failed assertion panics with the expression and place. */
#ifndef _ASSERT_H
#define _ASSERT_H

_Noreturn void __assert_fail(const char *expr, const char *file, int line, const char *func);

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#define static_assert _Static_assert

#endif
