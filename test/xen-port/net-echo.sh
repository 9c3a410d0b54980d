#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Networking of a Xen domU with real clients: apps/echo (lwIP over netfront)
# behind the rig dom0's bridge and the real netback, reached by clients in
# dom0 (traffic stays inside the QEMU that runs the rig): busybox ping,
# test/bench/tcpbench (static) for echo round trips of 1 byte to 16 MiB with
# every byte checked and for 200 connections at once, a dom0 echo server
# for the image as a client, and xl shutdown with connections open.  One
# line per check, then "N passed, N failed".
#
#   test/xen-port/net-echo.sh
#
# Needs apps/echo: without it, it says so and
# fails.  Work files in out/xen-net/.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

out=out/xen-net
rm -rf "$out"
mkdir -p "$out"
if [ ! -f apps/echo/build.mk ]; then
	case_result "xen net: apps/echo is in the tree" 1 "no apps/echo: nothing to test"
	summary
	exit 1
fi
make -s PLATFORM=xen APP=echo >"$out/build.log" 2>&1 &&
	make -s PLATFORM=xen APP=httpd >>"$out/build.log" 2>&1 &&
	make -s PLATFORM=xen APP=kvd >>"$out/build.log" 2>&1 &&
	make -s OUTROOT=out/net-limit PLATFORM=xen APP=echo EXTRA_CONFIG=test/net/limit.config \
		>>"$out/build.log" 2>&1 &&
	gcc -O2 -static -Wall -Wextra -o "$out/tcpbench" test/bench/tcpbench.c 2>>"$out/build.log"
case_result "build xen/echo, xen/httpd, xen/kvd and a static tcpbench for dom0" $? "see $out/build.log"

line() { (IFS=$'\t' && echo "$*"); }
{
	line echo out/xen/echo/echo 16 0                        # 10.0.0.2
	line client out/xen/echo/echo 16 0 client 10.0.0.1 9000 4194304 # 10.0.0.3
	# Static IPv4 from the command line (DHCP would give its MAC 10.0.0.4),
	# and a device queue of one frame (test/net/limit.config)
	line static out/net-limit/xen/echo/echo 16 0 hako.ip=10.0.0.40/24 hako.gw=10.0.0.1
	# httpd in 8 MiB (issue 10's goal for its smallest domU)   # 10.0.0.5
	line httpd out/xen/httpd/httpd 8 0
	# kvd on an ext4 disk of the host's: loaded, destroyed mid-load by
	# dom0, then a second boot on the same disk serves every acknowledged
	# write (10.0.0.6, then 10.0.0.7)
	line kvd out/xen/kvd/kvd 16 0 hako.mount=disk0:/data
	line kvd2 out/xen/kvd/kvd 16 0 hako.mount=disk0:/data
} >"$out/cases"
truncate -s 64M "$out/kv.img" && mkfs.ext4 -q -F "$out/kv.img"
# The files httpd serves (apps/httpd/www, in its image), for dom0 to fetch.
www=apps/httpd/www
pages=$(cd "$www" && find . -type f | sed 's|^\.||' | sort | tr '\n' ' ')
{ echo "PAGES='$pages'"; cat; } >"$out/dom0.sh" <<'EOF'
log=/var/log/xen/console/guest-$1.log
tb=/rig/files/tcpbench
until_line() {
	i=0
	until grep -q "$1" "$log" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 600 ] || { echo "dom0: no line '$1'"; return 1; }
		sleep 0.1
	done
}
# talk HOST PORT SECONDS: stdin to a TCP server, its answers to stdout.  Busybox
# nc stops reading the socket at stdin's end, so stdin is held open until the
# server closes (SECONDS at most): a plain sleep would hold it that long.
talk() {
	rm -f /tmp/talk.done
	{
		cat
		i=0
		while [ ! -e /tmp/talk.done ] && [ $i -lt $(($3 * 10)) ]; do
			sleep 0.1; i=$((i + 1))
		done
	} | { nc "$1" "$2"; touch /tmp/talk.done; }
}
# kvd_wait ADDR: until kvd answers there (60 s at most)
kvd_wait() {
	i=0
	until echo STATS | nc -w 2 "$1" 6380 2>/dev/null | grep -q '^STATS'; do
		i=$((i + 1)); [ $i -lt 60 ] || { echo "dom0: no kvd at $1"; return 1; }
		sleep 1
	done
}
case $1 in
echo)
	trap 'xl shutdown "$1"' EXIT
	until_line 'echo: serving' || exit 1
	$tb wait 10.0.0.2 7 60 && echo "dom0: echo answers"
	ping -c 10 -W 2 10.0.0.2 | tail -2
	for n in 1 1000 65536 1048576 16777216; do
		$tb bytes 10.0.0.2 7 $n >/tmp/b 2>&1 && echo "dom0: $n bytes echoed intact" ||
			echo "dom0: $n bytes FAILED: $(cat /tmp/b)"
	done
	$tb conns 10.0.0.2 7 200
	# Shut down with 20 connections open (held 60 s, longer than the rest).
	$tb conns 10.0.0.2 7 20 60 &
	sleep 3
	echo "dom0: xl shutdown with connections open" ;;
static)
	trap 'xl shutdown "$1"' EXIT
	until_line 'echo: serving' || exit 1
	ping -c 3 -W 2 10.0.0.40 | tail -2
	$tb bytes 10.0.0.40 7 65536 >/tmp/b 2>&1 && echo "dom0: static: 65536 bytes echoed intact"
	# 16 streams at once: more segments in flight than netfront's ring and
	# the one-frame queue hold, so TCP segments must wait for room.
	i=0
	while [ $i -lt 16 ]; do
		($tb bytes 10.0.0.40 7 1048576 >/tmp/p$i 2>&1 && : >/tmp/p$i.ok) &
		i=$((i + 1))
	done
	wait
	echo "dom0: static: $(ls /tmp/p*.ok 2>/dev/null | wc -l) of 16 streams of 1 MiB echoed intact" ;;
httpd)
	# busybox wget and nc: every page, HEAD, a conditional GET, 200 clients
	# at once, 1,000 requests on one connection.
	trap 'xl shutdown "$1"' EXIT
	until_line 'httpd: serving' || exit 1
	u=http://10.0.0.5
	$tb wait 10.0.0.5 80 60 || exit 1
	for p in $PAGES; do
		echo "dom0: sha $p $(wget -q -O - "$u$p" | sha256sum | cut -d' ' -f1)"
	done
	ask() { printf "$1" | talk 10.0.0.5 80 5; }
	ask 'HEAD /64k.html HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n' >/tmp/head
	echo "dom0: head: $(head -1 /tmp/head | tr -d '\r')," \
		"$(grep -i '^content-length:' /tmp/head | tr -d '\r')," \
		"$(($(wc -c </tmp/head) - $(sed '/^\r$/q' /tmp/head | wc -c))) bytes after the head"
	lm=$(grep -i '^last-modified:' /tmp/head | cut -d' ' -f2- | tr -d '\r')
	ask "GET /64k.html HTTP/1.1\r\nHost: h\r\nIf-Modified-Since: $lm\r\nConnection: close\r\n\r\n" >/tmp/cond
	echo "dom0: conditional: $(head -1 /tmp/cond | tr -d '\r') (If-Modified-Since: $lm)"
	wget -q -O /tmp/par.ref "$u/1k.html"
	i=0
	while [ $i -lt 200 ]; do
		(wget -q -O /tmp/par.$i "$u/1k.html" && cmp -s /tmp/par.$i /tmp/par.ref &&
			echo ok >/tmp/ok.$i) &
		i=$((i + 1))
	done
	wait
	echo "dom0: parallel: $(ls /tmp/ok.* | wc -l) of 200 clients got the page"
	{
		i=1
		while [ $i -lt 1000 ]; do
			printf 'GET /1k.html HTTP/1.1\r\nHost: h\r\n\r\n'
			i=$((i + 1))
		done
		printf 'GET /1k.html HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n'
	} | talk 10.0.0.5 80 30 >/tmp/ka
	echo "dom0: keep-alive: $(grep -c '^HTTP/1.1 200' /tmp/ka) responses on one connection" ;;
kvd)
	trap 'xl destroy "$1"' EXIT
	until_line 'kvd: serving' || exit 1
	kvd_wait 10.0.0.6 || exit 1
	r=$(printf 'SET a 1 2\nGET a\nDEL a\nGET a\nFROB\nQUIT\n' | talk 10.0.0.6 6380 10 |
		tr '\n' '|')
	echo "dom0: kvd: $r"
	{
		i=0
		while [ $i -lt 5000 ]; do
			printf 'SET k%d value-%d\n' $i $i
			i=$((i + 1))
		done
		sleep 120
	} | nc 10.0.0.6 6380 >/tmp/load &
	i=0
	until [ "$(grep -c '^OK' /tmp/load)" -ge 200 ]; do
		i=$((i + 1)); [ $i -lt 1200 ] || break
		sleep 0.1
	done
	# (what came back before the destroy: acknowledged, so durable)
	n=$(grep -c '^OK' /tmp/load)
	echo $n >/tmp/kvd.acks
	echo "dom0: kvd: xl destroy after $n acknowledged writes" ;;
kvd2)
	trap 'xl shutdown "$1"' EXIT
	until_line 'kvd: serving' || exit 1
	kvd_wait 10.0.0.7 || exit 1
	n=$(cat /tmp/kvd.acks)
	i=0
	while [ $i -lt "$n" ]; do
		printf 'GET k%d\n' $i >>/tmp/gets
		printf 'VALUE value-%d\n' $i >>/tmp/want
		i=$((i + 1))
	done
	{ cat /tmp/gets; printf 'QUIT\n'; } | talk 10.0.0.7 6380 60 | head -n "$n" >/tmp/got
	cmp -s /tmp/got /tmp/want && echo "dom0: kvd2: all $n acknowledged writes back" ||
		echo "dom0: kvd2: $(cat /tmp/got | wc -l) answers of $n, first differences:" \
			"$(diff /tmp/got /tmp/want | head -4 | tr '\n' ' ')" ;;
client)
	# The image connects out to this echo server (busybox nc, one cat per
	# connection).
	nc -ll -p 9000 -e cat &
	until_line 'hako: exit status' ;;
esac
EOF
test/xen/run.sh --batch "$out/cases" --outdir "$out" --timeout 240 --net --add "$out/tcpbench" \
	--host-disk "$out/kv.img" --case-disks kvd=0 --case-disks kvd2=0 \
	--dom0-script "$out/dom0.sh" --log "$out/serial.log" >"$out/results" 2>"$out/rig.log"
[ $? = 124 ] && case_result "xen net: the rig ran every case" 1 "see $out/rig.log"
st() { cat "$out/$1.status" 2>/dev/null || echo missing; }

expect "xen net: echo gets its address by DHCP from dom0" 0 "$(st echo)" "$out/echo.out" \
	'net0 10.0.0.2/24 gateway 10.0.0.1 \(DHCP\)' 'echo: serving TCP and UDP on port 7'
expect "xen net: dom0 pings the image" 0 "$(st echo)" "$out/echo.dom0" \
	'^10 packets transmitted, 10 packets received'
for n in 1 1000 65536 1048576 16777216; do
	grep -q "^dom0: $n bytes echoed intact" "$out/echo.dom0"
	case_result "xen net: echo round trip of $n bytes, every byte checked" $? \
		"$(grep "^dom0: $n bytes" "$out/echo.dom0")"
done
grep -q '^conns_ok=200 of 200$' "$out/echo.dom0"
case_result "xen net: 200 connections at once, all served" $? \
	"$(grep conns_ok "$out/echo.dom0" | head -1)"
expect "xen net: xl shutdown with 20 connections open ends cleanly" 0 "$(st echo)" \
	"$out/echo.out" 'hako: shutdown requested' 'xen: vif/0: rx [0-9]+ frames' \
	'^hako: exit status 0$'
expect "xen net: the image as a client of a dom0 server (4 MiB back intact)" 0 \
	"$(st client)" "$out/client.out" 'net0 10.0.0.3/24' \
	'echo: client: 4194304 bytes echoed back intact' '^hako: exit status 0$'
expect "xen net: static IPv4 from hako.ip=: dom0 pings it and echoes through it" 0 \
	"$(st static)" "$out/static.out" 'net0 10.0.0.40/24 gateway 10.0.0.1 \(static\)'
expect "xen net: ...dom0's side" 0 0 "$out/static.dom0" \
	'^3 packets transmitted, 3 packets received' '^dom0: static: 65536 bytes echoed intact'
# With a device queue of one frame, a TCP segment beyond it waits in its
# connection: none dropped (each would cost its stream a retransmission
# time-out), and the load did make some wait.
expect "xen net: a one-frame device queue: 16 streams at once intact, TCP held back, not dropped" \
	0 0 "$out/static.dom0" '^dom0: static: 16 of 16 streams of 1 MiB echoed intact'
expect "xen net: ...the image counted them held, none dropped" 0 0 "$out/static.out" \
	'tx queue full 0; tcp held for room [1-9]'

# httpd: the same pages as on usermode and qemu-x86, from dom0's busybox.
expect "xen httpd: serves in an 8 MiB domU, its address by DHCP" 0 0 "$out/httpd.out" \
	'net0 10.0.0.5/24 gateway 10.0.0.1 \(DHCP\)' 'httpd: serving'
bad=
for p in $pages; do
	grep -q "^dom0: sha $p $(sha256sum <"$www$p" | cut -d' ' -f1)$" "$out/httpd.dom0" ||
		bad="$bad $p"
done
case_result "xen httpd: wget in dom0 fetches every page byte-exact ($(echo $pages | wc -w) files)" \
	"$([ -z "$bad" ] && [ -n "$pages" ]; echo $?)" "wrong or missing:$bad"
expect "xen httpd: HEAD: 200, Content-Length of the file, no body" 0 0 "$out/httpd.dom0" \
	"^dom0: head: HTTP/1.1 200 OK, Content-Length: $(stat -c %s "$www/64k.html"), 0 bytes after"
expect "xen httpd: If-Modified-Since its Last-Modified: 304" 0 0 "$out/httpd.dom0" \
	'^dom0: conditional: HTTP/1.1 304 Not Modified \(If-Modified-Since: [A-Z][a-z]{2}, '
expect "xen httpd: 200 parallel clients all answered" 0 0 "$out/httpd.dom0" \
	'^dom0: parallel: 200 of 200 clients'
expect "xen httpd: a keep-alive connection carries 1,000 requests" 0 0 "$out/httpd.dom0" \
	'^dom0: keep-alive: 1000 responses on one connection'
expect "xen httpd: xl shutdown: status 0, the statistics line" 0 "$(st httpd)" "$out/httpd.out" \
	'hako: shutdown requested' '^httpd: connections [0-9]+ .* requests [1-9][0-9]* ' '^hako: exit status 0$'

# kvd: the store over TCP on blkfront and netfront, killed mid-load.
expect "xen kvd: serves on an ext4 disk of the host's, answers dom0's nc" 0 0 "$out/kvd.dom0" \
	'^dom0: kvd: OK\|VALUE 1 2\|OK\|NOT_FOUND\|ERR unknown command\|BYE\|$'
expect "xen kvd: xl destroy mid-load (at least 200 writes acknowledged)" 0 0 "$out/kvd.dom0" \
	'^dom0: kvd: xl destroy after ([2-9][0-9]{2}|[0-9]{4,}) acknowledged writes$'
expect "xen kvd: the next boot on the disk serves every acknowledged write" 0 0 \
	"$out/kvd2.dom0" '^dom0: kvd2: all [0-9]+ acknowledged writes back$'
expect "xen kvd: ...and ends cleanly on xl shutdown" 0 "$(st kvd2)" "$out/kvd2.out" \
	'^kvd: /data: [0-9]+ keys recovered' '^kvd: [0-9]+ connections' '^hako: exit status 0$'
e2fsck -fn "$out/kv.img" >"$out/fsck.log" 2>&1
expect "xen kvd: e2fsck -fn finds the disk clean after the clean stop" 0 $? "$out/fsck.log"
grep -E '^(hako: net|xen: vif|echo:)' "$out/echo.out" | sed 's/^/      /'
summary
