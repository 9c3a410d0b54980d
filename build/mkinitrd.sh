#!/bin/sh
# SPDX-License-Identifier: MIT
# build/mkinitrd.sh DIR OUT: the folder DIR as a newc cpio archive (an
# initrd), with Debian's GNU cpio.  Reproducible: entries sorted, owner
# root, and --reproducible (fixed inode numbers, no device numbers).
set -eu
dir=${1:?usage: build/mkinitrd.sh DIR OUT}
out=${2:?usage: build/mkinitrd.sh DIR OUT}
command -v cpio >/dev/null || { echo "mkinitrd: cpio is missing (build/deps.sh build)" >&2; exit 1; }
[ -d "$dir" ] || { echo "mkinitrd: no folder $dir" >&2; exit 1; }
tmp=$out.tmp
(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >"$tmp"
mv "$tmp" "$out"
