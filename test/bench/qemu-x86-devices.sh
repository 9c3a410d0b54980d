#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# qemu-x86 virtio benchmark, under QEMU TCG with -nodefaults:
#  - Hako virtio-blk (apps/devtest, a 64 MiB raw image file): 32 MiB written
#    with requests in flight, flushed, read back; 3 s of random 4 KiB reads;
#  - Hako virtio-net (apps/devtest on QEMU's user network): a burst of UDP
#    frames out, and pings to the user network's gateway;
#  - TCP through an echo server, side by side with the Linux reference guest
#    (test/bench/linux-guest: Debian's kernel, virtio-net-pci on the same
#    user network, a host port forwarded to 127.0.0.1): tcpbench on the host
#    measures HAKO_BENCH_RTT (default 2000) round trips of 64 bytes (median,
#    p99) and HAKO_BENCH_MIB (default 16) MiB of bulk, every byte checked
#    (MB/s, best of 3), and the CPU time QEMU spent per MiB of bulk (guest
#    and device emulation together: less sensitive than MB/s to what else
#    runs on the machine).  Ratios: above 1 means Hako is better.  Without
#    apps/echo in the tree these rows say so (the rest still runs);
#    HAKO_BENCH_SKIP_LINUX=1 leaves the Linux guest out (it takes about a
#    minute to boot under TCG).
# The table goes to stdout and out/bench/qemu-x86-devices.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${HAKO_BENCH_RTT:-2000}
mib=${HAKO_BENCH_MIB:-16}
dir=out/bench/qemu-x86-devices
out=out/bench/qemu-x86-devices.txt
rm -rf "$dir"
mkdir -p "$dir"
build/deps.sh qemu-x86 >&2

echo "bench qemu-x86-devices: building devtest, echo and tcpbench"
make -s PLATFORM=qemu-x86 APP=devtest
have_echo=0
if [ -f apps/echo/build.mk ]; then
	have_echo=1
	make -s PLATFORM=qemu-x86 APP=echo
fi
gcc -O2 -Wall -o "$dir/tcpbench" test/bench/tcpbench.c
tcpbench=$dir/tcpbench

pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill -- "-$p" 2>/dev/null || true
	done
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# cpu_ticks PID: user+system clock ticks of a QEMU process
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# measure NAME PORT SID: wait for real echoes, then the round trips and
# bulk; SID is the server's session (its QEMU is found in it).
measure() {
	local name=$1 port=$2 sid=$3 best=0 b qemu t0
	if ! "$tcpbench" wait 127.0.0.1 "$port" 300 >/dev/null; then
		echo "bench qemu-x86-devices: $name never answered (see $dir/$name.log)" >&2
		tail -n 20 "$dir/$name.log" >&2
		return 1
	fi
	qemu=$(pgrep -s "$sid" qemu-system | head -n 1)
	"$tcpbench" rtt 127.0.0.1 "$port" "$count" 64 >"$dir/$name.rtt"
	t0=$(cpu_ticks "$qemu")
	for _ in 1 2 3; do
		b=$("$tcpbench" bulk 127.0.0.1 "$port" "$mib" | sed -n 's/^bulk_mbps=\([0-9.]*\).*/\1/p')
		[ -n "$b" ] || return 1
		best=$(awk -v a="$best" -v b="$b" 'BEGIN { print (b > a) ? b : a }')
	done
	echo "$best" >"$dir/$name.bulk"
	awk -v t="$(($(cpu_ticks "$qemu") - t0))" -v hz="$(getconf CLK_TCK)" -v m="$mib" \
		'BEGIN { printf "%.1f\n", t / hz * 1000 / (3 * m) }' >"$dir/$name.cpu"
}

# stop PID: end a server's process group (started with setsid).
stop() {
	kill -- "-$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

echo "bench qemu-x86-devices: devtest (virtio-blk, then virtio-net)"
truncate -s 64M "$dir/disk.img"
HAKO_DISK=$dir/disk.img HAKO_NET=user HAKO_HOSTFWD= HAKO_QEMU_TIMEOUT=300 \
	hal/qemu-x86/run.sh out/qemu-x86/devtest/devtest block mib=32 iops=3 + \
	net ip=10.0.2.15 peer=10.0.2.2 pings=300 burst=5000 >"$dir/devtest.log" 2>&1 || {
	echo "bench qemu-x86-devices: devtest failed" >&2
	tail -n 20 "$dir/devtest.log" >&2
	exit 1
}

linux=0
if [ "$have_echo" = 1 ]; then
	echo "bench qemu-x86-devices: Hako echo"
	port=$(free_port)
	setsid env HAKO_NET=user HAKO_HOSTFWD="tcp:127.0.0.1:$port-:7" HAKO_QEMU_TIMEOUT=900 \
		hal/qemu-x86/run.sh out/qemu-x86/echo/echo >"$dir/hako.log" 2>&1 &
	pids+=($!)
	measure hako "$port" "${pids[-1]}"
	stop "${pids[-1]}"
	if [ "${HAKO_BENCH_SKIP_LINUX:-0}" != 1 ]; then
		linux=1
		echo "bench qemu-x86-devices: the Linux reference guest (about a minute to boot)"
		port=$(free_port)
		setsid test/bench/linux-guest/run.sh echo --hostfwd "tcp:127.0.0.1:$port-:7" \
			--timeout 900 >"$dir/linux.log" 2>&1 &
		pids+=($!)
		measure linux "$port" "${pids[-1]}"
		stop "${pids[-1]}"
	fi
fi

d=$dir/devtest.log
num() { sed -n "$1" "$d" | head -n 1; }
mbps() { awk -v k="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%.1f", k / 1024 / (ms / 1000); else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$dir/$1.rtt"; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }
w=$(num 's/^ok   wrote \([0-9]*\) KiB in \([0-9]*\) ms, up to \([0-9]*\) requests.*/\1 \2 \3/p')
r=$(num 's/^ok   read back \([0-9]*\) KiB in \([0-9]*\) ms.*/\1 \2/p')
iops=$(num 's/^ok   random 4 KiB reads: .* \([0-9]*\) IOPS.*/\1/p')
tx=$(num 's/^ok   tx burst: \([0-9]*\) of [0-9]* frames queued, \([0-9]*\) bytes in \([0-9]*\) ms.*/\1 \2 \3/p')
ping=$(num 's/^ok   ping: .*best round trip \([0-9]*\) us.*/\1/p')
read -r w_kib w_ms inflight <<<"${w:-0 0 -}"
read -r r_kib r_ms <<<"${r:-0 0}"
read -r tx_n tx_b tx_ms <<<"${tx:-0 0 0}"
{
	echo "qemu-x86 virtio devices (QEMU TCG, -nodefaults, $(date -u +%F))"
	echo "Hako virtio-blk (devtest, 64 MiB raw image file, QEMU's default cache):"
	printf '  %-50s %10s MB/s\n' "sequential write, up to $inflight requests in flight" \
		"$(mbps "$w_kib" "$w_ms")"
	printf '  %-50s %10s MB/s\n' "sequential read back (every sector checked)" "$(mbps "$r_kib" "$r_ms")"
	printf '  %-50s %10s\n' "random 4 KiB reads, IOPS" "${iops:--}"
	echo "Hako virtio-net (devtest, QEMU's user network):"
	printf '  %-50s %10s MB/s\n' "UDP frame burst out ($tx_n frames)" \
		"$(mbps "$((tx_b / 1024))" "$tx_ms")"
	printf '  %-50s %10s us\n' "ping to the gateway, best of 300" "${ping:--}"
	echo "TCP through an echo server (tcpbench from the host, through hostfwd):"
	if [ "$have_echo" = 0 ]; then
		printf '  %-50s %10s\n' "round trips and bulk" "n/a: no apps/echo in this tree"
	else
		printf '  %-50s %10s %10s %8s\n' "" Hako Linux ratio
		for f in median p99; do
			h=$(field hako "$f")
			l=$([ $linux = 1 ] && field linux "$f" || echo -)
			printf '  %-50s %10s %10s %8s\n' "round trip $f, 64 B (us)" "$h" "$l" \
				"$(ratio "$l" "$h")"
		done
		h=$(cat "$dir/hako.bulk")
		l=$([ $linux = 1 ] && cat "$dir/linux.bulk" || echo -)
		printf '  %-50s %10s %10s %8s\n' "bulk, $mib MiB (MB/s)" "$h" "$l" "$(ratio "$h" "$l")"
		h=$(cat "$dir/hako.cpu")
		l=$([ $linux = 1 ] && cat "$dir/linux.cpu" || echo -)
		printf '  %-50s %10s %10s %8s\n' "QEMU CPU per MiB of bulk (ms)" "$h" "$l" \
			"$(ratio "$l" "$h")"
		printf '  %-50s %10s\n' "echo image, stripped (bytes)" "$(stat -c %s out/qemu-x86/echo/echo)"
	fi
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
	if [ $linux = 1 ]; then
		echo "goal: TCP round-trip median better than the Linux guest: $(verdict "$(field hako median) < $(field linux median)")"
		echo "goal: TCP round-trip p99 better than the Linux guest: $(verdict "$(field hako p99) < $(field linux p99)")"
		echo "goal: TCP bulk better than the Linux guest: $(verdict "$(cat "$dir/hako.bulk") > $(cat "$dir/linux.bulk")")"
	fi
	if [ "$have_echo" = 1 ]; then
		echo "goal: echo image <= 200 KB: $(verdict "$(stat -c %s out/qemu-x86/echo/echo) <= 204800")"
	fi
} | tee "$out"
echo "bench qemu-x86-devices: done, $(grep -c '^goal.*met$' "$out") goal(s) met," \
	"$(grep -c '^goal.*MISSED$' "$out") missed"
