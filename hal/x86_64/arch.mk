# Compile flags for every x86_64 image (the top Makefile's ARCH_CFLAGS).
# Kernel code runs interrupts and exceptions on the current stack on some
# ports: no red zone below the stack pointer.  Images are linked low, so the
# small code model's 32-bit absolute addresses fit.
ARCH_CFLAGS := -mno-red-zone -mcmodel=small
# With CONFIG_BACKTRACE: a frame pointer in leaf functions too.  A return
# address is only on the stack here, so a fault in a leaf without a frame
# record would lose its caller from the backtrace.
ARCH_BACKTRACE_CFLAGS := -mno-omit-leaf-frame-pointer
# The fault reporter only runs on the way to a panic: small, not fast.
CFLAGS_hal/x86_64/fault.o := -Os
