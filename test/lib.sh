# SPDX-License-Identifier: MIT
# Shared helpers for Hako's shell test scripts: one line per case, a summary.
# Source it, call `case_result NAME OK [DETAIL]` per case, then `summary`.

# Counted once: a helper that sources it too (test/virtio-devtest.sh) must
# not reset the counts.
[ -z "${hako_lib_sh:-}" ] || return 0
hako_lib_sh=1

passed=0
failed=0
failed_names=()

case_result() {
	local name=$1 ok=$2 detail=${3:-}
	if [ "$ok" = 0 ]; then
		passed=$((passed + 1))
		printf 'ok   %s\n' "$name"
	else
		failed=$((failed + 1))
		failed_names+=("$name")
		printf 'FAIL %s%s\n' "$name" "${detail:+: $detail}"
	fi
}

# expect NAME WANT_STATUS GOT_STATUS OUTPUT_FILE [REGEX...]: status and grep -E
expect() {
	local name=$1 want=$2 got=$3 out=$4 re
	shift 4
	if [ "$want" = nonzero ]; then
		if [ "$got" = 0 ]; then
			case_result "$name" 1 "exit status 0, expected nonzero"
			sed 's/^/      | /' "$out" | tail -n 15
			return
		fi
	elif [ "$got" != "$want" ]; then
		case_result "$name" 1 "exit status $got, expected $want"
		sed 's/^/      | /' "$out" | tail -n 15
		return
	fi
	for re in "$@"; do
		if ! grep -Eq -- "$re" "$out"; then
			case_result "$name" 1 "output lacks /$re/"
			sed 's/^/      | /' "$out" | tail -n 15
			return
		fi
	done
	case_result "$name" 0
}

# The number of ktest cases in the source: the entries of the case tables in
# apps/ktest/t_*.c, but for ktest_on_request (run only when named).  A full
# ktest run must announce ("ktest: N cases") and pass exactly that many:
# "0 failed" alone would also be a run of nothing.
ktest_cases() {
	awk '/ktest_case ktest_on_request\[\] =/ { skip = 1 }
	     skip && /^};/ { skip = 0; next }
	     !skip && /^[[:space:]]*\{ "[A-Za-z0-9_]+", [A-Za-z0-9_]+ \},/ { n++ }
	     END { print n + 0 }' apps/ktest/t_*.c
}

# ktest_passed FILE: FILE holds a full ktest run that passed every case
ktest_passed() {
	local n
	n=$(ktest_cases)
	[ "$n" -gt 0 ] && grep -q "^ktest: $n cases" "$1" && grep -q "^$n passed, 0 failed" "$1"
}

# expect_ktest NAME GOT_STATUS OUTPUT_FILE: as expect, for a full ktest run
expect_ktest() {
	local n
	n=$(ktest_cases)
	expect "$1 ($n cases)" 0 "$2" "$3" "^ktest: $n cases" "^$n passed, 0 failed"
}

# wait_bounded PID SECONDS: wait for a background job, at most SECONDS; a job
# still running then is killed (status 124), so a hang fails the case
# instead of the whole run.  Sets $rc to the job's status.
wait_bounded() {
	local pid=$1 limit=$(($2 * 10)) t=0
	while kill -0 "$pid" 2>/dev/null && [ "$t" -lt "$limit" ]; do
		sleep 0.1
		t=$((t + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=124
		return
	fi
	wait "$pid"
	rc=$?
}

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
