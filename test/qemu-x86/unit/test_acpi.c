// SPDX-License-Identifier: MIT
/*
 * Host unit tests of the qemu-x86 port's ACPI parsing (hal/qemu-x86/
 * acpi_parse.c) with hostile tables.  Every table sits at the very end of
 * an exactly sized heap block, so AddressSanitizer turns any read past the
 * length the parser was given into a failure.  Prints one line per case and
 * "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi_parse.h"
#include "../../hostcheck.h"

static uint8_t *table(const char sig[4], const uint8_t *body, size_t body_len, size_t hdr_len)
{
	size_t n = ACPI_HEADER_LEN + body_len;
	uint8_t *t = malloc(n), sum = 0;
	uint32_t l = (uint32_t)hdr_len;

	memset(t, 0, ACPI_HEADER_LEN);
	memcpy(t, sig, 4);
	memcpy(t + 4, &l, 4);
	memcpy(t + ACPI_HEADER_LEN, body, body_len);
	for (size_t i = 0; i < n; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
	return t;
}

static void test_tables(void)
{
	uint8_t body[8] = { 1, 2, 3 }, *t;

	t = table("TEST", body, sizeof(body), ACPI_HEADER_LEN + sizeof(body));
	CHECK("a valid table is accepted", acpi_table_ok(t, ACPI_HEADER_LEN + 8) == 44);
	t[20] ^= 1;
	CHECK("a bad checksum is refused", acpi_table_ok(t, 44) == 0);
	free(t);
	t = table("TEST", body, sizeof(body), 4096);
	CHECK("a length beyond what is mapped is refused", acpi_table_ok(t, 44) == 0);
	free(t);
	t = table("TEST", body, sizeof(body), 10);
	CHECK("a length shorter than a header is refused", acpi_table_ok(t, 44) == 0);
	free(t);
	t = malloc(20);
	memset(t, 0, 20);
	CHECK("fewer bytes than a header are refused", acpi_table_ok(t, 20) == 0);
	free(t);
}

static void test_madt(void)
{
	/* 8 bytes of MADT fields, an IOAPIC (type 1, 12 bytes), an override of
	 * IRQ 9 to GSI 9 (type 2, 10 bytes). */
	uint8_t good[8 + 12 + 10] = { 0 }, bad[8 + 4] = { 0 }, *t;
	struct acpi_sci_route r;
	uint32_t addr = 0xfec00000, gsi = 9;

	good[8] = 1, good[9] = 12;
	memcpy(good + 8 + 4, &addr, 4);
	good[20] = 2, good[21] = 10, good[23] = 9;
	memcpy(good + 24, &gsi, 4);
	good[28] = 0x0d;
	t = table("APIC", good, sizeof(good), ACPI_HEADER_LEN + sizeof(good));
	CHECK("MADT: IOAPIC and SCI override found",
	      acpi_madt_sci(t, ACPI_HEADER_LEN + sizeof(good), 9, &r) && r.ioapic == addr &&
		      r.gsi == 9 && r.flags == 0x0d);
	free(t);

	/* An IOAPIC entry that claims 12 bytes where 4 remain. */
	bad[8] = 1, bad[9] = 12;
	t = table("APIC", bad, sizeof(bad), ACPI_HEADER_LEN + sizeof(bad));
	CHECK("MADT: an entry running past the end stops the walk",
	      !acpi_madt_sci(t, ACPI_HEADER_LEN + sizeof(bad), 9, &r));
	free(t);

	/* A zero-length entry would loop for ever. */
	memset(bad, 0, sizeof(bad));
	bad[8] = 2, bad[9] = 0;
	t = table("APIC", bad, sizeof(bad), ACPI_HEADER_LEN + sizeof(bad));
	CHECK("MADT: a zero-length entry ends the walk",
	      !acpi_madt_sci(t, ACPI_HEADER_LEN + sizeof(bad), 9, &r));
	free(t);
	t = malloc(40);
	memset(t, 0, 40);
	CHECK("MADT: shorter than its fixed fields", !acpi_madt_sci(t, 40, 9, &r));
	free(t);
}

static void test_s5(void)
{
	static const uint8_t ok[] = { '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 0x05, 0, 0, 0 };
	static const uint8_t zero[] = { '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0, 0, 0 };
	/* A 4-byte PkgLength (top bits 11) right at the end of the table. */
	static const uint8_t cut[] = { 0, '_', 'S', '5', '_', 0x12, 0xc0, 0, 0 };
	uint8_t *t;

	t = table("DSDT", ok, sizeof(ok), ACPI_HEADER_LEN + sizeof(ok));
	CHECK("_S5_ with a BytePrefix value", acpi_s5_type(t, ACPI_HEADER_LEN + sizeof(ok)) == 5);
	free(t);
	t = table("DSDT", zero, sizeof(zero), ACPI_HEADER_LEN + sizeof(zero));
	CHECK("_S5_ with ZeroOp", acpi_s5_type(t, ACPI_HEADER_LEN + sizeof(zero)) == 0);
	free(t);
	t = table("DSDT", cut, sizeof(cut), ACPI_HEADER_LEN + sizeof(cut));
	CHECK("_S5_ whose package runs past the end is refused",
	      acpi_s5_type(t, ACPI_HEADER_LEN + sizeof(cut)) == -1);
	free(t);
	t = malloc(ACPI_HEADER_LEN);
	memset(t, 0, ACPI_HEADER_LEN);
	CHECK("a DSDT with no AML", acpi_s5_type(t, ACPI_HEADER_LEN) == -1);
	free(t);
}

int main(void)
{
	test_tables();
	test_madt();
	test_s5();
	return check_summary();
}
