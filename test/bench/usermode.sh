#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Usermode benchmark: hello against a floor built in the same run (a static
# program with no libc that only calls exit_group).  Reports the stripped
# image size, the median wall time of a run as a process, and the peak RSS.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${HAKO_BENCH_RUNS:-400}
dir=out/bench/usermode
mkdir -p "$dir"

echo "bench usermode: building hello, the floor and the spawn timer"
make -s PLATFORM=usermode APP=hello
gcc -O2 -o "$dir/spawn" test/bench/spawn.c
cat >"$dir/floor.c" <<'C'
void _start(void)
{
	__asm__ volatile("mov $231, %eax; xor %edi, %edi; syscall");
}
C
gcc -O2 -static -nostdlib -fno-pie -no-pie -fno-asynchronous-unwind-tables \
	-Wl,--build-id=none -o "$dir/floor" "$dir/floor.c"
strip -R .comment "$dir/floor"
cp out/usermode/hello/hello "$dir/hello"

echo "bench usermode: $runs runs of each, alternating"
"$dir/spawn" "$runs" "$dir/floor" "$dir/hello" >"$dir/raw.txt"
read -r _ f_med f_p10 f_p90 f_rss < <(sed -n 1p "$dir/raw.txt")
read -r _ h_med h_p10 h_p90 h_rss < <(sed -n 2p "$dir/raw.txt")
f_size=$(stat -c %s "$dir/floor")
h_size=$(stat -c %s "$dir/hello")

verdict() { if awk "BEGIN{exit !($1)}"; then echo met; else echo MISSED; fi; }
ratio=$(awk "BEGIN{printf \"%.2f\", $h_med / $f_med}")
{
	echo "usermode benchmark ($runs runs each, $(date -u +%F))"
	printf '%-22s %12s %12s %8s\n' "" "hello" "floor" "ratio"
	printf '%-22s %12s %12s %8s\n' "stripped size (bytes)" "$h_size" "$f_size" \
		"$(awk "BEGIN{printf \"%.1f\", $h_size / $f_size}")"
	printf '%-22s %12s %12s %8s\n' "median run (us)" "$h_med" "$f_med" "$ratio"
	printf '%-22s %12s %12s\n' "p10-p90 run (us)" "$h_p10-$h_p90" "$f_p10-$f_p90"
	printf '%-22s %12s %12s\n' "peak RSS (KiB)" "$h_rss" "$f_rss"
	echo "goal: size <= 32768 bytes: $(verdict "$h_size <= 32768")"
	echo "goal: run time <= 1.3x floor: $(verdict "$ratio <= 1.3") (${ratio}x)"
	echo "goal: peak RSS <= 0.6 MiB (614 KiB): $(verdict "$h_rss <= 614")"
} | tee "$dir/result.txt"
echo "bench usermode: hello ${h_size} B, ${ratio}x floor time, ${h_rss} KiB RSS (table in $dir/result.txt)"
