#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Storage benchmark: apps/fsbench's sequential write (fsync included) and
# read MB/s and 4 KiB random-read IOPS on an ext4 disk image, beside the
# same workload run by a peer on the same device; and the image size each
# file system option adds.
#
# Peers: on usermode the disk is a host file, so the peer is the host
# Linux itself doing the workload on a file next to it (Python, unbuffered
# I/O).  qemu-x86 and xen need a block driver (virtio-blk, blkfront) and a
# Linux guest on the same device: run_platform says what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=out/bench/storage
mkdir -p "$dir"
size_mib=${HAKO_BENCH_FS_MIB:-256}
reads=${HAKO_BENCH_FS_READS:-50000}

# ---- image sizes: what each file system option adds, per platform -------
echo "bench storage: image sizes (hello with the file system options added)"
# The base is hello with what the VFS needs beneath it (threads, timers,
# the heap); each step adds one option to the one before.
base='CONFIG_THREADS=y\nCONFIG_TIMERS=y\nCONFIG_MALLOC=y\nCONFIG_SYNC=y\n'
printf "$base" >"$dir/base.config"
printf "${base}CONFIG_VFS=y\n# CONFIG_INITRD is not set\n" >"$dir/vfs.config"
printf "${base}CONFIG_VFS=y\nCONFIG_INITRD=y\n" >"$dir/initrd.config"
printf "${base}CONFIG_VFS=y\nCONFIG_INITRD=y\nCONFIG_EXT2=y\n" >"$dir/ext2.config"
size_rows=()
for p in $(ls hal/*/port.mk | cut -d/ -f2); do
	row=$(printf '%-10s' "$p")
	prev=
	for v in base vfs initrd ext2; do
		make -s OUTROOT="$dir/build/$v" PLATFORM="$p" APP=hello \
			EXTRA_CONFIG="$dir/$v.config" >/dev/null
		s=$(stat -c %s "$dir/build/$v/$p/hello/hello")
		row+=$(printf ' %9s' "$s${prev:++$((s - prev))}")
		prev=$s
	done
	size_rows+=("$row")
done

# ---- throughput ---------------------------------------------------------
rows=()
peer_py=$dir/peer.py
cat >"$peer_py" <<'PY'
import os, random, sys, time
path, mib, reads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
buf = bytes((i * 7 + i // 4096) & 0xFF for i in range(1 << 20))
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
t = time.monotonic()
for _ in range(mib):
    os.write(fd, buf)
os.fsync(fd)
print("seq_write %.1f" % (mib * 1.048576 / (time.monotonic() - t)))
os.lseek(fd, 0, 0)
t = time.monotonic()
for _ in range(mib):
    os.read(fd, 1 << 20)
print("seq_read %.1f" % (mib * 1.048576 / (time.monotonic() - t)))
r = random.Random(1)
t = time.monotonic()
for _ in range(reads):
    os.pread(fd, 4096, r.randrange(mib * 256) * 4096)
print("rand_read_4k %.0f" % (reads / (time.monotonic() - t)))
os.close(fd)
os.unlink(path)
PY

fig() { sed -n "s/^fsbench: $1 \([0-9.]*\).*/\1/p" "$2"; }
ratio() { awk "BEGIN{ if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"-\" }"; }

run_platform() {
	local p=$1 img=$dir/disk-$p.img out=$dir/fsbench-$p.out
	case $p in
	usermode)
		make -s PLATFORM=usermode APP=fsbench >/dev/null
		rm -f "$img"
		mkfs.ext4 -q -F "$img" $((size_mib * 2 + 64))M
		HAKO_DISKS=$img hal/usermode/run.sh out/usermode/fsbench/fsbench \
			hako.mount=disk0:/b --size="$size_mib" --reads="$reads" >"$out" 2>&1 ||
			{ cat "$out"; return 1; }
		python3 "$peer_py" "$dir/peer.dat" "$size_mib" "$reads" >"$dir/peer-$p.out"
		# The ramfs holds the file in the guest's memory: give it room.
		out/usermode/fsbench/fsbench --mem=$((size_mib + 256))M -- --dir=/ \
			--size=$((size_mib / 4)) --reads="$reads" >"$dir/ramfs-$p.out" 2>&1 ||
			{ cat "$dir/ramfs-$p.out"; return 1; }
		rm -f "$img"
		for f in seq_write seq_read rand_read_4k; do
			local h l
			h=$(fig "$f" "$out")
			l=$(sed -n "s/^$f //p" "$dir/peer-$p.out")
			rows+=("$(printf '%-10s %-14s %12s %14s %7s %12s' "$p" "$f" "$h" "$l" \
				"$(ratio "$h" "$l")" "$(fig "$f" "$dir/ramfs-$p.out")")")
		done
		;;
	*)
		rows+=("$(printf '%-10s %s %s' "$p" "not measured: needs its block driver" \
			"(virtio-blk / blkfront) on main, and a Linux guest on the same device")")
		;;
	esac
}

for p in usermode qemu-x86 xen; do
	echo "bench storage: $p"
	run_platform "$p"
done

{
	echo "storage benchmark ($(date -u +%F)): fsbench, $size_mib MiB file, $reads random 4 KiB reads"
	echo "peer on usermode: the host Linux on a file on the same file system (Python, unbuffered)"
	printf '%-10s %-14s %12s %14s %7s %12s\n' platform figure "Hako ext4" "Linux (peer)" ratio \
		"Hako ramfs"
	printf '%s\n' "${rows[@]}"
	echo "(MB/s for seq_write/seq_read, fsync included in writes; IOPS for rand_read_4k;"
	echo " ramfs with a file of $((size_mib / 4)) MiB)"
	echo
	echo "stripped hello image, bytes (+ what each option adds), EXTRA_CONFIG on APP=hello:"
	echo "base: threads, timers, heap, sync; +VFS: ramfs root, POSIX files, FILE streams;"
	echo "+INITRD: cpio unpacking; +EXT2: ext2/3/4 (libext2fs, the block layer and cache)"
	printf '%-10s %9s %9s %9s %9s\n' platform base +VFS +INITRD +EXT2
	printf '%s\n' "${size_rows[@]}"
} | tee "$dir/result.txt"
echo "bench storage: table in $dir/result.txt"
