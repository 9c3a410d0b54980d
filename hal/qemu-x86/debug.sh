#!/bin/sh
# SPDX-License-Identifier: MIT
# Debug a qemu-x86 image under gdb (make PLATFORM=qemu-x86 debug ARGS=...):
# QEMU (run.sh) starts with its gdbstub on 127.0.0.1 and the CPU stopped;
# gdb connects with the image's symbols (IMAGE.elf) and Hako's commands
# (build/gdb/hako.py), and runs to the image's entry point, _start32.
#   hal/qemu-x86/debug.sh IMAGE [ARGS...]
#
# The multiboot loader enters _start32 in 32-bit protected mode; the rest of
# the image runs in 64-bit long mode.  gdb's architecture is i386:x86-64 all
# along (QEMU's x86_64 gdbstub always sends the 64-bit registers): the few
# 32-bit instructions before start64 disassemble wrongly, breakpoints and
# everything from start64 on are right.
# HAKO_GDB_BATCH=FILE: FILE's commands in batch mode (the tests).
# HAKO_QEMU_TIMEOUT as for run.sh, here by default none.
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 IMAGE [ARGS...]" >&2; exit 2; }
image=$1
shift
HAKO_QEMU_TIMEOUT=${HAKO_QEMU_TIMEOUT:-0} exec "$top/build/gdb/qemu-gdb.sh" "$image.elf" \
	_start32 HAKO_QEMU_ARGS "$top/hal/qemu-x86/run.sh" "$image" "$@"
