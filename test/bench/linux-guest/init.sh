#!/bin/sh
# /init of the Linux reference guest (busybox sh).  The kernel command line
# says what to run:
#   role=echo|httpd|sh|fsbench  ip=ADDR/PREFIX gw=ADDR  (no ip=: DHCP)
#   bench_arg=X (repeatable): one more argument each
#   (fsbench: the ext4 file system on /dev/vda, or /dev/xvda on Xen,
#   mounted at /b first, as Hako's hako.mount=disk0:/b does)
#   bench_args="..."            arguments for the role's program
# It prints "guest: ready ROLE ADDR" once serving, and powers off when the
# role's program ends.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in $(cat /lib/modules/guest/load.list); do
	insmod "/lib/modules/guest/$m.ko" 2>/dev/null
done

role=sh ip= gw=
for w in $(cat /proc/cmdline); do
	case $w in
	role=*) role=${w#role=} ;;
	ip=*) ip=${w#ip=} ;;
	gw=*) gw=${w#gw=} ;;
	esac
done
args=$(sed -n 's/.*bench_args="\([^"]*\)".*/\1/p' /proc/cmdline)
# (bench_arg=X, repeatable: one argument each, for configs without quotes)
for w in $(cat /proc/cmdline); do
	case $w in bench_arg=*) args="$args ${w#bench_arg=}" ;; esac
done

# The NIC appears asynchronously once its driver probed (under TCG on a
# busy machine that took more than 5 s: wait up to 60).
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
	ip link set eth0 up
	if [ -n "$ip" ]; then
		ip addr add "$ip" dev eth0
		[ -n "$gw" ] && ip route add default via "$gw"
	else
		udhcpc -i eth0 -q -n -t 10 -s /etc/udhcpc.sh
	fi
fi
addr=$(ip -4 addr show eth0 2>/dev/null | sed -n 's/.*inet \([0-9.]*\).*/\1/p')
[ -n "$addr" ] || echo "guest: no IPv4 address (interfaces: $(ls /sys/class/net | tr "\n" " "))"

case $role in
echo) /bench/echo $args & ;;
httpd) httpd -p 80 -h /www $args & ;;
fsbench)
	# virtio-blk (QEMU) or xen-blkfront (a Xen domU)
	n=0 disk=
	while [ -z "$disk" ] && [ $n -lt 100 ]; do
		for d in /dev/vda /dev/xvda; do [ -b $d ] && disk=$d; done
		[ -n "$disk" ] || sleep 0.1
		n=$((n + 1))
	done
	mkdir -p /b
	if [ -n "$disk" ] && mount -t ext4 "$disk" /b; then
		/bench/fsbench $args
		umount /b
	else
		echo "guest: cannot mount ${disk:-/dev/vda or /dev/xvda (none)} on /b"
	fi
	echo "guest: done"
	poweroff -f
	;;
*) ;;
esac
sleep 0.2
echo "guest: ready $role ${addr:-no-address}"
if [ "$role" = sh ]; then
	exec sh
fi
wait
poweroff -f
