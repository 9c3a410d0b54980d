#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make test: every suite, one after the other, then one summary line.
# A suite that cannot run fails (it is never skipped silently).
#   test/run-all.sh [SUITE...]   (default: all; names as listed below)
set -uo pipefail
cd "$(dirname "$0")/.."

suites=(
	"unit|test/unit/run.sh"
	"usermode|test/ports.sh usermode"
	"usermode-port|test/usermode.sh"
	"qemu-x86|test/ports.sh qemu-x86"
	"qemu-x86-port|test/qemu-x86/run-tests.sh"
	"xen-domu|test/ports.sh xen"
	"xen-dom0|env XEN_MODE=dom0 test/ports.sh xen"
	"xen-port|test/xen-port/run-tests.sh"
	"config|test/config.sh"
)

build/deps.sh test || exit 1
mkdir -p out/test
total_pass=0
total_fail=0
report=()
start=$(date +%s)
for entry in "${suites[@]}"; do
	name=${entry%%|*}
	cmd=${entry#*|}
	if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
		continue
	fi
	log=out/test/$name.log
	t0=$(date +%s)
	echo "=== suite $name: $cmd"
	script=$(echo "$cmd" | tr ' ' '\n' | grep -m1 '^test/')
	if [ ! -x "$script" ]; then
		echo "suite $name cannot run: $script is missing" | tee "$log"
		rc=127
	else
		$cmd 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
	fi
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$line" | awk '{print $1}')
	f=$(echo "$line" | awk '{print $3}')
	p=${p:-0}
	f=${f:-0}
	# A suite that fails without counting a failure still counts as one.
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	report+=("$(printf '%-14s %4s passed %4s failed %5ss  (exit %s)' "$name" "$p" "$f" $(($(date +%s) - t0)) "$rc")")
done
echo
echo "=== summary ($(($(date +%s) - start)) s; logs in out/test/)"
printf '%s\n' "${report[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
