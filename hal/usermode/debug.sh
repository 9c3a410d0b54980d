#!/bin/sh
# SPDX-License-Identifier: MIT
# Debug a usermode image: gdb runs the process, stopped at its first
# instruction (starti), with the image's symbols (IMAGE.elf) and Hako's gdb
# commands (build/gdb/hako.py: hako-threads, hako-bt...) loaded.
#   hal/usermode/debug.sh IMAGE [ARGS...]      (make debug)
# HAKO_GDB_BATCH=FILE: run FILE's gdb commands in batch mode instead of an
# interactive session (the tests); gdb's status is the script's.
# The image runs as under run.sh: ARGS reach it unchanged (no shell between);
# the debug twin IMAGE.elf is what runs (the same code, with its symbols).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 IMAGE [ARGS...]" >&2; exit 2; }
image=$1
shift
elf=$image.elf
[ -r "$elf" ] || { echo "$0: no $elf (the image's debug twin): build with make" >&2; exit 2; }
# An image of another architecture than the host's runs under qemu-user,
# whose gdbstub (-g) stops it at its first instruction: gdb-multiarch
# connects (build/gdb/qemu-gdb.sh).  ELF e_machine: 3e00 x86_64, b700 AArch64.
case $(od -An -tx1 -j18 -N2 "$elf" | tr -d ' \n'):$(uname -m) in
b700:aarch64 | 3e00:x86_64) ;;
b700:*) exec "$top/build/gdb/qemu-gdb.sh" "$elf" - - "${HAKO_QEMU_USER:-qemu-aarch64}" \
	-g @PORT@ "$elf" "$@" ;;
3e00:*) exec "$top/build/gdb/qemu-gdb.sh" "$elf" - - "${HAKO_QEMU_USER:-qemu-x86_64}" \
	-g @PORT@ "$elf" "$@" ;;
esac
command -v gdb >/dev/null || { echo "$0: gdb is missing (Debian: apt-get install gdb)" >&2; exit 2; }
if [ -n "${HAKO_GDB_BATCH:-}" ]; then
	set -- -batch -x "$HAKO_GDB_BATCH" --args "$elf" "$@"
else
	set -- --args "$elf" "$@"
fi
# SIGTERM is the platform's shutdown request, SIGSEGV and friends the
# image's own fault reports: let them through, but say so.
exec gdb -q -nx -x "$top/build/gdb/hako.py" -ex 'set startup-with-shell off' \
	-ex 'set confirm off' -ex 'handle SIGTERM nostop print pass' -ex starti "$@"
