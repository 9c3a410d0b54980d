#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the storage tests (test/storage.sh).

  files.py make DIR SEED    fill DIR with files and folders of random contents
                            and write DIR/manifest ("SIZE CRC32 PATH", "D PATH"),
                            which apps/disktest's "check" verifies
  files.py expect DIR       write the files apps/disktest's "write" makes, as
                            the host expects them, into DIR
"""
import os
import random
import sys
import zlib

CACHE = 1 << 20  # CONFIG_EXT2_CACHE_KIB's default, in bytes


def pattern(size, seed):
    # apps/disktest/main.c pattern(): byte i of a file of `size` bytes.
    return bytes((i * 31 + (i >> 12) * 17 + (i >> 20) * 13 + seed * 7) & 0xFF
                 for i in range(size))


def make(top, seed):
    rnd = random.Random(seed)
    lines = []
    sizes = [0, 1, 2, 511, 512, 4095, 4096, 4097, 65536, 100003, 3 * CACHE + 77]
    dirs = ["", "a", "a/b", "a/b/c", "with space", "x" * 200]
    for d in dirs[1:]:
        os.makedirs(os.path.join(top, d), exist_ok=True)
        lines.append("D " + d)
    for n, size in enumerate(sizes + [rnd.randrange(1, 300000) for _ in range(20)]):
        d = dirs[n % len(dirs)]
        name = os.path.join(d, "file-%02d-%d.bin" % (n, size)) if d else "file-%02d-%d.bin" % (n, size)
        data = rnd.randbytes(size)
        with open(os.path.join(top, name), "wb") as f:
            f.write(data)
        lines.append("%d %08x %s" % (size, zlib.crc32(data), name))
    with open(os.path.join(top, "manifest"), "w") as f:
        f.write("\n".join(lines) + "\n")


def expect(top):
    os.makedirs(os.path.join(top, "sub"), exist_ok=True)
    for size in (0, 1, 511, 4096, 65537, 3 << 20):
        with open(os.path.join(top, "w-%d" % size), "wb") as f:
            f.write(pattern(size, size))
    with open(os.path.join(top, "sub", "stream.txt"), "w") as f:
        f.write("".join("line %d\n" % i for i in range(1000)))
    with open(os.path.join(top, "renamed"), "wb") as f:
        f.write(pattern(12345, 12345))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "expect":
        expect(sys.argv[2])
    else:
        sys.exit(__doc__)
