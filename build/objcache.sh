#!/bin/bash
# SPDX-License-Identifier: MIT
# objcache.sh: compile one C file, or take the object from an earlier
# compile of the same preprocessed source with the same flags.
#   build/objcache.sh CACHE OUT CC_ID CC ARG... -c SRC -o OBJ
# (CC_ID: `CC -dumpfullversion -dumpmachine`, which the Makefile asks once)
#
# Every app's build compiles the kernel, libc and HAL again under its own
# configuration (out/PLATFORM/APP/include/generated/autoconf.h), yet most
# files use none of the options that differ between two apps: their
# preprocessed text is the same.  So the key of an object is the hash of
# the compiler's version, the folder it runs in, the command and the
# preprocessed text, with OUT (the build's folder, which names the
# configuration header in both) written as one placeholder: ccache cannot
# do this, since it hashes the header's path.  Preprocessing costs about a
# twentieth of a compile.
#
# The object's debug information may then name the configuration header of
# the build that compiled it first: the code and the source lines it maps to
# are the same.  A file that fails to preprocess is compiled as it is, for
# the compiler's own message.  CACHE grows until `make distclean`.
set -u
cache=$1 out=$2 cc_id=$3
shift 3
obj= args=()
while [ $# -gt 0 ]; do
	case $1 in
	-o) obj=$2; shift 2 ;;
	-c) shift ;;
	*) args+=("$1"); shift ;;
	esac
done
[ -n "$obj" ] || { echo "objcache: no -o in the command" >&2; exit 2; }
compile() { "${args[@]}" -c -o "$obj"; }

tmp=$obj.objcache.$$
trap 'rm -f "$tmp".*' EXIT
# (-MT/-MF: the dependency file as the compile itself would have written it)
"${args[@]}" -E -MT "$obj" -MF "${obj%.o}.d" -o "$tmp.i" 2>/dev/null || { compile; exit; }
# OUT as a sed pattern, escaped without a process: a compile is run often.
pat=$out
for c in '\' '[' ']' . '*' '^' '$' '|'; do
	pat=${pat//"$c"/\\$c}
done
key=$({
	printf '%s\n' "$cc_id" "$PWD" "${args[@]}" "-o $obj" # ($PWD: the debug information's folder)
} | sed "s|$pat|@OUT@|g" - "$tmp.i" | sha256sum)
key=${key%% *}
hit=$cache/${key:0:2}/$key.o
if [ -f "$hit" ]; then
	cp "$hit" "$obj"
	exit
fi
compile || exit
mkdir -p "${hit%/*}"
# (a copy under a name of its own, then a rename: another build may be
# reading or writing the same entry)
cp "$obj" "$hit.$$" && mv -f "$hit.$$" "$hit"
