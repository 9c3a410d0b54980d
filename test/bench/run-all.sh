#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench: every benchmark; each prints its table and writes it under
# out/bench/.  Goals are reported as met or MISSED; a benchmark that cannot
# run is reported as such and makes the run fail.
set -uo pipefail
cd "$(dirname "$0")/../.."
# The suites' builds are their own (-j as from a shell): not sub-makes of
# `make test`, whose jobserver they cannot reach ("jobserver unavailable"
# on every build's stderr).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
build/deps.sh test || exit 1
benches=(sizes usermode net httpd qemu-x86 qemu-x86-devices xen xen-devices xen-httpd xen-density xen-suspend qemu-arm64
	usermode-arm64 storage)
failed=()
for b in "${benches[@]}"; do
	echo "=== bench $b"
	if [ ! -x "test/bench/$b.sh" ]; then
		echo "bench $b cannot run: test/bench/$b.sh is missing"
		failed+=("$b")
	elif ! "test/bench/$b.sh"; then
		failed+=("$b")
	fi
done
echo
echo "=== goals"
grep -h '^goal' out/bench/*/result.txt out/bench/*.txt 2>/dev/null
missed=$(grep -h '^goal' out/bench/*/result.txt out/bench/*.txt 2>/dev/null | grep -c MISSED)
echo "bench: ${#benches[@]} benchmarks, ${#failed[@]} failed to run${failed:+ (${failed[*]})}, $missed goal(s) missed"
[ ${#failed[@]} = 0 ]
