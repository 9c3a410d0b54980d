#!/bin/sh
# SPDX-License-Identifier: MIT
# Run a usermode image: it is an ordinary process, so just start it, under
# the user-mode emulator when it was built for another architecture
# (qemu-aarch64 for an arm64 image on an x86_64 host; HAKO_QEMU_USER names
# another).  Usage: run.sh IMAGE [ARGS...]; exits with the app's status.
#
# HAKO_SHUTDOWN_AFTER=S: send SIGTERM (the platform's shutdown request) S
# seconds after the start, as every port's run.sh does with its own request
# (qemu-user passes it on to the image).
#
# Networking, for an image built with CONFIG_NET (its .config says so):
#   HAKO_NET=passt (the default for such an image): start passt (no root
#       needed) and give the image its socket as net0; passt gives DHCP,
#       NAT to the host's network, and the port forwards below.
#   HAKO_NET=tap:IFNAME: use an existing TAP device (root, or a persistent
#       TAP owned by the user); addresses as the image's options say.
#   HAKO_NET=none: no network device (loopback only).
#   HAKO_NET_FWD="HOST:GUEST ...": ports passt forwards from 127.0.0.1 to
#       the image, TCP and UDP (default "7007:7 8080:80"; "" for none).
#   HAKO_PASST_ARGS: more options for passt.
# passt gives the image QEMU's user-network addresses (10.0.2.15/24, gateway
# 10.0.2.2) and connects out for it as a NAT does: the image reaches this
# host at the host's own address (hostname -I), and anything else the host
# can reach.
set -u
if [ $# -lt 1 ]; then
	echo "usage: $0 IMAGE [ARGS...]" >&2
	exit 2
fi
image=$1
cfg=$(dirname "$image")/.config
opts=
[ -f "$image.initrd" ] && opts="--initrd=$image.initrd"
for d in ${HAKO_DISKS:-}; do
	opts="$opts --disk=$d"
done
# ELF e_machine (bytes 18-19, little endian): 3e00 x86_64, b700 AArch64.
runner=
machine=$(od -An -tx1 -j18 -N2 "$image" 2>/dev/null | tr -d ' \n')
case $machine:$(uname -m) in
b700:aarch64 | 3e00:x86_64 | :*) ;;
b700:*) runner=${HAKO_QEMU_USER:-qemu-aarch64} ;;
3e00:*) runner=${HAKO_QEMU_USER:-qemu-x86_64} ;;
esac

if [ -n "${HAKO_SHUTDOWN_AFTER:-}" ]; then
	case $HAKO_SHUTDOWN_AFTER in
	*[!0-9.]*)
		echo "$0: HAKO_SHUTDOWN_AFTER must be a number of seconds" >&2
		exit 2
		;;
	esac
fi

net=${HAKO_NET:-}
if [ -z "$net" ]; then
	if [ -f "$cfg" ] && grep -q '^CONFIG_NET=y' "$cfg"; then net=passt; else net=none; fi
fi

passt_pid=
dir=
cleanup() {
	[ -n "$passt_pid" ] && kill "$passt_pid" 2>/dev/null
	# HAKO_PASST_LOG=FILE keeps passt's log there (a test's diagnosis)
	[ -n "$dir" ] && [ -n "${HAKO_PASST_LOG:-}" ] && cp "$dir/passt.log" "$HAKO_PASST_LOG" 2>/dev/null
	[ -n "$dir" ] && rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

case $net in
none) netopt= ;;
tap:*) netopt=--net=$net ;;
passt)
	dir=$(mktemp -d "${TMPDIR:-/tmp}/hako-passt.XXXXXX") || exit 2
	fwd=${HAKO_NET_FWD-7007:7 8080:80}
	popts=
	for f in $fwd; do
		case $f in
		*[!0-9:]* | :* | *: | *:*:*)
			echo "$0: HAKO_NET_FWD: '$f' is not HOSTPORT:GUESTPORT" >&2
			exit 2
			;;
		esac
		popts="$popts -t 127.0.0.1/$f -u 127.0.0.1/$f"
	done
	. "$(dirname "$0")/../common/passt.sh"
	# shellcheck disable=SC2086 # word lists
	passt_start "$dir" $popts ${HAKO_PASST_ARGS:-} || exit 2
	if [ -n "$fwd" ]; then
		echo "run.sh: passt forwards$(for f in $fwd; do printf ' 127.0.0.1:%s->%s' "${f%%:*}" "${f#*:}"; done) (TCP and UDP)" >&2
	fi
	netopt="--net=passt:$dir/sock"
	;;
*)
	echo "$0: HAKO_NET must be passt, tap:IFNAME or none, not '$net'" >&2
	exit 2
	;;
esac

shift
# (Before ARGS, which may hold port options of their own, --mem=...)
# shellcheck disable=SC2086 # word lists (no spaces in their paths)
$runner "$image" $opts $netopt "$@" &
pid=$!
# A signal to run.sh goes on to the image (its shutdown request).
trap 'kill -TERM $pid 2>/dev/null' TERM INT
killer=
if [ -n "${HAKO_SHUTDOWN_AFTER:-}" ]; then
	(sleep "$HAKO_SHUTDOWN_AFTER" && kill -TERM "$pid" 2>/dev/null) &
	killer=$!
fi
# wait returns early (status > 128) when a trapped signal arrives: wait
# again until the image itself has ended, and take its status.
while :; do
	wait "$pid"
	rc=$?
	[ $rc -gt 128 ] || break
	kill -0 "$pid" 2>/dev/null && continue
	wait "$pid"
	rc=$?
	break
done
[ -n "$killer" ] && kill "$killer" 2>/dev/null
exit $rc
