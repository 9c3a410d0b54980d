#!/bin/sh
# SPDX-License-Identifier: MIT
# Boot a qemu-x86 image in QEMU, console on stdout; exit with the app's status.
#   hal/qemu-x86/run.sh IMAGE [ARGS...]
#
# ARGS become the kernel command line (-append), each one double-quoted with
# a backslash before " and \, as the usermode port does.  Works without a
# terminal (CI: no TTY, stdin closed): no display, no monitor, stdin from
# /dev/null, and a timeout.
#
# Exit status: the image writes its status to isa-debug-exit (QEMU exits
# with status*2+1, which keeps only 7 bits) and, exactly, as a line on COM2,
# which goes to a file here.  A panic gives 255.  Other outcomes:
#   124  the timeout expired (HAKO_QEMU_TIMEOUT seconds, default 300; 0: none)
#   125  QEMU failed, or the image stopped without saying its status
#
# IMAGE.initrd, when it exists (make builds it from the app's rootfs/), is
# loaded with -initrd (the first multiboot module).
#
# Environment: HAKO_QEMU_MEM (-m, default 64M), HAKO_QEMU_ACCEL (tcg, the
# default, with -cpu max: every feature TCG emulates, RDRAND for
# hal_entropy among them; or kvm), HAKO_QEMU (the QEMU binary), HAKO_QEMU_ARGS (extra
# options, split on spaces), HAKO_SHUTDOWN_AFTER=S (press the ACPI power
# button, QMP's system_powerdown, S seconds after QEMU starts: what a host's
# "virsh shutdown" does; every port's run.sh takes it).  SIGTERM to this
# script presses the button too (a second one, or SIGINT, ends QEMU).
#
# Devices (virtio, the image's net0 and disk0):
#   HAKO_NET=user        (the default for an image built with networking,
#                        CONFIG_NET in its .config; else none)
#                        a virtio-net-pci on QEMU's user network (slirp: DHCP
#                        gives 10.0.2.15, the host is 10.0.2.2), with
#   HAKO_HOSTFWD="RULE..."  host ports forwarded into the image, QEMU's
#                        hostfwd rules separated by spaces; default
#                        "tcp:127.0.0.1:8007-:7 tcp:127.0.0.1:8080-:80" (echo,
#                        httpd), said on stderr.  A rule without a host
#                        address gets 127.0.0.1: nothing listens beyond this
#                        machine unless a rule names an address.  Note that
#                        QEMU accepts a forwarded connection before the image
#                        listens: a readiness probe must wait for an answer.
#   HAKO_NET=passt       the NIC on passt (rootless, started here; the same
#                        addresses as the user network, HAKO_HOSTFWD's TCP and
#                        UDP rules as its forwards, HAKO_PASST_ARGS more of
#                        its options): QEMU's user network listens with a
#                        backlog of 1 and drops handshakes under many
#                        clients (a 1 s retransmission each), passt does not.
#   HAKO_NET=tap:NAME    a virtio-net-pci on the existing TAP device NAME (no
#                        scripts run; create it first, e.g. in a namespace).
#   HAKO_NET_MAC=MAC     the NIC's MAC address (QEMU's default: 52:54:00:12:34:56).
#   HAKO_DISKS="PATH[:ro] ..."  virtio-blk-pci devices disk0, disk1... over
#                        raw image files (:ro read-only; paths without spaces),
#                        as usermode's run.sh takes them;
#   HAKO_DISK=PATH       one disk (HAKO_DISK_RO=1: read-only), before those.
# KVM is opt-in: /dev/kvm can exist and still
# not work (nested virtualisation without the features QEMU needs: a guest
# then hangs on its first SSE instruction), and a probe would cost every run
# a second QEMU start or a timeout.
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 IMAGE [ARGS...]" >&2
	exit 2
fi
image=$1
shift
# (folders without a process each: run.sh starts every QEMU test)
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
case $image in */*) image_dir=${image%/*} ;; *) image_dir=. ;; esac
qemu=${HAKO_QEMU:-qemu-system-x86_64}
timeout_s=${HAKO_QEMU_TIMEOUT:-300}
mem=${HAKO_QEMU_MEM:-64M}

if [ ! -r "$image" ]; then
	echo "$0: cannot read image '$image'" >&2
	exit 2
fi

# Refuse a -m below the image's end (the multiboot header's bss_end_addr,
# the 7th word after its magic): QEMU would jump into missing memory and
# hang.  A -m that holds the image's first page but not all of it is
# caught by the image itself, which says so on the console.
kib() {
	case $1 in
	*[kK]) echo $((${1%?})) ;;
	*[mM]) echo $((${1%?} * 1024)) ;;
	*[gG]) echo $((${1%?} * 1048576)) ;;
	*[0-9]) echo $(($1 * 1024)) ;; # QEMU's default unit is MiB
	*) echo 0 ;;
	esac
}
need=$(od -An -tx4 -N8192 -v "$image" | awk '{ for (i = 1; i <= NF; i++) {
	n++; if ($i == "1badb002") f = n; if (f && n == f + 6) { print $i; exit } } }')
if [ -z "$need" ]; then
	echo "$0: '$image' has no multiboot header: not a qemu-x86 image" >&2
	exit 2
fi
need=$(((0x$need + 1023) / 1024))
if [ "$(kib "$mem")" -lt "$need" ]; then
	echo "$0: -m $mem is too small: the image needs at least ${need}K" >&2
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
# QEMU puts the image's path before the command line (multiboot) and the
# kernel skips up to the first space: give it a path without one.
initrd_args=
if [ -f "$image.initrd" ]; then
	# -initrd splits its argument on commas and spaces: a plain path.
	ln -s "$(cd "$(dirname "$image")" && pwd)/$(basename "$image").initrd" "$tmp/initrd"
	initrd_args="-initrd $tmp/initrd"
fi
case $image in
*" "*)
	ln -s "$(cd "$(dirname "$image")" && pwd)/$(basename "$image")" "$tmp/image"
	image=$tmp/image
	;;
esac

case ${HAKO_QEMU_ACCEL:-tcg} in
kvm) accel_args="-accel kvm -cpu host" ;;
tcg) accel_args="-accel tcg -cpu max" ;;
*)
	echo "$0: HAKO_QEMU_ACCEL must be tcg or kvm" >&2
	exit 2
	;;
esac

# Devices.  romfile= skips the NIC's PXE ROM (nothing boots from it).
qemu_nic=virtio-net-pci,netdev=net0,romfile=
set --
net=${HAKO_NET:-}
if [ -z "$net" ] && [ -r "$image_dir/.config" ]; then
	while IFS= read -r line; do
		[ "$line" = CONFIG_NET=y ] && net=user && break
	done <"$image_dir/.config"
fi
qemu_blk=virtio-blk-pci
. "$here/../common/qemu-devices.sh"

qemu_press_after

# QEMU runs in the background so that a SIGTERM to this script can press
# the power button (the image shuts down cleanly, as usermode's does on
# SIGTERM); a second SIGTERM, or SIGINT, ends QEMU at once.
# shellcheck disable=SC2086 # accel_args, initrd_args and HAKO_QEMU_ARGS are word lists
timeout --foreground -k 5 "$timeout_s" "$qemu" $accel_args -m "$mem" \
	-nodefaults -display none -monitor none -no-reboot \
	-serial stdio -serial "file:$tmp/status" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -qmp "unix:$tmp/qmp,server=on,wait=off" $initrd_args \
	"$@" ${HAKO_QEMU_ARGS:-} -kernel "$image" -append "$cmdline" </dev/null &
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
if [ $((rc % 2)) = 1 ] && [ "$rc" -gt 1 ]; then
	exit $(((rc - 1) / 2)) # isa-debug-exit without the COM2 line
fi
echo "$0: QEMU exited with status $rc and the image reported no status" >&2
exit 125
