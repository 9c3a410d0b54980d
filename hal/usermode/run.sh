#!/bin/sh
# Run a usermode image: it is an ordinary process, so just start it.
# Usage: run.sh IMAGE [ARGS...]; exits with the app's status.
exec "$@"
