# SPDX-License-Identifier: MIT
# Shared helpers for Hako's shell test scripts: one line per case, a summary.
# Source it, call `case_result NAME OK [DETAIL]` per case, then `summary`.

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

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
