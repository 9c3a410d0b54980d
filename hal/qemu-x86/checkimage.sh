#!/bin/sh
# SPDX-License-Identifier: MIT
# checkimage.sh IMAGE: the multiboot loader copies IMAGE flat to 1 MiB
# (boot.S), so every PT_LOAD that holds file bytes must sit at file offset
# = load address - 1 MiB, and none may reach past the file's end.  The
# linker decides the offsets (image.ld, port.mk's max-page-size): check.
set -eu
img=$1
size=$(stat -c %s "$img")
readelf -lW "$img" | awk '$1 == "LOAD" { print $2, $4, $5 }' | {
	n=0
	while read -r off paddr filesz; do
		n=$((n + 1))
		[ $((filesz)) -eq 0 ] && continue
		if [ $((off)) -ne $((paddr - 0x100000)) ] || [ $((off + filesz)) -gt "$size" ]; then
			echo "$img: PT_LOAD at file offset $off, load address $paddr:" \
				"the flat multiboot copy would put it elsewhere" >&2
			exit 1
		fi
	done
	[ "$n" -gt 0 ] || { echo "$img: no PT_LOAD" >&2; exit 1; }
}
