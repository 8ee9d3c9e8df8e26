"""The shape of book/: no import cycle, small modules, every package shipped, the README's tree.

These read the source (no imports of the modules under test), so they run in
well under a second.  The import graph counts every ``import`` a module
holds: at module level, inside functions and under ``TYPE_CHECKING``, since
an import moved into a function or behind ``TYPE_CHECKING`` to dodge a cycle
still ties the two modules together.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BOOK = REPO / "book"
#: The hard limit of the developers' brief ("~600 lines per module").
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(BOOK.rglob("*.py"))}


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of book/ that ``path`` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def add(candidate: str) -> None:
        while candidate and candidate not in known:
            candidate = candidate.rpartition(".")[0]
        if candidate and candidate != name:
            found.add(candidate)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:  # ``from . import limits`` names a module
                add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return found


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported_modules(name, path, set(found)) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle_in_book() -> None:
    graph = import_graph()
    assert "book.readers" in graph["book.project"]  # the graph sees real imports
    found = cycles(graph)
    described = ["; ".join(f"{m} imports {sorted(graph[m] & set(c))}" for m in c) for c in found]
    assert not found, "import cycles in book/: " + " | ".join(described)


def test_readers_never_import_writers() -> None:
    graph = import_graph()
    bad = {name: sorted(t for t in targets if t.startswith("book.writers"))
           for name, targets in graph.items() if name.startswith("book.readers")}
    assert not {name: targets for name, targets in bad.items() if targets}


def test_no_module_over_the_line_limit() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert sizes["book.model"] > 50  # the files were read
    over = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert not over, f"modules over {MAX_LINES} lines: {over}"


def test_every_package_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists packages by hand; a missing one is missing from ``pip install .``."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    packages = {module_name(init) for init in BOOK.rglob("__init__.py")}
    assert sorted(packages - listed) == [], "add these to [tool.setuptools] packages"
    assert listed - packages == {"book.styles"}, "listed packages that do not exist"
    assert config["package-dir"] == {"book.styles": "styles"}


def readme_tree() -> set[str]:
    """The files the tree in the README's "How it works" lists (two spaces a level)."""
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## How it works", 1)[1]
    section = section.split("\n## ", 1)[0]
    block = next(b for b in section.split("```")[1::2] if b.lstrip("\n").startswith("book/"))
    files: set[str] = set()
    folders: list[str] = []
    for line in block.strip("\n").splitlines():
        name = line.split()[0]
        del folders[(len(line) - len(line.lstrip(" "))) // 2:]
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
        else:
            files.add("/".join([*folders, name]))
    return files


def test_the_readme_tree_is_the_tree() -> None:
    listed = readme_tree()
    assert "book/readers/text/headings.py" in listed  # the tree was parsed
    actual = {path.relative_to(REPO).as_posix() for path in BOOK.rglob("*.py")}
    assert sorted(actual - listed) == [], "add these to the tree in README.md's How it works"
    assert sorted(listed - actual) == [], "README.md's tree lists files that do not exist"
