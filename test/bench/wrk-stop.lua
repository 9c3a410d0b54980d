-- SPDX-License-Identifier: MIT
-- wrk -s test/bench/wrk-stop.lua URL -- N: each of wrk's threads stops
-- after N responses (wrk itself still waits out -d: the benchmarks end it
-- once the server's /stats has them all).
local n, limit = 0, 50000
function init(args) limit = tonumber(args[1]) or limit end
function response(status, headers, body)
	n = n + 1
	if n >= limit then wrk.thread:stop() end
end
