// SPDX-License-Identifier: MIT
/*
 * Flattened device tree reader (fdt.h).  Every offset read from the blob is
 * checked before use; the structure block is walked token by token with
 * the offset strictly increasing, so a hostile tree cannot loop.
 */
#include <string.h>

#include "fdt.h"

#define FDT_MAGIC 0xd00dfeedu
#define TOK_BEGIN 1u
#define TOK_END 2u
#define TOK_PROP 3u
#define TOK_NOP 4u
#define TOK_FINISH 9u

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t fdt_cells(const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (uint32_t i = 0; i < n; i++)
		v = v << 32 | be32(b + 4 * i);
	return v;
}

int fdt_open(struct fdt *f, const void *blob, size_t avail)
{
	const uint8_t *b = blob;
	uint32_t size, so, ss, to, ts, ro, version;

	if (!b || avail < 40 || be32(b) != FDT_MAGIC)
		return FDT_EBADMAGIC;
	size = be32(b + 4);
	if (size > avail || size < 40)
		return FDT_ETRUNCATED;
	so = be32(b + 8);
	to = be32(b + 12);
	ro = be32(b + 16);
	version = be32(b + 20);
	ts = be32(b + 32);
	if (version < 17 || be32(b + 24) > 17) /* last_comp_version */
		return FDT_EBADVERSION;
	ss = be32(b + 36);
	if (so % 4 || ss % 4 || ro % 8 || so > size || ss > size - so || to > size ||
	    ts > size - to || ro > size || ro < 40 || so < 40 || to < 40)
		return FDT_EBADLAYOUT;
	*f = (struct fdt){ b, size, so, ss, to, ts, ro };
	return 0;
}

bool fdt_rsv(const struct fdt *f, uint32_t i, uint64_t *base, uint64_t *size)
{
	uint64_t off = (uint64_t)f->rsvmap_off + (uint64_t)i * 16;

	if (off + 16 > f->size)
		return false;
	*base = fdt_cells(f->blob + off, 2);
	*size = fdt_cells(f->blob + off + 8, 2);
	return *base || *size;
}

/* The length of the NUL-terminated string at p within limit bytes, or -1. */
static long str_len(const uint8_t *p, uint32_t limit)
{
	const uint8_t *z = memchr(p, 0, limit);

	return z ? z - p : -1;
}

/* The token at off in the structure block, or 0 past its end. */
static uint32_t token(const struct fdt *f, uint32_t off)
{
	if (off > f->struct_size - 4 || f->struct_size < 4)
		return 0;
	return be32(f->blob + f->struct_off + off);
}

/*
 * Step over the token at *off.  For a node, *name gets its name; for a
 * property, *prop its offset.  Returns the token, or 0 when malformed.
 */
static uint32_t next(const struct fdt *f, uint32_t *off, const char **name, uint32_t *prop)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint32_t t = token(f, *off), o = *off + 4, len, nameoff;
	long n;

	switch (t) {
	case TOK_BEGIN:
		n = str_len(s + o, f->struct_size - o);
		if (n < 0)
			return 0;
		*name = (const char *)s + o;
		o += ((uint32_t)n + 1 + 3) & ~3u;
		break;
	case TOK_PROP:
		if (o > f->struct_size - 8 || f->struct_size < 8)
			return 0;
		len = be32(s + o);
		nameoff = be32(s + o + 4);
		if (len > f->struct_size - o - 8 || nameoff >= f->strings_size ||
		    str_len(f->blob + f->strings_off + nameoff, f->strings_size - nameoff) < 0)
			return 0;
		*prop = *off;
		o += 8 + ((len + 3) & ~3u);
		break;
	case TOK_END:
	case TOK_NOP:
	case TOK_FINISH:
		break;
	default:
		return 0;
	}
	if (o > f->struct_size)
		return 0;
	*off = o;
	return t;
}

const void *fdt_prop(const struct fdt *f, uint32_t off, const char *want, uint32_t *len)
{
	const char *name;
	uint32_t prop;

	if (next(f, &off, &name, &prop) != TOK_BEGIN)
		return NULL;
	for (;;) {
		uint32_t t = next(f, &off, &name, &prop);
		const uint8_t *p;

		if (t == TOK_NOP)
			continue;
		if (t != TOK_PROP)
			return NULL; /* properties come before child nodes */
		p = f->blob + f->struct_off + prop;
		if (!strcmp((const char *)f->blob + f->strings_off + be32(p + 8), want)) {
			*len = be32(p + 4);
			return p + 12;
		}
	}
}

bool fdt_u32(const struct fdt *f, uint32_t off, const char *name, uint32_t i, uint32_t *v)
{
	uint32_t len;
	const uint8_t *p = fdt_prop(f, off, name, &len);

	if (!p || len / 4 <= i)
		return false;
	*v = be32(p + 4 * i);
	return true;
}

bool fdt_reg(const struct fdt *f, const struct fdt_node *n, uint32_t i, uint64_t *base,
	     uint64_t *size)
{
	uint32_t len, ac = n->addr_cells, sc = n->size_cells, entry = 4 * (ac + sc);
	const uint8_t *p = fdt_prop(f, n->off, "reg", &len);

	if (!p || ac < 1 || ac > 2 || sc > 2 || len / entry <= i)
		return false;
	*base = fdt_cells(p + i * entry, ac);
	*size = sc ? fdt_cells(p + i * entry + 4 * ac, sc) : 0;
	return true;
}

bool fdt_compatible(const struct fdt *f, uint32_t off, const char *s)
{
	uint32_t len;
	const char *p = fdt_prop(f, off, "compatible", &len);

	return fdt_strlist_has(p, len, s);
}

bool fdt_strlist_has(const char *p, uint32_t len, const char *s)
{
	size_t want = strlen(s) + 1;

	while (p && len >= want) {
		const char *z = memchr(p, 0, len);

		if (!z)
			return false;
		if ((size_t)(z - p) + 1 == want && !memcmp(p, s, want))
			return true;
		len -= (uint32_t)(z - p) + 1;
		p = z + 1;
	}
	return false;
}

const char *fdt_string(const struct fdt *f, uint32_t off, const char *name)
{
	uint32_t len;
	const char *p = fdt_prop(f, off, name, &len);

	if (!p || !len || p[len - 1] != '\0')
		return NULL;
	return p;
}

int fdt_walk(const struct fdt *f, int (*visit)(const struct fdt *f, const struct fdt_node *n,
					       void *ctx),
	     void *ctx)
{
	/* The #address-cells/#size-cells each open node gives its children. */
	uint32_t ac[FDT_MAX_DEPTH + 1], sc[FDT_MAX_DEPTH + 1], node_off[FDT_MAX_DEPTH + 1];
	uint32_t off = 0;
	int depth = -1;

	for (;;) {
		uint32_t at = off, prop;
		const char *name;
		uint32_t t = next(f, &off, &name, &prop);
		struct fdt_node n;
		int r;

		switch (t) {
		case TOK_BEGIN:
			if (depth == FDT_MAX_DEPTH - 1)
				return FDT_ETOODEEP;
			if (depth < 0 && at != 0)
				return FDT_EBADSTRUCT; /* a second root */
			depth++;
			node_off[depth] = at;
			/* Defaults from the specification: 2 and 1. */
			ac[depth] = 2;
			sc[depth] = 1;
			fdt_u32(f, at, "#address-cells", 0, &ac[depth]);
			fdt_u32(f, at, "#size-cells", 0, &sc[depth]);
			n = (struct fdt_node){ at, depth, name, depth ? ac[depth - 1] : 2,
					       depth ? sc[depth - 1] : 1,
					       node_off[depth ? depth - 1 : 0] };
			r = visit(f, &n, ctx);
			if (r)
				return r;
			break;
		case TOK_END:
			if (depth < 0)
				return FDT_EBADSTRUCT;
			depth--;
			break;
		case TOK_PROP:
			if (depth < 0)
				return FDT_EBADSTRUCT;
			break;
		case TOK_NOP:
			break;
		case TOK_FINISH:
			return depth == -1 && at != 0 ? 0 : FDT_EBADSTRUCT;
		default:
			return FDT_EBADSTRUCT;
		}
	}
}
