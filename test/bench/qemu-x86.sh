#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# qemu-x86 benchmark: hello against a floor built in the same run (a minimal
# multiboot kernel that writes one line to COM1 and exits through
# isa-debug-exit), both under QEMU TCG with the same options.  Reports:
#   - boot-to-exit wall time of QEMU (median of HAKO_BENCH_RUNS, default 30,
#     runs alternating floor and hello);
#   - the smallest -m that still boots (bisected in 64 KiB steps);
#   - QEMU's peak RSS at -m 2M and -m 512M (guest memory must not be touched);
#   - the stripped image size.
# The table goes to stdout and out/bench/qemu-x86.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${HAKO_BENCH_RUNS:-30}
dir=out/bench/qemu-x86
out=out/bench/qemu-x86.txt
qemu="qemu-system-x86_64"
mkdir -p "$dir"
build/deps.sh qemu-x86 >&2

echo "bench qemu-x86: building hello and the floor kernel"
make -s PLATFORM=qemu-x86 APP=hello
cp out/qemu-x86/hello/hello "$dir/hello"
cat >"$dir/floor.S" <<'ASM'
/* The floor: a multiboot (ELF32) kernel that prints one line and exits. */
	.code32
	.text
	.globl _start
	.balign 4
	.long 0x1badb002, 0, -0x1badb002	/* magic, flags, checksum */
_start:
	movl $msg, %esi
	movw $0x3f8, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	movw $0xf4, %dx			/* isa-debug-exit, status 0 */
	xorl %eax, %eax
	outb %al, %dx
	hlt
msg:	.asciz "Hello from the floor!\n"
ASM
as --32 -o "$dir/floor.o" "$dir/floor.S"
ld -m elf_i386 -n -Ttext 0x100000 -e _start --build-id=none -o "$dir/floor" "$dir/floor.o"
strip -R .comment "$dir/floor"

# shellcheck disable=SC2054 # the commas are part of a QEMU option
common=(-accel tcg -nodefaults -display none -serial stdio -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)

# boots IMAGE MEM: 0 when the image printed its line and exited with status 0
boots() {
	local o
	o=$(timeout 10 "$qemu" "${common[@]}" -m "$2" -kernel "$1" </dev/null 2>/dev/null)
	[ $? = 1 ] && grep -q '^Hello from' <<<"$o"
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

# Smallest -m in KiB that boots, in 64 KiB steps; 1024K (no RAM above
# 1 MiB) is taken as failing.  Prints "-" when even 16 MiB fails.
min_mem() {
	local lo=16 hi=256 mid # units of 64 KiB
	boots "$1" $((hi * 64))K || { echo -; return; }
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if boots "$1" $((mid * 64))K; then hi=$mid; else lo=$mid; fi
	done
	echo $((hi * 64))
}

# rss IMAGE MEM: QEMU's peak RSS in KiB for one boot (median of 3)
rss() {
	for _ in 1 2 3; do
		{ /usr/bin/time -f %M "$qemu" "${common[@]}" -m "$2" -kernel "$1" \
			</dev/null 2>&1 >/dev/null || true; } | tail -n 1
	done | median
}

for img in floor hello; do
	boots "$dir/$img" 64M || { echo "bench qemu-x86: $img does not boot" >&2; exit 1; }
done

echo "bench qemu-x86: $runs boots of each, alternating"
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

echo "bench qemu-x86: bisecting the smallest -m"
f_mem=$(min_mem "$dir/floor")
h_mem=$(min_mem "$dir/hello")

echo "bench qemu-x86: peak RSS"
f_rss2=$(rss "$dir/floor" 2M)
h_rss2=$(rss "$dir/hello" 2M)
f_rss512=$(rss "$dir/floor" 512M)
h_rss512=$(rss "$dir/hello" 512M)

f_size=$(stat -c %s "$dir/floor")
h_size=$(stat -c %s "$dir/hello")
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }
over=$(awk -v h="$h_med" -v f="$f_med" 'BEGIN { printf "%.1f", (h - f) / 1000 }')
ratio=$(awk -v h="$h_med" -v f="$f_med" 'BEGIN { printf "%.2f", h / f }')
growth=$(((h_rss512 - h_rss2) - (f_rss512 - f_rss2)))
{
	echo "qemu-x86 benchmark (QEMU TCG, $runs boots each, $(date -u +%F))"
	printf '%-28s %12s %12s %10s\n' "" "hello" "floor" "hello-floor"
	printf '%-28s %12s %12s %10s\n' "stripped size (bytes)" "$h_size" "$f_size" \
		"$((h_size - f_size))"
	printf '%-28s %12s %12s %10s\n' "median boot-to-exit (ms)" "$(ms "$h_med")" \
		"$(ms "$f_med")" "$over"
	printf '%-28s %12s %12s\n' "p10-p90 (ms)" "$h_range" "$f_range"
	printf '%-28s %12s %12s %10s\n' "smallest -m (KiB)" "$h_mem" "$f_mem" \
		"$([ "$h_mem" = - ] || [ "$f_mem" = - ] && echo - || echo $((h_mem - f_mem)))"
	printf '%-28s %12s %12s %10s\n' "QEMU peak RSS, -m 2M (KiB)" "$h_rss2" "$f_rss2" \
		"$((h_rss2 - f_rss2))"
	printf '%-28s %12s %12s %10s\n' "QEMU peak RSS, -m 512M (KiB)" "$h_rss512" "$f_rss512" \
		"$((h_rss512 - f_rss512))"
	echo "ratio of boot times: ${ratio}x the floor"
	echo "goal: boot within floor + 10 ms: $(verdict "$h_med - $f_med <= 10000") (+${over} ms)"
	echo "goal: smallest -m <= 1280 KiB: $(verdict "\"$h_mem\" != \"-\" && $h_mem + 0 <= 1280") (${h_mem} KiB)"
	echo "goal: RSS does not grow with -m (2M -> 512M, beyond the floor's own growth, < 1 MiB): $(verdict "$growth < 1024") (${growth} KiB)"
	echo "goal: size <= 32768 bytes: $(verdict "$h_size <= 32768") ($h_size)"
} | tee "$out"
