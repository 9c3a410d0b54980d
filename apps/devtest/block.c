// SPDX-License-Identifier: MIT
/*
 * devtest block: requests through hal_block_* against a real backend.
 *
 *   devtest block [disk=N] [mib=M] [iops=S] [ro=0|1] [wait=S] [gone=0|1] [serve=0|1]
 *
 * disk=N picks diskN (default 0), waiting up to wait=S seconds for it to
 * appear (a disk attached after boot).  Read-write: bad requests refused;
 * the first M MiB (default 4, at most the disk) written with a pattern in
 * requests of many sizes, some buffers not page aligned, as many in flight
 * as the device takes; a flush; everything read back and compared; the
 * last block written and read; a block never written reads as zeros; with
 * iops=S, S seconds of 4 KiB reads at random blocks of the written part,
 * as many in flight as the device takes (checked like the others).  Each
 * 512-byte sector s starts "hako sector S\n" (S: 10 digits) so that the
 * host can check the backing file.  ro=1: the disk must be read-only, its
 * first sector must start "hako read-only disk\n", and writes are refused.
 * Then "devtest: block done"; with gone=1, it waits (30 s at most) for
 * requests to fail with HAL_EIO (the disk was detached), and with serve=1
 * for a shutdown request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hal.h>
#include <hako/io.h>
#include <hako/kernel.h>
#include <hako/thread.h>

#include "devtest.h"

#define SECTOR 512
#define NR_IO 48 /* more than a ring's worth: the device says when it is full */

struct io {
	struct hal_block_req req;
	uint8_t *mem; /* page-aligned; req.buf may start 512 bytes in */
	bool busy;
};

struct disk {
	hal_handle_t h;
	struct hal_block_info info;
	struct io io[NR_IO];
	unsigned int in_flight, max_in_flight, agains;
	unsigned long errors, mismatches;
};

static uint64_t now(void)
{
	return hal_clock_monotonic();
}

static void fill(uint8_t *p, uint64_t sector, size_t len)
{
	for (size_t off = 0; off < len; off += SECTOR, sector++) {
		int n = snprintf((char *)p + off, SECTOR, "hako sector %010llu\n",
				 (unsigned long long)sector);

		for (size_t i = (size_t)n; i < SECTOR; i++)
			p[off + i] = (uint8_t)(sector * 7 + i);
	}
}

/* Wait for one completion (bounded); check it; free its io. */
static struct io *complete_one(struct disk *d, uint64_t deadline)
{
	for (;;) {
		struct hal_block_req *r = hal_block_complete(d->h);

		if (r) {
			struct io *io = (struct io *)r; /* (req is the first member) */

			io->busy = false;
			d->in_flight--;
			if (r->status != HAL_OK)
				d->errors++;
			return io;
		}
		if (now() >= deadline)
			return NULL;
		io_wait(d->h, deadline);
	}
}

/* A free io, completing (and verifying reads with check) as needed. */
typedef void (*check_fn)(struct disk *d, struct io *io);

static struct io *free_io(struct disk *d, check_fn check)
{
	for (;;) {
		struct io *io;

		for (int i = 0; i < NR_IO; i++)
			if (!d->io[i].busy)
				return &d->io[i];
		io = complete_one(d, now() + 10000 * MS);
		if (!io)
			return NULL;
		if (check)
			check(d, io);
	}
}

/* Submit (waiting for room when the device says it is full). */
static bool submit(struct disk *d, struct io *io, check_fn check)
{
	for (;;) {
		struct io *done;
		int rc = hal_block_submit(d->h, &io->req);

		if (rc == HAL_OK) {
			io->busy = true;
			if (++d->in_flight > d->max_in_flight)
				d->max_in_flight = d->in_flight;
			return true;
		}
		if (rc != HAL_AGAIN || d->in_flight == 0) {
			printf("devtest: hal_block_submit: %d with %u in flight\n", rc,
			       d->in_flight);
			return false;
		}
		d->agains++;
		done = complete_one(d, now() + 10000 * MS);
		if (!done) {
			printf("devtest: no completion in 10 s with %u in flight\n", d->in_flight);
			return false;
		}
		if (check)
			check(d, done);
	}
}

static void drain(struct disk *d, check_fn check)
{
	while (d->in_flight) {
		struct io *io = complete_one(d, now() + 10000 * MS);

		if (!io)
			break;
		if (check)
			check(d, io);
	}
}

static void check_read(struct disk *d, struct io *io)
{
	static uint8_t want[64 * 1024];

	if (io->req.op != HAL_BLOCK_READ || io->req.status != HAL_OK)
		return;
	fill(want, io->req.offset / SECTOR, io->req.len);
	if (memcmp(want, io->req.buf, io->req.len))
		d->mismatches++;
}

/* Write (or read back) [0, bytes) in requests of varying sizes. */
static bool pass(struct disk *d, enum hal_block_op op, uint64_t bytes)
{
	size_t bs = d->info.block_size, maxlen = d->info.max_transfer;
	uint64_t off = 0;
	unsigned int i = 0;

	if (maxlen > 64 * 1024)
		maxlen = 64 * 1024;
	while (off < bytes) {
		struct io *io = free_io(d, op == HAL_BLOCK_READ ? check_read : NULL);
		size_t len = bs * (1 + (i * 13) % (maxlen / bs));

		if (!io)
			return false;
		if (len > bytes - off)
			len = (size_t)(bytes - off);
		/* Every third buffer starts 512 bytes into its page. */
		io->req.buf = io->mem + (i % 3 == 1 && len + SECTOR <= maxlen ? SECTOR : 0);
		if ((uintptr_t)io->req.buf % bs)
			io->req.buf = io->mem;
		io->req.op = op;
		io->req.offset = off;
		io->req.len = len;
		if (op == HAL_BLOCK_WRITE)
			fill(io->req.buf, off / SECTOR, len);
		else
			memset(io->req.buf, 0xee, len);
		if (!submit(d, io, op == HAL_BLOCK_READ ? check_read : NULL))
			return false;
		off += len;
		i++;
	}
	drain(d, op == HAL_BLOCK_READ ? check_read : NULL);
	return true;
}

/* One request, waited for; returns its status (or HAL_EIO on timeout). */
static int one(struct disk *d, enum hal_block_op op, uint64_t offset, void *buf, size_t len)
{
	struct io *io = free_io(d, NULL);
	int rc;

	if (!io)
		return HAL_EIO;
	io->req.op = op;
	io->req.offset = offset;
	io->req.buf = buf;
	io->req.len = len;
	rc = hal_block_submit(d->h, &io->req);
	if (rc != HAL_OK)
		return rc;
	io->busy = true;
	d->in_flight++;
	io = complete_one(d, now() + 10000 * MS);
	return io ? io->req.status : HAL_EIO;
}

static int refused(struct disk *d, enum hal_block_op op, uint64_t offset, void *buf, size_t len)
{
	struct hal_block_req r = { .op = op, .offset = offset, .buf = buf, .len = len };

	return hal_block_submit(d->h, &r);
}

/* 4 KiB reads at random offsets in [0, bytes) for seconds s. */
static void test_iops(struct disk *d, uint64_t bytes, unsigned long s)
{
	uint64_t t0 = now(), end = t0 + s * 1000 * MS, x = t0 | 1;
	unsigned long n = 0;

	d->mismatches = 0;
	while (now() < end) {
		struct io *io = free_io(d, check_read);

		if (!io)
			break;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift */
		io->req.op = HAL_BLOCK_READ;
		io->req.offset = (x % (bytes / 4096)) * 4096;
		io->req.len = 4096;
		io->req.buf = io->mem;
		if (!submit(d, io, check_read))
			break;
		n++;
	}
	drain(d, check_read);
	t0 = now() - t0;
	dt_check(!d->errors && !d->mismatches && n,
		 "random 4 KiB reads: %lu in %lu ms, %lu IOPS (%lu mismatching)", n,
		 (unsigned long)(t0 / MS), (unsigned long)(n * 1000 * MS / (t0 ? t0 : 1)),
		 d->mismatches);
}

static void test_rw(struct disk *d, uint64_t bytes, unsigned long iops)
{
	size_t bs = d->info.block_size;
	uint8_t *b = d->io[0].mem;
	uint64_t t0;
	bool ok;

	dt_check(refused(d, HAL_BLOCK_READ, 1, b, bs) == HAL_EINVAL &&
			 refused(d, HAL_BLOCK_READ, 0, b, bs + 1) == HAL_EINVAL &&
			 refused(d, HAL_BLOCK_READ, 0, b, 0) == HAL_EINVAL &&
			 refused(d, HAL_BLOCK_READ, 0, b, d->info.max_transfer + bs) == HAL_EINVAL &&
			 refused(d, HAL_BLOCK_READ, d->info.capacity, b, bs) == HAL_EINVAL &&
			 refused(d, HAL_BLOCK_READ, d->info.capacity - bs, b, 2 * bs) == HAL_EINVAL &&
			 refused(d, HAL_BLOCK_READ, 0, b + 1, bs) == HAL_EINVAL &&
			 refused(d, HAL_BLOCK_FLUSH, 0, b, bs) == HAL_EINVAL &&
			 refused(d, HAL_BLOCK_READ, 0, (void *)16, bs) == HAL_EINVAL &&
			 hal_block_submit(HAL_MAX_HANDLES, &(struct hal_block_req){ 0 }) ==
				 HAL_EINVAL,
		 "bad offsets, lengths, buffers and handles are refused");

	t0 = now();
	ok = pass(d, HAL_BLOCK_WRITE, bytes) && !d->errors;
	if (!dt_check(ok, "wrote %llu KiB in %lu ms, up to %u requests in flight (%u waits for "
		      "room)",
		      (unsigned long long)(bytes >> 10), (unsigned long)((now() - t0) / MS),
		      d->max_in_flight, d->agains))
		return;
	dt_check(d->max_in_flight > 1, "several requests in flight (%u)", d->max_in_flight);
	t0 = now();
	ok = one(d, HAL_BLOCK_FLUSH, 0, NULL, 0) == HAL_OK;
	dt_check(ok, "flush (%lu ms)", (unsigned long)((now() - t0) / MS));
	t0 = now();
	ok = pass(d, HAL_BLOCK_READ, bytes) && !d->errors && !d->mismatches;
	dt_check(ok, "read back %llu KiB in %lu ms: %lu mismatching requests",
		 (unsigned long long)(bytes >> 10), (unsigned long)((now() - t0) / MS),
		 d->mismatches);

	fill(b, (d->info.capacity - bs) / SECTOR, bs);
	dt_check(one(d, HAL_BLOCK_WRITE, d->info.capacity - bs, b, bs) == HAL_OK &&
			 (memset(b, 0, bs), one(d, HAL_BLOCK_READ, d->info.capacity - bs, b, bs)) ==
				 HAL_OK &&
			 !strncmp((char *)b, "hako sector", 11),
		 "the last block written and read back");
	if (bytes + 2 * bs <= d->info.capacity) {
		static const uint8_t zero[SECTOR];

		memset(b, 0xee, bs);
		dt_check(one(d, HAL_BLOCK_READ, bytes, b, bs) == HAL_OK && !memcmp(b, zero, SECTOR),
			 "a block never written reads as zeros");
	}
	dt_check(one(d, HAL_BLOCK_FLUSH, 0, NULL, 0) == HAL_OK, "flush again");
	if (iops && bytes >= 4096)
		test_iops(d, bytes, iops);
}

static void test_ro(struct disk *d)
{
	uint8_t *b = d->io[0].mem;
	static const char magic[] = "hako read-only disk\n";

	dt_check(d->info.read_only, "the disk is read-only");
	dt_check(refused(d, HAL_BLOCK_WRITE, 0, b, d->info.block_size) == HAL_EINVAL,
		 "a write to it is refused");
	memset(b, 0, d->info.block_size);
	dt_check(one(d, HAL_BLOCK_READ, 0, b, d->info.block_size) == HAL_OK &&
			 !memcmp(b, magic, sizeof(magic) - 1),
		 "its first block reads as the host wrote it");
}

int devtest_block(int argc, char **argv)
{
	static struct disk d;
	unsigned long n = dt_arg_num(argc, argv, "disk", 0);
	uint64_t deadline = now() + dt_arg_num(argc, argv, "wait", 0) * 1000 * MS, bytes, t0;
	char name[16];
	hal_handle_t h2;
	struct hal_block_info i2;
	int rc;

	snprintf(name, sizeof(name), "disk%lu", n);
	t0 = now();
	rc = hal_block_acquire(name, &d.h, &d.info);
	if (rc == HAL_ENODEV && now() < deadline) {
		printf("devtest: waiting for %s\n", name);
		while ((rc = hal_block_acquire(name, &d.h, &d.info)) == HAL_ENODEV &&
		       now() < deadline)
			thread_sleep(100 * MS);
	}
	if (!dt_check(rc == HAL_OK, "acquire %s (%d) in %lu ms", name, rc,
		      (unsigned long)((now() - t0) / MS)))
		return 1;
	printf("devtest: %s: %llu bytes, %zu-byte blocks, at most %zu per request%s%s\n", name,
	       (unsigned long long)d.info.capacity, d.info.block_size, d.info.max_transfer,
	       d.info.read_only ? ", read-only" : "", d.info.can_flush ? ", can flush" : "");
	dt_check(d.info.block_size >= 512 && !(d.info.block_size & (d.info.block_size - 1)) &&
			 d.info.capacity >= 2 * d.info.block_size &&
			 d.info.capacity % d.info.block_size == 0 && d.info.max_transfer >= 4096 &&
			 d.info.max_transfer % d.info.block_size == 0,
		 "%s: sane geometry", name);
	dt_check(hal_block_acquire(name, &h2, &i2) == HAL_ENODEV, "%s cannot be acquired twice",
		 name);
	dt_check(hal_block_acquire("disk99", &h2, &i2) == HAL_ENODEV, "no disk99");
	for (int i = 0; i < NR_IO; i++) {
		d.io[i].mem = aligned_alloc(4096, 64 * 1024 + 4096);
		if (!d.io[i].mem) {
			dt_check(false, "buffers");
			return 1;
		}
	}

	if (dt_arg_num(argc, argv, "ro", 0)) {
		test_ro(&d);
	} else {
		bytes = dt_arg_num(argc, argv, "mib", 4) << 20;
		if (bytes > d.info.capacity - 2 * d.info.block_size)
			bytes = (d.info.capacity - 2 * d.info.block_size) & ~(uint64_t)(SECTOR - 1);
		test_rw(&d, bytes, dt_arg_num(argc, argv, "iops", 0));
	}
	printf("devtest: block done\n");
	if (dt_arg_num(argc, argv, "gone", 0)) {
		uint8_t *b = d.io[0].mem;

		rc = HAL_OK;
		deadline = now() + 30000 * MS;
		while (rc == HAL_OK && now() < deadline) {
			rc = one(&d, HAL_BLOCK_READ, 0, b, d.info.block_size);
			if (rc == HAL_OK)
				thread_sleep(100 * MS);
		}
		dt_check(rc == HAL_EIO && refused(&d, HAL_BLOCK_READ, 0, b, d.info.block_size) ==
						  HAL_EIO,
			 "the disk went away: requests fail with HAL_EIO");
	}
	if (dt_arg_num(argc, argv, "serve", 0))
		kern_wait_shutdown(UINT64_MAX);
	return 0;
}
