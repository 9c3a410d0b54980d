// SPDX-License-Identifier: MIT
/*
 * fsbench: one file's sequential write (fsync included) and read
 * throughput, and 4 KiB random-read IOPS, for make bench.
 *
 *   fsbench [--dir=DIR] [--size=MIB] [--reads=N]
 *
 * DIR (default /b) is where the file goes: a disk mounted there
 * (hako.mount=disk0:/b) or any ramfs folder.  Prints one line per
 * figure, "fsbench: NAME VALUE UNIT", and the status is 1 on any error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	printf("fsbench: FAIL %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *dir = "/b";
	long mib = 128, reads = 20000;
	char path[512], *buf;
	unsigned long x = 88172645463325252UL;
	double t, dt;
	long sum = 0;
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--dir=", 6))
			dir = argv[i] + 6;
		else if (!strncmp(argv[i], "--size=", 7))
			mib = atol(argv[i] + 7);
		else if (!strncmp(argv[i], "--reads=", 8))
			reads = atol(argv[i] + 8);
		else {
			printf("fsbench: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (mib < 1 || reads < 1) {
		printf("fsbench: --size and --reads must be positive\n");
		return 2;
	}
	buf = aligned_alloc(4096, CHUNK);
	if (!buf)
		return fail("allocating the buffer");
	for (size_t i = 0; i < CHUNK; i++)
		buf[i] = (char)(i * 7 + i / 4096);
	snprintf(path, sizeof(path), "%s/fsbench.dat", dir);

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail(path);
	t = now();
	for (long i = 0; i < mib; i++)
		if (write(fd, buf, CHUNK) != CHUNK)
			return fail("sequential write");
	if (fsync(fd))
		return fail("fsync");
	dt = now() - t;
	printf("fsbench: seq_write %.1f MB/s (%ld MiB, 1 MiB writes, fsync included)\n",
	       mib * 1.048576 / dt, mib);

	t = now();
	if (lseek(fd, 0, SEEK_SET))
		return fail("lseek");
	for (long i = 0; i < mib; i++) {
		if (read(fd, buf, CHUNK) != CHUNK)
			return fail("sequential read");
		sum += buf[12345];
	}
	dt = now() - t;
	printf("fsbench: seq_read %.1f MB/s (%ld MiB, 1 MiB reads)\n", mib * 1.048576 / dt, mib);

	t = now();
	for (long i = 0; i < reads; i++) {
		off_t off;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		off = (off_t)(x % ((unsigned long)mib * (CHUNK / 4096))) * 4096;
		if (pread(fd, buf, 4096, off) != 4096)
			return fail("random read");
		sum += buf[100];
	}
	dt = now() - t;
	printf("fsbench: rand_read_4k %.0f IOPS (%ld reads over %ld MiB)\n", reads / dt, reads,
	       mib);
	close(fd);
	if (unlink(path))
		return fail("unlink");
	printf("fsbench: done (%ld)\n", sum & 1);
	return 0;
}
