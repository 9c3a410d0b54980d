#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run.sh: boot the Linux reference guest under QEMU (TCG) in the same
# configuration hal/qemu-x86/run.sh gives a Hako image with networking:
# -nodefaults, -cpu max, QEMU's user network with a host port forwarded to 127.0.0.1,
# virtio-net-pci (and virtio-blk-pci with a disk).
#
#   run.sh ROLE [--hostfwd tcp:127.0.0.1:HP-:GP]... [--disk FILE] [--mem M]
#          [--www DIR] [--args "..."] [--timeout S] [--passt]
#
# --passt: the NIC on passt instead of QEMU's user network, as
# hal/qemu-x86/run.sh does with HAKO_NET=passt (the same forwards).
#
# ROLE: echo (the static echo server on port 7), httpd (busybox httpd on
# port 80 serving --www), sh.  Prints the guest's console; exits when the
# guest powers off or the timeout (default 600 s) ends QEMU.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
role=${1:?usage: run.sh ROLE [options]}
shift
fwd=() disk= mem=256M www= args= timeout_s=600 passt=
while [ $# -gt 0 ]; do
	case $1 in
	--hostfwd) fwd+=("$2"); shift 2 ;;
	--disk) disk=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--www) www=$2; shift 2 ;;
	--args) args=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--passt) passt=1; shift ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
for f in "${fwd[@]}"; do
	case $f in
	tcp:127.0.0.1:* | udp:127.0.0.1:*) ;;
	*) echo "run.sh: forwards must bind 127.0.0.1 (got $f)" >&2; exit 2 ;;
	esac
done
cache=$("$here/mkguest.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
initrd=$cache/initramfs.gz
if [ -n "$www" ]; then
	# The files to serve, appended as a second cpio under /www.
	mkdir -p "$tmp/extra/www"
	cp -a "$www/." "$tmp/extra/www/"
	cp "$cache/initramfs.gz" "$tmp/initrd.gz"
	(cd "$tmp/extra" && find . | cpio -o -H newc --quiet) | gzip -1 >>"$tmp/initrd.gz"
	initrd=$tmp/initrd.gz
fi
netdev="user,id=n0"
for f in "${fwd[@]}"; do netdev="$netdev,hostfwd=$f"; done
passt_pid=
if [ -n "$passt" ]; then
	. "$here/../../../hal/common/passt.sh"
	passt_netdev "$tmp" n0 "${fwd[@]}" || exit 2
	netdev=$passt_netdev
	trap 'kill "$passt_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fi
disk_args=()
[ -n "$disk" ] && disk_args=(-drive "file=$disk,if=none,id=d0,format=raw,cache=writeback"
	-device virtio-blk-pci,drive=d0)
# (not exec'd: the exit trap ends passt and removes the folder)
timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -m "$mem" \
	-nodefaults -display none -monitor none -no-reboot -serial stdio \
	-netdev "$netdev" -device virtio-net-pci,netdev=n0,romfile= "${disk_args[@]}" \
	-kernel "$cache/vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 role=$role${args:+ bench_args=\"$args\"}" \
	</dev/null
