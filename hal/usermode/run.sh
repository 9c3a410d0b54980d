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
	if ! command -v passt >/dev/null; then
		echo "$0: HAKO_NET=passt needs passt (Debian: apt-get install passt)" >&2
		exit 2
	fi
	dir=$(mktemp -d "${TMPDIR:-/tmp}/hako-passt.XXXXXX") || exit 2
	# passt drops root for nobody, who must be able to make the socket.
	chmod 1777 "$dir"
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
	# start_passt [EXTRA...]: passt in the background, its socket ready;
	# status 1 if it ended first (its log says why), 2 if it never bound.
	start_passt() {
		# shellcheck disable=SC2086
		passt -f -l "$dir/passt.log" -s "$dir/sock" -a 10.0.2.15 -n 24 -g 10.0.2.2 \
			$popts ${HAKO_PASST_ARGS:-} "$@" </dev/null >/dev/null 2>&1 &
		passt_pid=$!
		i=0
		while [ ! -S "$dir/sock" ]; do
			kill -0 "$passt_pid" 2>/dev/null || return 1
			[ $i -lt 500 ] || return 2
			sleep 0.01
			i=$((i + 1))
		done
	}
	# passt sandboxes itself in a user namespace of its own, which the
	# kernel refuses inside a chroot.  There (run as root) it keeps root's
	# rights instead, to make its other namespaces: still sandboxed in its
	# own mount, IPC, UTS and PID namespaces with its system calls
	# filtered, but without the user namespace.  Said, not silent.
	if ! start_passt && grep -q "user namespace" "$dir/passt.log" 2>/dev/null &&
		[ "$(id -u)" = 0 ]; then
		echo "run.sh: passt cannot make its user namespace here (a chroot?):" \
			"running it as root without one (--netns-only --runas 0:0)" >&2
		rm -f "$dir/passt.log" "$dir/sock"
		start_passt --netns-only --runas 0:0
	fi
	if ! [ -S "$dir/sock" ] || ! kill -0 "$passt_pid" 2>/dev/null; then
		echo "$0: passt did not start:" >&2
		cat "$dir/passt.log" >&2 2>/dev/null
		kill "$passt_pid" 2>/dev/null
		exit 2
	fi
	sleep 0.02 # bound, now listening
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
