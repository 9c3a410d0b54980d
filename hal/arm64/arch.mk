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
# With CONFIG_BACKTRACE: leaf functions keep omitting their frame record
# (about 300 bytes of hello): a fault in one still has its caller, in the
# link register (hal_fault.lr), which the backtrace shows.
ARCH_BACKTRACE_CFLAGS :=
# The fault reporter only runs on the way to a panic: small, not fast.
CFLAGS_hal/arm64/fault.o := -Os
