#!/bin/sh
# /init of the Xen test rig's dom0 (busybox sh, baked into the base initramfs
# by mkinitramfs.sh). It starts the Xen toolstack the way Debian's
# /etc/init.d/xen does, runs the guests that run.sh put into /rig, reports
# each one on the console (Xen's serial line), and ends the emulated machine
# through QEMU's isa-debug-exit port.
#
# Input (the per-run cpio from run.sh):
#   /rig/cases      one line per guest: NAME<TAB>TIMEOUT_S<TAB>SHUTDOWN_AFTER_S
#                   (0 = never ask it to shut down)
#   /rig/NAME.cfg   its xl config (name = "NAME", on_* = "destroy")
#   /rig/img/*      the images the configs point at
#   /rig/net        present: set up bridge xenbr0 (10.0.0.1/24) for vifs, with
#                   a DHCP server (MAC 00:16:3e:00:00:K gets 10.0.0.K+1)
#   /rig/blk        present: load blkback and loop; holds a size in MiB: every
#                   case gets a zeroed sparse /run/NAME.disk of that size
#                   (its config attaches it as xvda), removed when it ends
#   /rig/hostdisks  present: holds a count N: the host's disk image files
#                   are the rig's virtio-blk disks with serials hako-hd0...
#                   (run.sh --host-disk); dom0 loads blkback and virtio_blk
#                   and links them as /run/hd/0... for the cases' configs
#   /rig/NAME.sh    optional dom0-side script (e.g. a network client): started
#                   with `sh /rig/NAME.sh NAME DOMID` right after the domain
#                   is created, killed when the domain is gone
#   /rig/NAME.dump  present: post-mortem of a guest that crashed (its config
#                   says on_crash = "preserve") or timed out: xenctx prints
#                   its stack (with /rig/NAME.syms, the image's `nm -n`),
#                   `xl dump-core` writes its core, then it is destroyed
#
# Output on the console, for run.sh (lines start in column 0):
#   rig: ...                          progress, for humans
#   @@hako-rig begin NAME
#   @@hako:NAME| LINE                 each line the guest wrote to its console
#   @@hako-rig xl:NAME| LINE          xl's own output, when it failed
#   @@hako-rig dom0:NAME| LINE        output of /rig/NAME.sh
#   @@hako-rig xenctx:NAME| LINE      xenctx's output (post-mortem)
#   @@hako-rig core:NAME| LINE        the core, gzip'ed, in base64 lines
#   @@hako-rig core-end NAME SUM      after them: the md5sum of the gzip
#                                     stream (the host checks it)
#   @@hako-rig end NAME reason=R ms=T lines=N
#                                     R: poweroff reboot suspend crash watchdog
#                                     soft_reset destroyed (xl destroy from
#                                     outside) timeout error; T: guest run
#                                     time; N: lines sent above
#   @@hako-rig done                   all cases ran
#   @@hako-rig fail MESSAGE           the rig itself broke; nothing more follows
# Then it writes 0 (done) or 2 (fail) to port 0xf4: QEMU exits 1 or 5.

PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
export PATH

say() { echo "rig: $*"; }

# Every process dom0 starts costs 20-50 ms here (a PV guest's fork and exec
# under TCG), as much as a guest's whole run: what runs once per case uses
# the shell's builtins wherever it can.

# now_ms: /proc/uptime in milliseconds (10 ms resolution), into $ms.
# (1xx - 100: the hundredths without a leading zero taken for octal)
now_ms() {
    read -r up _ </proc/uptime
    ms=$((${up%.*} * 1000 + 10 * (1${up#*.} - 100)))
}

# nap SECONDS: sleep without starting a process (a read that times out on
# a FIFO nobody writes to; start_toolstack makes it).
nap() { read -r -t "$1" _ <>/run/nap; }

# End the emulated machine with status CODE (QEMU exits CODE*2+1). The short
# sleep lets the console's last line leave the tty before QEMU goes.
exit_qemu() {
    sleep 0.1
    # shellcheck disable=SC2059  # (the format is the byte itself, in octal)
    printf "\\$(printf %03o "$1")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    poweroff -f
}

fail() {
    say "FAILED: $*"
    for f in /run/*.log; do
        [ -s "$f" ] && sed "s|^|rig: ${f##*/}: |" "$f" | tail -20
    done
    echo "@@hako-rig fail $*"
    exit_qemu 2
}

start_toolstack() {
    mount -t proc proc /proc
    mount -t sysfs sysfs /sys
    mount -t devtmpfs devtmpfs /dev
    mkdir -p /dev/pts /dev/shm
    mount -t devpts devpts /dev/pts
    mount -t tmpfs tmpfs /run
    mkdir -p /run/lock /run/xen /run/xenstored /var/log/xen/console
    mkfifo /run/nap
    now_ms
    say "dom0 Linux up at $ms ms, starting the toolstack"

    # Debian builds these as modules and ships no modules.dep: load by path,
    # xen-privcmd before xenfs.
    read -r mods </lib/modules/rig/xen.list
    for m in $mods; do
        insmod "/lib/modules/rig/$m.ko" || fail "insmod $m"
    done
    mount -t xenfs xenfs /proc/xen || fail "mount xenfs"

    XENSTORED_ROOTDIR=/run/xenstored xenstored --pid-file=/run/xenstored.pid \
        >/run/xenstored.log 2>&1 || fail "xenstored"
    i=0
    until xenstore-read -s / >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "xenstored does not answer"
        sleep 0.05
    done
    xen-init-dom0 >/run/xen-init-dom0.log 2>&1 || fail "xen-init-dom0"
    xenconsoled --pid-file=/run/xenconsoled.pid --log=guest \
        --log-dir=/var/log/xen/console >/run/xenconsoled.log 2>&1 || fail "xenconsoled"
}

# The bridge for netfront tests; only when the run asks for it.
start_network() {
    read -r mods </lib/modules/rig/net.list
    for m in $mods; do
        insmod "/lib/modules/rig/$m.ko" || fail "insmod $m"
    done
    ip link set lo up
    brctl addbr xenbr0 || fail "brctl addbr"
    # Debian's busybox brctl lacks stp/setfd: no STP, no forwarding delay via sysfs.
    echo 0 >/sys/class/net/xenbr0/bridge/stp_state
    echo 0 >/sys/class/net/xenbr0/bridge/forward_delay
    # A fixed MAC: otherwise the bridge takes the first vif's fe:ff:ff:ff:ff:ff.
    ip link set xenbr0 address 02:00:0a:00:00:01
    ip addr add 10.0.0.1/24 dev xenbr0
    ip link set xenbr0 up || fail "xenbr0"
    start_dhcp
    say "bridge xenbr0 10.0.0.1/24 up, DHCP server on it"
}

# busybox udhcpd on the bridge.  MAC 00:16:3e:00:00:K (what run.sh gives
# case K, and make's xl configs use K=1) always gets 10.0.0.(K+1); anything
# else gets an address from 10.0.0.100-150.
start_dhcp() {
    conf=/run/udhcpd.conf
    {
        echo "interface xenbr0"
        echo "start 10.0.0.100"
        echo "end 10.0.0.150"
        echo "lease_file /run/udhcpd.leases"
        echo "option subnet 255.255.255.0"
        echo "option router 10.0.0.1"
        echo "option lease 3600"
        k=1
        while [ $k -le 64 ]; do
            printf 'static_lease 00:16:3e:00:00:%02x 10.0.0.%d\n' $k $((k + 1))
            k=$((k + 1))
        done
    } >$conf
    : >/run/udhcpd.leases
    udhcpd -f $conf >/run/udhcpd.log 2>&1 &
}

# blkback and loop devices, for disks; only when the run asks for them.
start_block() {
    read -r mods </lib/modules/rig/blk.list
    for m in $mods; do
        insmod "/lib/modules/rig/$m.ko" || fail "insmod $m"
    done
    say "blkback and loop loaded"
}

# The host's disk images (virtio-blk, serial hako-hdK) as /run/hd/K.
start_hostdisks() {
    read -r want </rig/hostdisks
    [ -e /rig/blk ] || start_block
    read -r mods </lib/modules/rig/hostdisk.list
    for m in $mods; do
        insmod "/lib/modules/rig/$m.ko" || fail "insmod $m"
    done
    mkdir -p /run/hd
    i=0
    while :; do
        found=0
        for b in /sys/block/vd*; do
            [ -e "$b/serial" ] || continue
            s=$(cat "$b/serial")
            case $s in
            hako-hd[0-9]*) ln -sf "/dev/${b##*/}" "/run/hd/${s#hako-hd}"; found=$((found + 1)) ;;
            esac
        done
        [ "$found" -ge "$want" ] && break
        i=$((i + 1))
        [ $i -lt 600 ] || fail "only $found of the host's $want disks appeared in 30 s"
        sleep 0.05
    done
    say "host disks: $(ls /run/hd | tr '\n' ' ')"
}

# prefix P FILE [COUNT_FILE]: FILE's lines behind P (awk also ends an
# unterminated last line, which a marker after it would otherwise join);
# their number into COUNT_FILE when given.
prefix() { awk -v p="$1" -v c="${3:-}" '{ print p $0 } END { if (c != "") print NR >c }' "$2"; }

# Map xl's "reason code N" (SHUTDOWN_* in xen/sched.h) to a word: $reason.
reason_of() {
    case $1 in
        0) reason=poweroff ;; 1) reason=reboot ;; 2) reason=suspend ;; 3) reason=crash ;;
        4) reason=watchdog ;; 5) reason=soft_reset ;; *) reason=code$1 ;;
    esac
}

# post_mortem NAME: the domain is still there (crashed and preserved, or
# hung): its stack, then its core, then destroy it.  The image is linked at
# 0x400000, where xenctx must look for the kernel (-k).
post_mortem() {
    pm=$1
    if ! pmid=$(xl domid "$pm" 2>/dev/null); then
        say "case $pm: no domain left for a post-mortem"
        return
    fi
    set --
    [ -s "/rig/$pm.syms" ] && set -- -s "/rig/$pm.syms"
    xenctx -f -k 0x400000 "$@" "$pmid" >"/run/xenctx-$pm.log" 2>&1 ||
        say "case $pm: xenctx failed"
    rm -f "/run/core-$pm"
    if xl dump-core "$pm" "/run/core-$pm" >"/run/dump-$pm.log" 2>&1; then
        say "case $pm: core of $(wc -c <"/run/core-$pm") bytes"
    else
        say "case $pm: xl dump-core failed: $(tail -n 3 "/run/dump-$pm.log" | tr '\n' ' ')"
    fi
    xl destroy "$pm" >>"/run/xl-$pm.log" 2>&1
}

# send_core NAME: the core on the console, checked by its sum.
send_core() {
    [ -s "/run/core-$1" ] || return 0
    gzip -1 -c "/run/core-$1" >"/run/core-$1.gz"
    rm -f "/run/core-$1"
    base64 "/run/core-$1.gz" | awk -v p="@@hako-rig core:$1| " '{ print p $0 }'
    set -- "$1" "$(md5sum "/run/core-$1.gz")"
    echo "@@hako-rig core-end $1 ${2%% *}"
    rm -f "/run/core-$1.gz"
}

run_case() {
    name=$1 limit=$2 after=$3
    cfg=/rig/$name.cfg
    conlog=/var/log/xen/console/guest-$name.log
    xllog=/run/xl-$name.log
    [ ! -e "$conlog" ] || rm -f "$conlog"
    if [ -e /rig/blk ]; then
        read -r mib </rig/blk
        rm -f "/run/$name.disk"
        truncate -s "${mib}M" "/run/$name.disk" || fail "cannot make /run/$name.disk"
    fi
    what="timeout ${limit}s"
    [ "$after" -gt 0 ] && what="$what, xl shutdown after ${after}s"
    say "case $name: xl create ($what)"
    now_ms
    t0=$ms
    echo "$t0" >"/run/t0-$name" # (for its dom0 script: the case's start, in uptime ms)

    # -F keeps xl in the foreground until the domain is gone and makes it log
    # the shutdown reason; without -c there is no 1 s console wait. The
    # console itself is read by xenconsoled into $conlog.
    timer=
    if [ "$after" -gt 0 ]; then
        (sleep "$after" && say "case $name: xl shutdown" && xl shutdown "$name" >>"$xllog.shutdown" 2>&1) </dev/null &
        timer=$!
    fi
    # (stdin: /dev/null, or xl would eat the rest of /rig/cases)
    timeout -s KILL "$limit" xl create -F "$cfg" </dev/null >"$xllog" 2>&1 &
    xlpid=$!
    helper=
    if [ -f "/rig/$name.sh" ]; then
        # xenconsoled opens the console log as xl creates the domain: from
        # then on the domain has an id (one `xl domid`, not a loop of them,
        # each as costly as a guest's boot).
        (
            i=0
            until [ -e "$conlog" ]; do
                i=$((i + 1))
                [ $i -lt 600 ] && kill -0 "$xlpid" 2>/dev/null || exit 1
                nap 0.05
            done
            domid=$(xl domid "$name" 2>/dev/null) || exit 1
            exec sh "/rig/$name.sh" "$name" "$domid"
        ) </dev/null >"/run/dom0-$name.log" 2>&1 &
        helper=$!
    fi
    wait "$xlpid"
    now_ms
    t1=$ms
    [ -z "$timer" ] || kill "$timer" 2>/dev/null
    [ -z "$helper" ] || kill "$helper" 2>/dev/null

    # xl's log, read by the shell: "... has shut down, reason code N" or
    # "... has been destroyed"
    code= destroyed=
    while IFS= read -r l; do
        case $l in
        *"has shut down, reason code "[0-9]*)
            if [ -z "$code" ]; then
                code=${l##*reason code }
                code=${code%%[!0-9]*}
            fi
            ;;
        *"has been destroyed"*) destroyed=1 ;;
        esac
    done <"$xllog"
    if [ -n "$code" ]; then
        reason_of "$code"
    elif [ -n "$destroyed" ]; then
        reason=destroyed   # (xl destroy from outside, e.g. the case's dom0 script)
    elif xl domid "$name" >/dev/null 2>&1; then
        # Still there: xl was killed by timeout. Take the domain down ourselves.
        reason=timeout
        [ -e "/rig/$name.dump" ] || xl destroy "$name" >>"$xllog" 2>&1
    else
        reason=error
    fi
    say "case $name: $reason after $((t1 - t0)) ms"
    if [ -e "/rig/$name.dump" ]; then
        case $reason in
        crash | timeout) post_mortem "$name" ;;
        *) xl destroy "$name" >/dev/null 2>&1 ;; # (preserved only on a crash)
        esac
    fi

    echo "@@hako-rig begin $name"
    # (counted for the end marker, which run.sh checks)
    lines=0
    if [ -f "$conlog" ]; then
        prefix "@@hako:$name| " "$conlog" /run/lines
        read -r lines </run/lines
    fi
    [ "$reason" = error ] && prefix "@@hako-rig xl:$name| " "$xllog"
    [ -f "/run/dom0-$name.log" ] && prefix "@@hako-rig dom0:$name| " "/run/dom0-$name.log"
    [ -f "/run/xenctx-$name.log" ] && prefix "@@hako-rig xenctx:$name| " "/run/xenctx-$name.log"
    send_core "$name"
    echo "@@hako-rig end $name reason=$reason ms=$((t1 - t0)) lines=${lines:-0}"
    # (its disk lives in dom0's RAM: the next cases need the room)
    [ ! -e "/run/$name.disk" ] || rm -f "/run/$name.disk"
}

main() {
    start_toolstack
    [ -e /rig/net ] && start_network
    [ -e /rig/blk ] && start_block
    [ -e /rig/hostdisks ] && start_hostdisks
    [ -s /rig/cases ] || fail "no /rig/cases (run this initramfs through run.sh)"
    now_ms
    say "dom0 ready at $ms ms"
    tab=$(printf '\t')
    while IFS=$tab read -r name limit after; do
        [ -n "$name" ] && run_case "$name" "$limit" "${after:-0}"
    done </rig/cases
    echo "@@hako-rig done"
    exit_qemu 0
}

main
