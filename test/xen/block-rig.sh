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

case $cmd in
add)
    # (libxl may call add twice)
    xenstore-read "$be/physical-device" >/dev/null 2>&1 && exit 0
    p=$(xenstore-read "$be/params") || fail "no params"
    mode=$(xenstore-read "$be/mode" 2>/dev/null) || mode=w
    if [ -b "$p" ]; then
        dev=$p
    elif [ -f "$p" ]; then
        ro=
        [ "$mode" = r ] && ro=-r
        # One at a time: two disks must not take the same free device.
        exec 9>/run/block-rig.lock
        flock 9
        dev=$(losetup -f) || fail "no free loop device"
        losetup $ro "$dev" "$p" || fail "losetup $dev $p"
        flock -u 9
        xenstore-write "$be/node" "$dev"
    else
        fail "$p: no such file or block device"
    fi
    mm=$(stat -L -c %t:%T "$dev") || fail "stat $dev"
    xenstore-write "$be/physical-device" "$mm" "$be/physical-device-path" "$dev" \
        "$be/hotplug-status" connected
    ;;
remove)
    node=$(xenstore-read "$be/node" 2>/dev/null) && losetup -d "$node"
    exit 0
    ;;
*) fail "unknown command '$cmd'" ;;
esac
