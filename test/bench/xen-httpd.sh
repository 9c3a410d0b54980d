#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# httpd on Xen, on the test rig (real Xen 4.17 in QEMU TCG): Hako's
# apps/httpd as a domU against the Linux reference guest (test/bench/
# linux-guest: Debian's kernel as a PV domU, busybox httpd -f serving the
# same files) on the same bridge, loaded by Debian's wrk running in dom0 (the
# host's wrk and the libraries dom0 lacks, copied in).  One dom0 boot; the
# Hako domU runs first, then the Linux one (not alternated: a load change
# on the machine between them shows in the load average printed).
# For each: 1 KiB and 64 KiB files, wrk -t2 -c16 for HAKO_BENCH_SECS
# (default 5) s, with keep-alive and with "Connection: close" on every
# request.  Goal (issue 10): >= 1.5x the Linux guest's requests/s, p99 no
# worse.  Table in out/bench/xen-httpd/result.txt; raw wrk output in
# out/bench/xen-httpd/*.dom0.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${HAKO_BENCH_SECS:-5}
dir=out/bench/xen-httpd
rm -rf "$dir"
mkdir -p "$dir/files"

echo "bench xen-httpd: building httpd, crash and the Linux guest; wrk for dom0"
make -s PLATFORM=xen APP=httpd >"$dir/build.log" 2>&1 &&
	make -s PLATFORM=xen APP=crash >>"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
guest=$(test/bench/linux-guest/mkguest.sh 2>>"$dir/build.log") || {
	echo "bench xen-httpd: cannot build the Linux guest"
	tail -5 "$dir/build.log"
	exit 1
}
command -v wrk >/dev/null || { echo "bench xen-httpd: no wrk (build/deps.sh test)"; exit 1; }
# The Linux guest's initramfs with the same files under /www (a second cpio
# appended, as linux-guest/run.sh does for QEMU).
mkdir -p "$dir/extra/www"
cp -a apps/httpd/www/. "$dir/extra/www/"
cp "$guest/initramfs.gz" "$dir/files/initramfs.gz"
(cd "$dir/extra" && find . | cpio -o -H newc --quiet) | gzip -1 >>"$dir/files/initramfs.gz"
# wrk and its libraries but libc (dom0's Debian is this host's release;
# its initramfs holds only what the toolstack needs).
adds=(--add "$(command -v wrk)")
for lib in $(ldd "$(command -v wrk)" | awk '/=> \// { print $3 }'); do
	case $(basename "$lib") in
	libc.so* | ld-linux*) ;;
	*) cp -L "$lib" "$dir/files/" && adds+=(--add "$dir/files/$(basename "$lib")") ;;
	esac
done

line() { (IFS=$'\t' && echo "$*"); }
{
	line hako out/xen/httpd/httpd 16 0         # 10.0.0.2 by DHCP
	line linuxholder out/xen/crash/crash 16 0 sleep
} >"$dir/cases"
{
	echo "SECS=$secs"
	cat test/bench/linux-guest/xen-domu.sh
	cat <<'EOF2'
log=/var/log/xen/console/guest-$1.log
trap 'xl destroy linuxref >/dev/null 2>&1; xl shutdown "$1"' EXIT
until_line() { # until_line FILE LINE SECONDS
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt $(($3 * 10)) ] || { echo "dom0: no line '$2'"; return 1; }
		sleep 0.1
	done
}
serves() { # serves ADDR: until a GET answers (60 s at most)
	i=0
	until wget -q -O /dev/null "http://$1/1k.html"; do
		i=$((i + 1)); [ $i -lt 60 ] || { echo "dom0: nothing serves at $1"; return 1; }
		sleep 1
	done
}
load() { # load ADDR: wrk on both files, keep-alive and close
	for f in 1k 64k; do
		for mode in keepalive close; do
			h=
			[ $mode = close ] && h="Connection: close"
			echo "== wrk $f $mode"
			LD_LIBRARY_PATH=/rig/files /rig/files/wrk -t2 -c16 -d${SECS}s --timeout 10s \
				--latency ${h:+-H "$h"} "http://$1:80/$f.html" 2>&1
			echo "== load $(cut -d' ' -f1-3 /proc/loadavg)"
		done
	done
}
case $1 in
hako)
	until_line "$log" 'httpd: serving' 120 || exit 1
	serves 10.0.0.2 && load 10.0.0.2 ;;
linuxholder)
	linux_domu linuxref 96 "role=httpd ip=10.0.0.10/24 bench_arg=-f" \
		"vif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:09' ]" || exit 1
	until_line /var/log/xen/console/guest-linuxref.log 'guest: ready httpd' 240 ||
		{ tail -20 /var/log/xen/console/guest-linuxref.log; exit 1; }
	if ! serves 10.0.0.10; then
		echo "dom0: the Linux guest's console:"
		tail -15 /var/log/xen/console/guest-linuxref.log
		echo "dom0: neighbours: $(ip neigh | tr '\n' ' ')"
		exit 1
	fi
	load 10.0.0.10 ;;
esac
EOF2
} >"$dir/dom0.sh"

echo "bench xen-httpd: one rig boot (Hako's httpd domU, then the Linux guest's busybox httpd)"
# (dom0 holds the Linux guest's kernel and wrk's libraries in its initramfs, and
# xl unpacks the kernel: 320 MiB was killed by the OOM killer)
HAKO_XEN_BOOT_BUDGET=${HAKO_XEN_BOOT_BUDGET:-300} HAKO_XEN_DOM0_MEM=448 \
	test/xen/run.sh --batch "$dir/cases" --outdir "$dir" --timeout 600 --net \
	--dom0-script "$dir/dom0.sh" "${adds[@]}" --add "$guest/vmlinuz" \
	--add "$dir/files/initramfs.gz" --log "$dir/serial.log" >"$dir/results" 2>"$dir/rig.log"

. test/bench/wrklib.sh
# stat_of FILE SIZE MODE: "rps p50 p99 errors" of that run in FILE (dom0's output)
stat_of() {
	awk -v want="== wrk $2 $3" '$0 == want { on = 1; next } /^== / { on = 0 } on' "$1" >"$dir/one"
	wrk_stats "$dir/one"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }
ran=1
{
	echo "httpd on Xen (Xen 4.17 in QEMU TCG; wrk -t2 -c16 in dom0, ${secs} s runs; $(date -u +%F))"
	echo "Hako apps/httpd domU (16 MiB) against the Linux guest's busybox httpd domU (96 MiB), same bridge"
	printf '  %-22s %12s %9s %9s %6s   %12s %9s %9s %6s   %7s\n' "file, mode" "Hako req/s" \
		"p50 ms" "p99 ms" "errors" "Linux req/s" "p50 ms" "p99 ms" "errors" "ratio"
	for f in 1k 64k; do
		for mode in keepalive close; do
			read -r hr h50 h99 he <<<"$(stat_of "$dir/hako.dom0" $f $mode)"
			read -r lr l50 l99 le <<<"$(stat_of "$dir/linuxholder.dom0" $f $mode)"
			printf '  %-22s %12s %9s %9s %6s   %12s %9s %9s %6s   %7s\n' "$f, $mode" "$hr" "$h50" \
				"$h99" "$he" "$lr" "$l50" "$l99" "$le" "$(ratio "$hr" "$lr")"
			[ "${hr%.*}" != 0 ] && [ "${lr%.*}" != 0 ] || ran=0
			echo "goal: xen httpd $f $mode >= 1.5x the Linux domU's req/s: $(verdict "$hr >= 1.5 * $lr && $lr > 0")"
			echo "goal: xen httpd $f $mode p99 no worse than the Linux domU's: $(verdict "$h99 <= $l99 && $hr > 0")"
		done
	done
	echo "  (load during the runs, dom0's view: $(grep '^== load' "$dir/hako.dom0" "$dir/linuxholder.dom0" 2>/dev/null | head -2 | sed 's/.*== load //' | tr '\n' ' '))"
} | tee "$dir/result.txt"
[ "$ran" = 1 ] || { echo "bench xen-httpd: a side did not run (see $dir/rig.log, $dir/*.dom0)"; exit 1; }
