#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# test/unit/run.sh [MODULE...] - build and run the host unit tests.
#
# Builds out/unit/test_<module> (test/unit/Makefile: ASan + UBSan, Check),
# runs each (all of them, or the MODULEs named: printf string qsort ...),
# prints Check's summary per suite, then one line "N passed, N failed"
# (tests, summed over every suite) and exits nonzero on any failure, crash
# or build error.
#
# Environment:
#   HAKO_SEED=n   seed of the randomised tests (default: a new one, printed;
#                 the same seed reproduces a run)
#   CK_FORK=no    run tests in-process (default yes; suites whose tests need
#                 a fresh process - allocators, panics - fork regardless)
#   CK_VERBOSITY=verbose   one line per test
#   V=1           show the compiler commands
#   HAKO_UNIT_LOG=1        show printk output of the code under test
set -uo pipefail
cd "$(dirname "$0")/../.."

export CK_FORK="${CK_FORK:-yes}"
if [ -z "${HAKO_SEED:-}" ]; then
	HAKO_SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')
fi
export HAKO_SEED
# Sanitizer defaults are compiled in (test/unit/unit.c: no leak check,
# UBSan stack traces); ASAN_OPTIONS / UBSAN_OPTIONS override them.

jobs=$(nproc 2>/dev/null || echo 2)
if ! make -f test/unit/Makefile -j"$jobs" V="${V:-0}"; then
	echo "unit tests: build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

if [ $# -gt 0 ]; then
	bins=()
	for m in "$@"; do
		bins+=("out/unit/test_${m#test_}")
	done
else
	bins=(out/unit/test_*)
fi

echo "unit tests: HAKO_SEED=$HAKO_SEED CK_FORK=$CK_FORK"
passed=0
failed=0
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for bin in "${bins[@]}"; do
	if [ ! -x "$bin" ]; then
		echo "$bin: no such test binary"
		failed=$((failed + 1))
		status=1
		continue
	fi
	"$bin" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# Check prints "NN%: Checks: C, Failures: F, Errors: E" per suite.
	read -r c f e < <(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$log" |
		awk '{c += $1; f += $2; e += $3} END {print c + 0, f + 0, e + 0}')
	passed=$((passed + c - f - e))
	failed=$((failed + f + e))
	if [ "$c" -eq 0 ]; then
		# No summary, or a summary of nothing (CK_RUN_CASE=typo): no test ran.
		echo "$bin: ran no test (exit $rc)"
		failed=$((failed + 1))
		status=1
	elif [ "$rc" -ne 0 ]; then
		status=1
		if [ $((f + e)) -eq 0 ]; then
			# Died outside any test (in the runner itself): count it.
			echo "$bin: exited with status $rc"
			failed=$((failed + 1))
		fi
	fi
done
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit "$status"
