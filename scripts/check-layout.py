#!/usr/bin/env python3
"""The layout rules of src/, checked by reading the source (the test command runs it; exit 1 names each break).

1. Which crates each part of the tree may import: axum and tower-http only in src/http/ and src/server.rs;
   sqlx only in src/store/ and the GeoPackage file reader and writer; rstar only in src/index/; and nothing
   outside src/http/ and src/server.rs names crate::http. A core that knows no HTTP is what lets the CLI
   and the HTTP layer be two edges over it.
2. No import cycle between the files of one folder and its subfolders (src/http, src/index, src/filter,
   src/params, src/store, src/export, src/spatial, src/domain): a cycle is a shared piece living in one
   of its users, and it gets a room of its own.

Only `use` paths are read (crate::a::b, super::b, self::b, and such paths written in full), after removing
comments and string literals. A path ends at the deepest file it names; a name a mod.rs re-exports from one
of its children (`pub use child::Name`) leads to that child, so re-exporting is not an edge back.
"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"

# crate name -> the paths (relative to src/, prefix match) allowed to import it
CRATE_RULES = {
    "axum": ["http/", "server.rs"],
    "tower_http": ["http/", "server.rs"],
    "tower": ["http/", "server.rs"],
    "hyper": ["server.rs"],
    "hyper_util": ["server.rs"],
    "sqlx": ["store/", "spatial/import/gpkg_file.rs", "export/gpkg.rs"],
    "rstar": ["index/"],
}
HTTP_USERS = ["http/", "server.rs", "lib.rs"]
CYCLE_DIRS = ["http", "index", "filter", "params", "store", "export", "spatial", "domain"]


def code_of(path):
    """The file's text without comments and string literals (so a doc that names axum is no import)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*(?:.|\n)*?\*/", "", text)


def rel(path):
    return path.relative_to(SRC).as_posix()


def allowed(path_rel, prefixes):
    return any(path_rel == p or (p.endswith("/") and path_rel.startswith(p)) for p in prefixes)


def crate_breaks(files):
    out = []
    for path in files:
        r, code = rel(path), code_of(path)
        for crate, prefixes in CRATE_RULES.items():
            # `axum::x`, `use axum;` and `use axum as a;` all import the crate.
            if not allowed(r, prefixes) and re.search(rf"(?<![\w:]){crate}(?:::|\s*;|\s+as\b)", code):
                out.append(f"{r} uses {crate}, which only {', '.join(prefixes)} may import")
        if not allowed(r, HTTP_USERS) and re.search(r"crate::http\b", code):
            out.append(f"{r} names crate::http: the core knows no HTTP (only src/http/ and src/server.rs may)")
    return out


def module_of(path):
    """A file's module path as a list: src/http/ogc/mod.rs -> [http, ogc]; src/http/pins.rs -> [http, pins]."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "mod":
        parts = parts[:-1]
    return parts


def use_paths(code):
    """Every path a `use` declaration names, with braces expanded one level deep or more."""
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        paths.extend(expand(m.group(1).replace("\n", " ").replace(" ", "")))
    # Paths written in full in the code (crate::index::pins::x, super::walk::y) count too.
    paths.extend(re.findall(r"(?<![\w:])((?:crate|super|self)(?:::\w+)+)", code))
    return paths


def expand(tree):
    if "{" not in tree:
        return [tree]
    head, rest = tree.split("{", 1)
    inner = rest[: rest.rfind("}")]
    items, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    items.append(cur)
    return [p for item in items if item for p in expand(head + item)]


def target_of(mod, path):
    """The module a use path points into, as a list (`self` is the file's own module, each `super` one up)."""
    parts = path.split("::")
    if parts[0] == "crate":
        return parts[1:]
    base = list(mod)
    if parts[0] == "self":
        parts = parts[1:]
    while parts and parts[0] == "super":
        base, parts = base[:-1], parts[1:]
    return base + parts


def reexports(mod, code):
    """What a mod.rs re-exports from its own children: name -> the child module it comes from."""
    out = {}
    for m in re.finditer(r"\bpub(?:\([\w:]+\))?\s+use\s+([^;]+);", code):
        for path in expand(m.group(1).replace("\n", " ").replace(" ", "")):
            parts = path.split(" as ")[0].split("::")
            parts = parts[1:] if parts[0] == "self" else parts
            if len(parts) >= 2 and parts[0] not in ("crate", "super"):
                out[parts[-1]] = tuple(mod) + (parts[0],)
    return out


def cycles(files):
    out = []
    mods = {tuple(module_of(p)): p for p in files}
    folder_mods = {m for m, p in mods.items() if p.name == "mod.rs"}
    re_exported = {m: reexports(m, code_of(mods[m])) for m in folder_mods}
    for folder in CYCLE_DIRS:
        fparts = tuple(folder.split("/"))
        members = {m: p for m, p in mods.items() if len(m) > len(fparts) and m[: len(fparts)] == fparts}
        edges = {m: set() for m in members}
        for m, p in members.items():
            for use in use_paths(code_of(p)):
                t = tuple(target_of(list(m), use))
                # The deepest file the path names, then through its re-exports to the child that defines it.
                n = max((k for k in range(len(t) + 1) if t[:k] in members), default=0)
                if n == 0:
                    continue
                node, rest = t[:n], t[n:]
                while node in re_exported and rest and rest[0] in re_exported[node]:
                    node, rest = re_exported[node][rest[0]], rest[1:]
                    deeper = max((k for k in range(len(rest) + 1) if node + rest[:k] in members), default=0)
                    node, rest = node + rest[:deeper], rest[deeper:]
                if node in members and node != m and node[: len(m)] != m:
                    edges[m].add(node)
        out.extend(f"src/{folder}: {' -> '.join('/'.join(x) for x in c)}" for c in find_cycles(edges))
    return out


def find_cycles(edges):
    found, state, stack = [], {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for t in sorted(edges[n]):
            if state.get(t) == 1:
                found.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)
    return found


def main():
    files = sorted(p for p in SRC.rglob("*.rs") if "tests" not in p.relative_to(SRC).parts)
    problems = crate_breaks(files) + [f"import cycle in {c}" for c in cycles(files)]
    for p in problems:
        print(p)
    if problems:
        print(f"check-layout: {len(problems)} layout rule(s) broken")
        return 1
    print(f"check-layout: {len(files)} files, import rules hold, no file cycle in {', '.join(CYCLE_DIRS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
