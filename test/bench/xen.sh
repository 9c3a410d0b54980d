#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Xen PV benchmark, on the test rig (real Xen 4.17 in QEMU TCG).  Prints a
# table and writes it to out/bench/xen.txt; raw data in out/bench/xen/.
#
#  - dom0 boot: Xen boots hello as dom0 with console_timestamps=boot.  The
#    guest runs with hako.loglevel=7 and reports, at exit, the Xen system
#    time of its entry and of its first console write: the time base of
#    Xen's own stamps.  Measured from Xen's last line before the hand-over
#    ("Freed ... init memory") and from the guest's entry.
#  - domU: in one dom0 Linux boot, a dom0-side script times `xl create -p`
#    + `xl unpause` of hello (16 MiB and 1 GiB) from the start of the
#    unpause to the console log's first bytes and to the domain being gone
#    (bash's $EPOCHREALTIME in dom0), and keeps the guest's own report
#    (time since its vCPU was unpaused, from Xen's runstate accounting).
#  - smallest memory: hello and ktest as domUs at 4 MiB, the toolstack's
#    floor for any PV guest.
#  - stripped image sizes.
#
#   test/bench/xen.sh     (HAKO_BENCH_RUNS=N runs per measurement, default 5)
set -uo pipefail
cd "$(dirname "$0")/../.."
runs=${HAKO_BENCH_RUNS:-5}
dir=out/bench/xen
rm -rf "$dir"
mkdir -p "$dir"

echo "bench xen: building hello, ktest"
for app in hello ktest crash; do
	make -s PLATFORM=xen APP=$app >"$dir/build-$app.log" 2>&1 || {
		cat "$dir/build-$app.log"
		exit 1
	}
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
ms() { awk -v u="$1" 'BEGIN {if (u == "-") print "-"; else printf "%.2f", u / 1000}'; }
# Xen console stamp "[    1.005843]" or "1.005843" -> microseconds
stamp_us() { sed 's/[^0-9.]//g' | awk -F. '{printf "%d\n", $1 * 1000000 + $2}'; }

# ------------------------------------------------------------ dom0 boot
echo "bench xen: $runs dom0 boots of hello"
: >"$dir/dom0.txt"
for i in $(seq 1 "$runs"); do
	log=$dir/dom0-$i.serial
	test/xen/run.sh --dom0 --memory 16 --log "$log" out/xen/hello/hello hako.loglevel=7 \
		>"$dir/dom0-$i.out" 2>/dev/null || { echo "dom0 run $i failed"; continue; }
	handover=$(tr -d '\r' <"$log" | grep -a '^(XEN) .*Freed [0-9]*kB init memory' |
		sed 's/^(XEN) \[\([ 0-9.]*\)\].*/\1/' | stamp_us)
	entry=$(grep -a 'xen: boot: entry ' "$dir/dom0-$i.out" | sed 's/.*Xen time \([0-9.]*\) s.*/\1/' |
		stamp_us)
	first=$(grep -a 'xen: boot: first console write' "$dir/dom0-$i.out" |
		sed 's/.*Xen time \([0-9.]*\) s.*/\1/' | stamp_us)
	mm=$(grep -a 'xen: boot: memory set up' "$dir/dom0-$i.out" |
		sed 's/.*Xen time \([0-9.]*\) s.*/\1/' | stamp_us)
	main=$(grep -a 'xen: boot: kern_main' "$dir/dom0-$i.out" |
		sed 's/.*Xen time \([0-9.]*\) s.*/\1/' | stamp_us)
	[ -n "$handover" ] && [ -n "$entry" ] && [ -n "$first" ] && [ -n "$mm" ] && [ -n "$main" ] &&
		echo "$((first - handover)) $((first - entry)) $((entry - handover)) $((mm - entry))" \
			"$((first - main))" >>"$dir/dom0.txt"
done
d0_total=$(awk '{print $1}' "$dir/dom0.txt" | median)
d0_guest=$(awk '{print $2}' "$dir/dom0.txt" | median)
d0_xen=$(awk '{print $3}' "$dir/dom0.txt" | median)
d0_mm=$(awk '{print $4}' "$dir/dom0.txt" | median)
d0_main=$(awk '{print $5}' "$dir/dom0.txt" | median)
d0_mmlog=$(grep -a -h 'xen: mm: boot rewrote' "$dir"/dom0-*.out | head -n 1 | sed 's/^xen: mm: //')

# ----------------------------------------------------------------- domU
echo "bench xen: domU runs in one dom0 boot ($runs timed runs per size)"
b=$dir/batch
mkdir -p "$b"
line() { (IFS=$'\t' && echo "$*"); }
{
	line hello16 out/xen/hello/hello 16 0
	line hello4 out/xen/hello/hello 4 0
	line ktest4 out/xen/ktest/ktest 4 0
	line hello1g out/xen/hello/hello 1024 0 # also sizes QEMU for the 1 GiB runs
	line holder out/xen/crash/crash 16 0 sleep
} >"$b/cases"
cat >"$b/dom0.sh" <<EOF
# Runs in the rig's dom0 beside every case; only the holder case times.
[ "\$1" = holder ] || exit 0
[ -n "\$BASH_VERSION" ] || exec bash "\$0" "\$@"
runs=$runs
EOF
cat >>"$b/dom0.sh" <<'EOF'
img=$(sed -n 's/^kernel = "\(.*\)"$/\1/p' /rig/hello16.cfg)
mkfifo /tmp/snooze && exec 9<>/tmp/snooze
snooze() { read -r -t "$1" -u 9 || :; }	# a sleep without a fork
for mem in 16 1024; do
	for i in $(seq 1 $runs); do
		name=bench-$mem-$i
		cat >/tmp/$name.xl <<XL
name = "$name"
type = "pv"
kernel = "$img"
memory = $mem
vcpus = 1
cmdline = "hako.loglevel=7"
on_poweroff = "destroy"
on_crash = "destroy"
uuid = "6861686b-6f00-4000-8000-$(printf '%06d%06d' $mem $i)"
XL
		xl create -p /tmp/$name.xl >/tmp/$name.create 2>&1 || {
			echo "bench: create $name failed: $(cat /tmp/$name.create)"
			continue
		}
		domid=$(xl domid $name)
		log=/var/log/xen/console/guest-$name.log
		t0=${EPOCHREALTIME/./}
		xl unpause $name
		t1=${EPOCHREALTIME/./}
		until [[ -s $log ]]; do snooze 0.002; done
		t2=${EPOCHREALTIME/./}
		while xenstore-read /local/domain/$domid/name >/dev/null 2>&1; do snooze 0.005; done
		t3=${EPOCHREALTIME/./}
		echo "bench: $mem $i unpause_cmd $((t1 - t0)) first_bytes $((t2 - t0)) gone $((t3 - t0))"
		sed -n "s/^xen: boot: \(.*\)/bench: $mem $i guest \1/p" $log
	done
done
xl shutdown "$1"
EOF
test/xen/run.sh --batch "$b/cases" --outdir "$b" --timeout 240 --dom0-script "$b/dom0.sh" \
	--log "$b/serial.log" >"$b/results" 2>"$b/rig.log"
raw=$b/holder.dom0
# guest: "+N us" of the first console push/write, relative to its unpause
pick() { # pick MEM FIELD: values of a dom0-measured field, microseconds
	awk -v m="$1" -v f="$2" '$1 == "bench:" && $2 == m && $4 == "unpause_cmd" {
		for (i = 4; i < NF; i += 2) if ($i == f) print $(i + 1) }' "$raw"
}
pickg() { # pickg MEM WHAT: the guest's "+N us" for a milestone
	sed -n "s/^bench: $1 [0-9]* guest $2 .*, +\([0-9]*\) us$/\1/p" "$raw"
}
for mem in 16 1024; do
	eval "u_first_$mem=\$(pick $mem first_bytes | median)"
	eval "u_gone_$mem=\$(pick $mem gone | median)"
	eval "u_write_$mem=\$(pickg $mem 'first console write' | median)"
	eval "u_entry_$mem=\$(pickg $mem 'entry' | median)"
done
unpause_cmd=$(pick 16 unpause_cmd | median)
st() { cat "$b/$1.status" 2>/dev/null || echo missing; }
min_hello=$([ "$(st hello4)" = 0 ] && echo 4 || echo "over 4 (FAILED at 4)")
min_ktest=$([ "$(st ktest4)" = 0 ] && echo 4 || echo "over 4 (FAILED at 4)")

# ---------------------------------------------------------------- sizes
s_hello=$(stat -c %s out/xen/hello/hello)
s_ktest=$(stat -c %s out/xen/ktest/ktest)

verdict() { if awk "BEGIN{exit !($1)}" 2>/dev/null; then echo met; else echo MISSED; fi; }
{
	echo "Xen PV benchmark (Xen 4.17 in QEMU TCG, medians of $runs, $(date -u +%F))"
	echo
	echo "dom0 boot of hello (16 MiB), from Xen's console timestamps:"
	printf '  %-52s %8s ms\n' "Xen's last line (hand-over) -> app's first line" "$(ms "$d0_total")"
	printf '  %-52s %8s ms\n' "  of which Xen, hand-over -> guest entry" "$(ms "$d0_xen")"
	printf '  %-52s %8s ms\n' "  of which the guest, entry -> app's first line" "$(ms "$d0_guest")"
	printf '  %-52s %8s ms\n' "    guest: entry -> memory set up (page tables)" "$(ms "$d0_mm")"
	printf '  %-52s %8s ms\n' "    guest: kern_main -> first console write" "$(ms "$d0_main")"
	printf '  %-52s\n' "    ($d0_mmlog)"
	echo
	echo "domU hello under xl (xl create -p, then xl unpause; dom0 clock):"
	printf '  %-52s %8s ms\n' "xl unpause command itself" "$(ms "$unpause_cmd")"
	for mem in 16 1024; do
		eval "f=\$u_first_$mem g=\$u_gone_$mem w=\$u_write_$mem e=\$u_entry_$mem"
		printf '  %-52s %8s ms\n' "$mem MiB: unpause -> first console bytes in dom0" "$(ms "$f")"
		printf '  %-52s %8s ms\n' "$mem MiB: unpause -> domain gone after exit" "$(ms "$g")"
		printf '  %-52s %8s ms\n' "$mem MiB: guest: vCPU unpaused -> entry" "$(ms "$e")"
		printf '  %-52s %8s ms\n' "$mem MiB: guest: vCPU unpaused -> first line written" "$(ms "$w")"
	done
	echo
	printf '  %-52s %8s MiB\n' "smallest memory= for hello as a domU" "$min_hello"
	printf '  %-52s %8s MiB\n' "smallest memory= for ktest as a domU" "$min_ktest"
	printf '  %-52s %8s bytes\n' "stripped hello image" "$s_hello"
	printf '  %-52s %8s bytes\n' "stripped ktest image" "$s_ktest"
	echo
	echo "peers (test rig, notes/peers.md): XTF first line 110 ms / hello 150 ms after"
	echo "xl unpause starts (which alone takes ~130 ms); Unikraft 153/311 ms; Mini-OS"
	echo "4-9 ms as dom0 to its first line; all at 4 MiB."
	echo "goal: dom0 hand-over -> first line <= 2 ms: $(verdict "$d0_total <= 2000") ($(ms "$d0_total") ms; guest share $(ms "$d0_guest") ms)"
	echo "goal: hello runs as a domU at 4 MiB: $(verdict "\"$min_hello\" == \"4\"")"
	echo "goal: stripped hello <= 32 KB: $(verdict "$s_hello <= 32768") ($s_hello bytes)"
} | tee out/bench/xen.txt
[ -s "$dir/dom0.txt" ] && [ -s "$raw" ]
