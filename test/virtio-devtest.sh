# SPDX-License-Identifier: MIT
# The virtio device cases the qemu ports' tests share (test/qemu-x86 and
# test/qemu-arm64 run-tests.sh), through apps/devtest: net0 on a TAP in a
# network namespace, and the disk cases whose image files the host then
# checks.  The caller sets tmp (a scratch directory), run (the port's
# run.sh) and devtest (the devtest image).
. test/lib.sh

# run NAME IMAGE ARGS...: through run.sh; output in $tmp/NAME, status in $rc
run() {
	local name=$1 image=$2
	shift 2
	"$run" "$image" "$@" </dev/null >"$tmp/$name" 2>&1
	rc=$?
}

# devtest_tap NAME SHORT: devtest's net cases on a TAP in a network
# namespace of its own (unshare -rn: no root needed where user namespaces
# are allowed), Linux on the host side at 10.0.3.1 with busybox udhcpd.
# NAME is the case; SHORT names it when no namespace can be made.
devtest_tap() {
	local name=$1 short=$2
cat >"$tmp/tap.sh" <<'SH'
set -e
dir=$1
shift
ip link set lo up
ip tuntap add dev tap0 mode tap
ip link set tap0 up
ip addr add 10.0.3.1/24 dev tap0
printf 'start 10.0.3.15\nend 10.0.3.20\ninterface tap0\nlease_file %s/leases\npidfile %s/udhcpd.pid\n' \
	"$dir" "$dir" >"$dir/udhcpd.conf"
: >"$dir/leases"
busybox udhcpd -f "$dir/udhcpd.conf" >"$dir/udhcpd.log" 2>&1 &
dhcpd=$!
set +e
HAKO_NET=tap:tap0 "$@"
rc=$?
kill "$dhcpd"
exit $rc
SH
	# As root no user namespace is needed (and none can be made in a chroot).
	local ns=(unshare -rn)
	[ "$(id -u)" != 0 ] || ns=(unshare -n)
	if "${ns[@]}" true 2>/dev/null; then
		"${ns[@]}" bash "$tmp/tap.sh" "$tmp" "$run" "$devtest" net ip=10.0.3.15 \
			peer=10.0.3.1 flood=300 </dev/null >"$tmp/tap" 2>&1
		expect "$name" 0 "$?" \
			"$tmp/tap" '^ok +ARP: peer 10\.0\.3\.1' '^ok +ping flood: 300 of 300' \
			'^ok +DHCP: ack for 10\.0\.3\.15' '^[0-9]+ passed, 0 failed'
	else
		case_result "$short" 1 "cannot make a network namespace (${ns[*]})"
	fi
}

# Disks: devtest writes sectors labelled "hako sector N" over the first
# MiBs and its last block, flushes, reads back; the host then checks the
# file.  A read-only disk starts "hako read-only disk".
# checkdisk FILE MIB: the labels and fill of apps/devtest/block.c's fill()
# over the first MIB MiB and the last sector; prints what differs.
checkdisk() {
	python3 - "$1" "$2" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
bad = []
sectors = list(range(int(sys.argv[2]) * 2048)) + [len(d) // 512 - 1]
for s in sectors:
    label = b"hako sector %010d\n" % s
    want = label + bytes((s * 7 + i) & 0xff for i in range(len(label), 512))
    if d[512 * s:512 * s + 512] != want:
        bad.append(s)
if bad:
    print("%d of %d sectors differ, the first %d" % (len(bad), len(sectors), bad[0]))
PY
}
rodisk() {
	truncate -s 1M "$1" && printf 'hako read-only disk\n' | dd of="$1" conv=notrunc 2>/dev/null
}

# devtest_blocks BLK DISK0 BLKDEV: the disk cases, named "BLK: ..."
# ("virtio-blk" or "virtio-blk (mmio)"); DISK0 is a regex of how devtest
# names disk0's device in its statistics line, BLKDEV QEMU's virtio-blk
# device for the 4 KiB-block disk.
devtest_blocks() {
	local blk=$1 disk0=$2 blkdev=$3 bad
	truncate -s 8M "$tmp/disk.img"
	HAKO_DISK=$tmp/disk.img run block "$devtest" block mib=3 iops=1
	expect "$blk: pattern written with requests in flight, flush, read back, random reads" 0 \
		"$rc" "$tmp/block" '^ok +several requests in flight \(([2-9]|[1-9][0-9]+)\)' \
		'^ok +flush' '^ok +read back 3072 KiB' '^ok +random 4 KiB reads' \
		"disk0 \\($disk0\\): requests done [0-9]+, failed 0; bad completions 0" \
		'^[0-9]+ passed, 0 failed'
	bad=$(checkdisk "$tmp/disk.img" 3)
	case_result "$blk: the host reads every sector the image wrote" \
		"$([ -z "$bad" ] && [ "$rc" = 0 ] && echo 0 || echo 1)" "$bad"

	truncate -s 8M "$tmp/4k.img"
	HAKO_QEMU_ARGS="-drive if=none,id=d4,file=$tmp/4k.img,format=raw -device $blkdev,drive=d4,logical_block_size=4096,physical_block_size=4096" \
		run block4k "$devtest" block mib=2
	bad=$(checkdisk "$tmp/4k.img" 2)
	expect "$blk with 4 KiB logical blocks" 0 "$rc" "$tmp/block4k" '4096-byte blocks' \
		'^[0-9]+ passed, 0 failed'
	case_result "$blk with 4 KiB logical blocks: the host reads the sectors" \
		"$([ -z "$bad" ] && [ "$rc" = 0 ] && echo 0 || echo 1)" "$bad"

	rodisk "$tmp/ro.img"
	cp "$tmp/ro.img" "$tmp/ro.orig"
	HAKO_DISK=$tmp/ro.img HAKO_DISK_RO=1 run blockro "$devtest" block ro=1
	expect "$blk read-only: writes refused, reads work" 0 "$rc" "$tmp/blockro" \
		'^ok +the disk is read-only' '^ok +a write to it is refused' \
		'^ok +its first block reads as the host wrote it' '^[0-9]+ passed, 0 failed'
	cmp -s "$tmp/ro.img" "$tmp/ro.orig"
	case_result "$blk read-only: the image file is unchanged" $?

	# HAKO_DISKS: several disks, numbered in command-line order (qemu-arm64
	# probes its windows from the highest address down); disk1 here is the
	# read-only one.
	truncate -s 8M "$tmp/first.img"
	rodisk "$tmp/second.img"
	HAKO_DISKS="$tmp/first.img $tmp/second.img:ro" run disks "$devtest" block mib=1 + block disk=1 ro=1
	expect "HAKO_DISKS: disk0 and disk1 in order, each its own handle" 0 "$rc" "$tmp/disks" \
		'^ok +acquire disk0' '^ok +acquire disk1' '^ok +its first block reads as the host wrote it' \
		'^[0-9]+ passed, 0 failed'
}
