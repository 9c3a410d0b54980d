/* SPDX-License-Identifier: MIT */
/* devtest: HAL-level device tests.  One line per check, then a summary. */
#ifndef DEVTEST_H
#define DEVTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS 1000000ULL

/* Record one check: "ok   WHAT" or "FAIL WHAT"; returns ok. */
bool dt_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "key=value" arguments: the value of key, or NULL. */
const char *dt_arg(int argc, char **argv, const char *key);
unsigned long dt_arg_num(int argc, char **argv, const char *key, unsigned long dflt);
/* Parse dotted-quad IPv4 into ip[4]; false if malformed. */
bool dt_parse_ip(const char *s, uint8_t ip[4]);

int devtest_net(int argc, char **argv);
int devtest_block(int argc, char **argv);

#endif
