# SPDX-License-Identifier: MIT
"""gdb commands that know Hako's kernel (loaded by `make debug`; by hand:
`source build/gdb/hako.py` in gdb, with the image's .elf as the program).

  hako-threads         every thread: name, state, what a blocked one waits on
  hako-bt [THREAD]     a thread's backtrace from its saved context (by name,
                       number from hako-threads, or address; none: all)
  hako-timers          the armed timers: deadline, callback, what they wake
  hako-mem             the page allocator's and the heap's statistics
  hako-fault           the fault the kernel reported and the faulting
                       code's backtrace (also in a core of a crashed image)
  hako-info            platform, command line, argv, build id

And `bt` goes through a fault report: an unwinder (hako-fault) takes the
caller of kern_fault to be the faulting code, with the registers of the
fault, so a backtrace from the crash (a breakpoint at hal_abort, a core)
continues into the function that faulted.

They read the kernel's variables and structures by name from the image's
debug information (the static `threads` of kernel/sched.c, its `struct
thread`, ...), one field at a time, so a field added to a structure changes
nothing here; a field they need that is gone, or an image without the
module (no threads, no heap), is reported, never guessed.  They work on a
live image (usermode process, QEMU's gdbstub) and on a core file alike:
nothing is called in the target.

How a switched-out thread's registers were saved is the architecture's
(hal/ARCH/switch.S): hal/ARCH/gdb.py gives the layout, one file per
architecture beside the code it describes.
"""
import os
import runpy

import gdb

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
# gdb's architecture name -> hal/<dir>/
ARCH_DIRS = {"i386:x86-64": "x86_64", "aarch64": "arm64"}


class HakoError(Exception):
    pass


def arch_layout():
    try:
        name = gdb.selected_inferior().architecture().name()
    except (AttributeError, gdb.error):
        name = gdb.selected_frame().architecture().name()
    sub = ARCH_DIRS.get(name)
    path = os.path.join(TOP, "hal", sub or "?", "gdb.py")
    if not sub or not os.path.exists(path):
        raise HakoError("no saved-context layout for architecture %s (hal/ARCH/gdb.py)" % name)
    return runpy.run_path(path)


def static(filename, name):
    """A file-scope variable of the kernel, e.g. static('sched.c', 'threads')."""
    try:
        return gdb.parse_and_eval("'%s'::%s" % (filename, name))
    except gdb.error:
        return None


def need(filename, name, what):
    v = static(filename, name)
    if v is None:
        raise HakoError("%s: no %s in kernel/%s (not in this image?)" % (what, name, filename))
    return v


def field(value, name, default=None):
    try:
        return value[name]
    except gdb.error:
        if default is not None:
            return default
        raise HakoError("struct %s has no field '%s'" % (value.type.strip_typedefs().tag, name))


def offset_of(typename, fieldname):
    for f in gdb.lookup_type(typename).fields():
        if f.name == fieldname:
            return f.bitpos // 8
    raise HakoError("%s has no field '%s'" % (typename, fieldname))


def list_entries(head, typename, member):
    """The entries of a struct list_node list (hako/list.h)."""
    off = offset_of(typename, member)
    ptr = gdb.lookup_type(typename).pointer()
    char = gdb.lookup_type("char").pointer()
    start = int(head.address)
    node = head["next"]
    seen = 0
    while int(node) != start:
        if not int(node) or seen > 100000:
            raise HakoError("list at 0x%x is corrupt" % start)
        yield (node.cast(char) - off).cast(ptr)
        node = node["next"]
        seen += 1


def function_at(pc):
    """The function symbol holding code address pc (not an inner block's)."""
    try:
        blk = gdb.block_for_pc(pc)
    except (gdb.error, RuntimeError):
        return None
    # the outermost function: an inlined callee's block has its own
    # function symbol, but the code belongs to its caller
    fn = None
    while blk is not None and not (blk.is_static or blk.is_global):
        if blk.function is not None:
            fn = blk.function
        blk = blk.superblock
    return fn


def symbol(addr):
    """'name+0xoff' for a code or data address, else hex."""
    addr = int(addr)
    fn = function_at(addr) if addr else None
    if fn is not None:
        return "%s+0x%x" % (fn.name, addr - int(fn.value().address))
    try:
        s = gdb.execute("info symbol 0x%x" % addr, to_string=True).strip()
    except gdb.error:
        s = ""
    if s and not s.startswith("No symbol"):
        name = s.split(" in section")[0].replace(" + ", "+")
        return name
    return "0x%x" % addr


def cstr(value):
    try:
        return value.string(errors="replace").split("\0")[0][:256]
    except gdb.error:
        return "?"


def read_words(addr, n):
    mem = gdb.selected_inferior().read_memory(addr, 8 * n)
    b = bytes(mem)
    return [int.from_bytes(b[8 * i:8 * i + 8], "little") for i in range(n)]


def fp_walk(pc, fp, lo, hi, limit=64):
    """Frames (pc list) along the frame-pointer chain, checked like the
    kernel's backtrace.c: aligned, inside [lo, hi), climbing."""
    frames = [pc]
    prev = 0
    note = None
    while fp:
        if fp % 8 or fp < lo or fp > hi - 16:
            note = "frame pointer 0x%x is outside the stack [0x%x, 0x%x)" % (fp, lo, hi)
            break
        if fp <= prev:
            note = "frame pointer 0x%x does not climb the stack (a loop)" % fp
            break
        if len(frames) >= limit:
            note = "more than %d frames" % limit
            break
        try:
            nxt, ret = read_words(fp, 2)
        except gdb.MemoryError:
            note = "cannot read the frame at 0x%x" % fp
            break
        frames.append(ret)
        prev, fp = fp, nxt
    return frames, note


def print_frames(frames, note):
    for i, pc in enumerate(frames):
        # a return address: look up the call instruction before it
        look = pc - 1 if i else pc
        sal = gdb.find_pc_line(look)
        where = ""
        if sal.symtab is not None:
            where = " at %s:%d" % (sal.symtab.filename, sal.line)
        fn = function_at(look)
        name = fn.name if fn is not None else "??"
        gdb.write("#%-2d 0x%016x in %s ()%s\n" % (i, pc, name, where))
    if note:
        gdb.write("(backtrace ends: %s)\n" % note)


# ------------------------------------------------------------------ threads --

def threads_or_none():
    head = static("sched.c", "threads")
    if head is None:
        return None
    return list(list_entries(head, "struct thread", "all"))


def no_threads():
    gdb.write("no threads in this image (CONFIG_THREADS off): main runs alone on the boot "
              "stack; `bt` is its backtrace\n")


def waits_on(t, all_threads):
    """What a blocked thread waits for, in words."""
    wq = field(t, "waiting_on", gdb.Value(0))
    timer = field(t, "timer")
    until = ""
    if int(field(timer, "active")):
        until = ", until %d ns" % int(field(timer, "deadline"))
    if int(wq) == 0:
        for o in all_threads:
            if int(field(o, "joiner")) == int(t):
                return "join of thread '%s'" % cstr(field(o, "name"))
        return "?" + until
    addr = int(wq)
    io = static("sched.c", "io_waiters")
    if io is not None:
        base = int(io.address)
        size = io.type.target().sizeof
        n = io.type.sizeof // size
        if base <= addr < base + n * size and (addr - base) % size == 0:
            return "device handle %d%s" % ((addr - base) // size, until)
    sd = static("sched.c", "shutdown_wq")
    if sd is not None and addr == int(sd.address):
        return "a shutdown request" + until
    lo, hi = int(field(t, "mem")), int(field(t, "stack_high"))
    if lo <= addr < hi:
        # a queue on its own stack: thread_sleep_until's, say.  Name the
        # function that blocked: the first one not in the scheduler.
        who = blocking_function(t)
        if who in ("thread_sleep_until", "thread_sleep"):
            return "sleep" + until
        return "wait queue on its stack in %s()%s" % (who, until)
    return "wait queue %s in %s()%s" % (symbol(addr), blocking_function(t), until)


def saved_frames(t):
    lay = arch_layout()
    sp = int(field(field(t, "ctx"), "sp"))
    words = read_words(sp, lay["SWITCH_FRAME_WORDS"])
    fp, pc = words[lay["SWITCH_FP"]], words[lay["SWITCH_PC"]]
    lo = int(field(t, "mem"))
    hi = int(field(t, "stack_high"))
    return fp_walk(pc, fp, lo, hi)


SCHED_FUNCS = ("schedule", "waitq_wait", "thread_join", "io_wait", "kern_wait_shutdown",
               "hal_context_switch")


def blocking_function(t):
    try:
        frames, _ = saved_frames(t)
    except (HakoError, gdb.error):
        return "?"
    for i, pc in enumerate(frames):
        fn = function_at(pc - 1 if i else pc)
        if fn is not None and fn.name not in SCHED_FUNCS:
            return fn.name
    return "?"


def state_of(t, current, all_threads):
    st = str(field(t, "state"))
    ex = static("sched.c", "exit_thread")
    if ex is not None and int(ex) == int(t) and not int(static("sched.c", "exit_thread_started")):
        return "reserved", "starts at a shutdown request, to run the exit hooks"
    if int(t) == int(current):
        if st.endswith("BLOCKED"):
            # the thread that blocked last runs the idle loop on its stack
            return "idle", waits_on(t, all_threads)
        return "running", ""
    if st.endswith("RUNNABLE"):
        return "runnable", ""
    if st.endswith("ZOMBIE"):
        return "exited", "its joiner"
    return "blocked", waits_on(t, all_threads)


class HakoThreads(gdb.Command):
    """List Hako's threads: number, address, name, state, what each waits on.
The running thread is marked with '*'."""

    def __init__(self):
        super().__init__("hako-threads", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        try:
            ts = threads_or_none()
            if ts is None:
                no_threads()
                return
            cur = need("sched.c", "current", "hako-threads")
            gdb.write("  #  %-18s %-23s %-9s %s\n" % ("thread", "name", "state", "waits on"))
            for i, t in enumerate(ts, 1):
                state, what = state_of(t, cur, ts)
                gdb.write("%s %-2d 0x%016x %-23s %-9s %s\n" % (
                    "*" if int(t) == int(cur) else " ", i, int(t), cstr(field(t, "name")),
                    state, what))
        except HakoError as e:
            raise gdb.GdbError("hako-threads: %s" % e)


def find_thread(arg, ts):
    arg = arg.strip()
    for i, t in enumerate(ts, 1):
        if arg in (str(i), cstr(field(t, "name"))):
            return t
    try:
        want = int(gdb.parse_and_eval(arg))
    except gdb.error:
        want = None
    for t in ts:
        if int(t) == want:
            return t
    raise HakoError("no thread '%s' (hako-threads lists them)" % arg)


class HakoBt(gdb.Command):
    """Backtrace of a Hako thread from the context it saved when it last
switched away: hako-bt NAME|NUMBER|ADDRESS, or every thread without an
argument.  The running thread's is gdb's own `bt`."""

    def __init__(self):
        super().__init__("hako-bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        try:
            ts = threads_or_none()
            if ts is None:
                no_threads()
                return
            cur = need("sched.c", "current", "hako-bt")
            for t in [find_thread(arg, ts)] if arg.strip() else ts:
                gdb.write("thread '%s' (0x%x):\n" % (cstr(field(t, "name")), int(t)))
                if int(t) == int(cur):
                    gdb.write("(the running thread: its registers are the CPU's)\n")
                    gdb.execute("bt")
                    continue
                if str(field(t, "state")).endswith("ZOMBIE"):
                    gdb.write("(exited)\n")
                    continue
                print_frames(*saved_frames(t))
        except HakoError as e:
            raise gdb.GdbError("hako-bt: %s" % e)


class HakoTimers(gdb.Command):
    """List the armed timers in deadline order: deadline (ns of the monotonic
clock), callback, argument, and the thread a sleep or timeout wakes."""

    def __init__(self):
        super().__init__("hako-timers", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        try:
            head = need("timer.c", "timers", "hako-timers")
            ts = threads_or_none() or []
            off = offset_of("struct thread", "timer") if ts else None
            n = 0
            for tm in list_entries(head, "struct timer", "node"):
                n += 1
                who = ""
                for t in ts:
                    if int(t) + off == int(tm):
                        who = "  (wakes thread '%s')" % cstr(field(t, "name"))
                gdb.write("%-20d %s(%s)%s\n" % (int(field(tm, "deadline")),
                                                 symbol(field(tm, "fn")),
                                                 symbol(field(tm, "arg")), who))
            gdb.write("%d timer%s armed\n" % (n, "" if n == 1 else "s"))
        except HakoError as e:
            raise gdb.GdbError("hako-timers: %s" % e)


def print_struct(title, value):
    gdb.write("%s:\n" % title)
    for f in value.type.strip_typedefs().fields():
        gdb.write("  %-10s %s\n" % (f.name, value[f.name]))


class HakoMem(gdb.Command):
    """The page allocator's statistics (pages of 4 KiB) and regions, and the
heap's (bytes), read from the kernel's own counters."""

    def __init__(self):
        super().__init__("hako-mem", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        try:
            print_struct("pages (kernel/page.c)", need("page.c", "stats", "hako-mem"))
            regions = static("page.c", "regions")
            nr = static("page.c", "nr_regions")
            if regions is not None and nr is not None:
                for i in range(int(nr)):
                    r = regions[i]
                    gdb.write("  region %d: 0x%x, %d pages\n" % (
                        i, int(field(r, "base")), int(field(r, "pages"))))
            heap = static("malloc.c", "stats")
            if heap is None:
                gdb.write("heap: none in this image (CONFIG_MALLOC off)\n")
            else:
                print_struct("heap (kernel/malloc.c)", heap)
        except HakoError as e:
            raise gdb.GdbError("hako-mem: %s" % e)


class HakoInfo(gdb.Command):
    """The image: platform, command line and argv, build id."""

    def __init__(self):
        super().__init__("hako-info", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        bid = static("banner.c", "kern_build_id")
        if bid is not None:
            gdb.write("build:    %s\n" % cstr(bid))
        boot = static("main.c", "boot")
        if boot is None or not int(boot):
            gdb.write("boot:     not yet (kern_main has not run)\n")
            return
        gdb.write("platform: %s\n" % cstr(boot["platform"]))
        gdb.write("cmdline:  %s\n" % cstr(boot["cmdline"]))
        argc = static("main.c", "argc")
        argv = static("main.c", "argv")
        if argc is not None and argv is not None:
            for i in range(int(argc)):
                gdb.write("argv[%d]:  %s\n" % (i, cstr(argv[i])))


# -------------------------------------------------------------------- faults --

def last_fault():
    rec = static("fault.c", "kern_last_fault")
    if rec is None or not int(rec):
        return None
    return rec.dereference()


class HakoFault(gdb.Command):
    """The fault the kernel reported (kern_fault): what it was, where, and the
backtrace of the faulting code from the fault's registers, checked like the
kernel's own (a corrupt chain ends with a note)."""

    def __init__(self):
        super().__init__("hako-fault", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        try:
            f = last_fault()
            if f is None:
                gdb.write("no fault reported (kern_last_fault is NULL)\n")
                return
            ip, sp, fp = int(field(f, "ip")), int(field(f, "sp")), int(field(f, "fp", gdb.Value(0)))
            gdb.write("%s at ip 0x%x (%s), sp 0x%x" % (cstr(field(f, "what")), ip, symbol(ip), sp))
            if int(field(f, "flags")) & 1:
                gdb.write(", address 0x%x" % int(field(f, "addr")))
            gdb.write("\n")
            lo, hi = sp, sp + 0x100000
            ts = threads_or_none()
            if ts:
                cur = int(need("sched.c", "current", "hako-fault"))
                for t in ts:
                    if int(t) == cur:
                        lo, hi = int(field(t, "mem")), int(field(t, "stack_high"))
            print_frames(*fp_walk(ip, fp, lo, hi))
        except HakoError as e:
            raise gdb.GdbError("hako-fault: %s" % e)


class FrameId:
    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


try:
    from gdb.unwinder import Unwinder, register_unwinder
except ImportError:  # a gdb without Python unwinders: bt stops at the report
    Unwinder = None

if Unwinder is not None:
    class FaultUnwinder(Unwinder):
        """kern_fault's caller is the code that faulted, with the registers
        the port saved (hal_fault.regs; hal/ARCH/gdb.py's FAULT_REGS)."""

        def __init__(self):
            super().__init__("hako-fault")

        def __call__(self, pending):
            try:
                lay = arch_layout()
                pc = int(pending.read_register(lay["PC"]))
                # a caller's pc is a return address, maybe just past a call
                # to a noreturn function (kern_fault ends with one)
                fn = function_at(pc - 1 if pending.level() else pc)
                if fn is None or fn.name != "kern_fault":
                    return None
                f = last_fault()
                if f is None:
                    return None
                # The frame's id: its frame record's end, unique to it (its
                # stack pointer is the callee's frame's id).
                ulong = gdb.lookup_type("unsigned long")
                cfa = pending.read_register(lay["FP"]).cast(ulong) + 16
                info = pending.create_unwind_info(FrameId(cfa, fn.value().address))
                regs = int(field(f, "regs", gdb.Value(0)))
                saved = {}
                if regs:
                    for name, off in lay.get("FAULT_REGS", {}).items():
                        saved[name] = read_words(regs + off, 1)[0]
                saved[lay["PC"]] = int(field(f, "ip"))
                saved[lay["SP"]] = int(field(f, "sp"))
                saved[lay["FP"]] = int(field(f, "fp", gdb.Value(saved.get(lay["FP"], 0))))
                for name, value in saved.items():
                    t = pending.read_register(name).type
                    info.add_saved_register(name, gdb.Value(value).cast(ulong).cast(t))
                return info
            except (gdb.error, HakoError, KeyError, gdb.MemoryError) as e:
                if os.environ.get("HAKO_GDB_DEBUG"):
                    gdb.write("hako-fault unwinder: %s\n" % e)
                return None

    register_unwinder(None, FaultUnwinder(), replace=True)


# main is not where a Hako image starts: the kernel calls it (main_thread).
gdb.execute("set backtrace past-main on")


def load_ports():
    """Each port's own part, hal/PORT/gdb.py with a register(hako, gdb)
    function, given the image: it registers what fits (an unwinder for the
    port's own code) and nothing when the image is not the port's."""
    import glob
    import types
    api = types.SimpleNamespace(read_words=read_words, FrameId=FrameId, static=static)
    for path in sorted(glob.glob(os.path.join(TOP, "hal", "*", "gdb.py"))):
        reg = runpy.run_path(path).get("register")
        if reg is None:
            continue
        try:
            reg(api, gdb)
        except (gdb.error, ImportError) as e:
            gdb.write("hako.py: %s: %s\n" % (path, e))


if gdb.current_progspace().filename:
    load_ports()
else:
    # No image yet: load the ports' parts when one is opened.
    gdb.events.new_objfile.connect(lambda ev: load_ports())

HakoThreads()
HakoFault()
HakoBt()
HakoTimers()
HakoMem()
HakoInfo()
