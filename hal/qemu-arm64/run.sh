#!/bin/sh
# SPDX-License-Identifier: MIT
# Boot a qemu-arm64 image on QEMU's virt machine, console on stdout; exit
# with the app's status.
#   hal/qemu-arm64/run.sh IMAGE [ARGS...]
#
# ARGS become the kernel command line (-append, which QEMU puts in the
# device tree's /chosen/bootargs), each one double-quoted with a backslash
# before " and \, as the usermode port does.  Works without a terminal (CI:
# no TTY, stdin closed): no display, no monitor, stdin from /dev/null, and
# a timeout.
#
# Exit status: the image reports its status through Arm semihosting: a
# decimal line on the semihosting console (a file here), then
# SYS_EXIT_EXTENDED, which makes QEMU exit with it.  A panic gives 255.
# Other outcomes:
#   124  the timeout expired (HAKO_QEMU_TIMEOUT seconds, default 300; 0: none)
#   125  QEMU failed, or the image stopped without saying its status
#
# Environment: HAKO_QEMU_MEM (-m, default 64M), HAKO_QEMU_CPU (default
# cortex-a57; "max" has RNDR), HAKO_QEMU_MACHINE (default virt), HAKO_QEMU
# (the QEMU binary), HAKO_QEMU_ARGS (extra options, split on spaces),
# HAKO_SHUTDOWN_AFTER=S (press the power button, QMP's system_powerdown,
# S seconds after QEMU starts; every port's run.sh takes it).  SIGTERM to
# this script presses the button too (a second one, or SIGINT, ends QEMU).  TCG only:
# this runs on an x86_64 host.
#
# Devices (virtio-mmio, modern interface; the image's net0 and disk0):
#   HAKO_NET=user        a virtio-net on QEMU's user network (slirp: DHCP
#                        gives 10.0.2.15, the host is 10.0.2.2), with
#   HAKO_HOSTFWD="RULE..."  host ports forwarded into the image, QEMU's
#                        hostfwd rules separated by spaces; default
#                        "tcp:127.0.0.1:8007-:7 tcp:127.0.0.1:8080-:80" (echo,
#                        httpd), said on stderr.  A rule without a host
#                        address gets 127.0.0.1.
#   HAKO_NET=passt       the NIC on passt (rootless, started here; the same
#                        addresses as the user network, HAKO_HOSTFWD's TCP and
#                        UDP rules as its forwards, HAKO_PASST_ARGS more of
#                        its options): QEMU's user network listens with a
#                        backlog of 1 and drops handshakes under many
#                        clients (a 1 s retransmission each), passt does not.
#   HAKO_NET=tap:NAME    a virtio-net on the existing TAP device NAME.
#   HAKO_NET_MAC=MAC     the NIC's MAC address (QEMU's default: 52:54:00:12:34:56).
#   HAKO_DISKS="PATH[:ro] ..."  virtio-blk devices disk0, disk1... over raw
#                        image files (:ro read-only; paths without spaces),
#                        as usermode's and qemu-x86's run.sh take them;
#   HAKO_DISK=PATH       one disk (HAKO_DISK_RO=1: read-only), before those.
# The virt machine has 32 virtio-mmio windows; QEMU fills them from the
# last one down, the image probes them all.
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 IMAGE [ARGS...]" >&2
	exit 2
fi
image=$1
shift
# (folders without a process each: run.sh starts every QEMU test)
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
qemu=${HAKO_QEMU:-qemu-system-aarch64}
timeout_s=${HAKO_QEMU_TIMEOUT:-300}
mem=${HAKO_QEMU_MEM:-64M}
cpu=${HAKO_QEMU_CPU:-cortex-a57}
machine=${HAKO_QEMU_MACHINE:-virt}

if [ ! -r "$image" ]; then
	echo "$0: cannot read image '$image'" >&2
	exit 2
fi
# An arm64 Image has "ARM\x64" at byte 56.
if [ "$(od -An -tx1 -j56 -N4 "$image")" != " 41 52 4d 64" ]; then
	echo "$0: '$image' has no arm64 Image header: not a qemu-arm64 image" >&2
	exit 2
fi

# The quoting rule of hal/usermode/hal.c's append_arg().
cmdline=
for arg in "$@"; do
	case $arg in
	*[\\\"]*) # (a process per argument only where the rule changes it)
		quoted=$(printf '%s' "$arg" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; printf x)
		quoted=${quoted%x}
		;;
	*) quoted=$arg ;;
	esac
	cmdline="$cmdline${cmdline:+ }\"$quoted\""
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hako-qemu.XXXXXX") || exit 125
passt_pid=
trap '[ -z "$passt_pid" ] || kill "$passt_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
: >"$tmp/status"

# Devices, as QEMU options in the positional parameters from here on.
qemu_nic=virtio-net-device,netdev=net0
set -- -global virtio-mmio.force-legacy=false
net=${HAKO_NET:-}
qemu_blk=virtio-blk-device
. "$here/../common/qemu-devices.sh"

qmp_args="-qmp unix:$tmp/qmp,server=on,wait=off"
qemu_press_after

# IMAGE.initrd, when it exists (make builds it from the app's rootfs/):
# QEMU loads it and names it in the device tree's /chosen.
# (A link in $tmp: the path goes unquoted into the word list.)
initrd_args=
if [ -f "$image.initrd" ]; then
	ln -s "$(cd "$(dirname "$image")" && pwd)/$(basename "$image").initrd" "$tmp/initrd"
	initrd_args="-initrd $tmp/initrd"
fi

# QEMU runs in the background so that a SIGTERM to this script can press
# the power button (the image shuts down cleanly, as usermode's does on
# SIGTERM); a second SIGTERM, or SIGINT, ends QEMU at once.
# shellcheck disable=SC2086 # qmp_args, initrd_args and HAKO_QEMU_ARGS are word lists
timeout --foreground -k 5 "$timeout_s" "$qemu" -M "$machine" -cpu "$cpu" -accel tcg \
	-m "$mem" -nodefaults -display none -monitor none -no-reboot -serial stdio \
	-chardev "file,id=hako-status,path=$tmp/status" \
	-semihosting-config enable=on,target=native,chardev=hako-status $qmp_args \
	$initrd_args "$@" ${HAKO_QEMU_ARGS:-} -kernel "$image" -append "$cmdline" </dev/null &
qemu_pid=$!
terms=0
on_term() {
	terms=$((terms + 1))
	if [ "$terms" = 1 ]; then
		powerdown
	else
		kill "$qemu_pid" 2>/dev/null
	fi
}
trap on_term TERM
trap 'kill "$qemu_pid" 2>/dev/null; exit 130' INT
# wait returns early when a trapped signal arrives: wait again until QEMU
# is gone (a process not yet reaped still answers kill -0).
rc=0
while kill -0 "$qemu_pid" 2>/dev/null; do
	wait "$qemu_pid"
	rc=$?
done
trap - TERM INT
[ -n "$presser" ] && kill "$presser" 2>/dev/null

status=
[ -r "$tmp/status" ] && read -r status <"$tmp/status"
case $rc:$status in
124:*)
	echo "$0: timed out after ${timeout_s}s" >&2
	exit 124
	;;
*:[0-9] | *:[0-9][0-9] | *:[0-9][0-9][0-9])
	exit "$status"
	;;
esac
echo "$0: QEMU exited with status $rc and the image reported no status" >&2
exit 125
