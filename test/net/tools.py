#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host-side helpers for test/net.sh (standard library only).

  tools.py freeport                     a free TCP+UDP port on 127.0.0.1
  tools.py concurrent HOST PORT N       N connections open at once, each
                                        sending its own bytes; all echoed?
  tools.py udp HOST PORT N              N datagrams; every one echoed?
  tools.py hold HOST PORT N SECONDS     open N connections (one mid-
                                        transfer), print "held", then wait
                                        until each ends (EOF or reset):
                                        "ended N" when all did in SECONDS
  tools.py server HOST PORT             echo server for the image as client
                                        (forks per connection, runs until
                                        killed)
  tools.py fakepasst SOCKET             a passt stand-in that sends bad
                                        records (see fakepasst below)
  tools.py flood HOST PORT N            N connections at once, count how
                                        many were refused or reset

Each prints one result line and exits 0 on success, 1 otherwise.
"""
import os
import select
import socket
import struct
import sys
import threading
import time

# paced(connect, ARGS...): connect(ARGS...) at least 5 ms after the last
# connect of this process (any thread).  QEMU's user network listens on the
# host with a backlog of 1, and a burst of connects there waits out the
# host's SYN retransmissions (1 s, 3 s, 7 s...), none of it the image's.
# (test/kvd/client.py and test/httpd/client.py import it.)
_connect_lock = threading.Lock()
_last_connect = 0.0


def paced(connect, *args):
    global _last_connect
    with _connect_lock:
        time.sleep(max(0.0, _last_connect + 0.005 - time.monotonic()))
        try:
            return connect(*args)
        finally:
            _last_connect = time.monotonic()


def freeport():
    for _ in range(50):
        t = socket.socket()
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            t.close()
            continue
        t.close()
        u.close()
        print(port)
        return 0
    return 1


def concurrent(host, port, n):
    socks = []
    for i in range(n):
        s = paced(socket.create_connection, (host, port), 20)
        socks.append(s)
    payload = [("connection %d of %d " % (i, n)).encode() * 37 for i in range(n)]
    for s, p in zip(socks, payload):
        s.sendall(p)
    good = 0
    deadline = time.time() + 30
    for s, p in zip(socks, payload):
        got = b""
        while len(got) < len(p) and time.time() < deadline:
            s.settimeout(max(0.1, deadline - time.time()))
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            got += b
        if got == p:
            good += 1
    for s in socks:
        s.close()
    print("concurrent: %d of %d connections echoed their bytes" % (good, n))
    return 0 if good == n else 1


def udp(host, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    good = 0
    for i in range(n):
        p = ("datagram %d " % i).encode() * (1 + i % 40)
        for _ in range(3):  # UDP may lose one: retry
            s.sendto(p, (host, port))
            try:
                b, _ = s.recvfrom(65536)
            except socket.timeout:
                continue
            if b == p:
                good += 1
                break
    print("udp: %d of %d datagrams echoed" % (good, n))
    return 0 if good == n else 1


def hold(host, port, n, seconds):
    socks = [paced(socket.create_connection, (host, port), 10) for _ in range(n)]
    for s in socks:
        s.sendall(b"ping")
        s.settimeout(10)
        if s.recv(4) != b"ping":
            print("hold: connection not echoing")
            return 1
    # One connection has data in flight when the request comes.
    socks[0].setblocking(False)
    try:
        socks[0].send(b"x" * 200000)
    except BlockingIOError:
        pass
    print("held", flush=True)
    ended = 0
    deadline = time.time() + seconds
    live = set(socks)
    while live and time.time() < deadline:
        r, _, _ = select.select(list(live), [], [], 0.2)
        for s in r:
            try:
                b = s.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                b = b""
            except BlockingIOError:
                continue
            if not b:
                live.discard(s)
                ended += 1
    print("ended %d of %d" % (ended, n))
    return 0 if ended == n else 1


def server(host, port):
    ls = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(16)
    print("listening", flush=True)
    while True:
        c, _ = ls.accept()
        if os.fork() == 0:
            ls.close()
            while True:
                b = c.recv(65536)
                if not b:
                    break
                c.sendall(b)
            os._exit(0)
        c.close()
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass


def fakepasst(path):
    """Stand in for passt: accept the image, send records that a deframer
    must drop (a runt, an oversized frame), a good frame, then a length no
    frame can have; keep the connection open until the image closes it."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(1)
    print("listening", flush=True)
    c, _ = ls.accept()
    bcast = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01"
    arp = bcast + b"\x08\x06" + bytes.fromhex("0001080006040001") + \
        b"\x02\x00\x00\x00\x00\x01" + bytes([10, 0, 0, 1]) + b"\x00" * 6 + bytes([10, 0, 0, 9])
    recs = b""
    recs += struct.pack(">I", 5) + b"runt!"                      # runt
    recs += struct.pack(">I", 3000) + b"\x00" * 3000             # oversized
    recs += struct.pack(">I", 0)                                 # empty
    recs += struct.pack(">I", len(arp)) + arp                    # good
    # a record split across writes: the deframer must reassemble it
    half = struct.pack(">I", len(arp)) + arp
    c.sendall(recs + half[:7])
    time.sleep(0.2)
    c.sendall(half[7:])
    time.sleep(0.2)
    c.sendall(struct.pack(">I", 0x7FFFFFFF) + b"garbage")        # desync
    c.settimeout(30)
    try:
        while c.recv(65536):
            pass
    except OSError:
        pass
    print("closed")
    return 0


def flood(host, port, n):
    socks, refused = [], 0
    for _ in range(n):
        s = socket.socket()
        s.settimeout(5)
        try:
            paced(s.connect, (host, port))
            socks.append(s)
        except (ConnectionRefusedError, ConnectionResetError, socket.timeout):
            refused += 1
    # Connections beyond the limit are reset once established: a read
    # tells.
    for s in socks:
        try:
            s.sendall(b"?")
            s.settimeout(5)
            if s.recv(1) != b"?":
                refused += 1
        except (ConnectionResetError, BrokenPipeError, socket.timeout):
            refused += 1
    served = n - refused
    for s in socks:
        s.close()
    print("flood: %d served, %d refused" % (served, refused))
    return 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "freeport":
        return freeport()
    if cmd == "concurrent":
        return concurrent(args[0], int(args[1]), int(args[2]))
    if cmd == "udp":
        return udp(args[0], int(args[1]), int(args[2]))
    if cmd == "hold":
        return hold(args[0], int(args[1]), int(args[2]), float(args[3]))
    if cmd == "server":
        return server(args[0], int(args[1]))
    if cmd == "fakepasst":
        return fakepasst(args[0])
    if cmd == "flood":
        return flood(args[0], int(args[1]), int(args[2]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError, IndexError) as e:
        print("%s: %s" % (sys.argv[1] if len(sys.argv) > 1 else "tools", e))
        sys.exit(1)
