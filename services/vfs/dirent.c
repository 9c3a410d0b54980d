// SPDX-License-Identifier: MIT
/* dirent.h over the descriptor table: a DIR is a descriptor whose file
 * has a readdir operation. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <hako/file.h>

struct __dirstream {
	int fd;
	struct dirent de;
};

DIR *fdopendir(int fd)
{
	struct file *f = file_get(fd);
	DIR *d;

	if (!f) {
		errno = EBADF;
		return NULL;
	}
	if (!f->ops->readdir) {
		errno = ENOTDIR;
		return NULL;
	}
	d = malloc(sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->fd = fd;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return d;
}

struct dirent *readdir(DIR *d)
{
	struct file *f = file_get(d->fd);
	int rc;

	if (!f || !f->ops->readdir) {
		errno = EBADF;
		return NULL;
	}
	rc = f->ops->readdir(f, &d->de);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	return rc ? &d->de : NULL;
}

void rewinddir(DIR *d)
{
	lseek(d->fd, 0, SEEK_SET);
}

int dirfd(DIR *d)
{
	return d->fd;
}

int closedir(DIR *d)
{
	int rc = close(d->fd);

	free(d);
	return rc;
}
