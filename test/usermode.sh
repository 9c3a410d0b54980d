#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tests specific to the usermode port: its options, signals, process life.
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for app in hello crash; do
	make -s PLATFORM=usermode APP="$app" >/dev/null || { echo "build failed"; exit 1; }
done
hello=out/usermode/hello/hello
crash=out/usermode/crash/crash

echo "== usermode port tests"
for bad in abc 12Q "" 0 99999999999G; do
	timeout 10 "$hello" --mem="$bad" >"$tmp/out" 2>&1
	expect "--mem='$bad' is refused with status 2" 2 $? "$tmp/out" "invalid --mem value"
	if grep -q "Hello" "$tmp/out"; then case_result "--mem='$bad' starts nothing" 1; fi
done

timeout 10 "$hello" --mem=256M -- --mem=1M x >"$tmp/out" 2>&1
expect "--mem and -- are consumed, later options reach the app" 0 $? "$tmp/out" \
	'argv\[1\] = "--mem=1M"' 'argv\[2\] = "x"'

timeout 10 "$crash" --mem=64K exit 0 >"$tmp/out" 2>&1
expect "too little memory: kernel exhaustion panics saying what ran out" nonzero $? \
	"$tmp/out" "out of memory for the main thread"

timeout 10 "$hello" hako.loglevel=9 a >"$tmp/out" 2>&1
expect "malformed kernel option warns and is ignored" 0 $? "$tmp/out" \
	"malformed kernel option 'hako.loglevel=9'" 'argv\[1\] = "a"'

# No TTY, stdin closed, stdout a pipe: as in CI.
(timeout 10 "$hello" <&- 2>&1 | cat) >"$tmp/out"
expect "runs with stdin closed and no TTY" 0 "${PIPESTATUS[0]}" "$tmp/out" "Hello from Hako"

"$crash" sleep >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q sleeping "$tmp/out" && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"
expect "SIGTERM runs the shutdown path and exits 0" 0 $? "$tmp/out" \
	"shutdown requested" "shutdown hook ran"

"$crash" spin >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q spinning "$tmp/out" && break; sleep 0.1; done
kill -TERM "$pid"
timeout 10 tail --pid="$pid" -f /dev/null
wait "$pid"
expect "SIGTERM ends a busy (never sleeping) image too" 0 $? "$tmp/out" "shutdown hook ran"

summary
