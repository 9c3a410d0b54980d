#!/bin/sh
# block-rig: the rig dom0's disk hotplug script (busybox sh), installed as
# /etc/xen/scripts/block, the script xl runs for every disk of the phy
# backend; Debian's (bash, seconds per call under TCG, and it stalled past
# libxl's timeout in this dom0) stays beside it as block.debian.  It does
# what that script does for a disk without sharing checks:
#   add:    a block device target as it is, a file through a free loop
#           device (read-only for mode r); then physical-device (hex
#           major:minor, what blkback opens), physical-device-path and
#           hotplug-status "connected";
#   remove: the loop device it made is released.
# Environment from libxl: XENBUS_PATH (the backend's xenstore path); the
# target is the backend's params key, the access its mode key.
set -u
cmd=${1:-}
be=${XENBUS_PATH:?block-rig: no XENBUS_PATH}

fail() {
    xenstore-write "$be/hotplug-error" "block-rig: $*" "$be/hotplug-status" error
    echo "block-rig: $*" >&2
    exit 1
}

# Each program run costs ~70 ms under TCG: the backend's keys come in one
# xenstore-ls, the loop device's numbers from sysfs, the keys go out in one
# xenstore-write.
case $cmd in
add)
    p= mode=w have=
    while read -r k _ v; do
        v=${v#\"} v=${v%\"}
        case $k in
        params) p=$v ;;
        mode) mode=$v ;;
        physical-device) have=1 ;;
        esac
    done <<EOF
$(xenstore-ls "$be" 2>/dev/null)
EOF
    [ -z "$have" ] || exit 0 # (libxl may call add twice)
    [ -n "$p" ] || fail "no params"
    if [ -b "$p" ]; then
        dev=$p
        mm=$(stat -L -c %t:%T "$dev") || fail "stat $dev"
    elif [ -f "$p" ]; then
        ro=
        [ "$mode" = r ] && ro=-r
        # One at a time: two disks must not take the same free device.
        exec 9>/run/block-rig.lock
        flock 9
        n=0
        while [ -e "/sys/block/loop$n/loop" ]; do n=$((n + 1)); done
        dev=/dev/loop$n
        [ -b "$dev" ] || fail "no free loop device ($dev)"
        losetup $ro "$dev" "$p" || fail "losetup $dev $p"
        exec 9>&-
        IFS=: read -r major minor <"/sys/block/loop$n/dev" || fail "no /sys/block/loop$n/dev"
        mm=$(printf '%x:%x' "$major" "$minor")
    else
        fail "$p: no such file or block device"
    fi
    xenstore-write "$be/node" "$dev" "$be/physical-device" "$mm" \
        "$be/physical-device-path" "$dev" "$be/hotplug-status" connected
    ;;
remove)
    node=$(xenstore-read "$be/node" 2>/dev/null) && losetup -d "$node"
    exit 0
    ;;
*) fail "unknown command '$cmd'" ;;
esac
