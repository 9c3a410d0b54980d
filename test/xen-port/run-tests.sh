#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Xen PV port's tests: one line per case, then "N passed, N failed";
# nonzero exit on any failure.
#
#   test/xen-port/run-tests.sh [--quick]
#
# 1. build hello, ktest and crash for PLATFORM=xen (the build itself runs
#    libxenguest's offline loader check on each image);
# 2. host unit tests: ring index checks and the xenstore wire parser
#    (hal/xen/ring.h, hal/xen/xs_wire.c), netfront's rings against a hostile
#    backend (hal/xen/netring.c: unit tests and a libFuzzer run), and the xl
#    config quoting of hal/xen/mkxl.sh as libxlutil (xl's own parser) reads
#    it back;
# 3. dom0 runs: Xen boots each image itself (about 1.2 s each);
# 4. one dom0 Linux boot running every domU case under the real `xl create`
#    (test/xen/run.sh --batch): argv with spaces and quotes, ktest, exits,
#    panics, faults, `xl shutdown`, `xl reboot` and `xl destroy` of a running
#    app, memory from 4 MiB to 1 GiB, and the xl config that make writes;
# 5. a second dom0 boot with devices (test/xen/run.sh --net --disk: bridge,
#    DHCP server, the real netback and blkback): netfront at the frame level
#    (apps/devtest: ARP, ping both ways, bursts, DHCP), blkfront at the
#    request level (patterns with many requests in flight, flush, read back,
#    the backing file checked from dom0, a read-only disk attached while
#    running), make's xl config with its vif and disk lines, a vif and a
#    disk removed under a running image (xl network-detach, block-detach),
#    xl shutdown with the devices open.
# --quick skips the 1 GiB cases.
#
# Work files go to out/xen-port/ (kept for a look after a failure).
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

quick=0
[ "${1:-}" = --quick ] && quick=1
out=out/xen-port
rm -rf "$out"
mkdir -p "$out/batch"

# --------------------------------------------------------------- 1. build
echo "== build"
for app in hello ktest crash devtest; do
	make -s PLATFORM=xen APP="$app" >"$out/build-$app.log" 2>&1
	rc=$?
	case_result "build xen/$app (and its offline loader check)" "$rc" "see $out/build-$app.log"
	if [ "$rc" != 0 ]; then
		tail -n 20 "$out/build-$app.log" | sed 's/^/      | /'
		summary
		exit 1
	fi
done
size=$(stat -c %s out/xen/hello/hello)
[ "$size" -le 32768 ]
case_result "stripped hello image <= 32 KiB ($size bytes)" $?

# ---------------------------------------------------------- 2. host units
echo "== host unit tests"
if gcc -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -Ihal/xen \
	-o "$out/test_wire" test/xen-port/unit/test_wire.c hal/xen/xs_wire.c 2>"$out/unit-build.log" &&
	"$out/test_wire" >"$out/unit.log" 2>&1 && grep -q '^ok' "$out/unit.log"; then
	case_result "unit: ring indices and xenstore wire ($(grep -c '^ok' "$out/unit.log") checks)" 0
else
	case_result "unit: ring indices and xenstore wire" 1 "see $out/unit.log"
	cat "$out/unit-build.log" "$out/unit.log" 2>/dev/null | grep -v '^ok' | sed 's/^/      | /'
fi

if gcc -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -Ihal/xen \
	-o "$out/test_oneshot" test/xen-port/unit/test_oneshot.c 2>"$out/oneshot-build.log" &&
	"$out/test_oneshot" >"$out/oneshot.log" 2>&1 && grep -q '^ok' "$out/oneshot.log"; then
	case_result "unit: one-shot timer re-armed after it fired ($(grep -c '^ok' "$out/oneshot.log") checks)" 0
else
	case_result "unit: one-shot timer bookkeeping" 1 "see $out/oneshot.log"
	cat "$out/oneshot-build.log" "$out/oneshot.log" 2>/dev/null | grep -v '^ok' | sed 's/^/      | /'
fi

# The split drivers' rings: hostile-backend unit tests, then the fuzzer for a fixed
# number of runs (fixed seed: the same inputs every time).
xen_unit_flags=(-std=gnu11 -O1 -g -Wall -Wextra -Werror -D__XEN_INTERFACE_VERSION__=0x00040e00
	-Ihal/xen)
if gcc "${xen_unit_flags[@]}" -fsanitize=address,undefined -o "$out/test_netring" \
	test/xen-port/unit/test_netring.c hal/xen/netring.c 2>"$out/netring-build.log" &&
	"$out/test_netring" >"$out/netring.log" 2>&1; then
	case_result "unit: netfront rings vs a hostile backend ($(grep -c '^ok' "$out/netring.log") checks)" 0
else
	case_result "unit: netfront rings vs a hostile backend" 1 "see $out/netring.log"
	cat "$out/netring-build.log" "$out/netring.log" 2>/dev/null | grep -v '^ok' | sed 's/^/      | /'
fi
fuzz_runs=${HAKO_FUZZ_RUNS:-30000}
if gcc "${xen_unit_flags[@]}" -fsanitize=address,undefined -o "$out/test_blkring" \
	test/xen-port/unit/test_blkring.c hal/xen/blkring.c 2>"$out/blkring-build.log" &&
	"$out/test_blkring" >"$out/blkring.log" 2>&1; then
	case_result "unit: blkfront ring vs a hostile backend ($(grep -c '^ok' "$out/blkring.log") checks)" 0
else
	case_result "unit: blkfront ring vs a hostile backend" 1 "see $out/blkring.log"
	cat "$out/blkring-build.log" "$out/blkring.log" 2>/dev/null | grep -v '^ok' | sed 's/^/      | /'
fi
if clang "${xen_unit_flags[@]}" -fsanitize=fuzzer,address,undefined -o "$out/fuzz_rings" \
	test/xen-port/unit/fuzz_rings.c hal/xen/netring.c hal/xen/blkring.c \
	2>"$out/fuzz-build.log"; then
	mkdir -p "$out/fuzz"
	(cd "$out/fuzz" && ../fuzz_rings -runs="$fuzz_runs" -seed=1 -max_len=4096 \
		>../fuzz.log 2>&1)
	case_result "fuzz: netfront and blkfront rings, $fuzz_runs inputs (libFuzzer, ASan, UBSan)" \
		$? "see $out/fuzz.log and $out/fuzz/crash-*"
else
	case_result "fuzz: build fuzz_rings (clang, libclang-rt)" 1 "$(head -c 300 "$out/fuzz-build.log")"
fi

# mkxl.sh: what xl will read back, and what Hako's command line parser wants.
if gcc -Wall -Wextra -Werror -o "$out/xlparse" test/xen-port/unit/xlparse.c -lxlutil \
	2>"$out/xlparse-build.log"; then
	hal/xen/mkxl.sh --name t --memory 8 out/xen/hello/hello plain 'two words' 'q"uote' \
		'back\slash' "it's" '' >"$out/quoting.xl"
	got=$("$out/xlparse" "$out/quoting.xl" cmdline 2>&1)
	want='"plain" "two words" "q\"uote" "back\\slash" "it'"'"'s" ""'
	[ "$got" = "$want" ]
	case_result "mkxl.sh: cmdline survives xl's parser" $? "got [$got], want [$want]"
	got=$("$out/xlparse" out/xen/hello/hello.xl kernel 2>&1)
	[ "$got" = "$(pwd)/out/xen/hello/hello" ]
	case_result "make's hello.xl: absolute kernel path" $? "got [$got]"
	mem=$("$out/xlparse" out/xen/hello/hello.xl name)
	grep -q '^memory = [0-9]' out/xen/hello/hello.xl && grep -q '^uuid = "' out/xen/hello/hello.xl &&
		[ "$mem" = hako-hello ]
	case_result "make's hello.xl: name, memory, fixed uuid" $?
	got=$("$out/xlparse" out/xen/devtest/devtest.xl vif 2>&1)
	[ "$got" = "bridge=xenbr0,mac=00:16:3e:00:00:01" ] &&
		! "$out/xlparse" out/xen/hello/hello.xl vif >/dev/null 2>&1
	case_result "make's xl config: a vif for an app with networking, none for hello" $? \
		"devtest vif [$got]"
else
	case_result "build xlparse (libxlutil)" 1 "$(head -c 300 "$out/xlparse-build.log")"
fi

# ---------------------------------------------------------------- 3. dom0
echo "== dom0 (Xen boots the image itself)"
# dom0 NAME MEMORY APP ARGS...: output in $out/NAME.out, status in $rc
dom0() {
	local name=$1 mem=$2 app=$3
	shift 3
	test/xen/run.sh --dom0 --memory "$mem" --timeout 60 --log "$out/$name.serial" \
		"out/xen/$app/$app" "$@" >"$out/$name.out" 2>"$out/$name.err"
	rc=$?
}

dom0 d0-hello 16 hello a "b c" 'q"uote' 'back\slash'
expect "dom0: hello prints argv" 0 "$rc" "$out/d0-hello.out" "Hello from Hako on xen" \
	'argv\[2\] = "b c"' 'argv\[3\] = "q"uote"' 'argv\[4\] = "back\\slash"' \
	'^hako: exit status 0$'
grep -q 'port 0xf4 code 0' "$out/d0-hello.err"
case_result "dom0: QEMU ended through the exit port" $?

dom0 d0-ktest 64 ktest
expect_ktest "dom0: ktest passes" "$rc" "$out/d0-ktest.out"
dom0 d0-exit7 16 crash exit 7
expect "dom0: exit status 7" 7 "$rc" "$out/d0-exit7.out" '^hako: exit status 7$'
dom0 d0-panic 16 crash panic
expect "dom0: panic crashes the domain" 255 "$rc" "$out/d0-panic.out" \
	"hako: panic in thread 'main': deliberate panic"
dom0 d0-null 16 crash null
expect "dom0: NULL dereference panics with the address" 255 "$rc" "$out/d0-null.out" \
	"hako: panic in thread 'main': NULL pointer dereference at address 0x0 \\(page fault, not mapped, ip 0x" \
	'^  vector 14 error 0x0 rip [0-9a-f]{16} rflags [0-9a-f]{8} cs e03[0-3] ss e02b$' \
	'^  rax [0-9a-f]{16} rbx'
dom0 d0-mem4 4 hello small
expect "dom0: 4 MiB" 0 "$rc" "$out/d0-mem4.out" 'argv\[1\] = "small"'
dom0 d0-mem512 512 ktest
expect_ktest "dom0: 512 MiB ktest" "$rc" "$out/d0-mem512.out"

# ---------------------------------------------------------------- 4. domU
echo "== domU (xl create in a Debian dom0; one boot for all cases)"
b=$out/batch
# case NAME APP MEMORY SHUTDOWN_AFTER ARGS...: one line of the rig's batch file
case_line() {
	local name=$1 app=$2
	shift 2
	(IFS=$'\t' && echo "$name${IFS}out/xen/$app/$app${IFS}$*")
}
{
	case_line hello hello 16 0 a "b c" 'q"uote' 'back\slash' ''
	case_line ktest ktest 16 0
	case_line exit7 crash 16 0 exit 7
	case_line panic crash 16 0 panic
	case_line null crash 16 0 null
	case_line overflow crash 16 0 overflow
	case_line shutdown crash 16 3 sleep
	case_line reboot crash 16 0 sleep
	case_line destroy crash 16 0 sleep
	case_line xlcfg crash 16 0 sleep
	case_line hello4 hello 4 0 small
	case_line ktest4 ktest 4 0
	case_line oom5 crash 5 0 oom
	case_line oom129 crash 129 0 oom
	if [ "$quick" = 0 ]; then
		case_line ktest1g ktest 1024 0
		case_line oom1g crash 1024 0 oom
	fi
} >"$b/cases"

# The dom0-side script runs beside every case; it acts on three of them.
# xlcfg: boot hello with the config make wrote (argv added by mkxl.sh),
# through a plain `xl create`, the way a user would.
hal/xen/mkxl.sh --name hako-xlcfg --memory 8 /IMAGE 'from xl' 'q"x' >"$b/user.xl"
{
	echo 'case $1 in'
	echo 'reboot) sleep 2; xl reboot "$1" ;;'
	echo 'destroy) sleep 2; xl destroy "$1" ;;'
	echo 'xlcfg)'
	echo "  img=\$(sed -n 's/^kernel = \"\\(.*\\)\"\$/\\1/p' /rig/hello.cfg)"
	echo "  cat >/tmp/user.xl <<'XLEOF'"
	cat "$b/user.xl"
	echo 'XLEOF'
	echo '  sed -i "s|/IMAGE|$img|" /tmp/user.xl'
	echo '  timeout 20 xl create -F /tmp/user.xl >/tmp/user.log 2>&1; echo "xl: $?"'
	echo '  cat /tmp/user.log /var/log/xen/console/guest-hako-xlcfg.log'
	echo '  xl shutdown "$1" ;;'
	echo 'esac'
} >"$b/dom0.sh"

test/xen/run.sh --batch "$b/cases" --outdir "$b" --timeout 40 --dom0-script "$b/dom0.sh" \
	--log "$b/serial.log" >"$b/results" 2>"$b/rig.log"
brc=$?
if [ "$brc" = 124 ]; then
	case_result "domU batch: the rig ran every case" 1 "see $b/rig.log"
	tail -n 20 "$b/rig.log" | sed 's/^/      | /'
fi
st() { cat "$b/$1.status" 2>/dev/null || echo missing; }
reason() { sed -n "s/^$1: status [0-9]* (\\([a-z_-]*\\),.*/\\1/p" "$b/results"; }

expect "domU: hello prints argv" 0 "$(st hello)" "$b/hello.out" \
	'argv\[1\] = "a"' 'argv\[2\] = "b c"' 'argv\[3\] = "q"uote"' 'argv\[4\] = "back\\slash"' \
	'argv\[5\] = ""' '^hako: exit status 0$'
expect_ktest "domU: ktest passes" "$(st ktest)" "$b/ktest.out"
expect "domU: exit status 7 (powers off)" 7 "$(st exit7)" "$b/exit7.out" '^hako: exit status 7$'
[ "$(reason exit7)" = poweroff ]
case_result "domU: a nonzero exit is still a poweroff" $? "reason $(reason exit7)"
expect "domU: panic crashes the domain" 255 "$(st panic)" "$b/panic.out" \
	"hako: panic in thread 'main': deliberate panic"
[ "$(reason panic)" = crash ]
case_result "domU: panic is a crash shutdown" $? "reason $(reason panic)"
expect "domU: NULL dereference panics" 255 "$(st null)" "$b/null.out" \
	"hako: panic in thread 'main': NULL pointer dereference at address 0x0 \\(page fault"
expect "domU: stack overflow names the thread" 255 "$(st overflow)" "$b/overflow.out" \
	"hako: panic in thread 'overflower': stack overflow"
expect "domU: xl shutdown ends a sleeping app cleanly" 0 "$(st shutdown)" "$b/shutdown.out" \
	'shutdown requested' 'crash: shutdown hook ran' '^hako: exit status 0$'
[ "$(reason shutdown)" = poweroff ]
case_result "domU: xl shutdown -> poweroff" $? "reason $(reason shutdown)"
expect "domU: xl reboot ends a sleeping app cleanly" 0 "$(st reboot)" "$b/reboot.out" \
	'shutdown requested' '^hako: exit status 0$'
[ "$(reason reboot)" = reboot ]
case_result "domU: xl reboot -> reboot shutdown" $? "reason $(reason reboot)"
grep -q 'sleeping until shut down' "$b/destroy.out" && [ "$(reason destroy)" = destroyed ] &&
	[ "$(st destroy)" = 125 ] && ! grep -q 'exit status' "$b/destroy.out"
case_result "domU: xl destroy ends it at once (reported as destroyed, status 125)" $? \
	"reason $(reason destroy), status $(st destroy)"
grep -q '^xl: 0$' "$b/xlcfg.dom0" && grep -q 'argv\[1\] = "from xl"' "$b/xlcfg.dom0" &&
	grep -q 'argv\[2\] = "q"x"' "$b/xlcfg.dom0" && grep -q 'hako: exit status 0' "$b/xlcfg.dom0"
case_result "domU: make's xl config boots with xl create (argv quoted)" $? "see $b/xlcfg.dom0"
expect "domU: hello at 4 MiB" 0 "$(st hello4)" "$b/hello4.out" 'argv\[1\] = "small"'
expect_ktest "domU: ktest at 4 MiB" "$(st ktest4)" "$b/ktest4.out"
expect "domU: all of 5 MiB usable, then ENOMEM" 0 "$(st oom5)" "$b/oom5.out" 'errno ENOMEM'
expect "domU: all of 129 MiB usable, then ENOMEM" 0 "$(st oom129)" "$b/oom129.out" \
	'errno ENOMEM'
if [ "$quick" = 0 ]; then
	expect_ktest "domU: ktest at 1 GiB" "$(st ktest1g)" "$b/ktest1g.out"
	expect "domU: all of 1 GiB usable, then ENOMEM" 0 "$(st oom1g)" "$b/oom1g.out" \
		'errno ENOMEM'
	# 1 GiB holds 15420 blocks (64 KiB + heap overhead): all but the P2M list
	# (2 MiB) and the page tables (2 MiB) must be there to hand out.
	n=$(sed -n 's/.*failed after \([0-9]*\) blocks.*/\1/p' "$b/oom1g.out")
	[ "${n:-0}" -ge 15300 ]
	case_result "domU: 1 GiB: at least 15300 blocks of 64 KiB ($n)" $?
fi

# ------------------------------------------------------------ 5. network
echo "== domU with devices (bridge, DHCP, netback and blkback in dom0; one boot)"
nb=$out/net
mkdir -p "$nb"
{
	# A disk written and read back, a read-only one attached while running,
	# then the network, served until xl shutdown.
	case_line net devtest 16 0 block mib=6 + block disk=1 ro=1 wait=30 + net serve=1
	case_line usercfg crash 16 0 sleep
	# The disk, then the vif, removed under the running image.
	case_line gone devtest 16 0 block mib=1 gone=1 + net pings=2 dhcp=0 burst=10 serve=1 \
		gone=1
} >"$nb/cases"
# The dom0 side, following the image's lines in xenconsoled's log: check
# the sectors it wrote, attach a read-only disk, ping it and check what
# reached the bridge; remove its disk and vif; start make's own xl config;
# then xl shutdown.
{
	cat <<'EOF'
log=/var/log/xen/console/guest-$1.log
# until LINE: wait for the image to print LINE (60 s at most)
until_line() {
	i=0
	until grep -q "$1" "$log" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 600 ] || { echo "dom0: no line '$1'"; return 1; }
		sleep 0.1
	done
}
serving() { until_line 'devtest: serving'; }
case $1 in
net)
	# (once the image runs: xl adds devices only to a domain fully created)
	until_line 'devtest: waiting for disk1' || exit 1
	# Sectors the image wrote (through blkback, the loop device, the file).
	for s in 0 1 77 12287; do
		dd if=/run/net.disk bs=512 skip=$s count=1 2>/dev/null | head -c 22; echo
	done
	{ printf 'hako read-only disk\n'; } >/run/ro.disk
	truncate -s 1M /run/ro.disk
	timeout 20 xl block-attach "$1" format=raw,vdev=xvdb,access=ro,target=/run/ro.disk
	echo "dom0: block-attach: $?"
	serving || exit 1
	ping -c 20 -A -W 2 10.0.0.2 | tail -2
	ping -c 3 -s 1472 -W 2 10.0.0.2 | tail -2
	echo "dom0: vif rx_packets $(cat /sys/class/net/vif$2.0/statistics/rx_packets)"
	xl shutdown "$1" ;;
gone)
	until_line 'devtest: block done' || exit 1
	timeout 20 xl block-detach "$1" xvda; echo "dom0: block-detach: $?"
	serving || exit 1
	timeout 20 xl network-detach "$1" 0; echo "dom0: network-detach: $?"
	sleep 1
	xl shutdown "$1" ;;
usercfg)
	img=$(sed -n 's/^kernel = "\(.*\)"$/\1/p' /rig/net.cfg)
	cat >/tmp/user.xl <<'XLEOF'
EOF
	hal/xen/mkxl.sh --name hako-usernet --memory 16 --vif "bridge=xenbr0,mac=00:16:3e:00:00:01" \
		--disk format=raw,vdev=xvda,access=rw,target=/DISK /IMAGE net pings=2 burst=10 + \
		block mib=1
	cat <<'EOF'
XLEOF
	sed -i -e "s|/IMAGE|$img|" -e "s|/DISK|/run/user.disk|" /tmp/user.xl
	truncate -s 8M /run/user.disk
	timeout 30 xl create -F /tmp/user.xl >/tmp/user.log 2>&1; echo "xl: $?"
	cat /tmp/user.log /var/log/xen/console/guest-hako-usernet.log
	dd if=/run/user.disk bs=512 skip=3 count=1 2>/dev/null | head -c 22; echo
	xl shutdown "$1" ;;
esac
EOF
} >"$nb/dom0.sh"
test/xen/run.sh --batch "$nb/cases" --outdir "$nb" --timeout 120 --net --disk 16 \
	--dom0-script "$nb/dom0.sh" --log "$nb/serial.log" >"$nb/results" 2>"$nb/rig.log"
if [ $? = 124 ]; then
	case_result "device batch: the rig ran every case" 1 "see $nb/rig.log"
	tail -n 20 "$nb/rig.log" | sed 's/^/      | /'
fi
nst() { cat "$nb/$1.status" 2>/dev/null || echo missing; }
expect "net: frames through netfront and netback (ARP, ping, bursts, DHCP, tx burst)" 0 \
	"$(nst net)" "$nb/net.out" '^ok   ARP: peer 10.0.0.1' '^ok   ping: 10 of 10' \
	'^ok   ping bursts: 500 of 500' '^ok   DHCP: offer of 10.0.0.2 from server 10.0.0.1' \
	'^ok   DHCP: ack' '^ok   tx burst: 2000 of 2000' '^[0-9]+ passed, 0 failed' \
	'^hako: exit status 0$'
grep -E '^ok|^FAIL|^xen: vif' "$nb/net.out" | sed 's/^/      /'
expect "net: dom0 pings the image (20 small, 3 full-size), xl shutdown with it open" 0 \
	"$(nst net)" "$nb/net.dom0" '^20 packets transmitted, 20 packets received' \
	'^3 packets transmitted, 3 packets received'
grep -q 'devtest: shutdown requested; answered [0-9]* pings' "$nb/net.out" &&
	grep -q '^ok   served until the shutdown request' "$nb/net.out"
case_result "net: the image answered dom0's pings until xl shutdown" $?
n=$(sed -n 's/^dom0: vif rx_packets \([0-9]*\)$/\1/p' "$nb/net.dom0")
[ "${n:-0}" -ge 2000 ]
case_result "net: dom0's vif received the image's tx burst (${n:-?} frames >= 2000)" $?
# One notification per batch: the tx burst flushes every 64 frames.
notes=$(sed -n 's/.* \([0-9]*\) notifications$/\1/p' "$nb/net.out")
[ -n "$notes" ] && [ "$notes" -lt 200 ]
case_result "net: notifications batched (${notes:-?} for some 2500 frames sent)" $?
grep -q '^xl: 0$' "$nb/usercfg.dom0" && grep -q '^ok   DHCP: offer of 10.0.0.2' "$nb/usercfg.dom0" &&
	grep -q '^ok   read back 1024 KiB' "$nb/usercfg.dom0" &&
	grep -q '^hako sector 0000000003' "$nb/usercfg.dom0" &&
	grep -q '^[0-9]* passed, 0 failed' "$nb/usercfg.dom0" &&
	grep -q '^hako: exit status 0' "$nb/usercfg.dom0"
case_result "make's xl config (vif and disk lines) boots with xl create: DHCP gives 10.0.0.2, the disk works" \
	$? "see $nb/usercfg.dom0"
expect "net: xl network-detach under a running image: HAL_EIO, then a clean shutdown" 0 \
	"$(nst gone)" "$nb/gone.out" 'xen: vif/0: the backend went away' \
	'^ok   the device went away: reads and writes fail with HAL_EIO' '^hako: exit status 0$'
grep -q '^dom0: network-detach: 0$' "$nb/gone.dom0"
case_result "net: xl network-detach completes (the frontend answered the backend's Closing)" $? \
	"see $nb/gone.dom0"
expect "blk: requests through blkfront and blkback (patterns, flush, read back)" 0 "$(nst net)" \
	"$nb/net.out" '^ok   bad offsets, lengths, buffers and handles are refused' \
	'^ok   wrote 6144 KiB' '^ok   several requests in flight' '^ok   flush' \
	'^ok   read back 6144 KiB .*: 0 mismatching' '^ok   the last block written' \
	'^ok   a block never written reads as zeros'
expect "blk: dom0 reads the image's sectors in the backing file" 0 "$(nst net)" "$nb/net.dom0" \
	'^hako sector 0000000000$' '^hako sector 0000000001$' '^hako sector 0000000077$' \
	'^hako sector 0000012287$'
expect "blk: a read-only disk attached while running (xl block-attach): read, writes refused" 0 \
	"$(nst net)" "$nb/net.out" '^ok   acquire disk1' '^ok   the disk is read-only' \
	'^ok   a write to it is refused' '^ok   its first block reads as the host wrote it'
grep -q '^dom0: block-attach: 0$' "$nb/net.dom0"
case_result "blk: xl block-attach of a read-only disk succeeds" $? "see $nb/net.dom0"
expect "blk: xl block-detach under a running image: HAL_EIO, the rest goes on" 0 \
	"$(nst gone)" "$nb/gone.out" 'xen: vbd/51712: the backend went away' \
	'^ok   the disk went away: requests fail with HAL_EIO' 'devtest: serving'
grep -q '^dom0: block-detach: 0$' "$nb/gone.dom0"
case_result "blk: xl block-detach completes (the frontend answered the backend's Closing)" $? \
	"see $nb/gone.dom0"

summary
