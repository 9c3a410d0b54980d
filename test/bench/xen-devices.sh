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
#  - Hako apps/echo (lwIP over netfront), when the tree has it: tcpbench
#    (static, in dom0) measures TCP round trips and bulk through it;
#  - Hako apps/echo in 8, 6, 5 and 4 MiB of domU memory: the smallest that
#    echoes 1 MiB intact and serves 50 connections at once;
#  - Linux domU: dom0 pings it the same way, and tcpbench measures its echo
#    server the same way.
# Goal lines (met/MISSED) for TCP round trips and bulk against the Linux
# domU and for the memory (<= 8 MiB); the last line is a one-line summary.
# Without apps/echo in the tree, the Hako TCP rows say so instead of a
# number (the rest still runs).
# Prints a table and writes it to out/bench/xen-devices.txt; raw data in
# out/bench/xen-devices/.
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=out/bench/xen-devices
rm -rf "$dir"
mkdir -p "$dir"

echo "bench xen-devices: building devtest, tcpbench and the Linux guest"
make -s PLATFORM=xen APP=devtest >"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
have_echo=0
if [ -f apps/echo/build.mk ]; then
	have_echo=1
	make -s PLATFORM=xen APP=echo >>"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
fi
gcc -O2 -static -Wall -Wextra -o "$dir/tcpbench" test/bench/tcpbench.c 2>>"$dir/build.log" ||
	{ cat "$dir/build.log"; exit 1; }
guest=$(test/bench/linux-guest/mkguest.sh 2>>"$dir/build.log") || {
	echo "bench xen-devices: cannot build the Linux guest"
	tail -5 "$dir/build.log"
	exit 1
}

line() { (IFS=$'\t' && echo "$*"); }
MEMS="8 6 5 4"
{
	line hako out/xen/devtest/devtest 32 0 block mib=32 iops=3 + net dhcp=0 pings=10 \
		burst=5000 serve=1
	# (case 2: its MAC gets 10.0.0.3 from the rig's DHCP server)
	[ "$have_echo" = 0 ] || line echo out/xen/echo/echo 16 0
	# The smallest memory echo serves in: cases mem8, mem6, mem5, mem4
	# (each must answer 1 MiB intact and 50 connections at once).
	if [ "$have_echo" = 1 ]; then
		for m in $MEMS; do line "mem$m" out/xen/echo/echo "$m" 0; done
	fi
	# Holds the Linux guest's run (QEMU gets 512 MiB: 320 for dom0, see
	# below, and room for the Linux guest's 96 after the Hako case).
	line linuxholder out/xen/crash/crash 16 0 sleep
} >"$dir/cases"
make -s PLATFORM=xen APP=crash >>"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
{ cat test/bench/linux-guest/xen-domu.sh; cat <<'EOF'; } >"$dir/dom0.sh"
log=/var/log/xen/console/guest-$1.log
# Whatever happens, the case ends (its guest waits for xl shutdown).
trap 'xl destroy linuxref >/dev/null 2>&1; xl shutdown "$1"' EXIT
until_line() { # until_line FILE LINE SECONDS: wait for LINE in FILE
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt $(($3 * 10)) ] || { echo "dom0: no line '$2'"; return 1; }
		# An image that ended (a panic, no memory) will not print it.
		grep -q 'hako: exit status\|panic' "$1" 2>/dev/null &&
			{ echo "dom0: the image ended before '$2'"; return 1; }
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
echo)
	until_line "$log" 'echo: serving' 120 || exit 1
	/rig/files/tcpbench wait 10.0.0.3 7 60 || exit 1
	/rig/files/tcpbench rtt 10.0.0.3 7 2000 64
	for i in 1 2 3; do /rig/files/tcpbench bulk 10.0.0.3 7 16; done ;;
mem*)
	until_line "$log" 'echo: serving' 60 || exit 1
	a=$(sed -n 's/.*net0 \([0-9.]*\)\/.*/\1/p' "$log" | head -n 1)
	/rig/files/tcpbench wait $a 7 30 || exit 1
	/rig/files/tcpbench bytes $a 7 1048576 || exit 1
	/rig/files/tcpbench conns $a 7 50 || exit 1
	echo "dom0: served in ${1#mem} MiB" ;;
linuxholder)
	linux_domu linuxref 96 "role=echo ip=10.0.0.10/24" \
		"vif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:09' ]" || exit 1
	until_line /var/log/xen/console/guest-linuxref.log 'guest: ready echo' 240 ||
		{ tail -20 /var/log/xen/console/guest-linuxref.log; exit 1; }
	ping_rtt 10.0.0.10
	/rig/files/tcpbench rtt 10.0.0.10 7 2000 64
	for i in 1 2 3; do /rig/files/tcpbench bulk 10.0.0.10 7 16; done ;;
esac
EOF
echo "bench xen-devices: one rig boot (Hako devtest, then the Linux guest)"
# dom0 needs room for xl to unpack the Linux guest's kernel (192 MiB: OOM).
# A loaded machine boots dom0 slowly: a bench waits longer than a test.
HAKO_XEN_BOOT_BUDGET=${HAKO_XEN_BOOT_BUDGET:-300} HAKO_XEN_APPEND="dom0_mem=320M,max:320M" test/xen/run.sh --batch "$dir/cases" --outdir "$dir" --timeout 400 --net --disk 64 \
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
# Bulk: the best of 3 (as qemu-x86-devices: other load on the machine only
# ever slows a run down).
best() { sed -n 's/^bulk_mbps=\([0-9.]*\).*/\1/p' "$1" | sort -n | tail -n 1; }
l_bulk=$(best "$dir/linuxholder.dom0")
e_tcp= e_bulk=
if [ "$have_echo" = 1 ]; then
	e_tcp=$(sed -n 's/^rtt_us median=\([0-9]*\) .*p99=\([0-9]*\).*/\1 \2/p' "$dir/echo.dom0")
	e_bulk=$(best "$dir/echo.dom0")
fi
# The smallest memory that served (the cases run from large to small; a
# smaller one that served counts even if a larger one did not).
min_mem=
for m in $MEMS; do
	grep -q "^dom0: served in $m MiB" "$dir/mem$m.dom0" 2>/dev/null && min_mem=$m
done
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }
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
	echo "TCP through an echo server, from dom0 (tcpbench: 2000 round trips of 64 bytes,"
	echo "median / p99; 16 MiB through it, every byte checked, best of 3):"
	read -r lt_med lt_p99 <<<"${l_tcp:-- -}"
	if [ "$have_echo" = 1 ]; then
		read -r et_med et_p99 <<<"${e_tcp:-- -}"
		printf '  %-52s %8s / %s us\n' "Hako domU (apps/echo): round trip" "$et_med" "$et_p99"
		printf '  %-52s %8s MB/s\n' "Hako domU (apps/echo): bulk" "${e_bulk:--}"
	else
		printf '  %-52s %8s\n' "Hako domU: round trip and bulk" "n/a: no apps/echo in this tree"
	fi
	printf '  %-52s %8s / %s us\n' "Linux domU: round trip" "$lt_med" "$lt_p99"
	printf '  %-52s %8s MB/s\n' "Linux domU: bulk" "${l_bulk:--}"
	if [ "$have_echo" = 1 ]; then
		printf '  %-52s %8s\n' "Linux / Hako round trip (above 1: Hako faster)" \
			"$(ratio "${lt_med/-/0}" "${et_med/-/0}")"
		printf '  %-52s %8s\n' "Linux / Hako round trip p99 (above 1: Hako faster)" \
			"$(ratio "${lt_p99/-/0}" "${et_p99/-/0}")"
		printf '  %-52s %8s\n' "Hako / Linux bulk (above 1: Hako faster)" \
			"$(ratio "${e_bulk:-0}" "${l_bulk:-0}")"
		echo "Smallest domU memory echo serves in (1 MiB intact, 50 connections), of $MEMS MiB:"
		printf '  %-52s %8s\n' "echo domU memory (MiB)" "${min_mem:-none}"
		printf '  %-52s %8s\n' "echo image, stripped (bytes)" "$(stat -c %s out/xen/echo/echo)"
		echo "goal: xen TCP round-trip median better than the Linux domU: $(verdict "${et_med/-/0} > 0 && ${et_med/-/0} < ${lt_med/-/0}")"
		echo "goal: xen TCP round-trip p99 better than the Linux domU: $(verdict "${et_p99/-/0} > 0 && ${et_p99/-/0} < ${lt_p99/-/0}")"
		echo "goal: xen TCP bulk better than the Linux domU: $(verdict "${e_bulk:-0} > ${l_bulk:-0}")"
		echo "goal: xen echo serves in <= 8 MiB of domU memory: $(verdict "${min_mem:-99} <= 8")"
	fi
} | tee out/bench/xen-devices.txt
# A side that did not run makes the benchmark fail (its rows say "-").
[ -n "$h_med" ] && [ -n "$w_kib" ] && [ -n "$l_med" ] && [ -n "$l_bulk" ] &&
	{ [ "$have_echo" = 0 ] || [ -n "$e_bulk" ]; } || {
	echo "bench xen-devices: some measurements are missing: see $dir/*.dom0, $dir/rig.log"
	exit 1
}
echo "bench xen-devices: done, $(grep -c '^goal.*met$' out/bench/xen-devices.txt) goal(s) met," \
	"$(grep -c '^goal.*MISSED$' out/bench/xen-devices.txt) missed"
