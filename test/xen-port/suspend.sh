#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Suspend and resume of a Xen PV image under the real toolstack: xl save,
# xl restore, xl save -c (a checkpoint), saves that fail, a restore into
# less memory, and a suspend while netfront and blkfront are busy.  One line
# per check, then "N passed, N failed".
#
#   test/xen-port/suspend.sh
#
# One dom0 boot (test/xen/run.sh --batch) with two cases, each a holder
# domain whose dom0 script does the work:
#  A. no devices.  apps/ticker in a domain of the dom0 script's: a
#     checkpoint (xl save -c: the image runs on), a save to a path that
#     cannot be written (xl refuses before asking), and a save that fails
#     half-way (a 4 MiB tmpfs fills up: the toolstack cancels the suspend
#     and the image runs on); the original shut down, the checkpoint
#     restored, then xl save (the domain is gone) and xl restore, then a
#     save restored with a config of half the memory (refused), then
#     restored normally; the tick count and the monotonic clock go on
#     through all of it.
#  B. with a vif and a disk.  apps/devtest in a domain of the dom0 script's,
#     saved and restored while its 4 KiB random reads are in flight (every
#     read checked), and again while dom0 pings it; it answers pings after
#     the restore, and its checks all pass; then a checkpoint with both
#     devices connected (they carry on in place and close cleanly).  Then
#     apps/echo (lwIP over netfront): a TCP connection from dom0 (busybox
#     nc) carries a line before an xl save and another after the xl
#     restore, on the same connection.
# Live migration (xl migrate) is not tested: Debian's Xen cannot enable
# log-dirty mode for a PV guest (no shadow paging); the guest's side is the
# same suspend path.
#
# Work files in out/xen-suspend/ (the rig's per case: a.*, b.*).
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

out=out/xen-suspend
rm -rf "$out"
mkdir -p "$out/a" "$out/b"

for app in ticker devtest echo; do
	make -s PLATFORM=xen APP=$app >"$out/build-$app.log" 2>&1
	case_result "build xen/$app" $? "see $out/build-$app.log"
done

line() { (IFS=$'\t' && echo "$*"); }

# ------------------------------------------------------------ A: no devices
# The rig's own domains ("a", "b") must not be suspended (the rig's xl
# create -F ends with them): the dom0 scripts run the images in domains of
# their own.  The rig gives every case a vif and a disk (B needs them): A's
# ticker gets neither.
cat >"$out/a/dom0.sh" <<'EOF'
# $1 NAME, $2 DOMID.  Lines "dom0: ..." are what the host checks.
log=/var/log/xen/console/guest-tick.log
until_line() { # REGEX [FROM-LINE]
	i=0
	until tail -n +"${2:-1}" "$log" 2>/dev/null | grep -q "$1"; do
		i=$((i + 1)); [ $i -lt 900 ] || { echo "dom0: no line '$1'"; return 1; }
		sleep 0.1
	done
}
last_tick() { sed -n 's/^ticker: tick \([0-9]*\) .*/\1/p' "$log" | tail -n 1; }
# ticks_past N: wait until a tick line beyond N
ticks_past() {
	i=0
	until [ "$(last_tick)" -gt "$1" ] 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 900 ] || { echo "dom0: ticks stopped at $(last_tick)"; return 1; }
		sleep 0.1
	done
}
# resumed N: wait until the image has said N times that it resumed
resumed() {
	i=0
	until [ "$(grep -c 'resumed in a new domain' "$log")" -ge "$1" ]; do
		i=$((i + 1)); [ $i -lt 600 ] || { echo "dom0: not resumed $1 times"; return 1; }
		sleep 0.1
	done
}
state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }
trap 'xl destroy tick >/dev/null 2>&1; sed "s/^/tick| /" "$log"; xl shutdown "$1"' EXIT
rm -f "$log"
sed -e 's/^name = .*/name = "tick"/' -e '/^uuid/d' -e '/^cmdline/d' -e '/^vif/d' -e '/^disk/d' \
	"/rig/$1.cfg" >/run/tick.cfg
echo 'uuid = "6861686b-6f00-4000-8000-0000000000a1"' >>/run/tick.cfg
xl create /run/tick.cfg >/run/create.log 2>&1 || { echo "dom0: create failed"; cat /run/create.log; exit 1; }

# 1. A checkpoint: the image runs on.
until_line 'ticker: tick 20 ' || exit 1
b=$(last_tick)
xl save -c tick /run/ckpt.save >/run/ckpt.log 2>&1
echo "dom0: checkpoint rc=$? state=$(state tick) ticks=$b-$(last_tick)"
t=$(last_tick)
ticks_past $((t + 20)) && echo "dom0: ticks after the checkpoint: $(last_tick)"
# 2. A path xl cannot write: refused before the guest is asked.
xl save tick /proc/no/such.save >/run/bad.log 2>&1
echo "dom0: save to an unwritable path rc=$? state=$(state tick)"
# 3. A file system that fills up half-way: the suspend is cancelled.
mkdir -p /run/full && mount -t tmpfs -o size=4m full /run/full
xl save tick /run/full/tick.save >/run/full.log 2>&1
echo "dom0: save into a full file system rc=$? state=$(state tick)"
tail -n 3 /run/full.log | sed 's/^/dom0: xl: /'
umount /run/full
t=$(last_tick)
ticks_past $((t + 20)) && echo "dom0: ticks after the failed save: $(last_tick)"
# (xl create's watcher ends at the first suspend, the checkpoint's: the
# powered-off domain stays, shut down, until destroyed.)
xl shutdown -w tick >/dev/null 2>&1
echo "dom0: original shut down: $? state=$(state tick)"
xl destroy tick >/dev/null 2>&1

# 4. The checkpoint, restored once the original is gone.
xl restore /run/ckpt.save >/run/r1.log 2>&1
echo "dom0: restore of the checkpoint rc=$? state=$(state tick)"
rm -f /run/ckpt.save
resumed 1 || exit 1
t=$(last_tick)
ticks_past $((t + 10)) || exit 1
# 5. xl save: the domain goes; xl restore: it comes back.
xl save tick /run/s1.save >/run/s1.log 2>&1
rc=$?
echo "dom0: save rc=$rc size=$(wc -c </run/s1.save) gone=$(xl list tick >/dev/null 2>&1 && echo no || echo yes)"
xl restore /run/s1.save >/run/r2.log 2>&1
echo "dom0: restore rc=$? state=$(state tick)"
rm -f /run/s1.save
resumed 2 || exit 1
t=$(last_tick)
ticks_past $((t + 10)) || exit 1
# 6. A restore into half the memory: the toolstack may load the saved pages
# (the image gave back the frames it never touched: they are not in the
# file), but the image cannot have its memory back: it stops with a panic
# that says so.  Either way nothing is left running.
xl save tick /run/s2.save >/run/s2.log 2>&1
echo "dom0: second save rc=$?"
sed -e 's/^memory = .*/memory = 8/' -e 's/^maxmem = .*/maxmem = 8/' /run/tick.cfg >/run/small.cfg
timeout 60 xl restore /run/small.cfg /run/s2.save >/run/r3.log 2>&1
rc=$?
sleep 3
echo "dom0: restore into 8 MiB rc=$rc state=$(state tick)"
tail -n 4 /run/r3.log | sed 's/^/dom0: xl: /'
xl destroy tick >/dev/null 2>&1
# 7. The same file, restored as it was saved: nothing was corrupted.
xl restore /run/s2.save >/run/r4.log 2>&1
echo "dom0: restore after the refused one rc=$? state=$(state tick)"
rm -f /run/s2.save
resumed 3 || exit 1
t=$(last_tick)
ticks_past $((t + 10))
xl shutdown -w tick >/dev/null 2>&1
echo "dom0: tick shut down: $?"
xl destroy tick >/dev/null 2>&1
EOF

# ------------------------------------------------ B: busy netfront/blkfront
cat >"$out/b/dom0.sh" <<'EOF'
log=/var/log/xen/console/guest-busy.log
until_line() { # REGEX [FROM-LINE]
	i=0
	until tail -n +"${2:-1}" "$log" 2>/dev/null | grep -q "$1"; do
		i=$((i + 1)); [ $i -lt 1200 ] || { echo "dom0: no line '$1'"; return 1; }
		sleep 0.1
	done
}
state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }
ms() { read -r up _ </proc/uptime; echo $((${up%.*} * 1000 + 10 * $(echo "${up#*.}" | sed 's/^0//'))); }
trap 'xl destroy busy >/dev/null 2>&1; xl destroy echo >/dev/null 2>&1; xl shutdown "$1"' EXIT
rm -f "$log"
truncate -s 16M /run/busy.disk
sed -e 's/^name = .*/name = "busy"/' -e 's|^kernel = .*|kernel = "/rig/files/devtest"|' \
	-e 's/^memory = .*/memory = 32/' -e 's/^maxmem = .*/maxmem = 32/' -e '/^uuid/d' \
	-e '/^cmdline/d' -e 's/mac=[0-9a-f:]*/mac=00:16:3e:00:00:05/' \
	-e "s|/run/$1.disk|/run/busy.disk|" "/rig/$1.cfg" >/run/busy.cfg
echo 'uuid = "6861686b-6f00-4000-8000-0000000000b5"' >>/run/busy.cfg
echo 'cmdline = "block mib=2 iops=40 + net ip=10.0.0.6 pings=3 dhcp=0 burst=50 serve=1"' >>/run/busy.cfg
xl create /run/busy.cfg >/run/busy-create.log 2>&1 || { echo "dom0: create failed"; cat /run/busy-create.log; exit 1; }
# 1. While 4 KiB random reads are in flight.
until_line 'flush again' || exit 1
sleep 3
xl save busy /run/busy.save >/run/busy-s1.log 2>&1
echo "dom0: save with reads in flight rc=$?"
xl restore /run/busy.save >/run/busy-r1.log 2>&1
echo "dom0: restore rc=$? state=$(state busy)"
rm -f /run/busy.save
# 2. While dom0 pings it.  (The times of the image's first network steps,
# on dom0's clock, and dom0's kernel lines about the bridge, at the end: for
# a failure's reader.)
until_line 'devtest: block done' && echo "dom0: at $(ms) ms: block done"
until_line 'ARP: ' && echo "dom0: at $(ms) ms: ARP checked"
until_line 'devtest: serving' || exit 1
ping -i 0.2 10.0.0.6 >/run/ping-during.log 2>&1 &
pp=$!
sleep 2
from=$(($(sed -n '$=' "$log") + 1))
xl save busy /run/busy.save >/run/busy-s2.log 2>&1
echo "dom0: save while pinged rc=$?"
xl restore /run/busy.save >/run/busy-r2.log 2>&1
echo "dom0: restore rc=$? state=$(state busy)"
rm -f /run/busy.save
until_line 'vif/0: reconnected' "$from" || exit 1
kill $pp
tail -n 2 /run/ping-during.log | sed 's/^/dom0: during: /'
# The image's "reconnected" comes once netback said Connected, but dom0's
# bridge forwards to the new vif only once Linux has seen its carrier come
# up (linkwatch, up to a second later, more under load): a ping sent at once
# may be lost in dom0.  So the bridge port's state is shown, the time to the
# first answer is reported (20 tries of 1 s at most), and then 10 pings in
# a row must all be answered (every reply line kept: a loss shows which).
for f in /sys/class/net/xenbr0/brif/vif*/state; do
	v=${f%/state}; v=${v##*/}
	echo "dom0: at the reconnect: bridge port $v state $(cat "$f") (3: forwarding)," \
		"operstate $(cat /sys/class/net/$v/operstate)"
done
t0=$(ms)
i=0
until ping -c 1 -W 1 10.0.0.6 >/run/ping-first.log 2>&1; do
	i=$((i + 1)); [ $i -lt 20 ] || break
done
if [ $i -lt 20 ]; then
	echo "dom0: first answer after the reconnect: $(($(ms) - t0)) ms, $i pings unanswered," \
		"round trip $(sed -n 's/.* time=\([0-9.]* ms\)$/\1/p' /run/ping-first.log)"
else
	echo "dom0: no answer in the $(($(ms) - t0)) ms after the reconnect"
fi
ping -c 10 -W 2 10.0.0.6 >/run/ping-after.log 2>&1
sed 's/^/dom0: after: /' /run/ping-after.log
# 3. A checkpoint with both devices connected: they carry on in place.
xl save -c busy /run/busy-ck.save >/run/busy-ck.log 2>&1
echo "dom0: checkpoint rc=$? state=$(state busy)"
rm -f /run/busy-ck.save
ping -c 5 -W 2 10.0.0.6 | tail -n 2 | sed 's/^/dom0: after the checkpoint: /'
xl shutdown -w busy >/dev/null 2>&1
echo "dom0: busy shut down: $?"
dmesg | grep -E 'xenbr0|vif[0-9]' | tail -n 30 | sed 's/^/dom0: dmesg: /'
sed 's/^/busy| /' "$log"

# 4. A TCP connection held across xl save and xl restore: apps/echo (lwIP
# over netfront), 10.0.0.8 from the rig's DHCP server; dom0's nc sends a
# line, waits while the image is saved and restored, sends another on the
# same connection, and both come back.
elog=/var/log/xen/console/guest-echo.log
rm -f "$elog"
sed -e 's/^name = .*/name = "echo"/' -e 's|^kernel = .*|kernel = "/rig/files/echo"|' \
	-e '/^uuid/d' -e '/^cmdline/d' -e '/^disk/d' \
	-e 's/mac=[0-9a-f:]*/mac=00:16:3e:00:00:07/' "/rig/$1.cfg" >/run/echo.cfg
echo 'uuid = "6861686b-6f00-4000-8000-0000000000e7"' >>/run/echo.cfg
xl create /run/echo.cfg >/run/echo-create.log 2>&1 || { echo "dom0: echo create failed"; exit 1; }
log=$elog
until_line 'echo: serving' || { sed 's/^/echo| /' "$elog"; exit 1; }
# (the second line goes once the restore is done, then nc's stdin stays
# open until both lines are back: 60 s at most each)
wait_for() { # wait_for COMMAND...: until it succeeds, 60 s at most
	i=0
	until "$@"; do i=$((i + 1)); [ $i -lt 600 ] || return 1; sleep 0.1; done
}
two_back() { [ "$(grep -c . /run/nc.out 2>/dev/null)" -ge 2 ]; }
rm -f /run/echo.restored /run/nc.out
{
	echo "before the save"
	wait_for test -e /run/echo.restored
	echo "after the restore"
	wait_for two_back
} | timeout 150 nc 10.0.0.8 7 >/run/nc.out 2>&1 &
np=$!
sleep 3
xl save echo /run/echo.save >/run/echo-s.log 2>&1
echo "dom0: echo save rc=$?"
xl restore /run/echo.save >/run/echo-r.log 2>&1
echo "dom0: echo restore rc=$? state=$(state echo)"
touch /run/echo.restored
rm -f /run/echo.save
wait $np
sed 's/^/dom0: nc got: /' /run/nc.out
xl shutdown -w echo >/dev/null 2>&1
xl destroy echo >/dev/null 2>&1
sed 's/^/echo| /' "$elog"
EOF
# The dom0 script of each case is its part's (the rig gives one to all).
line a out/xen/ticker/ticker 16 0 every=100 >"$out/cases"
line b out/xen/ticker/ticker 16 0 every=100 >>"$out/cases"
printf '%s\n' 'exec sh "/rig/files/$1.sh" "$@"' >"$out/dom0.sh"
cp "$out/a/dom0.sh" "$out/a.sh" && cp "$out/b/dom0.sh" "$out/b.sh"
test/xen/run.sh --batch "$out/cases" --outdir "$out" --timeout 300 --net --disk 4 \
	--add "$out/a.sh" --add "$out/b.sh" --add out/xen/devtest/devtest \
	--add out/xen/echo/echo --dom0-script "$out/dom0.sh" >"$out/run.log" 2>&1
rc=$?
case_result "the rig ran both parts (netback, blkback)" $((rc == 124)) "see $out/run.log"

st() { cat "$out/$1.status" 2>/dev/null || echo none; }
a=$out/a
b=$out/b
# The ticker's console: the original up to its exit, then the restored
# checkpoint (which counts on from the checkpoint).
sed -n 's/^tick| //p' "$out/a.dom0" >"$a/tick.all"
awk '{ print > (done ? f2 : f1) } /^hako: exit status/ { done = 1 }' \
	f1="$a/tick.out" f2="$a/restored.out" "$a/tick.all"
touch "$a/tick.out" "$a/restored.out"
# Tick lines every 10 ticks, each count 10 more than the last: nothing
# was lost or repeated across the suspends.
ticks_continue() { # FILE
	sed -n 's/^ticker: tick \([0-9]*\) .*/\1/p' "$1" | awk '
		$1 % 10 { next } # (the last line, at the shutdown request)
		n && $1 != prev + 10 { bad = 1; print "after " prev ": " $1 }
		{ prev = $1; n++ }
		END { exit bad || n < 5 }'
}
# The monotonic clock in the tick lines never goes back.
mono_up() {
	sed -n 's/^ticker: tick [0-9]* mono \([0-9.]*\) .*/\1/p' "$1" |
		awk 'NR > 1 && $1 < prev { bad = 1 } { prev = $1 } END { exit bad || NR < 5 }'
}
hd=$out/a.dom0
expect "checkpoint (xl save -c): rc 0, the image runs on" 0 "$(st a)" "$hd" \
	'^dom0: checkpoint rc=0 state=[-rb]+ ticks=' '^dom0: ticks after the checkpoint: '
expect "save to an unwritable path: xl fails, the image is untouched" 0 "$(st a)" "$hd" \
	'^dom0: save to an unwritable path rc=[1-9][0-9]* state=[-rb]+$'
expect "save into a full file system: xl fails, the suspend is cancelled, the image runs on" 0 \
	"$(st a)" "$hd" '^dom0: save into a full file system rc=[1-9][0-9]* state=[-rb]+$' \
	'^dom0: ticks after the failed save: '
n=$(grep -c '^xen: suspend cancelled, running on' "$a/tick.out")
[ "$n" = 2 ]
case_result "the image saw both cancelled suspends (the hypercall returned 1): $n" $?
expect "original: counted on across both, clock never back, exit 0" 0 "$(st a)" \
	"$a/tick.out" '^ticker: done after [0-9]+ ticks, [0-9]+ late, 0 backwards$' \
	'^hako: exit status 0$'
ticks_continue "$a/tick.out" >"$a/tick.gaps"
case_result "original: tick counts continuous across the cancelled suspends" $? \
	"$(head -3 "$a/tick.gaps")"
mono_up "$a/tick.out"
case_result "original: monotonic clock never goes back" $?

expect "the checkpoint restored after the original was destroyed" 0 "$(st a)" "$hd" \
	'^dom0: original shut down: 0 state=(---s--)?$' \
	'^dom0: restore of the checkpoint rc=0 state=[-rb]+$'
# The restored checkpoint counts on from where the checkpoint was taken:
# its first tick line comes after the last one printed before the
# checkpoint began, and at most one line after the last one printed by
# the time it ended.
ck=$(sed -n 's/^dom0: checkpoint rc=0 state=[^ ]* ticks=\([0-9]*-[0-9]*\)$/\1/p' "$hd")
first=$(sed -n '/resumed in a new domain/,$s/^ticker: tick \([0-9]*\) .*/\1/p' "$a/restored.out" |
	head -n 1)
[ -n "$ck" ] && [ -n "$first" ] && [ "$first" -gt "${ck%-*}" ] && [ "$first" -le $((${ck#*-} + 10)) ]
case_result "its ticks after the restore follow the checkpoint's (ticks $ck at the checkpoint, then $first)" $?
expect "xl save: the domain goes; xl restore: it comes back" 0 "$(st a)" "$hd" \
	'^dom0: save rc=0 size=[0-9]+ gone=yes$' '^dom0: restore rc=0 state=[-rb]+$'
expect "restore into less memory (8 of 16 MiB): no domain left running" 0 "$(st a)" \
	"$hd" '^dom0: restore into 8 MiB rc=[0-9]+ state=$'
# Refused by the toolstack, or the image's own clear stop.
grep -q '^dom0: restore into 8 MiB rc=[1-9]' "$hd" ||
	grep -q "^hako: panic in thread '[a-z]*': xen: resume: the new domain has less memory" \
		"$a/restored.out"
case_result "...refused by xl, or the image stopped saying it has less memory" $?
expect "the same save file restores normally afterwards" 0 "$(st a)" "$hd" \
	'^dom0: restore after the refused one rc=0 state=[-rb]+$' '^dom0: tick shut down: 0$'
n=$(grep -c '^xen: resumed in a new domain' "$a/restored.out")
[ "$n" = 3 ]
case_result "the restored image resumed in a new domain 3 times ($n)" $?
expect "restored image: clock never back, shut down cleanly" 0 "$(st a)" \
	"$a/restored.out" '^ticker: done after [0-9]+ ticks, [0-9]+ late, 0 backwards$' \
	'^hako: exit status 0$'
ticks_continue "$a/restored.out" >"$a/restored.gaps"
case_result "restored image: tick counts continuous across 3 restores" $? \
	"$(head -3 "$a/restored.gaps")"
mono_up "$a/restored.out"
case_result "restored image: monotonic clock never goes back" $?

sed -n 's/^busy| //p' "$out/b.dom0" >"$b/busy.out"
expect "save and restore with block reads in flight" 0 "$(st b)" "$out/b.dom0" \
	'^dom0: save with reads in flight rc=0$' '^dom0: restore rc=0 state=[-rb]+$'
expect "blkfront reconnected and every read checked out across it" 0 "$(st b)" \
	"$b/busy.out" 'xen: vbd/[0-9]+: reconnected to backend' \
	'^ok   random 4 KiB reads: [0-9]+ in [0-9]+ ms, [0-9]+ IOPS \(0 mismatching\)'
expect "save and restore while dom0 pings it: netfront reconnected" 0 \
	"$(st b)" "$out/b.dom0" '^dom0: save while pinged rc=0$' \
	'^dom0: (first|no) answer '
first=$(sed -n 's/^dom0: first answer after the reconnect: //p' "$out/b.dom0")
got=$(sed -n 's/^dom0: after: 10 packets transmitted, \([0-9]*\) packets received.*/\1/p' \
	"$out/b.dom0")
lost=$(sed -n 's/^dom0: after: 64 bytes from .*seq=\([0-9]*\) .*/\1/p' "$out/b.dom0" |
	awk '{ seen[$1] = 1 } END { for (i = 0; i < 10; i++) if (!seen[i]) printf " %d", i }')
[ -n "$first" ]
case_result "...it answers pings again (first answer after the reconnect: ${first:-none})" $? \
	"$(grep -E '^dom0: (at the|no answer)' "$out/b.dom0")"
[ "$got" = 10 ]
case_result "...then 10 pings in a row answered (${got:-no} answered)" $? \
	"unanswered seq:${lost:- ?}; see $out/b.dom0"
expect "devtest passed every check across both, shut down cleanly" 0 "$(st b)" \
	"$b/busy.out" 'xen: vif/0: reconnected to backend' '^[0-9]+ passed, 0 failed$' \
	'^hako: exit status 0$'
grep -q '^dom0: busy shut down: 0$' "$out/b.dom0"
case_result "xl shutdown -w of the twice-restored devtest returns 0" $?
n=$(grep -c '^xen: resumed in a new domain' "$b/busy.out")
[ "$n" = 2 ]
case_result "devtest resumed in a new domain twice ($n)" $?
expect "checkpoint with netfront and blkfront connected: they carry on in place" 0 \
	"$(st b)" "$out/b.dom0" '^dom0: checkpoint rc=0 state=[-rb]+$' \
	'^dom0: after the checkpoint: 5 packets transmitted, 5 packets received'
grep -q '^xen: suspend cancelled, running on' "$b/busy.out" &&
	! grep -Eq 'left granted|grants still in use|did not close' "$b/busy.out"
case_result "after it, both devices closed cleanly at exit (grant table mapped again)" $?
sed -n 's/^echo| //p' "$out/b.dom0" >"$b/echo.out"
expect "a TCP connection to apps/echo held across xl save and xl restore" 0 "$(st b)" \
	"$out/b.dom0" '^dom0: echo save rc=0$' '^dom0: echo restore rc=0 state=[-rb]+$' \
	'^dom0: nc got: before the save$' '^dom0: nc got: after the restore$'
grep -q '^xen: resumed in a new domain' "$b/echo.out" && grep -q 'xen: vif/0: reconnected' "$b/echo.out"
case_result "...the echo image resumed and its netfront reconnected" $?
summary
