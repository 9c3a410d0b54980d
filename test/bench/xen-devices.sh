#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Xen split-driver benchmark, on the test rig (real Xen 4.17 in QEMU TCG):
# Hako's netfront and blkfront against Linux's netback and blkback in dom0,
# side by side with the Linux reference guest (test/bench/linux-guest: the
# same Debian kernel as a PV domU with xen-netfront) on the same bridge.
# One dom0 boot (--net --disk):
#  - Hako: apps/devtest: 32 MiB written and read back through blkfront,
#    random 4 KiB reads; a burst of UDP frames through netfront; then it
#    answers ping, and dom0 pings it (300 round trips, one at a time);
#  - Linux domU: dom0 pings it the same way, and test/bench/tcpbench (static,
#    in dom0) measures TCP round trips and bulk through its echo server.
# TCP through Hako needs its network stack and apps/echo (not on this
# branch yet): those rows say so instead of a number.
# Prints a table and writes it to out/bench/xen-devices.txt; raw data in
# out/bench/xen-devices/.
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=out/bench/xen-devices
rm -rf "$dir"
mkdir -p "$dir"

echo "bench xen-devices: building devtest, tcpbench and the Linux guest"
make -s PLATFORM=xen APP=devtest >"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
gcc -O2 -static -Wall -Wextra -o "$dir/tcpbench" test/bench/tcpbench.c 2>>"$dir/build.log" ||
	{ cat "$dir/build.log"; exit 1; }
guest=$(test/bench/linux-guest/mkguest.sh 2>>"$dir/build.log") || {
	echo "bench xen-devices: cannot build the Linux guest"
	tail -5 "$dir/build.log"
	exit 1
}

line() { (IFS=$'\t' && echo "$*"); }
{
	line hako out/xen/devtest/devtest 32 0 block mib=32 iops=3 + net dhcp=0 pings=10 \
		burst=5000 serve=1
	# Holds the Linux guest's run (and sizes QEMU for its 128 MiB).
	line linuxholder out/xen/crash/crash 160 0 sleep
} >"$dir/cases"
make -s PLATFORM=xen APP=crash >>"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
cat >"$dir/dom0.sh" <<'EOF'
log=/var/log/xen/console/guest-$1.log
# Whatever happens, the case ends (its guest waits for xl shutdown).
trap 'xl destroy linuxref >/dev/null 2>&1; xl shutdown "$1"' EXIT
until_line() { # until_line FILE LINE SECONDS: wait for LINE in FILE
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt $(($3 * 10)) ] || { echo "dom0: no line '$2'"; return 1; }
		sleep 0.1
	done
}
# ping_rtt ADDR: 300 round trips, one at a time; per-packet times in us
ping_rtt() {
	ping -c 300 -A -W 2 "$1" | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' |
		awk '{ printf "%d\n", $1 * 1000 }' >/tmp/rtt
	echo "rtt: $(sort -n /tmp/rtt | awk '{a[NR]=$1} END {if (NR) print "n=" NR,
		"median=" a[int((NR+1)/2)], "p99=" a[int(NR*0.99+0.5)], "min=" a[1]}')"
}
case $1 in
hako)
	until_line "$log" 'devtest: serving' 120 || exit 1
	ping_rtt 10.0.0.2 ;;
linuxholder)
	truncate -s 64M /run/linux.disk
	cat >/tmp/linux.xl <<XL
name = "linuxref"
type = "pv"
kernel = "/rig/files/vmlinuz"
ramdisk = "/rig/files/initramfs.gz"
extra = "console=hvc0 quiet loglevel=3 role=echo ip=10.0.0.10/24"
memory = 128
vcpus = 1
vif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:09' ]
on_poweroff = "destroy"
on_crash = "destroy"
uuid = "6861686b-6f00-4000-8000-00000000beef"
XL
	xl create /tmp/linux.xl >/tmp/linux.create 2>&1 || { cat /tmp/linux.create; exit 1; }
	until_line /var/log/xen/console/guest-linuxref.log 'guest: ready echo' 240 ||
		{ tail -20 /var/log/xen/console/guest-linuxref.log; exit 1; }
	ping_rtt 10.0.0.10
	/rig/files/tcpbench rtt 10.0.0.10 7 2000 64
	/rig/files/tcpbench bulk 10.0.0.10 7 16 ;;
esac
EOF
echo "bench xen-devices: one rig boot (Hako devtest, then the Linux guest)"
test/xen/run.sh --batch "$dir/cases" --outdir "$dir" --timeout 400 --net --disk 64 \
	--dom0-script "$dir/dom0.sh" --add "$dir/tcpbench" --add "$guest/vmlinuz" \
	--add "$guest/initramfs.gz" --log "$dir/serial.log" >"$dir/results" 2>"$dir/rig.log"

h=$dir/hako.out
num() { sed -n "$1" "$2" | head -n 1; }
w_kib=$(num 's/^ok   wrote \([0-9]*\) KiB in \([0-9]*\) ms.*/\1 \2/p' "$h")
r_kib=$(num 's/^ok   read back \([0-9]*\) KiB in \([0-9]*\) ms.*/\1 \2/p' "$h")
iops=$(num 's/^ok   random 4 KiB reads: .* \([0-9]*\) IOPS.*/\1/p' "$h")
tx=$(num 's/^ok   tx burst: \([0-9]*\) of [0-9]* frames queued, \([0-9]*\) bytes in \([0-9]*\) ms.*/\1 \2 \3/p' "$h")
mbps() { awk -v k="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%.1f", k / 1024 / (ms / 1000); else print "-" }'; }
rtt() { sed -n 's/^rtt: n=\([0-9]*\) median=\([0-9]*\) p99=\([0-9]*\).*/\2 \3 \1/p' "$1" | head -n 1; }
read -r h_med h_p99 h_n <<<"$(rtt "$dir/hako.dom0")"
read -r l_med l_p99 l_n <<<"$(rtt "$dir/linuxholder.dom0")"
l_tcp=$(sed -n 's/^rtt_us median=\([0-9]*\) .*p99=\([0-9]*\).*/\1 \2/p' "$dir/linuxholder.dom0")
l_bulk=$(sed -n 's/^bulk_mbps=\([0-9.]*\).*/\1/p' "$dir/linuxholder.dom0")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }
{
	echo "Xen split drivers (Xen 4.17 in QEMU TCG, dom0 Linux netback/blkback, $(date -u +%F))"
	echo
	echo "Hako blkfront (devtest, 32 MiB file-backed disk via loop):"
	printf '  %-52s %8s MB/s\n' "sequential write, up to 32 requests in flight" \
		"$(mbps ${w_kib:-0 0})"
	printf '  %-52s %8s MB/s\n' "sequential read back" "$(mbps ${r_kib:-0 0})"
	printf '  %-52s %8s\n' "random 4 KiB reads, IOPS" "${iops:--}"
	echo "Hako netfront (devtest, frames):"
	read -r tx_n tx_b tx_ms <<<"${tx:-0 0 0}"
	printf '  %-52s %8s MB/s\n' "UDP frame burst out ($tx_n frames)" \
		"$(mbps "$((tx_b / 1024))" "$tx_ms")"
	echo "ICMP round trip from dom0 (300, one at a time), median / p99 us:"
	printf '  %-52s %8s / %s\n' "Hako domU (devtest answering)" "${h_med:--}" "${h_p99:--}"
	printf '  %-52s %8s / %s\n' "Linux domU (same bridge)" "${l_med:--}" "${l_p99:--}"
	printf '  %-52s %8s\n' "Linux / Hako median (above 1: Hako faster)" "$(ratio "${l_med:-0}" "${h_med:-0}")"
	echo "TCP through an echo server, from dom0 (tcpbench):"
	read -r lt_med lt_p99 <<<"${l_tcp:-- -}"
	printf '  %-52s %8s / %s us\n' "Linux domU: round trip of 64 bytes, median / p99" "$lt_med" "$lt_p99"
	printf '  %-52s %8s MB/s\n' "Linux domU: bulk 16 MiB through echo" "${l_bulk:--}"
	printf '  %-52s %8s\n' "Hako domU: round trip and bulk" "n/a: needs apps/echo (lwIP)"
} | tee out/bench/xen-devices.txt
# A side that did not run makes the benchmark fail (its rows say "-").
[ -n "$h_med" ] && [ -n "$w_kib" ] && [ -n "$l_med" ] && [ -n "$l_bulk" ] || {
	echo "bench xen-devices: some measurements are missing: see $dir/*.dom0, $dir/rig.log"
	exit 1
}
