# SPDX-License-Identifier: MIT
# passt for a guest's network, shared by the run.sh of usermode and of the
# QEMU ports (sourced, POSIX sh).  passt is rootless user-mode networking:
# it gives the guest QEMU's user-network addresses (10.0.2.15/24, gateway
# 10.0.2.2, DHCP), connects out for it as a NAT does, and forwards ports
# of 127.0.0.1 to it, listening with a real backlog (QEMU's own user
# network listens with a backlog of 1: under many clients it drops
# handshakes, and each costs that client a retransmission of a second).
#
#   passt_start DIR OPTIONS...: start passt in the background with its
#       UNIX socket at DIR/sock (DIR: an empty folder it may write: passt
#       drops root for nobody) and OPTIONS (its -t/-u forwards, ...).
#       Sets passt_pid.  Status 0 once the socket is ready; otherwise
#       passt's log is on stderr and the status is nonzero.
#   passt_netdev DIR ID RULE...: passt for a QEMU NIC: RULE... (QEMU's
#       hostfwd rules) as its forwards, started in DIR/passt (DIR: the run's
#       own folder), QEMU's -netdev value for it (id ID) in $passt_netdev.
#       Status 2 with a message when it cannot.
#   passt_fwd_options RULE...: QEMU's hostfwd rules (PROTO:ADDR:HPORT-:GPORT,
#       ADDR optional) as passt's options, into $passt_opts; status 2 with
#       a message for a rule of another form.

passt_fwd_options() {
	passt_opts=
	for rule in "$@"; do
		proto=${rule%%:*} rest=${rule#*:}
		addr=${rest%%:*} rest=${rest#*:}
		hport=${rest%%-*} gport=${rest#*-:}
		case $proto in tcp) flag=-t ;; udp) flag=-u ;; *) flag= ;; esac
		case $rule:$hport:$gport in
		*-:*:[0-9]*:[0-9]*) ;;
		*) flag= ;;
		esac
		case $hport$gport in *[!0-9]*) flag= ;; esac
		if [ -z "$flag" ]; then
			echo "$0: forward rule '$rule' is not PROTO:[ADDR]:PORT-:PORT" >&2
			return 2
		fi
		passt_opts="$passt_opts $flag ${addr:-127.0.0.1}/$hport:$gport"
	done
}

passt_start() {
	passt_dir=$1
	shift
	if ! command -v passt >/dev/null; then
		echo "$0: networking through passt needs passt (Debian: apt-get install passt)" >&2
		return 2
	fi
	chmod 1777 "$passt_dir"
	# passt sandboxes itself in a user namespace of its own, which the
	# kernel refuses inside a chroot.  There (run as root) it keeps root's
	# rights instead, to make its other namespaces: still sandboxed in its
	# own mount, IPC, UTS and PID namespaces with its system calls
	# filtered, but without the user namespace.  Said, not silent.
	if ! passt_try "$@" && grep -q "user namespace" "$passt_dir/passt.log" 2>/dev/null &&
		[ "$(id -u)" = 0 ]; then
		echo "run.sh: passt cannot make its user namespace here (a chroot?):" \
			"running it as root without one (--netns-only --runas 0:0)" >&2
		rm -f "$passt_dir/passt.log" "$passt_dir/sock"
		passt_try "$@" --netns-only --runas 0:0
	fi
	if ! [ -S "$passt_dir/sock" ] || ! kill -0 "$passt_pid" 2>/dev/null; then
		echo "$0: passt did not start:" >&2
		cat "$passt_dir/passt.log" >&2 2>/dev/null
		kill "$passt_pid" 2>/dev/null
		return 2
	fi
	sleep 0.02 # bound, now listening
}

# passt_try OPTIONS...: one start; status 1 if it ended first (its log
# says why), 2 if it never bound its socket.
passt_try() {
	passt -f -l "$passt_dir/passt.log" -s "$passt_dir/sock" -a 10.0.2.15 -n 24 -g 10.0.2.2 \
		"$@" </dev/null >/dev/null 2>&1 &
	passt_pid=$!
	i=0
	while [ ! -S "$passt_dir/sock" ]; do
		kill -0 "$passt_pid" 2>/dev/null || return 1
		[ $i -lt 500 ] || return 2
		sleep 0.01
		i=$((i + 1))
	done
}

passt_netdev() {
	pn_dir=$1 pn_id=$2
	shift 2
	passt_fwd_options "$@" || return 2
	# (passt runs as nobody: it must reach DIR/passt)
	chmod 711 "$pn_dir" && mkdir "$pn_dir/passt" || return 2
	# shellcheck disable=SC2086 # word lists
	passt_start "$pn_dir/passt" $passt_opts ${HAKO_PASST_ARGS:-} || return 2
	passt_netdev="stream,id=$pn_id,server=off,addr.type=unix,addr.path=$pn_dir/passt/sock"
}
