// SPDX-License-Identifier: MIT
/*
 * disktest: file system checks for test/storage.sh, run on a disk the
 * host made and checks afterwards with its own tools.
 *
 *   disktest CMD ARGS... [+ CMD ARGS...]...
 *
 *   check MANIFEST    every file the manifest lists ("SIZE CRC32 PATH",
 *                     or "D PATH" for a directory; paths relative to the
 *                     manifest's folder) has that size and CRC-32
 *   write DIR         makes DIR with files of known contents (pattern(),
 *                     which the host recomputes): 0, 1, 511, 4096, 65537
 *                     bytes and 3 MiB (more than the block cache), one
 *                     through a FILE stream, a renamed and a removed one
 *   bigdir DIR N      makes DIR with N files, reads it back, checks names
 *   fill FILE         writes FILE until ENOSPC, fsyncs, prints the size
 *   mount DEV DIR     mounts the ext2/3/4 file system on DEV at DIR (as
 *                     hako.mount= does at boot, but a refusal is this
 *                     command's failure, not a panic: one image tries
 *                     several disks)
 *   rm PATH           removes a file
 *   sync              sync()
 *   blk DEV THREADS MIB  the raw block device DEV (no file system): THREADS
 *                     threads write and read back random ranges of the
 *                     first MIB MiB at once (odd sizes, several times the
 *                     largest transfer, unaligned buffers), then write it
 *                     with blk_pattern() (which the host checks) and flush
 *
 * One line per command, "disktest: CMD ok ..." or "disktest: CMD FAIL
 * ...", and the status is 1 if any failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hako/blk.h>
#include <hako/vfs.h>
#include <hako/thread.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* The bytes the host expects in a file disktest writes (seed: its size). */
static unsigned char pattern(uint64_t i, uint64_t seed)
{
	return (unsigned char)(i * 31 + (i >> 12) * 17 + (i >> 20) * 13 + seed * 7);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* -------------------------------------------------------------- check --- */

static int check_file(const char *path, long size, uint32_t want)
{
	static unsigned char buf[65536];
	uint32_t crc = 0;
	long total = 0;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf("disktest:   %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) || st.st_size != size) {
		printf("disktest:   %s: size %ld, manifest says %ld\n", path, (long)st.st_size,
		       size);
		close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		crc = crc32(crc, buf, (size_t)n);
		total += n;
	}
	close(fd);
	if (n < 0 || total != size || crc != want) {
		printf("disktest:   %s: read %ld bytes, crc %08x, manifest says %ld, %08x%s\n",
		       path, total, crc, size, want, n < 0 ? " (read error)" : "");
		return 1;
	}
	return 0;
}

static int cmd_check(const char *manifest)
{
	char line[1200], path[1100], dir[1024];
	const char *slash = strrchr(manifest, '/');
	int bad = 0, files = 0, dirs = 0;
	long bytes = 0;
	FILE *f = fopen(manifest, "r");

	if (!f) {
		printf("disktest: check FAIL: %s: %s\n", manifest, strerror(errno));
		return 1;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - manifest) : 1,
		 slash ? manifest : ".");
	while (fgets(line, sizeof(line), f)) {
		char *nl = strchr(line, '\n'), *name;
		struct stat st;

		if (nl)
			*nl = '\0';
		if (line[0] == 'D' && line[1] == ' ') {
			snprintf(path, sizeof(path), "%s/%s", dir, line + 2);
			if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
				printf("disktest:   %s: not a directory\n", path);
				bad++;
			}
			dirs++;
			continue;
		}
		{
			char *end;
			long size = strtol(line, &end, 10);
			uint32_t crc;

			if (end == line || *end != ' ') {
				printf("disktest:   malformed manifest line '%s'\n", line);
				bad++;
				continue;
			}
			crc = (uint32_t)strtoul(end + 1, &name, 16);
			if (*name != ' ') {
				printf("disktest:   malformed manifest line '%s'\n", line);
				bad++;
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s", dir, name + 1);
			bad += check_file(path, size, crc);
			files++;
			bytes += size;
		}
	}
	fclose(f);
	printf("disktest: check %s: %d files (%ld bytes), %d directories, %d bad\n",
	       bad ? "FAIL" : "ok", files, bytes, dirs, bad);
	return bad != 0;
}

/* -------------------------------------------------------------- write --- */

static int write_pattern(const char *path, size_t size)
{
	static unsigned char buf[65536];
	size_t done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	while (done < size) {
		size_t l = size - done < sizeof(buf) ? size - done : sizeof(buf);

		for (size_t i = 0; i < l; i++)
			buf[i] = pattern(done + i, size);
		if (write(fd, buf, l) != (ssize_t)l) {
			close(fd);
			return -1;
		}
		done += l;
	}
	if (fsync(fd)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int cmd_write(const char *dir)
{
	static const size_t sizes[] = { 0, 1, 511, 4096, 65537, 3 << 20 };
	char path[1024];
	FILE *f;

	if (mkdir(dir, 0755) && errno != EEXIST)
		goto fail;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "%s/w-%zu", dir, sizes[i]);
		if (write_pattern(path, sizes[i]))
			goto fail;
	}
	/* Through a FILE stream, in a subdirectory. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	if (mkdir(path, 0700))
		goto fail;
	snprintf(path, sizeof(path), "%s/sub/stream.txt", dir);
	f = fopen(path, "w");
	if (!f)
		goto fail;
	for (int i = 0; i < 1000; i++)
		fprintf(f, "line %d\n", i);
	if (fclose(f))
		goto fail;
	/* A file renamed over another, and one removed. */
	snprintf(path, sizeof(path), "%s/gone", dir);
	if (write_pattern(path, 100000) || unlink(path))
		goto fail;
	{
		char from[1024];

		snprintf(from, sizeof(from), "%s/tmp", dir);
		snprintf(path, sizeof(path), "%s/renamed", dir);
		if (write_pattern(path, 7) || write_pattern(from, 12345) || rename(from, path))
			goto fail;
	}
	sync();
	printf("disktest: write ok: %s\n", dir);
	return 0;
fail:
	printf("disktest: write FAIL at %s: %s\n", path, strerror(errno));
	return 1;
}

/* ------------------------------------------------------------- bigdir --- */

/* "entry-NNNNN" -> NNNNN */
static bool entry_number(const char *name, int *k)
{
	char *end;

	if (strncmp(name, "entry-", 6) || strlen(name) != 11)
		return false;
	*k = (int)strtol(name + 6, &end, 10);
	return *end == '\0';
}

static int cmd_bigdir(const char *dir, int n)
{
	char path[1024], to[1024];
	double t0 = now_s(), t1, t2;
	unsigned char *seen;
	struct dirent *e;
	int count = 0, bad = 0, left;
	DIR *d;

	seen = calloc((size_t)n, 1);
	if (!seen || mkdir(dir, 0755))
		goto fail;
	for (int i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/entry-%05d", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			goto fail;
		if (i % 100 == 0 && write(fd, path, strlen(path)) != (ssize_t)strlen(path))
			goto fail;
		close(fd);
	}
	t1 = now_s();
	d = opendir(dir);
	if (!d)
		goto fail;
	while ((e = readdir(d))) {
		int k;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		count++;
		if (entry_number(e->d_name, &k) && k >= 0 && k < n && !seen[k] &&
		    e->d_type == DT_REG)
			seen[k] = 1;
		else
			bad++;
	}
	closedir(d);
	for (int i = 0; i < n; i++)
		bad += !seen[i];
	snprintf(path, sizeof(path), "%s/entry-%05d", dir, n / 2);
	if (access(path, F_OK))
		bad++;
	t2 = now_s();
	/* Churn: remove a third, rename a third, a subdirectory among them. */
	for (int i = 0; i < n && !bad; i++) {
		snprintf(path, sizeof(path), "%s/entry-%05d", dir, i);
		snprintf(to, sizeof(to), "%s/moved-%05d", dir, i);
		if (i % 3 == 0 && unlink(path))
			goto fail;
		if (i % 3 == 1 && rename(path, to))
			goto fail;
	}
	snprintf(path, sizeof(path), "%s/sub", dir);
	if (mkdir(path, 0755) || rmdir(path) || mkdir(path, 0755))
		goto fail;
	left = 0;
	d = opendir(dir);
	if (!d)
		goto fail;
	while ((e = readdir(d)))
		left += e->d_name[0] != '.';
	closedir(d);
	if (left != n - (n + 2) / 3 + 1)
		bad++;
	free(seen);
	printf("disktest: bigdir %s: %d entries made in %.2f s, %d read back, churned in %.2f s "
	       "(%d left), %d bad\n",
	       bad || count != n ? "FAIL" : "ok", n, t1 - t0, count, now_s() - t2, left, bad);
	return bad || count != n;
fail:
	printf("disktest: bigdir FAIL at %s: %s\n", path, strerror(errno));
	free(seen);
	return 1;
}

/* --------------------------------------------------------------- fill --- */

static int cmd_fill(const char *path)
{
	static unsigned char buf[65536];
	long total = 0;
	ssize_t n = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), err;

	if (fd < 0) {
		printf("disktest: fill FAIL: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = pattern((uint64_t)total + i, 1);
		n = write(fd, buf, sizeof(buf));
		if (n != (ssize_t)sizeof(buf))
			break;
		total += n;
	}
	err = errno;
	if (n > 0)
		total += n; /* a short write that got part of it in */
	if (fsync(fd) || close(fd)) {
		printf("disktest: fill FAIL: fsync/close after the disk filled: %s\n",
		       strerror(errno));
		return 1;
	}
	if (n >= 0 || err != ENOSPC) {
		printf("disktest: fill FAIL: write returned %ld (%s), expected ENOSPC\n", (long)n,
		       n < 0 ? strerror(err) : "no error");
		return 1;
	}
	printf("disktest: fill ok: ENOSPC after %ld bytes\n", total);
	return 0;
}

/* ---------------------------------------------------------------- blk --- */

/* What the host expects at byte o of the device after "blk" (salt 0). */
static unsigned char blk_pattern(uint64_t o, unsigned salt)
{
	return (unsigned char)(o * 131 + (o >> 9) * 7 + 0x5a + salt * 29);
}

struct blk_job {
	struct blk_dev *dev;
	uint64_t base, len; /* this thread's part */
	unsigned seed;
	int errors;
	char what[120];
};

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void *blk_worker(void *arg)
{
	struct blk_job *j = arg;
	const struct blk_info *in = blk_info(j->dev);
	size_t bs = in->block_size, maxlen = in->max_transfer * 3 + bs;
	char *mem = malloc(maxlen + 64), *buf;

	if (!mem) {
		j->errors++;
		return NULL;
	}
	for (unsigned pass = 1; pass <= 40 && !j->errors; pass++) {
		uint64_t blocks = j->len / bs, first = rnd(&j->seed) % blocks;
		uint64_t n = 1 + rnd(&j->seed) % (maxlen / bs), off;
		int rc;

		if (first + n > blocks)
			n = blocks - first;
		off = j->base + first * bs;
		buf = mem + (pass % 3 == 0 ? 8 : 0); /* misaligned: bounce buffers */
		for (uint64_t i = 0; i < n * bs; i++)
			buf[i] = (char)blk_pattern(off + i, pass);
		rc = blk_write(j->dev, off, buf, n * bs);
		if (!rc) {
			memset(buf, 0, n * bs);
			rc = blk_read(j->dev, off, buf, n * bs);
		}
		for (uint64_t i = 0; !rc && i < n * bs; i++)
			if ((unsigned char)buf[i] != blk_pattern(off + i, pass)) {
				snprintf(j->what, sizeof(j->what), "byte %llu read back wrong",
					 (unsigned long long)(off + i));
				j->errors++;
				break;
			}
		if (rc) {
			snprintf(j->what, sizeof(j->what), "%llu bytes at %llu: %s",
				 (unsigned long long)(n * bs), (unsigned long long)off,
				 strerror(-rc));
			j->errors++;
		}
		if (pass % 10 == 0)
			thread_yield();
	}
	/* The final contents, in the largest requests there are. */
	for (uint64_t off = j->base; off < j->base + j->len && !j->errors;) {
		uint64_t l = j->base + j->len - off < maxlen ? j->base + j->len - off : maxlen;

		for (uint64_t i = 0; i < l; i++)
			mem[i] = (char)blk_pattern(off + i, 0);
		if (blk_write(j->dev, off, mem, l)) {
			snprintf(j->what, sizeof(j->what), "final write at %llu failed",
				 (unsigned long long)off);
			j->errors++;
		}
		off += l;
	}
	free(mem);
	return NULL;
}

static int cmd_blk(const char *name, int threads, long mib)
{
	struct blk_job jobs[16];
	struct thread *t[16];
	struct blk_stats st;
	struct blk_dev *dev;
	uint64_t len = (uint64_t)mib << 20, part;
	int rc = blk_open(name, &dev), errors = 0;

	if (rc) {
		printf("disktest: blk FAIL: %s: %s\n", name, strerror(-rc));
		return 1;
	}
	if (threads < 1 || threads > 16 || !mib || len > blk_info(dev)->capacity) {
		printf("disktest: blk FAIL: 1-16 threads, and at most the %llu-byte device\n",
		       (unsigned long long)blk_info(dev)->capacity);
		return 1;
	}
	part = len / (uint64_t)threads / blk_info(dev)->block_size * blk_info(dev)->block_size;
	for (int i = 0; i < threads; i++) {
		jobs[i] = (struct blk_job){ dev, (uint64_t)i * part,
					    i == threads - 1 ? len - (uint64_t)i * part : part,
					    (unsigned)i * 7919u + 1, 0, "" };
		t[i] = thread_create("blk", blk_worker, &jobs[i], 0);
		if (!t[i]) {
			printf("disktest: blk FAIL: no thread\n");
			return 1;
		}
	}
	for (int i = 0; i < threads; i++) {
		thread_join(t[i], NULL);
		if (jobs[i].errors)
			printf("disktest:   thread %d: %s\n", i, jobs[i].what);
		errors += jobs[i].errors;
	}
	rc = blk_flush(dev);
	blk_get_stats(dev, &st);
	printf("disktest: blk %s: %d threads over %ld MiB of %s: %llu reads, %llu writes, "
	       "%llu flushes, %llu bounced, flush %s\n",
	       errors || rc ? "FAIL" : "ok", threads, mib, name, (unsigned long long)st.reads,
	       (unsigned long long)st.writes, (unsigned long long)st.flushes,
	       (unsigned long long)st.bounced, rc ? strerror(-rc) : "ok");
	return errors || rc;
}

/* --------------------------------------------------------------- main --- */

static int run(int argc, char **argv)
{
	const char *cmd = argv[0];

	if (!strcmp(cmd, "check") && argc == 2)
		return cmd_check(argv[1]);
	if (!strcmp(cmd, "write") && argc == 2)
		return cmd_write(argv[1]);
	if (!strcmp(cmd, "bigdir") && argc == 3)
		return cmd_bigdir(argv[1], atoi(argv[2]));
	if (!strcmp(cmd, "fill") && argc == 2)
		return cmd_fill(argv[1]);
	if (!strcmp(cmd, "blk") && argc == 4)
		return cmd_blk(argv[1], atoi(argv[2]), atol(argv[3]));
	if (!strcmp(cmd, "mount") && argc == 3) {
		int rc;

		/* (first: what the driver prints while it looks belongs to it) */
		printf("disktest: mounting %s on %s\n", argv[1], argv[2]);
		rc = vfs_mount(argv[1], argv[2], "ext4", 0);
		if (rc)
			printf("disktest: cannot mount %s on %s: %s\n", argv[1], argv[2],
			       strerror(-rc));
		else
			printf("disktest: mounted %s on %s\n", argv[1], argv[2]);
		return rc != 0;
	}
	if (!strcmp(cmd, "rm") && argc == 2) {
		int rc = unlink(argv[1]);

		printf("disktest: rm %s: %s\n", rc ? "FAIL" : "ok", rc ? strerror(errno) : argv[1]);
		return rc != 0;
	}
	if (!strcmp(cmd, "sync") && argc == 1) {
		sync();
		printf("disktest: sync ok\n");
		return 0;
	}
	printf("disktest: unknown command or wrong arguments: %s\n", cmd);
	return 1;
}

int main(int argc, char **argv)
{
	int failed = 0, start = 1;

	crc_init();
	for (int i = 1; i <= argc; i++) {
		if (i == argc || !strcmp(argv[i], "+")) {
			if (i > start)
				failed += run(i - start, argv + start);
			start = i + 1;
		}
	}
	printf("disktest: %s\n", failed ? "some commands FAILED" : "all commands ok");
	return failed ? 1 : 0;
}
