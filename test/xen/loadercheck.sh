#!/bin/bash
# loadercheck.sh: would the real Xen toolstack load these images as 64-bit PV
# kernels? An offline check, no hypervisor needed (see loadercheck.c).
#
# Usage: test/xen/loadercheck.sh [-v] IMAGE...
#        test/xen/loadercheck.sh --build     (only build the checker, print its path)
#
# Builds loadercheck.c once into ${HAKO_CACHE:-$HOME/.cache/hako}/xen-rig/
# (rebuilt when the source or this script changes; needs gcc and libxen-dev,
# which is installed when missing and we are root).
# Output: one "PASS IMAGE: ..." or "FAIL IMAGE: reason" line per image on stdout,
# then a summary line on stderr.
# Exit status: 0 if every image passes, 1 if any fails, 2 on usage or build errors.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DIE_STATUS=2

# Build the checker if the cached binary is missing or stale. The binary's
# name carries the checksum of its sources so a changed source rebuilds.
build_checker() {
    local key bin
    key=$(sha256_of "$RIG_DIR/loadercheck.c" "$RIG_DIR/loadercheck.sh")
    bin="$RIG_CACHE/loadercheck-$key"
    if [[ ! -x "$bin" ]]; then
        [[ -f /usr/include/xenguest.h ]] || need_pkgs libxen-dev
        command -v gcc >/dev/null || need_pkgs gcc
        mkdir -p "$RIG_CACHE"
        say "building $bin"
        gcc -O2 -Wall -Wextra -Werror -o "$bin.tmp.$$" "$RIG_DIR/loadercheck.c" \
            -lxenguest -lxenctrl -lxentoollog || die "cannot build loadercheck.c"
        mv "$bin.tmp.$$" "$bin"
        local old   # drop checkers built from older sources
        for old in "$RIG_CACHE"/loadercheck-*; do
            [[ "$old" == "$bin" ]] || rm -f "$old"
        done
    fi
    echo "$bin"
}

main() {
    [[ $# -ge 1 ]] || die "usage: $0 [-v] IMAGE... | --build"
    local bin
    bin=$(build_checker) || exit 2
    if [[ "$1" == --build ]]; then
        echo "$bin"
        return 0
    fi
    local verbose=()
    if [[ "$1" == -v ]]; then verbose=(-v); shift; fi
    [[ $# -ge 1 ]] || die "usage: $0 [-v] IMAGE..."
    local rc=0
    "$bin" "${verbose[@]}" "$@" || rc=$?
    case $rc in
        0) say "all $# image(s) pass" ;;
        1) say "FAILED: not every image would load as a 64-bit PV kernel" ;;
        *) say "checker failed (status $rc)"; rc=2 ;;
    esac
    return "$rc"
}

main "$@"
