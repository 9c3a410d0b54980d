#!/bin/sh
# SPDX-License-Identifier: MIT
# build/e2fsgen.sh LIBDIR OUTDIR: what e2fsprogs' configure and make would
# generate for libext2fs, from its own inputs in LIBDIR (its lib/ folder):
# the integer types header, the error table (compile_et's awk scripts) and
# the CRC32c table (its generator, built for the host).  For the image
# (services/ext2/build.mk) and the host fuzzer (test/unit/Makefile).
# OUTDIR/stamp marks a complete output.  Builds sharing OUTDIR may run this
# at once: each works in a folder of its own, the first to finish wins.
set -eu
lib=${1:?usage: build/e2fsgen.sh E2FSPROGS_LIB OUTDIR}
out=${2:?usage: build/e2fsgen.sh E2FSPROGS_LIB OUTDIR}
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$out.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ext2fs"
sed -e 's/@ASM_TYPES_HEADER@//' -e 's/@SIZEOF_SHORT@/2/g' -e 's/@SIZEOF_INT@/4/g' \
	-e 's/@SIZEOF_LONG@/8/g' -e 's/@SIZEOF_LONG_LONG@/8/g' -e 's/@PUBLIC_CONFIG_HEADER@//' \
	"$lib/ext2fs/ext2_types.h.in" >"$tmp/ext2fs/ext2_types.h"
sed 's/@E2FSPROGS_VERSION@/Debian e2fsprogs/' "$lib/ext2fs/ext2_err.et.in" >"$tmp/ext2_err.et"
(cd "$tmp" &&
	awk -f "$lib/et/et_h.awk" outfile=ext2fs/ext2_err.h outfn=ext2_err.h ext2_err.et &&
	awk -f "$lib/et/et_c.awk" outfile=ext2_err.c outfn=ext2_err.c ext2_err.et)
gcc -O2 -o "$tmp/gen_crc32ctable" "$lib/ext2fs/gen_crc32ctable.c"
"$tmp/gen_crc32ctable" >"$tmp/crc32c_table.h"
touch "$tmp/stamp"
if [ -f "$out/stamp" ]; then
	exit 0 # another build made it
fi
rm -rf "$out"
mv -T "$tmp" "$out" 2>/dev/null || [ -f "$out/stamp" ]
