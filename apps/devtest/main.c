// SPDX-License-Identifier: MIT
/*
 * devtest: drives the platform's devices through hal.h, with no network
 * stack or file system in between, so that a driver can be tested on its
 * own against a real backend.
 *   devtest net [key=value...]     Ethernet frames (net.c)
 *   devtest block [key=value...]   block requests (block.c)
 *   devtest net ... + block ...    one after the other
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

	for (int i = 1; i < argc; i++)
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
	int start = 1;

	if (argc < 2) {
		printf("usage: devtest net|block [key=value...] [+ net|block ...]\n");
		return 2;
	}
	while (start < argc) {
		int end = start, n;
		char **sub = argv + start;

		while (end < argc && strcmp(argv[end], "+"))
			end++;
		n = end - start;
		if (n >= 1 && !strcmp(sub[0], "net"))
			devtest_net(n, sub);
		else if (n >= 1 && !strcmp(sub[0], "block"))
			devtest_block(n, sub);
		else {
			printf("devtest: unknown command '%s' (net, block)\n", n ? sub[0] : "");
			return 2;
		}
		start = end + 1;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
