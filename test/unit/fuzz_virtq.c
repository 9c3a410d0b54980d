// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the virtqueue's used-ring processing
 * (hal/virtio/queue.c) against a device the input controls.  The input is
 * a script: the driver adds chains, takes used entries, asks about kicks
 * and interrupts; the device returns real chains honestly or writes any
 * id, length or used index it likes, and scribbles on the descriptor
 * table and its hints.  After every step the queue's bookkeeping must
 * agree with a model: every buffer handed back was in flight and no
 * longer than it could receive, none comes back twice, the free list and
 * the chains in flight add up to the ring, a used index claiming more
 * entries than chains in flight breaks the queue, and a broken queue
 * stays broken.  ASan and UBSan catch any access outside the rings.
 *
 *   run by test/unit/run.sh (HAKO_FUZZ_RUNS runs); by hand:
 *   out/unit/fuzz_virtq -runs=1000000
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <virtio/queue.h>

#define CHECK(c)                                                                   \
	do {                                                                       \
		if (!(c)) {                                                        \
			fprintf(stderr, "fuzz_virtq: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                   \
		}                                                                  \
	} while (0)

struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static unsigned word(struct input *in)
{
	return byte(in) | byte(in) << 8;
}

/* The model: what the driver handed out, by cookie. */
#define COOKIES 1024
static struct {
	int busy;
	uint32_t wlen;
} model[COOKIES];

static void check_bookkeeping(const struct virtq *q, unsigned busy)
{
	unsigned in_chains = 0, heads = 0, n = 0;
	static uint8_t seen[VQ_MAX_SIZE];

	for (unsigned i = 0; i < q->size; i++)
		if (q->meta[i].ndesc) {
			in_chains += q->meta[i].ndesc;
			heads++;
		}
	CHECK(heads == q->in_flight);
	CHECK(heads == busy);
	CHECK(in_chains + q->nr_free == q->size);
	/* The free list: nr_free distinct entries in range. */
	memset(seen, 0, sizeof(seen));
	for (uint16_t i = q->free_head; n < q->nr_free; n++) {
		CHECK(i < q->size && !seen[i]);
		seen[i] = 1;
		i = q->meta[i].next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[65536] __attribute__((aligned(4096)));
	struct input in = { data, size };
	struct virtq *q = malloc(sizeof(*q));
	uint16_t qsize = (uint16_t)(1u << (byte(&in) % 9)); /* 1..256 */
	uint16_t dev_avail = 0, dev_used = 0;
	unsigned busy = 0, next = 0, steps = 0;
	int broken = 0;

	memset(model, 0, sizeof(model));
	memset(mem, 0, vq_ring_bytes(qsize));
	CHECK(vq_ring_bytes(qsize) <= sizeof(mem));
	vq_init(q, 0, qsize, mem, 0x100000, byte(&in) & 1);

	while (in.n && steps++ < 4096) {
		unsigned op = byte(&in) % 9;

		switch (op) {
		case 0: { /* driver: add a chain */
			struct vq_seg s[6];
			unsigned n = 1 + byte(&in) % 6, mask = byte(&in), c = next % COOKIES, fr;
			uint32_t wlen = 0;
			int rc;

			for (unsigned k = 0; k < n; k++) {
				s[k] = (struct vq_seg){ 0x200000 + k, word(&in), (mask >> k) & 1 };
				if (s[k].device_writes)
					wlen += s[k].len;
			}
			if (model[c].busy)
				break;
			fr = q->nr_free;
			rc = vq_add(q, s, n, (void *)(uintptr_t)c);
			if (broken)
				CHECK(rc == VQ_BROKEN);
			else if (n > fr)
				CHECK(rc == VQ_FULL && q->nr_free == fr);
			else {
				CHECK(rc == 0 && q->nr_free == fr - n);
				model[c].busy = 1;
				model[c].wlen = wlen;
				busy++;
				next++;
			}
			break;
		}
		case 1: { /* device: return a chain it was given, honestly or not */
			uint16_t head;

			if (dev_avail == q->avail->idx)
				break;
			head = q->avail->ring[dev_avail++ & (qsize - 1)];
			q->used->ring[dev_used & (qsize - 1)].id = head;
			q->used->ring[dev_used & (qsize - 1)].len = word(&in);
			q->used->idx = ++dev_used;
			break;
		}
		case 2: /* device: any id and length */
			q->used->ring[dev_used & (qsize - 1)].id = word(&in) | byte(&in) << 16;
			q->used->ring[dev_used & (qsize - 1)].len = word(&in) | byte(&in) << 16;
			q->used->idx = ++dev_used;
			break;
		case 3: /* device: any used index */
			dev_used = (uint16_t)word(&in);
			q->used->idx = dev_used;
			break;
		case 4: { /* driver: take used entries */
			unsigned k = 1 + byte(&in) % 8;

			while (k--) {
				void *cookie = NULL;
				uint32_t len = 0;
				/* The spec's rule: no more used entries than
				 * chains the device holds. */
				int lying = (uint16_t)(q->used->idx - q->last_used) > q->in_flight;
				int rc = vq_get_used(q, &cookie, &len);
				unsigned c = (unsigned)(uintptr_t)cookie;

				if (lying && !broken) {
					CHECK(rc == VQ_BROKEN);
					broken = 1;
					break;
				}

				if (broken) {
					CHECK(rc == VQ_BROKEN);
					break;
				}
				if (rc == VQ_EMPTY)
					break;
				if (rc == VQ_BROKEN) {
					broken = 1;
					CHECK(q->broken);
					break;
				}
				CHECK(rc == VQ_GOT || rc == VQ_DROPPED);
				CHECK(c < COOKIES && model[c].busy);
				if (rc == VQ_GOT)
					CHECK(len <= model[c].wlen);
				model[c].busy = 0;
				busy--;
			}
			break;
		}
		case 5: { /* driver: kick? (the answer is the device's business) */
			int need = vq_kick_needed(q);

			CHECK(!broken || !need);
			break;
		}
		case 6: /* driver: interrupts */
			if (byte(&in) & 1)
				vq_intr_disable(q);
			else if (vq_intr_enable(q))
				CHECK(!broken);
			break;
		case 7: { /* device: scribble on the descriptor table */
			unsigned i = word(&in) % qsize;

			q->desc[i].next = (uint16_t)word(&in);
			q->desc[i].flags = (uint16_t)word(&in);
			q->desc[i].len = word(&in);
			break;
		}
		default: /* device: its hints */
			q->used->flags = (uint16_t)word(&in);
			*(volatile uint16_t *)&q->used->ring[qsize] = (uint16_t)word(&in);
			break;
		}
		check_bookkeeping(q, busy);
	}
	free(q);
	return 0;
}
