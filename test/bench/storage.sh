#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Storage benchmark: apps/fsbench's sequential write (fsync included) and
# read MB/s and 4 KiB random-read IOPS on an ext4 disk image, beside the
# same workload run by a peer on the same device; and the image size each
# file system option adds.
#
# Peers: on usermode the disk is a host file, so the peer is the host
# Linux itself doing the workload on a file next to it (Python, unbuffered
# I/O).  On qemu-x86 the peer is the Linux reference guest
# (test/bench/linux-guest, role fsbench) running the same apps/fsbench
# program, built for Linux, on the same kind of disk: a fresh ext4 image
# of the same size on one virtio-blk-pci, the same -m, QEMU TCG.  On xen
# the peer is that Linux guest as a PV domU (xen-blkfront) in the same rig
# boot, on the same kind of disk= backend (dom0's blkback over one of the
# rig's disks, a fresh ext4 image of the same size), the same memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=out/bench/storage
mkdir -p "$dir"
size_mib=${HAKO_BENCH_FS_MIB:-256}
reads=${HAKO_BENCH_FS_READS:-50000}
# The guests' memory (qemu-x86: Hako and the Linux guest alike).  With the
# file as large as the RAM, Linux cannot answer its reads from the page
# cache alone.
guest_mem=${HAKO_BENCH_FS_MEM:-256M}

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
	qemu-x86)
		# Hako's fsbench and the Linux guest's (the same apps/fsbench/main.c,
		# built for Linux) each on a fresh ext4 image of the same size, one
		# virtio-blk-pci on QEMU's default cache mode, the same -m, TCG.
		make -s PLATFORM=qemu-x86 APP=fsbench >/dev/null
		local lout=$dir/linux-$p.out
		rm -f "$img"
		mkfs.ext4 -q -F "$img" $((size_mib * 2 + 64))M
		HAKO_QEMU_MEM=$guest_mem HAKO_QEMU_TIMEOUT=1200 HAKO_DISKS=$img \
			hal/qemu-x86/run.sh out/qemu-x86/fsbench/fsbench hako.mount=disk0:/b \
			--size="$size_mib" --reads="$reads" >"$out" 2>&1 || { cat "$out"; return 1; }
		rm -f "$img"
		mkfs.ext4 -q -F "$img" $((size_mib * 2 + 64))M
		test/bench/linux-guest/run.sh fsbench --disk "$img" --mem "$guest_mem" \
			--args "--size=$size_mib --reads=$reads" --timeout 1200 >"$lout" 2>&1 ||
			{ tail -20 "$lout"; return 1; }
		grep -q '^fsbench: done' "$lout" || { tail -20 "$lout"; return 1; }
		rm -f "$img"
		for f in seq_write seq_read rand_read_4k; do
			local h l
			h=$(fig "$f" "$out")
			l=$(fig "$f" "$lout")
			rows+=("$(printf '%-10s %-14s %12s %14s %7s %12s' "$p" "$f" "$h" "$l" \
				"$(ratio "$h" "$l")" -)")
		done
		;;
	xen)
		# One rig boot: Hako's fsbench as a domU (blkfront), then the Linux
		# reference guest as a PV domU (xen-blkfront, the same apps/fsbench
		# built for Linux), each on a fresh ext4 image of the same size that
		# the rig's dom0 exports through blkback (test/xen/run.sh
		# --host-disk: the same disk= backend), the same memory.
		make -s PLATFORM=xen APP=fsbench >/dev/null
		make -s PLATFORM=xen APP=crash >/dev/null
		local guest xd=$dir/xen lout=$dir/linux-$p.out xmem=${guest_mem%M}
		guest=$(test/bench/linux-guest/mkguest.sh 2>/dev/null) || { echo "no Linux guest"; return 1; }
		rm -rf "$xd" && mkdir -p "$xd"
		mkfs.ext4 -q -F "$xd/hako.img" $((size_mib * 2 + 64))M
		mkfs.ext4 -q -F "$xd/linux.img" $((size_mib * 2 + 64))M
		{
			printf 'hako\tout/xen/fsbench/fsbench\t%s\t0\thako.mount=disk0:/b\t--size=%s\t--reads=%s\n' \
				"$xmem" "$size_mib" "$reads"
			printf 'linuxholder\tout/xen/crash/crash\t16\t0\tsleep\n'
		} >"$xd/cases"
		{ cat test/bench/linux-guest/xen-domu.sh; cat <<DOM0; } >"$xd/dom0.sh"
[ "\$1" = linuxholder ] || exit 0
trap 'xl destroy linuxref >/dev/null 2>&1; xl shutdown "\$1"' EXIT
linux_domu linuxref $xmem "role=fsbench bench_arg=--size=$size_mib bench_arg=--reads=$reads" \
	"disk = [ 'format=raw,vdev=xvda,access=rw,target=/run/hd/1' ]" || exit 1
log=/var/log/xen/console/guest-linuxref.log
i=0
until grep -q 'guest: done' "\$log" 2>/dev/null; do
	i=\$((i + 1)); [ \$i -lt 12000 ] || { echo "no 'guest: done'"; break; }
	sleep 0.1
done
grep 'fsbench:' "\$log"
DOM0
		# dom0 needs room for xl to unpack the Linux kernel (as in
		# xen-devices.sh); QEMU's memory: dom0's and the larger guest's.
		HAKO_XEN_APPEND="dom0_mem=320M,max:320M" HAKO_XEN_QEMU_ARGS="-m $((xmem + 320 + 128))" \
			HAKO_XEN_BOOT_BUDGET=300 test/xen/run.sh --batch "$xd/cases" --outdir "$xd" \
			--timeout 1500 --dom0-script "$xd/dom0.sh" --add "$guest/vmlinuz" \
			--add "$guest/initramfs.gz" --host-disk "$xd/hako.img" --host-disk "$xd/linux.img" \
			--case-disks hako=0 >"$xd/results" 2>"$xd/rig.log" || true
		cp "$xd/hako.out" "$out" 2>/dev/null
		cp "$xd/linuxholder.dom0" "$lout" 2>/dev/null
		grep -q '^fsbench: done' "$out" 2>/dev/null || { tail -20 "$xd/rig.log" "$out"; return 1; }
		grep -q '^fsbench: rand_read_4k' "$lout" 2>/dev/null || { tail -20 "$xd/rig.log" "$lout"; return 1; }
		rm -f "$xd/hako.img" "$xd/linux.img"
		for f in seq_write seq_read rand_read_4k; do
			local h l
			h=$(fig "$f" "$out")
			l=$(fig "$f" "$lout")
			rows+=("$(printf '%-10s %-14s %12s %14s %7s %12s' "$p" "$f" "$h" "$l" \
				"$(ratio "$h" "$l")" -)")
		done
		;;
	*)
		rows+=("$(printf '%-10s %s' "$p" "not measured: no storage peer for this platform")")
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
	echo "peer on qemu-x86: the Linux guest (Debian's kernel, ext4 on virtio-blk) running the same"
	echo "  apps/fsbench built for Linux; both with -m $guest_mem, a fresh ext4 image, QEMU TCG"
	echo "peer on xen: that Linux guest as a PV domU (xen-blkfront) after Hako's domU in one rig boot,"
	echo "  each with $guest_mem on its own fresh ext4 image behind dom0's blkback (Xen 4.17 in QEMU TCG)"
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
