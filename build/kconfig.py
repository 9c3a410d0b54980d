#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Hako's configuration step, on top of kconfiglib (Debian: python3-kconfiglib).

  kconfig.py MODE --out DIR --platform P --arch ARCH --app A [--seed N] [FRAGMENT...]

MODE is one of:
  update        defconfig when DIR/.config is missing or older than a fragment,
                else olddefconfig (keeps what menuconfig changed)
  defconfig     Kconfig defaults, then the fragments in order
  olddefconfig  DIR/.config, with new symbols at their defaults
  allnoconfig, allyesconfig, randconfig (with --seed); fragments given
                are then forced on top, as Linux's KCONFIG_ALLCONFIG
  savedefconfig write the minimal DIR/defconfig
  menuconfig    edit DIR/.config in kconfiglib's menuconfig, then update

Fragments are checked strictly: an unknown symbol, a malformed line, a value of
the wrong type or a value Kconfig refuses (unmet dependency, out of range) stops
the build with FILE:LINE and the reason.  Outputs, rewritten only when their
content changes so that make rebuilds only on a real change: DIR/.config,
DIR/auto.conf (for make) and DIR/include/generated/autoconf.h (for C).
"""
import argparse
import os
import random
import re
import sys

try:
    import kconfiglib
except ImportError:
    # The python3 found on PATH may not be Debian's (pyenv, a venv): Debian's
    # python3-kconfiglib is pure Python and lives in its dist-packages.
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import kconfiglib
    except ImportError:
        sys.exit("kconfig: error: no kconfiglib for %s (Debian: apt-get install "
                 "python3-kconfiglib)" % sys.executable)

LINE_SET = re.compile(r"^(CONFIG_[A-Za-z0-9_]+)=(.*)$")
LINE_UNSET = re.compile(r"^# (CONFIG_[A-Za-z0-9_]+) is not set$")


def die(msg):
    sys.stderr.write("kconfig: error: %s\n" % msg)
    sys.exit(1)


def choice_symbol(kconf, prefix, value):
    name = prefix + re.sub(r"[^A-Za-z0-9]", "_", value).upper()
    sym = kconf.syms.get(name)
    if sym is None or not sym.nodes or not sym.choice:
        die("'%s' has no Kconfig choice symbol %s" % (value, name))
    return sym


def parse_value(sym, raw, where):
    if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
        if raw not in ("y", "n", "m"):
            die("%s: %s must be y or n, not '%s'" % (where, sym.name, raw))
        return raw
    if sym.orig_type == kconfiglib.STRING:
        if len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
            die("%s: %s is a string and needs double quotes" % (where, sym.name))
        return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if sym.orig_type == kconfiglib.INT:
        if not re.fullmatch(r"-?[0-9]+", raw):
            die("%s: %s must be an integer, not '%s'" % (where, sym.name, raw))
        return raw
    if sym.orig_type == kconfiglib.HEX:
        if not re.fullmatch(r"(0x)?[0-9a-fA-F]+", raw):
            die("%s: %s must be hexadecimal, not '%s'" % (where, sym.name, raw))
        return raw
    die("%s: %s has no type" % (where, sym.name))


def apply_fragment(kconf, path, wanted):
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        die("%s: %s" % (path, e.strerror))
    for num, line in enumerate(lines, 1):
        where = "%s:%d" % (path, num)
        line = line.strip()
        m = LINE_SET.match(line)
        if m:
            name, raw = m.group(1), m.group(2)
        else:
            m = LINE_UNSET.match(line)
            if m:
                name, raw = m.group(1), "n"
            elif not line or line.startswith("#"):
                continue
            else:
                die("%s: cannot parse '%s' (want CONFIG_NAME=value)" % (where, line))
        sym = kconf.syms.get(name[len("CONFIG_"):])
        if sym is None or not sym.nodes:
            die("%s: unknown symbol %s" % (where, name))
        value = parse_value(sym, raw, where)
        if sym.choice and value == "y":
            sym.choice.set_value(2)
        sym.set_value(value)
        wanted[sym] = (value, where)


def check_wanted(kconf, wanted):
    """Every assignment from a fragment must have taken effect."""
    for sym, (value, where) in wanted.items():
        got = sym.str_value
        if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            ok = (got == "n") == (value == "n")
        elif sym.orig_type in (kconfiglib.INT, kconfiglib.HEX):
            ok = int(got, 0) == int(value, 16 if sym.orig_type == kconfiglib.HEX else 10)
        else:
            ok = got == value
        if ok:
            continue
        why = []
        if kconfiglib.expr_value(sym.direct_dep) == 0:
            why.append("it depends on %s" % kconfiglib.expr_str(sym.direct_dep))
        for low, high, cond in sym.ranges:
            if kconfiglib.expr_value(cond):
                why.append("its range is %s..%s" % (low.str_value, high.str_value))
        if sym.rev_dep is not kconf.n and kconfiglib.expr_value(sym.rev_dep):
            why.append("it is selected by %s" % kconfiglib.expr_str(sym.rev_dep))
        die("%s: %s=%s cannot be set (got %s): %s" % (where, "CONFIG_" + sym.name, value,
                                                      got, "; ".join(why) or "refused by Kconfig"))


def force_choices(kconf, args):
    """The architecture, platform and app come from make, never from a fragment."""
    for prefix, value in (("ARCH_", args.arch), ("PLATFORM_", args.platform),
                          ("APP_", args.app)):
        sym = choice_symbol(kconf, prefix, value)
        sym.set_value(2)
        if sym.choice.selection is not sym:
            die("cannot select %s%s" % (prefix, value))


def set_all(kconf, mode, seed):
    rng = random.Random(seed)
    for sym in kconf.unique_defined_syms:
        if sym.choice or sym.orig_type not in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            continue
        if not any(node.prompt for node in sym.nodes):
            continue
        if mode == "allyesconfig":
            sym.set_value(2)
        elif mode == "allnoconfig":
            sym.set_value(0)
        else:
            sym.set_value(rng.choice((0, 2)))


def write_if_changed(path, text):
    try:
        if open(path).read() == text:
            return False
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    return True


def write_outputs(kconf, out):
    os.makedirs(out, exist_ok=True)
    kconf.write_config(os.path.join(out, ".config.new"), save_old=False)
    text = open(os.path.join(out, ".config.new")).read()
    os.unlink(os.path.join(out, ".config.new"))
    write_if_changed(os.path.join(out, ".config"), text)
    auto = "".join(l + "\n" for l in text.splitlines() if LINE_SET.match(l))
    write_if_changed(os.path.join(out, "auto.conf"), auto)
    kconf.write_autoconf(os.path.join(out, "autoconf.h.new"))
    text = open(os.path.join(out, "autoconf.h.new")).read()
    os.unlink(os.path.join(out, "autoconf.h.new"))
    write_if_changed(os.path.join(out, "include", "generated", "autoconf.h"), text)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode")
    ap.add_argument("--out", required=True)
    ap.add_argument("--platform", required=True)
    ap.add_argument("--arch", required=True)
    ap.add_argument("--app", required=True)
    ap.add_argument("--kconfig", default="Kconfig")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("fragments", nargs="*")
    args = ap.parse_intermixed_args()

    kconf = kconfiglib.Kconfig(args.kconfig, warn_to_stderr=False, suppress_traceback=True)
    config = os.path.join(args.out, ".config")
    mode = args.mode
    if mode == "update":
        try:
            stamp = os.path.getmtime(config)
            newer = [f for f in args.fragments if os.path.getmtime(f) > stamp]
            mode = "defconfig" if newer else "olddefconfig"
        except OSError:
            mode = "defconfig"

    if mode == "menuconfig":
        import menuconfig  # kconfiglib's, found as kconfiglib was

        os.environ["KCONFIG_CONFIG"] = config
        os.environ.setdefault("MENUCONFIG_STYLE", "aquatic")
        menuconfig.menuconfig(kconf)
        kconf.load_config(config)
        force_choices(kconf, args)
        write_outputs(kconf, args.out)
        return
    if mode == "savedefconfig":
        kconf.load_config(config)
        path = os.path.join(args.out, "defconfig")
        kconf.write_min_config(path)
        print("kconfig: minimal configuration written to %s" % path)
        return
    if mode == "defconfig":
        wanted = {}
        force_choices(kconf, args)
        for frag in args.fragments:
            apply_fragment(kconf, frag, wanted)
        force_choices(kconf, args)
        check_wanted(kconf, wanted)
    elif mode == "olddefconfig":
        kconf.load_config(config)
        for w in kconf.warnings:
            sys.stderr.write("kconfig: warning: %s\n" % w)
        force_choices(kconf, args)
    elif mode in ("allnoconfig", "allyesconfig", "randconfig"):
        # Fragments given here are forced on top (like Linux's
        # KCONFIG_ALLCONFIG), e.g. "allnoconfig, but built with -Os".
        set_all(kconf, mode, args.seed)
        wanted = {}
        for frag in args.fragments:
            apply_fragment(kconf, frag, wanted)
        force_choices(kconf, args)
        check_wanted(kconf, wanted)
    else:
        die("unknown mode '%s'" % mode)
    write_outputs(kconf, args.out)


if __name__ == "__main__":
    main()
