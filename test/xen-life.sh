#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The operator's Xen, under the real toolstack, in one boot of the Xen rig
# (test/xen/run.sh --batch), every step checked:
#   life     create, xl list states, xl pause (ticks stop) / unpause, xl
#            console on a pty detached with Ctrl-], xl reboot with on_reboot =
#            "restart" (a second boot line), xl destroy, a crash with on_crash
#            = "preserve" (xl list says crashed, xl dump-core writes an ELF
#            core; gdb on such a core: test/debug.sh), xl shutdown
#   destroy  xl destroy from dom0: the rig reports it (status 125), apart
#            from a timeout (124)
#   balloon  xl mem-set down, up, below what the image uses, a memory/target
#            that is not a number and one above the boot size, while the app
#            (tick hold=8 churn=1) allocates; xl list follows
#   virsh    libvirtd with its libxl driver in dom0 (Debian's packages, a
#            layer test/xen/libvirt-layer.sh builds and caches): virsh
#            create of make's APP.libvirt.xml, virsh shutdown, virsh destroy
# The dom0 side is test/xen-life/dom0.sh; ptyrun (test/xen-life/ptyrun.c,
# built static here) gives xl console a terminal.  Also: make's libvirt XML
# for an app is valid (virt-xml-validate, package libvirt-clients).
set -uo pipefail
cd "$(dirname "$0")/.."
source test/lib.sh
out=out/test/xen-life
rm -rf "$out"
mkdir -p "$out"

echo "== build"
for app in tick crash; do
	make -s PLATFORM=xen APP=$app >"$out/build-$app.log" 2>&1
	case_result "build xen/$app" $? "see $out/build-$app.log"
done
gcc -static -O2 -Wall -Wextra -Werror -o "$out/ptyrun" test/xen-life/ptyrun.c \
	>"$out/ptyrun.log" 2>&1
case_result "build ptyrun (static, for dom0)" $? "$(cat "$out/ptyrun.log")"
cp out/xen/crash/crash "$out/crash"
# libvirtd for dom0: Debian's packages unpacked into a layer (cached).
layer=$(test/xen/libvirt-layer.sh 2>"$out/layer.log")
case_result "libvirt layer for dom0 (libvirtd, its libxl driver, virsh)" $? "$(tail -n 3 "$out/layer.log")"
cp "$layer" "$out/libvirt-layer.tar.gz" 2>/dev/null
cp out/xen/tick/tick out/xen/tick/tick.libvirt.xml "$out/"

echo "== libvirt domain XML (virt-xml-validate, libvirt's own schema)"
if ! command -v virt-xml-validate >/dev/null; then
	case_result "virt-xml-validate is installed (package libvirt-clients)" 1 "not found"
else
	virt-xml-validate out/xen/tick/tick.libvirt.xml domain >"$out/xml.log" 2>&1
	expect "make's out/xen/tick/tick.libvirt.xml is a valid libvirt domain" 0 $? "$out/xml.log"
	grep -q "<domain type='xen'>" out/xen/tick/tick.libvirt.xml &&
		grep -q "<type arch='x86_64' machine='xenpv'>linux</type>" out/xen/tick/tick.libvirt.xml &&
		grep -q "<kernel>$(pwd)/out/xen/tick/tick</kernel>" out/xen/tick/tick.libvirt.xml &&
		grep -q "<memory unit='MiB'>$(sed -n 's/^memory = //p' out/xen/tick/tick.xl)</memory>" \
			out/xen/tick/tick.libvirt.xml
	case_result "the XML is a Xen PV domain with the image and the xl config's memory" $?
	# Every device kind, and arguments XML must escape.
	hal/xen/mkxl.sh --libvirt --name 'a&b<c>' --memory 24 \
		--vif bridge=xenbr0,mac=00:16:3e:00:00:05 \
		--disk format=raw,vdev=xvdb,access=ro,target=/run/x.img --ramdisk /run/r.cpio \
		out/xen/tick/tick 'x<y&z' "it's \"q\"" >"$out/all.xml" 2>"$out/all.log"
	virt-xml-validate "$out/all.xml" domain >>"$out/all.log" 2>&1
	expect "XML with a vif, a read-only disk, an initrd and escaped arguments is valid" 0 $? \
		"$out/all.log"
	grep -q "<source bridge='xenbr0'/>" "$out/all.xml" &&
		grep -q "<mac address='00:16:3e:00:00:05'/>" "$out/all.xml" &&
		grep -q "<source file='/run/x.img'/>" "$out/all.xml" &&
		grep -q "<target dev='xvdb' bus='xen'/>" "$out/all.xml" && grep -q '<readonly/>' "$out/all.xml" &&
		grep -q '<cmdline>&quot;x&lt;y&amp;z&quot; &quot;it&apos;s \\&quot;q\\&quot;&quot;</cmdline>' "$out/all.xml"
	case_result "the XML carries the vif, the disk and the escaped command line" $? "$(cat "$out/all.xml")"
	sed 's/<vcpu>1<\/vcpu>/<vcpu>one<\/vcpu>/' out/xen/tick/tick.libvirt.xml >"$out/bad.xml"
	virt-xml-validate "$out/bad.xml" domain >"$out/bad.log" 2>&1
	expect "virt-xml-validate rejects a broken domain (the check can fail)" nonzero $? "$out/bad.log"
fi

echo "== the rig: lifecycle, destroy, balloon (one dom0 boot)"
{
	printf 'life\tout/xen/tick/tick\t8\t0\tevery=100\n'
	printf 'destroy\tout/xen/tick/tick\t8\t0\n'
	printf 'balloon\tout/xen/tick/tick\t32\t0\tevery=200\thold=8\tchurn=1\n'
	printf 'virsh\tout/xen/tick/tick\t4\t0\tquiet\n'
} >"$out/cases"
# (dom0 gets 320 MiB: the libvirt layer's libraries live in its memory.  A
# named CPU model: libvirt's libxl driver cannot match QEMU's default qemu64,
# as Xen shows it, to any model of its CPU map, and then does not start.)
HAKO_XEN_QEMU_ARGS="-cpu Nehalem ${HAKO_XEN_QEMU_ARGS:-}" HAKO_XEN_BOOT_BUDGET=240 \
	HAKO_XEN_DOM0_MEM=320 timeout -k 10 1500 test/xen/run.sh --batch "$out/cases" --outdir "$out" \
	--timeout 300 --dom0-script test/xen-life/dom0.sh --add "$out/ptyrun" --add "$out/crash" \
	--add "$out/libvirt-layer.tar.gz" --add "$out/tick" --add "$out/tick.libvirt.xml" \
	>"$out/rig.out" 2>"$out/rig.log"
echo "rig: $(tail -n 1 "$out/rig.log")"

# The dom0 script's checks, one case each.
for c in life balloon virsh; do
	if ! grep -q '^check ' "$out/$c.dom0" 2>/dev/null; then
		case_result "$c: the dom0 script ran its checks" 1 "$(tail -n 5 "$out/rig.log")"
		continue
	fi
	while IFS= read -r line; do
		text=${line#check }
		case $text in
		*': ok') case_result "$c: ${text%: ok}" 0 ;;
		*) case_result "$c: ${text%%: FAIL*}" 1 "${text#*: FAIL}" ;;
		esac
	done < <(grep '^check ' "$out/$c.dom0")
done
grep -q '^life: status 0 (poweroff' "$out/rig.out"
case_result "life: xl shutdown ends the guest (poweroff, status 0)" $? "$(grep '^life:' "$out/rig.out")"
grep -q '^tick: shutdown requested' "$out/life.out"
case_result "life: the guest saw the shutdown request" $?
grep -q '^destroy: status 125 (destroyed' "$out/rig.out"
case_result "destroy: xl destroy is reported as such (status 125), not as a timeout" $? \
	"$(grep '^destroy:' "$out/rig.out")"
grep -q '^balloon: status 0 (poweroff' "$out/rig.out"
case_result "balloon: xl shutdown ends the guest (poweroff, status 0)" $? \
	"$(grep '^balloon:' "$out/rig.out")"
grep -q '^virsh: status 0 (poweroff' "$out/rig.out"
case_result "virsh: the case's own guest ends cleanly" $? "$(grep '^virsh:' "$out/rig.out")"

summary
