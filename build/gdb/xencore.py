#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""xencore.py: a Xen dump-core of a 64-bit PV guest -> an ELF core gdb opens.

  build/gdb/xencore.py XEN-CORE OUT-CORE
  gdb out/xen/APP/APP.elf OUT-CORE      (then bt, hako-fault, hako-threads...)

`xl dump-core` writes Xen's own format (tools/libs/guest/xg_core.c): an ELF
file with sections, no program headers: the vCPUs' contexts (.xen_prstatus,
struct vcpu_guest_context each), the guest's pages (.xen_pages) and, for a
PV guest, which pseudo-physical and machine frame each page is (.xen_p2m).
gdb wants what a process core has: PT_LOAD segments at virtual addresses
and the registers in NT_PRSTATUS notes.  This walks the guest's own page
tables (vCPU 0's cr3, a machine frame, as are the entries) through the
core's pages, so every page the guest had mapped appears at the address it
had, with its permissions, and unmapped ones (guard pages) do not; Xen's
slots of the address space are skipped.  Errors say what is wrong with the
input and exit 1; nothing is guessed.
"""
import struct
import sys

PAGE = 4096
XC_CORE_MAGIC = 0xF00FEBED
NOTE_HEADER = 0x2000001  # XEN_ELFNOTE_DUMPCORE_HEADER
# struct vcpu_guest_context (x86_64, public/arch-x86/xen.h), offsets
CTX_SIZE = 5168
USER_REGS = 520  # r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi
RIP, CS, RFLAGS, RSP, SS = 648, 656, 664, 672, 680
CTRLREG = 4984
FS_BASE, GS_BASE_KERNEL = 5144, 5152
# Xen's part of a 64-bit PV guest's address space: L4 slots 256-271.
XEN_L4_SLOTS = range(256, 272)
PTE_P, PTE_RW, PTE_PS, PTE_NX = 1, 2, 0x80, 1 << 63
PTE_ADDR = 0x000FFFFFFFFFF000


def die(msg):
    sys.stderr.write("xencore: %s\n" % msg)
    sys.exit(1)


class XenCore:
    def __init__(self, data):
        self.d = data
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            die("not a 64-bit little-endian ELF file (is it an `xl dump-core` file?)")
        (etype, machine) = struct.unpack_from("<HH", data, 16)
        shoff, = struct.unpack_from("<Q", data, 40)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 58)
        if etype != 4 or machine != 62:
            die("not an x86_64 core (type %d, machine %d)" % (etype, machine))
        if shoff + shnum * shentsize > len(data) or shstrndx >= shnum:
            die("section headers outside the file: truncated?")
        shdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                 for i in range(shnum)]
        stroff, strsize = shdrs[shstrndx][4], shdrs[shstrndx][5]
        if stroff + strsize > len(data):
            die("the section names run past the end of the file: truncated?")
        self.sections = {}
        for sh in shdrs:
            end = data.find(b"\0", stroff + sh[0], stroff + strsize)
            if end < 0:
                die("a section name runs past its table: not a Xen dump-core file")
            name = data[stroff + sh[0]:end].decode(errors="replace")
            off, size = sh[4], sh[5]
            if sh[1] != 8 and off + size > len(data):  # (SHT_NOBITS has no bytes)
                die("section %s runs past the end of the file: truncated?" % name)
            self.sections[name] = (off, size)
        for need in (".note.Xen", ".xen_prstatus", ".xen_pages"):
            if need not in self.sections:
                die("no %s section: not a Xen dump-core file" % need)
        if ".xen_p2m" not in self.sections:
            die("no .xen_p2m section: not a PV guest's core (HVM cores are not handled)")
        self.header()
        off, size = self.sections[".xen_prstatus"]
        if size != self.nr_vcpus * CTX_SIZE:
            die(".xen_prstatus holds %d bytes, not %d vCPU contexts of %d"
                % (size, self.nr_vcpus, CTX_SIZE))
        self.contexts = [data[off + i * CTX_SIZE:off + (i + 1) * CTX_SIZE]
                         for i in range(self.nr_vcpus)]
        off, size = self.sections[".xen_p2m"]
        if size != self.nr_pages * 16:
            die(".xen_p2m holds %d bytes for %d pages" % (size, self.nr_pages))
        self.page_of_mfn = {}
        for i in range(self.nr_pages):
            pfn, mfn = struct.unpack_from("<QQ", data, off + 16 * i)
            self.page_of_mfn[mfn] = i
        self.pages_off, size = self.sections[".xen_pages"]
        if size != self.nr_pages * PAGE:
            die(".xen_pages holds %d bytes for %d pages" % (size, self.nr_pages))

    def header(self):
        off, size = self.sections[".note.Xen"]
        end = off + size
        self.nr_vcpus = None
        while off + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", self.d, off)
            desc = off + 12 + (namesz + 3 & ~3)
            if ntype == NOTE_HEADER:
                magic, vcpus, pages, psize = struct.unpack_from("<QQQQ", self.d, desc)
                if magic != XC_CORE_MAGIC:
                    die("dump-core header magic %#x: not a PV guest's core" % magic)
                if psize != PAGE:
                    die("page size %d" % psize)
                self.nr_vcpus, self.nr_pages = vcpus, pages
            off = desc + (descsz + 3 & ~3)
        if self.nr_vcpus is None:
            die("no dump-core header note")

    def page(self, mfn):
        i = self.page_of_mfn.get(mfn)
        if i is None:
            return None
        return self.d[self.pages_off + i * PAGE:self.pages_off + (i + 1) * PAGE]

    def mappings(self, cr3):
        """(virtual address, mfn, writable, executable) of every 4 KiB page
        the tables at machine frame cr3 map."""
        out = []

        def walk(mfn, level, base, w, x):
            table = self.page(mfn)
            if table is None:
                return
            for i, e in enumerate(struct.unpack("<512Q", table)):
                if not e & PTE_P or (level == 4 and i in XEN_L4_SLOTS):
                    continue
                va = base | i << (12 + 9 * (level - 1))
                if level == 4 and va & (1 << 47):
                    va |= 0xFFFF000000000000  # canonical upper half
                ww, xx = w and bool(e & PTE_RW), x and not e & PTE_NX
                target = (e & PTE_ADDR) >> 12
                if level == 1 or (level in (2, 3) and e & PTE_PS):
                    for k in range(1 << (9 * (level - 1))):
                        out.append((va + k * PAGE, target + k, ww, xx))
                else:
                    walk(target, level - 1, va, ww, xx)

        walk(cr3 >> 12, 4, 0, True, True)
        return out


def prstatus(ctx, vcpu):
    g = struct.unpack_from("<15Q", ctx, USER_REGS)  # r15 ... rdi
    rip, cs, rflags, rsp, ss = (struct.unpack_from("<Q", ctx, o)[0] for o in (RIP, CS, RFLAGS,
                                                                              RSP, SS))
    fs_base, gs_base = struct.unpack_from("<QQ", ctx, FS_BASE)
    # user_regs_struct: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi
    # orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs
    regs = list(g) + [~0 & 0xFFFFFFFFFFFFFFFF, rip, cs & 0xFFFF, rflags, rsp, ss & 0xFFFF,
                      fs_base, gs_base, 0, 0, 0, 0]
    desc = bytearray(336)
    struct.pack_into("<I", desc, 32, vcpu + 1)  # pr_pid: the vCPU, from 1
    struct.pack_into("<27Q", desc, 112, *regs)
    return bytes(desc)


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def convert(core):
    cr3 = struct.unpack_from("<Q", core.contexts[0], CTRLREG + 3 * 8)[0]
    maps = core.mappings(cr3)
    if not maps:
        die("vCPU 0's page tables (cr3 %#x) are not in the core" % cr3)
    segs = []  # [vaddr, [data...], flags]
    for va, mfn, w, x in sorted(maps):
        data = core.page(mfn)
        if data is None:
            continue  # a frame that is not the guest's (Xen's, a grant)
        flags = 4 | (2 if w else 0) | (1 if x else 0)
        last = segs[-1] if segs else None
        if last and last[0] + len(last[1]) * PAGE == va and last[2] == flags:
            last[1].append(data)
        else:
            segs.append([va, [data], flags])
    notes = b"".join(note("CORE", 1, prstatus(c, i)) for i, c in enumerate(core.contexts))
    phnum = 1 + len(segs)
    off = 64 + 56 * phnum
    phdrs = [struct.pack("<IIQQQQQQ", 4, 4, off, 0, 0, len(notes), 0, 4)]
    body = [notes]
    off += len(notes)
    for va, pages, flags in segs:
        pad = -off % PAGE
        body.append(b"\0" * pad)
        off += pad
        size = len(pages) * PAGE
        phdrs.append(struct.pack("<IIQQQQQQ", 1, flags, off, va, 0, size, size, PAGE))
        body.append(b"".join(pages))
        off += size
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, b"\0" * 7,
                       4, 62, 1, 0, 64, 0, 0, 64, 56, phnum, 0, 0, 0)
    return b"".join([ehdr] + phdrs + body), len(segs), sum(len(s[1]) for s in segs)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    try:
        data = open(sys.argv[1], "rb").read()
    except OSError as e:
        die(str(e))
    out, nseg, npages = convert(XenCore(data))
    with open(sys.argv[2], "wb") as f:
        f.write(out)
    print("xencore: %s: %d segments, %d pages mapped by the guest" % (sys.argv[2], nseg, npages))


if __name__ == "__main__":
    main()
