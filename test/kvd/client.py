#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Clients of apps/kvd (its line protocol: apps/kvd/proto.h).

  client.py proto HOST PORT            protocol cases, "ok NAME" / "FAIL NAME: why"
  client.py load HOST PORT PREFIX N    SET PREFIX-i, "ack PREFIX-i" once each is OK
  client.py verify HOST PORT PREFIX N  every acknowledged key back with its value
  client.py parallel HOST PORT C K     C clients at once, K keys each, read back
  client.py busy HOST PORT N           N connections held open: beyond the
                                       server's limit, "ERR busy" and a close
"""
import os
import socket
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "net"))
from tools import paced  # noqa: E402 (connects 5 ms apart: QEMU's user network)


def value_of(prefix, i):
    # varied lengths (up to ~3 KB), checkable, no newline
    return ("%s:%d:" % (prefix, i)) + "abcdefghij klmnopqrst"[i % 20:] * (1 + (i * 7) % 150)


class Conn:
    def __init__(self, host, port, timeout=20):
        self.s = paced(socket.create_connection, (host, int(port)), timeout)
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            b = self.s.recv(65536)
            if not b:
                raise EOFError("closed by the server")
            self.buf += b
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("latin-1")

    def ask(self, req):
        if isinstance(req, str):
            req = req.encode("latin-1")
        self.s.sendall(req + b"\n")
        return self.line()

    def closed(self):
        """True once the server has closed (EOF)."""
        try:
            return self.s.recv(1) == b""
        except OSError:
            return True


def _send_quietly(s, data):
    try:
        s.sendall(data)
    except OSError:
        pass


def proto(host, port):
    bad = 0

    def check(name, got, want):
        nonlocal bad
        if got == want:
            print("ok   %s" % name)
        else:
            bad += 1
            print("FAIL %s: got %r, want %r" % (name, got, want))

    c = Conn(host, port)
    check("SET then GET", (c.ask("SET k1 v1"), c.ask("GET k1")), ("OK", "VALUE v1"))
    check("a value with spaces", (c.ask("SET k2 a b  c "), c.ask("GET k2")),
          ("OK", "VALUE a b  c "))
    check("an empty value", (c.ask("SET k3 "), c.ask("GET k3")), ("OK", "VALUE "))
    big = "x" * 60000
    check("a 60 KB value", (c.ask("SET big " + big), c.ask("GET big") == "VALUE " + big),
          ("OK", True))
    check("an overwrite", (c.ask("SET k1 v2"), c.ask("GET k1")), ("OK", "VALUE v2"))
    check("lower case, CRLF", (c.ask("set k4 v4\r"), c.ask("get k4\r")), ("OK", "VALUE v4"))
    check("DEL, then NOT_FOUND", (c.ask("DEL k4"), c.ask("GET k4"), c.ask("DEL k4")),
          ("OK", "NOT_FOUND", "NOT_FOUND"))
    check("STATS", c.ask("STATS").split()[:2], ["STATS", "keys"])
    for req, why in (("", "empty line"), ("FROB x", "unknown command"), ("GET", "no key"),
                     ("SET k", "no value"), ("GET a b", "more than a key"),
                     ("SET  v", "empty key"), ("STATS now", "arguments after a command "
                                               "that takes none"),
                     ("GET a\x01", "control character in the key"),
                     ("SET " + "k" * 1025 + " v", "key too long"),
                     (b"GET a\0b", "NUL byte in the line")):
        name = req if isinstance(req, str) else req.decode("latin-1")
        check("bad: %r: ERR %s, the connection goes on" % (name[:24], why),
              (c.ask(req), c.ask("GET k1")), ("ERR " + why, "VALUE v2"))
    check("QUIT: BYE and a close", (c.ask("QUIT"), c.closed()), ("BYE", True))
    c = Conn(host, port)
    # (sent from a thread: the server stops reading once the line is too
    # long, answers, and drains the rest before it closes)
    pump = threading.Thread(target=lambda: _send_quietly(c.s, b"SET long " + b"y" * 70000 + b"\n"))
    pump.start()
    try:
        got = (c.line(), c.closed())
    except (OSError, EOFError) as e:
        got = (repr(e), None)
    pump.join(20)
    check("a line over 64 KiB: ERR and a close", got, ("ERR line too long", True))
    c = Conn(host, port)
    check("...and the server serves the next client", c.ask("GET k1"), "VALUE v2")
    return 1 if bad else 0


def load(host, port, prefix, n):
    c = Conn(host, port)
    for i in range(int(n)):
        r = c.ask("SET %s-%d %s" % (prefix, i, value_of(prefix, i)))
        if r != "OK":
            print("load: SET %s-%d: %s" % (prefix, i, r), flush=True)
            return 1
        print("ack %s-%d" % (prefix, i), flush=True)
    return 0


def verify(host, port, prefix, n):
    c = Conn(host, port)
    n, bad, more = int(n), 0, 0
    for i in range(n):
        r = c.ask("GET %s-%d" % (prefix, i))
        if r != "VALUE " + value_of(prefix, i):
            bad += 1
            if bad < 5:
                print("verify: %s-%d: %r" % (prefix, i, r[:60]))
    # the write in flight at the kill may be there too, but then whole
    r = c.ask("GET %s-%d" % (prefix, n))
    if r != "NOT_FOUND":
        more = 1
        if r != "VALUE " + value_of(prefix, n):
            bad += 1
            print("verify: the unacknowledged %s-%d is torn: %r" % (prefix, n, r[:60]))
    print("verify: %d of %d acknowledged keys intact, %d bad, %d more present" %
          (n - bad, n, bad, more))
    return 1 if bad else 0


def parallel(host, port, nc, nk):
    nc, nk = int(nc), int(nk)
    good = [0] * nc

    def one(j):
        try:
            c = Conn(host, port, timeout=60)
            for i in range(nk):
                if c.ask("SET p%d-%d %s" % (j, i, value_of("p%d" % j, i))) != "OK":
                    return
            for i in range(nk):
                if c.ask("GET p%d-%d" % (j, i)) == "VALUE " + value_of("p%d" % j, i):
                    good[j] += 1
        except (OSError, EOFError) as e:
            print("parallel: client %d: %s" % (j, e))

    ts = [threading.Thread(target=one, args=(j,)) for j in range(nc)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("parallel: %d of %d keys written and read back by %d clients at once" %
          (sum(good), nc * nk, nc))
    return 0 if sum(good) == nc * nk else 1


def busy(host, port, n):
    """Each connection sends STATS at once (passt opens the image's side of
    a connection only at its first bytes).  Beyond the limit the server
    answers "ERR busy" and closes; closing with our line unread, it may
    reset the connection first: either counts as refused."""
    conns, served, refused, other = [], 0, 0, []
    for _ in range(int(n)):
        c = Conn(host, port)
        c.s.sendall(b"STATS\n")
        conns.append(c)
    for c in conns:
        try:
            r = c.line()
        except (OSError, EOFError) as e:
            r = "reset" if isinstance(e, ConnectionResetError) else "closed"
        if r.startswith("STATS"):
            served += 1
        elif r in ("ERR busy", "reset", "closed"):
            refused += 1
        else:
            other.append(r)
    for c in conns:
        c.s.close()
    print("busy: %d served, %d refused (ERR busy or a reset), %d other %r" %
          (served, refused, len(other), other[:3]))
    # At most the limit served (connections of earlier clients may still
    # hold places), the rest refused, every one answered one way or the other.
    ok = 0 < served <= 64 and refused >= int(n) - 64 and not other
    print("busy: %s" % ("ok" if ok else "FAIL"))
    return 0 if ok else 1


def main(argv):
    cmds = {"proto": proto, "load": load, "verify": verify, "parallel": parallel, "busy": busy}
    if len(argv) < 4 or argv[1] not in cmds:
        print(__doc__)
        return 2
    return cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
