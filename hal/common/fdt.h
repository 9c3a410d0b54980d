/* SPDX-License-Identifier: MIT */
/*
 * fdt.h - a bounds-checked reader of flattened device trees (DTB, the
 * Devicetree Specification's chapter 5), for ports whose machine describes
 * itself with one (qemu-arm64; a Xen arm64 guest later).
 *
 * Nothing here trusts the blob: fdt_open() checks the header against the
 * bytes available, and every later read stays inside the structure and
 * strings blocks whatever the offsets, lengths and tokens say.  A malformed
 * tree gives an error (FDT_E*), never a read outside the blob or a loop
 * that does not end.  No allocation, no state outside struct fdt: callable
 * before anything is set up, and testable on the host.
 */
#ifndef HAL_COMMON_FDT_H
#define HAL_COMMON_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_EBADMAGIC (-1)   /* not a device tree */
#define FDT_ETRUNCATED (-2)  /* totalsize beyond the bytes available */
#define FDT_EBADLAYOUT (-3)  /* blocks outside the blob, misaligned, overlapping */
#define FDT_EBADVERSION (-4) /* older than version 16 */
#define FDT_EBADSTRUCT (-5)  /* bad token, name or property in the structure block */
#define FDT_ETOODEEP (-6)    /* nodes nested deeper than FDT_MAX_DEPTH */

#define FDT_MAX_DEPTH 16

struct fdt {
	const uint8_t *blob;
	uint32_t size;			/* totalsize */
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
	uint32_t rsvmap_off;
};

/* fdt_open - check the header of the tree at blob (avail bytes readable). */
int fdt_open(struct fdt *f, const void *blob, size_t avail);

/* A node met by fdt_walk(). */
struct fdt_node {
	uint32_t off;		/* of its FDT_BEGIN_NODE token: for fdt_prop() */
	int depth;		/* 0 for the root */
	const char *name;	/* "memory@40000000" (NUL-terminated, in the blob) */
	uint32_t addr_cells;	/* the parent's #address-cells: how "reg" reads */
	uint32_t size_cells;	/* the parent's #size-cells */
	uint32_t parent_off;	/* the parent's offset (the root's own for the root) */
};

/*
 * fdt_walk - call visit for every node in document order; stop early when
 * it returns nonzero (that value is returned).  Checks the whole structure
 * block as it goes: returns FDT_EBADSTRUCT or FDT_ETOODEEP at the first
 * problem (nodes before it have been visited), 0 at a well-formed end.
 */
int fdt_walk(const struct fdt *f, int (*visit)(const struct fdt *f, const struct fdt_node *n,
					       void *ctx),
	     void *ctx);

/*
 * fdt_prop - the value of property name of the node at off (from a
 * fdt_node), and its length; NULL when absent or malformed.  The value is
 * big endian and not necessarily aligned: read it with fdt_cells().
 */
const void *fdt_prop(const struct fdt *f, uint32_t off, const char *name, uint32_t *len);

/* fdt_cells - n (1 or 2) big-endian 32-bit cells at p, as one number. */
uint64_t fdt_cells(const void *p, uint32_t n);

/* fdt_reg - the i-th (base, size) pair of n's "reg"; false when absent. */
bool fdt_reg(const struct fdt *f, const struct fdt_node *n, uint32_t i, uint64_t *base,
	     uint64_t *size);

/* fdt_u32 - the i-th cell of property name; false when absent or short. */
bool fdt_u32(const struct fdt *f, uint32_t off, const char *name, uint32_t i, uint32_t *v);

/* fdt_strlist_has - does the string list (a property value of len bytes,
 * NUL-separated) hold s? */
bool fdt_strlist_has(const char *list, uint32_t len, const char *s);

/* fdt_compatible - does the node's "compatible" string list hold s? */
bool fdt_compatible(const struct fdt *f, uint32_t off, const char *s);

/* fdt_string - property name as a NUL-terminated string, or NULL (absent,
 * empty, or not terminated within its length). */
const char *fdt_string(const struct fdt *f, uint32_t off, const char *name);

/* fdt_rsv - the i-th memory reservation entry; false past the last one or
 * when the map runs off its block. */
bool fdt_rsv(const struct fdt *f, uint32_t i, uint64_t *base, uint64_t *size);

#endif
