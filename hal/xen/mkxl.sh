#!/bin/sh
# mkxl.sh: print an xl config that boots a Hako Xen image as a PV domU,
# or (--libvirt) the same domain as libvirt domain XML (type='xen', a PV
# guest: os type linux, machine xenpv, kernel=) for `virsh create`.
#
# Usage: hal/xen/mkxl.sh [--libvirt] [--name NAME] [--memory MIB] [--vif SPEC]...
#                        [--disk SPEC]... [--ramdisk FILE] IMAGE [ARGS...]
#
# --vif SPEC adds a network device: vif = [ 'SPEC', ... ] (xl's vif syntax,
# e.g. bridge=xenbr0,mac=00:16:3e:00:00:01); --disk SPEC a block device:
# disk = [ 'SPEC', ... ] (e.g. format=raw,vdev=xvda,access=rw,target=/x.img).
# Empty SPECs are skipped.
# --ramdisk FILE: the initrd (a cpio archive), as xl's ramdisk= line.
# In the XML, a vif becomes an <interface type='bridge'> (its bridge= and
# mac=; other keys are not carried over), a disk a <disk type='file'>
# with driver phy (blkback, as xl's default for a raw file) from its
# target= and vdev=, read-only when access=ro.
#
# ARGS become the app's arguments: each is put on the kernel command line
# in double quotes, with a backslash before '"' and '\' (what Hako's command
# line parser expects), and that line is written as an xl string (double
# quotes again, backslash escapes again).  The uuid is derived from the
# name: fixed, so xl does not wait for entropy, and distinct per app.
set -eu

name=hako
memory=16
libvirt=0
ramdisk=
vifs=
disks=
vif_specs=
disk_specs=
# A device spec goes between single quotes in xl's syntax: keep it to the
# characters device specs use.
spec_ok() {
	case $1 in
	*[!A-Za-z0-9=,:._/-]*) echo "mkxl.sh: bad character in $2 spec '$1'" >&2; exit 2 ;;
	esac
}
while [ $# -gt 0 ]; do
	case $1 in
	--libvirt) libvirt=1; shift ;;
	--name) name=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--vif)
		spec_ok "$2" vif
		[ -z "$2" ] || vifs="$vifs${vifs:+, }'$2'"
		[ -z "$2" ] || vif_specs="$vif_specs $2"
		shift 2 ;;
	--disk)
		spec_ok "$2" disk
		[ -z "$2" ] || disks="$disks${disks:+, }'$2'"
		[ -z "$2" ] || disk_specs="$disk_specs $2"
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

# ---- libvirt XML ----
# Escape for XML text and attribute values.
xml() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
	-e "s/'/\&apos;/g" -e 's/"/\&quot;/g'; }
# key SPEC KEY: the value of KEY= in a comma-separated device spec.
key() { printf '%s\n' "$1" | tr ',' '\n' | sed -n "s/^$2=//p" | head -n 1; }

if [ "$libvirt" = 1 ]; then
	cat <<XML
<!-- Hako PV domU for libvirt's libxl driver.  Start it with:
     virsh -c xen:/// create THIS_FILE -->
<domain type='xen'>
  <name>$(xml "$name")</name>
  <uuid>$uuid</uuid>
  <memory unit='MiB'>$memory</memory>
  <currentMemory unit='MiB'>$memory</currentMemory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenpv'>linux</type>
    <kernel>$(xml "$image")</kernel>
XML
	[ -z "$ramdisk" ] || echo "    <initrd>$(xml "$ramdisk")</initrd>"
	[ -z "$cmdline" ] || echo "    <cmdline>$(xml "$cmdline")</cmdline>"
	cat <<XML
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <console type='pty'>
      <target type='xen' port='0'/>
    </console>
XML
	for v in $vif_specs; do
		echo "    <interface type='bridge'>"
		echo "      <source bridge='$(xml "$(key "$v" bridge)")'/>"
		mac=$(key "$v" mac)
		[ -z "$mac" ] || echo "      <mac address='$(xml "$mac")'/>"
		echo "    </interface>"
	done
	for d in $disk_specs; do
		echo "    <disk type='file' device='disk'>"
		echo "      <driver name='phy' type='raw'/>"
		echo "      <source file='$(xml "$(key "$d" target)")'/>"
		echo "      <target dev='$(xml "$(key "$d" vdev)")' bus='xen'/>"
		[ "$(key "$d" access)" != ro ] || echo "      <readonly/>"
		echo "    </disk>"
	done
	echo "  </devices>"
	echo "</domain>"
	exit 0
fi

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
