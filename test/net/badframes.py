#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Malformed frames for the image behind a TAP device (test/net.sh), sent
with scapy (Debian's python3-scapy) from the host side of the TAP.

  badframes.py IFACE DST_MAC DST_IP SRC_IP

Each kind goes out 3 times; prints what it sent.  The image must drop and
count every one and keep serving.
"""
import sys

from scapy.all import ICMP, IP, TCP, UDP, Ether, Raw, conf, sendp

iface, dmac, dip, sip = sys.argv[1:5]
conf.verb = 0
eth = Ether(dst=dmac, src="02:00:00:00:00:01", type=0x0800)


def raw(pkt):
    return bytes(pkt)


frames = {}
frames["runt (10 bytes)"] = bytes.fromhex(dmac.replace(":", "")) + b"\x02\x00\x00\x00"
frames["oversized (3000-byte frame)"] = raw(eth / IP(src=sip, dst=dip) / UDP(dport=7) / Raw(b"o" * 2958))
good_ip = raw(IP(src=sip, dst=dip) / ICMP() / Raw(b"x" * 32))
bad = bytearray(good_ip)
bad[10] ^= 0xFF  # header checksum
frames["IPv4 bad header checksum"] = raw(eth) + bytes(bad)
bad = bytearray(good_ip)
bad[2:4] = (1000).to_bytes(2, "big")  # total length past the frame
bad[10:12] = b"\x00\x00"
frames["IPv4 total length past the frame"] = raw(eth / IP(bytes(bad)))
bad = bytearray(good_ip)
bad[0] = 0x4F  # header length 60 in a 60-byte packet... with 20 real
frames["IPv4 header length past the packet"] = raw(eth) + bytes(bad[:24])
frames["TCP bad checksum"] = raw(eth / IP(src=sip, dst=dip) / TCP(sport=4000, dport=7, flags="S", chksum=0x1234))
frames["UDP bad checksum"] = raw(eth / IP(src=sip, dst=dip) / UDP(sport=4000, dport=7, chksum=0x1234) / Raw(b"bad sum"))
u = IP(src=sip, dst=dip) / UDP(sport=4000, dport=7) / Raw(b"short")
u = IP(raw(u))
u[UDP].len = 200  # claims more than it carries
del u[UDP].chksum
frames["UDP length past the packet"] = raw(eth / u)
t = raw(IP(src=sip, dst=dip, proto=6) / Raw(b"\x00" * 8))
frames["TCP header truncated (8 bytes)"] = raw(eth) + t

for name, f in frames.items():
    for _ in range(3):
        sendp(f, iface=iface)
    print("sent 3x %s (%d bytes)" % (name, len(f)))
