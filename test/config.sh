#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Feature selection: the configuration matrix on every platform, symbol
# checks with nm, and the configuration's bad-input handling.
#   test/config.sh [PLATFORM...]   (default: every platform)
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || read -r -a platforms <<<"$(ls hal/*/port.mk | cut -d/ -f2 | tr '\n' ' ')"
apps=$(ls apps/*/build.mk | cut -d/ -f2)
root=out/matrix
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seeds=${HAKO_RANDCONFIG_SEEDS:-"1 2 3"}

# build P A VARIANT CONFIG-TARGET [make args]: configure, then build
build() {
	local p=$1 a=$2 v=$3 target=$4
	shift 4
	make -s OUTROOT="$root/$v" PLATFORM="$p" APP="$a" "$@" "$target" >"$tmp/log" 2>&1 &&
		make -s OUTROOT="$root/$v" PLATFORM="$p" APP="$a" >>"$tmp/log" 2>&1
}

# boot P A V: run the image where this machine can do it cheaply
boot() {
	local p=$1 a=$2 v=$3 img="$root/$v/$1/$2/$2" args=()
	case $a in
	crash) args=(exit 5) ;;
	*) args=() ;;
	esac
	case $p in
	usermode | qemu-x86) ;;
	*) return 0 ;; # the Xen rig boots are in the port's own tests
	esac
	timeout 60 "hal/$p/run.sh" "$img" "${args[@]}" </dev/null >"$tmp/boot" 2>&1
	local rc=$?
	case $a in
	hello) [ $rc = 0 ] && grep -q "Hello from Hako" "$tmp/boot" ;;
	ktest) [ $rc = 0 ] && grep -Eq '^[0-9]+ passed, 0 failed' "$tmp/boot" ;;
	crash) [ $rc = 5 ] ;;
	*) [ $rc = 0 ] ;;
	esac
}

matrix_case() {
	local p=$1 a=$2 v=$3 target=$4
	shift 4
	if ! build "$p" "$a" "$v" "$target" "$@"; then
		case_result "$p $a $v: builds" 1 "$(tail -n 5 "$tmp/log" | tr '\n' ' ')"
		return
	fi
	if ! boot "$p" "$a" "$v"; then
		case_result "$p $a $v: builds and boots" 1 "$(tail -n 5 "$tmp/boot" | tr '\n' ' ')"
		return
	fi
	case_result "$p $a $v: builds and boots" 0
}

echo "== configuration matrix (${platforms[*]})"
for p in "${platforms[@]}"; do
	for a in $apps; do
		matrix_case "$p" "$a" defconfig defconfig
	done
	matrix_case "$p" hello allnoconfig allnoconfig
	matrix_case "$p" ktest allyesconfig allyesconfig
	i=0
	for s in $seeds; do
		a=$(echo "$apps" | sed -n "$((i % $(echo "$apps" | wc -l) + 1))p")
		matrix_case "$p" "$a" "randconfig-$s" randconfig SEED="$s"
		i=$((i + 1))
	done
done

echo "== only selected modules are linked"
for p in "${platforms[@]}"; do
	elf=$root/defconfig/$p/hello/hello.elf
	[ -f "$elf" ] || continue
	bad=$(nm "$elf" | awk '{print $3}' | grep -E '^(thread_create|thread_join|mutex_lock|cond_wait|sem_down|timer_start|malloc|free|tls_init_block|waitq_wait)$' | tr '\n' ' ')
	[ -z "$bad" ]
	case_result "$p hello (no threads, timers, sync, heap) links none of them" $? "found: $bad"
	objs=$(find "$root/defconfig/$p/hello/obj" -name '*.o' | grep -Ec '/(sched|sync|timer|malloc|tls)\.o$')
	[ "$objs" = 0 ]
	case_result "$p hello: unselected modules are not even compiled" $? "$objs object(s)"
done

echo "== configuration errors"
frag() { printf '%s\n' "$@" >"$tmp/frag.config"; }
cfg() { make -s OUTROOT="$root/bad" APP=ktest EXTRA_CONFIG="$tmp/frag.config" defconfig >"$tmp/err" 2>&1; }

frag "CONFIG_LOG_LEVEL=6" "CONFIG_NO_SUCH_THING=y"
cfg
expect "unknown symbol: file and line, build stops" nonzero $? "$tmp/err" \
	"frag.config:2: unknown symbol CONFIG_NO_SUCH_THING"
frag "CONFIG_LOG_LEVEL=loud"
cfg
expect "invalid int value: file and line" nonzero $? "$tmp/err" \
	"frag.config:1: LOG_LEVEL must be an integer"
frag "CONFIG_LOG_LEVEL=12"
cfg
expect "value out of range is refused with the range" nonzero $? "$tmp/err" \
	"frag.config:1: CONFIG_LOG_LEVEL=12 cannot be set" "range is 0..7"
frag "CONFIG_MALLOC=maybe"
cfg
expect "invalid bool value" nonzero $? "$tmp/err" "MALLOC must be y or n"
frag "this is not a config line"
cfg
expect "malformed line" nonzero $? "$tmp/err" "frag.config:1: cannot parse"
frag "# CONFIG_THREADS is not set" "CONFIG_SYNC=y"
make -s OUTROOT="$root/bad" APP=hello EXTRA_CONFIG="$tmp/frag.config" defconfig >"$tmp/err" 2>&1
expect "unsatisfiable selection is refused with the reason" nonzero $? "$tmp/err" \
	"CONFIG_SYNC=y cannot be set" "depends on THREADS"

frag "CONFIG_OPTIMIZE_SIZE=y"
make -s OUTROOT="$root/forced" APP=hello EXTRA_CONFIG="$tmp/frag.config" allnoconfig >"$tmp/err" 2>&1
grep -q '^CONFIG_OPTIMIZE_SIZE=y' "$root/forced/usermode/hello/.config" &&
	! grep -q '^CONFIG_THREADS=y' "$root/forced/usermode/hello/.config"
case_result "allnoconfig with EXTRA_CONFIG forces its values on top" $?

make -s PLATFORM=nowhere >"$tmp/err" 2>&1
expect "unknown PLATFORM lists the valid ones" nonzero $? "$tmp/err" \
	"unknown PLATFORM 'nowhere'; valid platforms: .*usermode"
make -s APP=nothing >"$tmp/err" 2>&1
expect "unknown APP lists the valid ones" nonzero $? "$tmp/err" \
	"unknown APP 'nothing'; valid apps: .*hello"

echo "== configuration changes rebuild what depends on them"
v=$root/rebuild
frag "CONFIG_LOG_LEVEL=6"
make -s OUTROOT="$v" APP=hello EXTRA_CONFIG="$tmp/frag.config" >/dev/null 2>&1
before=$(stat -c %Y "$v/usermode/hello/obj/kernel/main.o")
sleep 1.1
make -s OUTROOT="$v" APP=hello EXTRA_CONFIG="$tmp/frag.config" >"$tmp/err" 2>&1
same=$(stat -c %Y "$v/usermode/hello/obj/kernel/main.o")
frag "CONFIG_LOG_LEVEL=3"
make -s OUTROOT="$v" APP=hello EXTRA_CONFIG="$tmp/frag.config" >>"$tmp/err" 2>&1
after=$(stat -c %Y "$v/usermode/hello/obj/kernel/main.o")
[ "$before" = "$same" ] && [ "$after" != "$before" ] &&
	grep -q "define CONFIG_LOG_LEVEL 3" "$v/usermode/hello/include/generated/autoconf.h"
case_result "a config change rebuilds; no change rebuilds nothing" $?

summary
