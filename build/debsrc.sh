#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetch and unpack a Debian source package into a cache outside the tree,
# once: third-party C code (lwIP, ...) is never vendored into Hako.
#
#   build/debsrc.sh PACKAGE [VERSION]   prints the unpacked source directory
#
# Cache: ${HAKO_CACHE:-$HOME/.cache/hako}/src/PACKAGE-VERSION (a stamp file
# marks a complete unpack).  apt-get source needs a deb-src entry: when
# there is none for this system's Debian suite, one is added
# (/etc/apt/sources.list.d/hako-deb-src.list, same mirror and suites as the
# first "deb" entry), and the step says so.  Needs dpkg-dev (dpkg-source),
# installed by build/deps.sh.  Exit 1 with a clear message on failure.
set -euo pipefail
pkg=${1:?usage: build/debsrc.sh PACKAGE [VERSION]}
want=${2:-}
cache=${HAKO_CACHE:-$HOME/.cache/hako}/src
mkdir -p "$cache"

say() { echo "debsrc: $*" >&2; }
die() { say "$*"; exit 1; }

# A complete unpack of the wanted version (any version when none is given).
# (The version part is a glob when none is given: it must stay unquoted.)
for d in "$cache/$pkg-"${want:-*}; do
	if [ -f "$d/.hako-unpacked" ]; then
		echo "$d"
		exit 0
	fi
done

sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)

has_deb_src() {
	grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

add_deb_src() {
	local uri suites
	# One-line format first, then deb822 (.sources).
	read -r uri suites < <(awk '$1 == "deb" { u = $2; if (u ~ /^\[/) u = $3; s = $3;
		if ($2 ~ /^\[/) s = $4; print u, s; exit }' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list 2>/dev/null) || true
	if [ -z "${uri:-}" ]; then
		uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
		suites=$(awk '/^Suites:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
	fi
	[ -n "${uri:-}" ] && [ -n "${suites:-}" ] || die "no Debian 'deb' entry to derive a deb-src entry from"
	say "adding a deb-src entry for $uri $suites (apt-get source needs it)"
	echo "deb-src $uri $suites main" | "${sudo[@]}" tee /etc/apt/sources.list.d/hako-deb-src.list >/dev/null
	"${sudo[@]}" apt-get update -qq || die "apt-get update failed"
}

command -v dpkg-source >/dev/null || die "dpkg-source is missing (Debian: apt-get install dpkg-dev)"
has_deb_src || add_deb_src

work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
spec=$pkg${want:+=$want}
say "fetching the Debian source package $spec into $cache"
if ! (cd "$work" && apt-get source --download-only -qq "$spec" >/dev/null 2>&1); then
	"${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || true
	(cd "$work" && apt-get source --download-only -qq "$spec" >/dev/null 2>&1) ||
		die "apt-get source $spec failed"
fi
dsc=$(ls "$work"/*.dsc 2>/dev/null | head -n 1)
[ -n "$dsc" ] || die "apt-get source $spec gave no .dsc"
version=$(awk '/^Version:/ { print $2; exit }' "$dsc")
version=${version#*:}
dest=$cache/$pkg-$version
(cd "$work" && dpkg-source --no-check -x "$dsc" src >/dev/null) || die "dpkg-source -x failed"
touch "$work/src/.hako-unpacked"
# Another build may have unpacked it meanwhile: then keep that one.
if [ -f "$dest/.hako-unpacked" ]; then
	echo "$dest"
	exit 0
fi
rm -rf "$dest"
mv "$work/src" "$dest" || [ -f "$dest/.hako-unpacked" ] || die "cannot move the source into $dest"
say "unpacked $pkg $version"
echo "$dest"
