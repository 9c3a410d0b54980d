#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make size: what each module adds to the image, from the linker map.

  size.py MAP ELF IMAGE

Input sections kept by the linker are summed per object file into text
(code), rodata, data and bss, grouped by module (the object's folder).
"""
import os
import re
import sys
from collections import defaultdict

KSYMS = "ksyms (symbol table)"
SECTION = re.compile(r"^ (\.[\w.$-]+|COMMON)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+))?\s*$")
CONT = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)\s*$")


def kind(name):
    if name.startswith(".text"):
        return "text"
    if name.startswith(".rodata") or name.startswith(".note") or name.startswith(".xen"):
        return "rodata"
    if name.startswith(".data") or name.startswith(".tdata"):
        return "data"
    if name.startswith(".bss") or name.startswith(".tbss") or name == "COMMON":
        return "bss"
    return None


def module_of(path):
    path = path.split("(")[0]
    if re.search(r"/gen/ksyms\d\.o$", path):
        return KSYMS
    m = re.search(r"/obj/(.*)\.o$", path)
    if m:
        return m.group(1)
    # libext2fs, shared by a platform's apps (services/ext2/build.mk)
    m = re.search(r"/e2fs[^/]*/([^/]*)\.o$", path)
    if m:
        return "e2fsprogs/" + m.group(1)
    return os.path.basename(path)


def main():
    mapfile, elf, image = sys.argv[1:4]
    sizes = defaultdict(lambda: defaultdict(int))
    in_map = False
    pending = None
    for line in open(mapfile):
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        if pending:
            m = CONT.match(line)
            if m:
                k = kind(pending)
                if k and int(m.group(1), 16):
                    sizes[module_of(m.group(3))][k] += int(m.group(2), 16)
            pending = None
            continue
        m = SECTION.match(line)
        if not m:
            continue
        if m.group(2) is None:
            pending = m.group(1)
            continue
        k = kind(m.group(1))
        if k and int(m.group(2), 16):
            sizes[module_of(m.group(4))][k] += int(m.group(3), 16)

    cols = ("text", "rodata", "data", "bss")
    groups = defaultdict(lambda: defaultdict(int))
    print("%-34s %8s %8s %8s %8s" % (("module",) + cols))
    for mod in sorted(sizes):
        s = sizes[mod]
        print("%-34s %8d %8d %8d %8d" % ((mod,) + tuple(s[c] for c in cols)))
        group = "/".join(mod.split("/")[:2]) if mod.startswith("hal/") else mod.split("/")[0]
        for c in cols:
            groups[group][c] += s[c]
    print("-" * 70)
    total = defaultdict(int)
    for g in sorted(groups):
        print("%-34s %8d %8d %8d %8d" % ((g + " (all)",) + tuple(groups[g][c] for c in cols)))
        for c in cols:
            total[c] += groups[g][c]
    print("%-34s %8d %8d %8d %8d" % (("total",) + tuple(total[c] for c in cols)))
    if KSYMS in sizes:
        print("symbol table (CONFIG_KALLSYMS): %d bytes of read-only data"
              % sizes[KSYMS]["rodata"])
    print("image %s: %d bytes stripped (%s: %d bytes with debug info)"
          % (image, os.path.getsize(image), elf, os.path.getsize(elf)))


if __name__ == "__main__":
    main()
