#!/bin/sh
# Run a usermode image: it is an ordinary process, so just start it.
# Usage: run.sh IMAGE [ARGS...]; exits with the app's status.
# HAKO_SHUTDOWN_AFTER=S: send SIGTERM (the platform's shutdown request) S
# seconds after the start, as every port's run.sh does with its own request.
if [ -z "${HAKO_SHUTDOWN_AFTER:-}" ]; then
	exec "$@"
fi
case $HAKO_SHUTDOWN_AFTER in
*[!0-9.]*)
	echo "$0: HAKO_SHUTDOWN_AFTER must be a number of seconds" >&2
	exit 2
	;;
esac
"$@" &
pid=$!
(sleep "$HAKO_SHUTDOWN_AFTER" && kill -TERM "$pid" 2>/dev/null) &
killer=$!
wait "$pid"
rc=$?
kill "$killer" 2>/dev/null
exit $rc
