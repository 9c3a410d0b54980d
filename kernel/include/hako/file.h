/* SPDX-License-Identifier: MIT */
/*
 * file.h - open files and the descriptor table (CONFIG_FILES).
 *
 * One table for everything an app opens: sockets (services/net), files and
 * directories (services/vfs), the console (descriptors 0-2).  A service
 * makes a struct file with its own operations and installs it; the POSIX
 * calls of <unistd.h>, <fcntl.h> and <poll.h> dispatch through the table.
 *
 * Operations return what the POSIX call returns, with errors as negative
 * errno values (-EAGAIN, -EBADF...): the dispatcher sets errno.  An
 * operation a kind of file lacks is NULL; the dispatcher then fails with
 * the POSIX error for it (ESPIPE for seeking a socket, EINVAL...).
 *
 * Readiness: ops->poll() says what is ready now and never blocks.  A
 * service calls file_notify() whenever something may have become ready,
 * which wakes every thread blocked in poll() to look again.
 */
#ifndef HAKO_FILE_H
#define HAKO_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct file;
struct stat;
struct dirent;

struct file_ops {
	/* read/write at the file's position (or a stream's), blocking unless
	 * f->flags has O_NONBLOCK, where they return -EAGAIN instead. */
	ssize_t (*read)(struct file *f, void *buf, size_t len);
	ssize_t (*write)(struct file *f, const void *buf, size_t len);
	ssize_t (*pread)(struct file *f, void *buf, size_t len, off_t off);
	ssize_t (*pwrite)(struct file *f, const void *buf, size_t len, off_t off);
	/* The new position, or -EINVAL; whence is SEEK_SET/CUR/END. */
	off_t (*lseek)(struct file *f, off_t off, int whence);
	int (*fstat)(struct file *f, struct stat *st);
	int (*fsync)(struct file *f, bool data_only);
	int (*ftruncate)(struct file *f, off_t len);
	/* Directories (services/vfs): the next entry into *de; 1, or 0 at
	 * the end, or a negative errno.  lseek(f, 0, SEEK_SET) starts over. */
	int (*readdir)(struct file *f, struct dirent *de);
	/* The POLL* bits of events (plus POLLERR/POLLHUP) ready now. */
	short (*poll)(struct file *f, short events);
	/* The last descriptor for f was closed: release it.  Returns 0 or a
	 * negative errno (reported by close(), the file is gone either way). */
	int (*release)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	int flags;	/* O_ACCMODE, O_NONBLOCK, O_APPEND (fcntl changes the last two) */
	unsigned refs;	/* descriptors naming it (dup) */
	off_t pos;	/* for services that keep a position here */
	void *priv;	/* the service's */
};

/*
 * file_install - give f (refs 0, ops set) the lowest free descriptor.
 * Returns it, or -EMFILE when the table (CONFIG_MAX_FILES) is full; the
 * caller then still owns f.
 */
int file_install(struct file *f);

/* file_get - the file behind fd, or NULL (bad or closed descriptor). */
struct file *file_get(int fd);

/* file_notify - something may have become ready: poll() looks again. */
void file_notify(void);

#endif /* HAKO_FILE_H */
