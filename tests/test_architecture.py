"""The shape of the code: data flows one way, `kb`'s rooms form no loop, every package says what it
exports, and every module imports on its own.

Every `import` statement counts, wherever it is (module level, inside a function, under
TYPE_CHECKING): a loop that only type-checking or a lazy import hides is still a loop in the design.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = ("kb", "ingest", "index", "ui", "evals")
# What each package may import of ours (ARCHITECTURE.md: ui -> kb -> ingest, index).
ALLOWED = {
    "ingest": set(),
    "index": set(),
    "kb": {"ingest", "index"},
    "ui": {"kb", "ingest", "index"},
    "evals": {"kb", "ingest", "index"},
}
# kb's command line runs the web UI and the evaluations, importing them inside those commands only.
CLI_MAY_RUN = {"ui", "evals"}


def _modules() -> dict[str, Path]:
    """Module name -> file, for every module of our packages (a package is its __init__)."""
    out = {}
    for pkg in OURS:
        for path in sorted((REPO / pkg).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, bool]]:
    """(imported module of ours, at module level?) for every import statement in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import mod` imports the module pkg.mod when there is one
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target.split(".")[0] in OURS:
                found.append((target, id(node) in top_level))
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_data_flows_one_way() -> None:
    wrong = []
    for name, imports in GRAPH.items():
        pkg = name.split(".")[0]
        for target, top in imports:
            other = target.split(".")[0]
            if other == pkg or other in ALLOWED[pkg]:
                continue
            if name.startswith("kb.cli.") and other in CLI_MAY_RUN and not top:
                continue  # `kb serve`, `kb eval`: the command line is an interface, like the web UI
            wrong.append(f"{name} imports {target}")
    assert not wrong, wrong


def test_no_import_loop_inside_any_package() -> None:
    edges = {name: {t for t, _ in imports if t != name} for name, imports in GRAPH.items()}
    assert _cycles(edges) == []


def test_kb_rooms_are_layered_under_the_facade() -> None:
    """Rooms (kb.store, kb.searching, ...) form no loop between them, and none reaches up to the
    facade (kb.knowledge_base, the kb package) or the command line."""
    def room(module: str) -> str:
        parts = module.split(".")
        return ".".join(parts[:2]) if len(parts) > 1 and (REPO / "kb" / parts[1]).is_dir() else module

    top = {"kb", "kb.knowledge_base", "kb.cli"}
    up, edges = [], defaultdict(set)
    for name, imports in GRAPH.items():
        if not name.startswith("kb."):
            continue
        for target, _ in imports:
            if not target.startswith("kb"):
                continue
            here, there = room(name), room(target)
            if there in top and here not in top:
                up.append(f"{name} imports {target}")
            if here != there:
                edges[here].add(there)
    assert not up, up
    assert _cycles(edges) == []


def test_every_package_declares_what_it_exports() -> None:
    missing = [name for name, path in MODULES.items()
               if path.name == "__init__.py" and name.split(".")[0] in ("kb", "ingest", "index")
               and "__all__" not in path.read_text(encoding="utf-8")]
    assert not missing, missing


@pytest.mark.parametrize("package", ["kb", "ingest", "index"])
def test_every_module_imports_on_its_own(package: str) -> None:
    """Each module imported first, in a process where none of ours is loaded yet: an import loop that
    depends on which module comes first fails here."""
    names = [n for n in MODULES if n.split(".")[0] == package and not n.endswith("__main__")]

    def importing(chunk: list[str]) -> str:
        return (
            "import importlib, sys\n"
            f"ours = {OURS!r}\n"
            f"for name in {chunk!r}:\n"
            "    for loaded in [m for m in sys.modules if m.split('.')[0] in ours]:\n"
            "        del sys.modules[loaded]\n"
            "    importlib.import_module(name)\n"
        )

    # two processes side by side, half the modules each (the test took 25 s for kb in one)
    runs = [subprocess.Popen([sys.executable, "-c", importing(names[i::2])], cwd=REPO, stderr=subprocess.PIPE)
            for i in range(2)]
    errors = [run.communicate(timeout=300)[1].decode() for run in runs]
    assert all(run.returncode == 0 for run in runs), "\n".join(errors)
