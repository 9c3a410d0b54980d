// SPDX-License-Identifier: MIT
/*
 * The machine from QEMU's device tree: memory, /chosen, the devices this
 * port drives.  Pure parsing over hal/common/fdt.c, no hardware access, so
 * the host's unit suite runs it on hostile trees (test/qemu-arm64/unit).
 *
 * Devices are looked for among the root's children, where virt puts them
 * (their "reg" is then a CPU physical address, with no bus translation).
 */
#include <string.h>

#include <common/fdt.h>

#include "qa.h"

#define MAX_GPIO 4

struct scan {
	struct qa_machine *m;
	const char *error;
	uint32_t key_phandle; /* the power key's GPIO controller */
	struct {
		uint32_t phandle, irq;
		uint64_t base;
	} gpio[MAX_GPIO];
	unsigned nr_gpio;
	uint32_t rsv_parent; /* /reserved-memory's offset, while inside it */
};

/* The i-th interrupt of a GIC-connected node as an INTID (0: none). */
static uint32_t gic_irq(const struct fdt *f, uint32_t off, uint32_t i)
{
	uint32_t type, num;

	if (!fdt_u32(f, off, "interrupts", 3 * i, &type) ||
	    !fdt_u32(f, off, "interrupts", 3 * i + 1, &num) || num > 987)
		return 0;
	if (type == 0)
		return 32 + num;
	if (type == 1 && num < 16)
		return 16 + num;
	return 0;
}

static bool add_range(struct qa_range *r, unsigned *n, unsigned max, uint64_t base,
		      uint64_t size)
{
	if (!size)
		return true;
	if (base + size < base || *n == max)
		return false;
	r[(*n)++] = (struct qa_range){ base, size };
	return true;
}

/* A /chosen address property: 1 or 2 cells. */
static bool chosen_addr(const struct fdt *f, uint32_t off, const char *name, uint64_t *v)
{
	uint32_t len;
	const void *p = fdt_prop(f, off, name, &len);

	if (!p || (len != 4 && len != 8))
		return false;
	*v = fdt_cells(p, len / 4);
	return true;
}

static void device(const struct fdt *f, const struct fdt_node *n, struct scan *s)
{
	struct qa_machine *m = s->m;
	uint64_t base, size, base2, size2;
	uint32_t v, len;
	/* One lookup of the list, then the comparisons. */
	const char *compat = fdt_prop(f, n->off, "compatible", &len);
#define is(s) fdt_strlist_has(compat, len, s)

	if (!compat)
		return;
	if (is("arm,pl011")) {
		if (!m->uart && fdt_reg(f, n, 0, &base, &size))
			m->uart = base;
	} else if (is("arm,cortex-a15-gic") || is("arm,gic-400")) {
		if (fdt_reg(f, n, 0, &base, &size) && fdt_reg(f, n, 1, &base2, &size2)) {
			m->gicd = base;
			m->gicc = base2;
		}
	} else if (is("arm,gic-v3")) {
		/* reg: the distributor, then the redistributors (CPU 0's first). */
		if (fdt_reg(f, n, 0, &base, &size) && fdt_reg(f, n, 1, &base2, &size2) &&
		    size2 >= 0x20000) {
			m->gicd = base;
			m->gicr = base2;
			m->gic_v3 = true;
		}
#ifdef CONFIG_VIRTIO /* an image without drivers maps no windows */
	} else if (is("virtio,mmio")) {
		uint32_t irq = gic_irq(f, n->off, 0);

		if (m->nr_virtio < QA_MAX_VIRTIO && irq && fdt_reg(f, n, 0, &base, &size) &&
		    size >= 0x100 && size <= 0x10000 && base + size > base) {
			m->virtio[m->nr_virtio] = (struct qa_range){ base, size };
			m->virtio_irq[m->nr_virtio++] = irq;
		}
#endif
	} else if (is("arm,pl031")) {
		if (fdt_reg(f, n, 0, &base, &size))
			m->rtc = base;
	} else if (is("arm,pl061")) {
		if (s->nr_gpio < MAX_GPIO && fdt_reg(f, n, 0, &base, &size) &&
		    fdt_u32(f, n->off, "phandle", 0, &v)) {
			s->gpio[s->nr_gpio].phandle = v;
			s->gpio[s->nr_gpio].base = base;
			s->gpio[s->nr_gpio++].irq = gic_irq(f, n->off, 0);
		}
	} else if (is("arm,armv8-timer")) {
		m->timer_irq = gic_irq(f, n->off, 2); /* secure, non-secure, virtual, hyp */
	} else if (is("arm,psci-1.0") || is("arm,psci-0.2")) {
		const char *method = fdt_string(f, n->off, "method");

		m->psci = method && (!strcmp(method, "hvc") || !strcmp(method, "smc"));
		m->psci_smc = method && !strcmp(method, "smc");
	}
#undef is
}

static int visit(const struct fdt *f, const struct fdt_node *n, void *ctx)
{
	struct scan *s = ctx;
	struct qa_machine *m = s->m;
	const char *type = fdt_string(f, n->off, "device_type");
	uint64_t base, size;

	if (n->depth == 1)
		s->rsv_parent = !strcmp(n->name, "reserved-memory") ? n->off : 0;
	if (n->depth == 2 && s->rsv_parent && n->parent_off == s->rsv_parent) {
		/* /reserved-memory's children: regions the firmware keeps. */
		for (uint32_t i = 0; fdt_reg(f, n, i, &base, &size); i++)
			if (!add_range(m->rsv, &m->nr_rsv, QA_MAX_RSV, base, size))
				s->error = "too many reserved-memory ranges";
	} else if (n->depth == 1 && type && !strcmp(type, "memory")) {
		for (uint32_t i = 0; fdt_reg(f, n, i, &base, &size); i++)
			if (!add_range(m->ram, &m->nr_ram, QA_MAX_RAM, base, size))
				s->error = "too many or wrapping memory ranges";
	} else if (n->depth == 1 && !strcmp(n->name, "chosen")) {
		uint64_t start, end;

		m->bootargs = fdt_string(f, n->off, "bootargs");
		if (chosen_addr(f, n->off, "linux,initrd-start", &start) &&
		    chosen_addr(f, n->off, "linux,initrd-end", &end)) {
			if (end < start)
				s->error = "initrd ends before it starts";
			m->initrd_start = start;
			m->initrd_end = end;
		}
	} else if (n->depth == 2 && !strncmp(n->name, "poweroff", 8)) {
		uint32_t code, ph, pin;

		/* gpio-keys' child: linux,code 116 is KEY_POWER. */
		if (fdt_u32(f, n->off, "linux,code", 0, &code) && code == 116 &&
		    fdt_u32(f, n->off, "gpios", 0, &ph) && fdt_u32(f, n->off, "gpios", 1, &pin) &&
		    pin < 8) {
			s->key_phandle = ph;
			m->power_pin = pin;
		}
	} else if (n->depth == 1) {
		device(f, n, s);
	}
	return s->error ? 1 : 0;
}

static const char *fdt_error(int e)
{
	switch (e) {
	case FDT_EBADMAGIC: return "no device tree (bad magic)";
	case FDT_ETRUNCATED: return "truncated (totalsize beyond memory)";
	case FDT_EBADLAYOUT: return "blocks outside the blob or misaligned";
	case FDT_EBADVERSION: return "unsupported version";
	case FDT_EBADSTRUCT: return "malformed structure block";
	case FDT_ETOODEEP: return "nodes nested too deep";
	}
	return "malformed";
}

const char *qa_dt_parse(const void *blob, size_t avail, struct qa_machine *m,
			uint64_t *dtb_size)
{
	struct scan s = { .m = m };
	struct fdt f;
	uint64_t base, size;
	int r;

	memset(m, 0, sizeof(*m));
	r = fdt_open(&f, blob, avail);
	if (r)
		return fdt_error(r);
	*dtb_size = f.size;
	for (uint32_t i = 0; fdt_rsv(&f, i, &base, &size); i++)
		if (!add_range(m->rsv, &m->nr_rsv, QA_MAX_RSV, base, size))
			return "too many or wrapping memory reservations";
	r = fdt_walk(&f, visit, &s);
	if (r < 0)
		return fdt_error(r);
	if (s.error)
		return s.error;
	for (unsigned i = 0; i < s.nr_gpio; i++)
		if (s.key_phandle && s.gpio[i].phandle == s.key_phandle && s.gpio[i].irq) {
			m->gpio = s.gpio[i].base;
			m->gpio_irq = s.gpio[i].irq;
		}
	if (!m->nr_ram)
		return "no memory node";
	if (!m->gicd || (!m->gicc && !m->gicr))
		return "no GICv2 or GICv3 interrupt controller";
	if (!m->timer_irq)
		return "no architected timer interrupt";
	if (!m->uart)
		m->uart = QA_UART_DEFAULT;
	return NULL;
}
