# dom0 side of test/xen-life.sh (busybox sh in the rig's dom0, started as
# `sh dom0.sh NAME DOMID` once case NAME's domain exists).  Drives the case
# through the xl lifecycle or the balloon and prints one line per check:
#   check TEXT: ok        or        check TEXT: FAIL DETAIL
# which the host turns into test cases.  Other guests it makes itself are
# named NAME-rb (on_reboot = "restart") and NAME-crash (the crash app,
# on_crash = "preserve"), from NAME's own config.
name=$1 domid=$2
files=/rig/files

check() { if [ "$2" = 0 ]; then echo "check $1: ok"; else echo "check $1: FAIL ${3:-}"; fi; }
state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }
mem() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $3 }'; }
count() {
    c=$(grep -c "$2" "/var/log/xen/console/guest-$1.log" 2>/dev/null)
    echo "${c:-0}"
}
# waitfor DOM PATTERN [N] [TENTHS]: until DOM's console log has N lines
# matching PATTERN (default 1, within 15 s).
waitfor() {
    n=${3:-1} i=0
    until [ "$(count "$1" "$2")" -ge "$n" ]; do
        i=$((i + 1))
        [ $i -lt "${4:-150}" ] || return 1
        sleep 0.1
    done
}
# waitstate DOM PATTERN: until xl list's state matches the case pattern.
waitstate() {
    i=0
    while :; do
        s=$(state "$1")
        case $s in $2) return 0 ;; esac
        i=$((i + 1))
        [ $i -lt 100 ] || return 1
        sleep 0.1
    done
}
# derive SUFFIX SED...: NAME's config as guest NAME-SUFFIX, edited by SED.
derive() {
    sfx=$1
    shift
    sed -e "s/^name = .*/name = \"$name-$sfx\"/" -e '/^uuid/d' "$@" "/rig/$name.cfg" >"/run/$sfx.cfg"
    printf 'uuid = "6861686b-6f00-4000-8000-0000000000%s"\n' "$(echo "$sfx" | md5sum | cut -c1-2)" >>"/run/$sfx.cfg"
}

lifecycle() {
    waitfor "$name" '^tick 3 '
    check "create: the guest runs and ticks" $? "$(tail -n 3 /var/log/xen/console/guest-$name.log)"
    s=$(state "$name")
    case $s in r-----|-b----) r=0 ;; *) r=1 ;; esac
    check "xl list: running or blocked after create ($s)" $r

    xl pause "$name"
    s=$(state "$name")
    case $s in ??p*) r=0 ;; *) r=1 ;; esac
    check "xl pause: xl list says paused ($s)" $r
    sleep 0.5
    a=$(count "$name" '^tick ')
    sleep 2
    b=$(count "$name" '^tick ')
    check "xl pause: no tick in 2 s while paused ($a then $b)" "$([ "$a" = "$b" ]; echo $?)"
    xl unpause "$name"
    s=$(state "$name")
    case $s in ??p*) r=1 ;; *) r=0 ;; esac
    check "xl unpause: xl list no longer says paused ($s)" $r
    waitfor "$name" '^tick ' $((b + 3)) 50
    check "xl unpause: ticks go on" $? "$(count "$name" '^tick ') ticks"

    "$files/ptyrun" 15 'tick ' xl console "$name" >/run/console.out 2>/run/console.err
    r=$?
    check "xl console on a pty: shows the guest, Ctrl-] detaches it (status 0)" $r \
        "status $r: $(tr '\r\n' '  ' </run/console.err)"
    grep -q '^tick [0-9]' /run/console.out
    check "xl console: the guest's lines came through" $? "$(head -c 200 /run/console.out)"
    s=$(state "$name")
    case $s in r-----|-b----) r=0 ;; *) r=1 ;; esac
    check "xl console: the guest runs on after the detach ($s)" $r

    # reboot with on_reboot = "restart": a second boot of the same image.
    derive rb -e 's/^on_reboot = .*/on_reboot = "restart"/'
    xl create /run/rb.cfg >/run/rb.log 2>&1
    check "reboot guest: xl create" $? "$(tail -n 2 /run/rb.log)"
    waitfor "$name-rb" '^tick 2 '
    id1=$(xl domid "$name-rb")
    xl reboot "$name-rb" >>/run/rb.log 2>&1
    waitfor "$name-rb" '^tick: up on' 2 200
    check "xl reboot (on_reboot = restart): the image starts again, a second boot line" $? \
        "$(grep -c 'tick: up on' "/var/log/xen/console/guest-$name-rb.log") boot lines"
    grep -q 'tick: shutdown requested' "/var/log/xen/console/guest-$name-rb.log"
    check "xl reboot: the first boot saw the request and ended cleanly" $?
    id2=$(xl domid "$name-rb")
    check "xl reboot: a new domain ($id1 then $id2)" "$([ -n "$id2" ] && [ "$id1" != "$id2" ]; echo $?)"
    xl destroy "$name-rb"
    sleep 0.5
    xl list "$name-rb" >/dev/null 2>&1
    check "xl destroy: the domain is gone from xl list" "$([ $? != 0 ]; echo $?)"

    # crash with on_crash = "preserve": stays listed as crashed; a core.
    derive crash -e 's/^on_crash = .*/on_crash = "preserve"/' \
        -e "s|^kernel = .*|kernel = \"$files/crash\"|" -e 's/^cmdline = .*/cmdline = "null"/'
    xl create /run/crash.cfg >/run/crash.log 2>&1
    waitstate "$name-crash" '????c?'
    check "crash (on_crash = preserve): xl list says crashed ($(state "$name-crash"))" $?
    xl dump-core "$name-crash" /run/crash.core >>/run/crash.log 2>&1
    check "xl dump-core of the crashed guest" $? "$(tail -n 2 /run/crash.log)"
    magic=$(head -c 4 /run/crash.core | od -An -c | tr -d ' ')
    check "xl dump-core: an ELF file ($magic, $(wc -c </run/crash.core) bytes)" \
        "$([ "$magic" = '177ELF' ]; echo $?)"
    rm -f /run/crash.core
    xl destroy "$name-crash"
    xl list "$name-crash" >/dev/null 2>&1
    check "xl destroy of the crashed guest" "$([ $? != 0 ]; echo $?)"

    # Last: shut the case's own guest down; the host checks its status.
    xl shutdown "$name"
    waitstate "$name" '???s??' || true
    echo "state after xl shutdown: $(state "$name")"
}

destroy() {
    waitfor "$name" '^tick 2 '
    xl destroy "$name"
}

balloon() {
    t=/local/domain/$domid/memory/target
    waitfor "$name" '^tick 2 '
    m=$(mem "$name")
    check "balloon: starts at 32 MiB (xl list $m, target $(xenstore-read $t))" \
        "$([ "$m" = 32 ]; echo $?)"
    xl mem-set "$name" 16m
    waitfor "$name" 'balloon: gave back.*now 16384 KiB'
    check "xl mem-set 16m: the guest gives 16 MiB back" $?
    m=$(mem "$name")
    check "xl mem-set 16m: xl list says 16 MiB ($m)" "$([ "$m" = 16 ]; echo $?)"
    a=$(count "$name" '^tick ')
    waitfor "$name" '^tick ' $((a + 3)) 50
    check "xl mem-set 16m: the app runs and allocates on" $?

    xenstore-write "$t" 'lots please'
    waitfor "$name" "memory/target 'lots please' is not a number of KiB: ignored"
    check "memory/target not a number: said and ignored" $?
    xenstore-write "$t" 16384
    m=$(mem "$name")
    check "memory/target not a number: memory unchanged ($m)" "$([ "$m" = 16 ]; echo $?)"

    xl mem-set "$name" 4m
    waitfor "$name" 'balloon: target 4096 KiB is below what the image uses'
    check "xl mem-set 4m (below use): refused politely on the console" $?
    waitfor "$name" 'balloon: gave back.*now' 2
    m=$(mem "$name")
    check "xl mem-set 4m: gave back what it could (xl list $m MiB)" \
        "$([ "$m" -lt 16 ] && [ "$m" -gt 4 ]; echo $?)"
    a=$(count "$name" '^tick ')
    waitfor "$name" '^tick ' $((a + 3)) 50
    check "xl mem-set 4m: the app runs and allocates on" $?

    xl mem-set "$name" 32m
    waitfor "$name" 'balloon: took .* back, now 32768 KiB'
    check "xl mem-set 32m: the guest takes its memory back" $?
    m=$(mem "$name")
    check "xl mem-set 32m: xl list says 32 MiB ($m)" "$([ "$m" = 32 ]; echo $?)"
    xenstore-write "$t" 65536
    waitfor "$name" 'balloon: target 65536 KiB is above the 32768 KiB this image booted with'
    check "memory/target above the boot size: said, kept at 32 MiB" $?
    a=$(count "$name" '^tick ')
    waitfor "$name" '^tick ' $((a + 3)) 50
    check "xl mem-set 32m: the app runs and allocates on" $?
    c=$(count "$name" 'churn: no memory')
    check "the app's allocations never failed ($c failed)" "$([ "$c" = 0 ]; echo $?)"
    xl shutdown "$name"
}

# libvirtd with its libxl driver, from the layer the host built
# (test/xen/libvirt-layer.sh), then virsh create / shutdown / destroy of
# make's XML for tick (its kernel path made /rig/files/tick's).
virsh_case() {
    # In a ramfs of its own: the root's tmpfs is capped at half of dom0's
    # memory; the libraries are found through LD_LIBRARY_PATH, the driver
    # and the configuration through links to where libvirt looks.
    mkdir -p /lv
    mount -t ramfs ramfs /lv
    tar -xzf "$files/libvirt-layer.tar.gz" -C /lv 2>/run/untar.log
    check "libvirt: the layer unpacks in dom0" $? "$(tail -n 2 /run/untar.log)"
    rm -f "$files/libvirt-layer.tar.gz" # (dom0's memory)
    mkdir -p /usr/lib/x86_64-linux-gnu
    ln -s /lv/usr/lib/x86_64-linux-gnu/libvirt /usr/lib/x86_64-linux-gnu/libvirt
    rm -rf /etc/libvirt /usr/share/libvirt
    ln -s /lv/etc/libvirt /etc/libvirt
    mkdir -p /usr/share
    ln -s /lv/usr/share/libvirt /usr/share/libvirt
    grep -q '^root:' /etc/passwd 2>/dev/null || echo 'root:x:0:0:root:/root:/bin/sh' >>/etc/passwd
    grep -q '^root:' /etc/group 2>/dev/null || echo 'root:x:0:' >>/etc/group
    export LD_LIBRARY_PATH=/lv/usr/lib/x86_64-linux-gnu PATH=/lv/usr/sbin:/lv/usr/bin:$PATH
    v="virsh -c xen:///system"
    mkdir -p /run/libvirt /var/lib/libvirt/libxl /var/log/libvirt/libxl /var/cache/libvirt \
        /var/lib/libvirt/libxl/save
    LIBVIRT_LOG_OUTPUTS="3:file:/run/libvirtd.log" libvirtd >/run/libvirtd.out 2>&1 &
    lvpid=$!
    i=0
    until [ -S /run/libvirt/libvirt-sock ] && $v version >/run/virsh-version 2>&1; do
        i=$((i + 1))
        kill -0 $lvpid 2>/dev/null && [ $i -lt 60 ] || break
        sleep 0.5
    done
    check "libvirt: libvirtd with the libxl driver answers virsh ($(grep '^Running hypervisor' /run/virsh-version))" \
        "$(grep -q '^Running hypervisor: Xen' /run/virsh-version; echo $?)" \
        "$(tail -n 3 /run/virsh-version 2>/dev/null | tr '\n' ' ') libvirtd: $(tail -n 5 /run/libvirtd.out /run/libvirtd.log 2>/dev/null | tr '\n' ' ')"
    if ! grep -q '^Running hypervisor: Xen' /run/virsh-version; then
        echo "libvirtd's output:"
        head -n 20 /run/libvirtd.out /run/libvirtd.log 2>&1
        xl shutdown "$name"
        return
    fi
    sed "s|<kernel>.*</kernel>|<kernel>$files/tick</kernel>|" "$files/tick.libvirt.xml" >/run/dom.xml
    $v create /run/dom.xml >/run/virsh.log 2>&1
    check "virsh create of make's XML" $? "$(tail -n 3 /run/virsh.log)"
    waitfor hako-tick '^tick 2 '
    check "virsh create: the image runs (its console ticks)" $?
    s=$(state hako-tick)
    check "virsh create: xl list shows the domain ($s)" "$([ -n "$s" ]; echo $?)"
    $v shutdown hako-tick >>/run/virsh.log 2>&1
    check "virsh shutdown" $? "$(tail -n 3 /run/virsh.log)"
    i=0
    while xl list hako-tick >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 150 ] || break
        sleep 0.1
    done
    grep -q 'tick: shutdown requested' /var/log/xen/console/guest-hako-tick.log
    check "virsh shutdown: the guest saw the request and is gone" \
        "$([ $? = 0 ] && [ $i -lt 150 ]; echo $?)"
    $v create /run/dom.xml >>/run/virsh.log 2>&1
    waitfor hako-tick '^tick: up on' 2
    $v destroy hako-tick >>/run/virsh.log 2>&1
    check "virsh destroy" $? "$(tail -n 3 /run/virsh.log)"
    sleep 0.5
    xl list hako-tick >/dev/null 2>&1
    check "virsh destroy: the domain is gone" "$([ $? != 0 ]; echo $?)"
    xl shutdown "$name"
}

case $name in
life) lifecycle ;;
destroy) destroy ;;
balloon) balloon ;;
virsh) virsh_case ;;
*) echo "check dom0.sh knows case $name: FAIL" ;;
esac
