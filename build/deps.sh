#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian packages a task needs, when they are missing.
#   build/deps.sh build|usermode|qemu-x86|qemu-arm64|xen|debug|test|all [ARCH]
#   build/deps.sh --list TASK [ARCH]   print the task's packages, one a line
# ARCH (x86_64, arm64) adds the cross toolchain when it is not the host's,
# and for usermode the user-mode emulator that runs the image.
# Checking is quick (dpkg-query); apt-get runs only for what is missing.
# Every command a script calls comes from one of these packages: the harness
# suite checks it (test/commands.py holds the command -> package table).
set -euo pipefail

# On every Debian (Essential or required), listed so that the lists name the
# package of every command the scripts call: shells, coreutils (timeout, od,
# md5sum, sha256sum, stat, ...), sed, grep, mawk, find/xargs, diff, gzip/zcat,
# flock, dpkg-query, apt-get.
base=(bash dash coreutils sed grep mawk findutils diffutils gzip util-linux dpkg apt tar)
# git: the build id of the boot line (build/buildid.sh: git describe).
build=("${base[@]}" gcc make binutils libc6-dev python3 python3-kconfiglib dpkg-dev xz-utils cpio git)
qemu=(qemu-system-x86)
# Cross builds for arm64 and what runs them on an x86_64 host.
arm64=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu)
qemu_arm64=(qemu-system-arm)
user_arm64=(qemu-user)
xen=(qemu-system-x86 xen-hypervisor-4.17-amd64 libxen-dev xz-utils cpio gzip)
# check + pkg-config: the unit tests; time: /usr/bin/time (CPU use of an
# idle image, peak RSS in the benchmarks).
# clang + libclang-rt-14-dev: libFuzzer (the device-tree reader's, the cpio
# reader's, the ext2 driver's, the passt stream's and the address parsers'
# fuzzing); e2fsprogs: mkfs.ext4, debugfs, e2fsck (the storage tests);
# busybox-static (udhcpd), iproute2 (ip, ss): the qemu-x86 TAP test, the
# debugger tests and the network tests; procps (pgrep), libc-bin (getconf):
# the qemu-x86 devices benchmark; gdb, gdb-multiarch: the debugger tests.
# passt socat python3-scapy iputils-ping: the network tests (a rootless NIC,
# host-side clients, malformed frames, namespaces with TAPs); curl wrk: the
# HTTP server's tests and benchmark.
# libvirt-clients (virt-xml-validate) and libxml2-utils (the xmllint it
# runs, only a recommendation of libvirt-clients): the Xen lifecycle suite
# checks make's libvirt XML against libvirt's schema.
tests=(check pkg-config time clang libclang-rt-14-dev e2fsprogs busybox-static iproute2 procps
	libc-bin gdb gdb-multiarch passt socat python3-scapy iputils-ping libvirt-clients
	libxml2-utils curl wrk)
# make debug: gdb, and gdb-multiarch for an arm64 image (with the
# platform's own task).
debug=(gdb gdb-multiarch)
host=$(uname -m)

list=0
if [ "${1:-}" = --list ]; then
	list=1
	shift
fi
case "${1:-all}" in
build) want=("${build[@]}") ;;
usermode) want=("${build[@]}" passt) ;; # passt: run.sh's rootless network
# (passt: run.sh's HAKO_NET=passt on the QEMU ports too)
qemu-x86) want=("${build[@]}" "${qemu[@]}" passt) ;;
qemu-arm64) want=("${build[@]}" "${arm64[@]}" "${qemu_arm64[@]}" passt) ;;
xen) want=("${build[@]}" "${xen[@]}") ;;
debug) want=("${build[@]}" "${debug[@]}") ;;
test | all)
	want=("${build[@]}" "${qemu[@]}" "${xen[@]}" "${tests[@]}" "${arm64[@]}"
		"${qemu_arm64[@]}" "${user_arm64[@]}")
	;;
*)
	echo "usage: $0 [--list] build|usermode|qemu-x86|qemu-arm64|xen|debug|test|all [ARCH]" >&2
	exit 2
	;;
esac
case ${2:-}:$host in
arm64:aarch64 | x86_64:x86_64 | :*) ;;
arm64:*)
	want+=("${arm64[@]}")
	[ "$1" = usermode ] && want+=("${user_arm64[@]}")
	;;
x86_64:*) want+=(gcc-x86-64-linux-gnu binutils-x86-64-linux-gnu) ;;
*)
	echo "deps: unknown ARCH '$2' (x86_64 or arm64)" >&2
	exit 2
	;;
esac
mapfile -t want < <(printf '%s\n' "${want[@]}" | sort -u)
if [ "$list" = 1 ]; then
	printf '%s\n' "${want[@]}"
	exit 0
fi

# One dpkg-query for every package: this runs before each configuration
# step of every build, and a query per package took half a second.
declare -A installed=()
while IFS=$'\t' read -r p status; do
	if [ "$status" = "install ok installed" ]; then installed[$p]=1; fi
done < <(dpkg-query -W -f='${Package}\t${Status}\n' "${want[@]}" 2>/dev/null || true)
missing=()
for p in "${want[@]}"; do
	[ -n "${installed[$p]:-}" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
	echo "deps: missing packages ${missing[*]}, and no apt-get to install them" >&2
	exit 1
fi
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
install=("${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}")
if ! "${install[@]}" >/tmp/hako-apt.log 2>&1; then
	"${sudo[@]}" apt-get update -qq
	"${install[@]}" >/tmp/hako-apt.log 2>&1 ||
		{ cat /tmp/hako-apt.log >&2; echo "deps: apt-get install failed" >&2; exit 1; }
fi
echo "deps: done"
