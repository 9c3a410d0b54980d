# SPDX-License-Identifier: MIT
"""shellwords.py: which words of a shell script or a Makefile are commands.

  scan_shell(TEXT) -> [(LINE, COMMAND)] and ("def", NAME) for each function
  scan_make(TEXT, VARIABLES) -> the same for recipes and $(shell ...)

A small shell lexer (quotes, $(...), `...`, ${...}, $((...)), $'...',
here-docs, comments, redirections and fd numbers) and a parser that knows
command position: the first word of a simple command (after | ; & && || ( {
! if then do ...), past assignments, case patterns, `for x in` lists, [[ ]]
and (( )), and the command that exec, command -v, timeout, env, xargs, nice,
chroot or /usr/bin/time run.  A word with an expansion in it ("$qemu") is
not reported: what it names is not known here.  Used by test/commands.py.
"""
import re

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
                # An fd number glued to a redirection ("2>&1"), or the
                # variable bash puts a new one in ("exec {fd}<FILE"), is not
                # a word.
                if op in ("<", ">", ">>", ">&", "<&", "<>", ">|", "<<", "<<<", "<<-") and toks \
                        and isinstance(toks[-1], Word) and not isinstance(toks[-1], Op) \
                        and toks[-1].end == tok.start \
                        and re.fullmatch(r"[0-9]+|\{[A-Za-z_][A-Za-z0-9_]*\}", toks[-1].text):
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
