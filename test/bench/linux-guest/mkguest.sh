#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mkguest.sh: build the Linux reference guest the benchmarks compare Hako
# against, once, from Debian packages: Debian's kernel (the package
# linux-image-amd64 depends on today) and a busybox initramfs with the
# virtio and Xen front-end modules and ext4, busybox httpd, a static epoll
# echo server (echo.c) and Hako's own apps/fsbench/main.c built for Linux
# (the same benchmark program on both sides).  Nothing is installed on the
# host.
#
#   test/bench/linux-guest/mkguest.sh     prints the cache directory
#
# Cache: ${HAKO_CACHE:-$HOME/.cache/hako}/linux-guest/ with vmlinuz (the
# bzImage: QEMU -kernel and xl kernel= both take it) and initramfs.gz
# (padded to 512 bytes, so a per-run cpio can be appended).  A stamp keyed
# on these scripts makes a second run a no-op.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${HAKO_CACHE:-$HOME/.cache/hako}/linux-guest
say() { echo "linux-guest: $*" >&2; }
die() { say "error: $*"; exit 1; }

fsbench_c=$here/../../../apps/fsbench/main.c
key=$(cat "$here/mkguest.sh" "$here/init.sh" "$here/udhcpc.sh" "$here/echo.c" "$fsbench_c" |
	sha256sum | cut -c1-16)
if [ -f "$cache/key" ] && [ "$(cat "$cache/key")" = "$key" ] && [ -s "$cache/vmlinuz" ] &&
	[ -s "$cache/initramfs.gz" ]; then
	echo "$cache"
	exit 0
fi

# In load order: each after what it depends on (checked below).
MODULES=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover
	net_failover virtio_net virtio_blk xen-netfront xen-blkfront crc16 mbcache jbd2
	crc32c_generic ext4)

mkdir -p "$cache"
work=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$kpkg" ] || { apt-get update -qq || true; kpkg=$(apt-cache depends linux-image-amd64 |
	awk '/Depends: linux-image-[0-9]/ {print $2; exit}'); }
[ -n "$kpkg" ] || die "cannot tell which kernel linux-image-amd64 depends on"
say "downloading $kpkg and busybox-static"
apt-get download -q "$kpkg" busybox-static 2>&1 >/dev/null | grep -v 'unsandboxed as root' >&2 || true
ls ./"$kpkg"_*.deb ./busybox-static_*.deb >/dev/null 2>&1 || die "apt-get download failed"
for d in ./*.deb; do dpkg -x "$d" root; done

t=$work/initrd
mkdir -p "$t"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,www,bench,lib/modules/guest}
cp root/bin/busybox "$t/bin/busybox"
while read -r f; do
	[ -e "$t/$f" ] || ln -s /bin/busybox "$t/$f"
done < <(root/bin/busybox --list-full)
kver=$(basename "$(ls -d root/lib/modules/*/)")
: >"$t/lib/modules/guest/load.list"
for m in "${MODULES[@]}"; do
	f=$(find "root/lib/modules/$kver" -name "$m.ko" | head -n 1)
	[ -n "$f" ] || die "module $m.ko not in $kpkg"
	for dep in $(LC_ALL=C grep -ao 'depends=[a-z0-9_,-]*' "$f" | cut -d= -f2 | tr ',' ' '); do
		grep -qx "$dep" "$t/lib/modules/guest/load.list" || die "module $m needs $dep first"
	done
	cp "$f" "$t/lib/modules/guest/"
	echo "$m" >>"$t/lib/modules/guest/load.list"
done
install -m 0755 "$here/init.sh" "$t/init"
install -m 0755 "$here/udhcpc.sh" "$t/etc/udhcpc.sh"
gcc -O2 -static -Wall -Wextra -Werror -o "$t/bench/echo" "$here/echo.c" || die "echo.c did not build"
gcc -O2 -static -Wall -Wextra -Werror -o "$t/bench/fsbench" "$fsbench_c" ||
	die "apps/fsbench/main.c did not build for Linux"
(cd "$t" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/initramfs.gz"
truncate -s %512 "$work/initramfs.gz"
cp root/boot/vmlinuz-* "$cache/vmlinuz"
mv "$work/initramfs.gz" "$cache/initramfs.gz"
echo "$kpkg $(dpkg-deb -f ./"$kpkg"_*.deb Version)" >"$cache/versions.txt"
echo "$key" >"$cache/key"
say "built from $(cat "$cache/versions.txt")"
echo "$cache"
