#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The test harness's own promises, checked in seconds:
#  - test/run-all.sh's summary cannot lie: it runs on a copy of itself in a
#    scratch tree whose suites and deps step are stubs that misbehave on
#    purpose (no summary line, no case, a nonzero exit, an unknown name);
#  - every command the scripts call comes from a package the deps step
#    installs (test/commands.py), and that check can fail.
#   test/harness.sh
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== test/run-all.sh on stub suites"
tree=$tmp/tree
mkdir -p "$tree/test" "$tree/build"
cp test/run-all.sh "$tree/test/"
# The stubs do what $STUB_SUITE and $STUB_DEPS say.
printf '#!/bin/sh\neval "${STUB_DEPS:-exit 0}"\n' >"$tree/build/deps.sh"
chmod +x "$tree/build/deps.sh"
scripts=$(sed -n 's/^\t"[a-z0-9-]*|\(.*\)"$/\1/p' test/run-all.sh | tr ' ' '\n' | grep '^test/' | sort -u)
[ -n "$scripts" ]
ok=$?
case_result "run-all.sh lists its suites' scripts ($(echo $scripts | wc -w))" $ok
for s in $scripts; do
	mkdir -p "$tree/$(dirname "$s")"
	printf '#!/bin/sh\neval "${STUB_SUITE:-exit 0}"\n' >"$tree/$s"
	chmod +x "$tree/$s"
done

# runall NAME WANT_STATUS SUITE-BEHAVIOUR DEPS-BEHAVIOUR ARGS... -- REGEX...:
# run the copy, then check its status, and that its output matches
runall() {
	local name=$1 want=$2 suite=$3 deps=$4 args=() rc
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	STUB_SUITE=$suite STUB_DEPS=$deps timeout 60 "$tree/test/run-all.sh" "${args[@]}" \
		>"$tmp/out" 2>&1
	rc=$?
	expect "$name" "$want" "$rc" "$tmp/out" "$@"
}
last_line() { tail -n 1 "$tmp/out"; }

runall "a suite that passes is counted" 0 'echo "3 passed, 0 failed"' '' unit -- \
	'^unit +3 passed +0 failed'
[ "$(last_line)" = "3 passed, 0 failed" ]
case_result "  ... and the summary line is the last line" $? "last line: $(last_line)"

runall "an unknown suite name fails and lists the valid names" 2 'echo "1 passed, 0 failed"' '' \
	unit no-such-suite -- "no suite named: no-such-suite" "valid names: harness unit usermode "
if grep -q '^=== suite' "$tmp/out"; then
	case_result "  ... and runs no suite" 1 "$(grep '^=== suite' "$tmp/out")"
else
	case_result "  ... and runs no suite" 0
fi

runall "a suite that exits 0 without its summary line fails" nonzero 'echo all good' '' unit -- \
	"no 'N passed, N failed' line" '^0 passed, 1 failed$'
runall "a suite that counts no case fails" nonzero 'echo "0 passed, 0 failed"' '' unit -- \
	"counted no case" '^0 passed, 1 failed$'
runall "a summary line followed by more output does not count" nonzero \
	'echo "5 passed, 0 failed"; echo "Segmentation fault"' '' unit -- '^0 passed, 1 failed$'
runall "a suite that exits nonzero fails even if it counted no failure" nonzero \
	'echo "4 passed, 0 failed"; exit 3' '' unit -- '\(exit 3\)' '^4 passed, 1 failed$'
runall "a suite's own failures are summed" nonzero 'echo "4 passed, 2 failed"; exit 1' '' \
	unit config -- '^8 passed, 4 failed$'
runall "a failed deps step still ends with the summary line" nonzero 'echo "1 passed, 0 failed"' \
	'echo "deps: apt-get install failed" >&2; exit 100' unit -- \
	'deps: apt-get install failed' '^=== summary' 'build/deps.sh test failed'
[ "$(last_line)" = "0 passed, 1 failed" ]
case_result "  ... whose last line counts the failure" $? "last line: $(last_line)"
# Two lanes, floating suites included: every suite runs once, none twice.
n=$(grep -c '^	"[a-z0-9-]*|' test/run-all.sh)
HAKO_TEST_JOBS=2 runall "in two lanes every suite runs (the floating ones too)" 0 \
	'echo "1 passed, 0 failed"' '' -- "^$n passed, 0 failed\$"
grep -E '^=== suite [a-z0-9-]+: ' "$tmp/out" | grep -Ev ': [0-9]+ passed, [0-9]+ failed$' >"$tmp/started"
twice=$(sed 's/^=== suite \([a-z0-9-]*\):.*/\1/' "$tmp/started" | sort | uniq -d | tr '\n' ' ')
started=$(wc -l <"$tmp/started")
[ -z "$twice" ] && [ "$started" = "$n" ]
case_result "  ... each exactly once ($started started of $n)" $? "twice: $twice"

rm "$tree/test/config.sh"
runall "a suite whose script is missing fails" nonzero 'echo "1 passed, 0 failed"' '' config -- \
	'config.sh is missing' '^0 passed, 1 failed$'

echo "== the deps step installs every command the scripts call"
python3 test/commands.py >"$tmp/commands" 2>&1
expect "every command has its package in build/deps.sh" 0 $? "$tmp/commands" \
	'^commands: [0-9]+ files, [0-9]+ calls of [0-9]+ commands.* 0 problem'
sed 's/^/      /' "$tmp/commands" | tail -n 3
# The check can fail: a script calling a command that no deps list has.
mkdir -p "$tmp/planted/test"
printf '#!/bin/sh\nfrobnicate --now | sort\nx=$(grep -q a b && zorblax)\n' >"$tmp/planted/test/new.sh"
python3 test/commands.py --scan "$tmp/planted" test/new.sh >"$tmp/planted.out" 2>&1
expect "  ... and names a command that is in no deps list" 1 $? "$tmp/planted.out" \
	"test/new.sh:2: frobnicate" "test/new.sh:3: zorblax"

echo "== build/debsrc.sh: the deb-src entry it would add matches the system's sources"
# apt refuses every list when two entries of one archive disagree on
# Signed-By (a deb822 Debian 12 or Ubuntu system): the entry must carry it.
# deb_src NAME WANT SOURCES.LIST LIST_D_FILE CONTENT REGEX...: a fixture, then expect
deb_src() {
	local name=$1 want=$2 main=$3 file=$4 content=$5 a=$tmp/apt-$RANDOM
	shift 5
	mkdir -p "$a/sources.list.d"
	[ -n "$main" ] && printf '%s\n' "$main" >"$a/sources.list"
	[ -n "$file" ] && printf '%s\n' "$content" >"$a/sources.list.d/$file"
	HAKO_APT_DIR=$a HAKO_CACHE=$tmp/cache build/debsrc.sh --deb-src-entry >"$a.out" 2>&1
	expect "$name" "$want" $? "$a.out" "$@"
}
deb_src "deb822 with Signed-By (Debian 12)" 0 "" debian.sources \
	"$(printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg')" \
	'^Types: deb-src$' '^URIs: http://deb.debian.org/debian$' '^Suites: bookworm bookworm-updates$' \
	'^Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg$'
deb_src "deb822, a deb-src-only stanza first, several components (Ubuntu)" 0 "" ubuntu.sources \
	"$(printf 'Types: deb-src\nURIs: http://src.example/\nSuites: x\n\nTypes: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: noble\nComponents: main restricted universe\nSigned-By: /k.gpg')" \
	'^URIs: http://archive.ubuntu.com/ubuntu/$' '^Components: main restricted universe$' '^Signed-By: /k.gpg$'
deb_src "one-line entry with [signed-by=]" 0 "deb [arch=amd64 signed-by=/k.gpg] http://m/debian bookworm main contrib" "" "" \
	'^URIs: http://m/debian$' '^Suites: bookworm$' '^Components: main contrib$' '^Signed-By: /k.gpg$'
deb_src "plain one-line entry (debootstrap)" 0 "deb http://m/debian bookworm main" "" "" \
	'^URIs: http://m/debian$' '^Components: main$'
deb_src "no deb entry at all: a clear error" 1 "" x.list "# nothing" \
	"no Debian 'deb' entry to derive a deb-src entry from"

summary
