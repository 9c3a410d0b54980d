# SPDX-License-Identifier: MIT
# wrk's output read the same way by every httpd benchmark (sourced).

# to_ms VALUE: wrk's "1.23ms" / "850.00us" / "1.02s" in ms
to_ms() {
	awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
		else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

# wrk_stats FILE: "rps p50 p99 errors" of the wrk run (--latency) in FILE;
# errors are socket errors plus non-2xx/3xx answers; 0 for what is missing
wrk_stats() {
	local rps p50 p99 err bad
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1")
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$1")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$1")")
	err=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' \
		"$1" | awk '{ print $1 + $2 + $3 + $4 }')
	bad=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1" | head -n 1)
	echo "${rps:-0} ${p50:-0} ${p99:-0} $((${err:-0} + ${bad:-0}))"
}
