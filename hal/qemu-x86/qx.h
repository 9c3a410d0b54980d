/* SPDX-License-Identifier: MIT */
/*
 * qx.h - what the files of the qemu-x86 port share: CPU access helpers and
 * the calls one part of the port makes into another.  Nothing outside
 * hal/qemu-x86/ includes it.
 */
#ifndef QEMU_X86_QX_H
#define QEMU_X86_QX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hal.h>

#include "vectors.h"

/* ------------------------------------------------------ CPU primitives --- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

#define MSR_APIC_BASE 0x1b
#define MSR_FS_BASE 0xc0000100

/* --------------------------------------------------- boot memory (mm.c) --- */

/* One entry of the firmware's memory map (multiboot/e820 types). */
struct qx_mem_range {
	uint64_t base, end;
	uint32_t type; /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 bad */
};

#define QX_MAX_RANGES 32

/*
 * qx_mm_init - build the final page tables from the firmware map (W^X for
 * the image, the null page unmapped, RAM mapped with 2 MiB pages but never
 * touched).  Ends the image with a message when memory is short.
 * qx_mm_regions - then fill regions[] with what the kernel may use (the
 * free RAM minus what qx_mm_reserve() took).  Returns the number.
 * hal_mem_guard() (mm.c too) protects pages of those regions.
 */
void qx_mm_init(const struct qx_mem_range *map, size_t n);
size_t qx_mm_regions(struct hal_mem_region *regions, size_t max_regions);

/* Boot only, before qx_mm_regions(): set aside size bytes of RAM (page
 * aligned, untouched) for devices (0 when short); map device registers
 * uncached (NULL when they cannot be: above 512 GiB, or sharing a 2 MiB
 * chunk with RAM). */
uint64_t qx_mm_reserve(size_t size);
volatile void *qx_mm_map_device(uint64_t phys, size_t len);

/* qx_mm_keep - before qx_mm_init: RAM [base, end) is in use and stays so
 * (the initrd), never handed out as free (CONFIG_INITRD). */
void qx_mm_keep(uint64_t base, uint64_t end);

/* qx_mapped - true when [addr, addr + len) is mapped (for reading tables the
 * firmware left in memory). */
bool qx_mapped(uintptr_t addr, size_t len);

/* ---------------------------------------------------- devices and time --- */

void qx_uart_init(void);
/* qx_uart_drain - wait (bounded) until every byte has left the UART. */
void qx_uart_drain(void);

void qx_trap_init(void);

/* ACPI (acpi.c): the PM timer port (0 if none) and the power-off register.
 * ebda is the Extended BIOS Data Area's address (read from 0x40e at boot,
 * before the null page is unmapped), where the RSDP may be. */
void qx_acpi_init(uintptr_t ebda);
uint16_t qx_acpi_pm_timer_port(void);
/* qx_acpi_table - the table with this signature, checksummed and mapped,
 * or NULL.  qx_acpi_fadt - the FADT (at least 116 bytes long) or NULL. */
const void *qx_acpi_table(const char sig[4]);
const uint8_t *qx_acpi_fadt(void);
_Noreturn void qx_acpi_poweroff(void);

/* Clocks (clock.c): start calibrating at boot, finish before kern_main. */
void qx_clock_start(void);
void qx_clock_finish(void);
/* qx_clock_since - ns since the TSC read tsc (once the clock is started);
 * boot.S keeps the entry's in qx_entry_tsc. */
uint64_t qx_clock_since(uint64_t tsc);
extern uint64_t qx_entry_tsc;
/* qx_clock_idle - called when idle: refines the TSC rate over a long window. */
void qx_clock_idle(uint64_t now);
/* qx_lapic_ticks - LAPIC timer ticks in ns nanoseconds (saturating). */
uint32_t qx_lapic_ticks(uint64_t ns);

/* The ACPI power button (button.c): an SCI through the IOAPIC. */
#ifdef CONFIG_QEMU_ACPI_BUTTON
void qx_button_init(void);
/* A press not yet reported; and the report (once per press). */
bool qx_shutdown_pending(void);
bool qx_shutdown_take(void);
#else
static inline void qx_button_init(void)
{
}
static inline bool qx_shutdown_pending(void)
{
	return false;
}
static inline bool qx_shutdown_take(void)
{
	return false;
}
#endif

/* Devices (devices.c, hal/virtio/): found at boot, their interrupts
 * recorded as ready bits for hal_wait(). */
#ifdef CONFIG_VIRTIO
void qx_devices_init(void);
void qx_devices_before_wait(void);
void qx_devices_exit(void);
extern volatile uint64_t qx_dev_pending;
static inline bool qx_devices_pending(void)
{
	return qx_dev_pending != 0;
}
static inline hal_ready_set qx_devices_take(void)
{
	return __atomic_exchange_n(&qx_dev_pending, 0, __ATOMIC_SEQ_CST);
}
#else
static inline void qx_devices_init(void)
{
}
static inline void qx_devices_before_wait(void)
{
}
static inline void qx_devices_exit(void)
{
}
static inline bool qx_devices_pending(void)
{
	return false;
}
static inline hal_ready_set qx_devices_take(void)
{
	return 0;
}
#endif

/* The LAPIC (lapic.c). */
void qx_lapic_init(void);
uint32_t qx_lapic_id(void);
void qx_lapic_start_count(void);
uint32_t qx_lapic_read_count(void);
void qx_lapic_arm(uint32_t ticks);

#define QX_IOAPIC_DEFAULT 0xfec00000UL

/* exit.c: end the image without going through the kernel. */
_Noreturn void qx_fatal_exit(int status);

#endif /* QEMU_X86_QX_H */
