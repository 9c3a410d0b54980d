#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The cross-port integration tests: build hello, ktest and crash for one
# platform, run each through hal/PLATFORM/run.sh and check output and status.
#   test/ports.sh PLATFORM
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

platform=${1:?usage: test/ports.sh PLATFORM}
timeout_s=${HAKO_TEST_TIMEOUT:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for app in hello ktest crash; do
	if ! make -s PLATFORM="$platform" APP="$app" >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		case_result "build $platform/$app" 1 "build failed"
		summary
		exit 1
	fi
done

# run NAME APP ARGS...: runs the image, output in $tmp/NAME, status in $rc
run() {
	local name=$1 app=$2
	shift 2
	timeout "$timeout_s" "hal/$platform/run.sh" "out/$platform/$app/$app" "$@" \
		</dev/null >"$tmp/$name" 2>&1
	rc=$?
}

echo "== integration tests on $platform"
run hello hello a "b c" 'q"uote' 'back\slash'
expect "hello prints argv" 0 "$rc" "$tmp/hello" "Hello from Hako on $platform" \
	'argv\[0\] = "hello"' 'argv\[2\] = "b c"' 'argv\[3\] = "q"uote"' 'argv\[4\] = "back\\slash"'

run ktest ktest
expect "ktest passes" 0 "$rc" "$tmp/ktest" '^[0-9]+ passed, 0 failed'
grep -E '^(FAIL|[0-9]+ passed)' "$tmp/ktest" | sed 's/^/      /'

run exit7 crash exit 7
expect "exit status from main" 7 "$rc" "$tmp/exit7" "crash: mode 'exit'"

run panic crash panic
expect "panic message and status" nonzero "$rc" "$tmp/panic" \
	"hako: panic in thread 'main': deliberate panic from the crash app"

run null crash null
expect "NULL dereference panics" nonzero "$rc" "$tmp/null" "hako: panic in thread 'main'"

run overflow crash overflow
expect "stack overflow names the thread" nonzero "$rc" "$tmp/overflow" \
	"hako: panic in thread 'overflower': stack overflow"

run assert crash assert
expect "failed assert panics" nonzero "$rc" "$tmp/assert" "assertion 'argc == 42' failed"

run deadlock crash deadlock
expect "deadlock panics instead of hanging" nonzero "$rc" "$tmp/deadlock" "hako: panic.*deadlock"

run oom crash oom
expect "malloc exhaustion returns NULL/ENOMEM" 0 "$rc" "$tmp/oom" "errno ENOMEM, 1 failure"

long=$(printf 'x%.0s' $(seq 1 1500))
run longcmd hello "$long"
expect "over-long command line is truncated" 0 "$rc" "$tmp/longcmd" "truncated" "Hello from Hako"

summary
