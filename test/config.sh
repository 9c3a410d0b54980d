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
export HAKO_NET=none # images with networking run without a NIC here
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# randconfig seeds: one per platform, a different one on each (so the
# matrix tries as many configurations as platforms); HAKO_RANDCONFIG_SEEDS
# sets the seeds every platform tries.
seeds_of() { echo "${HAKO_RANDCONFIG_SEEDS:-$(($1 + 1))}"; }

# Where a variant builds: defconfig in out/, the tree every other suite and
# `make` use (what they built is not built again, and the matrix checks the
# images they run); the others under out/matrix/VARIANT.
outroot_of() { [ "$1" = defconfig ] && echo out || echo "$root/$1"; }

# build P A VARIANT CONFIG-TARGET [make args]: configure, then build
build() {
	local p=$1 a=$2 v=$3 target=$4 o
	shift 4
	o=$(outroot_of "$v")
	make -s OUTROOT="$o" PLATFORM="$p" APP="$a" "$@" "$target" >"$tmp/log" 2>&1 &&
		make -s OUTROOT="$o" PLATFORM="$p" APP="$a" >>"$tmp/log" 2>&1
}

# The arguments each app boots with, and what a good boot shows.
args_of() {
	case $1 in
	crash) printf '%s\n' exit 5 ;;
	# the storage apps, on the ramfs root (no disk here)
	kv) printf '%s\n' --dir=/ set k v + get k ;;
	fsbench) printf '%s\n' --dir=/ --size=2 --reads=100 ;;
	disktest) printf '%s\n' write /w ;;
	echo) printf '%s\n' selftest ;; # both ends over loopback: it ends by itself
	httpd) printf '%s\n' selftest ;; # server and client over loopback
	kvd) printf '%s\n' --dir=/ selftest ;;
	# (it ticks until shut down: five ticks, then it ends by itself)
	ticker) printf '%s\n' ticks=5 ms=20 ;;
	tick) printf '%s\n' count=3 every=20 ;;
	esac
}
# judge APP OUTPUT STATUS
judge() {
	case $1 in
	hello) [ "$3" = 0 ] && grep -q "Hello from Hako" "$2" ;;
	ktest) [ "$3" = 0 ] && ktest_passed "$2" ;;
	crash) [ "$3" = 5 ] && grep -q "crash: mode 'exit'" "$2" ;;
	# (no command: it boots, says how to use it, and exits 2; its tests
	# need devices: the Xen port's suite runs them)
	devtest) [ "$3" = 2 ] && grep -q "usage: devtest" "$2" ;;
	echo) [ "$3" = 0 ] && grep -q "bytes echoed back intact" "$2" ;;
	httpd) [ "$3" = 0 ] && grep -q "httpd: selftest passed" "$2" ;;
	kvd) [ "$3" = 0 ] && grep -q "kvd: selftest passed" "$2" ;;
	ticker) [ "$3" = 0 ] && grep -q "ticker: done after 5 ticks, [0-9]* late, 0 backwards" "$2" ;;
	tick) [ "$3" = 0 ] && grep -q "tick: done after 3 ticks" "$2" ;;
	*) [ "$3" = 0 ] ;;
	esac
}
boot_result() { # boot_result P A V OUTPUT STATUS
	if judge "$2" "$4" "$5"; then
		case_result "$1 $2 $3: builds and boots" 0
	else
		case_result "$1 $2 $3: builds and boots" 1 "status $5: $(tail -n 5 "$4" | tr '\n' ' ')"
	fi
}

# booted_by P A: the suite that boots the defconfig image out/P/A/A (and
# checks far more of it than a boot) and its script, as "SUITE SCRIPT";
# status 1 for an image no other suite boots.  The matrix then builds it
# and says where it boots; usermode boots cost nothing and are all done
# here, and so is every boot when HAKO_CONFIG_BOOT_ALL=1.
booted_by() {
	local p=$1 a=$2
	[ "$p" != usermode ] && [ "${HAKO_CONFIG_BOOT_ALL:-0}" != 1 ] || return 1
	case $p:$a in
	xen:hello | xen:ktest | xen:nettest | xen:crash) echo "xen-domu test/ports.sh" ;;
	*:hello | *:ktest | *:nettest | *:crash) echo "$p test/ports.sh" ;;
	*:disktest | *:kv) echo "storage-$p test/storage.sh" ;;
	xen:echo | xen:httpd | xen:kvd) echo "xen-net test/xen-port/net-echo.sh" ;;
	*:echo) echo "$p-net test/net.sh" ;;
	*:httpd) echo "$p-httpd test/httpd.sh" ;;
	*:kvd) echo "kvd test/kvd.sh" ;;
	xen:devtest) echo "xen-port test/xen-port/run-tests.sh" ;;
	*:devtest) echo "$p-port test/$p/run-tests.sh" ;;
	xen:tick) echo "xen-life test/xen-life.sh" ;;
	xen:ticker) echo "xen-suspend test/xen-port/suspend.sh" ;;
	*) return 1 ;;
	esac
}

# A platform with hal/P/run-batch.sh (Xen: one dom0 boot runs every image as
# a domU under xl) gets its images queued and booted together after the
# matrix is built; the others boot each image at once.
batched=()
matrix_case() {
	local p=$1 a=$2 v=$3 target=$4 img args=() by suite script
	shift 4
	if ! build "$p" "$a" "$v" "$target" "$@"; then
		case_result "$p $a $v: builds" 1 "$(tail -n 5 "$tmp/log" | tr '\n' ' ')"
		return
	fi
	img=$(outroot_of "$v")/$p/$a/$a
	if [ "$v" = defconfig ] && by=$(booted_by "$p" "$a"); then
		read -r suite script <<<"$by"
		# (the script named must still name the image: a stale table fails)
		grep -Eq "(/|APP=)$a\b|\b$a\)|app in .*\b$a\b" "$script"
		case_result "$p $a $v: builds; boots in suite $suite ($script)" $? \
			"$script does not mention $a"
		return
	fi
	mapfile -t args < <(args_of "$a")
	if [ -x "hal/$p/run-batch.sh" ]; then
		mkdir -p "$tmp/batch-$p"
		# NAME, AFTER (no shutdown request), IMAGE, ARGs
		(IFS=$'\t' && echo "$a-$v${IFS}0${IFS}$img${args[*]:+$IFS${args[*]}}") \
			>>"$tmp/batch-$p/cases"
		batched+=("$p $a $v")
		return
	fi
	timeout -k 5 60 "hal/$p/run.sh" "$img" "${args[@]}" </dev/null >"$tmp/boot" 2>&1
	boot_result "$p" "$a" "$v" "$tmp/boot" $?
}

echo "== configuration matrix (${platforms[*]})"
# allyesconfig: every feature.  LTO is a build option, not a feature, and
# there it cost two whole-program links (the symbol table's), about 15 s a
# platform: it is built and booted on allnoconfig's hello instead (forced
# on top, as Linux's KCONFIG_ALLCONFIG), and randconfig draws it too.
echo "CONFIG_LTO=y" >"$tmp/lto.config"
echo "# CONFIG_LTO is not set" >"$tmp/nolto.config"
i=0 pi=0
for p in "${platforms[@]}"; do
	for a in $apps; do
		matrix_case "$p" "$a" defconfig defconfig
	done
	matrix_case "$p" hello allnoconfig-lto allnoconfig EXTRA_CONFIG="$tmp/lto.config"
	matrix_case "$p" ktest allyesconfig allyesconfig EXTRA_CONFIG="$tmp/nolto.config"
	# (each randconfig on the next app: across the platforms they take turns)
	for s in $(seeds_of $pi); do
		a=$(echo "$apps" | sed -n "$((i % $(echo "$apps" | wc -l) + 1))p")
		matrix_case "$p" "$a" "randconfig-$s" randconfig SEED="$s"
		i=$((i + 1))
	done
	pi=$((pi + 1))
done

for p in $(printf '%s\n' "${batched[@]}" | cut -d' ' -f1 | sort -u); do
	n=$(wc -l <"$tmp/batch-$p/cases")
	echo "== booting $p's $n images in one batch (hal/$p/run-batch.sh)"
	t0=$(date +%s)
	timeout -k 10 $((120 + 30 * n)) "hal/$p/run-batch.sh" "$tmp/batch-$p/cases" "$tmp/batch-$p" \
		</dev/null >"$tmp/batch-$p/run.log" 2>&1
	echo "   (the batch took $(($(date +%s) - t0)) s)"
	for entry in "${batched[@]}"; do
		read -r bp a v <<<"$entry"
		[ "$bp" = "$p" ] || continue
		boot_result "$p" "$a" "$v" "$tmp/batch-$p/$a-$v.out" \
			"$(cat "$tmp/batch-$p/$a-$v.status" 2>/dev/null || echo missing)"
	done
done

echo "== only selected modules are linked"
syms='^(thread_create|thread_join|mutex_lock|cond_wait|sem_down|timer_start|malloc|free|tls_init_block|waitq_wait)$'
mods='/kernel/(sched|sync|timer|malloc|tls)\.o$'
# The virtio drivers (where the port has them): in devtest, not in hello.
drv_syms='^(vq_add|virtio_register)$'
drv_mods='/(virtio/(virtio|queue|pci|mmio|net|blk)|qemu-(x86|arm64)/devices)\.o$'
for p in "${platforms[@]}"; do
	# hello selects none of them; ktest all: the same checks must see them
	# there, or they could not see them anywhere.
	for a in hello ktest devtest; do
		[ "$a" = devtest ] && ! grep -q '^CONFIG_HAVE_VIRTIO=y' "out/$p/$a/.config" &&
			continue
		d=out/$p/$a
		if ! nm "$d/$a.elf" >"$tmp/nm" 2>&1 || [ ! -d "$d/obj" ]; then
			case_result "$p $a: symbols and objects to check" 1 "$(head -c 200 "$tmp/nm")"
			continue
		fi
		found=$(awk '{print $3}' "$tmp/nm" | grep -E "$syms" | sort -u | tr '\n' ' ')
		objs=$(find "$d/obj" -name '*.o' | grep -Ec "$mods")
		drv=$(awk '{print $3}' "$tmp/nm" | grep -Ec "$drv_syms")
		drv_objs=$(find "$d/obj" -name '*.o' | grep -Ec "$drv_mods")
		if [ "$a" = devtest ]; then
			[ "$drv" = 2 ] && [ "$drv_objs" = 6 ]
			case_result "$p devtest links the virtio drivers (the checks can see them)" $? \
				"$drv of 2 symbols, $drv_objs of 6 objects"
		elif [ "$a" = hello ]; then
			[ -z "$found" ]
			case_result "$p hello (no threads, timers, sync, heap) links none of them" $? \
				"found: $found"
			[ "$objs" = 0 ] && [ -f "$d/obj/kernel/main.o" ]
			case_result "$p hello: unselected modules are not even compiled" $? \
				"$objs object(s)"
			[ "$drv" = 0 ] && [ "$drv_objs" = 0 ]
			case_result "$p hello: no virtio driver linked or compiled" $? \
				"$drv symbol(s), $drv_objs object(s)"
		else
			[ "$(echo $found | wc -w)" = 10 ] && [ "$objs" = 5 ]
			case_result "$p ktest links all of them (the checks can see them)" $? \
				"symbols: $found; $objs of 5 objects"
		fi
	done
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
make -s PLATFORM=qemu-x86 ARCH=arm64 >"$tmp/err" 2>&1
expect "a platform on an architecture it does not run on is refused" nonzero $? "$tmp/err" \
	"PLATFORM=qemu-x86 does not run on ARCH 'arm64'; it runs on: x86_64"
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


echo "== the object cache gives what a compile gives"
# ktest on usermode in a cache of its own, then with options its files
# use changed (LOG_LEVEL, DEBUG_MEM).  What the cache gives
# must be what an uncached build compiles, and it must have compiled some
# objects anew and taken others without preprocessing, or the check says
# nothing (HAKO_OBJCACHE_LOG: what the cache did for each object).
c=$root/objcache
rm -rf "$c" "$root"/cache-* "$tmp/cache.log"
: >"$tmp/err"
: >"$tmp/frag.config"
rc=0
for v in a b uncached; do
	o=(OUTROOT="$root/cache-$v" APP=ktest EXTRA_CONFIG="$tmp/frag.config" OBJCACHE="$c")
	[ "$v" = uncached ] && o+=(OBJCACHE=)
	[ "$v" = b ] && frag "CONFIG_LOG_LEVEL=5" "CONFIG_DEBUG_MEM=y"
	{ make -s "${o[@]}" defconfig &&
		HAKO_OBJCACHE_LOG=$tmp/cache-$v.log make -s "${o[@]}"; } >>"$tmp/err" 2>&1 || rc=$?
done
[ "$rc" = 0 ] && cmp -s "$root/cache-b/usermode/ktest/ktest" \
	"$root/cache-uncached/usermode/ktest/ktest"
case_result "a cached build equals an uncached one after a config change" $? \
	"status $rc: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
how() { grep -c "^$1 .*/$2" "$tmp/cache-b.log"; }
[ "$(how compiled kernel/malloc.o)" = 1 ] && [ "$(how compiled kernel/printk.o)" = 1 ] &&
	[ "$(how direct libc/src/)" -ge 10 ]
case_result "it compiled what the change touched, took the rest without preprocessing" $? \
	"$(cut -d' ' -f1 "$tmp/cache-b.log" 2>/dev/null | sort | uniq -c | tr '\n' ' ')"
[ ! -s "$tmp/cache-uncached.log" ]
case_result "OBJCACHE= uses no cache" $?
rm -rf "$c" "$root"/cache-*

# The options a file's text names decide its direct key: a word, or a
# prefix pasted with ## (pr_dbg(MEM, ...) tests CONFIG_DEBUG_##sub, and no
# text names CONFIG_DEBUG_MEM).  The tool on its own, on two small files.
t=$tmp/objcache
mkdir -p "$t/src" "$t/one/include/generated" "$t/two/include/generated" "$t/three/include/generated"
printf '#define PICK(s) CONFIG_F_##s\nint pasted = PICK(A);\n' >"$t/src/pasted.c"
printf 'int word = CONFIG_W;\n' >"$t/src/word.c"
printf '#define CONFIG_F_A 1\n#define CONFIG_W 1\n' >"$t/one/include/generated/autoconf.h"
printf '#define CONFIG_F_A 1\n#define CONFIG_W 1\n#define CONFIG_UNUSED 1\n' \
	>"$t/two/include/generated/autoconf.h"
printf '#define CONFIG_F_A 2\n#define CONFIG_W 2\n' >"$t/three/include/generated/autoconf.h"
make -s OBJCACHE="$t/cache" "$t/cache/tool/objcache" >"$t/err" 2>&1
for o in one two three; do
	for f in pasted word; do
		HAKO_OBJCACHE_LOG=$t/log "$t/cache/tool/objcache" "$t/cache" "$t/$o" x gcc -O2 \
			-include "$t/$o/include/generated/autoconf.h" -MMD -c "$t/src/$f.c" \
			-o "$t/$o/$f.o" 2>>"$t/err" || echo "failed $o $f" >>"$t/log"
	done
done
sed "s|$t/||" "$t/log" 2>/dev/null | tr '\n' ',' >"$t/got"
[ "$(cat "$t/got")" = "compiled one/pasted.o,compiled one/word.o,direct two/pasted.o,\
direct two/word.o,compiled three/pasted.o,compiled three/word.o," ] &&
	cmp -s "$t/one/word.o" "$t/two/word.o" && ! cmp -s "$t/one/word.o" "$t/three/word.o" &&
	! cmp -s "$t/one/pasted.o" "$t/three/pasted.o"
case_result "objcache: an option named, or pasted, changes the key; one unused does not" $? \
	"$(cat "$t/got" "$t/err" 2>/dev/null | head -c 300)"

summary
