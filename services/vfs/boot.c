// SPDX-License-Identifier: MIT
/*
 * The VFS at boot: the root ramfs, the initrd, then the mounts named by
 * hako.mount= (or CONFIG_VFS_MOUNTS); every file system is synced when the
 * image exits.  The mount syntax is hako/vfs.h's.
 */
#include <errno.h>
#include <string.h>

#include <hako/kernel.h>
#include <hako/printk.h>
#include <hako/vfs.h>

#include "fs.h"

KERN_OPTION(mount, "mount", "file systems to mount: DEVICE:PATH[:TYPE[:ro]][,...]");

#ifndef CONFIG_VFS_MOUNTS
#define CONFIG_VFS_MOUNTS ""
#endif

#define SPEC "DEVICE:PATH[:TYPE[:ro]]"

struct mount_spec {
	const char *dev, *path, *type;
	unsigned int flags;
};

/* Split one DEVICE:PATH[:TYPE[:ro|rw]] entry in place; false if malformed. */
static bool parse_spec(char *spec, struct mount_spec *m)
{
	char *f[5] = { spec };
	int n = 1;

	for (char *p = spec; *p && n < 5; p++) {
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	if (n > 4 || !*f[0] || n < 2 || f[1][0] != '/' || (n >= 3 && !*f[2]) ||
	    (n == 4 && strcmp(f[3], "ro") && strcmp(f[3], "rw")))
		return false;
	m->dev = f[0];
	m->path = f[1];
	m->type = n >= 3 ? f[2] : "ext4";
	m->flags = n == 4 && !strcmp(f[3], "ro") ? VFS_RDONLY : 0;
	return true;
}

static void mount_one(const struct mount_spec *m)
{
	int rc = vfs_mount(m->dev, m->path, m->type, m->flags);

	if (rc)
		panic("hako.mount: cannot mount %s on %s (%s): %s", m->dev, m->path, m->type,
		      strerror(-rc));
	pr_info("vfs: %s mounted on %s%s\n", m->dev, m->path,
		m->flags & VFS_RDONLY ? " (read-only)" : "");
}

/*
 * Two passes over the list: the first checks every entry and names each
 * malformed one (a user fixing a long list sees all its mistakes in one
 * boot), the second mounts.  Each entry is split in a copy of its own, so
 * that a message can quote it as typed.
 */
static void mount_all(const char *list)
{
	static char entry[KERN_CMDLINE_MAX];
	struct mount_spec m;
	size_t len;
	int bad = 0;

	if (strlen(list) >= sizeof(entry))
		panic("hako.mount: list longer than %zu bytes", sizeof(entry) - 1);
	for (int pass = 1; pass <= 2; pass++) {
		for (const char *e = list; *e; e += len + (e[len] == ',')) {
			const char *comma = strchr(e, ',');

			len = comma ? (size_t)(comma - e) : strlen(e);
			memcpy(entry, e, len);
			entry[len] = '\0';
			if (!parse_spec(entry, &m)) {
				pr_err("hako.mount: malformed entry '%.*s': expected " SPEC "\n",
				       (int)len, e);
				bad++;
			} else if (pass == 2) {
				mount_one(&m);
			}
		}
		if (bad)
			panic("hako.mount: %d malformed entr%s: nothing mounted", bad,
			      bad > 1 ? "ies" : "y");
	}
}

static void sync_at_exit(void *unused)
{
	int rc = vfs_shutdown();

	if (rc)
		pr_err("vfs: syncing the file systems at exit failed: %s\n", strerror(-rc));
}

/* The boot steps of hako/vfs.h, before main(). */
static void vfs_boot(void)
{
	const char *list = kern_option("mount");
	int rc = vfs_mount(NULL, "/", "ramfs", 0);

	if (rc)
		panic("vfs: cannot mount the root ramfs: %s", strerror(-rc));
#ifdef CONFIG_INITRD
	initrd_unpack();
#endif
	mount_all(list ? list : CONFIG_VFS_MOUNTS);
	rc = kern_on_shutdown(sync_at_exit, NULL);
	if (rc)
		panic("vfs: cannot register the sync at exit: %s", strerror(-rc));
}
KERN_INIT(vfs_boot);
