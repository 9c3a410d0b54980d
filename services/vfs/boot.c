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

static void mount_one(char *spec)
{
	char *f[5] = { spec };
	int n = 1;
	unsigned flags = 0;
	int rc;

	for (char *p = spec; *p && n < 5; p++) {
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	if (n > 4 || !*f[0] || n < 2 || f[1][0] != '/' || (n >= 3 && !*f[2]) ||
	    (n == 4 && strcmp(f[3], "ro") && strcmp(f[3], "rw")))
		panic("hako.mount: malformed entry '%s': expected DEVICE:PATH[:TYPE[:ro]]", spec);
	if (n == 4 && !strcmp(f[3], "ro"))
		flags |= VFS_RDONLY;
	rc = vfs_mount(f[0], f[1], n >= 3 ? f[2] : "ext4", flags);
	if (rc)
		panic("hako.mount: cannot mount %s on %s (%s): %s", f[0], f[1],
		      n >= 3 ? f[2] : "ext4", strerror(-rc));
	pr_info("vfs: %s mounted on %s%s\n", f[0], f[1], flags & VFS_RDONLY ? " (read-only)" : "");
}

static void mount_all(const char *list)
{
	static char buf[KERN_CMDLINE_MAX];
	char *p = buf;

	if (strlen(list) >= sizeof(buf))
		panic("hako.mount: list longer than %zu bytes", sizeof(buf) - 1);
	strcpy(buf, list);
	while (*p) {
		char *end = strchr(p, ',');

		if (end)
			*end = '\0';
		mount_one(p);
		if (!end)
			break;
		p = end + 1;
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
