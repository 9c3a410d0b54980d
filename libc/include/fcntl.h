/* SPDX-License-Identifier: MIT */
/* fcntl.h - open flags (Linux's values) and fcntl.  open() and openat()
 * come with the file system service (CONFIG_VFS). */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>

#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_ACCMODE 03
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define O_SYNC 04010000

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define FD_CLOEXEC 1

#define AT_FDCWD (-100)

int open(const char *path, int flags, ...);
int creat(const char *path, mode_t mode);
/* F_GETFL/F_SETFL (only O_NONBLOCK and O_APPEND change), F_GETFD/F_SETFD
 * (accepted, nothing to close on exec), F_DUPFD; else -1 EINVAL. */
int fcntl(int fd, int cmd, ...);

#endif
