#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make test: every suite, then one summary line.  A suite that cannot run
# fails (it is never skipped silently).
#   test/run-all.sh [SUITE...]   (default: all; names as listed below)
#
# Suites run in two lanes side by side (HAKO_TEST_JOBS=1: one after the
# other): each lane is single-threaded QEMU most of the time, and the
# machines have two cores.  The Xen rig's suites make one lane, the rest the
# other, and three suites go to whichever lane is free first (lane_of); each
# suite's lines show as they come, prefixed with its name.
# Builds take turns (a make wrapper on PATH holds one lock), so two suites
# that build the same image never write it at once.
#
# The summary cannot say more than the suites showed: a name that is not a
# suite is an error (status 2, the valid names listed); a suite fails when it
# exits nonzero, when its output does not end with its "N passed, N failed"
# line, or when that line counts no case at all.  A failure of the deps step
# still ends with the summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
# The suites' builds are their own (-j as from a shell): not sub-makes of
# `make test`, whose jobserver they cannot reach ("jobserver unavailable"
# on every build's stderr).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

suites=(
	"harness|test/harness.sh"
	"unit|test/unit/run.sh"
	"usermode|test/ports.sh usermode"
	"usermode-port|test/usermode.sh"
	"usermode-arm64|env ARCH=arm64 test/ports.sh usermode"
	"usermode-arm64-port|env ARCH=arm64 test/usermode.sh"
	"storage-usermode|test/storage.sh usermode"
	"usermode-net|test/net.sh usermode"
	"usermode-httpd|test/httpd.sh usermode"
	"qemu-x86|test/ports.sh qemu-x86"
	"qemu-x86-net|test/net.sh qemu-x86"
	"qemu-x86-httpd|test/httpd.sh qemu-x86"
	"qemu-x86-port|test/qemu-x86/run-tests.sh"
	"storage-qemu-x86|test/storage.sh qemu-x86"
	"qemu-arm64|test/ports.sh qemu-arm64"
	"qemu-arm64-port|test/qemu-arm64/run-tests.sh"
	"qemu-arm64-net|test/net.sh qemu-arm64"
	"qemu-arm64-httpd|test/httpd.sh qemu-arm64"
	"kvd|test/kvd.sh"
	"storage-qemu-arm64|test/storage.sh qemu-arm64"
	"xen-domu|test/ports.sh xen"
	"xen-dom0|env XEN_MODE=dom0 test/ports.sh xen"
	"xen-port|test/xen-port/run-tests.sh"
	"xen-net|test/xen-port/net-echo.sh"
	"storage-xen|test/storage.sh xen"
	"xen-life|test/xen-life.sh"
	"xen-suspend|test/xen-port/suspend.sh"
	"config|test/config.sh"
	"debug|test/debug.sh"
)
names=()
for entry in "${suites[@]}"; do names+=("${entry%%|*}"); done

unknown=()
for want in "$@"; do
	printf '%s\n' "${names[@]}" | grep -qxF -- "$want" || unknown+=("$want")
done
if [ ${#unknown[@]} -gt 0 ]; then
	echo "run-all: no suite named: ${unknown[*]}" >&2
	echo "run-all: valid names: ${names[*]}" >&2
	exit 2
fi

start=$(date +%s)
failed_suites=()
# summary PASSED FAILED REPORT-LINE...: the last lines of every run
summary() {
	local p=$1 f=$2
	shift 2
	echo
	echo "=== summary ($(($(date +%s) - start)) s; logs in out/test/)"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	# What failed, right above the total: a CI log shown by its tail still
	# names the cases (at most 12 lines, each cut at 160 characters).
	local name
	for name in "${failed_suites[@]}"; do
		sed -n "s/^FAIL /  $name: /p" "out/test/$name.log" 2>/dev/null
	done | cut -c1-160 | head -n 12
	echo "$p passed, $f failed"
	[ "$f" = 0 ]
}

mkdir -p out/test
build/deps.sh test 2>&1 | tee out/test/deps.log
rc=${PIPESTATUS[0]}
if [ "$rc" != 0 ]; then
	summary 0 1 "$(printf '%-18s %4s passed %4s failed %5ss  (exit %s: %s)' deps 0 1 \
		$(($(date +%s) - start)) "$rc" "build/deps.sh test failed; no suite ran")"
	exit 1
fi

# The lane a suite runs in: harness and unit start lane 1, xen-domu (which
# builds the Xen images and the rig's dom0) lane 2; debug runs alone once
# both are done (its rebuild check and its Xen post-mortem failed beside the
# config matrix: to be understood).  Every other suite floats: each lane,
# once its own are done, takes the next one of float_order not yet taken.
# That order is the longest first (as measured on a fresh machine), so
# that the lanes end close together whatever the machine: a fixed split
# (the Xen rig's suites in one lane) left that lane a quarter of an hour
# of its own once the builds got cheaper.  Two rigs side by side are two
# single-threaded QEMUs, as a rig beside a QEMU port was.
lane_of() {
	case $1 in
	harness | unit) echo 1 ;;
	xen-domu) echo 2 ;;
	debug) echo last ;;
	*) echo float ;;
	esac
}
float_order=(config xen-suspend xen-port storage-xen xen-life xen-net kvd usermode-arm64
	xen-dom0 usermode-httpd qemu-x86-port storage-qemu-x86 storage-usermode
	storage-qemu-arm64 qemu-arm64-port qemu-x86 usermode qemu-arm64 qemu-x86-net
	qemu-arm64-httpd usermode-net qemu-arm64-net qemu-x86-httpd usermode-arm64-port
	usermode-port)

jobs=${HAKO_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 2 ] 2>/dev/null && jobs=2 || jobs=1

lanes=out/test/lanes
rm -rf "$lanes"
mkdir -p "$lanes/bin"
# make for the suites: one build at a time across the lanes.  Test scripts
# build and then run; none runs an image under make.  A make run under the
# one holding the lock (a sub-make; GCC's LTO runs its parallel jobs through
# make) must not wait for it: the lock is taken once per build.
# Each build's wait for the lock and its own time go to $lanes/builds
# ("SUITE WAIT_MS BUILD_MS ARGS"), for the summary: where a lane's time goes.
cat >"$lanes/bin/make" <<WRAP
#!/bin/sh
[ -z "\${HAKO_MAKE_LOCKED:-}" ] || exec $(command -v make) "\$@"
exec 9>>"$PWD/$lanes/make.lock"
t0=\$(date +%s%3N)
flock 9
t1=\$(date +%s%3N)
HAKO_MAKE_LOCKED=1 $(command -v make) "\$@" 9>&-
rc=\$?
echo "\${HAKO_SUITE:-?} \$((t1 - t0)) \$((\$(date +%s%3N) - t1)) \$*" >>"$PWD/$lanes/builds"
exit \$rc
WRAP
chmod +x "$lanes/bin/make"

# build_times SUITE: "builds B s, waited W s " for what SUITE's builds took
# and how long they waited for the other lane's; nothing when it built none.
build_times() {
	awk -v s="$1" '$1 == s { w += $2; b += $3; n++ }
		END { if (n) printf "builds %d s, waited %d s  ", b / 1000, w / 1000 }' \
		"$lanes/builds" 2>/dev/null
}

# run_suite NAME CMD: run one suite; its report line goes to $lanes/NAME.
run_suite() {
	local name=$1 cmd=$2 log=out/test/$1.log t0 script rc line why p f prefix=
	t0=$(date +%s)
	[ "$jobs" = 1 ] || prefix="[$name] "
	echo "=== suite $name: $cmd"
	script=$(echo "$cmd" | tr ' ' '\n' | grep -m1 '^test/')
	if [ ! -x "$script" ]; then
		echo "suite $name cannot run: $script is missing" | tee "$log"
		rc=127
	else
		HAKO_SUITE=$name PATH="$PWD/$lanes/bin:$PATH" $cmd </dev/null 2>&1 | tee "$log" |
			sed -u "s/^/$prefix/"
		rc=${PIPESTATUS[0]}
	fi
	# The suite's own count: its last line, nothing printed before it.
	line=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
	why=
	if [[ "$line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		p=${BASH_REMATCH[1]}
		f=${BASH_REMATCH[2]}
		if [ $((p + f)) = 0 ]; then
			why="counted no case"
			f=1
		fi
	else
		p=0
		f=0
		why="no 'N passed, N failed' line at the end"
	fi
	# A suite that fails without counting a failure still counts as one.
	if { [ "$rc" != 0 ] || [ -n "$why" ]; } && [ "$f" = 0 ]; then f=1; fi
	[ "$rc" = 0 ] || why="exit $rc${why:+; $why}"
	echo "$p $f $(printf '%-18s %4s passed %4s failed %5ss  %s(%s)' "$name" "$p" "$f" \
		$(($(date +%s) - t0)) "$(build_times "$name")" "${why:-exit 0}")" >"$lanes/$name"
	echo "=== suite $name: $p passed, $f failed"
}

# run_lane LANE: the selected suites of LANE, in the table's order; then
# (lanes 1 and 2) the floating ones no lane has taken yet, in float_order
# (mkdir is the claim: it fails for the second lane).
run_lane() {
	local entry name lane order
	for lane in "$1" float; do
		[ "$lane" = float ] && { [ "$jobs" = 1 ] || [ "$1" = last ]; } && break
		order=("${suites[@]}")
		if [ "$lane" = float ]; then
			order=()
			# (then any the list forgets, in the table's order)
			for name in "${float_order[@]}" "${names[@]}"; do
				for entry in "${suites[@]}"; do
					[ "${entry%%|*}" != "$name" ] || order+=("$entry")
				done
			done
		fi
		for entry in "${order[@]}"; do
			name=${entry%%|*}
			[ "$jobs" = 1 ] || [ "$(lane_of "$name")" = "$lane" ] || continue
			if [ $# -gt 1 ] && ! printf '%s\n' "${@:2}" | grep -qxF -- "$name"; then
				continue
			fi
			[ "$lane" != float ] || mkdir "$lanes/claimed-$name" 2>/dev/null || continue
			run_suite "$name" "${entry#*|}"
		done
	done
}

if [ "$jobs" = 1 ]; then
	run_lane all "$@"
else
	run_lane 1 "$@" &
	lane1=$!
	run_lane 2 "$@" &
	lane2=$!
	# Ctrl-C or a timeout stops both lanes and what they started.
	killtree() {
		local child
		for child in $(pgrep -P "$1"); do killtree "$child"; done
		kill "$1" 2>/dev/null
	}
	trap 'killtree "$lane1"; killtree "$lane2"; exit 130' INT TERM
	wait "$lane1" "$lane2"
	trap - INT TERM
	run_lane last "$@"
fi

total_pass=0
total_fail=0
report=()
for entry in "${suites[@]}"; do
	name=${entry%%|*}
	if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qxF -- "$name"; then
		continue
	fi
	if [ ! -f "$lanes/$name" ]; then
		echo "0 1 $(printf '%-18s %4s passed %4s failed %5ss  (%s)' "$name" 0 1 0 \
			"did not finish")" >"$lanes/$name"
	fi
	read -r p f line <"$lanes/$name"
	[ "$f" = 0 ] || failed_suites+=("$name")
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	report+=("$line")
done
summary "$total_pass" "$total_fail" "${report[@]}"
