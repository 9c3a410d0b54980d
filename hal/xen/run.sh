#!/bin/sh
# Run a Xen PV image under the real Xen hypervisor inside QEMU (the test rig,
# test/xen/run.sh): as a domU started by the real `xl create` (default), or
# as dom0 with XEN_MODE=dom0.  The console goes to stdout; the exit status is
# the app's (255 for a crash, 124 for a timeout or a rig failure).
#
# Usage: hal/xen/run.sh IMAGE [ARGS...]
# Environment: XEN_MODE=domu|dom0, XEN_MEMORY=MiB (default: the memory line
# of IMAGE.xl, which make writes from CONFIG_XEN_MEM_MIB), XEN_TIMEOUT=S,
# XEN_SHUTDOWN_AFTER=S or HAKO_SHUTDOWN_AFTER=S (the convention of every
# port's run.sh): `xl shutdown` the domU S seconds after `xl create` (a dom0
# has no xenstore: it never gets a request), XEN_LOG=FILE (keep the whole
# serial log, Xen's lines included, there), XEN_DUMP_CORE=DIR (a domU that
# crashes or hangs is kept for a post-mortem: its xenctx and core go to DIR,
# test/xen/run.sh --dump-core; hal/xen/debug.sh uses it), HAKO_DISKS="PATH[:ro]
# ..." (domU: raw disk image files, disk0, disk1... in order, as every
# port's run.sh takes them: the rig's QEMU disks, which its dom0 exports to
# the guest through blkback; what the guest writes is in the files
# afterwards; test/xen/run.sh --host-disk).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: hal/xen/run.sh IMAGE [ARGS...]" >&2; exit 2; }
image=$1
shift
mode=${XEN_MODE:-domu}
case $mode in
dom0 | domu) ;;
*) echo "hal/xen/run.sh: XEN_MODE must be dom0 or domu, not '$mode'" >&2; exit 2 ;;
esac
mem=${XEN_MEMORY:-}
if [ -z "$mem" ] && [ -f "$image.xl" ]; then
	mem=$(sed -n 's/^memory = \([0-9][0-9]*\)$/\1/p' "$image.xl")
fi
after=${XEN_SHUTDOWN_AFTER:-${HAKO_SHUTDOWN_AFTER:-}}
[ "$mode" = domu ] || after=
disks=
for d in ${HAKO_DISKS:-}; do
	[ "$mode" = domu ] || { echo "hal/xen/run.sh: HAKO_DISKS needs a domU" >&2; exit 2; }
	disks="$disks --host-disk $d"
done
# shellcheck disable=SC2086 # disks is a word list (paths without spaces)
set -- --"$mode" $disks ${mem:+--memory "$mem"} ${XEN_TIMEOUT:+--timeout "$XEN_TIMEOUT"} \
	${after:+--shutdown-after "$after"} ${XEN_LOG:+--log "$XEN_LOG"} \
	${XEN_DUMP_CORE:+--dump-core "$XEN_DUMP_CORE"} -- "$image" "$@"
exec "$top/test/xen/run.sh" "$@"
