# SPDX-License-Identifier: MIT
# The x86_64 context switch's saved frame (switch.S), for build/gdb/hako.py:
# 64-bit words from a switched-out thread's saved sp upwards: mxcsr and the
# x87 control word, r15, r14, r13, r12, rbx, rbp, then the return address.
SWITCH_FRAME_WORDS = 8
SWITCH_FP = 6  # rbp: the frame pointer chain of the thread
SWITCH_PC = 7  # where it resumes (in its caller of hal_context_switch)

# Registers by gdb's names: the program counter, stack and frame pointers.
PC, SP, FP = "rip", "rsp", "rbp"
# hal_fault.regs on x86_64 ports is a struct x86_trap_frame (fault.h):
# general registers from its start (x86_64/gprs.h), then vector, error,
# rip, cs, rflags, rsp, ss: the byte offset of each register gdb is given
# (rflags, a flags type in gdb, is left out).
FAULT_REGS = {name: 8 * i for i, name in enumerate(
    "r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax".split())}
FAULT_REGS.update({"rip": 8 * 17, "rsp": 8 * 20})
