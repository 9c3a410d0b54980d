#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# qemu-arm64 benchmark: hello against a floor built in the same run from
# test/bench/floor-arm64.S (an Image that prints one line and powers off),
# both booted by qemu-system-aarch64 -M virt under TCG with the same options
# (hal/qemu-arm64/run.sh's: semihosting on).  Reports:
#   - boot-to-exit wall time of QEMU (median of HAKO_BENCH_RUNS, default 30,
#     runs alternating floor and hello);
#   - the smallest -m that still boots (bisected in 64 KiB steps);
#   - the stripped image size.
# The table goes to stdout and out/bench/qemu-arm64.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${HAKO_BENCH_RUNS:-30}
dir=out/bench/qemu-arm64
out=out/bench/qemu-arm64.txt
qemu="qemu-system-aarch64"
mkdir -p "$dir"
build/deps.sh qemu-arm64 >&2

echo "bench qemu-arm64: building hello and the floor kernel"
make -s PLATFORM=qemu-arm64 APP=hello
cp out/qemu-arm64/hello/hello "$dir/hello"
aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40080000 -Wl,--build-id=none \
	-o "$dir/floor.elf" test/bench/floor-arm64.S
aarch64-linux-gnu-objcopy -O binary "$dir/floor.elf" "$dir/floor"

# shellcheck disable=SC2054 # the commas are part of QEMU options
common=(-M virt -cpu cortex-a57 -accel tcg -nodefaults -display none -serial stdio
	-no-reboot -semihosting-config enable=on,target=native)

# boots IMAGE MEM: 0 when the image printed its line and exited with status 0
boots() {
	local o
	o=$(timeout 10 "$qemu" "${common[@]}" -m "$2" -kernel "$1" </dev/null 2>/dev/null) &&
		grep -q '^Hello from' <<<"$o"
}

# wall IMAGE: one run's wall time in microseconds (QEMU start to exit)
wall() {
	local t0 t1
	t0=$EPOCHREALTIME
	"$qemu" "${common[@]}" -m 64M -kernel "$1" </dev/null >/dev/null 2>&1 || true
	t1=$EPOCHREALTIME
	echo $((${t1/./} - ${t0/./}))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.5); if (i < 1) i = 1; print v[i] }'; }

# Smallest -m in KiB that boots, in 64 KiB steps from 1 MiB to 16 MiB
# (QEMU itself refuses a RAM that cannot hold the Image at 512 KiB and the
# device tree above it).  Prints "-" when even 16 MiB fails.
min_mem() {
	local lo=16 hi=256 mid # units of 64 KiB
	boots "$1" $((hi * 64))K || { echo -; return; }
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if boots "$1" $((mid * 64))K; then hi=$mid; else lo=$mid; fi
	done
	echo $((hi * 64))
}

for img in floor hello; do
	boots "$dir/$img" 64M || { echo "bench qemu-arm64: $img does not boot" >&2; exit 1; }
done

echo "bench qemu-arm64: $runs boots of each, alternating"
: >"$dir/floor.times"
: >"$dir/hello.times"
wall "$dir/floor" >/dev/null # warm the page cache
for _ in $(seq "$runs"); do
	wall "$dir/floor" >>"$dir/floor.times"
	wall "$dir/hello" >>"$dir/hello.times"
done
f_med=$(median <"$dir/floor.times")
h_med=$(median <"$dir/hello.times")
f_range="$(($(pct 10 <"$dir/floor.times") / 1000))-$(($(pct 90 <"$dir/floor.times") / 1000))"
h_range="$(($(pct 10 <"$dir/hello.times") / 1000))-$(($(pct 90 <"$dir/hello.times") / 1000))"

echo "bench qemu-arm64: bisecting the smallest -m"
f_mem=$(min_mem "$dir/floor")
h_mem=$(min_mem "$dir/hello")

f_size=$(stat -c %s "$dir/floor")
h_size=$(stat -c %s "$dir/hello")
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }
over=$(awk -v h="$h_med" -v f="$f_med" 'BEGIN { printf "%.1f", (h - f) / 1000 }')
ratio=$(awk -v h="$h_med" -v f="$f_med" 'BEGIN { printf "%.2f", h / f }')
{
	echo "qemu-arm64 benchmark (QEMU TCG, virt, cortex-a57, $runs boots each, $(date -u +%F))"
	printf '%-28s %12s %12s %10s\n' "" "hello" "floor" "hello-floor"
	printf '%-28s %12s %12s %10s\n' "stripped size (bytes)" "$h_size" "$f_size" \
		"$((h_size - f_size))"
	printf '%-28s %12s %12s %10s\n' "median boot-to-exit (ms)" "$(ms "$h_med")" \
		"$(ms "$f_med")" "$over"
	printf '%-28s %12s %12s\n' "p10-p90 (ms)" "$h_range" "$f_range"
	printf '%-28s %12s %12s %10s\n' "smallest -m (KiB)" "$h_mem" "$f_mem" \
		"$([ "$h_mem" = - ] || [ "$f_mem" = - ] && echo - || echo $((h_mem - f_mem)))"
	echo "ratio of boot times: ${ratio}x the floor"
	echo "goal: qemu-arm64 boot within floor + 10 ms: $(verdict "$h_med - $f_med <= 10000") (+${over} ms)"
	echo "goal: qemu-arm64 hello size <= 32768 bytes: $(verdict "$h_size <= 32768") ($h_size)"
	echo "info: qemu-arm64 smallest -m: ${h_mem} KiB (the floor's: ${f_mem} KiB)"
} | tee "$out"
