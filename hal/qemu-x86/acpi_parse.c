// SPDX-License-Identifier: MIT
/* ACPI table parsing with no machine access (acpi_parse.h). */
#include <string.h>

#include "acpi_parse.h"

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

bool acpi_checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

size_t acpi_table_ok(const uint8_t *p, size_t len)
{
	uint32_t n;

	if (len < ACPI_HEADER_LEN)
		return 0;
	n = get32(p + 4);
	if (n < ACPI_HEADER_LEN || n > len || !acpi_checksum_ok(p, n))
		return 0;
	return n;
}

bool acpi_madt_sci(const uint8_t *madt, size_t len, uint8_t sci, struct acpi_sci_route *r)
{
	const uint8_t *p = madt + 44, *end = madt + len;

	memset(r, 0, sizeof(*r));
	r->gsi = sci;
	if (len < 44)
		return false;
	/* Each entry: type, length (covering the two), body. */
	while (end - p >= 2 && p[1] >= 2 && p[1] <= end - p) {
		if (p[0] == 1 && p[1] >= 12 && !r->ioapic) {
			r->ioapic = get32(p + 4);
			r->gsi_base = get32(p + 8);
		} else if (p[0] == 2 && p[1] >= 10 && p[3] == sci) {
			r->gsi = get32(p + 4);
			r->flags = (uint16_t)(p[8] | p[9] << 8);
		}
		p += p[1];
	}
	return r->ioapic != 0;
}

int acpi_s5_type(const uint8_t *dsdt, size_t len)
{
	const uint8_t *p, *end = dsdt + len;

	if (len < ACPI_HEADER_LEN)
		return -1;
	for (p = dsdt + ACPI_HEADER_LEN; end - p > 8; p++) {
		size_t skip;

		if (memcmp(p, "_S5_", 4) || p[4] != 0x12) /* PackageOp */
			continue;
		/* PkgLength: 1-4 bytes (the top two bits of the first say how
		 * many follow), then NumElements, then the first element. */
		skip = 5 + 1 + (p[5] >> 6) + 1;
		if ((size_t)(end - p) <= skip)
			return -1;
		p += skip;
		if (*p == 0x0a) /* BytePrefix */
			return end - p > 1 ? p[1] & 7 : -1;
		if (*p <= 1) /* ZeroOp, OneOp */
			return *p;
		return -1;
	}
	return -1;
}
