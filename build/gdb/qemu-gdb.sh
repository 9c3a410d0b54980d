#!/bin/bash
# SPDX-License-Identifier: MIT
# gdb on an image that runs under QEMU, through QEMU's gdbstub: the shared
# half of the ports' debug.sh (qemu-x86, qemu-arm64, Xen dom0, and usermode
# images of a foreign architecture under qemu-user).
#   build/gdb/qemu-gdb.sh ELF ENTRY VAR RUNNER [ARGS...]
#
# Picks a free TCP port on 127.0.0.1 and runs RUNNER ARGS (a port's run.sh,
# or the emulator) in a process group of its own, with @PORT@ in its
# arguments replaced by the port and, unless VAR is "-", the environment
# variable VAR extended by "-gdb tcp:127.0.0.1:PORT -S" (a run.sh passes it
# to QEMU: the gdbstub listens on the loopback only, the CPU starts
# stopped).  Then gdb (gdb-multiarch for an image of another architecture
# than the host's) gets the image's architecture (from ELF's header), its
# symbols, Hako's commands (build/gdb/hako.py), `target remote`, and, unless
# ENTRY is "-" (the target stops at the entry by itself), a temporary
# breakpoint at ENTRY, continued to.  When gdb exits, QEMU is stopped if it
# still runs; the image's status, if it ended, is printed as "debug: the
# image ended with status N".  HAKO_GDB_BATCH=FILE: FILE's gdb commands in
# batch mode instead of a session (the tests).  Exit status: gdb's.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 4 ] || { echo "usage: $0 ELF ENTRY VAR RUNNER [ARGS...]" >&2; exit 2; }
elf=$1 entry=$2 var=$3
shift 3
[ -r "$elf" ] || { echo "debug: no $elf (the image's debug twin): build with make" >&2; exit 2; }

# ELF e_machine (bytes 18-19, little endian): 3e00 x86_64, b700 AArch64.
case $(od -An -tx1 -j18 -N2 "$elf" | tr -d ' \n'):$(uname -m) in
3e00:x86_64) gdb=gdb arch=i386:x86-64 ;;
b700:aarch64) gdb=gdb arch=aarch64 ;;
3e00:*) gdb=gdb-multiarch arch=i386:x86-64 ;;
b700:*) gdb=gdb-multiarch arch=aarch64 ;;
*) echo "debug: $elf is neither an x86_64 nor an AArch64 image" >&2; exit 2 ;;
esac
command -v "$gdb" >/dev/null ||
	{ echo "debug: $gdb is missing (Debian: apt-get install $gdb)" >&2; exit 2; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hako-debug.XXXXXX") || exit 2
runner=
cleanup() {
	if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
		kill -TERM -- "-$runner" 2>/dev/null
		wait "$runner" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$var" = - ] || export "$var=${!var:+${!var} }-gdb tcp:127.0.0.1:$port -S"
cmd=("${@//@PORT@/$port}")
setsid bash -c '"$@"; echo $? >"$0"' "$tmp/status" "${cmd[@]}" </dev/null &
runner=$!
# QEMU is up once its gdbstub listens (the Xen rig first builds its files).
# qemu-user's takes one connection only: there gdb's own retries wait.
[ "$var" = - ] || for _ in $(seq 600); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	if ! kill -0 "$runner" 2>/dev/null; then
		echo "debug: QEMU did not start (status $(cat "$tmp/status" 2>/dev/null))" >&2
		exit 2
	fi
	sleep 0.1
done

echo "debug: gdb attaches to QEMU's gdbstub at 127.0.0.1:$port"
go=()
[ "$entry" = - ] || go=(-ex "tbreak $entry" -ex continue)
batch=()
[ -z "${HAKO_GDB_BATCH:-}" ] || batch=(-batch -x "$HAKO_GDB_BATCH")
"$gdb" -q -nx -ex 'set confirm off' -ex 'set tcp connect-timeout 30' \
	-ex "set architecture $arch" -ex "file $elf" \
	-x "$top/build/gdb/hako.py" -ex "target remote 127.0.0.1:$port" "${go[@]}" "${batch[@]}"
rc=$?
# The image may still be printing its last lines.
for _ in $(seq 100); do
	kill -0 "$runner" 2>/dev/null || break
	sleep 0.1
done
[ ! -s "$tmp/status" ] || echo "debug: the image ended with status $(cat "$tmp/status")"
exit $rc
