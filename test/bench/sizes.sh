#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Image sizes per platform: hello as configured, hello with the fewest
# features (allnoconfig), ktest, and the `make size` breakdown of hello.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=out/bench/sizes
mkdir -p "$dir"
platforms=$(ls hal/*/port.mk | cut -d/ -f2)

echo "bench sizes: building hello, minimal hello and ktest on: $(echo $platforms)"
# Fewest features: allnoconfig; built with -Os, a build option, not a feature.
echo "CONFIG_OPTIMIZE_SIZE=y" >"$dir/os.config"
rows=()
worst_hello=0
worst_min=0
for p in $platforms; do
	make -s PLATFORM="$p" APP=hello >/dev/null
	make -s PLATFORM="$p" APP=ktest >/dev/null
	make -s OUTROOT=out/bench/min PLATFORM="$p" APP=hello EXTRA_CONFIG="$dir/os.config" \
		allnoconfig >/dev/null
	make -s OUTROOT=out/bench/min PLATFORM="$p" APP=hello >/dev/null
	h=$(stat -c %s "out/$p/hello/hello")
	m=$(stat -c %s "out/bench/min/$p/hello/hello")
	k=$(stat -c %s "out/$p/ktest/ktest")
	[ "$h" -gt "$worst_hello" ] && worst_hello=$h
	[ "$m" -gt "$worst_min" ] && worst_min=$m
	rows+=("$(printf '%-10s %10s %14s %10s' "$p" "$h" "$m" "$k")")
	make -s PLATFORM="$p" APP=hello size >"$dir/size-$p-hello.txt"
done
verdict() { if [ "$1" -le "$2" ]; then echo met; else echo MISSED; fi; }
{
	echo "stripped image sizes in bytes ($(date -u +%F))"
	echo "hello (min): allnoconfig (fewest features) built with -Os"
	printf '%-10s %10s %14s %10s\n' platform hello "hello (min)" ktest
	printf '%s\n' "${rows[@]}"
	echo "goal: hello <= 32768 bytes on every port: $(verdict "$worst_hello" 32768) (largest $worst_hello)"
	echo "goal: minimal hello <= 16384 bytes: $(verdict "$worst_min" 16384) (largest $worst_min)"
	for p in $platforms; do
		echo
		echo "make PLATFORM=$p APP=hello size:"
		cat "$dir/size-$p-hello.txt"
	done
} | tee "$dir/result.txt"
echo "bench sizes: hello <= $worst_hello B on every port, minimal hello <= $worst_min B"
