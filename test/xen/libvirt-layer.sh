#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libvirt-layer.sh: build (once, cached) a tarball that adds libvirtd with
# its libxl driver and virsh to the Xen rig's dom0, from Debian packages
# (apt-get download + dpkg -x; nothing is installed on the host).  Prints
# its path.  dom0 unpacks it over / (test/xen-life/dom0.sh's virsh case).
# The libraries come from the packages below; the unpacked glibc's loader
# checks that every one the binaries need is there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RIG_NAME=libvirt-layer
PKGS=(libvirt-daemon libvirt-daemon-driver-xen libvirt0 libvirt-clients
    libacl1 libapparmor1 libaudit1 libblkid1 libbrotli1 libc6 libcap-ng0 libcom-err2
    libcurl3-gnutls libffi8 libgcc-s1 libglib2.0-0 libgmp10 libgnutls30 libgssapi-krb5-2
    libhogweed6 libicu72 libidn2-0 libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0
    libldap-2.5-0 liblzma5 libmount1 libnettle8 libnghttp2-14 libnl-3-200 libnuma1
    libp11-kit0 libpcre2-8-0 libpsl5 libreadline8 librtmp1 libsasl2-2 libselinux1 libssh-4
    libssh2-1 libssl3 libstdc++6 libtasn1-6 libtinfo6 libtirpc3 libunistring2 libuuid1
    libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1 libxengnttab1
    libxenhypfs1 libxenmisc4.17 libxenstore4 libxentoolcore1 libxentoollog1 libxml2
    libyajl2 libzstd1 zlib1g libcap2 libsystemd0 libgcrypt20 libgpg-error0 liblz4-1)
BINS=(usr/sbin/libvirtd usr/bin/virsh
    usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_libxl.so)
key=$(sha256_of "${BASH_SOURCE[0]}" | cut -c1-16)
out=$RIG_CACHE/libvirt-layer-$key.tar.gz
if [[ -s "$out" ]]; then
    echo "$out"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/hako-libvirt.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs" "$work/root" "$work/layer"
say "downloading ${#PKGS[@]} packages"
(cd "$work/debs" && apt-get download "${PKGS[@]}" >"$work/download.log" 2>&1) ||
    die "apt-get download failed: $(tail -n 3 "$work/download.log")"
for d in "$work"/debs/*.deb; do dpkg -x "$d" "$work/root"; done
root=$work/root
ld=$root/lib64/ld-linux-x86-64.so.2
[[ -x "$ld" ]] || ld=$root/usr/lib64/ld-linux-x86-64.so.2
libpath=$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu
for b in "${BINS[@]}"; do
    while read -r line; do
        case $line in
        *'not found'*) die "$b: $line" ;;
        *'=> '*) lib=${line#*=> }; lib=${lib%% (*} ;;
        *) continue ;;
        esac
        [[ "$lib" == "$root"/* ]] || die "$b needs $lib, which no downloaded package has"
        rel=${lib#"$root"/}
        rel=usr/lib/x86_64-linux-gnu/${rel##*/}
        mkdir -p "$work/layer/${rel%/*}"
        cp -L "$lib" "$work/layer/$rel"
    done < <("$ld" --library-path "$libpath" --list "$root/$b")
    mkdir -p "$work/layer/${b%/*}"
    cp -L "$root/$b" "$work/layer/$b"
done
# Its configuration, and the data its libxl driver reads at start (the CPU
# map: without it, "cannot create capabilities for libxenlight").
mkdir -p "$work/layer/etc" "$work/layer/usr/share/libvirt"
cp -a "$root/etc/libvirt" "$work/layer/etc/libvirt"
cp -a "$root/usr/share/libvirt/cpu_map" "$work/layer/usr/share/libvirt/"
tar -C "$work/layer" -czf "$out.tmp" .
mv "$out.tmp" "$out"
for old in "$RIG_CACHE"/libvirt-layer-*.tar.gz; do
    [[ "$old" == "$out" ]] || rm -f "$old"
done
say "layer: $(du -h "$out" | cut -f1) ($out)"
echo "$out"
