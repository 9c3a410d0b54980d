#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The cross-port integration tests: build hello, ktest and crash for one
# platform, run each through hal/PLATFORM/run.sh and check output and status.
#   [ARCH=arm64] test/ports.sh PLATFORM
# ARCH (make's variable, taken from the environment) builds for another of
# the platform's architectures: ARCH=arm64 test/ports.sh usermode runs the
# arm64 images under qemu-aarch64 (hal/usermode/run.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

platform=${1:?usage: test/ports.sh PLATFORM}
timeout_s=${HAKO_TEST_TIMEOUT:-60}
# The in-image suites test sockets over loopback (nettest): they need no
# NIC (and a run.sh must not start a network back end for them).
export HAKO_NET=none
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The build folder: out/PLATFORM, or out/PLATFORM-ARCH for an architecture
# other than the port's first (the top Makefile's BUILD).
build=$platform
default_arch=$(sed -n 's/^PORT_ARCHS := *\([^ ]*\).*/\1/p' "hal/$platform/arch.mk" 2>/dev/null)
if [ -n "${ARCH:-}" ] && [ "$ARCH" != "$default_arch" ]; then
	build=$platform-$ARCH
fi

for app in hello ktest nettest crash; do
	if ! make -s PLATFORM="$platform" APP="$app" >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		case_result "build $build/$app" 1 "build failed"
		summary
		exit 1
	fi
done
# crash without threads: faults and panics on the boot stack.
nothreads=out/nothreads/$build/crash/crash
echo '# CONFIG_THREADS is not set' >"$tmp/nothreads.config"
if ! make -s OUTROOT=out/nothreads PLATFORM="$platform" APP=crash \
	EXTRA_CONFIG="$tmp/nothreads.config" >"$tmp/build.log" 2>&1 ||
	grep -q '^CONFIG_THREADS=y' "out/nothreads/$build/crash/.config"; then
	cat "$tmp/build.log"
	case_result "build $build/crash without threads" 1 "build failed"
	summary
	exit 1
fi

# Every case is queued first, then run: one at a time through
# hal/PLATFORM/run.sh, or all together through hal/PLATFORM/run-batch.sh
# where the port has one (Xen: one dom0 boot for every xl create).
cases=$tmp/cases
: >"$cases"
# queue NAME APP ARGS...; SHUTDOWN_AFTER=S queue ... also asks the image to
# shut down S seconds after it starts (the platform's own request).  An APP
# with a slash is an image's path.
queue() {
	local name=$1 app=$2
	shift 2
	[[ "$app" == */* ]] || app=out/$build/$app/$app
	(
		IFS=$'\t'
		printf '%s\t%s\t%s\n' "$name" "${SHUTDOWN_AFTER:-0}" "$app${*:+$'\t'$*}"
	) >>"$cases"
}

run_cases() {
	if [ -x "hal/$platform/run-batch.sh" ]; then
		# Half a case's own bound per case, and one more: a batch of many
		# cases on a loaded machine is slow, not hung.
		local n
		n=$(wc -l <"$cases")
		timeout -k 10 $((timeout_s * (n + 2) / 2)) "hal/$platform/run-batch.sh" "$cases" \
			"$tmp" </dev/null
		case $? in
		124 | 137) echo "ports: the batch of $n cases ran out of its" \
			"$((timeout_s * (n + 2) / 2)) s: the cases without output fail" ;;
		esac
		return
	fi
	while IFS=$'\t' read -r -a c; do
		HAKO_SHUTDOWN_AFTER=${c[1]#0} timeout -k 5 "$timeout_s" "hal/$platform/run.sh" \
			"${c[@]:2}" </dev/null >"$tmp/${c[0]}.out" 2>&1
		echo $? >"$tmp/${c[0]}.status"
	done <"$cases"
}

# check NAME DESCRIPTION WANT_STATUS REGEX...
check() {
	local name=$1 what=$2 want=$3
	shift 3
	expect "$what" "$want" "$(cat "$tmp/$name.status" 2>/dev/null || echo missing)" \
		"$tmp/$name.out" "$@"
}

long=$(printf 'x%.0s' $(seq 1 1500))
queue hello hello a "b c" 'q"uote' 'back\slash'
queue ktest ktest
queue ktestbad ktest no_such_case
queue nettest nettest
queue exit7 crash exit 7
queue panic crash panic
queue null crash null
queue overflow crash overflow
queue overflow_frame crash overflow-frame
queue overflow_deep crash overflow-deep
queue guard_touch crash guard-touch
queue gpf crash gpf
queue assert crash assert
queue deadlock crash deadlock
queue oom crash oom
queue longcmd hello "$long"
queue options hello hako.nosuch=1 hako.loglevel=6 x
SHUTDOWN_AFTER=3 queue shutdown ktest shutdown
queue bt_unmapped crash bt-unmapped
queue bt_loop crash bt-loop
queue bt_smash crash bt-smash
queue nt_null "$nothreads" null
queue nt_panic "$nothreads" panic
queue nt_loop "$nothreads" bt-loop

# What a fault report looks like on the image's architecture (kernel/fault.c
# says what happened; the words for the CPU's exception and the register
# dump are the architecture's).
# usermode on arm64 under qemu-user: the emulator's signal frames carry no
# syndrome (ESR) record, so the fault is the signal, and whether the access
# was a write is unknown (on an arm64 host Linux gives the syndrome).
write='write, '
case $platform:${ARCH:-} in
qemu-arm64:* | *:arm64)
	pf='data abort \(ESR 0x[0-9a-f]+: translation fault, level [0-3]\)'
	null_dump=('^  x0  [0-9a-f]{16}  x1  [0-9a-f]{16}' '^  (elr|pc)  ?[0-9a-f]{16}  (spsr|pstate) ')
	gpf_name="a fault at a non-canonical address is no NULL dereference"
	gpf_re=("hako: panic in thread 'main': $pf at address 0x8000000000000000")
	if [ "$platform" = usermode ]; then
		pf="($pf|SIGSEGV)"
		write='(write, )?'
		# Linux runs user space with the top byte ignored (TBI): there
		# 0x8000000000000000 is address 0 with a tag.
		gpf_name="0x8000000000000000 is address 0 with the top byte ignored (TBI)"
		gpf_re=("hako: panic in thread 'main': NULL pointer dereference at address 0x0 \($pf")
	fi
	;;
*)
	pf='page fault'
	null_dump=('^  vector 14 error 0x[0-9a-f]+ rip [0-9a-f]{16}' '^  rax [0-9a-f]{16} rbx')
	gpf_name="general-protection fault is no NULL dereference"
	gpf_re=("hako: panic in thread 'main': general protection fault \(ip 0x[0-9a-f]+, sp"
		'^  vector 13 ')
	;;
esac

echo "== integration tests on $build"
run_cases

check hello "hello prints argv" 0 "Hello from Hako on $platform" \
	'argv\[0\] = "hello"' 'argv\[2\] = "b c"' 'argv\[3\] = "q"uote"' 'argv\[4\] = "back\\slash"'
n=$(ktest_cases)
check ktest "ktest passes ($n cases)" 0 "^ktest: $n cases" "^$n passed, 0 failed"
grep -E '^(FAIL|[0-9]+ passed)' "$tmp/ktest.out" | sed 's/^/      /'
check ktestbad "ktest: an unknown case name fails and lists the valid ones" 2 \
	"ktest: no case named 'no_such_case'" "ktest: valid names: .*printf_formats"
# nettest: every ktest case plus the socket cases of apps/nettest/t_net.c
n=$(($(ktest_cases) + $(grep -Ec '^[[:space:]]*\{ "net_[a-z0-9_]+", [a-z0-9_]+ \},' apps/nettest/t_net.c)))
check nettest "nettest: ktest and the sockets API over loopback ($n cases)" 0 \
	"^ktest: $n cases" '^ok +net_tcp_echo' "^$n passed, 0 failed"
grep -E '^(FAIL|[0-9]+ passed)' "$tmp/nettest.out" | sed 's/^/      /'
check exit7 "exit status from main" 7 "crash: mode 'exit'"
check panic "panic message and status" nonzero \
	"hako: panic in thread 'main': deliberate panic from the crash app"
check null "NULL dereference panics" nonzero \
	"hako: panic in thread 'main': NULL pointer dereference at address 0x0 \($pf" \
	"${null_dump[@]}"
check gpf "$gpf_name" nonzero "${gpf_re[@]}"
overflowed="hako: panic in thread 'overflower': stack overflow: thread 'overflower' ran off its 8192-byte stack"
check overflow "stack overflow that yields: the canary names the thread" nonzero \
	"$overflowed \(.* seen at a context switch\)"
# An access to the guard page with the stack pointer well above it: the
# fault is delivered on every port, Xen included.
check guard_touch "guard page access names the thread" nonzero \
	"$overflowed \($pf at address 0x[0-9a-f]+, $write"
# Overflows that never yield hit the guard page.  usermode and qemu-x86 report
# them from the fault (a signal stack, an IST stack).  Xen PV cannot: it
# delivers a fault to a PV kernel by writing the frame below %rsp, which is
# in the guard page, and has no alternate stack for kernel mode, so it
# crashes the domain (hal/hal.h, README).  There the check is that the
# domain crashed in exactly that way: Xen's page walk is for an unmapped
# address just below the guest's %rsp (the frame it could not write).  A
# domU's last console lines may be lost with it: the crash is Xen's doing.
for c in overflow_frame overflow_deep; do
	if [ "$platform" != xen ]; then
		check $c "$c: the guard page faults and names the thread" nonzero \
			"$overflowed \($pf at address 0x[0-9a-f]+, .*sp 0x"
		continue
	fi
	x=$tmp/$c.xen
	walk=$(sed -n 's/.*Pagetable walk from \([0-9a-f]*\):.*/\1/p' "$x" 2>/dev/null | head -n 1)
	rsp=$(sed -n 's/.* rsp: \([0-9a-f]*\) .*/\1/p' "$x" 2>/dev/null | head -n 1)
	below=0
	[ -n "$walk" ] && [ -n "$rsp" ] && below=$((16#$rsp - 16#$walk))
	if [ "$(cat "$tmp/$c.status" 2>/dev/null)" = 255 ] &&
		grep -q 'domain_crash_sync called from entry.S' "$x" &&
		grep -Eq 'L1\[0x[0-9a-f]+\] = 0000000000000000' "$x" &&
		[ "$below" -gt 0 ] && [ "$below" -le 128 ] &&
		! grep -q 'survived' "$tmp/$c.out"; then
		case_result "$c: Xen crashes the domain, unable to push a frame on the guard page" 0
	else
		case_result "$c: Xen crashes the domain, unable to push a frame on the guard page" 1 \
			"status $(cat "$tmp/$c.status" 2>/dev/null), walk ${walk:-?}, rsp ${rsp:-?}"
		sed 's/^/      | /' "$x" "$tmp/$c.out" 2>/dev/null | head -n 15
	fi
done
check assert "failed assert panics" nonzero "assertion 'argc == 42' failed"
check deadlock "deadlock panics instead of hanging" nonzero "hako: panic.*deadlock"
check oom "malloc exhaustion returns NULL/ENOMEM" 0 "errno ENOMEM, 1 failure"
check longcmd "over-long command line is truncated" 0 "truncated" "Hello from Hako"
check options "kernel options: an undeclared one warns, declared ones are taken" 0 \
	"unknown or malformed kernel option 'hako.nosuch=1'" 'argv\[1\] = "x"'
! grep -q "hako.loglevel=6" "$tmp/options.out"
case_result "kernel options: hako.loglevel=6 accepted silently" $?

# A platform that can ask for a shutdown: waiting for the request is not a
# deadlock, and the image drains without spinning.  Xen dom0 has no
# xenstore, hence no request: waiting for one is a deadlock there.
if [ "$platform" = xen ] && [ "${XEN_MODE:-domu}" = dom0 ]; then
	check shutdown "waiting for a shutdown that cannot come is a deadlock" nonzero \
		"waiting for a shutdown request" "hako: panic.*deadlock"
else
	check shutdown "shutdown request: no false deadlock, drains without spinning" 0 \
		"waiting for a shutdown request" "drained after the shutdown request" \
		'^ktest: 1 case$' '^1 passed, 0 failed'
fi

# Backtraces (CONFIG_BACKTRACE and CONFIG_KALLSYMS are on by default): every
# panic and fault report ends with the call chain, innermost first, each
# frame named.  fr N FUNCTION: the line of frame N (a regex).
fr() { printf '^   #%s +0x[0-9a-f]{16} %s\\+0x[0-9a-f]+$' "$1" "$2"; }
echo "== backtraces"
check null "NULL dereference: the backtrace names main, then main_thread" nonzero \
	'^  backtrace:$' "$(fr 0 main)" "$(fr 1 main_thread)"
check panic "panic: the backtrace starts at panic's caller" nonzero "$(fr 0 main)" \
	"$(fr 1 main_thread)"
check assert "assert: __assert_fail, then main" nonzero "$(fr 0 __assert_fail)" "$(fr 1 main)"
check deadlock "deadlock: the chain from the scheduler to main" nonzero \
	"$(fr '[0-9]+' waitq_wait)" "$(fr '[0-9]+' main)"
check overflow "overflow seen at a switch: the chain from the overflowing thread" nonzero \
	"$(fr '[0-9]+' recurse)" "$(fr '[0-9]+' overflower)" "$(fr '[0-9]+' thread_start)"
check guard_touch "guard page access: the faulting function, then its caller" nonzero \
	"$(fr 0 overflower)" "$(fr 1 thread_start)"
if [ "$platform" != xen ]; then
	check overflow_frame "overflow by one big frame: the faulting function and its caller" \
		nonzero "$(fr 0 'big_frame[.a-z0-9]*')" "$(fr 1 overflower)"
	check overflow_deep "deep recursion: innermost and outermost frames, the middle elided" \
		nonzero "$(fr 0 recurse_no_yield)" "$(fr 1 recurse_no_yield)" \
		'^   \.\.\. [0-9]+ frames not shown$' "$(fr '[0-9]+' overflower)"
fi
# Corrupt chains end the trace with a note, never a second fault, and the
# panic still ends the image with its status.
check bt_unmapped "a frame pointer into unmapped memory ends the trace" nonzero \
	"$(fr 0 bt_unmapped)" "$(fr 1 main)" \
	'^  backtrace ends: frame pointer 0x[0-9a-f]+ is outside the stack \[0x'
check bt_loop "a loop of frames ends the trace" nonzero "$(fr 0 bt_loop_inner)" \
	"$(fr 1 bt_loop_outer)" "$(fr 2 main)" \
	'^  backtrace ends: frame pointer 0x[0-9a-f]+ does not climb the stack \(a loop\)'
check bt_smash "a smashed frame ends the trace" nonzero "$(fr 0 bt_smash)" \
	'^  backtrace ends: frame pointer 0x[0-9a-f]+ holds a return address outside the code \(0xa5a5a5a5a5a5a5a5\)'
! grep -q 'panic while panicking' "$tmp"/bt_*.out
case_result "no corrupt chain faults the backtrace (no nested panic)" $?
# Without threads the app runs on the boot stack: the chain goes down to
# kern_main and the port's boot code, and ends there without a note.
check nt_null "no threads: NULL dereference, the chain down to kern_main" nonzero \
	"$(fr 0 main)" "$(fr '[0-9]+' kern_main)"
! grep -q 'backtrace ends' "$tmp/nt_null.out" "$tmp/nt_panic.out"
case_result "no threads: the boot stack's chain ends at kern_main without a note" $?
check nt_panic "no threads: panic, the chain down to kern_main" nonzero \
	"$(fr 0 main)" "$(fr '[0-9]+' kern_main)"
check nt_loop "no threads: a loop of frames on the boot stack ends the trace" nonzero \
	"$(fr 0 bt_loop_inner)" '^  backtrace ends: frame pointer 0x[0-9a-f]+ does not climb'

summary
