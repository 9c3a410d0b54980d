# SPDX-License-Identifier: MIT
# The QEMU ports' run.sh share this (sourced, POSIX sh): the virtio NIC and
# disks from the environment, and the power button.  Before sourcing, set
#   qemu_nic  the NIC's -device value without mac= (e.g. virtio-net-pci,netdev=net0)
#   qemu_blk  the disks' device model (e.g. virtio-blk-pci)
#   net       what HAKO_NET asks for (none, user, passt, tap:NAME; empty: none)
#   here      run.sh's folder; tmp: the run's folder (passt's socket goes there;
#             run.sh's exit kills $passt_pid when set)
# It appends the device options to the positional parameters and defines
# powerdown and qemu_press_after, which need $tmp (the run's folder, with
# QEMU's QMP socket at $tmp/qmp).  A bad value exits 2 with a message.

if [ -n "${HAKO_NET_MAC:-}" ]; then
	case $HAKO_NET_MAC in
	[0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F]) ;;
	*)
		echo "$0: HAKO_NET_MAC must be six hexadecimal bytes, a:b:c:d:e:f" >&2
		exit 2
		;;
	esac
	qemu_nic=$qemu_nic,mac=$HAKO_NET_MAC
fi
case $net in
"" | none) ;;
user | passt)
	fwd= shown= rules=
	for rule in ${HAKO_HOSTFWD-tcp:127.0.0.1:8007-:7 tcp:127.0.0.1:8080-:80}; do
		case $rule in
		tcp::* | udp::*) rule="${rule%%:*}:127.0.0.1:${rule#*::}" ;;
		tcp:* | udp:*) ;;
		*)
			echo "$0: HAKO_HOSTFWD rule '$rule' is not PROTO:[ADDR]:PORT-[ADDR]:PORT" >&2
			exit 2
			;;
		esac
		fwd="$fwd,hostfwd=$rule" rules="$rules $rule"
		shown="$shown ${rule%%-*} -> ${rule#*-}"
	done
	if [ "$net" = user ]; then
		set -- "$@" -netdev "user,id=net0$fwd" -device "$qemu_nic"
	else
		# (in $tmp, which run.sh made before and removes after, ending passt)
		. "$here/../common/passt.sh"
		# shellcheck disable=SC2086 # the rules are a word list
		passt_netdev "$tmp" net0 $rules || exit 2
		set -- "$@" -netdev "$passt_netdev" -device "$qemu_nic"
	fi
	# (where to point a client: httpd's port 80 is http://127.0.0.1:8080/)
	via=
	[ "$net" = passt ] && via=" by passt"
	[ -z "$shown" ] || echo "run: forwarded from the host$via:$shown" >&2
	;;
tap:?*)
	set -- "$@" -netdev "tap,id=net0,ifname=${net#tap:},script=no,downscript=no" \
		-device "$qemu_nic"
	;;
*)
	echo "$0: HAKO_NET must be user, passt, tap:NAME or none" >&2
	exit 2
	;;
esac

# Disks: disk_arg N PATH RO prints the -drive value of disk N.
disk_arg() {
	if [ ! -f "$2" ]; then
		echo "$0: disk image '$2' is not a file" >&2
		return 1
	fi
	# QEMU's option syntax doubles commas in a value.
	printf 'if=none,id=disk%s,format=raw,file=%s%s' "$1" "$(printf '%s' "$2" | sed 's/,/,,/g')" \
		"$([ "$3" = 1 ] && echo ,readonly=on)"
}
ndisks=0
if [ -n "${HAKO_DISK:-}" ]; then
	drive=$(disk_arg 0 "$HAKO_DISK" "${HAKO_DISK_RO:-0}") || exit 2
	set -- "$@" -drive "$drive" -device "$qemu_blk,drive=disk0"
	ndisks=1
fi
for d in ${HAKO_DISKS:-}; do
	ro=0
	case $d in *:ro) d=${d%:ro} ro=1 ;; esac
	drive=$(disk_arg "$ndisks" "$d" "$ro") || exit 2
	set -- "$@" -drive "$drive" -device "$qemu_blk,drive=disk$ndisks"
	ndisks=$((ndisks + 1))
done

# The power button: QMP's system_powerdown (what a host's "virsh shutdown"
# sends; the port turns it into the image's shutdown request).  QMP wants
# its capabilities negotiated before any command.
powerdown() {
	python3 - "$tmp/qmp" <<'PY' || echo "$0: could not press the power button (no answer from QEMU)" >&2
import json, socket, sys
try:
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    f = s.makefile("rw")
    f.readline()
    for cmd in ("qmp_capabilities", "system_powerdown"):
        f.write(json.dumps({"execute": cmd}) + "\n")
        f.flush()
        f.readline()
except OSError:  # QEMU has ended, or never started: said in one line
    sys.exit(1)
PY
}

# qemu_press_after: with HAKO_SHUTDOWN_AFTER=S, press the button S seconds
# from now, in the background (its pid in $presser; empty without).
qemu_press_after() {
	presser=
	[ -n "${HAKO_SHUTDOWN_AFTER:-}" ] || return 0
	case $HAKO_SHUTDOWN_AFTER in
	*[!0-9.]* | "")
		echo "$0: HAKO_SHUTDOWN_AFTER must be a number of seconds" >&2
		exit 2
		;;
	esac
	(
		sleep "$HAKO_SHUTDOWN_AFTER"
		powerdown
	) &
	presser=$!
}
