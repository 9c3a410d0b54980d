#!/bin/sh
# SPDX-License-Identifier: MIT
# build/e2fsgen.sh LIBDIR OUTDIR: what e2fsprogs' configure and make would
# generate for libext2fs, from its own inputs in LIBDIR (its lib/ folder):
# the integer types header, the error table (compile_et's awk scripts) and
# the CRC32c table (its generator, built for the host).  For the image
# (services/ext2/build.mk) and the host fuzzer (test/unit/Makefile).
set -eu
lib=${1:?usage: build/e2fsgen.sh E2FSPROGS_LIB OUTDIR}
out=${2:?usage: build/e2fsgen.sh E2FSPROGS_LIB OUTDIR}
rm -rf "$out.tmp"
mkdir -p "$out.tmp/ext2fs"
sed -e 's/@ASM_TYPES_HEADER@//' -e 's/@SIZEOF_SHORT@/2/g' -e 's/@SIZEOF_INT@/4/g' \
	-e 's/@SIZEOF_LONG@/8/g' -e 's/@SIZEOF_LONG_LONG@/8/g' -e 's/@PUBLIC_CONFIG_HEADER@//' \
	"$lib/ext2fs/ext2_types.h.in" >"$out.tmp/ext2fs/ext2_types.h"
sed 's/@E2FSPROGS_VERSION@/Debian e2fsprogs/' "$lib/ext2fs/ext2_err.et.in" >"$out.tmp/ext2_err.et"
(cd "$out.tmp" &&
	awk -f "$lib/et/et_h.awk" outfile=ext2fs/ext2_err.h outfn=ext2_err.h ext2_err.et &&
	awk -f "$lib/et/et_c.awk" outfile=ext2_err.c outfn=ext2_err.c ext2_err.et)
gcc -O2 -o "$out.tmp/gen_crc32ctable" "$lib/ext2fs/gen_crc32ctable.c"
"$out.tmp/gen_crc32ctable" >"$out.tmp/crc32c_table.h"
rm -rf "$out"
mv "$out.tmp" "$out"
