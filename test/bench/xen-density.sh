#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Density on the Xen rig (real Xen 4.17 in QEMU TCG, 512 MiB, dom0 192 MiB):
# HAKO_DENSITY_WANT (default 50) hello-class guests alive at once, each the
# tick app in quiet mode (one line, then it waits for xl shutdown) at 4 MiB,
# created one after the other by `xl create` in one dom0 boot; then more,
# up to HAKO_DENSITY_CAP (default 100), until xl create fails: the largest
# number that fits.  Reports the create-to-first-line time per guest (median,
# p90: from the start of `xl create` to the first bytes of its console log in
# dom0), the memory each takes (xl list, and Xen's free memory before and
# after), and whether each answered xl shutdown.  Table in
# out/bench/xen-density.txt, raw data in out/bench/xen-density/.
set -uo pipefail
cd "$(dirname "$0")/../.."
want=${HAKO_DENSITY_WANT:-50}
cap=${HAKO_DENSITY_CAP:-100}
mem=4
dir=out/bench/xen-density
rm -rf "$dir"
mkdir -p "$dir"

echo "bench xen-density: building tick"
make -s PLATFORM=xen APP=tick >"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
printf 'want=%s\ncap=%s\nmem=%s\n' "$want" "$cap" "$mem" >"$dir/density.conf"
printf 'holder\tout/xen/tick/tick\t%s\t0\tquiet\n' "$mem" >"$dir/cases"
echo "bench xen-density: $want guests at once, then up to $cap (one dom0 boot, minutes)"
test/xen/run.sh --batch "$dir/cases" --outdir "$dir" --timeout 1500 \
	--dom0-script test/bench/xen-density/dom0.sh --add "$dir/density.conf" \
	--log "$dir/serial.log" >"$dir/results" 2>"$dir/rig.log"
raw=$dir/holder.dom0
val() { sed -n "s/^density: $1 //p" "$raw" | head -n 1; }
if ! grep -q '^density: made ' "$raw" 2>/dev/null; then
	echo "bench xen-density cannot run: the dom0 script reported nothing"
	tail -n 20 "$dir/rig.log"
	exit 1
fi
awk '$2 == "create" { print $5 }' "$raw" | sort -n >"$dir/first-line-ms"
awk '$2 == "create" { print $4 }' "$raw" | sort -n >"$dir/create-ms"
pct() { awk -v p="$1" '{a[NR]=$1} END {if (!NR) {print "-"; exit}
	i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print a[i]}' "$2"; }
made=$(val made)
stop=$(val stop)
alive=$(val alive_at_want)
free0=$(val free_before)
freew=$(val free_at_want)
per=$(awk -v a="$free0" -v b="$freew" -v n="$want" 'BEGIN {if (a == "" || b == "") print "-";
	else printf "%.2f", (a - b) / n}')
fits=$made
[ "$stop" = "cap reached" ] && fits="at least $made (the cap)"
left=$(val left_after_shutdown)
clean=$(val clean_exits)
verdict() { if [ "$1" = 1 ]; then echo met; else echo MISSED; fi; }
{
	echo "Xen density (Xen 4.17 in QEMU TCG, 512 MiB, dom0 192 MiB; tick quiet at $mem MiB; $(date -u +%F))"
	echo
	printf '  %-56s %8s\n' "guests alive at once (wanted $want)" "${alive:--}"
	printf '  %-56s %8s ms\n' "xl create start -> first console line, median" "$(pct 50 "$dir/first-line-ms")"
	printf '  %-56s %8s ms\n' "xl create start -> first console line, p90" "$(pct 90 "$dir/first-line-ms")"
	printf '  %-56s %8s ms\n' "xl create command alone, median" "$(pct 50 "$dir/create-ms")"
	printf '  %-56s %8s MiB\n' "memory each (xl list)" "$(val xl_list_mem)"
	printf '  %-56s %8s MiB\n' "memory each (Xen's free memory, before - at $want) / $want" "$per"
	printf '  %-56s %8s MiB\n' "Xen's free memory before the first guest" "${free0:--}"
	printf '  %-56s %8s\n' "largest number that fits" "$fits"
	printf '  %-56s %s\n' "  creation stopped by" "$stop"
	printf '  %-56s %8s of %s\n' "answered xl shutdown with exit status 0" "${clean:--}" "$made"
	printf "  %-56s %8s ms\n" "xl shutdown of all until all are shut down" "$(val shutdown_all_ms)"
	echo
	echo "goal: $want hello-class domUs alive at once: $(verdict "$([ "${alive:-0}" -ge "$want" ] && echo 1)")"
	echo "goal: each answers xl shutdown: $(verdict "$([ "${clean:-0}" = "$made" ] && [ "${left:-1}" = 0 ] && echo 1)")"
} | tee out/bench/xen-density.txt
