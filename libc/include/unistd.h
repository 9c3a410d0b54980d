/* SPDX-License-Identifier: MIT */
/*
 * unistd.h - descriptors and sleeping.  The descriptor calls need
 * CONFIG_FILES (a link error otherwise); descriptors 0, 1 and 2 are the
 * console (0 reads end-of-file).  Errors are -1 with errno set, as POSIX
 * says; read and write block unless the descriptor is O_NONBLOCK.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);
ssize_t pread(int fd, void *buf, size_t len, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t len, off_t off);
off_t lseek(int fd, off_t off, int whence);
int close(int fd);
int dup(int fd);
int dup2(int fd, int newfd);
int fsync(int fd);
int fdatasync(int fd);
void sync(void); /* CONFIG_VFS: every mounted file system made durable */
int ftruncate(int fd, off_t len);
/* Path calls: provided by the file system service (CONFIG_VFS). */
int unlink(const char *path);
int rmdir(const char *path);
int access(const char *path, int mode);
int chdir(const char *path);
char *getcwd(char *buf, size_t size);
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

unsigned int sleep(unsigned int seconds);
int usleep(unsigned long usec);
pid_t getpid(void); /* always 1 */

#endif
