#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian packages a task needs, when they are missing.
#   build/deps.sh build|usermode|qemu-x86|xen|test|all
#   build/deps.sh --list TASK      print the task's packages, one a line
# Checking is quick (dpkg-query); apt-get runs only for what is missing.
# Every command a script calls comes from one of these packages: the harness
# suite checks it (test/commands.py holds the command -> package table).
set -euo pipefail

# On every Debian (Essential or required), listed so that the lists name the
# package of every command the scripts call: shells, coreutils (timeout, od,
# md5sum, sha256sum, stat, ...), sed, grep, mawk, find/xargs, diff, gzip/zcat,
# flock, dpkg-query, apt-get.
base=(bash dash coreutils sed grep mawk findutils diffutils gzip util-linux dpkg apt)
build=("${base[@]}" gcc make binutils libc6-dev python3 python3-kconfiglib dpkg-dev xz-utils)
qemu=(qemu-system-x86)
xen=(qemu-system-x86 xen-hypervisor-4.17-amd64 libxen-dev xz-utils cpio gzip)
# check + pkg-config: the unit tests; time: /usr/bin/time (CPU use of an
# idle image, peak RSS in the benchmarks).
tests=(check pkg-config time)

list=0
if [ "${1:-}" = --list ]; then
	list=1
	shift
fi
case "${1:-all}" in
build | usermode) want=("${build[@]}") ;;
qemu-x86) want=("${build[@]}" "${qemu[@]}") ;;
xen) want=("${build[@]}" "${xen[@]}") ;;
test | all) want=("${build[@]}" "${qemu[@]}" "${xen[@]}" "${tests[@]}") ;;
*)
	echo "usage: $0 [--list] build|usermode|qemu-x86|xen|test|all" >&2
	exit 2
	;;
esac
mapfile -t want < <(printf '%s\n' "${want[@]}" | sort -u)
if [ "$list" = 1 ]; then
	printf '%s\n' "${want[@]}"
	exit 0
fi

missing=()
for p in "${want[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
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
if ! "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/tmp/hako-apt.log 2>&1; then
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/tmp/hako-apt.log 2>&1 ||
		{ cat /tmp/hako-apt.log >&2; echo "deps: apt-get install failed" >&2; exit 1; }
fi
echo "deps: done"
