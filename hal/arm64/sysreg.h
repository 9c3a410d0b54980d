/* SPDX-License-Identifier: MIT */
/*
 * sysreg.h - AArch64 system registers, barriers and the exception syndrome,
 * for the arm64 ports (hal/qemu-arm64, and any later arm64 port).  Nothing
 * outside hal/ includes it.
 */
#ifndef HAL_ARM64_SYSREG_H
#define HAL_ARM64_SYSREG_H

#include <stdint.h>

#define a64_read_sysreg(r)                                          \
	({                                                          \
		uint64_t v_;                                        \
		__asm__ volatile("mrs %0, " #r : "=r"(v_));         \
		v_;                                                 \
	})
#define a64_write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

/* ID registers by encoding, so that an older assembler accepts them. */
#define ID_AA64ISAR0_EL1 s3_0_c0_c6_0

static inline void a64_isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

static inline void a64_dsb_sy(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

static inline void a64_dsb_ish(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
}

static inline void a64_dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" ::: "memory");
}

/* DAIF.I: IRQs masked.  The kernel's hal_irq_save() sets it. */
#define A64_DAIF_I (1u << 7)

static inline uint32_t a64_mmio_read32(uintptr_t a)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void a64_mmio_write32(uintptr_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

/* ------------------------------------------------ exception syndrome --- */

/* ESR_ELx.EC values the ports decode. */
#define ESR_EC(esr) ((unsigned)((esr) >> 26) & 0x3f)
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_FP 0x07
#define ESR_EC_SVC64 0x15
#define ESR_EC_SYSREG 0x18
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_FP_EXC 0x2c
#define ESR_EC_SERROR 0x2f
#define ESR_EC_BRK 0x3c

/* For aborts: ISS bits. */
#define ESR_ISS_WNR (1u << 6)	  /* data abort: the access was a write */
#define ESR_ISS_FNV (1u << 10)	  /* FAR not valid */
#define ESR_FSC(esr) ((unsigned)(esr) & 0x3f)

#endif /* HAL_ARM64_SYSREG_H */
