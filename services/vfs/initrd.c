// SPDX-License-Identifier: MIT
/*
 * The initrd (CONFIG_INITRD): the cpio archive the platform loaded is
 * checked whole first, then unpacked into the root ramfs, then its memory
 * goes to the page allocator.  A malformed archive is refused before
 * anything is created: the image panics saying why, rather than running
 * with half of its files.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hako/kernel.h>
#include <hako/printk.h>

#include "cpio.h"
#include "fs.h"

/* The archive's name as an absolute path in buf; false for the root
 * itself ("." or ""), panics on a name that leaves the archive (".."). */
static bool target(const char *name, char *buf)
{
	const char *p = name;

	while (*p == '/' || (p[0] == '.' && p[1] == '/'))
		p += *p == '/' ? 1 : 2;
	if (!*p || !strcmp(p, "."))
		return false;
	for (const char *c = p; c; c = strchr(c, '/')) {
		c += *c == '/';
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || !c[2]))
			panic("initrd refused: entry '%s' has a '..' component", name);
	}
	if (strlen(p) + 2 > PATH_MAX)
		panic("initrd refused: entry name longer than %d bytes", PATH_MAX - 2);
	buf[0] = '/';
	strcpy(buf + 1, p);
	return true;
}

/* mkdir -p of path's parents. */
static void parents(char *path)
{
	for (char *p = path + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			panic("initrd: cannot create directory %s: %s", path, strerror(errno));
		*p = '/';
	}
}

static void unpack_file(const char *path, const struct cpio_entry *e)
{
	const char *p = e->data;
	size_t left = e->size;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, e->mode & 07777);

	if (fd < 0)
		panic("initrd: cannot create %s: %s", path, strerror(errno));
	while (left) {
		ssize_t n = write(fd, p, left);

		if (n <= 0)
			panic("initrd: cannot write %s: %s", path,
			      n < 0 ? strerror(errno) : "no progress");
		p += n;
		left -= (size_t)n;
	}
	close(fd);
}

void initrd_unpack(void)
{
	struct cpio_reader r;
	struct cpio_entry e;
	unsigned files = 0, dirs = 0, skipped = 0;
	char path[PATH_MAX];
	const void *data;
	size_t len, bytes = 0;
	int rc;

	if (!kern_initrd(&data, &len))
		return;
	cpio_init(&r, data, len);
	while ((rc = cpio_next(&r, &e)) == 1)
		target(e.name, path); /* names checked before anything is made */
	if (rc < 0)
		panic("initrd refused: %s (archive of %zu bytes)", r.err, len);

	cpio_init(&r, data, len);
	while (cpio_next(&r, &e) == 1) {
		if (!target(e.name, path))
			continue;
		switch (e.mode & S_IFMT) {
		case S_IFDIR:
			parents(path);
			if (mkdir(path, e.mode & 07777) && errno != EEXIST)
				panic("initrd: cannot create directory %s: %s", path,
				      strerror(errno));
			dirs++;
			break;
		case S_IFREG:
			parents(path);
			unpack_file(path, &e);
			files++;
			bytes += e.size;
			break;
		default:
			pr_warn("initrd: %s skipped: only files and directories are supported\n",
				path);
			skipped++;
		}
	}
	pr_info("initrd: %u files (%zu bytes), %u directories unpacked%s\n", files, bytes, dirs,
		skipped ? ", some entries skipped" : "");
	kern_initrd_release();
}
