#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Debugging on every port: the symbol table's build, the boot line, debug
# messages, scripted gdb sessions (make debug's scripts in batch mode) on
# usermode (x86_64 natively, arm64 under qemu-user), qemu-x86, qemu-arm64
# and Xen dom0, and a Xen domU's post-mortem (xenctx, xl dump-core, gdb on
# the core).  The backtraces of panics and faults are
# checked on every port by test/ports.sh.
#   test/debug.sh
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HAKO_TEST_TIMEOUT=${HAKO_TEST_TIMEOUT:-120}

build() { # build NAME MAKE-ARGS...: a build that must work
	if ! make -s "${@:2}" >"$tmp/build.log" 2>&1; then
		sed 's/^/      | /' "$tmp/build.log" | tail -n 20
		case_result "build $1" 1 "make ${*:2} failed"
		summary
		exit 1
	fi
}
for p in usermode qemu-x86 qemu-arm64 xen; do
	build "$p/crash" PLATFORM=$p APP=crash
done
build usermode-arm64/crash ARCH=arm64 APP=crash
build usermode/hello APP=hello
crash=out/usermode/crash/crash

echo "== the symbol table (CONFIG_KALLSYMS)"
# Both links of the image put every function at the same address: the
# table, linked after all code, moved none (the build checks it too).
nm -n out/usermode/crash/crash.elf0 | grep ' [tTwW] ' >"$tmp/syms0"
nm -n out/usermode/crash/crash.elf | grep ' [tTwW] ' >"$tmp/syms1"
[ -s "$tmp/syms1" ] && diff -q "$tmp/syms0" "$tmp/syms1" >/dev/null
ok=$?
case_result "the second link moved no function ($(wc -l <"$tmp/syms1") functions)" $ok
NM=nm python3 build/ksyms.py --check out/usermode/crash/crash.elf \
	out/usermode/crash/gen/ksyms1.S 2>"$tmp/err"
case_result "ksyms.py --check accepts the table linked into the image" $?
NM=nm python3 build/ksyms.py --check out/usermode/crash/crash.elf \
	out/usermode/hello/gen/ksyms1.S 2>"$tmp/err"
[ $? = 1 ] && grep -q "the second link moved functions" "$tmp/err"
case_result "ksyms.py --check refuses another image's table" $?
make -s APP=crash size >"$tmp/size" 2>&1
expect "make size shows the symbol table" 0 $? "$tmp/size" \
	'^symbol table \(CONFIG_KALLSYMS\): [0-9]+ bytes' '^ksyms \(symbol table\) '

# Without a table (CONFIG_KALLSYMS off) frames are bare addresses; with
# debug messages selected (DEBUG_SCHED, DEBUG_MEM) they show.  One build.
printf '%s\n' '# CONFIG_KALLSYMS is not set' CONFIG_DEBUG_SCHED=y CONFIG_DEBUG_MEM=y \
	>"$tmp/variant.config"
build "usermode/crash (no symbol table, debug messages)" OUTROOT=out/debug-variant APP=crash \
	EXTRA_CONFIG="$tmp/variant.config"
variant=out/debug-variant/usermode/crash/crash
timeout -k 5 30 "$variant" panic >"$tmp/out" 2>&1
expect "no symbol table: the backtrace has bare addresses" nonzero $? "$tmp/out" \
	'^  backtrace:$' '^   #0  0x[0-9a-f]{16}$'
! grep -q ' main+0x' "$tmp/out" && ! nm "$variant.elf" | grep -q ' ksyms_table$'
case_result "no symbol table: no names, no table in the image" $?

echo "== debug messages (pr_dbg)"
timeout -k 5 30 "$variant" threads >"$tmp/out" 2>&1
expect "DEBUG_SCHED and DEBUG_MEM: their messages show" 0 $? "$tmp/out" \
	"^sched: thread 'worker' created: stack \[0x" "^sched: thread 'worker' joined by 'main'" \
	'^mem: page_alloc\([0-9]+, 1\) = 0x'
timeout -k 5 30 "$variant" hako.loglevel=6 threads >"$tmp/out" 2>&1
expect "hako.loglevel=6 hides them" 0 $? "$tmp/out" "crash: worker done"
! grep -q '^sched: \|^mem: ' "$tmp/out"
case_result "hako.loglevel=6: no sched: or mem: line" $?
! strings "$crash" | grep -q "thread '%s' created\|page_alloc(%zu"
case_result "not selected: the messages are not in the image at all" $?

echo "== the boot line"
git_id=$(git describe --always --dirty --tags 2>/dev/null || echo unknown)
timeout -k 5 30 out/usermode/hello/hello >"$tmp/out" 2>&1
expect "boot line: app, platform, build id, config hash, entry to main" 0 $? "$tmp/out" \
	"^hako: hello on usermode, build ${git_id} config [0-9a-f]{8}, [0-9]+ us from entry to main$"
before=$(stat -c %Y out/usermode/hello/obj/kernel/banner.o)
id_before=$(cat out/usermode/hello/include/generated/build_id.h 2>/dev/null)
sleep 1.1
make -s APP=hello >"$tmp/out" 2>&1
[ "$(stat -c %Y out/usermode/hello/obj/kernel/banner.o)" = "$before" ] && [ ! -s "$tmp/out" ]
case_result "an unchanged tree rebuilds nothing for the build id" $? \
	"make said: $(head -c 300 "$tmp/out" | tr '\n' ' '); id before: $(echo "$id_before" | tr -d '\n' | tail -c 120); after: $(tail -c 120 out/usermode/hello/include/generated/build_id.h 2>/dev/null | tr -d '\n'); git status: $(git status --short | head -5 | tr '\n' ' ')"
grep -q '^# CONFIG_BOOT_BANNER is not set' out/bench/min/usermode/hello/.config 2>/dev/null ||
	{ echo "CONFIG_OPTIMIZE_SIZE=y" >"$tmp/os.config" &&
		make -s OUTROOT=out/bench/min APP=hello EXTRA_CONFIG="$tmp/os.config" allnoconfig \
			>/dev/null 2>&1; }
build "minimal usermode/hello" OUTROOT=out/bench/min APP=hello
min=out/bench/min/usermode/hello
! grep -Eq '^CONFIG_(BACKTRACE|KALLSYMS|BOOT_BANNER)=y' "$min/.config" &&
	! timeout 10 "$min/hello" | grep -q '^hako: hello on' && ! nm "$min/hello.elf" | grep -q ksyms
case_result "allnoconfig: no backtraces, symbol table or boot line" $?

# The same gdb session on every port: stopped at the entry, break at main,
# read argv[1], a breakpoint in a thread, Hako's commands, run to the end.
cat >"$tmp/session.gdb" <<'EOF'
echo @@entry\n
break main
continue
echo @@argv1\n
print argv[1]
break worker_step
continue
continue
echo @@threads\n
hako-threads
echo @@bt-main\n
hako-bt main
echo @@timers\n
hako-timers
echo @@mem\n
hako-mem
echo @@info\n
hako-info
delete
echo @@end\n
continue
EOF
# gdb_checks NAME LOG STATUS-REGEX ENTRY
gdb_checks() {
	local n=$1 log=$2 end=$3 entry=$4
	expect "$n: stopped at the entry ($entry), then at main" 0 0 "$log" \
		"(^|, )$entry \(\) at hal/.*\.S:[0-9]+$" '^Breakpoint [0-9]+, main \(argc=2, argv='
	expect "$n: argv[1] read at main" 0 0 "$log" '^\$1 = 0x[0-9a-f]+ .*"threads"$'
	expect "$n: a breakpoint in a thread (the second time it hits)" 0 0 "$log" \
		'^Breakpoint [0-9]+, worker_step \(n=n@entry=2\)'
	expect "$n: hako-threads names each thread, its state and what it waits on" 0 0 "$log" \
		"^  1  0x[0-9a-f]+ main +blocked +join of thread 'worker'$" \
		'^\* 2  0x[0-9a-f]+ worker +running' \
		"^  3  0x[0-9a-f]+ sleeper +blocked +sleep, until [0-9]+ ns$"
	expect "$n: hako-bt main: from its saved context down to main" 0 0 "$log" \
		'^#0  0x[0-9a-f]+ in (schedule|thread_join) \(\) at kernel/sched.c' \
		'^#[12]  0x[0-9a-f]+ in main \(\) at apps/crash/main.c' \
		'^#[23]  0x[0-9a-f]+ in main_thread \(\) at kernel/main.c'
	expect "$n: hako-timers: the sleeper's wake-up" 0 0 "$log" \
		"^[0-9]+ +(timer_)?wake\+0x0\(0x[0-9a-f]+\)  \(wakes thread 'sleeper'\)$" '^1 timer armed$'
	expect "$n: hako-mem and hako-info" 0 0 "$log" '^pages \(kernel/page.c\):$' \
		'^  used +[1-9][0-9]*$' '^heap \(kernel/malloc.c\):$' '^argv\[1\]:  threads$'
	expect "$n: runs on to its end" 0 0 "$log" "$end"
}

echo "== gdb: usermode (make debug)"
HAKO_GDB_BATCH=$tmp/session.gdb timeout -k 5 60 hal/usermode/debug.sh "$crash" threads \
	>"$tmp/gdb-usermode" 2>&1
gdb_checks usermode "$tmp/gdb-usermode" '^\[Inferior 1 \(process [0-9]+\) exited normally\]$' _start

echo "== gdb: qemu-x86 (QEMU's gdbstub)"
# (and, while QEMU runs, which sockets listen: the gdbstub's on loopback only)
{ echo "shell ss -ltn >$tmp/listen"; cat "$tmp/session.gdb"; } >"$tmp/session-qemu.gdb"
HAKO_GDB_BATCH=$tmp/session-qemu.gdb timeout -k 5 120 hal/qemu-x86/debug.sh \
	out/qemu-x86/crash/crash threads >"$tmp/gdb-qemu" 2>&1
gdb_checks qemu-x86 "$tmp/gdb-qemu" '^debug: the image ended with status 0$' _start32
port=$(sed -n 's/^debug: gdb attaches to QEMU.s gdbstub at 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
	"$tmp/gdb-qemu")
[ -n "$port" ] && grep -q " 127\.0\.0\.1:$port " "$tmp/listen" &&
	! grep -Eq " (0\.0\.0\.0|\*|\[::\]):$port " "$tmp/listen"
case_result "qemu-x86: the gdbstub listens on 127.0.0.1 only (port ${port:-?})" $?

echo "== gdb: qemu-arm64 (gdb-multiarch on QEMU's gdbstub)"
HAKO_GDB_BATCH=$tmp/session.gdb timeout -k 5 120 hal/qemu-arm64/debug.sh \
	out/qemu-arm64/crash/crash threads >"$tmp/gdb-qemu-arm64" 2>&1
gdb_checks qemu-arm64 "$tmp/gdb-qemu-arm64" '^debug: the image ended with status 0$' _start

echo "== gdb: usermode on arm64 (gdb-multiarch on qemu-aarch64's gdbstub)"
HAKO_GDB_BATCH=$tmp/session.gdb timeout -k 5 120 hal/usermode/debug.sh \
	out/usermode-arm64/crash/crash threads >"$tmp/gdb-usermode-arm64" 2>&1
gdb_checks usermode-arm64 "$tmp/gdb-usermode-arm64" '^debug: the image ended with status 0$' _start

echo "== gdb: Xen dom0 (QEMU's gdbstub, the image as Xen's first guest)"
HAKO_GDB_BATCH=$tmp/session.gdb XEN_MODE=dom0 timeout -k 5 180 hal/xen/debug.sh \
	out/xen/crash/crash threads >"$tmp/gdb-xen" 2>&1
gdb_checks "xen dom0" "$tmp/gdb-xen" '^debug: the image ended with status 0$' _start

echo "== usermode: gdb stops at the fault"
printf '%s\n' continue bt >"$tmp/fault.gdb"
HAKO_GDB_BATCH=$tmp/fault.gdb timeout -k 5 60 hal/usermode/debug.sh "$crash" null \
	>"$tmp/gdb-fault" 2>&1
expect "usermode: SIGSEGV stops gdb in main, bt shows the caller" 0 0 "$tmp/gdb-fault" \
	'^Program received signal SIGSEGV' '^#0  main \(' '^#1  0x[0-9a-f]+ in main_thread \('

echo "== Xen domU post-mortem: xenctx and xl dump-core (one dom0 boot)"
# A crash (NULL dereference) and a hang (sleeps past the timeout).
printf 'null\tout/xen/crash/crash\t4\t0\tnull\nhang\tout/xen/crash/crash\t4\t0\tsleep\n' \
	>"$tmp/cases"
timeout -k 10 300 test/xen/run.sh --batch "$tmp/cases" --outdir "$tmp/pm" --timeout 8 \
	--dump-core "$tmp/cores" >"$tmp/pm.log" 2>&1
grep -q '^null: status 255 (crash' "$tmp/pm.log" && grep -q '^hang: status 124 (timeout' "$tmp/pm.log"
case_result "domU: the crash and the hang end as such" $? "$(tail -n 3 "$tmp/pm.log" | tr '\n' ' ')"
# (xenctx names a return address as it finds it: one just past a call to a
# noreturn function, as kern_fault's, names the next function; gdb does not)
expect "domU crash: xenctx prints the stack with the image's symbols" 0 0 "$tmp/cores/null.xenctx" \
	'^rip: [0-9a-f]{16} hypercall_page\+0x' '^Call Trace:$' '\] hal_abort\+0x'
expect "domU hang: xenctx prints where it waits (main, asleep)" 0 0 "$tmp/cores/hang.xenctx" \
	'^rip: [0-9a-f]{16} hypercall_page\+0x' '\] schedule\+0x' '\] thread_sleep\+0x' \
	'\] main\+0x'
if [ -s "$tmp/cores/null.core" ] &&
	python3 build/gdb/xencore.py "$tmp/cores/null.core" "$tmp/null.elfcore" >"$tmp/conv" 2>&1; then
	case_result "domU crash: xl dump-core's core came back and converts" 0
else
	case_result "domU crash: xl dump-core's core came back and converts" 1 "$(cat "$tmp/conv" 2>/dev/null)"
fi
gdb -q -nx -batch -x build/gdb/hako.py -ex bt -ex hako-fault -ex hako-threads \
	out/xen/crash/crash.elf "$tmp/null.elfcore" >"$tmp/core.log" 2>&1
expect "domU crash: gdb on the core: bt through the fault report to main" 0 0 "$tmp/core.log" \
	'in hal_abort \(' 'in kern_fault \(' '^#[0-9]+ +0x[0-9a-f]+ in main \(argc=2' \
	'in main_thread \('
expect "domU crash: hako-fault names the faulting function and line" 0 0 "$tmp/core.log" \
	'^page fault at ip 0x[0-9a-f]+ \(main\+0x[0-9a-f]+\), sp 0x[0-9a-f]+, address 0x0$' \
	'^#0  0x[0-9a-f]+ in main \(\) at apps/crash/main.c:[0-9]+$'
expect "domU crash: hako-threads reads the core" 0 0 "$tmp/core.log" \
	'^\* 1  0x[0-9a-f]+ main +running'
printf 'corrupt' >"$tmp/bad.core"
python3 build/gdb/xencore.py "$tmp/bad.core" "$tmp/bad.out" >"$tmp/err" 2>&1
expect "xencore.py refuses a file that is no Xen core, saying why" 1 $? "$tmp/err" \
	'^xencore: not a 64-bit little-endian ELF file'
head -c 3000 "$tmp/cores/null.core" >"$tmp/short.core" 2>/dev/null
python3 build/gdb/xencore.py "$tmp/short.core" "$tmp/bad.out" >"$tmp/err" 2>&1
expect "xencore.py refuses a truncated core" 1 $? "$tmp/err" '^xencore: .*truncated'

summary
