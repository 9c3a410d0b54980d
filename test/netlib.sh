# SPDX-License-Identifier: MIT
# Shared helpers of the network suites (test/net.sh, test/httpd.sh): the
# network namespace and TAP devices of the TAP variants, and stopping and
# showing the images they start.  Source it after test/lib.sh; the caller
# sets tmp (the directory of the consoles, $tmp/NAME.log) and keeps each
# image's pid in PID_<NAME>.

NS=
WAIT_S=20

# net_ns_add NAME: a network namespace of this run's own, loopback up;
# NS names it (net_teardown removes it).
net_ns_add() {
	NS=$1
	ip netns add "$NS" || return 1
	ip netns exec "$NS" ip link set lo up
}

# net_teardown: kill what runs in the namespace and remove it (no-op
# without one).
net_teardown() {
	if [ -n "$NS" ]; then
		ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$NS" 2>/dev/null
		NS=
	fi
}

# net_tap_add TAP SUB: a TAP device in the namespace, up, its host side at
# 10.SUB.0.1/24 (the image then takes 10.SUB.0.2).
net_tap_add() {
	local tap=$1 sub=$2
	ip netns exec "$NS" ip tuntap add dev "$tap" mode tap || return 1
	ip netns exec "$NS" ip link set "$tap" up
	ip netns exec "$NS" ip addr add "10.$sub.0.1/24" dev "$tap"
}

# stop_image NAME: SIGTERM, wait up to WAIT_S / 2 seconds (10 s unless the
# caller raised WAIT_S); the exit status in STATUS ("hung" when it had to be
# killed).  Not in a subshell: wait needs the image to be this shell's child.
stop_image() {
	local pid
	eval "pid=\${PID_$1:-}"
	STATUS=none
	[ -n "$pid" ] || return
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq $((WAIT_S * 5))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		STATUS=hung
	else
		wait "$pid"
		STATUS=$?
	fi
	eval "PID_$1="
}

# show NAME [LINES]: the last LINES (15) of NAME's console, indented.
show() {
	sed 's/^/      | /' "$tmp/$1.log" | tail -n "${2:-15}"
}
