/* SPDX-License-Identifier: MIT */
/*
 * objcache: the object cache's host tool (build/objcache.c says what it
 * does).  Its two halves: the preprocessed key and the helpers in
 * objcache.c, the direct lookup in objcache_direct.c.
 */
#ifndef HAKO_BUILD_OBJCACHE_H
#define HAKO_BUILD_OBJCACHE_H

#include <sys/types.h>

/* Print "objcache: WHAT: the error" and exit with status 2. */
void die(const char *what);
/* mkdir -p of the folder holding path; 0 or -1. */
int make_parents(const char *path);
/* Copy from to to (created or truncated); 0 or -1, to removed on a failed write. */
int copy_file(const char *from, const char *to);
/* The whole of path, NUL-terminated, in *text (caller frees); its length, -1 if unreadable. */
ssize_t read_whole(const char *path, char **text);
/* Write text to path through a file of its own and a rename; best effort. */
void write_entry(const char *path, const char *text);

/*
 * direct_lookup: the object for the command key1 (64 hex digits) without
 * preprocessing: from the first of the command's manifest lines whose
 * files give a direct key the cache has.  On a hit, obj is the object and
 * dep its dependency file, and it returns 0; -1 otherwise.
 */
int direct_lookup(const char *cache, const char *key1, const char *out, const char *obj,
		  const char *dep);
/*
 * direct_record: after a preprocessing that wrote dep and gave objkey, the
 * next build's direct hit: dep's files, the key they give, objkey under
 * it, and those files first in the command's manifest.  Best effort.
 */
void direct_record(const char *cache, const char *key1, const char *out, const char *dep,
		   const char *objkey);

#endif
