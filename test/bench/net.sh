#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Network benchmark on usermode: apps/echo through passt (rootless) and
# through a TAP device (in a network namespace; needs root), beside the same
# echo service as a host process on loopback, measured in the same run,
# rounds alternating so that a busy machine slows all alike.
#
#   round trip: 64-byte echo exchanges over one TCP connection (median, p99)
#   bulk: MiB sent and read back at once through the echo (MB/s, one way)
#   size: echo's stripped image (goal <= 200 KB with lwIP)
#
# The host process is the floor (no NIC, no translation): the ratios say
# what the image and its path cost.  Debian's passt (2023-03) can stall a
# connection for good under sustained two-way traffic once the guest's
# window closes: it takes the guest's data and counts it acknowledged
# without ever sending that ACK, then drops the guest's retransmissions
# unanswered.  So passt's bulk runs are short (4 MiB) and a stalled run is
# counted and reported (column "stalls"), not hidden.
set -uo pipefail
cd "$(dirname "$0")/../.."
rounds=${HAKO_BENCH_ROUNDS:-3}
n_rtt=${HAKO_BENCH_RTT:-3000}
dir=out/bench/net
mkdir -p "$dir"
PY=python3

echo "bench net: building echo and the client"
make -s PLATFORM=usermode APP=echo >/dev/null || exit 1
gcc -O2 -pthread -o "$dir/netperf" test/bench/netperf.c || exit 1
np=$dir/netperf
size=$(stat -c %s out/usermode/echo/echo)

pids=()
ns=
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT

# --- the three servers
hport=$($PY test/net/tools.py freeport)
"$np" server "$hport" >"$dir/host.log" 2>&1 &
pids+=($!)
pport=$($PY test/net/tools.py freeport)
HAKO_NET=passt HAKO_NET_FWD="$pport:7" hal/usermode/run.sh out/usermode/echo/echo \
	>"$dir/passt.log" 2>&1 &
pids+=($!)
tap=0
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
	ns=hakobench-$$
	if ip netns add "$ns" && ip netns exec "$ns" sh -c '
		ip link set lo up && ip tuntap add dev hb0 mode tap &&
		ip link set hb0 up && ip addr add 10.91.0.1/24 dev hb0'; then
		ip netns exec "$ns" out/usermode/echo/echo --net=tap:hb0 hako.ip=10.91.0.2/24 \
			>"$dir/tap.log" 2>&1 &
		pids+=($!)
		tap=1
	fi
fi
for _ in $(seq 100); do
	grep -q listening "$dir/host.log" && grep -q serving "$dir/passt.log" &&
		{ [ $tap = 0 ] || grep -q serving "$dir/tap.log"; } && break
	sleep 0.1
done

# run KIND WHAT ARGS...: one measurement through host|passt|tap.
run() {
	local kind=$1
	shift
	case $kind in
	host) timeout 60 "$np" "$1" 127.0.0.1 "$hport" "${@:2}" ;;
	passt) timeout 60 "$np" "$1" 127.0.0.1 "$pport" "${@:2}" ;;
	tap) timeout 60 ip netns exec "$ns" "$np" "$1" 10.91.0.2 7 "${@:2}" ;;
	esac
}

kinds=(host passt)
[ $tap = 1 ] && kinds+=(tap)
declare -A rtt50 rtt99 bulk stalls
for k in "${kinds[@]}"; do rtt50[$k]=""; rtt99[$k]=""; bulk[$k]=""; stalls[$k]=0; done
echo "bench net: $rounds rounds of $n_rtt round trips and bulk transfers, alternating"
for r in $(seq "$rounds"); do
	for k in "${kinds[@]}"; do
		if out=$(run "$k" rtt "$n_rtt" 64); then
			rtt50[$k]+="${out% *} "
			rtt99[$k]+="${out#* } "
		else
			stalls[$k]=$((stalls[$k] + 1))
		fi
		mib=64
		[ "$k" = passt ] && mib=4
		if out=$(run "$k" bulk "$mib"); then
			bulk[$k]+="$out "
		else
			stalls[$k]=$((stalls[$k] + 1))
		fi
	done
	printf '  round %s done\n' "$r"
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f", a / b; else print "-" }'; }
h50=$(echo "${rtt50[host]}" | median)
h99=$(echo "${rtt99[host]}" | median)
hbw=$(echo "${bulk[host]}" | median)
{
	echo "usermode network benchmark ($rounds rounds, $(date -u +%F); load average $(cut -d' ' -f1-3 /proc/loadavg))"
	printf '%-34s %10s %10s %12s %9s %9s %7s\n' "path" "rtt p50 us" "rtt p99 us" "bulk MB/s" \
		"p50 x" "MB/s x" "stalls"
	for k in "${kinds[@]}"; do
		m50=$(echo "${rtt50[$k]}" | median)
		m99=$(echo "${rtt99[$k]}" | median)
		mbw=$(echo "${bulk[$k]}" | median)
		case $k in
		host) label="host process, loopback (floor)" ;;
		passt) label="Hako echo through passt" ;;
		tap) label="Hako echo through TAP" ;;
		esac
		printf '%-34s %10s %10s %12s %9s %9s %7s\n' "$label" "$m50" "$m99" "$mbw" \
			"$(ratio "$m50" "$h50")" "$(ratio "$mbw" "$hbw")" "${stalls[$k]}"
	done
	echo "(x: Hako's figure over the host process's; bulk through passt moves 4 MiB a run, 64 MiB elsewhere)"
	echo "echo image (stripped, usermode): $size bytes"
	if [ "$size" -le 204800 ]; then v=met; else v=MISSED; fi
	echo "goal: echo image <= 200 KB stripped: $v ($size bytes)"
} | tee "$dir/result.txt"
