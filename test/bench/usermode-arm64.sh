#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# usermode-arm64 benchmark: the arm64 hello against a floor built in the
# same run (a static arm64 program with no libc that only calls
# exit_group), both run by the same qemu-aarch64 on this host.  Reports
# the stripped size, the median wall time of a run and the emulator's peak
# RSS.  The table goes to stdout and out/bench/usermode-arm64/result.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${HAKO_BENCH_RUNS:-200}
dir=out/bench/usermode-arm64
mkdir -p "$dir"
build/deps.sh usermode arm64 >&2

echo "bench usermode-arm64: building hello, the floor and the spawn timer"
make -s PLATFORM=usermode ARCH=arm64 APP=hello
gcc -O2 -o "$dir/spawn" test/bench/spawn.c
cat >"$dir/floor.c" <<'C'
void _start(void)
{
	__asm__ volatile("mov x8, #94; mov x0, #0; svc #0"); /* exit_group(0) */
}
C
aarch64-linux-gnu-gcc -O2 -static -nostdlib -fno-pie -no-pie -fno-asynchronous-unwind-tables \
	-Wl,--build-id=none -o "$dir/floor" "$dir/floor.c"
aarch64-linux-gnu-strip -R .comment "$dir/floor"
cp out/usermode-arm64/hello/hello "$dir/hello"
runner=${HAKO_QEMU_USER:-qemu-aarch64}

echo "bench usermode-arm64: $runs runs of each under $runner, alternating"
SPAWN_RUNNER=$runner "$dir/spawn" "$runs" "$dir/floor" "$dir/hello" >"$dir/raw.txt"
read -r _ f_med f_p10 f_p90 f_rss < <(sed -n 1p "$dir/raw.txt")
read -r _ h_med h_p10 h_p90 h_rss < <(sed -n 2p "$dir/raw.txt")
f_size=$(stat -c %s "$dir/floor")
h_size=$(stat -c %s "$dir/hello")

verdict() { if awk "BEGIN{exit !($1)}"; then echo met; else echo MISSED; fi; }
ratio=$(awk "BEGIN{printf \"%.2f\", $h_med / $f_med}")
{
	echo "usermode-arm64 benchmark ($runs runs each under $runner, $(date -u +%F))"
	printf '%-22s %12s %12s %8s\n' "" "hello" "floor" "ratio"
	printf '%-22s %12s %12s %8s\n' "stripped size (bytes)" "$h_size" "$f_size" \
		"$(awk "BEGIN{printf \"%.1f\", $h_size / $f_size}")"
	printf '%-22s %12s %12s %8s\n' "median run (us)" "$h_med" "$f_med" "$ratio"
	printf '%-22s %12s %12s\n' "p10-p90 run (us)" "$h_p10-$h_p90" "$f_p10-$f_p90"
	printf '%-22s %12s %12s\n' "emulator peak RSS (KiB)" "$h_rss" "$f_rss"
	echo "goal: usermode-arm64 size <= 32768 bytes: $(verdict "$h_size <= 32768")"
	echo "goal: usermode-arm64 run time <= 1.3x floor: $(verdict "$ratio <= 1.3") (${ratio}x)"
} | tee "$dir/result.txt"
echo "bench usermode-arm64: hello ${h_size} B, ${ratio}x floor time (table in $dir/result.txt)"
