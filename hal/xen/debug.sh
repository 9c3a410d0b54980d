#!/bin/sh
# SPDX-License-Identifier: MIT
# Debug a Xen image (make PLATFORM=xen [XEN_MODE=dom0] debug ARGS=...).
#   hal/xen/debug.sh IMAGE [ARGS...]
#
# XEN_MODE=dom0: gdb on the running image through QEMU's gdbstub.  The rig
# (test/xen/run.sh --dom0) starts QEMU with the gdbstub on 127.0.0.1 and
# the CPU stopped; gdb connects with the image's symbols (IMAGE.elf) and
# Hako's commands (build/gdb/hako.py) and runs to the image's entry point,
# _start: Xen boots first (about a second), then starts the image as the
# first guest.  A PV guest runs at its own virtual addresses with Xen
# mapped above them, so breakpoints on the image's functions hit when the
# image runs them, and its memory reads as the image sees it.
# HAKO_GDB_BATCH=FILE: FILE's commands in batch mode (the tests).
# XEN_TIMEOUT as for run.sh, here by default a day.
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 IMAGE [ARGS...]" >&2; exit 2; }
image=$1
shift
case ${XEN_MODE:-domu} in
dom0)
	XEN_TIMEOUT=${XEN_TIMEOUT:-86400} exec "$top/build/gdb/qemu-gdb.sh" "$image.elf" _start \
		HAKO_XEN_QEMU_ARGS "$top/hal/xen/run.sh" "$image" "$@"
	;;
*)
	echo "$0: a domU cannot be stopped under gdb here; use XEN_MODE=dom0" >&2
	exit 2
	;;
esac
