#!/bin/sh
# SPDX-License-Identifier: MIT
# Debug a qemu-arm64 image under gdb (make PLATFORM=qemu-arm64 debug
# ARGS=...): QEMU (run.sh) starts with its gdbstub on 127.0.0.1 and the CPU
# stopped; gdb-multiarch (on a host that is not arm64) connects with the
# image's symbols (IMAGE.elf) and Hako's commands (build/gdb/hako.py), and
# runs to the image's entry point, _start (the MMU is off there: addresses
# are the linked ones, breakpoints hit before and after it is on).
#   hal/qemu-arm64/debug.sh IMAGE [ARGS...]
# HAKO_GDB_BATCH=FILE: FILE's commands in batch mode (the tests).
# HAKO_QEMU_TIMEOUT as for run.sh, here by default none.
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 IMAGE [ARGS...]" >&2; exit 2; }
image=$1
shift
HAKO_QEMU_TIMEOUT=${HAKO_QEMU_TIMEOUT:-0} exec "$top/build/gdb/qemu-gdb.sh" "$image.elf" \
	_start HAKO_QEMU_ARGS "$top/hal/qemu-arm64/run.sh" "$image" "$@"
