// SPDX-License-Identifier: MIT
/*
 * The interrupt controller: a GICv2 (QEMU virt's default), one CPU.  Every
 * interrupt is group 0, signalled as IRQ, one priority; the handler
 * acknowledges, dispatches and ends it (irq.c).
 */
#include <arm64/sysreg.h>

#include "qa.h"

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ICPENDR 0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

static uintptr_t gicd, gicc;
static uint32_t nr_irqs;

void qa_gic_init(const struct qa_machine *m)
{
	gicd = (uintptr_t)m->gicd;
	gicc = (uintptr_t)m->gicc;
	a64_mmio_write32(gicd + GICD_CTLR, 0);
	nr_irqs = 32 * ((a64_mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
	if (nr_irqs > 1020)
		nr_irqs = 1020;
	/* Everything off and not pending until a driver enables its line. */
	for (uint32_t i = 0; i < nr_irqs / 32; i++) {
		a64_mmio_write32(gicd + GICD_ICENABLER + 4 * i, 0xffffffffu);
		a64_mmio_write32(gicd + GICD_ICPENDR + 4 * i, 0xffffffffu);
	}
	a64_mmio_write32(gicd + GICD_CTLR, 1);
	a64_mmio_write32(gicc + GICC_PMR, 0xf0);
	a64_mmio_write32(gicc + GICC_CTLR, 1);
}

void qa_gic_enable(uint32_t intid, bool edge)
{
	uintptr_t r;
	uint32_t v;

	if (intid >= nr_irqs)
		return;
	/* Priority 0xa0 (below the mask 0xf0), routed to CPU 0. */
	r = gicd + GICD_IPRIORITYR + (intid & ~3u);
	v = a64_mmio_read32(r) & ~(0xffu << 8 * (intid & 3));
	a64_mmio_write32(r, v | 0xa0u << 8 * (intid & 3));
	if (intid >= 32) {
		r = gicd + GICD_ITARGETSR + (intid & ~3u);
		v = a64_mmio_read32(r) & ~(0xffu << 8 * (intid & 3));
		a64_mmio_write32(r, v | 1u << 8 * (intid & 3));
		r = gicd + GICD_ICFGR + 4 * (intid / 16);
		v = a64_mmio_read32(r) & ~(2u << 2 * (intid % 16));
		a64_mmio_write32(r, v | (edge ? 2u : 0) << 2 * (intid % 16));
	}
	a64_mmio_write32(gicd + GICD_ISENABLER + 4 * (intid / 32), 1u << intid % 32);
}

uint32_t qa_gic_ack(void)
{
	return a64_mmio_read32(gicc + GICC_IAR);
}

void qa_gic_eoi(uint32_t iar)
{
	a64_mmio_write32(gicc + GICC_EOIR, iar);
}
