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
#   HAKO_FUZZ_RUNS=n       inputs per libFuzzer target (default: each its own)
#
# The libFuzzer targets (out/unit/fuzz_*: the cpio reader, the ext2 driver,
# the virtqueue, httpd's request parser...)
# run for a fixed number of inputs from seeds made here (GNU cpio, mkfs),
# with the run's seed; each counts as one test.  A crash is kept in
# out/unit/fuzz-crash-* (rerun: out/unit/fuzz_NAME FILE).
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

fuzzers=(cpio ext2 virtq stream inet http kvd)
if [ $# -gt 0 ]; then
	bins=()
	want_fuzz=()
	for m in "$@"; do
		case $m in
		fuzz_*) want_fuzz+=("${m#fuzz_}") ;;
		*) bins+=("out/unit/test_${m#test_}") ;;
		esac
	done
	fuzzers=("${want_fuzz[@]}")
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
# ---- libFuzzer targets: seeds, then a fixed number of inputs each.
fuzz_seeds() { # fuzz_seeds NAME DIR
	local src
	case $1 in
	cpio)
		src=$(mktemp -d)
		mkdir -p "$src/etc/dir"
		echo hello >"$src/etc/hello"
		: >"$src/empty"
		head -c 3000 /dev/urandom >"$src/etc/dir/bin"
		(cd "$src" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$2/a.cpio"
		rm -rf "$src"
		;;
	virtq | stream) # any bytes will do to start
		head -c 256 /dev/urandom >"$2/script"
		;;
	inet)
		printf '%s' 192.0.2.1 >"$2/v4"
		printf '%s' 2001:db8::1:0:0:1 >"$2/v6"
		printf '%s' ::ffff:10.0.0.1 >"$2/mapped"
		;;
	http) # requests and the three date forms
		printf 'GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n' >"$2/get"
		printf 'HEAD http://h/a%%20b?q HTTP/1.0\nContent-Length: 5\n\nhelloGET / HTTP/1.1\r\n\r\n' >"$2/head"
		printf '%s' 'Sunday, 06-Nov-94 08:49:37 GMT' >"$2/rfc850"
		printf '%s' 'Sun Nov  6 08:49:37 1994' >"$2/asctime"
		;;
	kvd) # a line of each command
		printf 'SET key a value' >"$2/set"
		printf 'get k\r' >"$2/get"
		printf 'DEL k' >"$2/del"
		printf 'STATS' >"$2/stats"
		;;
	ext2)
		src=$(mktemp -d)
		mkdir -p "$src/d/e"
		echo hello >"$src/a"
		head -c 30000 /dev/urandom >"$src/d/big"
		for i in $(seq 20); do echo "$i" >"$src/d/e/f$i"; done
		mkfs.ext4 -q -F -b 1024 -N 64 -O ^has_journal -d "$src" "$2/ext4.img" 256K &&
		mkfs.ext4 -q -F -b 1024 -N 64 -O ^has_journal,^metadata_csum -d "$src" \
			"$2/ext4-nocsum.img" 256K &&
		mkfs.ext2 -q -F -b 1024 -N 64 -d "$src" "$2/ext2.img" 256K
		local rc=$?
		rm -rf "$src"
		return $rc
		;;
	esac
}
fuzz_runs() {
	case $1 in
	cpio) echo "${HAKO_FUZZ_RUNS:-200000}" ;;
	ext2) echo "${HAKO_FUZZ_RUNS:-3000}" ;;
	virtq) echo "${HAKO_FUZZ_RUNS:-50000}" ;;
	stream | inet | http | kvd) echo "${HAKO_FUZZ_RUNS:-200000}" ;;
	esac
}
for f in "${fuzzers[@]}"; do
	bin=out/unit/fuzz_$f
	corpus=$(mktemp -d)
	runs=$(fuzz_runs "$f")
	if [ ! -x "$bin" ] || ! fuzz_seeds "$f" "$corpus" >"$log" 2>&1; then
		cat "$log"
		echo "fuzz_$f: cannot run (no binary, or no seeds: mkfs/cpio missing?)"
		failed=$((failed + 1))
		status=1
		rm -rf "$corpus"
		continue
	fi
	t0=$(date +%s)
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$bin" -runs="$runs" -seed="$HAKO_SEED" \
		-max_len=1048576 -timeout=20 -rss_limit_mb=2048 \
		-artifact_prefix="out/unit/fuzz-crash-$f-" "$corpus" >"$log" 2>&1
	rc=$?
	rm -rf "$corpus"
	if [ "$rc" = 0 ] && grep -q "^Done $runs runs" "$log"; then
		echo "fuzz_$f: $runs inputs, no crash, no hang ($(($(date +%s) - t0)) s, $(grep -o 'cov: [0-9]*' "$log" | tail -1))"
		passed=$((passed + 1))
	else
		tail -n 40 "$log"
		echo "fuzz_$f: FAILED (status $rc); the input is in out/unit/fuzz-crash-$f-*"
		failed=$((failed + 1))
		status=1
	fi
done

[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit "$status"
