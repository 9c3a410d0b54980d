// SPDX-License-Identifier: MIT
/*
 * Host tests of the qemu-arm64 device-tree reading (hal/common/fdt.c and
 * hal/qemu-arm64/dt.c), built with ASan and UBSan: every tree is copied to
 * a heap block of exactly its size, so a read past its end is caught.
 *   test_dt VIRT.dtb     (QEMU's own tree: qemu-system-aarch64 -M virt,dumpdtb=)
 * Prints "ok"/"FAIL" lines and exits nonzero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qa.h"

static int failures, checks;

#define CHECK(cond, ...)                                \
	do {                                            \
		checks++;                               \
		if (!(cond)) {                          \
			failures++;                     \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__);            \
			printf("\n");                   \
		}                                       \
	} while (0)

static const char *parse(const void *blob, size_t len, struct qa_machine *m)
{
	void *copy = malloc(len ? len : 1);
	uint64_t size = 0;
	const char *r;

	memcpy(copy, blob, len);
	r = qa_dt_parse(copy, len, m, &size);
	if (!r && m->bootargs) /* must point inside the copy */
		CHECK(m->bootargs >= (char *)copy && m->bootargs < (char *)copy + len,
		      "bootargs outside the tree");
	free(copy);
	return r;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* A copy of the tree with the header word at off set to v. */
static const char *with_header(const uint8_t *dtb, size_t len, unsigned off, uint32_t v)
{
	uint8_t *t = malloc(len);
	struct qa_machine m;
	const char *r;

	memcpy(t, dtb, len);
	put32(t + off, v);
	r = parse(t, len, &m);
	free(t);
	return r;
}

/* Replace the first occurrence of from (with its NUL) in the blob. */
static const char *with_string(const uint8_t *dtb, size_t len, const char *from, const char *to)
{
	uint8_t *t = malloc(len);
	struct qa_machine m;
	const char *r = "pattern not found";
	size_t n = strlen(from) + 1;

	memcpy(t, dtb, len);
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(t + i, from, n)) {
			memcpy(t + i, to, n);
			r = parse(t, len, &m);
			break;
		}
	free(t);
	return r;
}

/* A minimal tree built by hand: header, empty reservation map, the given
 * structure block, a strings block. */
static size_t build(uint8_t *out, const uint32_t *st, size_t nst, const char *strings,
		    size_t nstr)
{
	size_t off_rsv = 40, off_st = off_rsv + 16, off_str = off_st + 4 * nst;
	size_t total = off_str + nstr;

	memset(out, 0, total);
	put32(out, 0xd00dfeed);
	put32(out + 4, (uint32_t)total);
	put32(out + 8, (uint32_t)off_st);
	put32(out + 12, (uint32_t)off_str);
	put32(out + 16, (uint32_t)off_rsv);
	put32(out + 20, 17);
	put32(out + 24, 16);
	put32(out + 32, (uint32_t)nstr);
	put32(out + 36, (uint32_t)(4 * nst));
	for (size_t i = 0; i < nst; i++)
		put32(out + off_st + 4 * i, st[i]);
	memcpy(out + off_str, strings, nstr);
	return total;
}

static void test_virt(const uint8_t *dtb, size_t len)
{
	struct qa_machine m;
	const char *r = parse(dtb, len, &m);

	CHECK(!r, "QEMU's virt tree refused: %s", r ? r : "");
	if (r)
		return;
	CHECK(m.nr_ram == 1 && m.ram[0].base == 0x40000000, "memory %u ranges, first %#lx",
	      m.nr_ram, (unsigned long)m.ram[0].base);
	CHECK(m.uart == 0x9000000, "pl011 at %#lx", (unsigned long)m.uart);
	CHECK(m.gicd == 0x8000000 && m.gicc == 0x8010000, "GIC %#lx %#lx",
	      (unsigned long)m.gicd, (unsigned long)m.gicc);
	CHECK(m.rtc == 0x9010000, "pl031 at %#lx", (unsigned long)m.rtc);
	CHECK(m.gpio == 0x9030000 && m.gpio_irq == 39 && m.power_pin == 3,
	      "power key: gpio %#lx irq %u pin %u", (unsigned long)m.gpio, m.gpio_irq,
	      m.power_pin);
	CHECK(m.timer_irq == 27, "virtual timer INTID %u", m.timer_irq);
	CHECK(m.psci && !m.psci_smc, "PSCI through hvc");
	printf("ok   QEMU's virt tree: memory, PL011, GICv2, PL031, PL061 power key, timer, PSCI\n");
}

static void test_header(const uint8_t *dtb, size_t len)
{
	struct qa_machine m;

	CHECK(with_header(dtb, len, 0, 0xd00dfeee) != NULL, "bad magic accepted");
	CHECK(with_header(dtb, len, 4, (uint32_t)len + 1) != NULL, "totalsize past the end");
	CHECK(with_header(dtb, len, 8, (uint32_t)len) != NULL, "structure block at the end");
	CHECK(with_header(dtb, len, 8, 0xfffffff0) != NULL, "structure offset wraps");
	CHECK(with_header(dtb, len, 36, 0xfffffff0) != NULL, "structure size wraps");
	CHECK(with_header(dtb, len, 12, (uint32_t)len + 8) != NULL, "strings past the end");
	CHECK(with_header(dtb, len, 32, 0xffffffff) != NULL, "strings size past the end");
	CHECK(with_header(dtb, len, 20, 16) != NULL, "version 16 accepted");
	CHECK(with_header(dtb, len, 8, get32(dtb + 8) + 2) != NULL, "misaligned structure");
	CHECK(parse(dtb, 39, &m) != NULL, "39-byte tree accepted");
	CHECK(parse(dtb, 0, &m) != NULL, "empty tree accepted");
	printf("ok   header: magic, sizes, offsets, version, alignment\n");
}

static void test_missing(const uint8_t *dtb, size_t len)
{
	const char *r;

	r = with_string(dtb, len, "arm,cortex-a15-gic", "arm,cortex-a15-gix");
	CHECK(r && strstr(r, "GIC"), "no GIC: %s", r ? r : "accepted");
	r = with_string(dtb, len, "arm,armv8-timer", "arm,armv8-timex");
	CHECK(r && strstr(r, "timer"), "no timer: %s", r ? r : "accepted");
	r = with_string(dtb, len, "memory", "memorx");
	CHECK(r && strstr(r, "memory"), "no memory: %s", r ? r : "accepted");
	printf("ok   trees lacking the GIC, the timer or memory are refused\n");
}

/* Every truncation, and every byte flipped, parse or fail cleanly. */
static void test_mutations(const uint8_t *dtb, size_t len)
{
	uint8_t *t = malloc(len);
	struct qa_machine m;
	size_t refused = 0, n = 0;

	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *c = malloc(len);

		memcpy(c, dtb, len);
		put32(c + 4, (uint32_t)cut); /* totalsize says cut ... */
		refused += parse(c, cut, &m) != NULL; /* ... and only cut bytes exist */
		free(c);
		n++;
	}
	CHECK(refused == n, "%zu of %zu truncated trees accepted", n - refused, n);
	for (size_t i = 0; i < len; i++) {
		memcpy(t, dtb, len);
		t[i] ^= 0xff;
		parse(t, len, &m);
		t[i] ^= 0x7e;
		parse(t, len, &m);
	}
	free(t);
	printf("ok   %zu truncations refused, %zu byte flips without a bad read\n", n, 2 * len);
}

static void test_crafted(void)
{
	static const char strs[] = "reg\0#address-cells\0compatible\0";
	uint8_t buf[4096];
	struct qa_machine m;
	size_t n;
	/* Root, then 20 nested nodes: deeper than FDT_MAX_DEPTH. */
	uint32_t deep[2 * 2 * 20 + 4];
	size_t k = 0;

	for (int i = 0; i < 20; i++)
		deep[k++] = 1, deep[k++] = 0x61000000; /* FDT_BEGIN_NODE "a" */
	for (int i = 0; i < 20; i++)
		deep[k++] = 2;
	deep[k++] = 9;
	n = build(buf, deep, k, strs, sizeof(strs));
	CHECK(parse(buf, n, &m) != NULL, "20-deep tree accepted");

	/* A property whose length runs past the block. */
	uint32_t longprop[] = { 1, 0, 3, 0x7ffffff0, 0, 2, 9 };
	n = build(buf, longprop, 7, strs, sizeof(strs));
	CHECK(parse(buf, n, &m) != NULL, "overlong property accepted");

	/* A property name offset outside the strings block. */
	uint32_t badname[] = { 1, 0, 3, 4, 1000, 0, 2, 9 };
	n = build(buf, badname, 8, strs, sizeof(strs));
	CHECK(parse(buf, n, &m) != NULL, "property name offset outside strings accepted");

	/* A node name without its NUL before the block ends. */
	uint32_t noname[] = { 1, 0x61616161 };
	n = build(buf, noname, 2, strs, sizeof(strs));
	CHECK(parse(buf, n, &m) != NULL, "unterminated node name accepted");

	/* No FDT_END; unbalanced FDT_END_NODE; two roots; unknown token. */
	uint32_t noend[] = { 1, 0, 2 };
	n = build(buf, noend, 3, strs, sizeof(strs));
	CHECK(parse(buf, n, &m) != NULL, "missing FDT_END accepted");
	uint32_t extra_end[] = { 1, 0, 2, 2, 9 };
	n = build(buf, extra_end, 5, strs, sizeof(strs));
	CHECK(parse(buf, n, &m) != NULL, "unbalanced FDT_END_NODE accepted");
	uint32_t two_roots[] = { 1, 0, 2, 1, 0, 2, 9 };
	n = build(buf, two_roots, 7, strs, sizeof(strs));
	CHECK(parse(buf, n, &m) != NULL, "two roots accepted");
	uint32_t bad_token[] = { 1, 0, 7, 2, 9 };
	n = build(buf, bad_token, 5, strs, sizeof(strs));
	CHECK(parse(buf, n, &m) != NULL, "unknown token accepted");

	/* A well-formed tree without memory: refused for lacking it. */
	uint32_t empty[] = { 1, 0, 2, 9 };
	n = build(buf, empty, 4, strs, sizeof(strs));
	CHECK(parse(buf, n, &m) != NULL, "tree without memory accepted");
	printf("ok   crafted trees: nesting, property lengths, names, tokens\n");
}

int main(int argc, char **argv)
{
	FILE *f;
	static uint8_t dtb[1 << 20];
	size_t len;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: %s VIRT.dtb\n", argv[0]);
		return 2;
	}
	len = fread(dtb, 1, sizeof(dtb), f);
	fclose(f);
	/* QEMU's dump is padded to 1 MiB: pack it to its blocks' end, so that
	 * every truncation below is a real one (and quick). */
	if (len >= 40 && get32(dtb) == 0xd00dfeed) {
		size_t st_end = (size_t)get32(dtb + 8) + get32(dtb + 36);
		size_t str_end = (size_t)get32(dtb + 12) + get32(dtb + 32);
		size_t end = st_end > str_end ? st_end : str_end;

		if (end < len)
			len = end;
		put32(dtb + 4, (uint32_t)len);
	}
	test_virt(dtb, len);
	test_header(dtb, len);
	test_missing(dtb, len);
	test_mutations(dtb, len);
	test_crafted();
	printf("%d checks, %d failed\n", checks, failures);
	return failures != 0;
}
