#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# httpd benchmark: wrk against apps/httpd and a reference server on the
# same path, side by side in one run, rounds alternating so that a busy
# machine slows both alike.
#
#   qemu-x86: Hako's httpd against the Linux reference guest's busybox
#     httpd (test/bench/linux-guest: Debian's kernel), the same QEMU
#     configuration (TCG, -nodefaults, virtio-net-pci on passt, a host
#     port forwarded from 127.0.0.1; HAKO_BENCH_QEMU_NET=user: on QEMU's
#     user network instead, whose listen backlog of 1 drops handshakes
#     under wrk's 16 connections: seconds-long p99 for both guests, the
#     drops counted beside the goals).  Goal: >= 1.5x the
#     guest's requests/s, p99 no worse, with keep-alive and with
#     "Connection: close" on every request (busybox httpd closes every
#     connection anyway, so keep-alive alone must not be what wins).
#   usermode: Hako's httpd through a TAP device (in a network namespace;
#     needs root) beside busybox httpd as a host process on loopback (the
#     floor: no NIC, no translation).
#
# For each: 1 KiB and 64 KiB files, wrk -t2 -c16 for HAKO_BENCH_SECS
# (default 5) seconds a run, HAKO_BENCH_ROUNDS (default 2) rounds: the best
# requests/s and its p50/p99.  Then: a soak of 100,000 requests on Hako
# (memory statistics before and after), the stripped image size on every
# port (goal <= 256 KB), and boot-to-first-response beside hello's
# boot-to-exit (goal: within 20 ms).  Tables go to stdout and out/bench/httpd/result.txt.
# HAKO_BENCH_PLATFORMS="qemu-x86 usermode" (default both).
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${HAKO_BENCH_SECS:-5}
rounds=${HAKO_BENCH_ROUNDS:-2}
platforms=${HAKO_BENCH_PLATFORMS:-qemu-x86 usermode}
dir=out/bench/httpd
rm -rf "$dir"
mkdir -p "$dir"
PY=python3
WWW=apps/httpd/www
res=$dir/result.txt
: >"$res"
failed=0

pids=()
ns=
cleanup() {
	for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null; done
	[ -n "$ns" ] && { ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del "$ns" 2>/dev/null; }
}
trap cleanup EXIT

freeport() { $PY test/net/tools.py freeport; }
now_ms() { date +%s%3N; }
say() { echo "$*" | tee -a "$res"; }

# wait_http URL SECONDS: until URL answers 200
wait_http() {
	local url=$1 end=$(($(now_ms) + $2 * 1000))
	while [ "$(now_ms)" -lt $end ]; do
		[ "$($RUN curl -s -o /dev/null -m 2 -w '%{http_code}' "$url")" = 200 ] && return 0
		sleep 0.005
	done
	return 1
}

. test/bench/wrklib.sh

# wrk_once LABEL URL MODE: one wrk run; appends "rps p50 p99 errors" to
# $dir/LABEL.MODE.FILE
wrk_once() {
	local label=$1 url=$2 mode=$3 f=${2##*/} hdr=()
	[ "$mode" = close ] && hdr=(-H "Connection: close")
	local d0 d1
	d0=$(listen_drops)
	$RUN timeout $((secs + 30)) wrk -t2 -c16 -d"${secs}s" --timeout 10s --latency "${hdr[@]}" "$url" \
		>"$dir/wrk.out" 2>&1
	d1=$(listen_drops)
	wrk_stats "$dir/wrk.out" >>"$dir/$label.$mode.$f"
	echo $((d1 - d0)) >>"$dir/$label.$mode.$f.drops"
}

# listen_drops: the kernel's count of connections dropped at a full listen
# queue (where wrk runs).  QEMU's user network listens for its forwarded
# port with a backlog of 1: each drop costs that client a retransmission
# of 1 s or more, whichever guest is behind it.
listen_drops() {
	$RUN nstat -az TcpExtListenDrops 2>/dev/null | awk '$1 == "TcpExtListenDrops" { n = $2 } END { print n + 0 }'
}

# best LABEL MODE FILE: the run with the most requests/s: "rps p50 p99 errors-total"
best() {
	local f=$dir/$1.$2.$3
	[ -s "$f" ] || { echo "0 - - -"; return; }
	sort -g -k1 "$f" | tail -n 1 | awk -v e="$(awk '{ s += $4 } END { print s + 0 }' "$f")" \
		'{ print $1, $2, $3, e }'
}

# drops LABEL MODE FILE: listen-queue drops over all of its runs
drops() { cat "$dir/$1.$2.$3.drops" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

# table PLAT HAKO REF REFNAME: the side-by-side table and the goals
table() {
	local plat=$1 h=$2 r=$3 rname=$4 mode f hb rb
	say ""
	say "httpd on $plat: wrk -t2 -c16, ${secs} s runs, best of $rounds ($(date -u +%F); load average $(cut -d' ' -f1-3 /proc/loadavg))"
	say "$(printf '%-10s %-6s %12s %8s %8s %12s %8s %8s %8s %8s' file mode "Hako req/s" "p50 ms" "p99 ms" \
		"$rname req/s" "p50 ms" "p99 ms" "req/s x" "errors")"
	for f in 1k.html 64k.html; do
		for mode in keepalive close; do
			read -r hr h50 h99 he <<<"$(best "$h" "$mode" "$f")"
			read -r rr r50 r99 re <<<"$(best "$r" "$mode" "$f")"
			say "$(printf '%-10s %-6s %12s %8s %8s %12s %8s %8s %8s %8s' "$f" "${mode/keepalive/k-a}" \
				"$hr" "$h50" "$h99" "$rr" "$r50" "$r99" "$(ratio "$hr" "$rr")" "$he/$re")"
			if [ "${plat%% *}" = qemu-x86 ]; then
				local v=MISSED
				awk -v a="$hr" -v b="$rr" -v p="$h99" -v q="$r99" \
					'BEGIN { exit !(b > 0 && a >= 1.5 * b && p <= q) }' && v=met
				say "goal: qemu-x86 httpd $f $mode >= 1.5x the Linux guest's req/s, p99 no worse: $v ($(ratio "$hr" "$rr")x, p99 $h99 vs $r99 ms; handshakes dropped at QEMU's listen queue: $(drops "$h" "$mode" "$f") in Hako's runs, $(drops "$r" "$mode" "$f") in Linux's)"
			fi
		done
	done
	say "(x: Hako's requests/s over $rname's; errors: Hako's/$rname's socket errors and non-2xx answers over all runs)"
}

# wrk_count URLBASE SECONDS N: wrk -t2 -c32 on 1k.html until each thread
# has N answers (wrk-stop.lua) or SECONDS pass.  wrk's main thread sleeps the
# whole -d whatever its threads do: it is interrupted (SIGINT: it prints
# its summary) once the server counts the 2N requests on /stats.
wrk_count() {
	local base=$1 secs=$2 n=$3 start now w end polls=1
	start=$($RUN curl -sf -m 10 "$base/stats" | sed -n 's/^requests //p')
	$RUN timeout $((secs + 60)) wrk -t2 -c32 -d"${secs}s" --timeout 10s -s test/bench/wrk-stop.lua \
		"$base/1k.html" -- "$n" &
	w=$!
	end=$(($(date +%s) + secs))
	while kill -0 "$w" 2>/dev/null && [ "$(date +%s)" -lt $end ]; do
		sleep 1
		now=$($RUN curl -sf -m 10 "$base/stats" | sed -n 's/^requests //p')
		polls=$((polls + 1))
		# (the /stats requests are counted too)
		[ -n "$start" ] && [ -n "$now" ] && [ "$now" -ge $((start + 2 * n + polls)) ] && break
	done
	# (the wrk that timeout runs: its child)
	pkill -INT -P "$w" -x wrk 2>/dev/null
	wait "$w"
}

# soak LABEL URLBASE: 100,000 requests (2 threads x 50,000) on 32
# connections; /stats before and after.
soak() {
	local label=$1 base=$2 hb ha pb pa pc n
	# "Before" is taken after a warm-up at the soak's own concurrency: the
	# heap keeps the pages its busiest moment needed (32 connections' worth
	# here, against wrk's 16 before), which is its high-water mark and not a
	# leak.  What the warm-up itself added is reported beside.
	$RUN curl -sf -m 10 "$base/stats" >"$dir/$label.cold"
	wrk_count "$base" 60 1000 >"$dir/$label.warm" 2>&1
	sleep 1
	$RUN curl -sf -m 10 "$base/stats" >"$dir/$label.before"
	wrk_count "$base" 300 50000 >"$dir/$label.soak" 2>&1
	for _ in $(seq 30); do
		sleep 0.5
		$RUN curl -sf -m 10 "$base/stats" >"$dir/$label.after"
		grep -q '^open 1$' "$dir/$label.after" && break
	done
	n=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$dir/$label.soak")
	hb=$(sed -n 's/^heap_in_use //p' "$dir/$label.before") ha=$(sed -n 's/^heap_in_use //p' "$dir/$label.after")
	pb=$(sed -n 's/^pages_used //p' "$dir/$label.before") pa=$(sed -n 's/^pages_used //p' "$dir/$label.after")
	local errs v=MISSED
	errs=$(grep -E 'Socket errors|Non-2xx' "$dir/$label.soak" | tr -s ' ' | tr '\n' ' ')
	if [ "${n:-0}" -ge 100000 ] && [ -z "$errs" ] && [ -n "$ha" ] && [ -n "$hb" ] &&
		[ $((ha - hb)) -le 8192 ] && [ $((pa - pb)) -le 2 ]; then v=met; fi
	pc=$(sed -n 's/^pages_used //p' "$dir/$label.cold")
	say "soak ($label): ${n:-0} requests on 32 connections; heap in use $hb -> $ha bytes, pages $pb -> $pa (before the warm-up of 2,000 requests: $pc)${errs:+; $errs}"
	say "goal: $label soak of 100,000 requests, memory after = before (within 2 pages), no errors: $v"
}

# boot_vs_hello PLAT START_CMD URL HELLO_CMD: boot-to-first-response of
# httpd beside hello's boot-to-exit, both from spawn, best of 3 each
# (test/bench/boottime.py: one probe socket every millisecond once httpd
# says it serves, so that the probe takes no CPU from the boot it times).
boot_vs_hello() {
	local plat=$1 start=$2 url=$3 hello=$4 b hb r v=MISSED
	if ! r=$($RUN test/bench/boottime.py --runs 3 --url "$url" --after "httpd: serving" \
		--server "$start" --hello "$hello" 2>"$dir/boot.log"); then
		say "boot ($plat): $(tail -n 1 "$dir/boot.log")"
		say "goal: $plat httpd first response within 20 ms of hello's boot: MISSED (no measure)"
		return
	fi
	read -r b hb <<<"$r"
	[ $((b - hb)) -le 20 ] && v=met
	say "boot ($plat): httpd to its first response $b ms, hello to exit $hb ms (best of 3, from spawn; $(sed -n 's/^boottime: //p' "$dir/boot.log"))"
	say "goal: $plat httpd first response within 20 ms of hello's boot: $v ($((b - hb)) ms more)"
}

# size_goal PLATFORM: the goal is judged on the whole image; the site it
# serves (apps/httpd/www, a table in the image) is said beside, for what
# the server itself weighs.
size_goal() {
	local s site
	s=$(stat -c %s "out/$1/httpd/httpd")
	site=$(size -A "out/$1/httpd/obj/apps/httpd/www_gen.o" |
		awk '$1 ~ /^\.(text|data|rodata)/ { n += $2 } END { print n + 0 }')
	local v=MISSED
	[ "$s" -le 262144 ] && v=met
	say "goal: $1 httpd image <= 256 KB stripped: $v ($s bytes, of which the site it serves $site: without it $((s - site)))"
}

bench_qemu() {
	RUN=
	echo "bench httpd: qemu-x86: building httpd and hello"
	make -s PLATFORM=qemu-x86 APP=httpd >/dev/null && make -s PLATFORM=qemu-x86 APP=hello >/dev/null ||
		{ say "bench httpd: qemu-x86: build failed"; return 1; }
	if ! grep -q 'HAKO_HOSTFWD' hal/qemu-x86/run.sh; then
		say "bench httpd: qemu-x86 cannot run: hal/qemu-x86/run.sh has no networking (HAKO_NET/HAKO_HOSTFWD)"
		return 1
	fi
	local hp lp qnet=${HAKO_BENCH_QEMU_NET:-passt} passt=
	[ "$qnet" = passt ] && passt=1
	echo "bench httpd: qemu-x86: both guests' NICs on $qnet"
	hp=$(freeport)
	setsid env HAKO_NET="$qnet" HAKO_HOSTFWD="tcp:127.0.0.1:$hp-:80" HAKO_QEMU_TIMEOUT=1800 \
		hal/qemu-x86/run.sh out/qemu-x86/httpd/httpd >"$dir/hako-qemu.log" 2>&1 &
	pids+=($!)
	local hpid=$!
	echo "bench httpd: the Linux reference guest (about a minute to boot under TCG)"
	lp=$(freeport)
	# -f: busybox httpd in the foreground (the guest powers off when it ends)
	setsid test/bench/linux-guest/run.sh httpd --hostfwd "tcp:127.0.0.1:$lp-:80" --www "$WWW" --args -f \
		--timeout 1800 ${passt:+--passt} >"$dir/linux.log" 2>&1 &
	pids+=($!)
	local lpid=$!
	wait_http "http://127.0.0.1:$hp/1k.html" 120 || { say "bench httpd: Hako httpd on qemu-x86 did not answer"; tail "$dir/hako-qemu.log"; return 1; }
	wait_http "http://127.0.0.1:$lp/1k.html" 300 || { say "bench httpd: the Linux guest's httpd did not answer"; tail "$dir/linux.log"; return 1; }
	echo "bench httpd: qemu-x86: $rounds rounds"
	for r in $(seq "$rounds"); do
		for f in 1k.html 64k.html; do
			for mode in keepalive close; do
				wrk_once hq "http://127.0.0.1:$hp/$f" "$mode"
				wrk_once lq "http://127.0.0.1:$lp/$f" "$mode"
			done
		done
		echo "  round $r done"
	done
	table "qemu-x86 (both NICs on $qnet)" hq lq "Linux"
	kill -- "-$lpid" 2>/dev/null
	soak qemu-x86 "http://127.0.0.1:$hp"
	kill -- "-$hpid" 2>/dev/null
	size_goal qemu-x86
	local bp
	bp=$(freeport)
	boot_vs_hello qemu-x86 \
		"env HAKO_NET=user HAKO_HOSTFWD=tcp:127.0.0.1:$bp-:80 hal/qemu-x86/run.sh out/qemu-x86/httpd/httpd hako.ip=10.0.2.15/24 hako.gw=10.0.2.2" \
		"http://127.0.0.1:$bp/1k.html" "hal/qemu-x86/run.sh out/qemu-x86/hello/hello"
}

bench_usermode() {
	echo "bench httpd: usermode: building httpd and hello"
	make -s PLATFORM=usermode APP=httpd >/dev/null && make -s PLATFORM=usermode APP=hello >/dev/null ||
		{ say "bench httpd: usermode: build failed"; return 1; }
	if [ "$(id -u)" != 0 ]; then
		say "bench httpd: usermode cannot run: the TAP needs root"
		return 1
	fi
	# Every Connection: close run leaves its client ports in TIME-WAIT for
	# 60 s (httpd lets the client close first; busybox closes first and
	# keeps them itself), and Hako through the TAP takes thousands of
	# connections a second: the default range (28,232 ports) ran out within
	# a round, the soak after found none, and a client's connect() slows as
	# its TIME-WAIT entries grow (a fresh 7,800 req/s fell to 980 after
	# 40,000).  So the whole range, and every run and the soak from a
	# source address of its own (its ports are free whatever the others
	# hold), as busybox's runs on loopback start clean.
	ns=hakohb-$$
	ip netns add "$ns" && ip netns exec "$ns" sh -c '
		echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range &&
		ip link set lo up && ip tuntap add dev hb0 mode tap && ip link set hb0 up &&
		ip addr add 10.93.0.1/24 dev hb0 && ip tuntap add dev hb1 mode tap && ip link set hb1 up &&
		ip addr add 10.94.0.1/24 dev hb1' || { say "bench httpd: usermode: no TAP"; return 1; }
	RUN="ip netns exec $ns"
	# source_addr N: connections to the image from 10.93.0.N from now on
	source_addr() {
		$RUN ip addr add "10.93.0.$1/24" dev hb0 &&
			$RUN ip route replace 10.93.0.0/24 dev hb0 src "10.93.0.$1"
	}
	$RUN out/usermode/httpd/httpd --net=tap:hb0 hako.ip=10.93.0.2/24 >"$dir/hako-tap.log" 2>&1 &
	pids+=($!)
	$RUN busybox httpd -f -p 127.0.0.1:8080 -h "$WWW" >"$dir/busybox.log" 2>&1 &
	pids+=($!)
	wait_http "http://10.93.0.2/1k.html" 20 && wait_http "http://127.0.0.1:8080/1k.html" 20 ||
		{ say "bench httpd: usermode servers did not answer"; return 1; }
	echo "bench httpd: usermode: $rounds rounds"
	local src=10
	for r in $(seq "$rounds"); do
		for f in 1k.html 64k.html; do
			for mode in keepalive close; do
				src=$((src + 1))
				source_addr $src || { say "bench httpd: usermode: no source address"; return 1; }
				wrk_once hu "http://10.93.0.2/$f" "$mode"
				wrk_once bu "http://127.0.0.1:8080/$f" "$mode"
			done
		done
		echo "  round $r done"
	done
	table "usermode (Hako through TAP; busybox httpd a host process on loopback)" hu bu "busybox"
	source_addr 9 || { say "bench httpd: usermode: no source address"; return 1; }
	soak usermode "http://10.93.0.2"
	size_goal usermode
	boot_vs_hello usermode \
		"out/usermode/httpd/httpd --net=tap:hb1 hako.ip=10.94.0.2/24" \
		"http://10.94.0.2/1k.html" "out/usermode/hello/hello"
}

# The image size on the ports this script does not run httpd on (their
# benchmarks are test/bench/xen-httpd.sh and test/bench/qemu-arm64.sh), and
# what an IPv4-only httpd (CONFIG_NET_IPV6=n, no AF_INET6) weighs on each:
# for a user choosing, not a goal.
sizes_elsewhere() {
	local p v4=$dir/ipv4-only.config
	echo "# CONFIG_NET_IPV6 is not set" >"$v4" # (on top of httpd's app.config)
	for p in xen qemu-arm64; do
		make -s PLATFORM=$p APP=httpd >/dev/null || { say "bench httpd: $p: build failed"; failed=1; continue; }
		size_goal $p
	done
	for p in qemu-x86 usermode xen qemu-arm64; do
		make -s OUTROOT="$dir/ipv4" PLATFORM=$p APP=httpd EXTRA_CONFIG="$v4" defconfig >/dev/null &&
			make -s OUTROOT="$dir/ipv4" PLATFORM=$p APP=httpd EXTRA_CONFIG="$v4" >/dev/null ||
			{ say "bench httpd: $p: IPv4-only build failed"; failed=1; continue; }
		say "for reference: $p httpd without IPv6: $(stat -c %s "$dir/ipv4/$p/httpd/httpd") bytes"
	done
}

for p in $platforms; do
	case $p in
	qemu-x86) bench_qemu || failed=1 ;;
	usermode) bench_usermode || failed=1 ;;
	*) say "bench httpd: no httpd benchmark for $p"; failed=1 ;;
	esac
	cleanup
	pids=()
	ns=
done
sizes_elsewhere
echo "bench httpd: table in $res"
exit $failed
