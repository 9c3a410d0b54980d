/* SPDX-License-Identifier: MIT */
/*
 * proto.h - kvd's line protocol, parsed apart from the store and the
 * sockets (so the host's unit suite tests and fuzzes it).
 *
 * One command per line, ended by "\n" (a "\r" before it is dropped); the
 * command word in any case, one space between the fields:
 *
 *   SET KEY VALUE   VALUE is the rest of the line (spaces allowed, may be
 *                   empty); "OK" once the write is durable
 *   GET KEY         "VALUE <value>" or "NOT_FOUND"
 *   DEL KEY         "OK" or "NOT_FOUND"
 *   STATS           "STATS keys N log_bytes N replayed N dropped_bytes N"
 *   QUIT            "BYE", then the server closes
 *
 * KEY is 1 to KV_KEY_MAX bytes without spaces or control characters; a
 * line holds at most KVD_LINE_MAX bytes, and no NUL.  Anything else gets
 * "ERR <reason>" and the connection goes on (a line too long ends it).
 */
#ifndef KVD_PROTO_H
#define KVD_PROTO_H

#include <stddef.h>

#define KVD_LINE_MAX 65536

enum kvd_op { KVD_BAD, KVD_SET, KVD_GET, KVD_DEL, KVD_STATS, KVD_QUIT };

struct kvd_cmd {
	enum kvd_op op;
	const char *key, *val; /* point into the line */
	size_t klen, vlen;
	const char *err; /* KVD_BAD: why, for the ERR reply */
};

/* Parse line[0..len) (without its "\n").  Never fails: a bad line gives
 * op KVD_BAD and err.  Does not block. */
void kvd_parse(const char *line, size_t len, struct kvd_cmd *cmd);

#endif
