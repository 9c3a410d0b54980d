// SPDX-License-Identifier: MIT
/*
 * kv: a persistent key-value store (kv.h) driven by its arguments.
 *
 *   kv [--dir=DIR] CMD ARGS... [+ CMD ARGS...]...
 *
 *   set KEY VALUE    store (acknowledged with "kv: ok" once fsynced)
 *   get KEY          "kv: KEY = VALUE" or "kv: KEY not found"
 *   del KEY
 *   list             every key and value
 *   stats            keys, log size, records replayed, torn bytes dropped
 *   load PREFIX N    set PREFIX-0 .. PREFIX-(N-1) to value(i), printing
 *                    "kv: ack PREFIX-i" after each is durable
 *   verify PREFIX N  PREFIX-0 .. PREFIX-(N-1) all present with value(i);
 *                    higher ones may be there, but then correct
 *
 * DIR (default /data) holds kv.log; mount a disk there, e.g. with
 * hako.mount=disk0:/data.  The status is 1 if a command failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"

/* The value load stores under PREFIX-i: varied lengths, checkable. */
static size_t value_of(unsigned long i, char *buf, size_t size)
{
	size_t len = 10 + (i * 37) % 500, n;

	n = (size_t)snprintf(buf, size, "v%lu:", i);
	for (; n < len && n < size; n++)
		buf[n] = (char)('a' + (i + n) % 26);
	return n;
}

static void print_one(const char *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	printf("kv: %.*s = %.*s\n", (int)klen, key, (int)vlen, (const char *)val);
}

static int cmd_load(struct kv *kv, const char *prefix, unsigned long n)
{
	char key[128], val[600];

	for (unsigned long i = 0; i < n; i++) {
		size_t klen = (size_t)snprintf(key, sizeof(key), "%s-%lu", prefix, i);

		if (kv_set(kv, key, klen, val, value_of(i, val, sizeof(val)))) {
			printf("kv: load FAIL at %s: %s\n", key, strerror(errno));
			return 1;
		}
		printf("kv: ack %s\n", key);
	}
	printf("kv: load ok: %lu keys\n", n);
	return 0;
}

static int cmd_verify(struct kv *kv, const char *prefix, unsigned long n)
{
	char key[128], want[600];
	unsigned long more = 0, bad = 0;

	for (unsigned long i = 0;; i++) {
		size_t klen = (size_t)snprintf(key, sizeof(key), "%s-%lu", prefix, i), vlen;
		size_t wlen = value_of(i, want, sizeof(want));
		const char *v = kv_get(kv, key, klen, &vlen);

		if (!v) {
			if (i < n) {
				printf("kv:   %s missing\n", key);
				bad++;
				continue;
			}
			break;
		}
		if (vlen != wlen || memcmp(v, want, wlen)) {
			printf("kv:   %s has a wrong value\n", key);
			bad++;
		}
		if (i >= n)
			more++;
	}
	printf("kv: verify %s: %lu keys acknowledged, %lu more present, %lu bad\n",
	       bad ? "FAIL" : "ok", n, more, bad);
	return bad != 0;
}

static int run(struct kv *kv, int argc, char **argv)
{
	const char *cmd = argv[0];
	size_t vlen;
	const char *v;

	if (!strcmp(cmd, "set") && argc == 3) {
		if (kv_set(kv, argv[1], strlen(argv[1]), argv[2], strlen(argv[2]))) {
			printf("kv: set FAIL: %s\n", strerror(errno));
			return 1;
		}
		printf("kv: ok\n");
		return 0;
	}
	if (!strcmp(cmd, "get") && argc == 2) {
		v = kv_get(kv, argv[1], strlen(argv[1]), &vlen);
		if (v)
			printf("kv: %s = %.*s\n", argv[1], (int)vlen, v);
		else
			printf("kv: %s not found\n", argv[1]);
		return 0;
	}
	if (!strcmp(cmd, "del") && argc == 2) {
		if (kv_del(kv, argv[1], strlen(argv[1]))) {
			printf("kv: del FAIL: %s\n", strerror(errno));
			return 1;
		}
		printf("kv: ok\n");
		return 0;
	}
	if (!strcmp(cmd, "list") && argc == 1) {
		kv_each(kv, print_one, NULL);
		return 0;
	}
	if (!strcmp(cmd, "stats") && argc == 1) {
		struct kv_stats st;

		kv_get_stats(kv, &st);
		printf("kv: %zu keys, log %llu bytes, %llu records replayed, %llu torn bytes "
		       "dropped\n",
		       st.keys, (unsigned long long)st.log_bytes, (unsigned long long)st.replayed,
		       (unsigned long long)st.dropped_bytes);
		return 0;
	}
	if (!strcmp(cmd, "load") && argc == 3)
		return cmd_load(kv, argv[1], strtoul(argv[2], NULL, 10));
	if (!strcmp(cmd, "verify") && argc == 3)
		return cmd_verify(kv, argv[1], strtoul(argv[2], NULL, 10));
	printf("kv: unknown command or wrong arguments: %s\n", cmd);
	return 1;
}

int main(int argc, char **argv)
{
	const char *dir = "/data";
	int failed = 0, start = 1;
	struct kv *kv;

	if (argc > 1 && !strncmp(argv[1], "--dir=", 6)) {
		dir = argv[1] + 6;
		start = 2;
	}
	kv = kv_open(dir);
	if (!kv) {
		printf("kv: cannot open the store in %s: %s\n", dir, strerror(errno));
		return 1;
	}
	{
		struct kv_stats st;

		kv_get_stats(kv, &st);
		printf("kv: %s: %zu keys recovered (%llu records, %llu torn bytes dropped)\n", dir,
		       st.keys, (unsigned long long)st.replayed,
		       (unsigned long long)st.dropped_bytes);
	}
	for (int i = start; i <= argc; i++) {
		if (i == argc || !strcmp(argv[i], "+")) {
			if (i > start)
				failed += run(kv, i - start, argv + start);
			start = i + 1;
		}
	}
	kv_close(kv);
	return failed ? 1 : 0;
}
