#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The finding kinds, from three places that must agree:
  the table   src/core/kinds.h (MMSW_FINDING_KINDS: every kind and its default severity)
  the code    every kind an analyzer, the wiring or a sink can emit (found in src/)
  the docs    the kind tables of docs/findings.md (kind | severity | ...)
usage: kinds.py TOP [--list]
Fails (exit 1) when the code emits a kind the table lacks or the docs do not
document, when the docs name a kind the table lacks or give another default
severity, or when a call's kind cannot be told from the source (then write the
kind as a literal, or in a variable or function this script can follow). A kind
in the table that nothing emits yet need not be documented yet."""
import os
import re
import sys

SEVERITIES = ["info", "low", "medium", "high", "critical"]
# Where a finding is opened: these two, and every function of src/ whose first
# parameter is `const char *kind` (helpers such as flow_finding, open_finding).
ROOT_EMITTERS = {"finding_open", "finding_open_on_flow"}
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
KIND_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def strip_comments(src):
    """C source without comments (string literals kept; lengths kept for offsets)."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def first_argument(src, open_paren):
    """The text of the first argument of the call whose '(' is at open_paren."""
    depth, i = 0, open_paren
    while i < len(src):
        c = src[i]
        if c == '"':
            i += 1
            while src[i] != '"':
                i += 2 if src[i] == "\\" else 1
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return src[open_paren + 1:i].strip()
        elif c == "," and depth == 1:
            return src[open_paren + 1:i].strip()
        i += 1
    return None


def function_start(src, pos):
    """Where the function holding pos begins: after the last '}' in column 0."""
    k = src.rfind("\n}", 0, pos)
    return 0 if k < 0 else k + 2


def table(top):
    text = strip_comments(open(os.path.join(top, "src/core/kinds.h")).read())
    kinds = {}
    for name, sev in re.findall(r"\bX\(\s*([a-z0-9_]+)\s*,\s*SEV_([A-Z]+)\s*[,)]", text):
        if name in kinds:
            sys.exit(f"src/core/kinds.h: {name} twice")
        kinds[name] = sev.lower()
    if not kinds:
        sys.exit("src/core/kinds.h: no X(kind, SEV_...) lines found")
    return kinds


def sources(top):
    for d, _, files in os.walk(os.path.join(top, "src")):
        for f in sorted(files):
            if f.endswith(".c"):
                p = os.path.join(d, f)
                yield os.path.relpath(p, top), strip_comments(open(p).read())


def emitted(top):
    """{kind: [file:line, ...]} and a list of calls that could not be followed."""
    files = dict(sources(top))
    emitters = set(ROOT_EMITTERS)
    defn = re.compile(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\s*\(\s*const\s+char\s*\*\s*kind\s*[,)]", re.M)
    for path, src in files.items():
        if path == "src/core/finding.c":
            continue
        emitters.update(defn.findall(src))
    found, unresolved = {}, []
    call = re.compile(r"\b(" + "|".join(sorted(emitters)) + r")\s*\(")
    for path, src in files.items():
        if path == "src/core/finding.c":
            continue
        for m in call.finditer(src):
            line = src.count("\n", 0, m.start()) + 1
            where = f"{path}:{line}"
            # a definition or a declaration, not a call
            head = src[src.rfind("\n", 0, m.start()) + 1:m.start()]
            if re.match(r"^[A-Za-z_][\w \t\*]*$", head) and not re.search(r"\b(return|=)\b", head) and head.strip():
                continue
            arg = first_argument(src, m.end() - 1)
            if arg is None:
                unresolved.append(f"{where}: cannot read the call")
                continue
            lits = LITERAL.findall(arg)
            if not lits:
                lits = follow(src, m.start(), arg)
            if lits is None:
                unresolved.append(f"{where}: cannot tell the kind of {m.group(1)}({arg}, ...)")
                continue
            for k in lits:
                if not KIND_NAME.match(k):
                    unresolved.append(f"{where}: '{k}' is not a kind name")
                found.setdefault(k, []).append(where)
    return found, unresolved


def follow(src, pos, arg):
    """Literals an identifier or a call in the first argument can hold; [] when the
    argument is the helper's own `kind` parameter (its callers are checked), None
    when it cannot be followed."""
    start = function_start(src, pos)
    body = src[start:pos]
    if re.fullmatch(r"\w+", arg):
        header = body[:body.find("{")] if "{" in body else body
        if re.search(r"\bconst\s+char\s*\*\s*" + arg + r"\b", header):
            return []  # a helper's parameter
        assigned = re.findall(r"\b" + arg + r"\s*=\s*([^;]*);", body)
        lits = [k for a in assigned for k in LITERAL.findall(a)]
        return lits or None
    m = re.fullmatch(r"(\w+)\s*\(.*\)", arg, re.S)
    if m:
        d = re.search(r"^[A-Za-z_][\w \t\*]*\b" + m.group(1) + r"\s*\([^;{]*\)\s*\{", src, re.M)
        if not d:
            return None
        end = src.find("\n}", d.end())
        rets = re.findall(r"\breturn\b([^;]*);", src[d.end():end])
        lits = [k for r in rets for k in LITERAL.findall(r)]
        return lits or None
    return None


def documented(top):
    """{kind: severity} from the tables of docs/findings.md."""
    docs = {}
    for line in open(os.path.join(top, "docs/findings.md")):
        m = re.match(r"^\|\s*`([a-z0-9_]+)`\s*\|\s*([a-z]+)\s*\|", line)
        if m:
            docs[m.group(1)] = m.group(2)
    return docs


def main():
    top = sys.argv[1]
    kinds = table(top)
    if "--list" in sys.argv:
        for k, s in sorted(kinds.items()):
            print(k, s)
        return 0
    errors = []
    for k, s in kinds.items():
        if s not in SEVERITIES:
            errors.append(f"src/core/kinds.h: {k}: no severity {s}")
    found, unresolved = emitted(top)
    errors += unresolved
    for k, where in sorted(found.items()):
        if k not in kinds:
            errors.append(f"{where[0]}: the kind '{k}' is not in src/core/kinds.h")
    docs = documented(top)
    for k, s in sorted(docs.items()):
        if k not in kinds:
            errors.append(f"docs/findings.md: '{k}' is not in src/core/kinds.h")
        elif kinds[k] != s:
            errors.append(f"docs/findings.md: '{k}' is {s}, src/core/kinds.h says {kinds[k]}")
    # A kind in the table that nothing emits yet (work in progress elsewhere) may
    # wait for its documentation; once emitted, it must be documented.
    reserved = []
    for k in sorted(kinds):
        if k not in docs:
            if k in found:
                errors.append(f"{found[k][0]}: the kind '{k}' is not documented in docs/findings.md")
            else:
                reserved.append(k)
    for e in errors:
        print("FAIL", e)
    print(f"kinds: {len(kinds)} in the table, {len(found)} emitted in src/ ({sum(map(len, found.values()))} calls),"
          f" {len(docs)} documented" +
          (f"; in the table, neither emitted nor documented yet: {', '.join(reserved)}" if reserved else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
