/* SPDX-License-Identifier: MIT */
/*
 * kv.h - the store behind apps/kv: keys and values (byte strings) in an
 * append-only log file, indexed in memory.
 *
 * Log format: records, each a 20-byte header (magic "KVR1", CRC-32 of
 * everything after the CRC field, type 1 = set or 2 = delete, 3 zero
 * bytes, key length, value length, all little-endian) then the key and the
 * value.  kv_open() replays the log; it stops at the first record that is
 * cut short or fails its CRC (a write the crash interrupted: never
 * acknowledged) and truncates the log there, so the next record follows a
 * good one.  kv_set/kv_del return only after the record is fsynced:
 * an acknowledged write survives a crash.
 */
#ifndef KV_H
#define KV_H

#include <stddef.h>
#include <stdint.h>

#define KV_KEY_MAX 1024
#define KV_VALUE_MAX (1 << 20)

struct kv;

struct kv_stats {
	size_t keys;
	uint64_t log_bytes;	  /* the log's length */
	uint64_t replayed;	  /* records replayed by kv_open */
	uint64_t dropped_bytes; /* torn tail cut off by kv_open */
};

/* Open (creating) the store in dir.  NULL with errno set on failure.
 * Everything after the first bad record is dropped (a damaged record
 * cannot be told from a torn one; kv_stats says how much went). */
struct kv *kv_open(const char *dir);
void kv_close(struct kv *kv);

/* 0, or -1 with errno (EINVAL: sizes; EIO, ENOSPC: the write failed and
 * nothing was acknowledged; the store stays usable). */
int kv_set(struct kv *kv, const char *key, size_t klen, const void *val, size_t vlen);
int kv_del(struct kv *kv, const char *key, size_t klen); /* ENOENT if absent */

/* The value of key, valid until the next change of the store; NULL and
 * ENOENT when absent. */
const void *kv_get(struct kv *kv, const char *key, size_t klen, size_t *vlen);

/* Call fn for every key (in no particular order). */
void kv_each(struct kv *kv, void (*fn)(const char *key, size_t klen, const void *val,
				       size_t vlen, void *arg),
	     void *arg);

void kv_get_stats(struct kv *kv, struct kv_stats *st);

#endif
