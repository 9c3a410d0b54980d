// SPDX-License-Identifier: MIT
/*
 * The VFS (CONFIG_VFS): the mount table, canonical paths, and the POSIX
 * path calls, which find the file system a path belongs to and hand it the
 * rest of the path (hako/vfs.h).  Descriptors are the kernel's table
 * (kernel/file.c): open() installs the struct file a file system made.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hako/file.h>
#include <hako/kernel.h>
#include <hako/printk.h>
#include <hako/vfs.h>

#include "fs.h"

#define MAX_MOUNTS 16

struct mount {
	char *path; /* canonical, absolute: "/" or "/a/b" */
	size_t len;
	char source[16]; /* the device, "" for none */
	struct vfs_sb sb;
};

static struct mount mounts[MAX_MOUNTS];
static unsigned nr_mounts;
static char cwd[PATH_MAX] = "/";
static dev_t next_dev = 1;

static const struct vfs_ops *const fs_types[] = {
	&ramfs_ops,
#ifdef CONFIG_EXT2
	&ext2_vfs_ops,
#endif
};

static int fail(int rc)
{
	errno = -rc;
	return -1;
}

/* ------------------------------------------------------------- paths --- */

/*
 * canon - the canonical absolute form of path into out (PATH_MAX bytes).
 * Errors: -ENOENT (empty path), -ENAMETOOLONG, -EFAULT (NULL).
 */
int vfs_canon(const char *path, char *out)
{
	size_t n = 0;
	const char *p;
	int pass;

	if (!path)
		return -EFAULT;
	if (!*path)
		return -ENOENT;
	/* Pass 0: the working directory (relative paths); pass 1: path. */
	for (pass = path[0] == '/' ? 1 : 0; pass < 2; pass++) {
		for (p = pass ? path : cwd; *p;) {
			const char *c;
			size_t len;

			while (*p == '/')
				p++;
			c = p;
			while (*p && *p != '/')
				p++;
			len = (size_t)(p - c);
			if (len == 0 || (len == 1 && c[0] == '.'))
				continue;
			if (len == 2 && c[0] == '.' && c[1] == '.') {
				while (n > 0 && out[n - 1] != '/')
					n--;
				if (n > 0)
					n--; /* the slash */
				continue;
			}
			if (len > NAME_MAX || n + 1 + len >= PATH_MAX)
				return -ENAMETOOLONG;
			out[n++] = '/';
			memcpy(out + n, c, len);
			n += len;
		}
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

/* The mount holding the canonical path abs; *rel gets the rest. */
static struct mount *find_mount(const char *abs, const char **rel)
{
	struct mount *best = NULL;

	for (unsigned i = 0; i < nr_mounts; i++) {
		struct mount *m = &mounts[i];

		if (best && m->len <= best->len)
			continue;
		if (m->len == 1 || (!strncmp(abs, m->path, m->len) &&
				    (abs[m->len] == '/' || abs[m->len] == '\0')))
			best = m;
	}
	if (best)
		*rel = abs + (best->len == 1 ? 1 : best->len + (abs[best->len] == '/'));
	return best;
}

static struct mount *mount_at(const char *abs)
{
	for (unsigned i = 0; i < nr_mounts; i++)
		if (!strcmp(mounts[i].path, abs))
			return &mounts[i];
	return NULL;
}

/* Resolve path: its mount and relative path (in buf, PATH_MAX bytes). */
static int resolve(const char *path, char *buf, struct mount **m, const char **rel)
{
	int rc = vfs_canon(path, buf);

	if (rc)
		return rc;
	*m = find_mount(buf, rel);
	return *m ? 0 : -ENOENT;
}

static bool read_only(const struct mount *m)
{
	return m->sb.flags & VFS_RDONLY;
}

/* -------------------------------------------------------- the calls --- */

int open(const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	struct mount *m;
	const char *rel;
	struct file *f;
	mode_t mode = 0;
	int rc, fd;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return fail(-EINVAL);
	rc = resolve(path, buf, &m, &rel);
	if (rc)
		return fail(rc);
	if (read_only(m) && ((flags & O_ACCMODE) != O_RDONLY || flags & (O_CREAT | O_TRUNC)))
		return fail(-EROFS);
	rc = m->sb.ops->open(&m->sb, rel, flags, mode & 07777, &f);
	if (rc)
		return fail(rc);
	f->flags = flags & (O_ACCMODE | O_NONBLOCK | O_APPEND);
	fd = file_install(f);
	if (fd < 0) {
		if (f->ops->release)
			f->ops->release(f);
		return fail(fd);
	}
	return fd;
}

int creat(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int stat(const char *path, struct stat *st)
{
	char buf[PATH_MAX];
	struct mount *m;
	const char *rel;
	int rc;

	if (!st)
		return fail(-EFAULT);
	rc = resolve(path, buf, &m, &rel);
	if (!rc)
		rc = m->sb.ops->stat(&m->sb, rel, st);
	return rc ? fail(rc) : 0;
}

int lstat(const char *path, struct stat *st)
{
	return stat(path, st); /* links are never followed */
}

int access(const char *path, int mode)
{
	char buf[PATH_MAX];
	struct stat st;
	struct mount *m;
	const char *rel;
	int rc = resolve(path, buf, &m, &rel);

	if (!rc)
		rc = m->sb.ops->stat(&m->sb, rel, &st);
	if (!rc && mode & W_OK && read_only(m))
		rc = -EROFS;
	return rc ? fail(rc) : 0;
}

/* rmdir and unlink. */
static int remove_op(const char *path, bool dir)
{
	char buf[PATH_MAX];
	struct mount *m;
	const char *rel;
	int rc = resolve(path, buf, &m, &rel);

	if (rc)
		return fail(rc);
	if (!*rel)
		return fail(dir ? -EBUSY : -EISDIR); /* a mount point (or "/") */
	if (read_only(m))
		return fail(-EROFS);
	rc = dir ? m->sb.ops->rmdir(&m->sb, rel) : m->sb.ops->unlink(&m->sb, rel);
	return rc ? fail(rc) : 0;
}

int mkdir(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	struct mount *m;
	const char *rel;
	int rc = resolve(path, buf, &m, &rel);

	if (rc)
		return fail(rc);
	if (!*rel)
		return fail(-EEXIST);
	if (read_only(m))
		return fail(-EROFS);
	rc = m->sb.ops->mkdir(&m->sb, rel, mode & 07777);
	return rc ? fail(rc) : 0;
}

int rmdir(const char *path)
{
	return remove_op(path, true);
}

int unlink(const char *path)
{
	return remove_op(path, false);
}

int rename(const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct mount *m1, *m2;
	const char *r1, *r2;
	int rc = resolve(from, a, &m1, &r1);

	if (!rc)
		rc = resolve(to, b, &m2, &r2);
	if (rc)
		return fail(rc);
	if (m1 != m2)
		return fail(-EXDEV);
	if (!*r1 || !*r2)
		return fail(-EBUSY);
	if (read_only(m1))
		return fail(-EROFS);
	/* A directory cannot move below itself. */
	if (strlen(b) > strlen(a) && !strncmp(a, b, strlen(a)) && b[strlen(a)] == '/')
		return fail(-EINVAL);
	rc = m1->sb.ops->rename(&m1->sb, r1, r2);
	return rc ? fail(rc) : 0;
}

int remove(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	return S_ISDIR(st.st_mode) ? rmdir(path) : unlink(path);
}

int chdir(const char *path)
{
	char buf[PATH_MAX];
	struct stat st;
	int rc = vfs_canon(path, buf);

	if (rc)
		return fail(rc);
	if (stat(buf, &st))
		return -1;
	if (!S_ISDIR(st.st_mode))
		return fail(-ENOTDIR);
	strcpy(cwd, buf);
	return 0;
}

char *getcwd(char *buf, size_t size)
{
	if (!buf || size == 0) {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(cwd) >= size) {
		errno = ERANGE;
		return NULL;
	}
	strcpy(buf, cwd);
	return buf;
}

off_t vfs_lseek(struct file *f, off_t off, int whence, off_t size)
{
	off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : size;

	if (off > 0 && base > LONG_MAX - off)
		return -EOVERFLOW;
	if (base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

/* ------------------------------------------------------------ mounts --- */

static const struct vfs_ops *find_type(const char *type)
{
	for (size_t i = 0; i < sizeof(fs_types) / sizeof(fs_types[0]); i++) {
		const char *n = fs_types[i]->name;

		if (!strcmp(type, n))
			return fs_types[i];
		/* One driver for the ext family. */
		if (!strcmp(n, "ext4") && (!strcmp(type, "ext2") || !strcmp(type, "ext3")))
			return fs_types[i];
	}
	return NULL;
}

/* mkdir -p for a mount point, on the file systems below. */
static int make_mount_point(char *abs)
{
	struct stat st;

	for (char *p = abs + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (stat(abs, &st)) {
				if (errno != ENOENT || mkdir(abs, 0755)) {
					*p = c;
					return -errno;
				}
			} else if (!S_ISDIR(st.st_mode)) {
				*p = c;
				return -ENOTDIR;
			}
			*p = c;
			if (!c)
				return 0;
		}
	}
}

int vfs_mount(const char *source, const char *path, const char *type, unsigned flags)
{
	const struct vfs_ops *ops = type ? find_type(type) : NULL;
	char buf[PATH_MAX];
	struct mount *m;
	int rc;

	if (!ops)
		return -ENODEV;
	rc = vfs_canon(path, buf);
	if (rc)
		return rc;
	if (mount_at(buf))
		return -EBUSY;
	if (source && strlen(source) >= sizeof(mounts[0].source))
		return -ENODEV;
	for (unsigned i = 0; source && i < nr_mounts; i++)
		if (!strcmp(mounts[i].source, source))
			return -EBUSY; /* one file system per device */
	if (nr_mounts == MAX_MOUNTS)
		return -ENOMEM;
	if (nr_mounts == 0 && strcmp(buf, "/"))
		return -ENOENT; /* the root comes first */
	if (strcmp(buf, "/")) {
		rc = make_mount_point(buf);
		if (rc)
			return rc;
	}
	m = &mounts[nr_mounts];
	m->sb = (struct vfs_sb){ ops, flags & VFS_RDONLY, next_dev, NULL };
	m->path = strdup(buf);
	if (!m->path)
		return -ENOMEM;
	m->len = strlen(buf);
	strcpy(m->source, source ? source : "");
	rc = ops->mount(&m->sb, source);
	if (rc) {
		free(m->path);
		return rc;
	}
	next_dev++;
	nr_mounts++;
	return 0;
}

int vfs_unmount(const char *path)
{
	char buf[PATH_MAX];
	struct mount *m;
	int rc = vfs_canon(path, buf);

	if (rc)
		return rc;
	m = mount_at(buf);
	if (!m)
		return -EINVAL;
	for (unsigned i = 0; i < nr_mounts; i++)
		if (&mounts[i] != m && mounts[i].len > m->len &&
		    !strncmp(mounts[i].path, buf, m->len) &&
		    (m->len == 1 || mounts[i].path[m->len] == '/'))
			return -EBUSY; /* something is mounted below */
	rc = m->sb.ops->unmount(&m->sb);
	if (rc)
		return rc;
	free(m->path);
	*m = mounts[--nr_mounts];
	return 0;
}

int vfs_sync(void)
{
	int first = 0;

	for (unsigned i = 0; i < nr_mounts; i++) {
		struct vfs_sb *sb = &mounts[i].sb;
		int rc = sb->flags & VFS_RDONLY || !sb->ops->sync ? 0 : sb->ops->sync(sb);

		if (rc && !first)
			first = rc;
	}
	return first;
}

int vfs_shutdown(void)
{
	int first = 0;

	for (unsigned i = nr_mounts; i-- > 0;) {
		struct vfs_sb *sb = &mounts[i].sb;
		int rc = 0;

		if (sb->ops->shutdown)
			rc = sb->ops->shutdown(sb);
		else if (!(sb->flags & VFS_RDONLY) && sb->ops->sync)
			rc = sb->ops->sync(sb);
		if (rc && !first)
			first = rc;
	}
	return first;
}

void sync(void)
{
	vfs_sync();
}

int vfs_statfs(const char *path, struct vfs_statfs *st)
{
	char buf[PATH_MAX];
	struct mount *m;
	const char *rel;
	int rc = resolve(path, buf, &m, &rel);

	if (rc)
		return rc;
	memset(st, 0, sizeof(*st));
	return m->sb.ops->statfs ? m->sb.ops->statfs(&m->sb, st) : -ENOSYS;
}
