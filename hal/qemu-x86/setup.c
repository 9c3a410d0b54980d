// SPDX-License-Identifier: MIT
/*
 * qx_boot: from boot.S (long mode, the boot stack, the boot page tables) to
 * kern_main().  Everything the multiboot loader left in memory (the info
 * structure, the memory map, the command line) is copied out first, so the
 * memory it sits in can be handed to the kernel.
 */
#include <string.h>

#include <hako/printk.h>

#include "qx.h"

#define MBI_MEM (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define BOOT_MAPPED (1ULL << 30) /* what boot.S identity-mapped */
#define CMDLINE_MAX 4096	 /* above the kernel's limit, which warns */
#define MAX_REGIONS 8		 /* the kernel's page allocator takes 8 */

struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

static char cmdline[CMDLINE_MAX];
static struct qx_mem_range ranges[QX_MAX_RANGES];
static struct hal_mem_region regions[MAX_REGIONS];
static struct hal_boot_info boot = { .platform = "qemu-x86", .cmdline = cmdline, .regions = regions };

#ifdef CONFIG_INITRD
/*
 * The first multiboot module is the initrd (QEMU's -initrd): its range, or
 * 0, 0.  QEMU puts modules after the image, page aligned; one that is not
 * is refused with a message (the kernel wants an aligned region).
 */
static void find_initrd(const struct multiboot_info *mbi, uint64_t *base, uint64_t *end)
{
	const uint32_t *mod = (const uint32_t *)(uintptr_t)mbi->mods_addr;

	*base = *end = 0;
	if (!(mbi->flags & MBI_MODS) || !mbi->mods_count)
		return;
	if (mbi->mods_count > 1)
		pr_warn("hako: %u boot modules: only the first is the initrd\n", mbi->mods_count);
	if (!mbi->mods_addr || (uint64_t)mbi->mods_addr + 16 > BOOT_MAPPED) {
		pr_err("hako: boot module list out of reach: no initrd\n");
		return;
	}
	if (mod[0] % 4096 || mod[1] <= mod[0] || mod[1] > BOOT_MAPPED) {
		pr_err("hako: initrd at %#x-%#x not page aligned or out of reach: ignored\n",
		       mod[0], mod[1]);
		return;
	}
	*base = mod[0];
	*end = mod[1];
}
#endif

/* The loader's command line is "IMAGE-PATH ARGS"; keep ARGS, bounded. */
static void copy_cmdline(const struct multiboot_info *mbi)
{
	const char *s;
	size_t n = 0, room;

	if (!(mbi->flags & MBI_CMDLINE) || !mbi->cmdline || mbi->cmdline >= BOOT_MAPPED)
		return;
	s = (const char *)(uintptr_t)mbi->cmdline;
	room = BOOT_MAPPED - mbi->cmdline;
	while (n < room && s[n] && s[n] != ' ')
		n++;
	if (n < room && s[n] == ' ')
		n++;
	s += n;
	room -= n;
	for (n = 0; n < room && n < CMDLINE_MAX - 1 && s[n]; n++)
		cmdline[n] = s[n];
	cmdline[n] = '\0';
	if (n == CMDLINE_MAX - 1 && n < room && s[n])
		pr_warn("hako: command line longer than %d bytes, truncated\n", CMDLINE_MAX - 1);
}

static size_t read_memory_map(const struct multiboot_info *mbi)
{
	size_t n = 0;

	if (mbi->flags & MBI_MMAP && (uint64_t)mbi->mmap_addr + mbi->mmap_length <= BOOT_MAPPED) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)mbi->mmap_addr;
		const uint8_t *end = p + mbi->mmap_length;

		/* Entries: u32 size (not counting itself), u64 base, u64 length, u32 type. */
		while (p + 24 <= end && n < QX_MAX_RANGES) {
			uint32_t size, type;
			uint64_t base, len;

			memcpy(&size, p, 4);
			memcpy(&base, p + 4, 8);
			memcpy(&len, p + 12, 8);
			memcpy(&type, p + 20, 4);
			if (len && base + len > base)
				ranges[n++] = (struct qx_mem_range){ base, base + len, type };
			p += (uint64_t)size + 4;
		}
	} else if (mbi->flags & MBI_MEM) {
		ranges[n++] = (struct qx_mem_range){ 0, mbi->mem_lower * 1024ULL, 1 };
		ranges[n++] = (struct qx_mem_range){ 1ULL << 20,
						     (1ULL << 20) + mbi->mem_upper * 1024ULL, 1 };
	}
	return n;
}

/* The BIOS data area word at 0x40e: the EBDA's segment.  Read through an
 * opaque pointer: the compiler must not treat a low constant address as
 * an invalid object. */
static uintptr_t ebda_address(void)
{
	uintptr_t p = 0x40e;

	__asm__("" : "+r"(p));
	return (uintptr_t)*(const volatile uint16_t *)p << 4;
}

_Noreturn void qx_boot(uint32_t mbi_addr)
{
	const struct multiboot_info *mbi = (const void *)(uintptr_t)mbi_addr;
	uintptr_t ebda;
	size_t n;

	qx_uart_init();
	qx_trap_init();
	if (!mbi_addr || mbi_addr + sizeof(*mbi) > BOOT_MAPPED) {
		printk(LOG_EMERG, "hako: the boot loader gave no multiboot information\n");
		qx_fatal_exit(2);
	}
	ebda = ebda_address();
	copy_cmdline(mbi);
	n = read_memory_map(mbi);
#ifdef CONFIG_INITRD
	{
		uint64_t initrd, initrd_end;

		find_initrd(mbi, &initrd, &initrd_end);
		qx_mm_keep(initrd, initrd_end);
		qx_mm_init(ranges, n);
		qx_devices_init();
		boot.nr_regions = qx_mm_regions(regions, MAX_REGIONS - 1);
		if (initrd_end)
			regions[boot.nr_regions++] = (struct hal_mem_region){
				(uintptr_t)initrd, (size_t)(initrd_end - initrd), HAL_MEM_INITRD
			};
	}
#else
	qx_mm_init(ranges, n);
	qx_devices_init();
	boot.nr_regions = qx_mm_regions(regions, MAX_REGIONS);
#endif
	qx_acpi_init(ebda);
	qx_lapic_init();
	qx_clock_start();
	qx_button_init();
	qx_clock_finish();
#ifdef CONFIG_QEMU_ACPI_BUTTON
	boot.flags |= HAL_BOOT_SHUTDOWN_SOURCE;
#endif
	__asm__ volatile("sti");
	boot.since_entry_ns = qx_clock_since(qx_entry_tsc);
	kern_main(&boot);
}
