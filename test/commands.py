#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""commands.py: every command the project's scripts call comes from a Debian
package that build/deps.sh installs for that task.

  test/commands.py                     check the tree; exit 1 on a problem
  test/commands.py --list              every call found: FILE:LINE: COMMAND
  test/commands.py --scan DIR FILE...  check only FILEs (paths below DIR)

How: each shell script, Makefile recipe and $(shell ...) is split into words
by a small shell lexer (quotes, $(...), `...`, ${...}, $((...)), here-docs,
comments, case patterns, array assignments, redirections).  A word in command
position is a command: the first word of a simple command, and the command
that exec, command -v, timeout, env, xargs, nice, chroot or /usr/bin/time run.
It must be a shell builtin or keyword, a function defined in the file or in
a file it sources, a path into the tree, or a key of TABLE, whose package
must be in `build/deps.sh --list TASK` for the file's task (TASKS).  Then
`dpkg -S` checks that TABLE tells the truth about the installed files.

Not seen (listed in TABLE by hand, from an strace of `make test` and `make
bench`): commands named by a variable ("$qemu", "$cmd") and commands in
strings run by eval or sh -c.  Here-doc bodies are data (C, assembly, dom0
scripts), as are the scripts in SKIP, which run inside a guest (the Xen
rig's dom0, the Linux reference guest) on the packages its image builder
downloads.
"""
import fnmatch
import os
import re
import subprocess
import sys

# Command -> the Debian package that provides it.
TABLE = {
    # Essential or required on any Debian (listed so that the table is whole).
    "awk": "mawk", "bash": "bash", "sh": "dash",
    "basename": "coreutils", "cat": "coreutils", "chmod": "coreutils",
    "cp": "coreutils", "cut": "coreutils", "date": "coreutils",
    "dirname": "coreutils", "du": "coreutils", "head": "coreutils",
    "id": "coreutils", "install": "coreutils", "ln": "coreutils",
    "ls": "coreutils", "md5sum": "coreutils", "mkdir": "coreutils",
    "mkfifo": "coreutils", "mktemp": "coreutils", "mv": "coreutils",
    "nproc": "coreutils", "od": "coreutils", "realpath": "coreutils",
    "rm": "coreutils", "seq": "coreutils", "sha256sum": "coreutils",
    "sleep": "coreutils", "sort": "coreutils", "stat": "coreutils",
    "tail": "coreutils", "tee": "coreutils", "timeout": "coreutils",
    "touch": "coreutils", "tr": "coreutils", "truncate": "coreutils",
    "wc": "coreutils", "env": "coreutils", "diff": "diffutils",
    "find": "findutils", "xargs": "findutils", "grep": "grep", "sed": "sed",
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
    "xz": "xz-utils", "cpio": "cpio", "strace": "strace",
}

# Packages whose commands are found by hand only (named by a variable).
DYNAMIC = {
    "qemu-system-x86_64": "test/qemu-x86/run-tests.sh, hal/qemu-x86/run.sh: \"$qemu\"",
}

# Which deps task a file runs under (first match wins): make runs `deps.sh
# build` before building, `make run` `deps.sh PLATFORM`, make test and make
# bench `deps.sh test`.
TASKS = [
    ("test/xen/loadercheck.sh", "xen"),  # make PLATFORM=xen; installs libxen-dev
    ("hal/*/port.mk", "build"),
    ("hal/qemu-x86/checkimage.sh", "build"),
    ("hal/xen/mkxl.sh", "build"),
    ("hal/usermode/*", "usermode"),
    ("hal/qemu-x86/*", "qemu-x86"),
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
SKIP = {"test/xen/dom0-init.sh", "test/bench/linux-guest/init.sh",
        "test/bench/linux-guest/udhcpc.sh"}

BUILTINS = set("""
    . : [ [[ ]] alias bg bind break builtin caller case cd command compgen complete
    continue declare dirs disown do done echo elif else enable esac eval exec exit
    export false fc fg fi for function getopts hash help history if in jobs kill let
    local logout mapfile popd printf pushd pwd read readarray readonly return select
    set shift shopt source suspend test then time times trap true type typeset
    ulimit umask unalias unset until wait while { } ! coproc
""".split())
KEYWORDS_NEXT_IS_COMMAND = {"if", "then", "else", "elif", "do", "while", "until", "!",
                            "{", "time", "exec", "command", "builtin", "nohup", "setsid"}
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ASSIGN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")


class Word:
    def __init__(self, text, line, start, end, dynamic, quoted):
        self.text, self.line, self.start, self.end = text, line, start, end
        self.dynamic, self.quoted = dynamic, quoted

    def __repr__(self):
        return f"Word({self.text!r}@{self.line})"


class Op(Word):
    pass


OPS = ["<<<", "<<-", ";;&", "&>>", "&&", "||", ";;", ";&", "|&", ">>", "<<", ">&", "<&", "&>",
       ">|", "<>", "|", "&", ";", "(", ")", "<", ">", "\n"]


class Lexer:
    """Split shell text into Words and Ops; command substitutions are
    scanned recursively through `found` (a list the caller reads)."""

    def __init__(self, text, line0, found):
        self.s, self.i, self.line, self.found = text, 0, line0, found
        self.heredocs = []
        self.tokens = []

    def sub(self, text, line):
        self.found.extend(scan_shell(text, line))

    def skip_balanced(self, i, open_, close):
        """i is just after `open_`; returns the index after the matching
        `close`, minding quotes, escapes and nested $(...)."""
        s, depth = self.s, 1
        while i < len(s):
            c = s[i]
            if c == "\\":
                i += 2
                continue
            if c == "'" and open_ != "{":
                j = s.find("'", i + 1)
                j = len(s) if j < 0 else j
                self.line += s.count("\n", i, j)
                i = j + 1
                continue
            if c == '"':
                i = self.dquote(i + 1)
                continue
            if c == "\n":
                self.line += 1
            if s.startswith("$(", i) and not s.startswith("$((", i):
                i = self.subst(i + 2)
                continue
            if s.startswith(open_, i):
                depth += 1
                i += len(open_)
                continue
            if s.startswith(close, i):
                depth -= 1
                i += len(close)
                if depth == 0:
                    return i
                continue
            i += 1
        return i

    def subst(self, i):
        """i is after '$(' (or '<(' / '>('): scan the inner command."""
        line = self.line
        j = self.skip_balanced(i, "(", ")")
        self.sub(self.s[i:j - 1], line)
        return j

    def dquote(self, i):
        """i is after an opening '"'; returns the index after the closing one."""
        s = self.s
        while i < len(s):
            c = s[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                return i + 1
            if c == "\n":
                self.line += 1
            if c == "`":
                j = s.find("`", i + 1)
                j = len(s) if j < 0 else j
                self.sub(s[i + 1:j], self.line)
                i = j + 1
                continue
            if s.startswith("$((", i):
                i = self.skip_balanced(i + 3, "((", "))")
                continue
            if s.startswith("$(", i):
                i = self.subst(i + 2)
                continue
            if s.startswith("${", i):
                i = self.skip_balanced(i + 2, "{", "}")
                continue
            i += 1
        return i

    def word(self):
        s, i, start = self.s, self.i, self.i
        text, dynamic, quoted = [], False, False
        while i < len(s):
            c = s[i]
            if c in " \t\n" or c in "|&;()<>":
                if c in "<>" and s.startswith("(", i + 1) and i == start:
                    i = self.subst(i + 2)  # process substitution
                    dynamic = True
                    continue
                break
            if c == "\\":
                if s.startswith("\n", i + 1):
                    self.line += 1
                else:
                    text.append(s[i + 1:i + 2])
                i += 2
                continue
            if c == "'":
                j = s.find("'", i + 1)
                j = len(s) if j < 0 else j
                text.append(s[i + 1:j])
                self.line += s.count("\n", i, j)
                quoted = True
                i = j + 1
                continue
            if c == '"':
                j = self.dquote(i + 1)
                inner = s[i + 1:j - 1]
                if "$" in inner or "`" in inner:
                    dynamic = True
                text.append(inner)
                quoted = True
                i = j
                continue
            if c == "`":
                j = s.find("`", i + 1)
                j = len(s) if j < 0 else j
                self.sub(s[i + 1:j], self.line)
                dynamic = True
                i = j + 1
                continue
            if s.startswith("$'", i):  # ANSI-C quoting: $'\t'
                j = i + 2
                while j < len(s) and s[j] != "'":
                    j += 2 if s[j] == "\\" else 1
                text.append(s[i + 2:j])
                quoted = True
                i = j + 1
                continue
            if c == "$":
                dynamic = True
                if s.startswith("$((", i):
                    i = self.skip_balanced(i + 3, "((", "))")
                elif s.startswith("$(", i):
                    i = self.subst(i + 2)
                elif s.startswith("${", i):
                    i = self.skip_balanced(i + 2, "{", "}")
                else:
                    m = NAME_RE.match(s, i + 1)
                    if m:
                        i = m.end()
                    elif i + 1 < len(s) and s[i + 1] in "?#@*!$-0123456789":
                        i += 2
                    else:
                        i += 1  # a lone $ ("^[0-9]+$")
                text.append("$")
                continue
            text.append(c)
            i += 1
        self.i = i
        return Word("".join(text), self.line, start, i, dynamic, quoted)

    def heredoc_bodies(self):
        """At a newline: skip the pending here-documents' bodies."""
        s = self.s
        for delim, strip, expand in self.heredocs:
            while self.i < len(s):
                j = s.find("\n", self.i)
                j = len(s) if j < 0 else j
                body = s[self.i:j]
                self.line += 1
                self.i = j + 1
                if (body.lstrip("\t") if strip else body) == delim:
                    break
                if expand and "$(" in body:
                    inner = Lexer(body, self.line - 1, self.found)
                    j = body.find("$(")
                    while j >= 0:
                        if j == 0 or body[j - 1] != "\\":
                            j = inner.subst(j + 2)
                        else:
                            j += 2
                        j = body.find("$(", j)
        self.heredocs = []

    def run(self):
        s = self.s
        toks = self.tokens
        while self.i < len(s):
            c = s[self.i]
            if c in " \t":
                self.i += 1
                continue
            if c == "\\" and s.startswith("\n", self.i + 1):
                self.i += 2
                self.line += 1
                continue
            if c == "#":
                j = s.find("\n", self.i)
                self.i = len(s) if j < 0 else j
                continue
            if s.startswith("((", self.i):
                start, line = self.i, self.line
                self.i = self.skip_balanced(self.i + 2, "((", "))")
                toks.append(Op("((", line, start, self.i, False, False))
                continue
            op = next((o for o in OPS if s.startswith(o, self.i)), None)
            if op and not (op in "<>" and s.startswith("(", self.i + 1)):
                tok = Op(op, self.line, self.i, self.i + len(op), False, False)
                self.i += len(op)
                # An fd number glued to a redirection ("2>&1") is not a word.
                if op in ("<", ">", ">>", ">&", "<&", "<>", ">|", "<<", "<<<", "<<-") and toks \
                        and isinstance(toks[-1], Word) and not isinstance(toks[-1], Op) \
                        and toks[-1].end == tok.start and toks[-1].text.isdigit():
                    toks.pop()
                toks.append(tok)
                if op in ("<<", "<<-"):
                    while self.i < len(s) and s[self.i] in " \t":
                        self.i += 1
                    w = self.word()
                    toks.append(w)
                    self.heredocs.append((w.text, op == "<<-", not w.quoted))
                if op == "\n":
                    self.line += 1
                    if self.heredocs:
                        self.heredoc_bodies()
                continue
            toks.append(self.word())
        return toks


REDIRS = {"<", ">", ">>", ">&", "<&", "&>", "&>>", "<>", ">|", "<<<"}
SEPS = {"\n", ";", "&", "|", "|&", "&&", "||", "(", ")", ";;", ";&", ";;&", "(("}


def wrapped(words, k):
    """words[k] runs a command: the index of that command's word, or None."""
    name = words[k].text
    n = len(words)
    j = k + 1
    with_arg = {
        "timeout": {"-k", "-s", "--kill-after", "--signal"},
        "env": {"-u", "-C", "--unset", "--chdir"},
        "xargs": {"-n", "-I", "-d", "-P", "-L", "-a", "-E", "-s", "--max-args",
                  "--replace", "--delimiter", "--max-procs", "--arg-file"},
        "nice": {"-n"},
        "/usr/bin/time": {"-f", "-o", "--format", "--output"},
        "command": set(), "exec": {"-a"}, "nohup": set(), "setsid": set(),
        "chroot": set(), "builtin": set(), "time": set(),
    }.get(name)
    if with_arg is None:
        return None
    while j < n and words[j].text.startswith("-") and not words[j].dynamic:
        j += 2 if words[j].text in with_arg else 1
    if name == "timeout":
        j += 1  # the duration
    elif name == "env":
        while j < n and ASSIGN_RE.match(words[j].text):
            j += 1
    elif name == "chroot":
        j += 1  # the new root
    return j if j < n else None


def scan_shell(text, line0=1):
    """[(line, word)] for every command-position word of a shell text, plus
    ("def", name) entries for the functions it defines."""
    found = []
    toks = Lexer(text, line0, found).run()
    cmd_pos = True
    case_state = []  # stack: "word" (before in), "pat" (in a pattern), "body"
    skip_to = None   # "do" for `for x in ...`
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if isinstance(t, Op):
            if t.text in REDIRS or t.text in ("<<", "<<-"):
                i += 2  # the target (here-doc delimiter) is no command
                continue
            if case_state and case_state[-1] == "pat":
                if t.text == ")":
                    case_state[-1] = "body"
                    cmd_pos = True
                i += 1
                continue
            if t.text in (";;", ";&", ";;&") and case_state:
                case_state[-1] = "pat"
            if t.text in SEPS:
                cmd_pos = t.text != ")"
                if skip_to and t.text in ("\n", ";"):
                    skip_to = None
            i += 1
            continue
        w = t
        if case_state and case_state[-1] == "pat":
            if w.text == "esac":
                case_state.pop()
                cmd_pos = False
            i += 1
            continue
        if case_state and case_state[-1] == "word":
            if w.text == "in":
                case_state[-1] = "pat"
            i += 1
            continue
        if skip_to:
            if w.text == skip_to:
                skip_to = None
                cmd_pos = True
            i += 1
            continue
        if not cmd_pos:
            # An array assignment in an argument (local a=(x y)): skip it.
            if w.text.endswith("=") and i + 1 < n and isinstance(toks[i + 1], Op) \
                    and toks[i + 1].text == "(" and toks[i + 1].start == w.end:
                depth, i = 0, i + 1
                while i < n:
                    if isinstance(toks[i], Op) and toks[i].text == "(":
                        depth += 1
                    elif isinstance(toks[i], Op) and toks[i].text == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    i += 1
            i += 1
            continue
        # Command position.
        if ASSIGN_RE.match(w.text):
            if w.text.endswith("=") and i + 1 < n and isinstance(toks[i + 1], Op) \
                    and toks[i + 1].text == "(" and toks[i + 1].start == w.end:
                cmd_pos = False
                continue  # the array is skipped by the branch above
            i += 1
            continue
        if w.text == "case":
            case_state.append("word")
            i += 1
            continue
        if w.text == "esac" and case_state:
            case_state.pop()
            cmd_pos = False
            i += 1
            continue
        if w.text in ("for", "select"):
            skip_to = "do"
            i += 1
            continue
        if w.text in ("fi", "done", "}", "]]"):
            cmd_pos = False
            i += 1
            continue
        if w.text == "function" and i + 1 < n:
            found.append(("def", toks[i + 1].text))
            i += 2
            cmd_pos = False
            continue
        if i + 2 < n and isinstance(toks[i + 1], Op) and toks[i + 1].text == "(" \
                and isinstance(toks[i + 2], Op) and toks[i + 2].text == ")":
            found.append(("def", w.text))
            i += 3
            cmd_pos = True
            continue
        if w.text == "[[":
            while i < n and toks[i].text != "]]":
                i += 1
            i += 1
            cmd_pos = False
            continue
        if not w.dynamic:
            found.append((w.line, w.text))
        if w.text in KEYWORDS_NEXT_IS_COMMAND and w.text not in ("exec", "command", "time",
                                                                  "builtin", "nohup", "setsid"):
            i += 1
            continue
        # A wrapper: the command it runs is a call too.
        words = []
        j = i
        while j < n and not (isinstance(toks[j], Op) and toks[j].text in SEPS):
            if isinstance(toks[j], Op) and toks[j].text in REDIRS:
                j += 2
                continue
            words.append(toks[j])
            j += 1
        k = 0
        while True:
            c = wrapped(words, k)
            if c is None:
                break
            if not words[c].dynamic:
                found.append((words[c].line, words[c].text))
            k = c
        cmd_pos = False
        i += 1
    return found


# ------------------------------------------------------------------ Makefiles
def make_vars(text, into):
    for m in re.finditer(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|\?=|=)[ \t]*(.*)$", text, re.M):
        into.setdefault(m.group(1), m.group(2).strip())


def make_expand(s, vars_, depth=0):
    """Expand make references into shell text: $(shell X) becomes $(X),
    known variables their value, anything else a shell variable."""
    out, i = [], 0
    while i < len(s):
        if s.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        if s[i] == "$" and i + 1 < len(s) and s[i + 1] in "({":
            close = ")" if s[i + 1] == "(" else "}"
            depth_p, j = 1, i + 2
            while j < len(s) and depth_p:
                if s[j] == s[i + 1]:
                    depth_p += 1
                elif s[j] == close:
                    depth_p -= 1
                j += 1
            inner = s[i + 2:j - 1]
            if inner.startswith("shell "):
                out.append("$(" + make_expand(inner[6:], vars_, depth + 1) + ")")
            elif inner in vars_ and depth < 8:
                out.append(make_expand(vars_[inner], vars_, depth + 1))
            else:
                out.append("${MAKE_REF}")
            i = j
            continue
        if s[i] == "$" and i + 1 < len(s):
            out.append("${MAKE_REF}")
            i += 2
            continue
        out.append(s[i])
        i += 1
    return "".join(out)


def scan_make(text, vars_):
    found = []
    lines = text.split("\n")
    in_rule = False
    k = 0
    while k < len(lines):
        line0 = k + 1
        line = lines[k]
        while line.endswith("\\") and k + 1 < len(lines):
            k += 1
            line = line[:-1] + " " + lines[k].lstrip("\t")
        k += 1
        if line.startswith("\t") and in_rule:
            cmd = make_expand(line.strip(), vars_).lstrip("@-+ \t")
            found.extend(scan_shell(cmd, line0))
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assign = re.match(r"^\s*[^:#=\s]+\s*(:::?=|::?=|\?=|\+=|!=|=)", line)
        directive = re.match(r"^\s*(ifeq|ifneq|ifdef|ifndef|else|endif|-?include|sinclude|"
                             r"export|unexport|override|define|endef|vpath)\b", line)
        in_rule = ":" in line and not assign and not directive
        for m in re.finditer(r"\$\(shell ", line):
            expanded = make_expand(line[m.start():], vars_)
            inner = Lexer(expanded, line0, found)
            inner.subst(2)
    return found


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
        for cand in shells:
            if names and os.path.basename(cand) == names[-1] and \
                    (os.path.dirname(cand) == os.path.dirname(path) or cand in m.group(1)):
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
