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
# (/etc/apt/sources.list.d/hako-deb-src.sources, same mirror, suites,
# components and Signed-By as the first "deb" entry), and the step says
# so.  Needs dpkg-dev (dpkg-source), installed by build/deps.sh.  Exit 1
# with a clear message on failure.  --deb-src-entry prints the entry it
# would add (HAKO_APT_DIR: another /etc/apt, for the harness's fixtures).
set -euo pipefail
apt=${HAKO_APT_DIR:-/etc/apt}
pkg=${1:?usage: build/debsrc.sh PACKAGE [VERSION] | --deb-src-entry}
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

# Our own entry counts only in its current form: an earlier one-line
# hako-deb-src.list without the archive's Signed-By made apt refuse every
# source list on a deb822 system ("Conflicting values set for option
# Signed-By"), and is replaced.
has_deb_src() {
	grep -rqsE --exclude=hako-deb-src.list '^(deb-src|Types:.*deb-src)' \
		"$apt/sources.list" "$apt/sources.list.d/"
}

# Prints the first Debian "deb" entry as four lines: URI, suites,
# components, Signed-By (may be empty).  One-line format first, then
# deb822 (.sources), where apt wants the same Signed-By for every entry
# of one archive.
first_deb_entry() {
	awk '$1 == "deb" { i = 2; k = ""
		if ($2 ~ /^\[/) { for (; i <= NF; i++) { if ($i ~ /^signed-by=/) { k = $i
			sub(/^signed-by=/, "", k); sub(/\]$/, "", k) }; if ($i ~ /\]$/) break }; i++ }
		c = ""; for (j = i + 2; j <= NF; j++) c = c (c == "" ? "" : " ") $j
		print $i; print $(i + 1); print c; print k; exit }' \
		"$apt/sources.list" "$apt"/sources.list.d/*.list 2>/dev/null
}
first_deb822_entry() {
	awk 'function flush() { if (t ~ /(^| )deb( |$)/ && u != "") {
			print u; print s; print c; print k; done = 1; exit } t = u = s = c = k = "" }
		/^[ \t]*$/ { flush(); next }
		/^Types:/ { t = $0; sub(/^Types:[ \t]*/, "", t) }
		/^URIs:/ { u = $2 } /^Suites:/ { s = $0; sub(/^Suites:[ \t]*/, "", s) }
		/^Components:/ { c = $0; sub(/^Components:[ \t]*/, "", c) }
		/^Signed-By:/ { k = $2 }
		END { if (!done) flush() }' "$apt"/sources.list.d/*.sources 2>/dev/null
}

# The deb822 entry to add, from the first "deb" entry.
deb_src_entry() {
	local entry uri suites comps key
	entry=$(first_deb_entry) || true
	[ -n "$entry" ] || entry=$(first_deb822_entry) || true
	{ read -r uri; read -r suites; read -r comps; read -r key; } <<<"$entry" || true
	[ -n "${uri:-}" ] && [ -n "${suites:-}" ] || die "no Debian 'deb' entry to derive a deb-src entry from"
	printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n%s' "$uri" "$suites" \
		"${comps:-main}" "${key:+Signed-By: $key
}"
}

add_deb_src() {
	local entry
	entry=$(deb_src_entry) || exit 1
	say "adding a deb-src entry for $(sed -n 's/^URIs: //p' <<<"$entry") $(sed -n 's/^Suites: //p' <<<"$entry") (apt-get source needs it)"
	"${sudo[@]}" tee "$apt/sources.list.d/hako-deb-src.sources" <<<"$entry" >/dev/null
	"${sudo[@]}" rm -f "$apt/sources.list.d/hako-deb-src.list"
	"${sudo[@]}" apt-get update -qq || die "apt-get update failed"
}

if [ "$pkg" = --deb-src-entry ]; then
	deb_src_entry
	exit
fi

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
