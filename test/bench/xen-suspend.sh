#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Xen save and restore benchmark, on the test rig (real Xen 4.17 in QEMU
# TCG): how long `xl save` and `xl restore` take and how large the saved
# image is, for a hello-class Hako guest (apps/ticker, 16 MiB: apps/hello
# exits at once, there is nothing running to save), a 96 MiB Hako guest, and
# the Linux reference guest (test/bench/linux-guest: Debian's kernel and a
# busybox initramfs, as a PV domU) with the same 96 MiB, one after the
# other in one dom0 boot.  No devices (the device side of a resume is the
# xen-suspend suite's).
#
# Times are dom0's wall clock (bash's $EPOCHREALTIME) around each command:
# save from the start of `xl save` to its return (the guest has suspended
# and every page is in the file); restore from the start of `xl restore` to
# its return (the domain is built, its memory loaded and unpaused).  Medians
# of HAKO_BENCH_RUNS (default 3) cycles per guest, each on the guest the
# previous restore brought back.  Goal: Hako's 96 MiB save and restore at
# most half the Linux guest's.
#
# Prints a table and writes it to out/bench/xen-suspend.txt; raw data in
# out/bench/xen-suspend/.
set -uo pipefail
cd "$(dirname "$0")/../.."
runs=${HAKO_BENCH_RUNS:-3}
dir=out/bench/xen-suspend
rm -rf "$dir"
mkdir -p "$dir"
echo "bench xen-suspend: building ticker and the Linux guest"
make -s PLATFORM=xen APP=ticker >"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
guest=$(test/bench/linux-guest/mkguest.sh 2>>"$dir/build.log") || {
	echo "bench xen-suspend: cannot build the Linux guest"
	tail -5 "$dir/build.log"
	exit 1
}

(IFS=$'\t' && echo "hold${IFS}out/xen/ticker/ticker${IFS}16${IFS}0${IFS}every=1000") >"$dir/cases"
cat >"$dir/dom0.sh" <<EOF
#!/bin/bash
runs=$runs
EOF
cat test/bench/linux-guest/xen-domu.sh >>"$dir/dom0.sh"
cat >>"$dir/dom0.sh" <<'EOF'
# Runs under bash (for $EPOCHREALTIME): "sh dom0.sh" re-executes it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
trap 'for g in hako16 hako96 linux96; do xl destroy $g >/dev/null 2>&1; done; xl shutdown "$1"' EXIT
until_line() { # FILE REGEX SECONDS
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt $(($3 * 10)) ] || { echo "dom0: no line '$2' in $1"; return 1; }
		sleep 0.1
	done
}
us() { local t=${1/./}; echo $((10#$t)); }
# cycle NAME: save and restore NAME $runs times; one line per cycle
cycle() {
	local g=$1 t0 t1 t2 size
	for i in $(seq 1 "$runs"); do
		t0=$EPOCHREALTIME
		xl save "$g" /run/$g.save >/run/$g-save.log 2>&1 || { echo "dom0: $g: save failed"; tail -3 /run/$g-save.log; return 1; }
		t1=$EPOCHREALTIME
		size=$(wc -c </run/$g.save)
		xl restore /run/$g.save >/run/$g-restore.log 2>&1 || { echo "dom0: $g: restore failed"; tail -3 /run/$g-restore.log; return 1; }
		t2=$EPOCHREALTIME
		rm -f /run/$g.save
		echo "sr: $g save_us=$(($(us $t1) - $(us $t0))) restore_us=$(($(us $t2) - $(us $t1))) bytes=$size"
		sleep 2
	done
}
hako() { # NAME MEMORY
	sed -e "s/^name = .*/name = \"$1\"/" -e "s/^memory = .*/memory = $2/" \
		-e "s/^maxmem = .*/maxmem = $2/" -e '/^uuid/d' /rig/hold.cfg >/tmp/$1.xl
	echo "uuid = \"6861686b-6f00-4000-8000-0000000000$2\"" >>/tmp/$1.xl
	xl create /tmp/$1.xl >/tmp/$1.create 2>&1 || { cat /tmp/$1.create; return 1; }
	until_line /var/log/xen/console/guest-$1.log 'ticking every' 60 || return 1
	cycle "$1"
	until_line /var/log/xen/console/guest-$1.log "resumed in a new domain" 30
	grep -c 'resumed in a new domain' /var/log/xen/console/guest-$1.log | sed "s/^/dom0: $1 resumed: /"
	xl destroy "$1"
}
hako hako16 16
hako hako96 96
linux_domu linux96 96 "role=echo ip=10.0.0.10/24" || exit 1
until_line /var/log/xen/console/guest-linux96.log 'guest: ready echo' 240 ||
	{ tail -20 /var/log/xen/console/guest-linux96.log; exit 1; }
cycle linux96
xl destroy linux96
EOF
echo "bench xen-suspend: one rig boot, $runs save/restore cycles per guest"
# dom0 needs room for xl to unpack the Linux guest's kernel (192 MiB: OOM)
# and for a 96 MiB guest's save file in its /run.
HAKO_XEN_APPEND="dom0_mem=320M,max:320M" test/xen/run.sh --batch "$dir/cases" --outdir "$dir" \
	--timeout 600 --dom0-script "$dir/dom0.sh" --add "$guest/vmlinuz" \
	--add "$guest/initramfs.gz" --log "$dir/serial.log" >"$dir/results" 2>"$dir/rig.log"
d=$dir/hold.dom0
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
field() { # GUEST KEY
	sed -n "s/^sr: $1 .*$2=\([0-9]*\).*/\1/p" "$d" | median
}
ms() { awk -v u="$1" 'BEGIN { if (u == "-") print "-"; else printf "%.2f", u / 1000 }'; }
mb() { awk -v b="$1" 'BEGIN { if (b == "-") print "-"; else printf "%.1f", b / 1000000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }
declare -A S R B
for g in hako16 hako96 linux96; do
	S[$g]=$(field $g save_us)
	R[$g]=$(field $g restore_us)
	B[$g]=$(field $g bytes)
done
goal() { # WHAT HAKO LINUX
	local r
	r=$(ratio "$2" "$3")
	if [ "$r" = - ]; then
		echo "goal xen-suspend: $1 <= 0.5 x Linux: no number (MISSED)"
	elif awk -v r="$r" 'BEGIN { exit !(r <= 0.5) }'; then
		echo "goal xen-suspend: $1 <= 0.5 x Linux: $r (met)"
	else
		echo "goal xen-suspend: $1 <= 0.5 x Linux: $r (MISSED)"
	fi
}
{
	echo "Xen save and restore (Xen 4.17 in QEMU TCG, xl in a dom0 Linux, $(date -u +%F)),"
	echo "median of $runs cycles each:"
	printf '  %-34s %10s %12s %12s\n' guest "save ms" "restore ms" "image MB"
	for g in hako16 hako96 linux96; do
		case $g in
		hako16) what="Hako ticker, 16 MiB" ;;
		hako96) what="Hako ticker, 96 MiB" ;;
		linux96) what="Linux PV domU (busybox), 96 MiB" ;;
		esac
		printf '  %-34s %10s %12s %12s\n' "$what" "$(ms "${S[$g]}")" "$(ms "${R[$g]}")" \
			"$(mb "${B[$g]}")"
	done
	printf '  %-34s %10s %12s %12s\n' "Hako 96 / Linux 96" "$(ratio "${S[hako96]}" "${S[linux96]}")" \
		"$(ratio "${R[hako96]}" "${R[linux96]}")" "$(ratio "${B[hako96]}" "${B[linux96]}")"
	goal "96 MiB save time" "${S[hako96]}" "${S[linux96]}"
	goal "96 MiB restore time" "${R[hako96]}" "${R[linux96]}"
} | tee out/bench/xen-suspend.txt
[ "${S[hako96]}" != - ] && [ "${S[linux96]}" != - ] || {
	echo "bench xen-suspend: missing numbers; see $dir/hold.dom0 and $dir/rig.log"
	exit 1
}
