/* SPDX-License-Identifier: MIT */
/*
 * dirent.h - reading directories (CONFIG_VFS).  Entries come in the file
 * system's order, "." and ".." included.  A DIR holds a descriptor
 * (dirfd) until closedir.  readdir returns NULL at the end (errno kept) or
 * on an error (errno set); its result is valid until the next call on the
 * same DIR.
 */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct dirent {
	ino_t d_ino;
	off_t d_off; /* the position after this entry */
	unsigned short d_reclen;
	unsigned char d_type; /* DT_* */
	char d_name[256];
};

typedef struct __dirstream DIR;

DIR *opendir(const char *path);
DIR *fdopendir(int fd);
struct dirent *readdir(DIR *d);
void rewinddir(DIR *d);
int closedir(DIR *d);
int dirfd(DIR *d);

#endif
