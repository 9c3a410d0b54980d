/* SPDX-License-Identifier: MIT */
/*
 * qa.h - what the files of the qemu-arm64 port share: the machine as the
 * device tree describes it, and the calls one part of the port makes into
 * another.  Nothing outside hal/qemu-arm64/ includes it.
 */
#ifndef QEMU_ARM64_QA_H
#define QEMU_ARM64_QA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hal.h>

#include "qa_boot.h"

#define QA_MAX_RAM 8
#define QA_MAX_RSV 8
#define QA_MAX_VIRTIO 32
/* virt's PL011 before the device tree says otherwise (early messages). */
#define QA_UART_DEFAULT 0x09000000UL
/* The early identity map (boot.S) covers [0, 8 GiB); RAM starts at 1 GiB. */
#define QA_EARLY_MAPPED (8ULL << 30)

struct qa_range {
	uint64_t base, size;
};

/* What the device tree says about the machine (dt.c). */
struct qa_machine {
	struct qa_range ram[QA_MAX_RAM];
	unsigned nr_ram;
	struct qa_range rsv[QA_MAX_RSV]; /* /memreserve/ and /reserved-memory */
	unsigned nr_rsv;
	uint64_t initrd_start, initrd_end; /* 0, 0: none */
	const char *bootargs;		   /* in the tree, or NULL */
	uint64_t uart;			   /* PL011 */
	uint64_t gicd, gicc;		   /* distributor; GICv2 CPU interface */
	uint64_t gicr;			   /* GICv3: CPU 0's redistributor */
	bool gic_v3;
	uint64_t rtc;			   /* PL031, 0 if none */
	uint64_t gpio;			   /* PL061 with the power key, 0 if none */
	uint32_t gpio_irq;		   /* its interrupt (GIC INTID) */
	uint32_t power_pin;		   /* the power key's GPIO line */
	uint32_t timer_irq;		   /* the EL1 virtual timer's INTID */
	bool psci_smc;			   /* PSCI through smc (else hvc) */
	bool psci;
	struct qa_range virtio[QA_MAX_VIRTIO]; /* virtio-mmio windows */
	uint32_t virtio_irq[QA_MAX_VIRTIO];    /* and their interrupts */
	unsigned nr_virtio;
};

/*
 * qa_dt_parse - fill m from the device tree blob (avail bytes readable).
 * Returns NULL, or why the tree is refused (malformed, or lacking what the
 * port needs: memory, a GIC, the timer).  Touches nothing but m.
 */
const char *qa_dt_parse(const void *blob, size_t avail, struct qa_machine *m,
			uint64_t *dtb_size);

/* --------------------------------------------------------- memory (mm.c) */

/*
 * qa_mm_init - build the final page tables (W^X image, null page unmapped,
 * RAM read-write no-execute, the devices uncached) and switch to them; fill
 * regions[] with the memory the kernel may use.  Returns the number of
 * regions.  Ends the image with a message when memory is short.
 */
size_t qa_mm_init(const struct qa_machine *m, uint64_t dtb, uint64_t dtb_size,
		  struct hal_mem_region *regions, size_t max_regions);

/* qa_mm_reserve - size bytes (page aligned) of RAM for the devices, taken
 * out of what the kernel gets; call before qa_mm_init.  0 when short. */
#ifdef CONFIG_VIRTIO
void qa_mm_reserve(size_t size);
uint64_t qa_mm_reserved(void);
#else
static inline void qa_mm_reserve(size_t size)
{
}
static inline uint64_t qa_mm_reserved(void)
{
	return 0;
}
#endif

/* ------------------------------------------------------ devices and time */

void qa_uart_init(uint64_t base);
void qa_uart_drain(void);

void qa_gic_init(const struct qa_machine *m);
void qa_gic_enable(uint32_t intid, bool edge);
/* qa_gic_ack - the pending interrupt's INTID (1023: none); qa_gic_eoi. */
uint32_t qa_gic_ack(void);
void qa_gic_eoi(uint32_t iar);

void qa_timer_init(const struct qa_machine *m);
/* qa_clock_since - ns since the virtual counter read then (after
 * qa_timer_init): boot.S passes the entry's to qa_boot. */
uint64_t qa_clock_since(uint64_t then);
void qa_timer_irq(void);

void qa_button_init(const struct qa_machine *m);
void qa_button_irq(void);
bool qa_button_present(void);
bool qa_shutdown_take(void);
bool qa_shutdown_pending(void);

void qa_psci_init(const struct qa_machine *m);

/* devices.c: virtio-mmio devices (CONFIG_VIRTIO). */
#ifdef CONFIG_VIRTIO
/* Probe the tree's virtio-mmio windows (early map): device memory needed. */
size_t qa_devices_probe(const struct qa_machine *m);
void qa_devices_start(uint64_t pool, size_t size);
/* From the interrupt handler: a device line; false when not a device's. */
bool qa_devices_irq(uint32_t intid);
void qa_devices_before_wait(void);
bool qa_devices_pending(void);
hal_ready_set qa_devices_take(void);
/* In hal_exit(): pending frames out, one line of counters per device. */
void qa_devices_exit(void);
#else
static inline size_t qa_devices_probe(const struct qa_machine *m)
{
	return 0;
}
static inline void qa_devices_start(uint64_t pool, size_t size)
{
}
static inline bool qa_devices_irq(uint32_t intid)
{
	return false;
}
static inline void qa_devices_before_wait(void)
{
}
static inline bool qa_devices_pending(void)
{
	return false;
}
static inline hal_ready_set qa_devices_take(void)
{
	return 0;
}
static inline void qa_devices_exit(void)
{
}
#endif

/* exit.c: end the image without going through the kernel. */
_Noreturn void qa_fatal_exit(int status);

#endif /* QEMU_ARM64_QA_H */
