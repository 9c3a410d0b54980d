#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# qemu-x86 network benchmark: TCP through an echo server, Hako's apps/echo
# against the Linux reference guest (test/bench/linux-guest/), in the same
# QEMU configuration: TCG, -nodefaults, a virtio-net-pci on QEMU's user
# network, a host port forwarded to 127.0.0.1.  The client is
# test/bench/tcpbench.c on the host:
#   - round trips: HAKO_BENCH_RTT (default 2000) exchanges of 64 bytes on
#     one connection (TCP_NODELAY): median and p99;
#   - bulk: HAKO_BENCH_MIB (default 16) MiB through the echo, every byte
#     checked: MB/s, the best of 3, and the CPU time QEMU spent per MiB
#     (guest and device emulation together: less sensitive than MB/s to
#     what else runs on the machine);
# and Hako's echo image size.  Ratios are Linux/Hako for latency and
# Hako/Linux for throughput: above 1 means Hako is better.  The table goes
# to stdout and out/bench/net-qemu-x86.txt.  HAKO_BENCH_SKIP_LINUX=1 measures
# Hako alone (the Linux guest takes about a minute to boot under TCG).
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${HAKO_BENCH_RTT:-2000}
mib=${HAKO_BENCH_MIB:-16}
dir=out/bench/net-qemu-x86
out=out/bench/net-qemu-x86.txt
mkdir -p "$dir"
build/deps.sh qemu-x86 >&2

echo "bench net-qemu-x86: building echo and tcpbench"
if [ ! -f apps/echo/build.mk ]; then
	echo "bench net-qemu-x86: apps/echo is missing: cannot run" >&2
	exit 1
fi
make -s PLATFORM=qemu-x86 APP=echo
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
		echo "bench net-qemu-x86: $name never answered (see $dir/$name.log)" >&2
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

echo "bench net-qemu-x86: Hako echo"
port=$(free_port)
setsid env HAKO_NET=user HAKO_HOSTFWD="tcp:127.0.0.1:$port-:7" HAKO_QEMU_TIMEOUT=900 \
	hal/qemu-x86/run.sh out/qemu-x86/echo/echo >"$dir/hako.log" 2>&1 &
pids+=($!)
measure hako "$port" "${pids[-1]}"
stop "${pids[-1]}"

linux=1
if [ "${HAKO_BENCH_SKIP_LINUX:-0}" = 1 ]; then
	linux=0
else
	echo "bench net-qemu-x86: the Linux reference guest (boots in about a minute under TCG)"
	port=$(free_port)
	setsid test/bench/linux-guest/run.sh echo --hostfwd "tcp:127.0.0.1:$port-:7" \
		--timeout 900 >"$dir/linux.log" 2>&1 &
	pids+=($!)
	measure linux "$port" "${pids[-1]}"
	stop "${pids[-1]}"
fi

field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$dir/$1.rtt"; }
size=$(stat -c %s out/qemu-x86/echo/echo)
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }
{
	echo "qemu-x86 network benchmark (QEMU TCG, user network, virtio-net-pci, $(date -u +%F))"
	printf '%-34s %10s %10s %8s\n' "" Hako Linux ratio
	for f in median p99; do
		h=$(field hako "$f")
		if [ $linux = 1 ]; then
			l=$(field linux "$f")
			printf '%-34s %10s %10s %8s\n' "round trip $f, 64 B (us)" "$h" "$l" \
				"$(awk -v h="$h" -v l="$l" 'BEGIN { printf "%.2f", l / h }')"
		else
			printf '%-34s %10s %10s\n' "round trip $f, 64 B (us)" "$h" -
		fi
	done
	h=$(cat "$dir/hako.bulk")
	if [ $linux = 1 ]; then
		l=$(cat "$dir/linux.bulk")
		printf '%-34s %10s %10s %8s\n' "bulk through echo, $mib MiB (MB/s)" "$h" "$l" \
			"$(awk -v h="$h" -v l="$l" 'BEGIN { printf "%.2f", h / l }')"
	else
		printf '%-34s %10s %10s\n' "bulk through echo, $mib MiB (MB/s)" "$h" -
	fi
	h=$(cat "$dir/hako.cpu")
	if [ $linux = 1 ]; then
		l=$(cat "$dir/linux.cpu")
		printf '%-34s %10s %10s %8s\n' "QEMU CPU per MiB of bulk (ms)" "$h" "$l" \
			"$(awk -v h="$h" -v l="$l" 'BEGIN { printf "%.2f", l / h }')"
	else
		printf '%-34s %10s %10s\n' "QEMU CPU per MiB of bulk (ms)" "$h" -
	fi
	printf '%-34s %10s\n' "echo image, stripped (bytes)" "$size"
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
	if [ $linux = 1 ]; then
		echo "goal: round-trip median better than the Linux guest: $(verdict "$(field hako median) < $(field linux median)")"
		echo "goal: round-trip p99 better than the Linux guest: $(verdict "$(field hako p99) < $(field linux p99)")"
		echo "goal: bulk throughput better than the Linux guest: $(verdict "$(cat "$dir/hako.bulk") > $(cat "$dir/linux.bulk")")"
	fi
	echo "goal: echo image <= 200 KB: $(verdict "$size <= 204800") ($size bytes)"
} | tee "$out"
