#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Boot-to-first-response of a server image beside hello's boot-to-exit.

  boottime.py --runs N --url URL [--after TEXT] --server CMD --hello CMD

Each run starts HELLO (a shell command, in its own session) and times it
from spawn to exit (its status must be 0), then starts SERVER and times it
from spawn to the first "200" answer to a GET of URL, then ends SERVER's
session.  Prints "SERVER_MS HELLO_MS", the best of N runs of each (runs
alternate, so that a busy machine slows both alike), or exits 1 saying why.

The probe is one socket in this process, every millisecond: a probe that
starts a curl and a sleep every few milliseconds takes the CPU that the
boot it measures needs (QEMU under TCG uses all of one core).  With
--after, probing starts when SERVER's output shows TEXT (the server says
it listens), and costs nothing before: QEMU's user network accepts a
forwarded connection before the image listens, so an early probe costs
the booting image a connection to refuse.
"""
import argparse
import os
import select
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit


def spawn(cmd):
    return subprocess.Popen(["sh", "-c", "exec " + cmd], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(p):
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def hello_ms(cmd, limit):
    t0 = time.monotonic()
    p = spawn(cmd)
    try:
        p.stdout.read()
        rc = p.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        stop(p)
        raise SystemExit("boottime: hello did not exit within %d s" % limit)
    if rc != 0:
        raise SystemExit("boottime: hello exited with status %d" % rc)
    return (time.monotonic() - t0) * 1000


def answers_200(host, port, path):
    try:
        with socket.create_connection((host, port), timeout=0.5) as s:
            s.settimeout(0.5)
            s.sendall(b"GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                      % (path.encode(), host.encode()))
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def server_ms(cmd, url, after, limit):
    u = urlsplit(url)
    host, port, path = u.hostname, u.port or 80, u.path or "/"
    out = b""
    t0 = time.monotonic()
    p = spawn(cmd)
    fd = p.stdout.fileno()
    os.set_blocking(fd, False)
    ta = None
    try:
        while time.monotonic() - t0 < limit:
            if after is not None and after not in out:
                r, _, _ = select.select([fd], [], [], 0.5)
                if r:
                    chunk = os.read(fd, 4096)
                    if not chunk:
                        break
                    out = out[-4096:] + chunk
                ta = (time.monotonic() - t0) * 1000
                continue
            if answers_200(host, port, path):
                return (time.monotonic() - t0) * 1000, ta
            if p.poll() is not None:
                break
            time.sleep(0.001)
        raise SystemExit("boottime: %s never answered 200 (%s)" % (
            url, "it ended" if p.poll() is not None else "%d s" % limit))
    finally:
        stop(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--url", required=True)
    ap.add_argument("--after")
    ap.add_argument("--server", required=True)
    ap.add_argument("--hello", required=True)
    ap.add_argument("--limit", type=int, default=60)
    a = ap.parse_args()
    after = a.after.encode() if a.after is not None else None
    s, h, said = [], [], []
    for _ in range(a.runs):
        h.append(hello_ms(a.hello, a.limit))
        ms, ta = server_ms(a.server, a.url, after, a.limit)
        s.append(ms)
        if ta is not None:
            said.append(ta)
        time.sleep(0.3)
    print("%d %d" % (min(s), min(h)))
    print("boottime: server %s ms%s; hello %s ms" % (
        " ".join("%d" % x for x in s),
        " (its line at %s)" % " ".join("%d" % x for x in said) if said else "",
        " ".join("%d" % x for x in h)), file=sys.stderr)


if __name__ == "__main__":
    main()
