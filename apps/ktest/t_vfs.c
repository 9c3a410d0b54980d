// SPDX-License-Identifier: MIT
/*
 * Files inside the image: the VFS, the ramfs root, FILE streams, and the
 * initrd that make builds from apps/ktest/rootfs/ (every port's run.sh
 * passes it).  No disk needed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hako/vfs.h>

#include "ktest.h"

/* Write all of buf to a new file at path. */
static bool put_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, buf, len) == (ssize_t)len;
	return close(fd) == 0 && ok;
}

/* The whole file at path into buf (size bytes at most); its length or -1. */
static ssize_t get_file(const char *path, void *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((size_t)total < size &&
	       (n = read(fd, (char *)buf + total, size - (size_t)total)) > 0)
		total += n;
	close(fd);
	return total;
}

static void test_file_basics(void)
{
	char buf[64];
	struct stat st;
	int fd;

	REQUIRE(mkdir("/kt", 0755) == 0 || errno == EEXIST);
	fd = open("/kt/a", O_RDWR | O_CREAT | O_EXCL, 0640);
	REQUIRE(fd >= 3);
	CHECK(write(fd, "hello, world", 12) == 12);
	CHECK(lseek(fd, 0, SEEK_CUR) == 12);
	CHECK(lseek(fd, 7, SEEK_SET) == 7);
	CHECK(read(fd, buf, sizeof(buf)) == 5 && !memcmp(buf, "world", 5));
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(pwrite(fd, "W", 1, 7) == 1);
	CHECK(pread(fd, buf, 5, 7) == 5 && !memcmp(buf, "World", 5));
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 12 &&
	      (st.st_mode & 0777) == 0640);
	CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
	CHECK(ftruncate(fd, 9) == 0 && pread(fd, buf, 9, 0) == 9 &&
	      !memcmp(buf, "hello\0\0\0\0", 9));
	CHECK(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL);
	CHECK(close(fd) == 0);
	CHECK(close(fd) == -1 && errno == EBADF);

	CHECK(open("/kt/a", O_RDWR | O_CREAT | O_EXCL, 0644) == -1 && errno == EEXIST);
	CHECK(open("/kt/none", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(open("/kt/a/x", O_RDONLY) == -1 && errno == ENOTDIR);
	CHECK(open("/kt", O_WRONLY) == -1 && errno == EISDIR);
	CHECK(open("/kt/a", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR);

	/* O_APPEND writes at the end whatever the position; O_TRUNC empties. */
	fd = open("/kt/a", O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "!", 1) == 1);
	close(fd);
	CHECK(get_file("/kt/a", buf, sizeof(buf)) == 10 && buf[9] == '!');
	fd = open("/kt/a", O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
	close(fd);
	/* Reading a write-only descriptor and the reverse. */
	fd = open("/kt/a", O_WRONLY);
	CHECK(read(fd, buf, 1) == -1 && errno == EBADF);
	close(fd);
	fd = open("/kt/a", O_RDONLY);
	CHECK(write(fd, buf, 1) == -1 && errno == EBADF);
	close(fd);
	CHECK(unlink("/kt/a") == 0 && stat("/kt/a", &st) == -1 && errno == ENOENT);
}

static void test_large_and_sparse(void)
{
	size_t len = 300 * 1024 + 123;
	unsigned char *a = malloc(len), *b = malloc(len);
	struct stat st;
	int fd;

	REQUIRE(a && b);
	for (size_t i = 0; i < len; i++)
		a[i] = (unsigned char)(i * 131 + (i >> 9));
	REQUIRE(mkdir("/kt", 0755) == 0 || errno == EEXIST);
	CHECK(put_file("/kt/big", a, len));
	CHECK(get_file("/kt/big", b, len) == (ssize_t)len && !memcmp(a, b, len));
	/* Odd-sized reads across page boundaries. */
	fd = open("/kt/big", O_RDONLY);
	REQUIRE(fd >= 0);
	for (size_t off = 0; off < len; off += 4093) {
		size_t l = len - off < 4093 ? len - off : 4093;

		if (read(fd, b, 4093) != (ssize_t)l || memcmp(b, a + off, l)) {
			CHECK_MSG(0, "read at %zu", off);
			break;
		}
	}
	close(fd);
	/* A hole reads as zeros and costs no pages. */
	fd = open("/kt/sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
	REQUIRE(fd >= 0);
	CHECK(pwrite(fd, "end", 3, 10 * 1024 * 1024) == 3);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10 * 1024 * 1024 + 3 && st.st_blocks <= 16);
	memset(b, 1, 4096);
	CHECK(pread(fd, b, 4096, 5 * 1024 * 1024) == 4096 && b[0] == 0 && b[4095] == 0);
	close(fd);
	CHECK(unlink("/kt/sparse") == 0 && unlink("/kt/big") == 0);
	free(a);
	free(b);
}

static int count_entries(const char *path, const char *want, bool *found)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	*found = false;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		if (want && !strcmp(e->d_name, want))
			*found = e->d_type == DT_REG || e->d_type == DT_DIR;
	}
	closedir(d);
	return n;
}

static void test_directories(void)
{
	char name[64];
	struct stat st;
	bool found;
	int fd;

	REQUIRE(mkdir("/kd", 0755) == 0);
	CHECK(mkdir("/kd", 0755) == -1 && errno == EEXIST);
	CHECK(mkdir("/kd/x/y", 0755) == -1 && errno == ENOENT);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/kd/f%03d", i);
		CHECK(put_file(name, name, strlen(name)));
	}
	CHECK(mkdir("/kd/sub", 0700) == 0);
	CHECK(count_entries("/kd", "f123", &found) == 201 && found);
	CHECK(stat("/kd/sub", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(rmdir("/kd") == -1 && errno == ENOTEMPTY);
	CHECK(rmdir("/kd/f001") == -1 && errno == ENOTDIR);
	CHECK(unlink("/kd/sub") == -1 && errno == EISDIR);
	CHECK(opendir("/kd/f001") == NULL && errno == ENOTDIR);
	fd = open("/kd", O_RDONLY);
	CHECK(fd >= 0 && read(fd, name, 1) == -1 && errno == EISDIR);
	close(fd);

	/* rename: within a directory, across, replacing a file, a directory
	 * onto an empty one, never below itself. */
	CHECK(rename("/kd/f000", "/kd/sub/g") == 0);
	CHECK(stat("/kd/f000", &st) == -1 && errno == ENOENT);
	CHECK(get_file("/kd/sub/g", name, sizeof(name)) == 8 && !memcmp(name, "/kd/f000", 8));
	CHECK(rename("/kd/f001", "/kd/f002") == 0);
	CHECK(get_file("/kd/f002", name, sizeof(name)) == 8 && !memcmp(name, "/kd/f001", 8));
	CHECK(count_entries("/kd", NULL, &found) == 199);
	CHECK(mkdir("/kd/e", 0755) == 0 && rename("/kd/sub", "/kd/e") == 0);
	CHECK(stat("/kd/e/g", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(rename("/kd/e", "/kd/e/deeper") == -1 && errno == EINVAL);
	CHECK(rename("/kd/f002", "/kd/e") == -1 && errno == EISDIR);
	CHECK(rename("/kd/nothing", "/kd/x") == -1 && errno == ENOENT);

	/* An unlinked file stays readable through an open descriptor. */
	fd = open("/kd/f003", O_RDONLY);
	CHECK(fd >= 0 && unlink("/kd/f003") == 0);
	CHECK(read(fd, name, sizeof(name)) == 8 && !memcmp(name, "/kd/f003", 8));
	close(fd);

	for (int i = 2; i < 200; i++) {
		snprintf(name, sizeof(name), "/kd/f%03d", i);
		if (i != 3)
			CHECK(unlink(name) == 0);
	}
	CHECK(unlink("/kd/e/g") == 0 && rmdir("/kd/e") == 0 && rmdir("/kd") == 0);
	CHECK(stat("/kd", &st) == -1 && errno == ENOENT);
}

static void test_paths(void)
{
	char buf[PATH_MAX + 16], cwd[64];
	struct stat st;

	REQUIRE(mkdir("/kp", 0755) == 0 && mkdir("/kp/b", 0755) == 0);
	CHECK(put_file("/kp/b/c", "c", 1));
	CHECK(stat("//kp/./b/../b//c", &st) == 0 && st.st_size == 1);
	CHECK(stat("/../../kp/b/c", &st) == 0);
	CHECK(stat("", &st) == -1 && errno == ENOENT);
	CHECK(chdir("/kp/b") == 0 && getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/kp/b"));
	CHECK(stat("c", &st) == 0 && stat("../b/./c", &st) == 0);
	CHECK(put_file("d", "dd", 2) && stat("/kp/b/d", &st) == 0 && st.st_size == 2);
	CHECK(getcwd(cwd, 3) == NULL && errno == ERANGE);
	CHECK(chdir("c") == -1 && errno == ENOTDIR);
	CHECK(chdir("/") == 0);
	memset(buf, 'n', NAME_MAX + 2); /* "/" and NAME_MAX + 1 bytes */
	buf[0] = '/';
	buf[NAME_MAX + 2] = '\0';
	CHECK(open(buf, O_RDONLY | O_CREAT, 0644) == -1 && errno == ENAMETOOLONG);
	memset(buf, 'n', sizeof(buf) - 1);
	for (size_t i = 0; i < sizeof(buf) - 1; i += 100)
		buf[i] = '/';
	buf[sizeof(buf) - 1] = '\0';
	CHECK(stat(buf, &st) == -1 && errno == ENAMETOOLONG);
	CHECK(unlink("/kp/b/c") == 0 && unlink("/kp/b/d") == 0);
	CHECK(rmdir("/kp/b") == 0 && rmdir("/kp") == 0);
}

static void test_mounts(void)
{
	struct stat st;
	int fd;

	/* A second ramfs, read-only: writes refused, renames across fail. */
	REQUIRE(vfs_mount(NULL, "/km/ro", "ramfs", VFS_RDONLY) == 0);
	CHECK(stat("/km", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/km/ro", &st) == 0 && S_ISDIR(st.st_mode) && st.st_ino == 1);
	CHECK(open("/km/ro/f", O_WRONLY | O_CREAT, 0644) == -1 && errno == EROFS);
	CHECK(mkdir("/km/ro/d", 0755) == -1 && errno == EROFS);
	CHECK(rmdir("/km/ro") == -1 && errno == EBUSY);
	CHECK(vfs_mount(NULL, "/km/ro", "ramfs", 0) == -EBUSY);
	CHECK(vfs_mount(NULL, "/km/x", "nosuchfs", 0) == -ENODEV);
	CHECK(put_file("/km/file", "x", 1));
	CHECK(rename("/km/file", "/km/ro/file") == -1 && errno == EXDEV);
	fd = open("/km/ro", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	close(fd);
	CHECK(vfs_unmount("/km/ro") == 0);
	CHECK(vfs_unmount("/km/ro") == -EINVAL);
	CHECK(vfs_mount(NULL, "/km/file", "ramfs", 0) == -ENOTDIR);
	CHECK(unlink("/km/file") == 0 && rmdir("/km/ro") == 0 && rmdir("/km") == 0);
}

static void test_streams(void)
{
	char line[128], *big = NULL;
	size_t cap = 0;
	FILE *f;
	int n = 0;

	REQUIRE(mkdir("/ks", 0755) == 0);
	f = fopen("/ks/t.txt", "w");
	REQUIRE(f);
	for (int i = 0; i < 1000; i++)
		CHECK(fprintf(f, "line %d of %s\n", i, "the stream") > 0);
	CHECK(fputs("last", f) == 0 && fputc('\n', f) == '\n');
	CHECK(fclose(f) == 0);

	f = fopen("/ks/t.txt", "r");
	REQUIRE(f);
	while (fgets(line, sizeof(line), f)) {
		char want[64];

		snprintf(want, sizeof(want), n < 1000 ? "line %d of the stream\n" : "last\n", n);
		if (strcmp(line, want)) {
			CHECK_MSG(0, "line %d is \"%s\"", n, line);
			break;
		}
		n++;
	}
	CHECK(n == 1001 && feof(f) && !ferror(f));
	CHECK(fseek(f, 5, SEEK_SET) == 0 && ftell(f) == 5 && fgetc(f) == '0');
	CHECK(ungetc('Z', f) == 'Z' && fgetc(f) == 'Z' && fgetc(f) == ' ');
	rewind(f);
	CHECK(getline(&big, &cap, f) == 21 && !strcmp(big, "line 0 of the stream\n"));
	CHECK(fclose(f) == 0);
	free(big);

	/* "a" appends, "r+" reads and writes, fread/fwrite of records. */
	f = fopen("/ks/t.txt", "a");
	CHECK(f && fwrite("tail\n", 1, 5, f) == 5 && fclose(f) == 0);
	f = fopen("/ks/rec", "w+");
	REQUIRE(f);
	{
		int rec[100], back[100];

		for (int i = 0; i < 100; i++)
			rec[i] = i * i;
		CHECK(fwrite(rec, sizeof(int), 100, f) == 100);
		CHECK(fseek(f, 10 * sizeof(int), SEEK_SET) == 0);
		CHECK(fread(back, sizeof(int), 100, f) == 90 && back[0] == 100 &&
		      back[89] == 99 * 99);
		CHECK(feof(f));
		clearerr(f);
		CHECK(fseek(f, 0, SEEK_END) == 0 && ftell(f) == 400);
	}
	CHECK(fclose(f) == 0);
	CHECK(fopen("/ks/none", "r") == NULL && errno == ENOENT);
	CHECK(fopen("/ks/rec", "q") == NULL && errno == EINVAL);
	CHECK(fprintf(stdout, "%s", "") == 0 && fflush(NULL) == 0);
	CHECK(remove("/ks/t.txt") == 0 && remove("/ks/rec") == 0 && remove("/ks") == 0);
}

/* apps/ktest/rootfs/, packed by make, loaded by run.sh, unpacked at boot. */
static void test_initrd(void)
{
	char line[64], want[64];
	struct stat st;
	bool found;
	FILE *f;
	int n = 0;

	if (stat("/etc/ktest.txt", &st)) {
		CHECK_MSG(0, "no /etc/ktest.txt: the image got no initrd (run it through "
			     "hal/PLATFORM/run.sh, which passes IMAGE.initrd)");
		return;
	}
	CHECK(get_file("/etc/ktest.txt", line, sizeof(line)) == 24 &&
	      !memcmp(line, "ktest initrd: it works.\n", 24));
	CHECK(stat("/empty", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
	CHECK(stat("/dir/sub/one", &st) == 0 && st.st_size == 1);
	CHECK(get_file("/dir/sub/one", line, sizeof(line)) == 1 && line[0] == '1');
	CHECK(stat("/dir/sub", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(count_entries("/dir", "sub", &found) == 1 && found);
	f = fopen("/data/lines.txt", "r");
	REQUIRE(f);
	while (fgets(line, sizeof(line), f)) {
		snprintf(want, sizeof(want), "line %04d\n", n);
		if (strcmp(line, want)) {
			CHECK_MSG(0, "lines.txt line %d is \"%s\"", n, line);
			break;
		}
		n++;
	}
	fclose(f);
	CHECK_MSG(n == 2000, "lines.txt has %d lines, not 2000", n);
	/* The unpacked files are ordinary ramfs files. */
	CHECK(put_file("/etc/ktest.txt", "new", 3) &&
	      get_file("/etc/ktest.txt", line, sizeof(line)) == 3);
}

const struct ktest_case ktest_vfs[] = {
	{ "vfs_file_basics", test_file_basics },
	{ "vfs_large_and_sparse", test_large_and_sparse },
	{ "vfs_directories", test_directories },
	{ "vfs_paths", test_paths },
	{ "vfs_mounts", test_mounts },
	{ "vfs_streams", test_streams },
	{ "vfs_initrd", test_initrd },
	{ NULL, NULL },
};
