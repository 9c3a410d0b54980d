#!/bin/sh
# mkxl.sh: print an xl config that boots a Hako Xen image as a PV domU.
#
# Usage: hal/xen/mkxl.sh [--name NAME] [--memory MIB] [--vif SPEC]... [--disk SPEC]...
#                        [--ramdisk FILE] IMAGE [ARGS...]
#
# --vif SPEC adds a network device: vif = [ 'SPEC', ... ] (xl's vif syntax,
# e.g. bridge=xenbr0,mac=00:16:3e:00:00:01); --disk SPEC a block device:
# disk = [ 'SPEC', ... ] (e.g. format=raw,vdev=xvda,access=rw,target=/x.img).
# Empty SPECs are skipped.
# --ramdisk FILE: the initrd (a cpio archive), as xl's ramdisk= line.
#
# ARGS become the app's arguments: each is put on the kernel command line
# in double quotes, with a backslash before '"' and '\' (what Hako's command
# line parser expects), and that line is written as an xl string (double
# quotes again, backslash escapes again).  The uuid is derived from the
# name: fixed, so xl does not wait for entropy, and distinct per app.
set -eu

name=hako
memory=16
ramdisk=
vifs=
disks=
# A device spec goes between single quotes in xl's syntax: keep it to the
# characters device specs use.
spec_ok() {
	case $1 in
	*[!A-Za-z0-9=,:._/-]*) echo "mkxl.sh: bad character in $2 spec '$1'" >&2; exit 2 ;;
	esac
}
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--vif)
		spec_ok "$2" vif
		[ -z "$2" ] || vifs="$vifs${vifs:+, }'$2'"
		shift 2 ;;
	--disk)
		spec_ok "$2" disk
		[ -z "$2" ] || disks="$disks${disks:+, }'$2'"
		shift 2 ;;
	--ramdisk) ramdisk=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "mkxl.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "usage: mkxl.sh [--name N] [--memory MIB] [--vif SPEC]... [--disk SPEC]... [--ramdisk F] IMAGE [ARGS...]" >&2; exit 2; }
image=$1
shift
case $image in
/*) ;;
*) image=$(pwd)/$image ;;
esac

# Backslash-escape '\' and '"' (sed: first the backslashes, then quotes).
escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

cmdline=
for arg in "$@"; do
	cmdline="$cmdline${cmdline:+ }\"$(escape "$arg")\""
done

# (with its newline: an image without one gets no line at all)
ramdisk_line=
[ -z "$ramdisk" ] || ramdisk_line="ramdisk = \"$(escape "$ramdisk")\"
"

hex=$(printf '%s' "$name" | md5sum | cut -c1-32)
uuid=$(printf '%s' "$hex" | sed 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)\(.\{12\}\)$/\1-\2-\3-\4-\5/')

cat <<CFG
# Hako PV domU.  Start it with: xl create -c THIS_FILE
# Arguments for the app go on the kernel command line, e.g. (from a shell):
#   xl create -c THIS.xl 'cmdline="\\"first arg\\" second"'
name = "$(escape "$name")"
type = "pv"
kernel = "$(escape "$image")"
${ramdisk_line}memory = $memory
vcpus = 1
cmdline = "$(escape "$cmdline")"
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
uuid = "$uuid"
CFG
[ -z "$vifs" ] || echo "vif = [ $vifs ]"
[ -z "$disks" ] || echo "disk = [ $disks ]"
