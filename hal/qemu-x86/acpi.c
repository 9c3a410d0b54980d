// SPDX-License-Identifier: MIT
/*
 * Just enough ACPI: finding tables (the FADT, the MADT for the power
 * button), the FADT's PM timer port (a known-rate clock to calibrate the
 * TSC against) and its PM1a control port plus the DSDT's \_S5 sleep type,
 * to power off.
 *
 * Power-off without isa-debug-exit writes SLP_TYP(S5) | SLP_EN to PM1a
 * control.  The port and SLP_TYP come from the firmware's tables; when
 * there are none (-no-acpi) or they cannot be read, the fallback is what
 * QEMU's PIIX4 and ICH9 both use: PM base 0x600, so PM1a control at 0x604,
 * and SLP_TYP 0 for S5 (QEMU powers off on SLP_TYP 0).
 */
#include <string.h>

#include "acpi_parse.h"
#include "qx.h"

#define FALLBACK_PM1A_CNT 0x604
#define SLP_EN (1 << 13)

struct sdt {
	char sig[4];
	uint32_t length;
	uint8_t rev, checksum;
	char oem[6], table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static const struct sdt *root, *fadt;
static size_t width = 4; /* of the root table's entries: 4 (RSDT) or 8 (XSDT) */
static uint16_t pm_timer;

/* Reads below go through this: firmware memory must be mapped to be read. */
static const void *table_at(uint64_t addr, size_t len)
{
	return addr && qx_mapped((uintptr_t)addr, len) ? (const void *)(uintptr_t)addr : NULL;
}

static const uint8_t *find_rsdp(uintptr_t from, uintptr_t to)
{
	for (uintptr_t a = from; a + 20 <= to; a += 16) {
		const uint8_t *p = table_at(a, 20);

		if (p && !memcmp(p, "RSD PTR ", 8) && acpi_checksum_ok(p, 20))
			return p;
	}
	return NULL;
}

/* A mapped table whose length and checksum hold, or NULL. */
static const struct sdt *sdt_at(uint64_t addr)
{
	const struct sdt *t = table_at(addr, sizeof(*t));

	if (!t || t->length < sizeof(*t) || !table_at(addr, t->length) ||
	    !acpi_table_ok((const uint8_t *)t, t->length))
		return NULL;
	return t;
}

static uint32_t get32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

const void *qx_acpi_table(const char sig[4])
{
	for (size_t off = root ? sizeof(*root) : 0; root && off + width <= root->length;
	     off += width) {
		const uint8_t *e = (const uint8_t *)root + off;
		uint64_t addr = width == 8 ? get64(e) : get32(e);
		const struct sdt *t = table_at(addr, sizeof(*t));

		if (t && !memcmp(t->sig, sig, 4) && (t = sdt_at(addr)))
			return t;
	}
	return NULL;
}

void qx_acpi_init(uintptr_t ebda)
{
	const uint8_t *rsdp = NULL;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		rsdp = find_rsdp(ebda, ebda + 1024);
	if (!rsdp)
		rsdp = find_rsdp(0xe0000, 0x100000);
	if (!rsdp)
		return;
	/* The XSDT when there is a valid one, else the RSDT; a root whose
	 * checksum fails is not used at all. */
	if (rsdp[15] >= 2 && get64(rsdp + 24) && (root = sdt_at(get64(rsdp + 24))))
		width = 8;
	else
		root = sdt_at(get32(rsdp + 16));
	fadt = qx_acpi_table("FACP");
	if (fadt && fadt->length < 116)
		fadt = NULL; /* too old to have what we read from it */
	if (fadt)
		pm_timer = (uint16_t)get32((const uint8_t *)fadt + 76);
}

uint16_t qx_acpi_pm_timer_port(void)
{
	return pm_timer;
}

const uint8_t *qx_acpi_fadt(void)
{
	return (const uint8_t *)fadt;
}

/* SLP_TYPa of \_S5 from the DSDT's AML. */
static int s5_sleep_type(void)
{
	const struct sdt *dsdt = fadt ? sdt_at(get32((const uint8_t *)fadt + 40)) : NULL;

	return dsdt ? acpi_s5_type((const uint8_t *)dsdt, dsdt->length) : -1;
}

void qx_acpi_poweroff(void)
{
	uint16_t port = FALLBACK_PM1A_CNT;
	int typ = s5_sleep_type();

	if (fadt && get32((const uint8_t *)fadt + 64))
		port = (uint16_t)get32((const uint8_t *)fadt + 64);
	outw(port, (uint16_t)((typ < 0 ? 0 : typ) << 10 | SLP_EN));
	for (;;)
		__asm__ volatile("cli; hlt");
}
