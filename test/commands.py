#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""commands.py: every command the project's scripts call comes from a Debian
package that build/deps.sh installs for that task.

  test/commands.py                     check the tree; exit 1 on a problem
  test/commands.py --list              every call found: FILE:LINE: COMMAND
  test/commands.py --scan DIR FILE...  check only FILEs (paths below DIR)

How: test/shellwords.py finds the commands of each shell script, Makefile
recipe and $(shell ...).  Each must be a shell builtin or keyword, a
function defined in the file or in a file it sources, a path into the tree,
or a key of TABLE, whose package must be in `build/deps.sh --list TASK` for
the file's task (TASKS).  Then `dpkg -S` checks that TABLE tells the truth
about the installed files.

Not seen (listed in TABLE by hand, after an strace of `make test` showed
every program it runs): commands named by a variable ("$qemu", "$cmd") and
commands in strings run by eval or sh -c.  Here-doc bodies are data (C, assembly, dom0
scripts), as are the scripts in SKIP, which run inside a guest (the Xen
rig's dom0, the Linux reference guest) on the packages its image builder
downloads.
"""
import fnmatch
import os
import re
import subprocess
import sys

from shellwords import BUILTINS, make_vars, scan_make, scan_shell

# Command -> the Debian package that provides it.
TABLE = {
    # Essential or required on any Debian (listed so that the table is whole).
    "awk": "mawk", "bash": "bash", "sh": "dash",
    "basename": "coreutils", "cat": "coreutils", "chmod": "coreutils",
    "cp": "coreutils", "cut": "coreutils", "date": "coreutils",
    "dirname": "coreutils", "du": "coreutils", "head": "coreutils",
    "id": "coreutils", "install": "coreutils", "ln": "coreutils",
    "ls": "coreutils", "md5sum": "coreutils", "mkdir": "coreutils", "base64": "coreutils",
    "mkfifo": "coreutils", "mktemp": "coreutils", "mv": "coreutils",
    "nproc": "coreutils", "od": "coreutils", "realpath": "coreutils",
    "rm": "coreutils", "seq": "coreutils", "sha256sum": "coreutils",
    "sleep": "coreutils", "sort": "coreutils", "uniq": "coreutils", "stat": "coreutils",
    "tail": "coreutils", "tee": "coreutils", "timeout": "coreutils",
    "touch": "coreutils", "tr": "coreutils", "truncate": "coreutils",
    "wc": "coreutils", "env": "coreutils", "diff": "diffutils",
    "find": "findutils", "xargs": "findutils", "grep": "grep", "sed": "sed",
    "git": "git",
    "gzip": "gzip", "zcat": "gzip", "flock": "util-linux",
    "dpkg": "dpkg", "dpkg-query": "dpkg", "dpkg-deb": "dpkg",
    "apt-get": "apt", "apt-cache": "apt",
    # The build.
    "make": "make", "gcc": "gcc", "as": "binutils", "ld": "binutils",
    "ar": "binutils", "nm": "binutils", "objcopy": "binutils",
    "readelf": "binutils", "strip": "binutils", "python3": "python3",
    "/usr/bin/python3": "python3", "pkg-config": "pkg-config",
    "dpkg-source": "dpkg-dev",
    # The ports' runners and the tests.
    "qemu-system-x86_64": "qemu-system-x86", "/usr/bin/time": "time",
    "xz": "xz-utils", "cpio": "cpio", "strace": "strace", "gdb": "gdb",
    "gdb-multiarch": "gdb-multiarch", "setsid": "util-linux", "ss": "iproute2",
    "strings": "binutils", "size": "binutils",
    "uname": "coreutils", "cmp": "diffutils", "dd": "coreutils",
    # arm64: the cross toolchain, QEMU's virt machine, qemu-user, libFuzzer.
    "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu",
    "aarch64-linux-gnu-objcopy": "binutils-aarch64-linux-gnu",
    "aarch64-linux-gnu-strip": "binutils-aarch64-linux-gnu",
    "qemu-system-aarch64": "qemu-system-arm", "qemu-aarch64": "qemu-user",
    "clang": "clang",
    # The storage tests and the fuzzers (build/deps.sh's test list).
    "mkfs.ext4": "e2fsprogs", "mkfs.ext2": "e2fsprogs", "e2fsck": "e2fsprogs",
    "debugfs": "e2fsprogs", "dumpe2fs": "e2fsprogs",
    "setsid": "util-linux",
    "unshare": "util-linux", "pgrep": "procps", "pkill": "procps", "nstat": "iproute2", "getconf": "libc-bin", "ldd": "libc-bin",
    "busybox": "busybox-static", "ip": "iproute2",
    # Networking: the rootless NIC, namespaces and TAPs, host-side clients.
    "passt": "passt", "socat": "socat", "ping": "iputils-ping",
    "curl": "curl", "wrk": "wrk", "xmllint": "libxml2-utils",
    "virt-xml-validate": "libvirt-clients", "tar": "tar",
}

# Packages whose commands are found by hand only (named by a variable).
DYNAMIC = {
    "qemu-system-x86_64": "test/qemu-x86/run-tests.sh, hal/qemu-x86/run.sh: \"$qemu\"",
    "qemu-system-aarch64": "test/qemu-arm64/run-tests.sh, hal/qemu-arm64/run.sh: \"$qemu\"",
    "qemu-aarch64": "hal/usermode/run.sh (an arm64 image on another host), "
                    "test/bench/usermode-arm64.sh: SPAWN_RUNNER",
    "busybox": "test/virtio-devtest.sh: the TAP script it writes and runs (udhcpd)",
    "ip": "test/virtio-devtest.sh: the TAP script it writes and runs; "
          "test/net.sh: \"$RUN\" ip",
    "socat": "test/net.sh: \"$RUN\" socat (host tools run in a namespace)",
    "ping": "test/net.sh: \"$RUN\" ping",
    "curl": "test/httpd.sh: \"$RUN\" curl (host clients run in a namespace)",
    "wrk": "test/httpd.sh: $RUN timeout 60 wrk",
}

# Which deps task a file runs under (first match wins): make runs `deps.sh
# build` before building, `make run` `deps.sh PLATFORM`, make test and make
# bench `deps.sh test`.
TASKS = [
    ("hal/*/debug.sh", "debug"),  # make debug; installs gdb
    ("build/gdb/*", "debug"),
    ("test/xen/loadercheck.sh", "xen"),  # make PLATFORM=xen; installs libxen-dev
    ("hal/*/port.mk", "build"),
    ("hal/qemu-x86/checkimage.sh", "build"),
    ("hal/xen/mkxl.sh", "build"),
    ("hal/usermode/*", "usermode"),
    ("hal/qemu-x86/*", "qemu-x86"),
    ("hal/qemu-arm64/*", "qemu-arm64"),
    # Sourced by both QEMU ports' run.sh; what it calls is in both lists.
    ("hal/common/qemu-devices.sh", "qemu-x86"),
    ("hal/common/passt.sh", "usermode"),  # (and the QEMU ports': passt in each list)
    ("hal/xen/*", "xen"),
    ("test/xen/*", "xen"),
    ("Makefile", "build"),
    ("*.mk", "build"),
    ("build/*", "build"),
    ("test/*", "test"),
    (".ci/*", "test"),
]
# Scripts that run inside a guest, on what its image holds (busybox and the
# packages the image builders download), never on the host.
SKIP = {"test/xen/dom0-init.sh", "test/xen/vif-rig.sh", "test/xen/block-rig.sh",
        "test/bench/linux-guest/init.sh", "test/bench/linux-guest/udhcpc.sh",
        "test/xen-life/dom0.sh", "test/bench/xen-density/dom0.sh",
        "test/bench/linux-guest/xen-domu.sh"}

# ---------------------------------------------------------------------- main
def task_of(path):
    for pattern, task in TASKS:
        if fnmatch.fnmatch(path, pattern):
            return task
    return None


def is_shell(root, path):
    if path.endswith(".sh"):
        return True
    try:
        with open(os.path.join(root, path), "rb") as f:
            first = f.readline()
    except OSError:
        return False
    return re.match(rb"#!\s*(/usr)?/bin/(env\s+)?(ba)?sh\b", first) is not None


def tree_files(root):
    out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True)
    files = out.stdout.split() if out.returncode == 0 else []
    if not files:
        for d, _, names in os.walk(root):
            if "/out" in d or "/." in d:
                continue
            files += [os.path.relpath(os.path.join(d, f), root) for f in names]
    return sorted(f for f in files if f not in SKIP and
                  (is_shell(root, f) or f.endswith(".mk") or os.path.basename(f) == "Makefile"))


def sourced(path, text, shells):
    """Files a shell script sources (. FILE / source FILE), as tree paths."""
    out = []
    for m in re.finditer(r"^\s*(?:\.|source)\s+(.*)$", text, re.M):
        names = re.findall(r"[\w.-]+\.sh\b", m.group(1))
        # . "$(dirname "$0")/REL" or . "$here/REL" (here=${0%/*}): REL from
        # the script's own directory
        rel = re.search(r'(?:\$\(dirname "?\$0"?\)|\$here)"?/([\w./-]+\.sh)\b', m.group(1))
        rel = rel and os.path.normpath(os.path.join(os.path.dirname(path), rel.group(1)))
        for cand in shells:
            if names and os.path.basename(cand) == names[-1] and \
                    (os.path.dirname(cand) == os.path.dirname(path) or cand in m.group(1) or
                     cand == rel):
                out.append(cand)
    return out


def deps_list(root, task, cache={}):
    if task not in cache:
        r = subprocess.run([os.path.join(root, "build/deps.sh"), "--list", task],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"commands: build/deps.sh --list {task} failed: {r.stderr.strip()}")
        cache[task] = set(r.stdout.split())
    return cache[task]


def calls(root, files):
    """[(path, line, command)] for every call of an outside command."""
    shells = [f for f in files if is_shell(root, f)]
    texts = {f: open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
             for f in files}
    scanned, defs = {}, {}
    top_vars = {"MAKE": "make", "SHELL": "/bin/sh"}
    if os.path.exists(os.path.join(root, "Makefile")):
        make_vars(open(os.path.join(root, "Makefile")).read(), top_vars)
    for f in files:
        if is_shell(root, f):
            res = scan_shell(texts[f])
        else:
            v = {}
            make_vars(texts[f], v)
            for key, val in top_vars.items():
                v.setdefault(key, val)
            v["d"] = os.path.dirname(f) + "/"
            res = scan_make(texts[f], v)
        scanned[f] = [(ln, c) for ln, c in res if ln != "def"]
        defs[f] = {c for ln, c in res if ln == "def"}
    out = []
    for f in files:
        mine = set(defs[f])
        if is_shell(root, f):
            for s in sourced(f, texts[f], shells):
                mine |= defs.get(s, set())
        for ln, c in scanned[f]:
            if c in BUILTINS or c in mine or not c:
                continue
            if "/" in c and not c.startswith("/"):
                continue  # a path into the tree (or below a variable)
            out.append((f, ln, c))
    return sorted(out, key=lambda x: (x[0], x[1], x[2]))


def check(root, files, verify_host=True):
    problems = []
    found = calls(root, files)
    used = {}
    for f, ln, c in found:
        task = task_of(f)
        if task is None:
            problems.append(f"{f}: no deps task for this file (test/commands.py TASKS)")
            continue
        pkg = TABLE.get(c)
        if pkg is None:
            problems.append(f"{f}:{ln}: {c}: not in test/commands.py's TABLE (which package?)")
            continue
        if pkg not in deps_list(root, task):
            problems.append(f"{f}:{ln}: {c}: package {pkg} is not in build/deps.sh's "
                            f"'{task}' list")
        used[c] = pkg
    for c in DYNAMIC:
        used.setdefault(c, TABLE[c])
    if verify_host:
        problems += verify(used)
    return found, used, problems


def depends(pkgs, depth=2):
    """{package: itself and what it depends on, DEPTH levels deep}: the file
    of a command may live in a dependency (binutils: binutils-x86-64-linux-gnu,
    pkg-config: pkgconf-bin)."""
    out = {p: {p} for p in pkgs}
    frontier = {p: {p} for p in pkgs}
    for _ in range(depth):
        want = sorted(set().union(*frontier.values())) if frontier else []
        if not want:
            break
        r = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\n"]
                           + want, capture_output=True, text=True)
        deps = {}
        for line in r.stdout.splitlines():
            name, _, rest = line.partition("\t")
            deps[name] = {re.split(r"[\s:(]", alt.strip())[0]
                          for item in rest.split(",") for alt in item.split("|")
                          if alt.strip()}
        for p in frontier:
            new = set().union(*(deps.get(q, set()) for q in frontier[p])) - out[p]
            out[p] |= new
            frontier[p] = new
    return out


def owners_of(paths):
    r = subprocess.run(["dpkg-query", "-S"] + sorted(paths), capture_output=True, text=True)
    owner = {}
    for line in r.stdout.splitlines():
        if line.startswith("diversion by"):
            continue
        pkgs, _, path = line.partition(": ")
        owner.setdefault(path.strip(), set()).update(
            p.strip().split(":")[0] for p in pkgs.split(","))
    return owner


def verify(used):
    """Does each command's file belong to the package TABLE names (or to a
    package it depends on, or, for an alternative like awk, could it)?"""
    problems, paths = [], {}
    for c in sorted(used):
        p = c if c.startswith("/") else None
        if p is None:
            for d in ("/usr/bin", "/usr/sbin", "/bin", "/sbin"):
                if os.path.exists(os.path.join(d, c)):
                    p = os.path.join(d, c)
                    break
        if p is None:
            problems.append(f"{c}: not installed (package {used[c]})")
            continue
        ps = {p, os.path.realpath(p)}
        q = p
        for _ in range(8):  # an alternative: every choice counts
            if not os.path.islink(q):
                break
            q = os.path.join(os.path.dirname(q), os.readlink(q))
            if q.startswith("/etc/alternatives/"):
                r = subprocess.run(["update-alternatives", "--list", os.path.basename(q)],
                                   capture_output=True, text=True)
                ps |= set(r.stdout.split())
        ps |= {x.replace("/usr/", "/", 1) for x in ps if x.startswith("/usr/")}
        paths[c] = ps
    if not paths:
        return problems
    owner = owners_of(set().union(*paths.values()))
    accept = depends(set(used.values()))
    for c, ps in sorted(paths.items()):
        owners = set().union(*(owner.get(p, set()) for p in ps))
        if not owners & accept[used[c]]:
            problems.append(f"{c}: TABLE says {used[c]}, dpkg says "
                            f"{', '.join(sorted(owners)) or 'no package'} ({min(ps)})")
    return problems


def main(argv):
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    if len(argv) > 1 and argv[1] == "--scan":
        scan_root = os.path.abspath(argv[2])
        files = argv[3:]
        found = calls(scan_root, files)
        problems = [f"{f}:{ln}: {c}: not in test/commands.py's TABLE (which package?)"
                    for f, ln, c in found if c not in TABLE]
        problems += [f"{f}:{ln}: {c}: package {TABLE[c]} is not in build/deps.sh's "
                     f"'{task_of(f)}' list"
                     for f, ln, c in found
                     if c in TABLE and TABLE[c] not in deps_list(root, task_of(f) or "all")]
        for p in problems:
            print(p)
        return 1 if problems else 0
    files = tree_files(root)
    if len(argv) > 1 and argv[1] == "--list":
        for f, ln, c in calls(root, files):
            print(f"{f}:{ln}: {c}")
        return 0
    found, used, problems = check(root, files)
    for p in problems:
        print(p)
    print(f"commands: {len(files)} files, {len(found)} calls of {len(used)} commands "
          f"from {len(set(used.values()))} packages; {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
