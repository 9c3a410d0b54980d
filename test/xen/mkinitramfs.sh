#!/bin/bash
# mkinitramfs.sh: build the dom0 Linux of the Xen test rig, once, from Debian
# packages (apt-get download + dpkg -x: nothing is installed on the host).
#
# Usage: test/xen/mkinitramfs.sh [--force]
#
# Output, in ${HAKO_CACHE:-$HOME/.cache/hako}/xen-rig/ (outside the source tree):
#   vmlinux        dom0 kernel: the raw ELF from the bzImage's xz stream (Xen
#                  would otherwise spend ~2.7 s of TCG time decompressing it)
#   initramfs.gz   base initramfs, gzip'd and padded to 512 bytes so that run.sh
#                  can append a per-run cpio (which must start 4-byte aligned)
#   busybox        static busybox for the host side (run.sh builds its cpio with it)
#   versions.txt   the packages the image was built from
#   initramfs.key  cache key: checksum of the rig files baked into the image
#                  (this script, common.sh, dom0-init.sh, vif-rig.sh,
#                  block-rig.sh) + the Xen version
# A run with a valid key is a no-op. --force rebuilds anyway.
#
# The initramfs holds busybox, bash, the Xen toolstack (xl, xenstored,
# xenconsoled, xen-init-dom0, xenstore-*), the libraries they need, the Xen
# kernel modules, and for netfront tests the bridge + netback modules and
# /etc/xen/scripts (vif-bridge needs real bash and flock: util-linux gives
# only /usr/bin/flock, xz-utils only a fallback xz for the host). Its /init is
# dom0-init.sh, which runs the cases run.sh puts into /rig.
#
# Exit status: 0 when the cache is valid, 1 on any failure.
# Needs: apt-get, dpkg, gzip, GNU grep; xz is taken from the host or, when
# missing, from the downloaded xz-utils package.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Packages unpacked into the build tree. The kernel package is added at run
# time (whatever linux-image-amd64 depends on today).
XEN_PKGS=(xen-utils-4.17 xen-utils-common xenstore-utils libxenmisc4.17 libxenstore4
    libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenhypfs1
    libxentoolcore1 libxentoollog1 libxendevicemodel1)
OTHER_PKGS=(busybox-static libyajl2 libuuid1 zlib1g liblzma5 libzstd1 libgcc-s1 libc6
    libtinfo6 bash util-linux xz-utils)

# Kernel modules, in load order (Debian ships no modules.dep in the package,
# so /init insmods them by path). The first group is always loaded, the
# others only when a run asks for networking or disks.
XEN_MODULES=(xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc)
NET_MODULES=(llc stp bridge xen-netback)
BLK_MODULES=(loop xen-blkback)
# Disk image files of the host, attached to the rig's QEMU as virtio-blk
# (run.sh --host-disk): dom0 exports them to guests as they are.
HOSTDISK_MODULES=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
    virtio_blk)

# Toolstack binaries from /usr/lib/xen-4.17/bin that dom0 needs.
# xenctx: the stack of a crashed or hung guest (run.sh --dump-core).
XEN_BINS=(xl xenstored xenconsoled xenconsole xen-init-dom0 libxl-save-helper xenctx)

KEY_FILE="$RIG_CACHE/initramfs.key"
WORK=""

cache_key() {
    local hv
    hv=$(dpkg-query -W -f='${Version}' "$XEN_HV_PKG" 2>/dev/null || echo none)
    echo "$(sha256_of "$RIG_DIR/mkinitramfs.sh" "$RIG_DIR/common.sh" "$RIG_DIR/dom0-init.sh" \
        "$RIG_DIR/vif-rig.sh" "$RIG_DIR/block-rig.sh") xen=$hv"
}

cache_valid() {
    [[ -f "$KEY_FILE" && "$(cat "$KEY_FILE")" == "$(cache_key)" ]] &&
        [[ -s "$RIG_CACHE/vmlinux" && -s "$RIG_CACHE/initramfs.gz" && -x "$RIG_CACHE/busybox" ]]
}

cleanup() { [[ -z "$WORK" ]] || rm -rf "$WORK"; }

# apt-get download the packages into the current directory. The Xen packages
# are pinned to the installed hypervisor's version when the mirror still has
# it: xl must match the hypervisor release. On a fresh machine the package
# lists may be empty, so try once more after apt-get update.
download() {
    local hv pkgs=() p
    hv=$(dpkg-query -W -f='${Version}' "$XEN_HV_PKG" 2>/dev/null || true)
    for p in "${XEN_PKGS[@]}"; do pkgs+=("$p${hv:+=$hv}"); done
    pkgs+=("${OTHER_PKGS[@]}")
    if ! try_download "${pkgs[@]}"; then
        say "apt-get download failed; running apt-get update"
        apt-get update -q >&2 || die "apt-get update failed"
        if ! try_download "${pkgs[@]}"; then
            [[ -n "$hv" ]] || die "apt-get download failed"
            say "warning: Xen tools $hv not on the mirror; taking the candidate version"
            pkgs=("${XEN_PKGS[@]}" "${OTHER_PKGS[@]}")
            try_download "${pkgs[@]}" || die "apt-get download failed"
        fi
    fi
}

try_download() {
    local kpkg
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    [[ -n "$kpkg" ]] || return 1
    # apt-get download drops privileges to _apt, which cannot write here;
    # it then falls back to root and warns: hide only that warning.
    apt-get download -q "$kpkg" "$@" 2>&1 >/dev/null | grep -v 'unsandboxed as root' >&2 || true
    # Success means every package is here (apt-get's status is lost in the pipe).
    local p
    for p in "$kpkg" "$@"; do
        p=${p%%=*}
        compgen -G "${p}_*.deb" >/dev/null || return 1
    done
}

# The vmlinux is the xz stream inside the bzImage. The xz magic can occur more
# than once; the first offset that decompresses to an ELF is the kernel.
# --single-stream makes xz ignore what follows the stream (the bzImage's tail).
extract_vmlinux() {
    local bz=$1 out=$2 xz=(xz) off magic
    if ! command -v xz >/dev/null; then
        xz=(env "LD_LIBRARY_PATH=$WORK/root/lib/x86_64-linux-gnu" "$WORK/root/usr/bin/xz")
    fi
    while read -r off; do
        # (tail dies of SIGPIPE when xz stops after the stream: only xz's status counts)
        { tail -c +$((off + 1)) "$bz" || true; } |
            "${xz[@]}" -dc --single-stream >"$out" 2>/dev/null || continue
        magic=$(head -c 4 "$out" | od -An -c | tr -d ' ')
        [[ "$magic" == '177ELF' ]] && return 0
    done < <(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$bz" | cut -d: -f1)
    die "no xz-compressed ELF found in $bz"
}

# Copy FILE (a path inside the unpacked tree) into the initramfs tree at the
# same path, following symlinks so the initramfs holds real files.
install_file() {
    local rel=$1
    mkdir -p "$WORK/initrd/$(dirname "$rel")"
    cp -L "$WORK/root/$rel" "$WORK/initrd/$rel"
}

# Resolve the shared libraries of the given binaries with the unpacked glibc's
# own loader (like ldd, but against the unpacked tree, not the host), and copy
# them in. A library found only on the host means a package is missing here.
install_libs() {
    local root=$WORK/root ld=$WORK/root/lib64/ld-linux-x86-64.so.2 bin line lib
    local libpath=$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu
    for bin in "$@"; do
        while read -r line; do
            case $line in
                *'not found'*) die "$bin: $line" ;;
                *'=> '*) lib=${line#*=> }; lib=${lib%% (*} ;;
                *) continue ;;
            esac
            [[ "$lib" == "$root"/* ]] || die "$bin needs $lib, which no downloaded package has"
            [[ -e "$WORK/initrd/${lib#"$root"/}" ]] || install_file "${lib#"$root"/}"
        done < <("$ld" --library-path "$libpath" --list "$root/$bin")
    done
    install_file lib64/ld-linux-x86-64.so.2
    # glibc dlopen()s libgcc_s at run time (pthread_cancel/exit); without it xl aborts.
    install_file lib/x86_64-linux-gnu/libgcc_s.so.1
}

build_tree() {
    local root=$WORK/root t=$WORK/initrd kver f m dep
    mkdir -p "$t"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,rig,root} \
        "$t"/var/{lib/xen,log/xen/console} "$t/lib/modules/rig"
    ln -s ../run "$t/var/run"
    ln -s ../run/lock "$t/var/lock"

    # busybox and its applet links (never over a real binary copied below).
    install_file bin/busybox
    while read -r f; do
        [[ -e "$t/$f" || -L "$t/$f" ]] || ln -s /bin/busybox "$t/$f"
    done < <("$root/bin/busybox" --list-full)

    # Real bash (Debian's hotplug scripts need it) and flock (locking.sh).
    rm -f "$t/bin/bash" "$t/usr/bin/flock"
    install_file bin/bash
    install_file usr/bin/flock

    # The toolstack, where libxl expects its helpers, plus links on PATH.
    for f in "${XEN_BINS[@]}"; do
        install_file "usr/lib/xen-4.17/bin/$f"
        ln -sf "/usr/lib/xen-4.17/bin/$f" "$t/usr/sbin/$f"
    done
    install_file usr/bin/xenstore
    for f in "$root"/usr/bin/xenstore-*; do
        ln -sf xenstore "$t/usr/bin/${f##*/}"
    done
    install_libs bin/bash usr/bin/flock usr/bin/xenstore \
        "${XEN_BINS[@]/#/usr/lib/xen-4.17/bin/}"

    # /etc/xen: xl.conf and the hotplug scripts, plus the rig's own fast
    # ones: vif-rig.sh made xl's default vif script, block-rig.sh in place
    # of Debian's block (kept as block.debian): xl has no default for that.
    cp -a "$root/etc/xen" "$t/etc/xen"
    install -m 0755 "$RIG_DIR/vif-rig.sh" "$t/etc/xen/scripts/vif-rig"
    echo 'vif.default.script="vif-rig"' >>"$t/etc/xen/xl.conf"
    mv "$t/etc/xen/scripts/block" "$t/etc/xen/scripts/block.debian"
    install -m 0755 "$RIG_DIR/block-rig.sh" "$t/etc/xen/scripts/block"

    # Kernel modules, flat in /lib/modules/rig so /init can insmod them by name.
    kver=$(basename "$(ls -d "$root"/lib/modules/*/)")
    for m in "${XEN_MODULES[@]}" "${NET_MODULES[@]}" "${BLK_MODULES[@]}" "${HOSTDISK_MODULES[@]}"; do
        f=$(find "$root/lib/modules/$kver" -name "$m.ko" | head -1)
        [[ -n "$f" ]] || die "module $m.ko not in linux-image ($kver)"
        for dep in $(LC_ALL=C grep -ao 'depends=[a-z0-9_,-]*' "$f" | cut -d= -f2 | tr ',' ' '); do
            [[ " ${XEN_MODULES[*]} ${NET_MODULES[*]} ${BLK_MODULES[*]} ${HOSTDISK_MODULES[*]} " == *" $dep "* ]] ||
                die "module $m needs $dep, which the rig does not load"
        done
        cp "$f" "$t/lib/modules/rig/$m.ko"
    done
    echo "${XEN_MODULES[*]}" >"$t/lib/modules/rig/xen.list"
    echo "${NET_MODULES[*]}" >"$t/lib/modules/rig/net.list"
    echo "${BLK_MODULES[*]}" >"$t/lib/modules/rig/blk.list"
    echo "${HOSTDISK_MODULES[*]}" >"$t/lib/modules/rig/hostdisk.list"

    install -m 0755 "$RIG_DIR/dom0-init.sh" "$t/init"
    echo "$kver" >"$t/etc/rig-kernel"
}

main() {
    local force=0
    case ${1:-} in
        --force) force=1 ;;
        '') ;;
        *) die "usage: $0 [--force]" ;;
    esac
    ((force)) || ! cache_valid || { say "cache valid: $RIG_CACHE"; return 0; }

    mkdir -p "$RIG_CACHE"
    # One builder at a time: parallel test runs may all find the cache stale.
    exec 9>"$RIG_CACHE/.build.lock"
    flock 9
    if ((!force)) && cache_valid; then
        say "cache built by another run: $RIG_CACHE"
        return 0
    fi

    local t0 t1 key
    t0=$(now_ms)
    key=$(cache_key)
    WORK=$(mktemp -d "$RIG_CACHE/build.XXXXXX")
    trap cleanup EXIT

    say "downloading Debian packages into $WORK/debs"
    mkdir -p "$WORK/debs" "$WORK/root"
    (cd "$WORK/debs" && download)
    say "unpacking $(find "$WORK/debs" -name '*.deb' | wc -l) packages ($(du -sh "$WORK/debs" | cut -f1))"
    local deb
    for deb in "$WORK"/debs/*.deb; do dpkg -x "$deb" "$WORK/root"; done
    # shellcheck disable=SC2016  # (dpkg-deb's format, not the shell's)
    for deb in "$WORK"/debs/*.deb; do dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb"; done \
        >"$WORK/versions.txt"

    say "extracting vmlinux from the bzImage"
    local bz
    bz=$(find "$WORK/root/boot" -name 'vmlinuz-*' | head -1)
    [[ -n "$bz" ]] || die "no /boot/vmlinuz-* in the kernel package"
    extract_vmlinux "$bz" "$WORK/vmlinux"

    say "assembling the initramfs tree"
    build_tree

    say "packing the initramfs"
    # Owner root for every file; gzip -1: the kernel inflates any level at the
    # same speed and a smaller level only costs build time.
    (cd "$WORK/initrd" && find . | LC_ALL=C sort |
        "$WORK/root/bin/busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
        gzip -1 >"$WORK/initramfs.gz"
    # Pad so that an appended cpio starts aligned (the kernel needs 4 bytes).
    truncate -s %512 "$WORK/initramfs.gz"

    # Publish: data files first, the key last, so a half-built cache is never valid.
    rm -f "$KEY_FILE"
    mv "$WORK/vmlinux" "$RIG_CACHE/vmlinux"
    mv "$WORK/initramfs.gz" "$RIG_CACHE/initramfs.gz"
    install -m 0755 "$WORK/root/bin/busybox" "$RIG_CACHE/busybox"
    mv "$WORK/versions.txt" "$RIG_CACHE/versions.txt"
    echo "$key" >"$KEY_FILE"

    t1=$(now_ms)
    say "built in $(elapsed "$t0" "$t1") s: vmlinux $(du -h "$RIG_CACHE/vmlinux" | cut -f1)," \
        "initramfs $(du -h "$RIG_CACHE/initramfs.gz" | cut -f1)" \
        "(kernel $(cat "$WORK/initrd/etc/rig-kernel"), $(grep '^xen-utils-4.17 ' "$RIG_CACHE/versions.txt")) in $RIG_CACHE"
}

main "$@"
