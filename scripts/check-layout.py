#!/usr/bin/env python3
"""Checks that the files of each folder below import each other without a cycle.

For a folder (say src/index), every `x.rs` beside its mod.rs is one node, and so is every subfolder module
`x/` (all its files together). A file that names `super::y`, `crate::index::y` or `self::y` (resolved from
the module it is written in, inline `mod tests { … }` included) depends on its sibling y, wherever the path
appears: in a `use`, a `{…}` group or an expression. A name that is no sibling (`super::PinIndex`) is
followed through mod.rs's `pub use y::{…}` to the file that defines it. mod.rs's own paths are not edges:
it declares and re-exports the folder, it is no user of it. Comments and string literals are ignored.

Usage: scripts/check-layout.py [FOLDER …]   (default: the folders below, run from the repository root)
Exit status 1 naming each cycle found, 0 when every folder's graph is acyclic.
"""

import re
import sys
from pathlib import Path

FOLDERS = ["src/http", "src/http/ogc", "src/index", "src/filter"]


def strip(text):
    """The code without comments, string and char literals (each replaced by a space)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c, nxt = text[i], text[i + 1 : i + 2]
        if c == "/" and nxt == "/":
            while i < n and text[i] != "\n":
                i += 1
        elif c == "/" and nxt == "*":
            depth, i = 1, i + 2
            while i < n and depth:
                depth += {"/*": 1, "*/": -1}.get(text[i : i + 2], 0)
                i += 2 if text[i : i + 2] in ("/*", "*/") else 1
            out.append(" ")
        elif re.match(r'b?r#*"', text[i : i + 8]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'b?r(#*)"', text[i:])
            end = text.find('"' + m.group(1), i + m.end())
            i = (end if end >= 0 else n) + 1 + len(m.group(1))
            out.append(" ")
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append(" ")
        elif c == "'" and (nxt == "\\" or text[i + 2 : i + 3] == "'"):  # a char literal, not a lifetime
            end = text.find("'", i + 3 if nxt == "\\" else i + 2)
            i = (end if end >= 0 else n) + 1
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def paths_at(code, i):
    """Every path starting at code[i] (`a::b::{c, d::e}` gives [a,b,c] and [a,b,d,e]), and where it ends."""
    prefix = []
    while True:
        m = re.compile(r"\s*([A-Za-z_]\w*|\*|\{)").match(code, i)
        if not m:
            return [prefix], i
        if m.group(1) != "{":
            prefix.append(m.group(1))
            i = m.end()
            sep = re.compile(r"\s*::").match(code, i)
            if not sep:
                return [prefix], i
            i = sep.end()
            continue
        found, i = [], m.end()
        while True:
            if re.compile(r"\s*\}").match(code, i):
                return found or [prefix], re.compile(r"\s*\}").match(code, i).end()
            inner, i = paths_at(code, i)
            found += [prefix + (p[1:] if p[:1] == ["self"] else p) for p in inner]
            i = re.compile(r"\s*(as\s+\w+)?\s*,?").match(code, i).end()


def references(path, module):
    """(absolute module path, line) of every `crate::`/`super::`/`self::` path in the file."""
    code = strip(path.read_text(encoding="utf-8"))
    inline = []  # (name, brace depth at which its block closes) of the inline modules we are in
    depth, found = 0, []
    for m in re.finditer(r"\bmod\s+(\w+)\s*\{|[{}]|\b(crate|super|self)\s*::", code):
        if m.group(1):
            depth += 1
            inline.append((m.group(1), depth))
        elif m.group(0) == "{":
            depth += 1
        elif m.group(0) == "}":
            if inline and inline[-1][1] == depth:
                inline.pop()
            depth -= 1
        elif m.start() == 0 or code[m.start() - 1] not in ":$":
            here = module + [name for name, _ in inline]
            for p in paths_at(code, m.start())[0]:
                target = [] if p[0] == "crate" else list(here)
                for seg in p[1:] if p[0] in ("crate", "self") else p:
                    if seg == "super" and target:
                        target.pop()
                    elif seg != "super":
                        target.append(seg)
                found.append((target, code.count("\n", 0, m.start()) + 1))
    return found


def module_of(path):
    parts = list(path.with_suffix("").parts[1:])  # drop "src"
    return parts[:-1] if parts[-1] == "mod" else parts


def graph(folder):
    """node -> {sibling: "file:line" of the first path that names it}."""
    root = Path(folder)
    base = module_of(root / "mod.rs")
    nodes = {p.stem for p in root.glob("*.rs") if p.stem != "mod"} | {d.name for d in root.iterdir() if (d / "mod.rs").exists()}
    reexports = {}
    for m in re.finditer(r"pub use (\w+)::(\{[^}]*\}|\w+)", strip((root / "mod.rs").read_text(encoding="utf-8"))):
        for name in re.findall(r"\w+", m.group(2)):
            reexports[name] = m.group(1)
    edges = {n: {} for n in nodes}
    for path in sorted(root.rglob("*.rs")):
        node = path.relative_to(root).parts[0].removesuffix(".rs")
        if node == "mod":
            continue
        for target, line in references(path, module_of(path)):
            if target[: len(base)] != base or len(target) <= len(base):
                continue
            name = target[len(base)]
            to = name if name in nodes else reexports.get(name)
            if to and to != node:
                edges[node].setdefault(to, f"{path}:{line}")
    return edges


def cycles(edges):
    """The strongly connected components of more than one node (Tarjan), each as a list of nodes."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
                on.discard(component[-1])
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main(folders):
    failed = False
    for folder in folders:
        edges = graph(folder)
        found = cycles(edges)
        print(f"{folder}: {'no cycle' if not found else f'{len(found)} cycle(s)'}")
        for component in found:
            failed = True
            print(f"  cycle among {', '.join(component)}:")
            for a in component:
                for b in sorted(set(edges[a]) & set(component)):
                    print(f"    {a} -> {b}  ({edges[a][b]})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or FOLDERS))
