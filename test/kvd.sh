#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# apps/kvd, the kv store over TCP, with a Python client: the line protocol
# and its bad input, clients at once, the connection limit, a clean
# shutdown that the host's e2fsck finds clean, and acknowledged writes that
# survive a SIGKILL mid-load (to run.sh and QEMU: the hardest stop), read
# back over TCP after a restart on the same ext4 disk.
#
#   test/kvd.sh [PLATFORM...]   (default: usermode qemu-x86 qemu-arm64)
#
# usermode reaches the image through passt (rootless), the QEMU ports
# through QEMU's user network; a host port is forwarded from 127.0.0.1.
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh
. test/netlib.sh

platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || platforms=(usermode qemu-x86 qemu-arm64)
tmp=$(mktemp -d)
PY=python3
CLIENT=test/kvd/client.py
WAIT_S=20
cleanup() {
	for v in $(compgen -v PID_); do
		[ -n "${!v}" ] && kill -KILL -- "-${!v}" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

build/deps.sh test >/dev/null || exit 1
for t in mkfs.ext4 e2fsck passt; do
	command -v "$t" >/dev/null || { case_result "$t is installed" 1 "build/deps.sh test"; }
done

# start NAME: kvd on $platform with $disk, in a process group of its own
# (setsid: a SIGKILL takes run.sh and QEMU together); PORT is where the
# host reaches it.
start() {
	PORT=$($PY test/net/tools.py freeport) || return 1
	case $platform in
	usermode) export HAKO_NET=passt HAKO_NET_FWD=$PORT:6380 ;;
	*) export HAKO_NET=user HAKO_HOSTFWD=tcp:127.0.0.1:$PORT-:6380 ;;
	esac
	HAKO_DISKS=$disk setsid "hal/$platform/run.sh" "out/$platform/kvd/kvd" \
		hako.mount=disk0:/data </dev/null >"$tmp/$1.log" 2>&1 &
	eval "PID_$1=$!"
	for _ in $(seq 300); do
		grep -q '^kvd: serving' "$tmp/$1.log" && break
		sleep 0.1
	done
	# (QEMU accepts a forwarded connection before the image listens:
	# wait for an answer, not a connect)
	for _ in $(seq 100); do
		echo STATS | timeout 2 socat - "TCP:127.0.0.1:$PORT" 2>/dev/null | grep -q '^STATS' &&
			return 0
		sleep 0.2
	done
	return 1
}

# kill9 NAME: SIGKILL to its process group, and wait until it is gone (QEMU
# lets go of the disk image's lock only then).
kill9() {
	local pid
	eval "pid=\${PID_$1:-}"
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for _ in $(seq 200); do
		kill -0 -- "-$pid" 2>/dev/null || break
		sleep 0.05
	done
	eval "PID_$1="
}

run_platform() {
	platform=$1
	echo "== $platform"
	if ! make -s PLATFORM="$platform" APP=kvd >"$tmp/build.log" 2>&1; then
		case_result "$platform: build kvd" 1 "$(tail -n 5 "$tmp/build.log" | tr '\n' ' ')"
		return
	fi
	disk=$tmp/$platform.img
	truncate -s 64M "$disk" && mkfs.ext4 -q -F "$disk" >/dev/null 2>&1
	if ! start a; then
		case_result "$platform: kvd serves on a fresh ext4 disk" 1 "$(tail -n 5 "$tmp/a.log")"
		kill9 a
		return
	fi
	case_result "$platform: kvd serves on a fresh ext4 disk" 0
	$PY $CLIENT proto 127.0.0.1 "$PORT" >"$tmp/proto" 2>&1
	local w rest ran=0
	while read -r w rest; do
		case_result "$platform: ${rest%%: got*}" "$([ "$w" = ok ]; echo $?)" \
			"$(echo "$rest" | sed -n 's/.*: \(got.*\)/\1/p')"
		ran=$((ran + 1))
	done < <(grep -E '^(ok|FAIL) ' "$tmp/proto")
	[ "$ran" = 21 ]
	case_result "$platform: the protocol cases all ran ($ran of 21)" $? \
		"$(tail -n 3 "$tmp/proto" | tr '\n' ' ')"
	timeout 120 $PY $CLIENT parallel 127.0.0.1 "$PORT" 16 50 >"$tmp/par" 2>&1
	expect "$platform: 16 clients at once, 50 keys each, read back" 0 $? "$tmp/par" \
		'^parallel: 800 of 800'
	timeout 120 $PY $CLIENT busy 127.0.0.1 "$PORT" 80 >"$tmp/busy" 2>&1
	expect "$platform: 80 connections against a limit of 64: the rest refused" 0 $? \
		"$tmp/busy" '^busy: ok$'
	stop_image a
	expect "$platform: a shutdown request: status 0, the statistics line" 0 "$STATUS" \
		"$tmp/a.log" '^kvd: [0-9]+ connections .*refused\), [0-9]+ commands, [1-9][0-9]* errors$'
	e2fsck -fn "$disk" >"$tmp/fsck" 2>&1
	expect "$platform: e2fsck -fn finds the disk clean" 0 $? "$tmp/fsck"

	# SIGKILL mid-load, then every acknowledged write back after a restart.
	start b || { case_result "$platform: kvd restarts on its disk" 1 "$(tail -n 5 "$tmp/b.log")"; kill9 b; return; }
	$PY $CLIENT load 127.0.0.1 "$PORT" kill 100000 >"$tmp/load" 2>&1 &
	local lp=$! acks=0
	for _ in $(seq 600); do
		acks=$(grep -c '^ack' "$tmp/load")
		[ "$acks" -ge 300 ] && break
		sleep 0.05
	done
	kill9 b
	wait "$lp" 2>/dev/null
	acks=$(grep -c '^ack' "$tmp/load")
	if ! start c; then
		case_result "$platform: after SIGKILL mid-load, kvd restarts on its disk" 1 \
			"$(tail -n 5 "$tmp/c.log" | tr '\n' ' ')"
		kill9 c
		return
	fi
	expect "$platform: after SIGKILL mid-load, kvd restarts on its disk" 0 0 "$tmp/c.log" \
		'^kvd: /data: [0-9]+ keys recovered'
	timeout 120 $PY $CLIENT verify 127.0.0.1 "$PORT" kill "$acks" >"$tmp/verify" 2>&1
	expect "$platform: ...every write acknowledged before the kill is back ($acks)" 0 $? \
		"$tmp/verify" "^verify: $acks of $acks acknowledged keys intact, 0 bad"
	[ "$acks" -ge 300 ]
	case_result "$platform: ...the kill came mid-load (at least 300 writes acknowledged)" $? \
		"$acks acknowledged"
	stop_image c
	expect "$platform: ...and it shuts down cleanly" 0 "$STATUS" "$tmp/c.log" '^kvd: '
}

# Every case of a platform ran: a path that returned early has said why.
for p in "${platforms[@]}"; do
	before=$((passed + failed)) failed_before=$failed
	run_platform "$p"
	n=$((passed + failed - before))
	[ "$n" -ge 31 ] || [ "$failed" -gt "$failed_before" ]
	case_result "$p: all 31 cases ran ($n)" $?
done
summary
