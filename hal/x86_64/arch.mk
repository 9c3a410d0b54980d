# Compile flags for every x86_64 image (the top Makefile's ARCH_CFLAGS).
# Kernel code runs interrupts and exceptions on the current stack on some
# ports: no red zone below the stack pointer.  Images are linked low, so the
# small code model's 32-bit absolute addresses fit.
ARCH_CFLAGS := -mno-red-zone -mcmodel=small
