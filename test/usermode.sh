#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tests specific to the usermode port: its options, signals, process life.
#   [ARCH=arm64] test/usermode.sh   (arm64 images run under qemu-aarch64,
#                                    through hal/usermode/run.sh)
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build=usermode
if [ -n "${ARCH:-}" ] && [ "$ARCH" != x86_64 ]; then build=usermode-$ARCH; fi
for app in hello crash; do
	if ! make -s PLATFORM=usermode APP="$app" >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		case_result "build $build/$app" 1 "build failed"
		summary
		exit 1
	fi
done
# run.sh execs the image (or the emulator that runs it): signals reach it.
hello=(hal/usermode/run.sh "out/$build/hello/hello")
crash=(hal/usermode/run.sh "out/$build/crash/crash")

echo "== usermode port tests ($build)"
for bad in abc 12Q "" 0 99999999999G; do
	timeout -k 5 10 "${hello[@]}" --mem="$bad" >"$tmp/out" 2>&1
	expect "--mem='$bad' is refused with status 2" 2 $? "$tmp/out" "invalid --mem value"
	! grep -q "Hello" "$tmp/out"
	case_result "--mem='$bad' starts nothing" $?
done

timeout -k 5 10 "${hello[@]}" --mem=256M -- --mem=1M x >"$tmp/out" 2>&1
expect "--mem and -- are consumed, later options reach the app" 0 $? "$tmp/out" \
	'argv\[1\] = "--mem=1M"' 'argv\[2\] = "x"'

timeout -k 5 10 "${crash[@]}" --mem=64K exit 0 >"$tmp/out" 2>&1
expect "too little memory: kernel exhaustion panics saying what ran out" nonzero $? \
	"$tmp/out" "out of memory for the main thread"

timeout -k 5 10 "${hello[@]}" hako.loglevel=9 a >"$tmp/out" 2>&1
expect "malformed kernel option warns and is ignored" 0 $? "$tmp/out" \
	"malformed kernel option 'hako.loglevel=9'" 'argv\[1\] = "a"'

# No TTY, stdin closed, stdout a pipe: as in CI.
(timeout -k 5 10 "${hello[@]}" <&- 2>&1 | cat) >"$tmp/out"
expect "runs with stdin closed and no TTY" 0 "${PIPESTATUS[0]}" "$tmp/out" "Hello from Hako"

# Every wait on an image is bounded (wait_bounded): an image that ignores
# SIGTERM fails its case (status 124) instead of hanging the run.
"${crash[@]}" sleep >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q sleeping "$tmp/out" && break; sleep 0.1; done
kill -TERM "$pid"
wait_bounded "$pid" 10
expect "SIGTERM runs the shutdown path and exits 0" 0 "$rc" "$tmp/out" \
	"shutdown requested" "shutdown hook ran"

"${crash[@]}" spin >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q spinning "$tmp/out" && break; sleep 0.1; done
kill -TERM "$pid"
wait_bounded "$pid" 10
expect "SIGTERM ends a busy (never sleeping) image too" 0 "$rc" "$tmp/out" "shutdown hook ran"

summary
