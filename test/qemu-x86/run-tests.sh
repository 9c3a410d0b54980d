#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The qemu-x86 port's own tests: boots hello, ktest and crash under QEMU
# (TCG only, never KVM) with a timeout each, and checks output and exit
# status, plus what only this port has: exit statuses above 127, the
# memory floor, power-off without isa-debug-exit, W^X page tables, halting
# while idle, the ACPI power button, NMI and RAM above 4 GiB, and the virtio
# devices (apps/devtest: net0 on QEMU's user network and on a TAP, disks over
# image files the host then checks).  One line per case, then
# "N passed, N failed"; exits nonzero on any failure.
#   test/qemu-x86/run-tests.sh
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. test/lib.sh
. test/virtio-devtest.sh # run (an image through $run), devtest_tap, devtest_blocks

export HAKO_QEMU_ACCEL=tcg
export HAKO_QEMU_TIMEOUT=${HAKO_TEST_TIMEOUT:-60}
qemu="qemu-system-x86_64"
run=hal/qemu-x86/run.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== qemu-x86 port tests"
for app in hello crash ktest devtest; do
	if ! make -s PLATFORM=qemu-x86 APP="$app" >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		case_result "build qemu-x86/$app" 1 "build failed"
		summary
		exit 1
	fi
done
hello=out/qemu-x86/hello/hello
crash=out/qemu-x86/crash/crash

# Host unit tests of the ACPI parsing with hostile tables (ASan catches any
# read past a table's end).
if gcc -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Ihal/qemu-x86 -o "$tmp/test_acpi" test/qemu-x86/unit/test_acpi.c \
	hal/qemu-x86/acpi_parse.c >"$tmp/acpi-build.log" 2>&1 &&
	"$tmp/test_acpi" >"$tmp/acpi.log" 2>&1 && grep -q '^ok' "$tmp/acpi.log"; then
	case_result "unit: ACPI checksums, lengths, MADT and _S5 with hostile tables ($(grep -c '^ok' "$tmp/acpi.log") checks)" 0
else
	case_result "unit: ACPI parsing with hostile tables" 1
	cat "$tmp/acpi-build.log" "$tmp/acpi.log" 2>/dev/null | grep -v '^ok' | sed 's/^/      | /'
fi

# monitor NAME IMAGE APPEND DELAY COMMANDS...: boot with the QEMU monitor
# on stdin, send COMMANDS (one per line) after DELAY seconds, once the
# image says it is up (a fixed delay races a slow boot).  Console in
# $tmp/NAME, monitor output in $tmp/NAME.mon, QEMU's status in $rc.
monitor() {
	local name=$1 image=$2 append=$3 delay=$4
	shift 4
	# crash's sleep mode says when it is up; wait at most 60 s more.
	{
		sleep "$delay"
		for _ in $(seq 1 600); do
			grep -q 'sleeping until shut down' "$tmp/$name" 2>/dev/null && break
			sleep 0.1
		done
		printf '%s\n' "$@"
		sleep 5
	} |
		timeout -k 5 120 "$qemu" -accel tcg -m 64M -nodefaults -display none -no-reboot \
			-monitor stdio -serial "file:$tmp/$name" \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$image" -append "$append" 2>&1 | tr -d '\r' >"$tmp/$name.mon"
	rc=${PIPESTATUS[1]}
}

run hello "$hello" a "b c" 'q"uote' 'back\slash'
expect "hello prints argv from -append" 0 "$rc" "$tmp/hello" "Hello from Hako on qemu-x86" \
	'argv\[0\] = "hello"' 'argv\[2\] = "b c"' 'argv\[3\] = "q"uote"' 'argv\[4\] = "back\\slash"'

run noargs "$hello"
expect "hello without arguments" 0 "$rc" "$tmp/noargs" '^argv\[0\] = "hello"$'
if grep -q 'argv\[1\]' "$tmp/noargs"; then
	case_result "no stray argument from the image path" 1 "$(grep 'argv\[1\]' "$tmp/noargs")"
else
	case_result "no stray argument from the image path" 0
fi

run ktest out/qemu-x86/ktest/ktest
expect_ktest "ktest passes" "$rc" "$tmp/ktest"

# ---- virtio devices, through apps/devtest (hal.h's calls, hand-made frames
# and requests, no network stack or file system in between)
devtest=out/qemu-x86/devtest/devtest
net_checks=('^ok +ARP: peer 10\.0\.2\.2 is at 52:55:0a:00:02:02'
	'^ok +ping: 10 of 10' '^ok +ping bursts: 500 of 500' '^ok +ping flood: 300 of 300'
	'^ok +DHCP: ack for 10\.0\.2\.15' '^ok +tx burst: 2000 of 2000'
	'net0 \(virtio pci [0-9a-f:.]+\): frames in [0-9]+ out [0-9]+; dropped: runts 0, oversized 0, bad descriptors 0')
HAKO_NET=user HAKO_HOSTFWD= run net "$devtest" net ip=10.0.2.15 peer=10.0.2.2 flood=300
expect "virtio-net on QEMU's user network: ARP, pings, bursts, a flood read late, DHCP, tx burst" \
	0 "$rc" "$tmp/net" "${net_checks[@]}" '^[0-9]+ passed, 0 failed'
# The transmit ring filled at least once in the tx burst (the wait for room).
if grep -Eq '^ok +tx burst: .*\(([1-9][0-9]*) waits for room\)' "$tmp/net"; then
	case_result "virtio-net: a full transmit ring is waited on and refilled" 0
else
	case_result "virtio-net: a full transmit ring is waited on and refilled" 1 \
		"$(grep 'tx burst' "$tmp/net")"
fi

# HAKO_NET=tap:NAME: a TAP in a network namespace of its own, Linux and
# busybox udhcpd beyond (test/virtio-devtest.sh).
devtest_tap "virtio-net on a TAP (namespace, Linux and udhcpd beyond): the same checks" \
	"virtio-net on a TAP"
run nonet "$devtest" net
expect "no NIC: net0 is no device (a clear failure)" 1 "$rc" "$tmp/nonet" \
	'^FAIL acquire net0 \(-3\)'

# Disks: pattern, 4 KiB blocks, read-only, several (test/virtio-devtest.sh),
# each checked by the host after.
devtest_blocks "virtio-blk" 'virtio pci [0-9a-f:.]+' virtio-blk-pci

# Other shapes of the device: modern-only (PCI id 0x1041), on q35's PCI
# Express (with RAM above 4 GiB, so device memory is there too), and a
# legacy-only one, which is refused with a message.
HAKO_QEMU_ARGS="-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=,disable-legacy=on" \
	run modern "$devtest" net ip=10.0.2.15 peer=10.0.2.2 pings=2 burst=100
expect "virtio-net, modern-only device (1af4:1041)" 0 "$rc" "$tmp/modern" '^[0-9]+ passed, 0 failed'
HAKO_QEMU_MEM=5G HAKO_QEMU_ARGS="-M q35 -netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=" \
	run q35 "$devtest" net ip=10.0.2.15 peer=10.0.2.2 pings=2 burst=100
expect "virtio-net on q35 (PCI Express), 5 GiB of RAM" 0 "$rc" "$tmp/q35" '^[0-9]+ passed, 0 failed'
HAKO_QEMU_ARGS="-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=,disable-modern=on" \
	run legacy "$devtest" net
expect "virtio-net legacy-only: refused with a message" 1 "$rc" "$tmp/legacy" \
	'no virtio 1\.x capabilities, ignored' '^FAIL acquire net0'

# Both at once: distinct handles, each device's interrupt to its own.
truncate -s 8M "$tmp/both.img"
HAKO_NET=user HAKO_HOSTFWD= HAKO_DISK=$tmp/both.img \
	run both "$devtest" net ip=10.0.2.15 peer=10.0.2.2 + block mib=2 iops=1
expect "virtio-net and virtio-blk in one image" 0 "$rc" "$tmp/both" '^ok +ping bursts: 500 of 500' \
	'^ok +read back 2048 KiB' '^[0-9]+ passed, 0 failed'
# Devices the image has no driver for, or does not acquire, change nothing.
HAKO_NET=user HAKO_HOSTFWD= HAKO_DISK=$tmp/both.img run hellodev "$hello"
expect "hello (no drivers) with a NIC and a disk attached" 0 "$rc" "$tmp/hellodev" \
	"Hello from Hako on qemu-x86"
HAKO_NET=user HAKO_HOSTFWD= HAKO_DISK=$tmp/both.img run ktestdev out/qemu-x86/ktest/ktest
expect_ktest "ktest with a NIC and a disk attached" "$rc" "$tmp/ktestdev"

run exit0 "$crash" exit 0
expect "exit status 0" 0 "$rc" "$tmp/exit0" "crash: mode 'exit'"
run exit7 "$crash" exit 7
expect "exit status 7" 7 "$rc" "$tmp/exit7" "crash: mode 'exit'"
run exit200 "$crash" exit 200
expect "exit status 200 (above 127: exact through COM2)" 200 "$rc" "$tmp/exit200"

run panic "$crash" panic
expect "panic: message and status 255" 255 "$rc" "$tmp/panic" \
	"hako: panic in thread 'main': deliberate panic from the crash app"

run null "$crash" null
expect "NULL dereference: page fault panic with registers" 255 "$rc" "$tmp/null" \
	"hako: panic in thread 'main': NULL pointer dereference at address 0x0 \(page fault, not mapped, ip 0x[0-9a-f]+\)" \
	'^  vector 14 error 0x0 rip [0-9a-f]{16} rflags [0-9a-f]{8} cs 0008 ss 0010$' \
	'^  rax [0-9a-f]{16} rbx' '^  r12 [0-9a-f]{16} r13 [0-9a-f]{16} r14 [0-9a-f]{16} r15 [0-9a-f]{16}$'

run overflow "$crash" overflow
expect "thread stack overflow panics" 255 "$rc" "$tmp/overflow" \
	"hako: panic in thread 'overflower': stack overflow"

run assert "$crash" assert
expect "failed assert panics" 255 "$rc" "$tmp/assert" "assertion 'argc == 42' failed"

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

# Too little memory: run.sh refuses what cannot hold the image's first page
# (QEMU would hang); the image says so itself when only part of it fits.
HAKO_QEMU_MEM=1M run nomem "$hello"
expect "-m 1M: run.sh refuses with a message" 2 "$rc" "$tmp/nomem" "-m 1M is too small"
timeout -k 5 60 "$qemu" -accel tcg -m 1088K -nodefaults -display none -monitor none -no-reboot \
	-serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$hello" \
	</dev/null >"$tmp/tiny" 2>&1
expect "-m 1088K: the image's message, status 2" 5 "$?" "$tmp/tiny" "hako: not enough memory"

HAKO_QEMU_MEM=6G run big "$hello" big
expect "-m 6G: RAM above 4 GiB" 0 "$rc" "$tmp/big" 'argv\[1\] = "big"'

# Without isa-debug-exit the image powers off through ACPI: QEMU exits 0.
timeout -k 5 60 "$qemu" -accel tcg -nodefaults -display none -monitor none -no-reboot \
	-serial stdio -kernel "$hello" -append poweroff </dev/null >"$tmp/acpi" 2>&1
expect "ACPI power-off without isa-debug-exit" 0 "$?" "$tmp/acpi" 'argv\[1\] = "poweroff"'

# W^X and the null page, from the page tables QEMU walks (info tlb).
monitor wx "$crash" sleep 2 "info tlb" quit
text_end=$(nm out/qemu-x86/crash/crash.elf | awk '$3 == "__text_end" { print $1 }')
ro_end=$(nm out/qemu-x86/crash/crash.elf | awk '$3 == "__rodata_end" { print $1 }')
wx=$(awk -v te="$text_end" -v re="$ro_end" '
	function hex(s,  v, i) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	BEGIN { te = hex(te); re = hex(re) }
	/^[0-9a-f]+: [0-9a-f]+ [-A-Z]+$/ {
		a = hex(substr($1, 1, length($1) - 1)); f = $3
		x = substr(f, 1, 1) != "X"; w = substr(f, length(f), 1) == "W"
		if (a < 4096) bad = bad " null-page-mapped"
		if (a >= 1048576 && a < te) {
			if (!x || w) bad = bad sprintf(" text:%x:%s", a, f)
		} else if (x) {
			bad = bad sprintf(" exec:%x:%s", a, f)
		}
		if (a >= te && a < re && w) bad = bad sprintf(" rodata:%x:%s", a, f)
		n++
	}
	END { if (n < 100) print "no info tlb output"; else print bad }' "$tmp/wx.mon")
if [ -z "$wx" ]; then
	case_result "page tables: W^X, NX data, null page unmapped" 0
else
	case_result "page tables: W^X, NX data, null page unmapped" 1 "$(echo "$wx" | cut -c1-200)"
fi

# An idle image halts: 3 s of sleeping must cost QEMU well under 1 s of CPU.
/usr/bin/time -f '%U %S' -o "$tmp/cpu" timeout 3 "$qemu" -accel tcg -nodefaults \
	-display none -monitor none -no-reboot -serial stdio -kernel "$crash" -append sleep \
	</dev/null >"$tmp/sleep" 2>&1
cpu=$(tail -n 1 "$tmp/cpu" | awk '{ printf "%.2f", $1 + $2 }')
if grep -q "sleeping until shut down" "$tmp/sleep" && awk "BEGIN { exit !($cpu < 0.8) }"; then
	case_result "idle sleep halts the CPU (${cpu}s CPU in 3s)" 0
else
	case_result "idle sleep halts the CPU" 1 "${cpu}s CPU in 3s"
fi

# The ACPI power button (the monitor's system_powerdown) asks for a shutdown:
# the kernel runs the shutdown hooks and exits 0 (QEMU's code 1).
monitor button "$crash" sleep 2 system_powerdown
expect "ACPI power button: clean shutdown" 1 "$rc" "$tmp/button" \
	"hako: shutdown requested" "crash: shutdown hook ran"

# SIGTERM to run.sh presses the button (as SIGTERM shuts usermode down).
"$run" "$crash" sleep </dev/null >"$tmp/term" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "sleeping until shut down" "$tmp/term" && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"
expect "SIGTERM to run.sh: the power button, clean shutdown, status 0" 0 "$?" "$tmp/term" \
	"hako: shutdown requested" "crash: shutdown hook ran"

# An NMI (from the monitor) is an exception like any other: a readable panic.
monitor nmi "$crash" sleep 2 nmi
expect "NMI: panic with its vector, status 255" 255 "$rc" "$tmp/nmi" \
	"hako: panic in thread '.*': NMI \(ip 0x[0-9a-f]+, sp 0x[0-9a-f]+\)" '^  vector 2 error 0x0 '

summary
