# SPDX-License-Identifier: MIT
# The x86_64 context switch's saved frame (switch.S), for build/gdb/hako.py:
# 64-bit words from a switched-out thread's saved sp upwards: mxcsr and the
# x87 control word, r15, r14, r13, r12, rbx, rbp, then the return address.
SWITCH_FRAME_WORDS = 8
SWITCH_FP = 6  # rbp: the frame pointer chain of the thread
SWITCH_PC = 7  # where it resumes (in its caller of hal_context_switch)
