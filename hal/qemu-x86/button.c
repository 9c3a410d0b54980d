// SPDX-License-Identifier: MIT
/*
 * The ACPI power button: QEMU's system_powerdown (what a host's "virsh
 * shutdown" sends), the one shutdown request a PC has.  The chipset raises
 * the SCI, a level-triggered interrupt routed through the IOAPIC; entry.S's
 * handler writes the PM1 status bits back (which clears them and lowers the
 * line) and records them, and the next hal_wait() reports HAL_READY_SHUTDOWN
 * once per press.  Without an FADT, a MADT or an IOAPIC the button is simply not
 * wired.
 */
#include <string.h>

#include "acpi_parse.h"
#include "qx.h"

#define PM1_PWRBTN (1u << 8)
#define PM1_SCI_EN 1u
#define IOAPIC_SEL 0x00
#define IOAPIC_WIN 0x10
#define RTE_LEVEL (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)

uint16_t qx_pm1a_status;	 /* the PM1a status port, for entry.S */
volatile uint16_t qx_pm1_events; /* status bits the SCI handler saw */

static uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void ioapic_write(uintptr_t ioapic, uint32_t reg, uint32_t v)
{
	mmio_write32(ioapic + IOAPIC_SEL, reg);
	mmio_write32(ioapic + IOAPIC_WIN, v);
}

void qx_button_init(void)
{
	const uint8_t *fadt = qx_acpi_fadt(), *madt = qx_acpi_table("APIC");
	struct acpi_sci_route route;
	uint32_t sci, gsi, gsi_base, evt, cnt, smi_cmd, rte;
	uint16_t flags;
	uintptr_t ioapic;

	if (!fadt || !madt)
		return;
	sci = fadt[46] | fadt[47] << 8;
	smi_cmd = get32(fadt + 48);
	evt = get32(fadt + 56);
	cnt = get32(fadt + 64);
	if (!evt || !cnt || fadt[88] < 4)
		return;
	/* MADT: the IOAPIC, and the SCI's override (GSI, polarity, trigger).
	 * qx_acpi_table() checked its length and checksum. */
	if (sci > 0xff || !acpi_madt_sci(madt, get32(madt + 4), (uint8_t)sci, &route))
		return;
	ioapic = (uintptr_t)route.ioapic;
	gsi_base = route.gsi_base;
	gsi = route.gsi;
	flags = route.flags;
	if (gsi < gsi_base || gsi - gsi_base > 23 || !qx_mapped(ioapic, 0x20))
		return;

	/* ACPI mode, if the firmware left the chipset in legacy mode. */
	if (!(inw((uint16_t)cnt) & PM1_SCI_EN) && smi_cmd && fadt[52]) {
		outb((uint16_t)smi_cmd, fadt[52]);
		for (unsigned n = 0; n < 100000 && !(inw((uint16_t)cnt) & PM1_SCI_EN); n++)
			;
	}
	qx_pm1a_status = (uint16_t)evt;
	outw((uint16_t)evt, inw((uint16_t)evt)); /* clear what is pending */
	outw((uint16_t)(evt + fadt[88] / 2), inw((uint16_t)(evt + fadt[88] / 2)) | PM1_PWRBTN);

	/* The SCI is level-triggered and active low unless overridden. */
	rte = QX_VEC_SCI;
	if ((flags >> 2 & 3) != 1)
		rte |= RTE_LEVEL;
	if ((flags & 3) != 1)
		rte |= RTE_ACTIVE_LOW;
	ioapic_write(ioapic, 0x11 + 2 * (gsi - gsi_base), qx_lapic_id() << 24);
	ioapic_write(ioapic, 0x10 + 2 * (gsi - gsi_base), rte);
}

bool qx_shutdown_pending(void)
{
	return qx_pm1_events & PM1_PWRBTN;
}

bool qx_shutdown_take(void)
{
	unsigned long flags = hal_irq_save();
	bool pressed = qx_pm1_events & PM1_PWRBTN;

	qx_pm1_events &= (uint16_t)~PM1_PWRBTN;
	hal_irq_restore(flags);
	return pressed;
}
