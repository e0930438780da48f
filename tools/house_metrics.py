"""The house in figures, for a before/after: python tools/house_metrics.py [TREE]

Counts the modules and lines of app/ and core/graph/, the circles in the import graph of app/
and core/ (three ways: every import, imports that run — deferred ones inside functions
included, `TYPE_CHECKING` ones not — and imports at module load), and the longest functions.
TREE is a checkout (default: this one), so an older commit can be measured from a
`git worktree` of it. Reads files with `ast`; imports nothing it measures.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import networkx as nx


def modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for core/ and app/."""
    out = {}
    for p in [*root.glob("core/**/*.py"), *root.glob("app/**/*.py")]:
        parts = p.relative_to(root).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return out


def imports(name: str, path: Path, mods: dict[str, Path], *, typing: bool,
            deferred: bool) -> set[str]:
    """The measured modules `name` imports: with `typing`, also under TYPE_CHECKING; with
    `deferred`, also inside functions."""
    found: set[str] = set()

    def walk(node: ast.AST, in_typing: bool) -> None:
        for ch in ast.iter_child_nodes(node):
            tc = in_typing or (isinstance(ch, ast.If) and "TYPE_CHECKING" in ast.unparse(ch.test))
            if isinstance(ch, ast.ImportFrom) and (typing or not tc):
                base = _absolute(name, path, ch)
                subs = [f"{base}.{a.name}" for a in ch.names]
                found.update(s for s in subs if s in mods)
                if not all(s in mods for s in subs):
                    found.add(base)
            elif isinstance(ch, ast.Import) and (typing or not tc):
                found.update(a.name for a in ch.names)
            if deferred or not isinstance(ch, (ast.FunctionDef, ast.AsyncFunctionDef)):
                walk(ch, tc)

    walk(ast.parse(path.read_text(encoding="utf-8")), False)
    return {m for m in found if m in mods and m != name}


def _absolute(name: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    pkg = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    pkg = pkg[:len(pkg) - (node.level - 1)]
    return ".".join(pkg + ([node.module] if node.module else []))


def circles(mods: dict[str, Path], prefix: str, **how: bool) -> list[list[str]]:
    g = nx.DiGraph()
    for name, path in mods.items():
        if name.startswith(prefix):
            g.add_node(name)
            g.add_edges_from((name, m) for m in imports(name, path, mods, **how)
                             if m.startswith(prefix))
    return [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]


def longest_functions(root: Path, mods: dict[str, Path]) -> list[tuple[int, str]]:
    out = []
    for path in mods.values():
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.append((n.end_lineno - n.lineno + 1, f"{path.relative_to(root)}:{n.name}"))
    return sorted(out, reverse=True)


def main(root: Path) -> None:
    mods = modules(root)
    for prefix in ("app", "core", "core.graph"):
        names = [m for m in mods if m.startswith(prefix)]
        lines = sum(len(mods[m].read_text(encoding="utf-8").splitlines()) for m in names)
        print(f"{prefix}: {len(names)} modules, {lines} lines")
    ways = {"every import": {"typing": True, "deferred": True},
            "at run time": {"typing": False, "deferred": True},
            "at module load": {"typing": False, "deferred": False}}
    for label, how in ways.items():
        for prefix in ("app", "core"):
            cs = circles(mods, prefix, **how)
            print(f"circles {label}, {prefix}: {len(cs)} of sizes {[len(c) for c in cs]}")
            for c in cs:
                if len(c) < 15:
                    print("   ", " ↔ ".join(c))
    fs = longest_functions(root, mods)
    print(f"functions over 60 lines: {sum(n > 60 for n, _ in fs)}, "
          f"over 100: {sum(n > 100 for n, _ in fs)}")
    for n, f in fs[:12]:
        print(f"  {n:4d} {f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
