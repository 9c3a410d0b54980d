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

/*
 * Every entry is checked before any is mounted, and each malformed one is
 * named: a user fixing a long list sees all its mistakes in one boot.
 */
static void mount_all(const char *list)
{
	static char buf[KERN_CMDLINE_MAX], one[KERN_CMDLINE_MAX];
	struct mount_spec m;
	int bad = 0;
	char *p, *next;

	if (strlen(list) >= sizeof(buf))
		panic("hako.mount: list longer than %zu bytes", sizeof(buf) - 1);
	strcpy(buf, list);
	for (p = buf; *p; p++)
		if (*p == ',')
			*p = '\0';
	for (p = buf; p < buf + strlen(list); p += strlen(p) + 1) {
		strcpy(one, p);
		if (!parse_spec(one, &m)) {
			pr_err("hako.mount: malformed entry '%s': expected %s\n", p, SPEC);
			bad++;
		}
	}
	if (bad)
		panic("hako.mount: %d malformed entr%s: nothing mounted", bad,
		      bad > 1 ? "ies" : "y");
	for (p = buf; p < buf + strlen(list); p = next) {
		int rc;

		next = p + strlen(p) + 1; /* (before parse_spec splits the entry) */
		parse_spec(p, &m);
		rc = vfs_mount(m.dev, m.path, m.type, m.flags);
		if (rc)
			panic("hako.mount: cannot mount %s on %s (%s): %s", m.dev, m.path, m.type,
			      strerror(-rc));
		pr_info("vfs: %s mounted on %s%s\n", m.dev, m.path,
			m.flags & VFS_RDONLY ? " (read-only)" : "");
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
