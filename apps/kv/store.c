// SPDX-License-Identifier: MIT
/* The log-structured store of apps/kv (kv.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kv.h"

#define MAGIC 0x3152564bU /* "KVR1" little-endian */
#define HDR 20
#define SET 1
#define DEL 2

struct entry {
	struct entry *next;
	size_t klen, vlen;
	char *key, *val;
};

struct kv {
	int fd;
	uint64_t end; /* where the next record goes */
	struct entry **buckets;
	size_t nbuckets, keys;
	struct kv_stats st;
};

static uint32_t crc_table[256];

static uint32_t crc32(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (!crc_table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---------------------------------------------------------------- index --- */

static size_t hash(const char *k, size_t n)
{
	size_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*k++) * 1099511628211ULL;
	return h;
}

static struct entry **slot(struct kv *kv, const char *key, size_t klen)
{
	struct entry **p = &kv->buckets[hash(key, klen) & (kv->nbuckets - 1)];

	for (; *p; p = &(*p)->next)
		if ((*p)->klen == klen && !memcmp((*p)->key, key, klen))
			break;
	return p;
}

static int grow(struct kv *kv)
{
	size_t n = kv->nbuckets * 2;
	struct entry **b = calloc(n, sizeof(*b));

	if (!b)
		return -1;
	for (size_t i = 0; i < kv->nbuckets; i++) {
		struct entry *e = kv->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[hash(e->key, e->klen) & (n - 1)];
			b[hash(e->key, e->klen) & (n - 1)] = e;
		}
	}
	free(kv->buckets);
	kv->buckets = b;
	kv->nbuckets = n;
	return 0;
}

static int index_set(struct kv *kv, const char *key, size_t klen, const void *val, size_t vlen)
{
	struct entry **p = slot(kv, key, klen), *e = *p;
	char *v = malloc(vlen ? vlen : 1);

	if (!v)
		return -1;
	memcpy(v, val, vlen);
	if (e) {
		free(e->val);
	} else {
		e = calloc(1, sizeof(*e));
		if (!e || !(e->key = malloc(klen ? klen : 1))) {
			free(e);
			free(v);
			return -1;
		}
		memcpy(e->key, key, klen);
		e->klen = klen;
		*p = e;
		kv->keys++;
		if (kv->keys > kv->nbuckets)
			grow(kv); /* a failure only makes chains longer */
	}
	e->val = v;
	e->vlen = vlen;
	return 0;
}

static bool index_del(struct kv *kv, const char *key, size_t klen)
{
	struct entry **p = slot(kv, key, klen), *e = *p;

	if (!e)
		return false;
	*p = e->next;
	free(e->key);
	free(e->val);
	free(e);
	kv->keys--;
	return true;
}

/* --------------------------------------------------------------- replay --- */

/* Replay every good record; returns the offset after the last one. */
static int replay(struct kv *kv)
{
	size_t cap = 65536, have = 0;
	unsigned char *buf = malloc(cap);
	uint64_t base = 0; /* file offset of buf[0] */
	bool eof = false;
	size_t at = 0;

	if (!buf)
		return -1;
	for (;;) {
		uint32_t klen, vlen, type;
		size_t need;

		/* Keep [at, have) and read until a whole record is there. */
		need = HDR;
		if (have - at >= HDR) {
			klen = get32(buf + at + 12);
			vlen = get32(buf + at + 16);
			if (get32(buf + at) != MAGIC || klen > KV_KEY_MAX || vlen > KV_VALUE_MAX)
				break;
			need = HDR + klen + vlen;
		}
		if (have - at < need) {
			ssize_t n;

			if (eof)
				break;
			memmove(buf, buf + at, have - at);
			base += at;
			have -= at;
			at = 0;
			if (need > cap) {
				unsigned char *b = realloc(buf, need);

				if (!b) {
					free(buf);
					return -1;
				}
				buf = b;
				cap = need;
			}
			n = pread(kv->fd, buf + have, cap - have, (off_t)(base + have));
			if (n < 0) {
				free(buf);
				return -1;
			}
			if (n == 0)
				eof = true;
			have += (size_t)n;
			continue;
		}
		type = buf[at + 8];
		if (crc32(0, buf + at + 8, need - 8) != get32(buf + at + 4) ||
		    (type != SET && type != DEL))
			break;
		if (type == SET) {
			const char *key = (char *)buf + at + HDR;

			if (index_set(kv, key, klen, key + klen, vlen)) {
				free(buf);
				return -1;
			}
		} else {
			index_del(kv, (char *)buf + at + HDR, klen);
		}
		kv->st.replayed++;
		at += need;
	}
	free(buf);
	kv->end = base + at;
	return 0;
}

/* ------------------------------------------------------------------ api --- */

struct kv *kv_open(const char *dir)
{
	char path[1024];
	struct kv *kv = calloc(1, sizeof(*kv));
	struct stat st;

	if (!kv)
		return NULL;
	kv->fd = -1;
	kv->nbuckets = 64;
	kv->buckets = calloc(kv->nbuckets, sizeof(*kv->buckets));
	snprintf(path, sizeof(path), "%s/kv.log", dir);
	kv->fd = open(path, O_RDWR | O_CREAT, 0644);
	if (!kv->buckets || kv->fd < 0 || fstat(kv->fd, &st) || replay(kv))
		goto fail;
	/* Cut a torn tail off, durably, before anything follows it. */
	if ((uint64_t)st.st_size > kv->end) {
		kv->st.dropped_bytes = (uint64_t)st.st_size - kv->end;
		if (ftruncate(kv->fd, (off_t)kv->end) || fsync(kv->fd))
			goto fail;
	}
	return kv;
fail:
	{
		int e = errno;

		kv_close(kv);
		errno = e;
	}
	return NULL;
}

void kv_close(struct kv *kv)
{
	if (kv->fd >= 0)
		close(kv->fd);
	for (size_t i = 0; kv->buckets && i < kv->nbuckets; i++)
		while (kv->buckets[i])
			index_del(kv, kv->buckets[i]->key, kv->buckets[i]->klen);
	free(kv->buckets);
	free(kv);
}

static int append(struct kv *kv, int type, const char *key, size_t klen, const void *val,
		  size_t vlen)
{
	size_t len = HDR + klen + vlen;
	unsigned char *rec = malloc(len);
	ssize_t n;

	if (!rec)
		return -1;
	put32(rec, MAGIC);
	rec[8] = (unsigned char)type;
	rec[9] = rec[10] = rec[11] = 0;
	put32(rec + 12, (uint32_t)klen);
	put32(rec + 16, (uint32_t)vlen);
	memcpy(rec + HDR, key, klen);
	memcpy(rec + HDR + klen, val, vlen);
	put32(rec + 4, crc32(0, rec + 8, len - 8));
	n = pwrite(kv->fd, rec, len, (off_t)kv->end);
	free(rec);
	if (n != (ssize_t)len || fsync(kv->fd)) {
		if (n >= 0 && n != (ssize_t)len)
			errno = EIO;
		/* Whatever reached the file is not a whole acknowledged
		 * record: the next append overwrites it. */
		return -1;
	}
	kv->end += len;
	return 0;
}

int kv_set(struct kv *kv, const char *key, size_t klen, const void *val, size_t vlen)
{
	if (!klen || klen > KV_KEY_MAX || vlen > KV_VALUE_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (append(kv, SET, key, klen, val, vlen))
		return -1;
	return index_set(kv, key, klen, val, vlen);
}

int kv_del(struct kv *kv, const char *key, size_t klen)
{
	if (!klen || klen > KV_KEY_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (!*slot(kv, key, klen)) {
		errno = ENOENT;
		return -1;
	}
	if (append(kv, DEL, key, klen, "", 0))
		return -1;
	index_del(kv, key, klen);
	return 0;
}

const void *kv_get(struct kv *kv, const char *key, size_t klen, size_t *vlen)
{
	struct entry *e = *slot(kv, key, klen);

	if (!e) {
		errno = ENOENT;
		return NULL;
	}
	*vlen = e->vlen;
	return e->val;
}

void kv_each(struct kv *kv, void (*fn)(const char *, size_t, const void *, size_t, void *),
	     void *arg)
{
	for (size_t i = 0; i < kv->nbuckets; i++)
		for (struct entry *e = kv->buckets[i]; e; e = e->next)
			fn(e->key, e->klen, e->val, e->vlen, arg);
}

void kv_get_stats(struct kv *kv, struct kv_stats *st)
{
	*st = kv->st;
	st->keys = kv->keys;
	st->log_bytes = kv->end;
}
