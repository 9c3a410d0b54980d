#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Storage on one platform: ext4 disk images made and checked by the host's
# own tools (mkfs.ext4 -d, debugfs, e2fsck), read and written by the image
# (apps/disktest), the kv store across a kill, corrupted file systems and
# initrds refused cleanly.
#   test/storage.sh PLATFORM
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

platform=${1:?usage: test/storage.sh PLATFORM}
timeout_s=${HAKO_TEST_TIMEOUT:-120}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

for t in mkfs.ext4 debugfs e2fsck python3; do
	if ! command -v "$t" >/dev/null; then
		echo "storage: $t is missing (build/deps.sh test)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
for app in disktest kv; do
	if ! make -s PLATFORM="$platform" APP="$app" >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		case_result "build $platform/$app" 1 "build failed"
		summary
		exit 1
	fi
done

# --------------------------------------------------------------------------
# The one platform-specific part: run IMAGE with disk images attached
# (disk0, disk1... in order; PATH:ro for read-only), console into OUT.
#   run_with_disks OUT "DISK..." IMAGE ARGS...     (sets $status)
# usermode: run.sh's HAKO_DISKS (--disk=).  qemu-x86: run.sh's HAKO_DISKS
# too (virtio-blk devices).  xen: blkfront against the rig's
# blkback; the rig makes its disks inside dom0 (test/xen/run.sh --disk), so
# a host-made image has to go in (--add) and come back out for the host's
# checker: to be wired here.
run_with_disks() {
	local out=$1 disks=$2 d
	shift 2
	case $platform in
	usermode)
		HAKO_DISKS=$disks timeout "$timeout_s" hal/usermode/run.sh "$@" \
			</dev/null >"$out" 2>&1
		status=$?
		;;
	qemu-x86 | qemu-arm64)
		HAKO_DISKS=$disks timeout "$timeout_s" "hal/$platform/run.sh" "$@" \
			</dev/null >"$out" 2>&1
		status=$?
		;;
	*)
		echo "storage: no way to attach a disk on $platform yet" >"$out"
		status=127
		;;
	esac
}
# --------------------------------------------------------------------------

disktest=out/$platform/disktest/disktest
kv=out/$platform/kv/kv
mnt="hako.mount=disk0:/d"

# An ext4 image of the files made by files.py (and its manifest).
mkimage() { # mkimage IMG SIZE SRC [mkfs options...]
	local img=$1 size=$2 src=$3
	shift 3
	rm -f "$img"
	mkfs.ext4 -q -F "$@" ${src:+-d "$src"} "$img" "$size" >/dev/null 2>&1
}
fsck_clean() { # fsck_clean NAME IMG
	local log=$tmp/fsck.log
	e2fsck -fn "$2" >"$log" 2>&1
	expect "$1" 0 $? "$log" "files"
}
no_crash() { # no_crash NAME OUT: the image said why it stopped, no fault
	if grep -Eq "SIGSEGV|SIGBUS|page fault|general protection|stack overflow|NULL pointer" "$1"; then
		case_result "$2: no fault" 1 "$(grep -Em1 'SIG|fault|overflow|NULL' "$1")"
	fi
}

echo "== storage tests on $platform"

# 1. Host-made files read byte-exact.
mkdir -p "$tmp/src" "$tmp/expect" "$tmp/got"
python3 test/storage/files.py make "$tmp/src" 11
python3 test/storage/files.py expect "$tmp/expect"
mkimage "$tmp/a.img" 64M "$tmp/src"
run_with_disks "$tmp/check.out" "$tmp/a.img" "$disktest" "$mnt" check /d/manifest
expect "host-made ext4 files read byte-exact (0 B, 1 B, 3 MiB > the cache...)" 0 $status \
	"$tmp/check.out" "check ok: 31 files"

# 1b. The raw block device under the file systems: threads at once, odd
#     sizes, unaligned buffers; the host checks every byte afterwards.
truncate -s 0 "$tmp/raw.img" && truncate -s 48M "$tmp/raw.img"
run_with_disks "$tmp/blk.out" "$tmp/raw.img" "$disktest" blk disk0 4 32
expect "block layer: 4 threads of concurrent transfers, read back right" 0 $status \
	"$tmp/blk.out" "blk ok: 4 threads"
python3 - "$tmp/raw.img" 32 >"$tmp/blkcheck" 2>&1 <<'PY'
import sys
# apps/disktest blk_pattern(o, 0) = o*131 + (o>>9)*7 + 0x5a, a sector at a time
base = bytes((i * 131) & 0xFF for i in range(512))
bad = 0
with open(sys.argv[1], "rb") as f:
    for s in range(int(sys.argv[2]) << 11):
        table = bytes((x + s * 7 + 0x5A) & 0xFF for x in range(256))
        if f.read(512) != base.translate(table):
            bad += 1
print("bad sectors:", bad)
sys.exit(bad != 0)
PY
expect "block layer: the host reads every sector the image wrote" 0 $? "$tmp/blkcheck" \
	"bad sectors: 0"
run_with_disks "$tmp/blkro.out" "$tmp/raw.img:ro" "$disktest" blk disk0 1 1
expect "block layer: writing a read-only disk fails (EROFS)" 1 $status "$tmp/blkro.out" \
	"Read-only file system"

# 2. Files the image writes, read back by the host; the checker finds the
#    file system clean.
run_with_disks "$tmp/write.out" "$tmp/a.img" "$disktest" "$mnt" write /d/out + check /d/manifest
expect "image writes files, directories, renames, removes" 0 $status "$tmp/write.out" \
	"write ok" "check ok"
fsck_clean "e2fsck -fn: clean after the image wrote" "$tmp/a.img"
debugfs -R "rdump /out $tmp/got" "$tmp/a.img" >/dev/null 2>&1
if diff -r "$tmp/expect" "$tmp/got/out" >"$tmp/diff" 2>&1; then
	case_result "host reads the image's files byte-exact (debugfs rdump)" 0
else
	case_result "host reads the image's files byte-exact (debugfs rdump)" 1 "$(head -3 "$tmp/diff")"
fi
dumpe2fs -h "$tmp/a.img" 2>/dev/null | grep -q "Filesystem state: *clean$"
case_result "superblock says clean after the image exited" $?

# 3. A directory of 10,000 entries.
mkimage "$tmp/b.img" 64M ""
run_with_disks "$tmp/bigdir.out" "$tmp/b.img" "$disktest" "$mnt" bigdir /d/many 10000
expect "directory with 10,000 entries: made, listed, looked up, a third removed, renamed" 0 \
	$status "$tmp/bigdir.out" "bigdir ok: 10000 entries.*6667 left"
grep -o "made in [0-9.]* s.*churned in [0-9.]* s" "$tmp/bigdir.out" | sed 's/^/      /'
debugfs -R "ls -p /many" "$tmp/b.img" 2>/dev/null >"$tmp/ls"
n=$(grep -c '/entry-' "$tmp/ls")
m=$(grep -c '/moved-' "$tmp/ls")
[ "$n" = 3334 ] && [ "$m" = 3333 ]
case_result "host lists what is left of them (debugfs: $n + $m)" $?
fsck_clean "e2fsck -fn: clean after 10,000 creates and the churn" "$tmp/b.img"

# 4. A full disk: ENOSPC, nothing already written lost, still usable.
mkimage "$tmp/c.img" 16M "$tmp/src"
run_with_disks "$tmp/fill.out" "$tmp/c.img" "$disktest" "$mnt" \
	fill /d/fill + check /d/manifest
expect "full disk: write fails with ENOSPC, the other files intact" 0 $status "$tmp/fill.out" \
	"fill ok: ENOSPC after" "check ok: 31 files"
fsck_clean "e2fsck -fn: clean after filling the disk" "$tmp/c.img"
filled=$(sed -n 's/.*ENOSPC after \([0-9]*\) bytes.*/\1/p' "$tmp/fill.out")
size=$(debugfs -R "stat /fill" "$tmp/c.img" 2>/dev/null |
	sed -n 's/.*Size: \([0-9]*\).*/\1/p' | head -1)
[ -n "$filled" ] && [ "$filled" = "$size" ]
case_result "the filled file's size on disk is what write() acknowledged ($filled = $size)" $?
run_with_disks "$tmp/refill.out" "$tmp/c.img" "$disktest" "$mnt" rm /d/fill + write /d/again
expect "space comes back after removing the big file" 0 $status "$tmp/refill.out" "write ok"
fsck_clean "e2fsck -fn: clean after freeing and writing again" "$tmp/c.img"

# 5. Read-only: a :ro disk mounted :ro reads, refuses writes.
run_with_disks "$tmp/ro.out" "$tmp/a.img:ro" "$disktest" "hako.mount=disk0:/d:ext4:ro" \
	check /d/manifest + write /d/nope
expect "read-only mount: reads work, writes fail" 1 $status "$tmp/ro.out" "check ok" \
	"write FAIL.*Read-only file system"
run_with_disks "$tmp/ro2.out" "$tmp/a.img:ro" "$disktest" "$mnt" check /d/manifest
expect "read-write mount of a read-only disk is refused" nonzero $status "$tmp/ro2.out" \
	"cannot mount disk0 on /d.*Read-only"

# 5b. Mount options: bad ones are refused, saying why.
run_with_disks "$tmp/m1.out" "$tmp/a.img" "$disktest" "hako.mount=disk0:/d,disk0:/e" sync
expect "hako.mount: one disk mounted twice is refused" nonzero $status "$tmp/m1.out" \
	"cannot mount disk0 on /e.*busy"
for bad in "disk0" "disk0:relative" "disk0:/d:ext4:rx" ":/d" "disk0:/d::ro"; do
	run_with_disks "$tmp/m2.out" "$tmp/a.img" "$disktest" "hako.mount=$bad" sync
	expect "hako.mount=$bad: malformed, refused" nonzero $status "$tmp/m2.out" \
		"hako.mount: malformed entry"
done
run_with_disks "$tmp/m3.out" "$tmp/a.img" "$disktest" "hako.mount=disk7:/d" sync
expect "hako.mount: a disk that is not there is refused" nonzero $status "$tmp/m3.out" \
	"cannot mount disk7 on /d.*No such device"
run_with_disks "$tmp/m4.out" "$tmp/a.img" "$disktest" "hako.mount=disk0:/d:vfat" sync
expect "hako.mount: an unknown file system type is refused" nonzero $status "$tmp/m4.out" \
	"cannot mount disk0 on /d \(vfat\)"

# 6. The kv store killed mid-write keeps every acknowledged write.
#    start_killable OUT DISKS IMAGE ARGS...: run in the background (sets
#    $bg); kill_hard: end it the hardest way the platform has (SIGKILL to
#    the process, or to QEMU: its whole process group, which run.sh and
#    QEMU are in).  Xen's is `xl destroy` from the rig's dom0 (its
#    --dom0-script), still to be wired here once blkfront is on main.
start_killable() {
	local out=$1 disks=$2
	shift 2
	HAKO_DISKS=$disks setsid "hal/$platform/run.sh" "$@" \
		</dev/null >"$out" 2>&1 &
	bg=$!
	pids+=("$bg")
}
kill_hard() {
	case $platform in
	usermode | qemu-x86 | qemu-arm64) kill -9 -- "-$bg" 2>/dev/null || kill -9 "$bg" 2>/dev/null ;;
	*) echo "storage: no hard kill on $platform yet" >&2; kill -9 -- "-$bg" 2>/dev/null ;;
	esac
	wait "$bg" 2>/dev/null
}
mkimage "$tmp/kv.img" 32M ""
kv_kill() { # kv_kill ROUND: start a load, kill it after some acks
	local out=$tmp/kv$1.out i
	start_killable "$out" "$tmp/kv.img" "$kv" "hako.mount=disk0:/data" load "r$1" 1000000
	for i in $(seq 600); do
		[ "$(grep -c '^kv: ack' "$out")" -ge $((20 + 15 * $1)) ] && break
		sleep 0.05
	done
	kill_hard
	grep -c '^kv: ack' "$out"
}
ok=0
for round in 1 2 3; do
	acked=$(kv_kill $round)
	run_with_disks "$tmp/kvv$round.out" "$tmp/kv.img" "$kv" "hako.mount=disk0:/data" \
		verify "r$round" "$acked"
	if [ "$acked" -lt 20 ] || [ $status != 0 ] || ! grep -q "verify ok" "$tmp/kvv$round.out"; then
		ok=1
		sed 's/^/      | /' "$tmp/kvv$round.out" | tail -5
	fi
	echo "      round $round: $acked acknowledged before SIGKILL; $(grep -o '[0-9]* more present' "$tmp/kvv$round.out")"
done
case_result "kv: SIGKILL mid-write, 3 rounds: every acknowledged write recovered" $ok
run_with_disks "$tmp/kvall.out" "$tmp/kv.img" "$kv" "hako.mount=disk0:/data" \
	verify r1 1 + verify r2 1 + verify r3 1 + stats
expect "kv: earlier rounds' keys survive later kills" 0 $status "$tmp/kvall.out" \
	"keys recovered"
# No journal: a kill during a write-back may leave blocks or inodes marked in
# use that nothing owns (leaks, as ext2 after a crash), never more.  The
# host's checker finds at most that, repairs it, and nothing is lost.
e2fsck -fn "$tmp/kv.img" >"$tmp/kvfsck" 2>&1
grep -Ev '^(Pass [1-5]|e2fsck |Block bitmap differences: +(-[0-9(]|\(-)|Inode bitmap differences: +-|Free (blocks|inodes) count wrong|Fix\? no|$)|WARNING: Filesystem still has errors|[0-9]+/[0-9]+ files \(' \
	"$tmp/kvfsck" >"$tmp/kvfsck.other"
if [ -s "$tmp/kvfsck.other" ]; then
	case_result "after the kills e2fsck finds at most leaked blocks and inodes" 1 \
		"$(head -3 "$tmp/kvfsck.other" | tr '\n' ' ')"
else
	case_result "after the kills e2fsck finds at most leaked blocks and inodes" 0
fi
e2fsck -fy "$tmp/kv.img" >/dev/null 2>&1
fsck_clean "e2fsck -fy repairs that; then clean" "$tmp/kv.img"
run_with_disks "$tmp/kvafter.out" "$tmp/kv.img" "$kv" "hako.mount=disk0:/data" \
	verify r1 1 + verify r2 1 + verify r3 1
expect "kv: still every key after the repair" 0 $status "$tmp/kvafter.out" "verify ok"

# 7. Corrupted file systems: refused with a reason, never a crash or hang.
corrupt() { # corrupt NAME MKFS_OPTS DEBUGFS_CMD EXPECT_RE
	local name=$1 opts=$2 cmd=$3 re=$4
	# shellcheck disable=SC2086 # opts is a word list
	mkimage "$tmp/bad.img" 8M "$tmp/small" $opts
	debugfs -w -R "$cmd" "$tmp/bad.img" >/dev/null 2>&1
	run_with_disks "$tmp/bad.out" "$tmp/bad.img" "$disktest" "$mnt" check /d/manifest
	expect "corrupt: $name" nonzero $status "$tmp/bad.out" "$re"
	no_crash "$tmp/bad.out" "corrupt: $name"
	[ $status != 124 ] || case_result "corrupt: $name: no hang" 1
}
mkdir -p "$tmp/small/d"
head -c 20000 /dev/urandom >"$tmp/small/f"
echo hi >"$tmp/small/d/g"
python3 - "$tmp/small" <<'PY'
import os, sys, zlib
top = sys.argv[1]
with open(os.path.join(top, "manifest"), "w") as m:
    for name in ("f", "d/g"):
        data = open(os.path.join(top, name), "rb").read()
        m.write("%d %08x %s\n" % (len(data), zlib.crc32(data), name))
PY
corrupt "superblock with 0 inodes" "" "ssv inodes_count 0" "cannot mount"
corrupt "superblock with absurd block count" "" "ssv blocks_count 0xffffffffff" "cannot mount"
corrupt "superblock with absurd block size" "" "ssv log_block_size 40" "cannot mount"
corrupt "superblock with absurd blocks per group" "" "ssv blocks_per_group 0" "cannot mount"
corrupt "group descriptor table pointing outside the disk" "-O ^metadata_csum" \
	"set_bg 0 inode_table 0xfffffff" "cannot mount"
corrupt "extent pointing outside the disk" "-O ^metadata_csum" \
	"sif /f block[5] 0x7ffffff" "check FAIL"
corrupt "extent header destroyed" "-O ^metadata_csum" "sif /f block[0] 0x1234" "check FAIL"
corrupt "indirect block pointing outside the disk (ext2)" "-t ext2" \
	"sif /f block[IND] 0x7ffffff" "check FAIL"
corrupt "indirect block pointing at itself (ext2)" "-t ext2" "sif /f block[0] 0" "check FAIL"
corrupt "directory naming an inode out of range" "-O ^metadata_csum" \
	"sif /d block[5] 0x7fffff" "check FAIL"
corrupt "inode checksum wrong (metadata_csum)" "" "sif /f checksum 0x1234" "check FAIL"
# A directory entry with a bad length: patched in the directory's block.
mkimage "$tmp/bad.img" 8M "$tmp/small" -O ^metadata_csum
blk=$(debugfs -R "bmap /d 0" "$tmp/bad.img" 2>/dev/null)
bs=$(dumpe2fs -h "$tmp/bad.img" 2>/dev/null | sed -n 's/^Block size: *//p')
python3 - "$tmp/bad.img" "$blk" "$bs" <<'PY'
import struct, sys
img, blk, bs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(img, "r+b") as f:
    f.seek(blk * bs + 12 + 4)          # "..": its rec_len, made to run past the block
    f.write(struct.pack("<H", 0xfff0))
PY
run_with_disks "$tmp/bad.out" "$tmp/bad.img" "$disktest" "$mnt" check /d/manifest
expect "corrupt: directory entry with a bad length" nonzero $status "$tmp/bad.out" "check FAIL"
no_crash "$tmp/bad.out" "corrupt: directory entry with a bad length"
# Not a file system at all.
head -c 8M /dev/urandom >"$tmp/bad.img"
run_with_disks "$tmp/bad.out" "$tmp/bad.img" "$disktest" "$mnt" check /d/manifest
expect "random bytes: no file system, mount refused" nonzero $status "$tmp/bad.out" \
	"no ext2/3/4 superblock" "cannot mount"

# 8. Bad initrds: refused before anything is unpacked.
make -s PLATFORM="$platform" APP=ktest >/dev/null 2>&1
initrd=out/$platform/ktest/ktest.initrd
badinitrd() { # badinitrd NAME FILE REGEX
	cp "out/$platform/ktest/ktest" "$tmp/kt"
	cp "$2" "$tmp/kt.initrd"
	run_with_disks "$tmp/initrd.out" "" "$tmp/kt" vfs_initrd
	expect "initrd: $1" nonzero $status "$tmp/initrd.out" "initrd refused: .*($3)"
	no_crash "$tmp/initrd.out" "initrd: $1"
}
head -c 3000 "$initrd" >"$tmp/i1"
badinitrd "truncated" "$tmp/i1" "runs past the end|truncated"
printf 'this is not a cpio archive' >"$tmp/i2"
badinitrd "not a cpio archive" "$tmp/i2" "bad magic|truncated header"
python3 - "$initrd" "$tmp/i3" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(data[:data.index(b"TRAILER!!!") - 110])
PY
badinitrd "trailer missing" "$tmp/i3" "TRAILER|runs past|truncated"
python3 - "$initrd" "$tmp/i4" "$tmp/i5" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
bad = bytearray(data); bad[6 + 8 * 6] = ord("z")      # filesize: not hex
open(sys.argv[2], "wb").write(bad)
def entry(name, body=b""):
    n = name.encode() + b"\0"
    fields = (1, 0o100644, 0, 0, 1, 0, len(body), 0, 0, 0, 0, len(n), 0)
    h = b"070701" + b"".join(b"%08X" % v for v in fields)
    rec = h + n
    rec += b"\0" * (-len(rec) % 4) + body
    return rec + b"\0" * (-len(rec) % 4)
open(sys.argv[3], "wb").write(entry("../escape", b"x") + entry("TRAILER!!!"))
PY
badinitrd "header digits that are not hex" "$tmp/i4" "not 8 hex digits"
badinitrd "a name with '..'" "$tmp/i5" "'\.\.' component"

summary
