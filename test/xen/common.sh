# shellcheck shell=bash disable=SC2034  # (variables used by the sourcing scripts)
# Shared helpers for the Xen test rig scripts (sourced, not run).
#
# Everything the rig builds lives outside the source tree, in
#   RIG_CACHE = ${HAKO_CACHE:-$HOME/.cache/hako}/xen-rig
# so that a fresh clone stays clean and several clones share one cache.

RIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIG_CACHE="${HAKO_CACHE:-${HOME:-/root}/.cache/hako}/xen-rig"
RIG_NAME=${RIG_NAME:-$(basename "$0" .sh)}

# The Debian Xen this rig targets: the hypervisor image and the version of the
# toolstack packages that match it (xl must talk to the same Xen release).
XEN_GZ=${XEN_GZ:-/boot/xen-4.17-amd64.gz}
XEN_HV_PKG=xen-hypervisor-4.17-amd64

# Progress goes to stderr so that stdout stays reserved for results
# (run.sh prints only the guest's console there).
say() { printf '%s: %s\n' "$RIG_NAME" "$*" >&2; }
die() { printf '%s: error: %s\n' "$RIG_NAME" "$*" >&2; exit "${DIE_STATUS:-1}"; }

# Milliseconds since the epoch, for the timings in progress lines (bash's
# clock, whatever the locale's decimal sign: no process): ms_into VAR sets
# VAR (no subshell, for polling loops); now_ms prints them.
ms_into() { local _us=${EPOCHREALTIME//[!0-9]/}; printf -v "$1" '%d' $((10#$_us / 1000)); }
now_ms() { local t; ms_into t; echo "$t"; }
# Seconds with one decimal between two now_ms values.
elapsed() { local d=$(($2 - $1)); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }

pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# Install missing Debian packages the rig needs on the host (qemu, the
# hypervisor image, libxen-dev). Only as root and unless HAKO_NO_INSTALL is
# set; otherwise say what to install.
need_pkgs() {
    local missing=() p
    for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) -ne 0 || -n "${HAKO_NO_INSTALL:-}" ]]; then
        die "missing packages: ${missing[*]} (apt-get install ${missing[*]})"
    fi
    say "installing ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; then
        apt-get update -q >&2 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 ||
            die "apt-get install ${missing[*]} failed"
    fi
}

sha256_of() { sha256sum "$@" | awk '{print $1}' | sha256sum | cut -c1-16; }
