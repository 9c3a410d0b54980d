#!/bin/sh
# Run a usermode image: it is an ordinary process, so just start it, under
# the user-mode emulator when it was built for another architecture
# (qemu-aarch64 for an arm64 image on an x86_64 host; HAKO_QEMU_USER names
# another).  Usage: run.sh IMAGE [ARGS...]; exits with the app's status.
# IMAGE.initrd, when it exists (make builds it from the app's rootfs/), is
# passed as --initrd=.  HAKO_DISKS="PATH[:ro] ...": block devices disk0,
# disk1... (--disk=; paths without spaces).
# HAKO_SHUTDOWN_AFTER=S: send SIGTERM (the platform's shutdown request) S
# seconds after the start, as every port's run.sh does with its own request
# (qemu-user passes it on to the image).
if [ $# -lt 1 ]; then
	echo "usage: $0 IMAGE [ARGS...]" >&2
	exit 2
fi
image=$1
shift
opts=
[ -f "$image.initrd" ] && opts="--initrd=$image.initrd"
for d in ${HAKO_DISKS:-}; do
	opts="$opts --disk=$d"
done
# (Before ARGS, which may hold port options of their own, --mem=...)
# shellcheck disable=SC2086 # opts is a word list (no spaces in its paths)
set -- "$image" $opts "$@"
# ELF e_machine (bytes 18-19, little endian): 3e00 x86_64, b700 AArch64.
machine=$(od -An -tx1 -j18 -N2 "$image" 2>/dev/null | tr -d ' \n')
case $machine:$(uname -m) in
b700:aarch64 | 3e00:x86_64 | :*) ;;
b700:*) set -- "${HAKO_QEMU_USER:-qemu-aarch64}" "$@" ;;
3e00:*) set -- "${HAKO_QEMU_USER:-qemu-x86_64}" "$@" ;;
esac
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
