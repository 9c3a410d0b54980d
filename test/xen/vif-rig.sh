#!/bin/sh
# vif-rig: the rig dom0's network hotplug script (busybox sh), what xl runs
# for every vif (xl.conf: vif.default.script="vif-rig") instead of Debian's
# vif-bridge, which needs bash and takes seconds per call under TCG.  It does
# the part of vif-bridge that a bridged vif needs:
#   online:  the bridge's MTU on the vif and in the frontend's mtu key, the
#            vif into the bridge and up, hotplug-status "connected" (what
#            libxl and netback wait for);
#   offline: the vif out of the bridge.
# Environment from libxl: XENBUS_PATH (the backend's xenstore path), vif (the
# device, vifD.N); the bridge from the backend's bridge key (xenbr0 if none).
# A config may still name script=vif-bridge: Debian's scripts are installed.
set -u
cmd=${1:-}
dev=${vif:?vif-rig: no vif in the environment}
be=${XENBUS_PATH:?vif-rig: no XENBUS_PATH}

fail() {
    xenstore-write "$be/hotplug-error" "vif-rig: $*" "$be/hotplug-status" error
    echo "vif-rig: $*" >&2
    exit 1
}

# (each program run costs ~70 ms under TCG: as few as can be)
case $cmd in
online | add)
    br=$(xenstore-read "$be/bridge" 2>/dev/null) || br=xenbr0
    read -r mtu <"/sys/class/net/$br/mtu" || fail "no bridge $br"
    ip link set dev "$dev" mtu "$mtu" master "$br" up || fail "$dev: mtu $mtu, into $br, up"
    # vifD.N -> /local/domain/D/device/vif/N
    id=${dev#vif}
    xenstore-write "/local/domain/${id%.*}/device/vif/${id#*.}/mtu" "$mtu" \
        "$be/hotplug-status" connected
    ;;
offline | remove)
    ip link set dev "$dev" down nomaster 2>/dev/null
    exit 0
    ;;
*) fail "unknown command '$cmd'" ;;
esac
