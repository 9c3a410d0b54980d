// SPDX-License-Identifier: MIT
/*
 * The interrupt controller, one CPU: a GICv2 (QEMU virt's default) through
 * its memory-mapped CPU interface, or a GICv3 (-M virt,gic-version=3)
 * through the redistributor and the ICC system registers.  Every interrupt
 * has one priority and is signalled as IRQ (GICv2: group 0; GICv3: group 1,
 * since its group 0 is FIQ); the handler acknowledges, dispatches and ends
 * it (trap.c).
 */
#include <arm64/sysreg.h>

#include "qa.h"

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ICPENDR 0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_IROUTER 0x6000
#define GICD_CTLR_RWP (1u << 31)

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

/* GICv3 redistributor: the RD frame, then the SGI/PPI frame at +64 KiB. */
#define GICR_WAKER 0x0014
#define GICR_SGI 0x10000
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

/* GICv3 CPU interface registers by encoding (any assembler takes them). */
#define ICC_PMR_EL1 s3_0_c4_c6_0
#define ICC_IAR1_EL1 s3_0_c12_c12_0
#define ICC_EOIR1_EL1 s3_0_c12_c12_1
#define ICC_SRE_EL1 s3_0_c12_c12_5
#define ICC_IGRPEN1_EL1 s3_0_c12_c12_7

#define PRIORITY 0xa0u

static uintptr_t gicd, gicc, gicr;
static bool v3;
static uint32_t nr_irqs;

static void wait_rwp(void)
{
	for (unsigned n = 0; n < 1000000 && a64_mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_RWP; n++)
		;
}

void qa_gic_init(const struct qa_machine *m)
{
	gicd = (uintptr_t)m->gicd;
	gicc = (uintptr_t)m->gicc;
	gicr = (uintptr_t)m->gicr;
	v3 = m->gic_v3;
	a64_mmio_write32(gicd + GICD_CTLR, 0);
	if (v3)
		wait_rwp();
	nr_irqs = 32 * ((a64_mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
	if (nr_irqs > 1020)
		nr_irqs = 1020;
	/* Everything off and not pending until a driver enables its line. */
	for (uint32_t i = 0; i < nr_irqs / 32; i++) {
		a64_mmio_write32(gicd + GICD_ICENABLER + 4 * i, 0xffffffffu);
		a64_mmio_write32(gicd + GICD_ICPENDR + 4 * i, 0xffffffffu);
		if (v3 && i)
			a64_mmio_write32(gicd + GICD_IGROUPR + 4 * i, 0xffffffffu);
	}
	if (!v3) {
		a64_mmio_write32(gicd + GICD_CTLR, 1);
		a64_mmio_write32(gicc + GICC_PMR, 0xf0);
		a64_mmio_write32(gicc + GICC_CTLR, 1);
		return;
	}
	/* GICv3: affinity routing, group 1; wake CPU 0's redistributor; the
	 * system register interface (EL2 left it enabled, boot.S). */
	a64_mmio_write32(gicd + GICD_CTLR, 1u << 4 | 1u << 1); /* ARE, EnableGrp1 */
	wait_rwp();
	a64_mmio_write32(gicr + GICR_WAKER,
			 a64_mmio_read32(gicr + GICR_WAKER) & ~WAKER_PROCESSOR_SLEEP);
	for (unsigned n = 0; n < 1000000 && a64_mmio_read32(gicr + GICR_WAKER) &
						    WAKER_CHILDREN_ASLEEP; n++)
		;
	a64_mmio_write32(gicr + GICR_SGI + GICD_ICENABLER, 0xffffffffu);
	a64_mmio_write32(gicr + GICR_SGI + GICD_IGROUPR, 0xffffffffu);
	a64_write_sysreg(ICC_SRE_EL1, a64_read_sysreg(ICC_SRE_EL1) | 1);
	a64_isb();
	a64_write_sysreg(ICC_PMR_EL1, 0xf0);
	a64_write_sysreg(ICC_IGRPEN1_EL1, 1);
	a64_isb();
}

/* Set the byte of intid in the byte-per-interrupt array at r. */
static void set_byte(uintptr_t r, uint32_t intid, uint32_t v)
{
	uintptr_t w = r + (intid & ~3u);

	a64_mmio_write32(w, (a64_mmio_read32(w) & ~(0xffu << 8 * (intid & 3))) |
				    v << 8 * (intid & 3));
}

void qa_gic_enable(uint32_t intid, bool edge)
{
	uintptr_t r;

	if (intid >= nr_irqs)
		return;
	if (v3 && intid < 32) { /* SGIs and PPIs live in the redistributor */
		set_byte(gicr + GICR_SGI + GICD_IPRIORITYR, intid, PRIORITY);
		a64_mmio_write32(gicr + GICR_SGI + GICD_ISENABLER, 1u << intid);
		return;
	}
	set_byte(gicd + GICD_IPRIORITYR, intid, PRIORITY);
	if (intid >= 32) {
		if (v3) /* to CPU 0 (affinity 0.0.0.0) */
			__asm__ volatile("str xzr, [%0]" : : "r"(gicd + GICD_IROUTER + 8 * intid)
					 : "memory");
		else
			set_byte(gicd + GICD_ITARGETSR, intid, 1);
		r = gicd + GICD_ICFGR + 4 * (intid / 16);
		a64_mmio_write32(r, (a64_mmio_read32(r) & ~(2u << 2 * (intid % 16))) |
					    (edge ? 2u : 0) << 2 * (intid % 16));
	}
	a64_mmio_write32(gicd + GICD_ISENABLER + 4 * (intid / 32), 1u << intid % 32);
}

uint32_t qa_gic_ack(void)
{
	if (v3) {
		uint32_t iar = (uint32_t)a64_read_sysreg(ICC_IAR1_EL1);

		__asm__ volatile("dsb sy" ::: "memory");
		return iar;
	}
	return a64_mmio_read32(gicc + GICC_IAR);
}

void qa_gic_eoi(uint32_t iar)
{
	if (v3) {
		a64_write_sysreg(ICC_EOIR1_EL1, iar);
		a64_isb();
		return;
	}
	a64_mmio_write32(gicc + GICC_EOIR, iar);
}
