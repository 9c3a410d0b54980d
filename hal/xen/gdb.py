# SPDX-License-Identifier: MIT
# The Xen port's part of build/gdb/hako.py: an unwinder for the hypercall
# page, which Xen fills at domain build (32 bytes per hypercall: push %rcx;
# push %r11; mov $nr, %eax; syscall; pop %r11; pop %rcx; ret) and which has
# no debug information.  A crashed or stopped image is usually inside it
# (SCHEDOP_block, SCHEDOP_shutdown): without this, gdb's bt guesses through
# it and shows made-up frames.
HYPERCALL_SLOT = 32


def register(hako, gdb):
    from gdb.unwinder import Unwinder, register_unwinder

    try:
        page = int(gdb.parse_and_eval("(unsigned long)&hypercall_page"))
    except gdb.error:
        return  # not a Xen image
    ulong = gdb.lookup_type("unsigned long")

    class HypercallUnwinder(Unwinder):
        def __init__(self):
            super().__init__("hako-xen-hypercall")

        def __call__(self, pending):
            pc = int(pending.read_register("rip"))
            if not page <= pc < page + 4096:
                return None
            off = (pc - page) % HYPERCALL_SLOT
            # how many words the stub has pushed at this instruction
            pushed = 0 if off < 1 else 1 if off < 3 else 2 if off < 0xc else 1 if off < 0xd else 0
            sp = int(pending.read_register("rsp"))
            ret_at = sp + 8 * pushed
            ret = hako.read_words(ret_at, 1)[0]
            info = pending.create_unwind_info(hako.FrameId(gdb.Value(ret_at + 8).cast(ulong),
                                                           gdb.Value(pc - off).cast(ulong)))
            code = pending.read_register("rip").type
            info.add_saved_register("rip", gdb.Value(ret).cast(ulong).cast(code))
            data = pending.read_register("rsp").type
            info.add_saved_register("rsp", gdb.Value(ret_at + 8).cast(ulong).cast(data))
            # The stub changes no other register the caller keeps.
            for name in ("rbx", "rbp", "r12", "r13", "r14", "r15"):
                info.add_saved_register(name, pending.read_register(name))
            return info

    register_unwinder(None, HypercallUnwinder(), replace=True)
