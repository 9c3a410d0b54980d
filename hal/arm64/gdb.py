# SPDX-License-Identifier: MIT
# The arm64 context switch's saved frame (switch.S), for build/gdb/hako.py:
# 64-bit words from a switched-out thread's saved sp upwards: x19-x28,
# x29, x30 (where it resumes), d8-d15, fpcr, padding.
SWITCH_FRAME_WORDS = 22
SWITCH_FP = 10  # x29: the frame record chain of the thread
SWITCH_PC = 11  # x30: where it resumes (in its caller of hal_context_switch)

# Registers by gdb's names: the program counter, stack and frame pointers.
PC, SP, FP = "pc", "sp", "x29"
# hal_fault.regs on arm64 ports is a struct a64_regs (fault.h): x0-x30,
# then sp, elr (the faulting pc), spsr, esr, far.
FAULT_REGS = {"x%d" % i: 8 * i for i in range(31)}
FAULT_REGS.update({"sp": 8 * 31, "pc": 8 * 32})
