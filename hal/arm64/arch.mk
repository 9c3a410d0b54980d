# Compile flags for every arm64 image (the top Makefile's ARCH_CFLAGS).
# AArch64 has no red zone; the small code model (adrp + 12-bit offsets,
# +-4 GiB) covers any image.  FP/SIMD may be used by C code: the ports
# enable it at boot and save it where they interrupt code (exception entry
# runs -mgeneral-regs-only C).  -mno-outline-atomics: no calls to libgcc's
# run-time CPU feature check (which reads a glibc variable).  GCC's AArch64
# stack-clash probes assume a 64 KiB guard by default; Hako's is one 4 KiB
# page (kernel/sched.c), so probe every 4 KiB.
ARCH_CFLAGS := -mcmodel=small -mno-outline-atomics \
	--param stack-clash-protection-guard-size=12
