#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Storage on one platform: ext4 disk images made and checked by the host's
# own tools (mkfs.ext4 -d, debugfs, e2fsck), read and written by the image
# (apps/disktest), the kv store across a kill, corrupted file systems and
# initrds refused cleanly.  Platforms: usermode (disks are files),
# qemu-x86 (virtio-blk-pci), qemu-arm64 (virtio-blk over virtio-mmio), xen
# (a domU's blkfront against the rig's dom0 blkback, the host's image files
# being the rig's disks; the guests of a round share one rig boot).
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
	[ -n "${HAKO_STORAGE_KEEP:-}" ] && echo "storage: kept $tmp" || rm -rf "$tmp"
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
# The platform-specific part: running an image with disk images attached.
#   guest OUT "DISK..." IMAGE ARGS...
# runs IMAGE with the disk image files attached as disk0, disk1... in order
# (PATH:ro for read-only), its console into OUT and its exit status into
# OUT.status (st OUT prints it).  usermode, qemu-x86, qemu-arm64: at once,
# through run.sh's HAKO_DISKS (a file; virtio-blk devices).  xen: the case
# is queued, and guests_run boots the rig once for every queued case (a
# domU each, one after the other, `xl create` in the rig's dom0): the disk
# image files are the rig's own disks, which dom0 exports through blkback
# to the guest's blkfront (test/xen/run.sh --host-disk), so the host made
# them and the host checks them afterwards.  Call guests_run before looking
# at a guest's output or its disks: a no-op where guests ran at once.
xen_q=$tmp/xen-queue
xen_n=0
xen_disks=()
xen_casedisks=()
: >"$xen_q"
guest() {
	local out=$1 disks=$2 d
	shift 2
	case $platform in
	usermode | qemu-x86 | qemu-arm64)
		HAKO_DISKS=$disks timeout "$timeout_s" "hal/$platform/run.sh" "$@" \
			</dev/null >"$out" 2>&1
		echo $? >"$out.status"
		;;
	xen)
		local name spec= k mem= a
		xen_n=$((xen_n + 1))
		name=c$xen_n-$(basename "$out" .out)
		for d in $disks; do
			k=0
			while [ $k -lt ${#xen_disks[@]} ] && [ "${xen_disks[k]}" != "${d%:ro}" ]; do
				k=$((k + 1))
			done
			[ $k -lt ${#xen_disks[@]} ] || xen_disks+=("${d%:ro}")
			spec+=${spec:+,}$k${d#"${d%:ro}"}
		done
		[ -z "$spec" ] || xen_casedisks+=(--case-disks "$name=$spec")
		[ -f "$1.xl" ] && mem=$(sed -n 's/^memory = \([0-9][0-9]*\)$/\1/p' "$1.xl")
		{
			printf '%s\t%s\t%s\t0' "$name" "$1" "$mem"
			shift
			for a in "$@"; do printf '\t%s' "$a"; done
			printf '\n'
		} >>"$xen_q"
		echo "$name $out" >>"$xen_q.map"
		echo 124 >"$out.status"
		echo "(not run yet: the rig had not run its batch)" >"$out"
		;;
	*)
		echo "storage: no way to attach a disk on $platform" >"$out"
		echo 127 >"$out.status"
		;;
	esac
}
st() { cat "$1.status" 2>/dev/null || echo missing; }
# The rig's dom0 script: a case named c<N>-kvkill<T>-... is destroyed
# (`xl destroy`, Xen's hardest stop) once its console shows T acks.
cat >"$tmp/xen-dom0.sh" <<'SH'
case $1 in
*-kvkill*)
	t=${1#*-kvkill}
	t=${t%%-*}
	log=/var/log/xen/console/guest-$1.log
	# (a budget in seconds of dom0's uptime, read without a process: the
	# polls cost what a grep costs on the rig, which varies with its load)
	read -r up _ </proc/uptime
	end=$((${up%.*} + 120))
	while :; do
		[ "$(grep -c 'kv: ack' "$log" 2>/dev/null)" -ge "$t" ] && break
		read -r up _ </proc/uptime
		[ "${up%.*}" -lt "$end" ] || break
		read -r -t 0.05 _ <>/run/nap # (a sleep without a process: the rig's FIFO)
	done
	xl destroy "$1"
	echo "destroyed after $(grep -c 'kv: ack' "$log" 2>/dev/null) acks"
	;;
esac
SH
guests_run() {
	[ "$platform" = xen ] && [ -s "$xen_q" ] || return 0
	local hd=() d name out t0=$SECONDS log
	xen_round=$((${xen_round:-0} + 1))
	log=$tmp/xen-rig-$xen_round.log
	for d in "${xen_disks[@]}"; do hd+=(--host-disk "$d"); done
	mkdir -p "$tmp/xen-out"
	echo "   (xen: $(wc -l <"$xen_q") guests, ${#xen_disks[@]} disks, in one rig boot...)"
	# (dom0's boot gets more than the rig's default budget: this machine
	# may be loaded, and every disk is a PCI device it probes)
	HAKO_XEN_BOOT_BUDGET=${HAKO_XEN_BOOT_BUDGET:-300} test/xen/run.sh --batch "$xen_q" \
		--outdir "$tmp/xen-out" --timeout "$timeout_s" --dom0-script "$tmp/xen-dom0.sh" \
		"${hd[@]}" "${xen_casedisks[@]}" >"$log" 2>&1
	echo "   (the rig took $((SECONDS - t0)) s)"
	if grep -q 'rig FAILED' "$log"; then
		echo "   xen: the rig failed:"
		grep -E '^run: ' "$log" | grep -v '^run: \[' | tail -4 | sed 's/^/      /'
	fi
	while read -r name out; do
		if [ -f "$tmp/xen-out/$name.status" ]; then
			cp "$tmp/xen-out/$name.out" "$out"
			cp "$tmp/xen-out/$name.status" "$out.status"
		else
			tail -20 "$log" >>"$out"
		fi
	done <"$xen_q.map"
	: >"$xen_q"
	: >"$xen_q.map"
	xen_disks=()
	xen_casedisks=()
}
# The hardest stop the platform has, mid-write: SIGKILL to the process (or
# to QEMU: its whole process group, which run.sh and QEMU are in); on Xen
# `xl destroy` from dom0 (the rig's dom0 script above).
#   kv_kill OUT IMG PREFIX ACKS: run kv's load and stop it once OUT shows
#   ACKS acknowledged writes (xen: queued, the stop happens in dom0).
kv_kill() {
	local out=$1 img=$2 prefix=$3 acks=$4 bg i
	shift 4
	case $platform in
	xen)
		guest "$(dirname "$out")/kvkill$acks-$(basename "$out")" "$img" "$kv" \
			"hako.mount=disk0:/data" load "$prefix" 1000000
		echo "$(dirname "$out")/kvkill$acks-$(basename "$out")" >"$out.real"
		;;
	*)
		HAKO_DISKS=$img setsid "hal/$platform/run.sh" "$kv" "hako.mount=disk0:/data" \
			load "$prefix" 1000000 </dev/null >"$out" 2>&1 &
		bg=$!
		pids+=("$bg")
		for i in $(seq 600); do
			[ "$(grep -c '^kv: ack' "$out")" -ge "$acks" ] && break
			sleep 0.05
		done
		kill -9 -- "-$bg" 2>/dev/null || kill -9 "$bg" 2>/dev/null
		wait "$bg" 2>/dev/null
		# QEMU (run.sh's child, same group) lets go of the disk image's
		# lock only once it is gone: the next run must not race it.
		for i in $(seq 200); do
			kill -0 -- "-$bg" 2>/dev/null || break
			sleep 0.05
		done
		echo "$out" >"$out.real"
		;;
	esac
}
# kv_acked OUT: the acknowledged writes kv_kill's run printed (after guests_run).
kv_acked() { grep -c 'kv: ack' "$(cat "$1.real")"; }
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
# The guests run in two rounds (a rig boot each on Xen): first every case
# whose disks the host made, the kv store's three stops among them; then,
# once the host has checked and repaired what they wrote, the cases that
# need that.

# ---- the host's inputs
mkdir -p "$tmp/src" "$tmp/expect" "$tmp/got"
python3 test/storage/files.py make "$tmp/src" 11
python3 test/storage/files.py expect "$tmp/expect"
mkimage "$tmp/a.img" 64M "$tmp/src"
# (the mount-option cases get their own copy: a refused second mount must
# not decide whether a.img is clean)
cp --sparse=always "$tmp/a.img" "$tmp/am.img"
truncate -s 0 "$tmp/raw.img" && truncate -s 48M "$tmp/raw.img"
mkimage "$tmp/b.img" 64M ""
mkimage "$tmp/c.img" 16M "$tmp/src"
mkimage "$tmp/kv.img" 32M ""
# Corrupted file systems, one image each.
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
corrupt_names=()
corrupt_res=()
# (a refusal for what is on the disk, not a missing device)
refused='cannot mount disk[0-9]+ on /b[0-9]+: (Structure needs cleaning|Invalid argument)$'

corrupt() { # corrupt NAME MKFS_OPTS DEBUGFS_CMD EXPECT_RE
	local n=${#corrupt_names[@]}
	# shellcheck disable=SC2086 # opts is a word list
	mkimage "$tmp/bad$n.img" 8M "$tmp/small" $2
	debugfs -w -R "$3" "$tmp/bad$n.img" >/dev/null 2>&1
	corrupt_names+=("$1")
	corrupt_res+=("$4")
}
corrupt "superblock with 0 inodes" "" "ssv inodes_count 0" "$refused"
corrupt "superblock with absurd block count" "" "ssv blocks_count 0xffffffffff" "$refused"
corrupt "superblock with absurd block size" "" "ssv log_block_size 40" "$refused"
corrupt "superblock with absurd blocks per group" "" "ssv blocks_per_group 0" "$refused"
corrupt "group descriptor table pointing outside the disk" "-O ^metadata_csum" \
	"set_bg 0 inode_table 0xfffffff" "$refused"
corrupt "extent pointing outside the disk" "-O ^metadata_csum" \
	"sif /f block[5] 0x7ffffff" "check FAIL: [0-9]+ files"
corrupt "extent header destroyed" "-O ^metadata_csum" "sif /f block[0] 0x1234" "check FAIL: [0-9]+ files"
corrupt "indirect block pointing outside the disk (ext2)" "-t ext2" \
	"sif /f block[IND] 0x7ffffff" "check FAIL: [0-9]+ files"
corrupt "indirect block pointing at itself (ext2)" "-t ext2" "sif /f block[0] 0" "check FAIL: [0-9]+ files"
corrupt "directory naming an inode out of range" "-O ^metadata_csum" \
	"sif /d block[5] 0x7fffff" "check FAIL: [0-9]+ files"
corrupt "inode checksum wrong (metadata_csum)" "" "sif /f checksum 0x1234" "check FAIL: [0-9]+ files"
# A directory entry with a bad length: patched in the directory's block.
n=${#corrupt_names[@]}
mkimage "$tmp/bad$n.img" 8M "$tmp/small" -O ^metadata_csum
blk=$(debugfs -R "bmap /d 0" "$tmp/bad$n.img" 2>/dev/null)
bs=$(dumpe2fs -h "$tmp/bad$n.img" 2>/dev/null | sed -n 's/^Block size: *//p')
python3 - "$tmp/bad$n.img" "$blk" "$bs" <<'PY'
import struct, sys
img, blk, bs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(img, "r+b") as f:
    f.seek(blk * bs + 12 + 4)          # "..": its rec_len, made to run past the block
    f.write(struct.pack("<H", 0xfff0))
PY
corrupt_names+=("directory entry with a bad length")
corrupt_res+=("check FAIL: [0-9]+ files")
# Not a file system at all.
n=${#corrupt_names[@]}
head -c 8M /dev/urandom >"$tmp/bad$n.img"
corrupt_names+=("random bytes: no file system, mount refused")
corrupt_res+=("no ext2/3/4 superblock")
# Torn by a crash: the superblock says "not clean", and group 0's block
# bitmap is stale and no longer matches its checksum: /f's first block
# shows free, blocks nothing uses show taken.  A mount that trusted it
# would hand /f's block to the next file.
mkimage "$tmp/torn.img" 64M "$tmp/small"
debugfs -w -R "ssv state 0" "$tmp/torn.img" >/dev/null 2>&1
python3 - "$tmp/torn.img" "$(debugfs -R "bmap /f 0" "$tmp/torn.img" 2>/dev/null)" \
	"$(dumpe2fs "$tmp/torn.img" 2>/dev/null | sed -n 's/^ *Block bitmap at \([0-9]*\).*/\1/p' | head -1)" \
	"$(dumpe2fs -h "$tmp/torn.img" 2>/dev/null | sed -n 's/^Block size: *//p')" \
	"$(dumpe2fs -h "$tmp/torn.img" 2>/dev/null | sed -n 's/^First block: *//p')" <<'PY'
import sys
img, fblk, bmap, bs, first = sys.argv[1], *map(int, sys.argv[2:])
with open(img, "r+b") as f:
    f.seek(bmap * bs)
    bits = bytearray(f.read(bs))
    i = fblk - first
    bits[i // 8] &= ~(1 << (i % 8)) & 0xFF       # /f's block: "free"
    for j in range(6000, 6100):                  # unused blocks: "taken"
        bits[j // 8] |= 1 << (j % 8)
    f.seek(bmap * bs)
    f.write(bits)
PY
# Bad initrds, each beside its own copy of ktest.
make -s PLATFORM="$platform" APP=ktest >/dev/null 2>&1
initrd=out/$platform/ktest/ktest.initrd
head -c 3000 "$initrd" >"$tmp/i1"
printf 'this is not a cpio archive' >"$tmp/i2"
python3 - "$initrd" "$tmp/i3" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(data[:data.index(b"TRAILER!!!") - 110])
PY
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
initrd_names=("truncated" "not a cpio archive" "trailer missing" "header digits that are not hex"
	"a name with '..'")
initrd_res=("runs past the end|truncated" "bad magic|truncated header" "TRAILER|runs past|truncated"
	"not 8 hex digits" "'\.\.' component")
for i in 1 2 3 4 5; do
	cp "out/$platform/ktest/ktest" "$tmp/kt$i"
	[ -f "out/$platform/ktest/ktest.xl" ] && cp "out/$platform/ktest/ktest.xl" "$tmp/kt$i.xl"
	cp "$tmp/i$i" "$tmp/kt$i.initrd"
done

# ---- round 1: every guest whose disks the host made
# 1. Host-made files read byte-exact.
guest "$tmp/check.out" "$tmp/a.img" "$disktest" "$mnt" check /d/manifest
# 1b. The raw block device under the file systems: threads at once, odd
#     sizes, unaligned buffers; the host checks every byte afterwards.
guest "$tmp/blk.out" "$tmp/raw.img" "$disktest" blk disk0 4 32
guest "$tmp/blkro.out" "$tmp/raw.img:ro" "$disktest" blk disk0 1 1
# 2. Files the image writes, read back by the host.
guest "$tmp/write.out" "$tmp/a.img" "$disktest" "$mnt" write /d/out + check /d/manifest
# 3. A directory of 10,000 entries.
guest "$tmp/bigdir.out" "$tmp/b.img" "$disktest" "$mnt" bigdir /d/many 10000
# 4. A full disk: ENOSPC, nothing already written lost.
guest "$tmp/fill.out" "$tmp/c.img" "$disktest" "$mnt" fill /d/fill + check /d/manifest
# 5. Read-only: a :ro disk mounted :ro reads, refuses writes.
guest "$tmp/ro.out" "$tmp/a.img:ro" "$disktest" "hako.mount=disk0:/d:ext4:ro" \
	check /d/manifest + write /d/nope
guest "$tmp/ro2.out" "$tmp/a.img:ro" "$disktest" "$mnt" check /d/manifest
# 5b. Mount options: bad ones are refused, saying why.
guest "$tmp/m1.out" "$tmp/am.img" "$disktest" "hako.mount=disk0:/d,disk0:/e" sync
# (all in one list, one boot: every malformed entry is named, a good one
# among them is not mounted)
bad_mounts=("disk0" "disk0:relative" "disk0:/d:ext4:rx" ":/d" "disk0:/d::ro")
guest "$tmp/m2.out" "$tmp/am.img" "$disktest" \
	"hako.mount=disk0:/ok,$(IFS=, && echo "${bad_mounts[*]}")" sync
guest "$tmp/m3.out" "$tmp/am.img" "$disktest" "hako.mount=disk7:/d" sync
guest "$tmp/m4.out" "$tmp/am.img" "$disktest" "hako.mount=disk0:/d:vfat" sync
# 5b. A torn bitmap after a crash: rebuilt at mount, nothing overwritten.
guest "$tmp/torn.out" "$tmp/torn.img" "$disktest" "$mnt" write /d/out + check /d/manifest
# 6. The kv store stopped mid-write, first round.
kv_kill "$tmp/kv1.out" "$tmp/kv.img" r1 35
# 7. Corrupted file systems: refused with a reason, never a crash or hang,
#    and the image goes on to the next disk: each is mounted (disktest
#    mount, what hako.mount= does at boot) and checked in turn, 4 disks to
#    an image (the fewest a port attaches by default: Xen's blkfront).
#    Disk i is image i/4's disk i%4.
g_disks= g_args=()
for i in "${!corrupt_names[@]}"; do
	g_disks+="${g_disks:+ }$tmp/bad$i.img"
	g_args+=(mount "disk$((i % 4))" "/b$i" + check "/b$i/manifest" +)
	if [ $((i % 4)) = 3 ] || [ $((i + 1)) = ${#corrupt_names[@]} ]; then
		guest "$tmp/badg$((i / 4)).out" "$g_disks" "$disktest" "${g_args[@]:0:${#g_args[@]}-1}"
		g_disks= g_args=()
	fi
done
# 8. Bad initrds: refused before anything is unpacked.
for i in 1 2 3 4 5; do
	guest "$tmp/initrd$i.out" "" "$tmp/kt$i" vfs_initrd
done
# 9. The kv store's rounds 1-3: each round's verify run, then the next
#    round's stop in the same store.  (verify PREFIX 0 checks every key
#    from PREFIX-0 up to the first missing one and counts them: the host
#    compares that with the acknowledged writes afterwards, so the rounds
#    need no host step between them.)
for round in 1 2 3; do
	guest "$tmp/kvv$round.out" "$tmp/kv.img" "$kv" "hako.mount=disk0:/data" verify "r$round" 0
	[ $round = 3 ] || kv_kill "$tmp/kv$((round + 1)).out" "$tmp/kv.img" "r$((round + 1))" \
		$((20 + 15 * (round + 1)))
done
guest "$tmp/kvall.out" "$tmp/kv.img" "$kv" "hako.mount=disk0:/data" \
	verify r1 1 + verify r2 1 + verify r3 1 + stats
guests_run

# ---- round 1's results
expect "host-made ext4 files read byte-exact (0 B, 1 B, 3 MiB > the cache...)" 0 "$(st "$tmp/check.out")" \
	"$tmp/check.out" "check ok: 31 files"
expect "block layer: 4 threads of concurrent transfers, read back right" 0 "$(st "$tmp/blk.out")" \
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
expect "block layer: writing a read-only disk fails (EROFS)" 1 "$(st "$tmp/blkro.out")" \
	"$tmp/blkro.out" "Read-only file system"

expect "image writes files, directories, renames, removes" 0 "$(st "$tmp/write.out")" \
	"$tmp/write.out" "write ok" "check ok"
fsck_clean "e2fsck -fn: clean after the image wrote" "$tmp/a.img"
debugfs -R "rdump /out $tmp/got" "$tmp/a.img" >/dev/null 2>&1
if diff -r "$tmp/expect" "$tmp/got/out" >"$tmp/diff" 2>&1; then
	case_result "host reads the image's files byte-exact (debugfs rdump)" 0
else
	case_result "host reads the image's files byte-exact (debugfs rdump)" 1 "$(head -3 "$tmp/diff")"
fi
dumpe2fs -h "$tmp/a.img" 2>/dev/null | grep -q "Filesystem state: *clean$"
case_result "superblock says clean after the image exited" $?

expect "not cleanly unmounted, a torn bitmap: rebuilt from the inodes at mount" 0 \
	"$(st "$tmp/torn.out")" "$tmp/torn.out" 'allocation bitmaps rebuilt from the inodes' \
	"write ok"
expect "...the files the bitmap lost track of are intact after new writes" 0 \
	"$(st "$tmp/torn.out")" "$tmp/torn.out" "check ok: 2 files"
fsck_clean "...and e2fsck -fn finds the disk clean (checksums, counts)" "$tmp/torn.img"

expect "directory with 10,000 entries: made, listed, looked up, a third removed, renamed" 0 \
	"$(st "$tmp/bigdir.out")" "$tmp/bigdir.out" "bigdir ok: 10000 entries.*6667 left"
grep -o "made in [0-9.]* s.*churned in [0-9.]* s" "$tmp/bigdir.out" | sed 's/^/      /'
debugfs -R "ls -p /many" "$tmp/b.img" 2>/dev/null >"$tmp/ls"
n=$(grep -c '/entry-' "$tmp/ls")
m=$(grep -c '/moved-' "$tmp/ls")
[ "$n" = 3334 ] && [ "$m" = 3333 ]
case_result "host lists what is left of them (debugfs: $n + $m)" $?
fsck_clean "e2fsck -fn: clean after 10,000 creates and the churn" "$tmp/b.img"

expect "full disk: write fails with ENOSPC, the other files intact" 0 "$(st "$tmp/fill.out")" \
	"$tmp/fill.out" "fill ok: ENOSPC after" "check ok: 31 files"
fsck_clean "e2fsck -fn: clean after filling the disk" "$tmp/c.img"
filled=$(sed -n 's/.*ENOSPC after \([0-9]*\) bytes.*/\1/p' "$tmp/fill.out")
size=$(debugfs -R "stat /fill" "$tmp/c.img" 2>/dev/null |
	sed -n 's/.*Size: \([0-9]*\).*/\1/p' | head -1)
[ -n "$filled" ] && [ "$filled" = "$size" ]
case_result "the filled file's size on disk is what write() acknowledged ($filled = $size)" $?

expect "read-only mount: reads work, writes fail" 1 "$(st "$tmp/ro.out")" "$tmp/ro.out" "check ok" \
	"write FAIL.*Read-only file system"
expect "read-write mount of a read-only disk is refused" nonzero "$(st "$tmp/ro2.out")" \
	"$tmp/ro2.out" "cannot mount disk0 on /d.*Read-only"
expect "hako.mount: one disk mounted twice is refused" nonzero "$(st "$tmp/m1.out")" "$tmp/m1.out" \
	"cannot mount disk0 on /e.*busy"
for i in "${!bad_mounts[@]}"; do
	expect "hako.mount=${bad_mounts[i]}: malformed, refused" nonzero "$(st "$tmp/m2.out")" \
		"$tmp/m2.out" "hako.mount: malformed entry '${bad_mounts[i]}':"
done
expect "hako.mount: with malformed entries in the list, nothing is mounted" nonzero \
	"$(st "$tmp/m2.out")" "$tmp/m2.out" "hako.mount: 5 malformed entries: nothing mounted"
! grep -q "mounted on /ok" "$tmp/m2.out"
case_result "...not even the good entry among them" $? "$(grep "mounted on /ok" "$tmp/m2.out")"
expect "hako.mount: a disk that is not there is refused" nonzero "$(st "$tmp/m3.out")" \
	"$tmp/m3.out" "cannot mount disk7 on /d.*No such device"
expect "hako.mount: an unknown file system type is refused" nonzero "$(st "$tmp/m4.out")" \
	"$tmp/m4.out" "cannot mount disk0 on /d \(vfat\)"

# (each disk's part of its image's output: from its "mounting" line to the
# next one; the image ends with status 1, its commands failed, not a crash)
for i in "${!corrupt_names[@]}"; do
	g=$tmp/badg$((i / 4)).out
	awk -v me="/b$i" '/^disktest: mounting disk[0-9]+ on \// { on = ($NF == me) } on' \
		"$g" >"$tmp/bad$i.out"
	[ -s "$tmp/bad$i.out" ] || tail -n 20 "$g" >"$tmp/bad$i.out"
	expect "corrupt: ${corrupt_names[i]}" 1 "$(st "$g")" "$tmp/bad$i.out" "${corrupt_res[i]}"
	no_crash "$tmp/bad$i.out" "corrupt: ${corrupt_names[i]}"
	[ "$(st "$g")" != 124 ] || case_result "corrupt: ${corrupt_names[i]}: no hang" 1
done
for i in 1 2 3 4 5; do
	expect "initrd: ${initrd_names[i - 1]}" nonzero "$(st "$tmp/initrd$i.out")" \
		"$tmp/initrd$i.out" "initrd refused: .*(${initrd_res[i - 1]})"
	no_crash "$tmp/initrd$i.out" "initrd: ${initrd_names[i - 1]}"
done

# ---- the kv store's rounds: every acknowledged write recovered after each
# stop, the next stop in the same store
kv_check() { # kv_check ROUND: its verify run found every acknowledged write
	local r=$1 out=$tmp/kvv$1.out acked present
	acked=$(kv_acked "$tmp/kv$r.out")
	present=$(sed -n 's/^kv: verify ok: 0 keys acknowledged, \([0-9]*\) more present, 0 bad$/\1/p' "$out")
	acked=${acked:-0}
	if [ "$acked" -lt 20 ] || [ "$(st "$out")" != 0 ] || [ -z "$present" ] ||
		[ "$present" -lt "$acked" ]; then
		ok=1
		sed 's/^/      | /' "$out" | tail -5
	fi
	echo "      round $r: $acked acknowledged before the stop; ${present:-?} in order from r$r-0 on, all correct"
}
ok=0
for round in 1 2 3; do kv_check $round; done
case_result "kv: stopped mid-write ($([ "$platform" = xen ] && echo 'xl destroy' || echo SIGKILL)), 3 rounds: every acknowledged write recovered" $ok
expect "kv: earlier rounds' keys survive later stops" 0 "$(st "$tmp/kvall.out")" "$tmp/kvall.out" \
	"keys recovered"
# No journal: a stop during a write-back may leave blocks or inodes marked
# in use that nothing owns (leaks, as ext2 after a crash), never more.  The
# host's checker finds at most that, repairs it, and nothing is lost.
e2fsck -fn "$tmp/kv.img" >"$tmp/kvfsck" 2>&1
grep -Ev '^(Pass [1-5]|e2fsck |Block bitmap differences: +(-[0-9(]|\(-)|Inode bitmap differences: +-|Free (blocks|inodes) count wrong|Fix\? no|$)|WARNING: Filesystem still has errors|[0-9]+/[0-9]+ files \(' \
	"$tmp/kvfsck" >"$tmp/kvfsck.other"
if [ -s "$tmp/kvfsck.other" ]; then
	case_result "after the stops e2fsck finds at most leaked blocks and inodes" 1 \
		"$(head -3 "$tmp/kvfsck.other" | tr '\n' ' ')"
else
	case_result "after the stops e2fsck finds at most leaked blocks and inodes" 0
fi
e2fsck -fy "$tmp/kv.img" >/dev/null 2>&1
fsck_clean "e2fsck -fy repairs that; then clean" "$tmp/kv.img"
guest "$tmp/kvafter.out" "$tmp/kv.img" "$kv" "hako.mount=disk0:/data" \
	verify r1 1 + verify r2 1 + verify r3 1
# (the full disk, once the host has looked at it: space back after a remove)
guest "$tmp/refill.out" "$tmp/c.img" "$disktest" "$mnt" rm /d/fill + write /d/again
guests_run
expect "space comes back after removing the big file" 0 "$(st "$tmp/refill.out")" \
	"$tmp/refill.out" "write ok"
fsck_clean "e2fsck -fn: clean after freeing and writing again" "$tmp/c.img"
expect "kv: still every key after the repair" 0 "$(st "$tmp/kvafter.out")" "$tmp/kvafter.out" \
	"verify ok"

summary
