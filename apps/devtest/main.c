// SPDX-License-Identifier: MIT
/*
 * devtest: drives the platform's devices through hal.h, with no network
 * stack or file system in between, so that a driver can be tested on its
 * own against a real backend.
 *   devtest net [key=value...]     Ethernet frames (net.c)
 * Prints one line per check and "N passed, N failed"; the exit status is 1
 * if a check failed, 2 for a bad command line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devtest.h"

static int passed, failed;

bool dt_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

const char *dt_arg(int argc, char **argv, const char *key)
{
	size_t n = strlen(key);

	for (int i = 2; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	return NULL;
}

unsigned long dt_arg_num(int argc, char **argv, const char *key, unsigned long dflt)
{
	const char *v = dt_arg(argc, argv, key);
	char *end;
	unsigned long n;

	if (!v)
		return dflt;
	n = strtoul(v, &end, 10);
	if (!*v || *end) {
		printf("devtest: %s=%s is not a number\n", key, v);
		exit(2);
	}
	return n;
}

bool dt_parse_ip(const char *s, uint8_t ip[4])
{
	for (int i = 0; i < 4; i++) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v > 255 || (i < 3 ? *end != '.' : *end != '\0'))
			return false;
		ip[i] = (uint8_t)v;
		s = end + 1;
	}
	return true;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "net"))
		devtest_net(argc, argv);
	else {
		printf("usage: devtest net [key=value...]\n");
		return 2;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
