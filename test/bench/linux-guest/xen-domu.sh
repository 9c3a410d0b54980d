# SPDX-License-Identifier: MIT
# xen-domu.sh: the Linux reference guest as a Xen domU, for the benches'
# dom0 scripts (busybox sh in the rig's dom0; a bench puts this before its
# own script).  The guest's kernel and initramfs are the bench's --add
# files in /rig/files (mkguest.sh's).
#
# linux_domu NAME MEMORY "ARGS" [XL-LINE...]: create domU NAME from
# /tmp/NAME.xl, its command line "console=hvc0 quiet loglevel=3 ARGS"
# (role=, ip=, bench_arg=: init.sh), MEMORY MiB, one vCPU, the XL-LINEs
# (vif, disk) added; status 1 with xl's message when xl create fails.
linux_domu() {
	ld_name=$1 ld_mem=$2 ld_args=$3
	shift 3
	{
		echo "name = \"$ld_name\""
		echo 'type = "pv"'
		echo 'kernel = "/rig/files/vmlinuz"'
		echo 'ramdisk = "/rig/files/initramfs.gz"'
		echo "extra = \"console=hvc0 quiet loglevel=3 $ld_args\""
		echo "memory = $ld_mem"
		echo 'vcpus = 1'
		for ld_line in "$@"; do echo "$ld_line"; done
		echo 'on_poweroff = "destroy"'
		echo 'on_crash = "destroy"'
		echo 'uuid = "6861686b-6f00-4000-8000-00000000beef"'
	} >"/tmp/$ld_name.xl"
	xl create "/tmp/$ld_name.xl" >"/tmp/$ld_name.create" 2>&1 ||
		{ cat "/tmp/$ld_name.create"; return 1; }
}
