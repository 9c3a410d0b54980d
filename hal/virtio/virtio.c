// SPDX-License-Identifier: MIT
/*
 * What every virtio device shares: the table of devices found at boot (a
 * device's handle is its index), the start-up handshake (spec 3.1.1), the
 * configuration generation loop and queue memory.
 */
#include <string.h>

#include <hako/printk.h>

#include "port.h"
#include "virtio.h"

static struct virtio_dev devices[VIRTIO_MAX_DEVICES];
static unsigned nr_devices;

struct virtio_dev *virtio_register(uint16_t type, const struct virtio_transport *t,
				   void *transport, const char *where)
{
	struct virtio_dev *d;

	if (nr_devices == VIRTIO_MAX_DEVICES) {
		pr_warn("virtio: more than %d devices; %s ignored\n", VIRTIO_MAX_DEVICES, where);
		return NULL;
	}
	d = &devices[nr_devices];
	d->t = t;
	d->transport = transport;
	d->type = type;
	d->handle = (uint8_t)nr_devices++;
	d->where = where;
	return d;
}

/* "net12" with prefix "net": 12.  -1 for anything else. */
static long name_number(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	long v = 0;

	if (!name || strncmp(name, prefix, n) || !name[n])
		return -1;
	for (name += n; *name; name++) {
		if (*name < '0' || *name > '9' || v > 1000)
			return -1;
		v = v * 10 + (*name - '0');
	}
	return v;
}

struct virtio_dev *virtio_find(uint16_t type, const char *name, const char *prefix)
{
	long want = name_number(name, prefix);

	for (unsigned i = 0; i < nr_devices && want >= 0; i++) {
		if (devices[i].type != type)
			continue;
		if (want-- == 0)
			return devices[i].acquired ? NULL : &devices[i];
	}
	return NULL;
}

void virtio_acquired(struct virtio_dev *d, const char *name)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(d->name); i++)
		d->name[i] = name[i];
	d->name[i] = '\0';
	d->acquired = true;
}

struct virtio_dev *virtio_get(hal_handle_t h, uint16_t type)
{
	if (h >= nr_devices || !devices[h].acquired || devices[h].type != type)
		return NULL;
	return &devices[h];
}

void virtio_fail(struct virtio_dev *d, const char *why)
{
	if (!d->failed)
		pr_err("virtio: %s: %s\n", d->where, why);
	d->failed = true;
	d->t->set_status(d, d->t->get_status(d) | VIRTIO_STATUS_FAILED);
}

int virtio_begin(struct virtio_dev *d, uint64_t wanted, uint64_t *features)
{
	uint64_t offered;

	d->failed = false;
	d->t->set_status(d, 0);
	d->t->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	d->t->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	offered = d->t->get_features(d);
	if (!(offered & VIRTIO_F_VERSION_1)) {
		virtio_fail(d, "not a virtio 1.x device (legacy interface only)");
		return HAL_EIO;
	}
	*features = offered & (wanted | VIRTIO_F_VERSION_1);
	d->t->set_features(d, *features);
	d->t->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				    VIRTIO_STATUS_FEATURES_OK);
	if (!(d->t->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_fail(d, "the device refused the features");
		return HAL_EIO;
	}
	if (d->t->irq_setup(d) != HAL_OK) {
		virtio_fail(d, "no interrupt for the device");
		return HAL_EIO;
	}
	return HAL_OK;
}

void virtio_ready(struct virtio_dev *d)
{
	d->t->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

uint64_t virtio_config_read64(struct virtio_dev *d, unsigned off)
{
	uint32_t gen, lo, hi;
	unsigned tries = 0;

	do {
		gen = d->t->config_generation(d);
		lo = d->t->config_read(d, off, 4);
		hi = d->t->config_read(d, off + 4, 4);
	} while (gen != d->t->config_generation(d) && ++tries < 100);
	return (uint64_t)hi << 32 | lo;
}

void *virtio_carve(struct virtio_mem *m, size_t size, size_t align, uint64_t *dma)
{
	size_t pad = (size_t)(-(uintptr_t)m->p & (align - 1));
	void *p;

	if (pad > m->left || size > m->left - pad)
		return NULL;
	p = m->p + pad;
	if (dma)
		*dma = m->dma + pad;
	m->p += pad + size;
	m->dma += pad + size;
	m->left -= pad + size;
	return p;
}

int virtio_queue_setup(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t max,
		       bool event_idx, struct virtio_mem *m)
{
	uint16_t size = d->t->queue_max(d, index);
	uint64_t dma;
	void *mem;

	if (size > max)
		size = max;
	while (size & (size - 1))
		size &= (uint16_t)(size - 1); /* a power of two: clear low bits */
	if (!size || index >= VIRTIO_DEV_QUEUES) {
		virtio_fail(d, "the device has no such queue");
		return HAL_EIO;
	}
	mem = virtio_carve(m, vq_ring_bytes(size), 4096, &dma);
	if (!mem) {
		virtio_fail(d, "out of device memory for a queue");
		return HAL_EIO;
	}
	memset(mem, 0, vq_ring_bytes(size));
	vq_init(q, index, size, mem, dma, event_idx);
	if (d->t->queue_enable(d, q) != HAL_OK) {
		virtio_fail(d, "the device refused a queue");
		return HAL_EIO;
	}
	d->vqs[index] = q;
	return HAL_OK;
}

void virtio_report_bad(struct virtio_dev *d, const char *what, uint32_t count)
{
	/* The first, then at every power of two: visible, never a flood. */
	if (count & (count - 1))
		return;
	pr_warn("virtio: %s: %s (%u so far), dropped\n", d->where, what, count);
}

void virtio_report_queue(struct virtio_dev *d, const struct virtq *q, uint32_t *seen)
{
	while (*seen < q->stats.bad_id)
		virtio_report_bad(d, "used entry naming no buffer in flight", ++*seen);
}

void *virtio_take_mem(struct virtio_dev *d, size_t size)
{
	if (!d->mem) {
		d->mem = vport_alloc(size, &d->mem_dma);
		if (!d->mem)
			pr_err("virtio: %s: no memory was set aside for it\n", d->where);
	}
	return d->mem;
}

size_t virtio_mem_needed(uint16_t type)
{
#ifdef CONFIG_VIRTIO_NET
	if (type == VIRTIO_ID_NET)
		return virtio_net_mem_needed();
#endif
#ifdef CONFIG_VIRTIO_BLK
	if (type == VIRTIO_ID_BLOCK)
		return virtio_blk_mem_needed();
#endif
	return 0;
}

void virtio_before_wait(void)
{
#ifdef CONFIG_VIRTIO_NET
	virtio_net_flush_all();
#endif
	/*
	 * Look once more behind every armed queue before the CPU idles.
	 * Arming is "store used_event, barrier, load used->idx" against the
	 * device's "store used->idx, barrier, load used_event"; if both loads
	 * see the old values the device sends no interrupt and the queue waits
	 * for ever.  Seen under QEMU's TCG with one vCPU (an httpd under wrk:
	 * every receive buffer used, none taken, nothing pending); the guest's
	 * barrier not reaching the host is the likely cause.  A report at the
	 * next idle moment turns that into a delay.
	 */
	for (unsigned i = 0; i < nr_devices; i++) {
		struct virtio_dev *d = &devices[i];
		bool missed = false;

		if (!d->acquired || d->failed)
			continue;
		for (unsigned k = 0; k < VIRTIO_DEV_QUEUES; k++)
			if (d->vqs[k] && vq_missed(d->vqs[k]))
				missed = true;
		if (missed)
			vport_raise(d->handle);
	}
}

void virtio_exit(void)
{
	for (unsigned i = 0; i < nr_devices; i++) {
		if (!devices[i].acquired)
			continue;
#ifdef CONFIG_VIRTIO_NET
		if (devices[i].type == VIRTIO_ID_NET) {
			virtio_net_drain(&devices[i]);
			virtio_net_report(&devices[i]);
		}
#endif
#ifdef CONFIG_VIRTIO_BLK
		if (devices[i].type == VIRTIO_ID_BLOCK)
			virtio_blk_report(&devices[i]);
#endif
	}
}
