// SPDX-License-Identifier: MIT
/*
 * The descriptor table and the POSIX calls that only dispatch through it
 * (CONFIG_FILES).  Services own their struct file; the table only counts
 * descriptors naming each one and calls ->release when the last goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hal.h>
#include <hako/file.h>
#include <hako/printk.h>
#include <hako/waitq.h>

static struct file *table[CONFIG_MAX_FILES];
static struct waitq pollers = { LIST_HEAD_INIT(pollers.waiters) };
static unsigned long notify_gen;

/* ------------------------------------------------------------ console --- */

static ssize_t console_read(struct file *f, void *buf, size_t len)
{
	return 0; /* no console input: end of file */
}

static ssize_t console_write_op(struct file *f, const void *buf, size_t len)
{
	console_write(buf, len);
	return (ssize_t)len;
}

static int console_fstat(struct file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | 0620;
	st->st_blksize = 1024;
	return 0;
}

static short console_poll(struct file *f, short events)
{
	return events & (POLLIN | POLLOUT);
}

static const struct file_ops console_ops = {
	.read = console_read,
	.write = console_write_op,
	.fstat = console_fstat,
	.poll = console_poll,
};

static struct file console_files[3] = {
	{ &console_ops, O_RDONLY, 1, 0, NULL },
	{ &console_ops, O_WRONLY, 1, 0, NULL },
	{ &console_ops, O_WRONLY, 1, 0, NULL },
};

/* The console descriptors exist from the first use of the table on. */
static void table_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	for (int i = 0; i < 3; i++)
		table[i] = &console_files[i];
}

/* -------------------------------------------------------------- table --- */

static int set_errno(long rc)
{
	errno = (int)-rc;
	return -1;
}

int file_install(struct file *f)
{
	table_init();
	for (int fd = 0; fd < CONFIG_MAX_FILES; fd++) {
		if (!table[fd]) {
			table[fd] = f;
			f->refs++;
			return fd;
		}
	}
	return -EMFILE;
}

struct file *file_get(int fd)
{
	table_init();
	if (fd < 0 || fd >= CONFIG_MAX_FILES)
		return NULL;
	return table[fd];
}

void file_notify(void)
{
	notify_gen++;
	waitq_wake_all(&pollers);
}

static struct file *get_or_ebadf(int fd)
{
	struct file *f = file_get(fd);

	if (!f)
		errno = EBADF;
	return f;
}

int close(int fd)
{
	struct file *f = get_or_ebadf(fd);
	int rc = 0;

	if (!f)
		return -1;
	table[fd] = NULL;
	if (--f->refs == 0 && f->ops->release)
		rc = f->ops->release(f);
	return rc < 0 ? set_errno(rc) : 0;
}

int dup2(int fd, int newfd)
{
	struct file *f = get_or_ebadf(fd);

	if (!f)
		return -1;
	if (newfd < 0 || newfd >= CONFIG_MAX_FILES) {
		errno = EBADF;
		return -1;
	}
	if (newfd == fd)
		return fd;
	if (table[newfd])
		close(newfd);
	table[newfd] = f;
	f->refs++;
	return newfd;
}

int dup(int fd)
{
	struct file *f = get_or_ebadf(fd);
	int nfd;

	if (!f)
		return -1;
	nfd = file_install(f);
	return nfd < 0 ? set_errno(nfd) : nfd;
}

/* ------------------------------------------------------------ transfers --- */

static bool can_read(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

ssize_t read(int fd, void *buf, size_t len)
{
	struct file *f = get_or_ebadf(fd);
	ssize_t n;

	if (!f)
		return -1;
	if (!can_read(f) || !f->ops->read)
		return set_errno(f->ops->read ? -EBADF : -EINVAL);
	n = f->ops->read(f, buf, len);
	return n < 0 ? set_errno(n) : n;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	struct file *f = get_or_ebadf(fd);
	ssize_t n;

	if (!f)
		return -1;
	if (!can_write(f) || !f->ops->write)
		return set_errno(f->ops->write ? -EBADF : -EINVAL);
	n = f->ops->write(f, buf, len);
	return n < 0 ? set_errno(n) : n;
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	struct file *f = get_or_ebadf(fd);
	ssize_t n;

	if (!f)
		return -1;
	if (!f->ops->pread)
		return set_errno(-ESPIPE);
	if (!can_read(f))
		return set_errno(-EBADF);
	if (off < 0)
		return set_errno(-EINVAL);
	n = f->ops->pread(f, buf, len, off);
	return n < 0 ? set_errno(n) : n;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	struct file *f = get_or_ebadf(fd);
	ssize_t n;

	if (!f)
		return -1;
	if (!f->ops->pwrite)
		return set_errno(-ESPIPE);
	if (!can_write(f))
		return set_errno(-EBADF);
	if (off < 0)
		return set_errno(-EINVAL);
	n = f->ops->pwrite(f, buf, len, off);
	return n < 0 ? set_errno(n) : n;
}

off_t lseek(int fd, off_t off, int whence)
{
	struct file *f = get_or_ebadf(fd);
	off_t r;

	if (!f)
		return -1;
	if (!f->ops->lseek)
		return set_errno(-ESPIPE);
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return set_errno(-EINVAL);
	r = f->ops->lseek(f, off, whence);
	return r < 0 ? set_errno(r) : r;
}

int fstat(int fd, struct stat *st)
{
	struct file *f = get_or_ebadf(fd);
	int rc;

	if (!f)
		return -1;
	if (!st)
		return set_errno(-EFAULT);
	if (!f->ops->fstat)
		return set_errno(-EINVAL);
	rc = f->ops->fstat(f, st);
	return rc < 0 ? set_errno(rc) : 0;
}

static int do_fsync(int fd, bool data_only)
{
	struct file *f = get_or_ebadf(fd);
	int rc;

	if (!f)
		return -1;
	if (!f->ops->fsync)
		return set_errno(-EINVAL);
	rc = f->ops->fsync(f, data_only);
	return rc < 0 ? set_errno(rc) : 0;
}

int fsync(int fd)
{
	return do_fsync(fd, false);
}

int fdatasync(int fd)
{
	return do_fsync(fd, true);
}

int ftruncate(int fd, off_t len)
{
	struct file *f = get_or_ebadf(fd);
	int rc;

	if (!f)
		return -1;
	if (!f->ops->ftruncate || !can_write(f))
		return set_errno(-EINVAL);
	if (len < 0)
		return set_errno(-EINVAL);
	rc = f->ops->ftruncate(f, len);
	return rc < 0 ? set_errno(rc) : 0;
}

int fcntl(int fd, int cmd, ...)
{
	struct file *f = get_or_ebadf(fd);
	const int changeable = O_NONBLOCK | O_APPEND;
	va_list ap;
	long arg;
	int nfd;

	if (!f)
		return -1;
	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	switch (cmd) {
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~changeable) | ((int)arg & changeable);
		file_notify(); /* a poller may now see EAGAIN-able state differently */
		return 0;
	case F_GETFD:
		return 0;
	case F_SETFD:
		return 0;
	case F_DUPFD:
		for (nfd = arg < 0 ? 0 : (int)arg; nfd < CONFIG_MAX_FILES; nfd++)
			if (!table[nfd])
				return dup2(fd, nfd);
		return set_errno(-EMFILE);
	}
	return set_errno(-EINVAL);
}

/* ---------------------------------------------------------------- poll --- */

static int poll_scan(struct pollfd *fds, nfds_t n)
{
	int count = 0;

	for (nfds_t i = 0; i < n; i++) {
		struct file *f;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		f = file_get(fds[i].fd);
		if (!f)
			fds[i].revents = POLLNVAL;
		else if (f->ops->poll)
			fds[i].revents = f->ops->poll(f, fds[i].events | POLLERR | POLLHUP);
		else /* always ready, like a regular file */
			fds[i].revents = fds[i].events & (POLLIN | POLLOUT);
		if (fds[i].revents)
			count++;
	}
	return count;
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	uint64_t deadline = timeout < 0 ? WAITQ_FOREVER
					: hal_clock_monotonic() + (uint64_t)timeout * 1000000ULL;

	if (n > CONFIG_MAX_FILES * 4UL)
		return set_errno(-EINVAL);
	for (;;) {
		unsigned long gen = notify_gen;
		int count = poll_scan(fds, n);

		if (count || timeout == 0)
			return count;
		if (hal_clock_monotonic() >= deadline)
			return 0;
		/* An operation called by the scan may have yielded and missed a
		 * notification: then look again instead of waiting. */
		if (gen == notify_gen)
			waitq_wait(&pollers, deadline);
	}
}
