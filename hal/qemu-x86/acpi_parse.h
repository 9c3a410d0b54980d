/* SPDX-License-Identifier: MIT */
/*
 * acpi_parse.h - the parts of ACPI table parsing that need no machine:
 * checksums, the MADT's interrupt routing, the DSDT's \_S5 package.  The
 * tables come from firmware and are checked as untrusted input: every read
 * stays inside the length the caller vouches for.  Host unit tests and a
 * fuzzer drive these directly.
 */
#ifndef QEMU_X86_ACPI_PARSE_H
#define QEMU_X86_ACPI_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_HEADER_LEN 36

/* acpi_checksum_ok - the bytes of a table (its whole length) sum to 0. */
bool acpi_checksum_ok(const uint8_t *p, size_t len);

/*
 * acpi_table_ok - p holds len readable bytes, starting with a table header
 * whose length is at least a header, at most len, and whose checksum holds.
 * Returns the table's length, or 0.
 */
size_t acpi_table_ok(const uint8_t *p, size_t len);

/* Where the SCI goes, from the MADT. */
struct acpi_sci_route {
	uint64_t ioapic;   /* the first IOAPIC's address, 0 if none */
	uint32_t gsi_base; /* that IOAPIC's first GSI */
	uint32_t gsi;	   /* the SCI's GSI (an override's, or the SCI number) */
	uint16_t flags;	   /* MPS INTI flags of the override, 0 if none */
};

/*
 * acpi_madt_sci - walk the MADT (len bytes, already checked with
 * acpi_table_ok) for the IOAPIC and the interrupt source override of
 * ISA IRQ sci.  Entries that are too short or run past the table end stop
 * the walk.  Returns false when no IOAPIC was found.
 */
bool acpi_madt_sci(const uint8_t *madt, size_t len, uint8_t sci, struct acpi_sci_route *r);

/*
 * acpi_s5_type - SLP_TYPa of \_S5 from the DSDT's AML (len bytes):
 * Name(_S5_, Package(){a, ...}).  Returns 0-7, or -1 when absent or
 * malformed.
 */
int acpi_s5_type(const uint8_t *dsdt, size_t len);

#endif
