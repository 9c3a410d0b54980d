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
#
# XEN_MODE=domu (the default): a domU cannot be stopped under gdb here (that
# needs gdbsx, which Debian does not ship); it is debugged post mortem.  The
# rig runs it as under run.sh, with on_crash = "preserve": when it crashes,
# or hangs past XEN_TIMEOUT (default 30 s), dom0 runs Xen's xenctx on it
# with the image's symbols (its registers and call chain), then
# `xl dump-core`, and sends both to the host, into out/xen/APP/post-mortem/
# (APP.xenctx, APP.xen-core).  build/gdb/xencore.py makes the core one gdb
# opens (APP.core), and gdb opens it with the image's symbols and Hako's
# commands: `bt` (through the fault report into the faulting code),
# hako-fault, hako-threads, hako-bt...  On a Xen host of one's own, the
# same by hand:
#   xl create APP.xl (with on_crash = "preserve"); xenctx -f -k 0x400000 \
#   -s APP.syms DOMID; xl dump-core NAME core; xl destroy NAME;
#   build/gdb/xencore.py core core.elf; gdb APP.elf core.elf
#
# HAKO_GDB_BATCH=FILE: FILE's commands in batch mode (the tests).
# XEN_TIMEOUT as for run.sh, here by default a day in dom0 mode.
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
	dir=$(dirname "$image")/post-mortem
	name=$(basename "$image")
	rm -rf "$dir"
	XEN_DUMP_CORE=$dir "$top/hal/xen/run.sh" "$image" "$@"
	rc=$?
	echo "debug: the image ended with status $rc"
	if [ -s "$dir/hako.xenctx" ]; then
		mv "$dir/hako.xenctx" "$dir/$name.xenctx"
		echo "debug: xenctx (dom0) on the guest after its end:"
		sed 's/^/  /' "$dir/$name.xenctx"
	fi
	if [ ! -s "$dir/hako.core" ]; then
		echo "debug: no core: the guest did not crash or hang (status $rc)" >&2
		exit 1
	fi
	mv "$dir/hako.core" "$dir/$name.xen-core"
	python3 "$top/build/gdb/xencore.py" "$dir/$name.xen-core" "$dir/$name.core" || exit 1
	batch=
	[ -z "${HAKO_GDB_BATCH:-}" ] || batch="-batch -x $HAKO_GDB_BATCH"
	# shellcheck disable=SC2086  # (batch is a word list)
	exec gdb -q -nx -x "$top/build/gdb/hako.py" $batch "$image.elf" "$dir/$name.core"
	;;
esac
