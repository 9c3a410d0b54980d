#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The qemu-arm64 port's own tests: the device-tree reader against hostile
# trees (host unit tests with ASan/UBSan, and a fixed number of libFuzzer
# runs), then hello, crash and ktest under qemu-system-aarch64 (TCG) with a
# timeout each, checking what only this port has: exit statuses above 127
# through semihosting and the PSCI fallback without it, exceptions with the
# syndrome decoded, W^X (writing code, running data), the memory floor,
# RAM above 4 GiB, entry at EL2, a refused device tree, wfi while idle and
# the PL061 power button, on GICv2 and GICv3, and the virtio-mmio devices
# (apps/devtest: net0 on QEMU's user network and on a TAP, disks over image
# files the host then checks).  One line per case, then "N passed, N failed".
#   test/qemu-arm64/run-tests.sh
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. test/lib.sh
. test/virtio-devtest.sh # run (an image through $run), devtest_tap, devtest_blocks

export HAKO_QEMU_TIMEOUT=${HAKO_TEST_TIMEOUT:-60}
qemu=qemu-system-aarch64
run=hal/qemu-arm64/run.sh
fuzz_runs=${HAKO_FUZZ_RUNS:-20000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== qemu-arm64 port tests"
for app in hello crash ktest devtest; do
	if ! make -s PLATFORM=qemu-arm64 APP="$app" >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		case_result "build qemu-arm64/$app" 1 "build failed"
		summary
		exit 1
	fi
done
hello=out/qemu-arm64/hello/hello
crash=out/qemu-arm64/crash/crash

# QEMU's own tree for virt, the seed of the hostile ones.
if ! "$qemu" -M "virt,dumpdtb=$tmp/virt.dtb" -cpu cortex-a57 -m 64M -nodefaults \
	-display none >"$tmp/dump.log" 2>&1 || [ ! -s "$tmp/virt.dtb" ]; then
	case_result "QEMU dumps virt's device tree" 1 "$(cat "$tmp/dump.log")"
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=all"
srcs="hal/qemu-arm64/dt.c hal/common/fdt.c"
# shellcheck disable=SC2086 # san and srcs are word lists
if gcc -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter $san -Ihal \
	-Ihal/qemu-arm64 -o "$tmp/test_dt" test/qemu-arm64/unit/test_dt.c $srcs \
	>"$tmp/dt-build.log" 2>&1 && "$tmp/test_dt" "$tmp/virt.dtb" >"$tmp/dt.log" 2>&1; then
	case_result "unit: device tree: virt's, bad headers, truncations, byte flips, crafted ($(tail -n 1 "$tmp/dt.log"))" 0
else
	case_result "unit: device tree reading with hostile trees" 1
	cat "$tmp/dt-build.log" "$tmp/dt.log" 2>/dev/null | grep -v '^ok' | sed 's/^/      | /'
fi

# libFuzzer, a fixed number of runs from virt's tree (packed to its blocks).
mkdir -p "$tmp/corpus"
python3 - "$tmp/virt.dtb" "$tmp/corpus/virt" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
so, to = struct.unpack(">II", d[8:16])
ts, ss = struct.unpack(">II", d[32:40])
n = max(so + ss, to + ts)
d = bytearray(d[:n])
d[4:8] = struct.pack(">I", n)
open(sys.argv[2], "wb").write(d)
PY
# shellcheck disable=SC2086
if clang -g -O1 -fsanitize=fuzzer,address,undefined -Ihal -Ihal/qemu-arm64 \
	-o "$tmp/fuzz_dt" test/qemu-arm64/unit/fuzz_dt.c $srcs >"$tmp/fuzz-build.log" 2>&1 &&
	"$tmp/fuzz_dt" -runs="$fuzz_runs" -seed=1 "$tmp/corpus" >"$tmp/fuzz.log" 2>&1; then
	case_result "fuzz: device tree reader, $fuzz_runs libFuzzer runs without a finding" 0
else
	case_result "fuzz: device tree reader ($fuzz_runs libFuzzer runs)" 1
	tail -n 20 "$tmp/fuzz-build.log" "$tmp/fuzz.log" 2>/dev/null | sed 's/^/      | /'
fi

run hello "$hello" a "b c" 'q"uote' 'back\slash'
expect "hello prints argv from -append (/chosen/bootargs)" 0 "$rc" "$tmp/hello" \
	"Hello from Hako on qemu-arm64" 'argv\[0\] = "hello"' 'argv\[2\] = "b c"' \
	'argv\[3\] = "q"uote"' 'argv\[4\] = "back\\slash"'
run noargs "$hello"
expect "hello without arguments" 0 "$rc" "$tmp/noargs" '^argv\[0\] = "hello"$'
if grep -q 'argv\[1\]' "$tmp/noargs"; then
	case_result "no stray argument" 1 "$(grep 'argv\[1\]' "$tmp/noargs")"
else
	case_result "no stray argument" 0
fi

run ktest out/qemu-arm64/ktest/ktest
expect "ktest passes" 0 "$rc" "$tmp/ktest" '^[0-9]+ passed, 0 failed'

run exit0 "$crash" exit 0
expect "exit status 0" 0 "$rc" "$tmp/exit0" "crash: mode 'exit'"
run exit7 "$crash" exit 7
expect "exit status 7" 7 "$rc" "$tmp/exit7" "crash: mode 'exit'"
run exit200 "$crash" exit 200
expect "exit status 200 (semihosting keeps all 8 bits)" 200 "$rc" "$tmp/exit200"

# Without semihosting the hlt traps: the image says its status on the
# console and powers off through PSCI (QEMU exits 0).
timeout 60 "$qemu" -M virt -cpu cortex-a57 -accel tcg -m 64M -nodefaults -display none \
	-monitor none -no-reboot -serial stdio -kernel "$crash" -append "exit 7" \
	</dev/null >"$tmp/psci" 2>&1
expect "no semihosting: status on the console, PSCI SYSTEM_OFF" 0 "$?" "$tmp/psci" \
	"^hako: exit status 7"

run panic "$crash" panic
expect "panic: message and status 255" 255 "$rc" "$tmp/panic" \
	"hako: panic in thread 'main': deliberate panic from the crash app"
run null "$crash" null
expect "NULL dereference: data abort with ESR decoded, registers" 255 "$rc" "$tmp/null" \
	"hako: panic in thread 'main': NULL pointer dereference at address 0x0 \(data abort \(ESR 0x9600000[4-7]: translation fault, level [0-3]\), not mapped, ip 0x" \
	'^  x0  [0-9a-f]{16}  x1  [0-9a-f]{16}' '^  elr [0-9a-f]{16}  spsr [0-9a-f]+  far 0{16}'
run wtext "$crash" wtext
expect "W^X: a write to the image's code faults" 255 "$rc" "$tmp/wtext" \
	"data abort \(ESR 0x9600004f: permission fault, level 3\) at address 0x[0-9a-f]+ \(write, ip"
run xdata "$crash" xdata
expect "W^X: running code placed in data faults" 255 "$rc" "$tmp/xdata" \
	"instruction abort \(ESR 0x8600000f: permission fault, level 3\) at address 0x[0-9a-f]+ \(instruction fetch, ip"
run trap "$crash" trap
expect "__builtin_trap: BRK exception decoded" 255 "$rc" "$tmp/trap" \
	"breakpoint \(BRK\) \(ESR 0xf2[0-9a-f]{6}: class 0x3c\)"
run overflow "$crash" overflow-frame
expect "stack overflow into the guard page: fault on the exception stack names the thread" \
	255 "$rc" "$tmp/overflow" \
	"hako: panic in thread 'overflower': stack overflow: thread 'overflower' ran off its 8192-byte stack \(data abort \(ESR 0x9600004[4-7]: translation fault, level 3\) at address"
run deadlock "$crash" deadlock
expect "deadlock panics instead of hanging" 255 "$rc" "$tmp/deadlock" "hako: panic.*deadlock"

long=$(printf 'x%.0s' $(seq 1 1500))
run long "$hello" "$long"
expect "1500-byte command line: truncated with a warning" 0 "$rc" "$tmp/long" \
	"command line longer than 1023 bytes, truncated" "Hello from Hako"
huge=$(printf 'y%.0s' $(seq 1 6000))
run huge "$hello" "$huge"
expect "6000-byte command line: port truncates safely" 0 "$rc" "$tmp/huge" \
	"command line longer than 4095 bytes, truncated" "Hello from Hako"

# Memory: the floor, RAM above 4 GiB (virt's RAM starts at 1 GiB).
HAKO_QEMU_MEM=4M run small "$hello" small
expect "-m 4M: boots" 0 "$rc" "$tmp/small" 'argv\[1\] = "small"'
HAKO_QEMU_MEM=2M run nomem "$hello"
expect "-m 2M: refused with a message, not a hang" nonzero "$rc" "$tmp/nomem" \
	"Not enough space|not enough memory"
HAKO_QEMU_MEM=6G run big out/qemu-arm64/ktest/ktest
expect "-m 6G: RAM above 4 GiB, ktest passes" 0 "$rc" "$tmp/big" '^[0-9]+ passed, 0 failed'

# Entered at EL2 (virtualization=on): drops to EL1; -cpu max has RNDR.
HAKO_QEMU_MACHINE=virt,virtualization=on HAKO_QEMU_CPU=max run el2 out/qemu-arm64/ktest/ktest
expect "entered at EL2 (-cpu max): drops to EL1, ktest passes, RNDR gives entropy" 0 "$rc" \
	"$tmp/el2" '^[0-9]+ passed, 0 failed' 'hal_entropy: two draws of 32 bytes, different'
grep -q "hal_entropy: no source on this platform" "$tmp/ktest"
case_result "cortex-a57 (no RNDR): hal_entropy says there is no source" $?

# Device trees the port cannot use are refused with the reason, status 2.
python3 - "$tmp/corpus/virt" "$tmp" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
e = bytearray(d); i = e.find(b"arm,cortex-a15-gic\0"); e[i + 17] = ord("x")
open(sys.argv[2] + "/nogic.dtb", "wb").write(e)
e = bytearray(d); e[36:40] = struct.pack(">I", len(d))
open(sys.argv[2] + "/badsize.dtb", "wb").write(e)
PY
HAKO_QEMU_ARGS="-dtb $tmp/badsize.dtb" run baddtb "$hello"
expect "malformed device tree (structure block past its end): refused, status 2" 2 "$rc" \
	"$tmp/baddtb" "hako: device tree at 0x[0-9a-f]+ refused: blocks outside the blob"
HAKO_QEMU_ARGS="-dtb $tmp/nogic.dtb" run nogic "$hello"
expect "device tree without a GIC: refused, status 2" 2 "$rc" "$tmp/nogic" \
	"refused: no GICv2 or GICv3 interrupt controller"

# A GICv3 machine: the timer's PPI through the redistributor, the power
# button's SPI routed by affinity, the ICC system registers.
HAKO_QEMU_MACHINE=virt,gic-version=3 run gicv3 out/qemu-arm64/ktest/ktest
expect "GICv3 (gic-version=3): ktest passes (timers wake wfi)" 0 "$rc" "$tmp/gicv3" \
	'^[0-9]+ passed, 0 failed'
HAKO_QEMU_MACHINE=virt,gic-version=3 HAKO_SHUTDOWN_AFTER=2 run gicv3button "$crash" sleep
expect "GICv3: power button, clean shutdown" 0 "$rc" "$tmp/gicv3button" \
	"hako: shutdown requested" "crash: shutdown hook ran"

# An idle image waits in wfi: 3 s of sleeping must cost QEMU well under 1 s of CPU.
/usr/bin/time -f '%U %S' -o "$tmp/cpu" timeout 3 "$qemu" -M virt -cpu cortex-a57 -accel tcg \
	-m 64M -nodefaults -display none -monitor none -no-reboot -serial stdio \
	-kernel "$crash" -append sleep </dev/null >"$tmp/sleep" 2>&1
cpu=$(tail -n 1 "$tmp/cpu" | awk '{ printf "%.2f", $1 + $2 }')
if grep -q "sleeping until shut down" "$tmp/sleep" && awk "BEGIN { exit !($cpu < 0.8) }"; then
	case_result "idle sleep waits in wfi (${cpu}s CPU in 3s)" 0
else
	case_result "idle sleep waits in wfi" 1 "${cpu}s CPU in 3s"
fi

# The power button (QMP system_powerdown raises the PL061 line): a clean
# shutdown with status 0, the shutdown hooks run.
HAKO_SHUTDOWN_AFTER=2 run button "$crash" sleep
expect "power button (PL061 GPIO): clean shutdown, status 0" 0 "$rc" "$tmp/button" \
	"hako: shutdown requested" "crash: shutdown hook ran"

# ---- virtio devices (virtio-mmio, modern), through apps/devtest as on
# qemu-x86 (hal.h's calls, hand-made frames and requests)
devtest=out/qemu-arm64/devtest/devtest
HAKO_NET=user HAKO_HOSTFWD= run net "$devtest" net ip=10.0.2.15 peer=10.0.2.2 flood=300
expect "virtio-net (mmio) on QEMU's user network: ARP, pings, bursts, a flood read late, DHCP, tx burst" \
	0 "$rc" "$tmp/net" '^ok +ARP: peer 10\.0\.2\.2 is at 52:55:0a:00:02:02' \
	'^ok +ping: 10 of 10' '^ok +ping bursts: 500 of 500' '^ok +ping flood: 300 of 300' \
	'^ok +DHCP: ack for 10\.0\.2\.15' '^ok +tx burst: 2000 of 2000' \
	'net0 \(virtio mmio 0x[0-9a-f]+\): frames in [0-9]+ out [0-9]+; dropped: runts 0, oversized 0, bad descriptors 0' \
	'^[0-9]+ passed, 0 failed'
if grep -Eq '^ok +tx burst: .*\(([1-9][0-9]*) waits for room\)' "$tmp/net"; then
	case_result "virtio-net (mmio): a full transmit ring is waited on and refilled" 0
else
	case_result "virtio-net (mmio): a full transmit ring is waited on and refilled" 1 \
		"$(grep 'tx burst' "$tmp/net")"
fi
# HAKO_NET=tap:NAME: a TAP in a network namespace of its own, Linux and
# busybox udhcpd beyond (test/virtio-devtest.sh).
devtest_tap "virtio-net (mmio) on a TAP (namespace, Linux and udhcpd beyond)" \
	"virtio-net (mmio) on a TAP"
run nonet "$devtest" net
expect "no NIC: net0 is no device (a clear failure)" 1 "$rc" "$tmp/nonet" \
	'^FAIL acquire net0 \(-3\)'
HAKO_NET=user HAKO_HOSTFWD= HAKO_QEMU_ARGS="-global virtio-mmio.force-legacy=true" \
	run legacy "$devtest" net
expect "a legacy (version 1) virtio-mmio device is refused with the reason" 1 "$rc" \
	"$tmp/legacy" "version 1 \(legacy\) not supported" '^FAIL acquire net0'

# Disks: pattern, 4 KiB blocks, read-only, several (test/virtio-devtest.sh),
# each checked by the host after.
devtest_blocks "virtio-blk (mmio)" 'virtio mmio 0x[0-9a-f]+' virtio-blk-device

# Both at once, on a GICv3: distinct handles, each line to its own.
truncate -s 8M "$tmp/both.img"
HAKO_NET=user HAKO_HOSTFWD= HAKO_DISK=$tmp/both.img HAKO_QEMU_MACHINE=virt,gic-version=3 \
	run both "$devtest" net ip=10.0.2.15 peer=10.0.2.2 + block mib=2 iops=1
expect "virtio-net and virtio-blk in one image, on a GICv3" 0 "$rc" "$tmp/both" \
	'^ok +ping bursts: 500 of 500' '^ok +read back 2048 KiB' '^[0-9]+ passed, 0 failed'
# Devices the image has no driver for, or does not acquire, change nothing.
HAKO_NET=user HAKO_HOSTFWD= HAKO_DISK=$tmp/both.img run hellodev "$hello"
expect "hello (no drivers) with a NIC and a disk attached" 0 "$rc" "$tmp/hellodev" \
	"Hello from Hako on qemu-arm64"
HAKO_NET=user HAKO_HOSTFWD= HAKO_DISK=$tmp/both.img run ktestdev out/qemu-arm64/ktest/ktest
expect_ktest "ktest with a NIC and a disk attached" "$rc" "$tmp/ktestdev"

summary
