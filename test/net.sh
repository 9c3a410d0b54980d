#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Networking with real clients: apps/echo on a platform's NIC, reached by
# the host's ping, socat and Python sockets.
#
#   test/net.sh PLATFORM [VARIANT...]
#
# usermode's variants: passt (rootless, through hal/usermode/run.sh) and tap
# (a TAP device inside a network namespace this script creates, so traffic
# never leaves the machine; needs root).  qemu-x86's and qemu-arm64's: user
# (virtio-net, PCI or virtio-mmio, on QEMU's user network, host ports
# forwarded from 127.0.0.1, through hal/PLATFORM/run.sh); qemu-x86's also
# tap (virtio-net on a TAP device inside a network namespace this script
# creates, QEMU run in it; needs root).  Default: every variant of the
# platform.  The QEMU ports also run echo on passt (HAKO_NET=passt: run.sh
# starts it), with a few checks.
#
# A port adds itself in the "per-platform part" below: variants_of,
# net_setup (test/netlib.sh's net_teardown undoes it), and start_image,
# which starts an image with a NIC and says how the host reaches it
# (TARGET, TCP_PORT, UDP_PORT), how the image reaches the host (HOSTSIDE),
# and how host tools are run (RUN).
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh
. test/netlib.sh

platform=${1:?usage: test/net.sh PLATFORM [VARIANT...]}
shift
tmp=$(mktemp -d)
PY=python3
SCAPY_PY=/usr/bin/python3
TOOLS=test/net/tools.py

# ---------------------------------------------------------------------------
# The per-platform part.

variants_of() {
	case $1 in
	usermode) echo passt tap ;;
	qemu-x86) echo user tap ;;
	qemu-arm64) echo user ;;
	*) echo "" ;;
	esac
}

# net_setup VARIANT: make the host side (once per variant).
net_setup() {
	case $platform/$1 in
	usermode/passt)
		command -v passt >/dev/null || { echo "passt is not installed"; return 1; }
		HOST_ADDR=$(ip -4 -o addr show scope global | awk '{ sub("/.*", "", $4); print $4; exit }')
		[ -n "$HOST_ADDR" ] || { echo "the host has no global IPv4 address for the image to reach"; return 1; } ;;
	qemu-x86/user)
		command -v qemu-system-x86_64 >/dev/null || { echo "QEMU is not installed"; return 1; } ;;
	qemu-arm64/user)
		command -v qemu-system-aarch64 >/dev/null || { echo "QEMU (arm) is not installed"; return 1; } ;;
	qemu-x86/passt | qemu-arm64/passt)
		command -v passt >/dev/null || { echo "passt is not installed"; return 1; } ;;
	usermode/tap | qemu-x86/tap)
		[ "$(id -u)" = 0 ] || { echo "TAP tests need root (ip netns, TAP devices)"; return 1; }
		net_ns_add "hakonet-$$" ;;
	*) echo "no NIC tests for $platform/$1"; return 1 ;;
	esac
}

# start_image VARIANT NAME SLOT IMAGE ARGS...: start the image in the
# background with a NIC (SLOT: 0 for the server under test, 1 for a second
# image); its pid in PID_<NAME>, console in $tmp/NAME.log.  Sets TARGET,
# TCP_PORT, UDP_PORT (where the host reaches echo's port 7), HOSTSIDE (an
# address of the host side the image can connect to) and RUN (prefix for
# host-side commands); HOSTBIND is where a host-side server listens for it
# (HOSTSIDE unless the image reaches the host through a translation).
WAIT_S=20
start_image() {
	local variant=$1 name=$2 slot=$3
	shift 3
	local image=$1
	shift
	case $platform/$variant in
	usermode/passt)
		local port=
		if [ "$slot" = 0 ]; then port=$($PY $TOOLS freeport) || return 1; fi
		HAKO_NET=passt HAKO_NET_FWD=${port:+$port:7} \
			hal/usermode/run.sh "$image" "$@" >"$tmp/$name.log" 2>&1 &
		eval "PID_$name=$!"
		TARGET=127.0.0.1
		[ -n "$port" ] && TCP_PORT=$port UDP_PORT=$port
		RUN=
		# The image (10.0.2.15 behind passt) reaches the host at the
		# host's own address: passt connects there from the host.
		HOSTSIDE=$HOST_ADDR HOSTBIND=$HOST_ADDR ;;
	qemu-x86/user | qemu-arm64/user)
		local port= fwd=
		if [ "$slot" = 0 ]; then
			port=$($PY $TOOLS freeport) || return 1
			fwd="tcp:127.0.0.1:$port-:7 udp:127.0.0.1:$port-:7"
		fi
		HAKO_NET=user HAKO_HOSTFWD=$fwd HAKO_QEMU_TIMEOUT=600 \
			"hal/$platform/run.sh" "$image" "$@" >"$tmp/$name.log" 2>&1 &
		eval "PID_$name=$!"
		TARGET=127.0.0.1
		[ -n "$port" ] && TCP_PORT=$port UDP_PORT=$port
		RUN=
		# QEMU's user network: the image (10.0.2.15) reaches the host's
		# 127.0.0.1 at 10.0.2.2.  QEMU boots and DHCPs under TCG: allow
		# for a loaded machine.
		HOSTSIDE=10.0.2.2 HOSTBIND=127.0.0.1 WAIT_S=90 ;;
	qemu-x86/passt | qemu-arm64/passt)
		local port
		port=$($PY $TOOLS freeport) || return 1
		HAKO_NET=passt HAKO_HOSTFWD="tcp:127.0.0.1:$port-:7 udp:127.0.0.1:$port-:7" \
			HAKO_QEMU_TIMEOUT=600 "hal/$platform/run.sh" "$image" "$@" >"$tmp/$name.log" 2>&1 &
		eval "PID_$name=$!"
		TARGET=127.0.0.1 TCP_PORT=$port UDP_PORT=$port RUN= HOSTSIDE= HOSTBIND= WAIT_S=90 ;;
	usermode/tap)
		local tap=hk$slot sub=$((77 + slot))
		net_tap_add "$tap" "$sub" || return 1
		ip netns exec "$NS" "$image" "--net=tap:$tap,mac=02:00:00:00:0$slot:02" \
			"hako.ip=10.$sub.0.2/24" "hako.gw=10.$sub.0.1" "$@" >"$tmp/$name.log" 2>&1 &
		eval "PID_$name=$!"
		[ "$slot" = 0 ] && TARGET=10.$sub.0.2 TCP_PORT=7 UDP_PORT=7 TAP=$tap
		HOSTSIDE=10.$sub.0.1 HOSTBIND=10.$sub.0.1
		RUN="ip netns exec $NS" ;;
	qemu-x86/tap)
		# As usermode's TAP, with QEMU (inside the namespace) between
		# the TAP and the image's virtio-net.
		local tap=hk$slot sub=$((77 + slot))
		net_tap_add "$tap" "$sub" || return 1
		ip netns exec "$NS" env HAKO_NET="tap:$tap" HAKO_NET_MAC="02:00:00:00:0$slot:02" \
			HAKO_QEMU_TIMEOUT=600 hal/qemu-x86/run.sh "$image" \
			"hako.ip=10.$sub.0.2/24" "hako.gw=10.$sub.0.1" "$@" >"$tmp/$name.log" 2>&1 &
		eval "PID_$name=$!"
		[ "$slot" = 0 ] && TARGET=10.$sub.0.2 TCP_PORT=7 UDP_PORT=7 TAP=$tap
		HOSTSIDE=10.$sub.0.1 HOSTBIND=10.$sub.0.1 WAIT_S=90
		RUN="ip netns exec $NS" ;;
	esac
}

# ---------------------------------------------------------------------------
# Shared helpers.

# wait_for NAME REGEX: wait (up to WAIT_S seconds) for the image's console
# to match; prints the match.
wait_for() {
	local name=$1 re=$2
	for _ in $(seq $((WAIT_S * 10))); do
		if grep -Eo "$re" "$tmp/$name.log" 2>/dev/null | head -n 1 | grep .; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# roundtrip BYTES: send BYTES random bytes through echo with socat; compare.
roundtrip() {
	local n=$1 want got
	head -c "$n" /dev/urandom >"$tmp/data"
	want=$(sha256sum <"$tmp/data" | cut -d' ' -f1)
	got=$($RUN timeout 60 socat -t 20 -T 30 - "TCP:$TARGET:$TCP_PORT" <"$tmp/data" |
		sha256sum | cut -d' ' -f1)
	[ "$want" = "$got" ]
}

cleanup() {
	for v in $(compgen -v PID_); do
		kill -KILL "${!v}" 2>/dev/null
	done
	[ -n "${SRV_PID:-}" ] && kill "$SRV_PID" 2>/dev/null
	net_teardown
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------
# The tests, for one variant.

run_variant() {
	local v=$1
	echo "== $platform/$v"
	if ! net_setup "$v" >"$tmp/setup" 2>&1; then
		case_result "$v: set up the host side" 1 "$(cat "$tmp/setup")"
		return
	fi

	# Through passt, a malformed hako.ip= too: a clear message, then DHCP.
	local bad=()
	[ "$v" = passt ] && bad=(hako.ip=10.0.2/99)
	start_image "$v" srv 0 "out/$platform/echo/echo" "${bad[@]}"
	if wait_for srv 'hako: net0 [0-9.]+/[0-9]+' >/dev/null && wait_for srv 'serving' >/dev/null; then
		case_result "$v: the image prints its address" 0
	else
		case_result "$v: the image prints its address" 1
		show srv
		net_teardown
		return
	fi
	if [ "$v" = passt ]; then
		expect "$v: a malformed hako.ip= is named, and DHCP serves instead" 0 0 "$tmp/srv.log" \
			"malformed kernel option 'hako.ip=10.0.2/99'" 'net0 [0-9.]+/[0-9]+ .*\(DHCP\)'
	fi

	if [ "$v" = passt ] || [ "$v" = user ]; then
		: # passt and QEMU's user network relay TCP, UDP and the guest's
		  # own pings; the host cannot ping such a guest, so ping is
		  # tested on the TAP (and in the Xen rig, from dom0).
	else
		$RUN ping -c 3 -i 0.2 -W 2 "$TARGET" >"$tmp/ping" 2>&1
		expect "$v: the host's ping gets replies" 0 $? "$tmp/ping" '3 received'
	fi

	# Through passt up to 64 KiB, the image's receive window: Debian's
	# passt (2023-03) can stall a connection for good under sustained
	# two-way traffic once the guest's receive window closes: it counts an
	# ACK of the guest's data as sent that it never sent (no window to
	# carry it), then drops the guest's retransmissions of that data
	# unanswered.  16 MiB echoes hit it now and then, and on a busy fresh
	# machine 1 MiB did too.  The TAP variant carries 1 B to 16 MiB.
	local ok=0 sizes="1 1460 65536 1048576 16777216" top="16 MiB"
	[ "$v" = passt ] && sizes="1 1460 65536" top="64 KiB"
	for n in $sizes; do
		if ! roundtrip "$n"; then
			ok=1
			echo "      $n bytes did not come back intact"
		fi
	done
	case_result "$v: socat round trips 1 B to $top, checksums equal" $ok

	# QEMU's user networking (slirp) listens for its host forward with a
	# backlog of 1: the host's connects beyond it wait for SYN retransmits
	# (200 took 50-90 s, all of it in slirp).  There 50 still go past the
	# 32 sockets of a small configuration; the other variants take 200.
	local conc=200
	[ "$v" = user ] && conc=50
	$RUN $PY $TOOLS concurrent "$TARGET" "$TCP_PORT" $conc >"$tmp/conc" 2>&1
	expect "$v: $conc concurrent TCP connections all served" 0 $? "$tmp/conc" "$conc of $conc"

	$RUN $PY $TOOLS udp "$TARGET" "$UDP_PORT" 50 >"$tmp/udp" 2>&1
	expect "$v: UDP echo" 0 $? "$tmp/udp" '50 of 50'

	# The image as a client: a second image connects to a server on the
	# host side.
	local sport=7
	if [ "$v" = passt ] || [ "$v" = user ]; then sport=$($PY $TOOLS freeport); fi
	$RUN $PY $TOOLS server "$HOSTBIND" "$sport" >"$tmp/server" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 50); do grep -q listening "$tmp/server" && break; sleep 0.1; done
	start_image "$v" cli 1 "out/$platform/echo/echo" client "$HOSTSIDE" "$sport" 1000000
	for _ in $(seq $((WAIT_S * 15))); do
		eval "kill -0 \$PID_cli" 2>/dev/null || break
		sleep 0.1
	done
	stop_image cli
	expect "$v: the image as a client reaches a server on the host side" 0 "$STATUS" \
		"$tmp/cli.log" 'bytes echoed back intact'
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=

	if [ "$v" = tap ]; then
		ip netns exec "$NS" ip link set "$TAP" mtu 9000
		ip netns exec "$NS" $SCAPY_PY test/net/badframes.py "$TAP" 02:00:00:00:00:02 \
			"$TARGET" "$HOSTSIDE" >"$tmp/bad" 2>&1
		expect "$v: malformed frames sent with scapy" 0 $? "$tmp/bad" 'sent 3x UDP length'
		ok=0
		roundtrip 100000 || ok=1
		$RUN ping -c 1 -W 2 "$TARGET" >/dev/null 2>&1 || ok=1
		case_result "$v: the image keeps serving after malformed frames" $ok
	fi

	# SIGTERM with connections open: the image ends cleanly, each client
	# learns at once (end of stream or reset), none hangs.
	$RUN $PY $TOOLS hold "$TARGET" "$TCP_PORT" 5 10 >"$tmp/hold" 2>&1 &
	local hold=$!
	for _ in $(seq 100); do grep -q held "$tmp/hold" && break; sleep 0.1; done
	stop_image srv
	wait "$hold"
	expect "$v: SIGTERM with connections open: status 0" 0 "$STATUS" "$tmp/srv.log" \
		'shutdown requested'
	expect "$v: ...and every open connection ends at once" 0 0 "$tmp/hold" 'ended 5 of 5'
	if [ "$v" = tap ]; then
		# The counters printed at exit name the drops.
		local c=$tmp/srv.log
		ok=0
		grep -Eq 'ip rx [0-9]+ dropped [1-9][0-9]* \(checksum [1-9][0-9]*, length [1-9]' "$c" || ok=1
		grep -Eq 'tcp rx [0-9]+ dropped [0-9]+ \(checksum [1-9]' "$c" || ok=1
		grep -Eq 'udp rx [0-9]+ dropped [0-9]+ \(checksum [1-9]' "$c" || ok=1
		grep -Eq 'oversized [1-9]' "$c" || ok=1
		case_result "$v: the exit counters count the malformed frames" $ok
		[ $ok = 0 ] || grep -E 'hako: net' "$c" | sed 's/^/      | /'
	fi
	net_teardown
}

# The QEMU ports: HAKO_NET=passt, run.sh starting passt for the NIC (what
# the user network cannot do: 200 connections at once, where its listen
# backlog of 1 makes the host retransmit handshakes), and ending it.
run_qemu_passt() {
	local ok=0 left
	echo "== $platform/passt"
	if ! net_setup passt >"$tmp/setup" 2>&1; then
		case_result "passt: set up the host side" 1 "$(cat "$tmp/setup")"
		return
	fi
	start_image passt srv 0 "out/$platform/echo/echo"
	if wait_for srv 'hako: net0 [0-9.]+/[0-9]+ .*\(DHCP\)' >/dev/null &&
		wait_for srv 'serving' >/dev/null; then
		case_result "passt: the image gets its address from passt's DHCP" 0
	else
		case_result "passt: the image gets its address from passt's DHCP" 1
		show srv
		stop_image srv
		return
	fi
	for n in 1 65536; do roundtrip "$n" || ok=1; done
	case_result "passt: socat round trips, checksums equal" $ok
	$PY $TOOLS concurrent "$TARGET" "$TCP_PORT" 200 >"$tmp/conc" 2>&1
	expect "passt: 200 concurrent TCP connections all served" 0 $? "$tmp/conc" "200 of 200"
	$PY $TOOLS udp "$TARGET" "$UDP_PORT" 50 >"$tmp/udp" 2>&1
	expect "passt: UDP echo" 0 $? "$tmp/udp" '50 of 50'
	stop_image srv
	# (passt's socket lives in run.sh's folder: /tmp/hako-qemu.*/passt/sock)
	left=$(pgrep -f 'hako-qemu\.[A-Za-z0-9]+/passt/sock' | tr '\n' ' ')
	expect "passt: SIGTERM: status 0, and run.sh ends passt${left:+ (left: $left)}" 0 "$STATUS" \
		"$tmp/srv.log" 'shutdown requested'
	[ -z "$left" ]
	case_result "passt: no passt left running after run.sh" $? "${left:+pids $left}"
}

# Usermode only: the passt stream parser against a stand-in that sends bad
# records, then a length no frame can have.
run_fake_passt() {
	local sock=$tmp/fake.sock
	echo "== usermode/passt stream from a misbehaving peer"
	$PY $TOOLS fakepasst "$sock" >"$tmp/fake" 2>&1 &
	local fpid=$!
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	out/usermode/echo/echo "--net=passt:$sock" hako.ip=10.0.0.9/24 >"$tmp/fk.log" 2>&1 &
	PID_fk=$!
	wait_for fk 'desynchronised' >/dev/null
	sleep 0.3
	# Still alive and serving its loopback.
	if kill -0 "$PID_fk" 2>/dev/null; then
		case_result "passt stream: a bad length is detected and the image keeps running" 0
	else
		case_result "passt stream: a bad length is detected and the image keeps running" 1
		show fk
	fi
	stop_image fk
	kill "$fpid" 2>/dev/null
	expect "passt stream: runts and oversized records dropped and counted, status 0" 0 \
		"$STATUS" "$tmp/fk.log" 'desynchronised \(a record length' \
		'frames in 2 .*runts 2, oversized 1, desynchronised 1'
}

# A burst of connections beyond the configured socket limit: refused, not a
# crash, and the image serves the next client.
run_limit() {
	local v=$1
	echo "== $platform/$v: beyond the socket limit"
	if ! net_setup "$v" >"$tmp/setup" 2>&1; then
		case_result "$v: set up the host side" 1 "$(cat "$tmp/setup")"
		return
	fi
	start_image "$v" lim 0 "out/net-limit/$platform/echo/echo"
	wait_for lim 'serving' >/dev/null
	local n=120
	[ "$v" = user ] && n=60 # (slirp's backlog of 1: see run_variant)
	$RUN $PY $TOOLS flood "$TARGET" "$TCP_PORT" $n >"$tmp/flood" 2>&1
	local ok=0 bulk=0
	roundtrip 1000 || ok=1
	# Its device queue holds one frame (limit.config): 4 MiB echoed back
	# must come through whole, no TCP segment dropped at the full queue
	# (they wait in their connection).  Whether the device fills at all
	# is the host's doing: the count held back is printed, not asserted.
	roundtrip 4194304 || bulk=1
	stop_image lim
	expect "$v: $n connections against a limit of 32: some refused, no crash" 0 "$STATUS" \
		"$tmp/flood" 'served, [1-9][0-9]* refused'
	case_result "$v: ...and the next client is served" $ok
	expect "$v: ...the refusals are counted" 0 0 "$tmp/lim.log" 'connections refused [1-9]'
	expect "$v: a one-frame device queue: 4 MiB echoed intact, no frame dropped" 0 $bulk \
		"$tmp/lim.log" 'tx queue full 0; tcp held for room [0-9]'
	echo "      ($(grep -o 'tcp held for room [0-9]*' "$tmp/lim.log"))"
	net_teardown
}

# ---------------------------------------------------------------------------

variants=("$@")
[ ${#variants[@]} -gt 0 ] || read -r -a variants <<<"$(variants_of "$platform")"
if [ ${#variants[@]} -eq 0 ]; then
	case_result "$platform: network tests" 1 "no NIC tests defined for $platform"
	summary
	exit 1
fi

build/deps.sh test >/dev/null || exit 1
if ! make -s PLATFORM="$platform" APP=echo >"$tmp/build.log" 2>&1 ||
	! make -s OUTROOT=out/net-limit PLATFORM="$platform" APP=echo \
		EXTRA_CONFIG=test/net/limit.config >>"$tmp/build.log" 2>&1; then
	cat "$tmp/build.log"
	case_result "build $platform/echo" 1 "build failed"
	summary
	exit 1
fi

for v in "${variants[@]}"; do
	run_variant "$v"
done
[ "$platform" = usermode ] && run_fake_passt
case $platform in qemu-*) run_qemu_passt ;; esac
# (on the last variant: TAP where a port has it, not slirp's slow forward)
run_limit "${variants[-1]}"
summary
