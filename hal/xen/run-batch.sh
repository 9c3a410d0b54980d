#!/bin/sh
# Run several images in one boot of the Xen rig (dom0 Linux boots once,
# each image is an `xl create` in it), or one QEMU run each as dom0.
#   hal/xen/run-batch.sh CASES OUTDIR
# CASES has one case a line: NAME<TAB>AFTER<TAB>IMAGE[<TAB>ARG]..., AFTER
# being 0 or the seconds after which the guest gets a shutdown request.  Writes
# OUTDIR/NAME.out (console), OUTDIR/NAME.status (exit status, as run.sh's)
# and OUTDIR/NAME.xen (Xen's own console lines while the case ran: why a
# domain crashed).
# Environment: as run.sh (XEN_MODE, XEN_MEMORY, XEN_TIMEOUT).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 2 ] || { echo "usage: hal/xen/run-batch.sh CASES OUTDIR" >&2; exit 2; }
cases=$1
outdir=$2
tab=$(printf '\t')

if [ "${XEN_MODE:-domu}" = dom0 ]; then
	# A dom0 run is its own QEMU boot: nothing to share.
	while IFS="$tab" read -r name after image rest; do
		[ -n "$name" ] || continue
		# shellcheck disable=SC2086 # ARGs are tab-separated fields
		(IFS="$tab"; set -f; HAKO_SHUTDOWN_AFTER=${after#0} XEN_LOG="$outdir/$name.serial" \
			"$top/hal/xen/run.sh" "$image" $rest) >"$outdir/$name.out" 2>"$outdir/$name.log" \
			</dev/null &&
			echo 0 >"$outdir/$name.status" || echo $? >"$outdir/$name.status"
		tr -d '\r' <"$outdir/$name.serial" | sed -n '/Serial input to DOM0/,$p' |
			grep -a '^(XEN)' >"$outdir/$name.xen" || true
	done <"$cases"
	exit 0
fi

# The rig's batch format: NAME, IMAGE, MEMORY_MIB, SHUTDOWN_AFTER_S, ARGs.
batch=$outdir/rig-batch
: >"$batch"
while IFS="$tab" read -r name after image rest; do
	[ -n "$name" ] || continue
	mem=${XEN_MEMORY:-}
	if [ -z "$mem" ] && [ -f "$image.xl" ]; then
		mem=$(sed -n 's/^memory = \([0-9][0-9]*\)$/\1/p' "$image.xl")
	fi
	printf '%s\t%s\t%s\t%s%s\n' "$name" "$image" "$mem" "$after" "${rest:+$tab$rest}" >>"$batch"
done <"$cases"
"$top/test/xen/run.sh" --batch "$batch" --outdir "$outdir" \
	${XEN_TIMEOUT:+--timeout "$XEN_TIMEOUT"} >"$outdir/rig.log" 2>&1 || true
# A case the rig never reached has no status: say so rather than pass.
while IFS="$tab" read -r name _; do
	[ -n "$name" ] || continue
	[ -f "$outdir/$name.status" ] || { echo 124 >"$outdir/$name.status"; tail -n 20 "$outdir/rig.log" >>"$outdir/$name.out"; }
done <"$cases"
