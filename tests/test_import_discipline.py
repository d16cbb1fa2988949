"""Imports go at module level; one inside a function is kept only with its reason written down.

A function-level import is justified by one of:
- a `# lazy:` line of its module naming the imported module with the milliseconds it would add
  to importing the module (`python -X importtime`), 2 ms or more;
- a comment on its line or the line above giving such a figure, or "import cycle: a -> b -> a";
- being a fallback: inside `try` with an `except ImportError`, or under a test of
  `sys.version_info` / `sys.platform` / `os.name`.
The audit covers core/ (but discovery/ and versions.py, which test_discovery_values.py audits),
actions/ and ainlp/.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from conftest import REPO

CAP = 0  # function-level imports without a reason
FIGURE = re.compile(r"\d+(?:\.\d+)? ms\b")
ENTRY = re.compile(r"([A-Za-z_][\w.]*) (\d+(?:\.\d+)?) ms\b")


def audited() -> Iterator[Path]:
    for top in ("core", "actions", "ainlp"):
        for path in sorted((REPO / top).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel.startswith("core/discovery/") or rel == "core/versions.py":
                continue
            yield path


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    if parts[0] != "ainlp":
        parts = ("ainlp", *parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def target(node: ast.Import | ast.ImportFrom, path: Path) -> str:
    if isinstance(node, ast.Import):
        return node.names[0].name
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def imported(node: ast.Import | ast.ImportFrom, path: Path) -> set[str]:
    """The module imported, and for `from package import name` package.name (a submodule)."""
    base = target(node, path)
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    return {base, *(f"{base}.{alias.name}" for alias in node.names)}


def is_fallback(ancestors: list[ast.AST]) -> bool:
    for node in ancestors:
        if isinstance(node, ast.Try) and any(
            handler.type is not None
            and re.search(r"ImportError|ModuleNotFoundError", ast.unparse(handler.type))
            for handler in node.handlers
        ):
            return True
        if isinstance(node, ast.If) and re.search(
            r"version_info|sys\.platform|os\.name", ast.unparse(node.test)
        ):
            return True
    return False


def inner_imports(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    def walk(node: ast.AST, ancestors: list[ast.AST], in_function: bool) -> Iterator[
            tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and in_function:
                yield child, is_fallback(ancestors)
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            yield from walk(child, [*ancestors, child], inside)

    yield from walk(tree, [], False)


def lazy_entries(text: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for line in text.splitlines():
        if line.lstrip().startswith("# lazy:"):
            found.update((name, float(ms)) for name, ms in ENTRY.findall(line))
    return found


def covered(name: str, entries: dict[str, float]) -> bool:
    return any(name == listed or name.startswith(listed + ".") for listed in entries)


def test_every_function_level_import_has_its_reason() -> None:
    unjustified = []
    for path in audited():
        text = path.read_text()
        lines = text.splitlines()
        entries = lazy_entries(text)
        for node, fallback in inner_imports(ast.parse(text)):
            near = " ".join(lines[max(node.lineno - 2, 0):node.lineno])
            if fallback or FIGURE.search(near) or "import cycle" in near:
                continue
            if not any(covered(name, entries) for name in imported(node, path)):
                unjustified.append(f"{path.relative_to(REPO)}:{node.lineno} {ast.unparse(node)}")
    assert len(unjustified) <= CAP, "\n".join(unjustified)


def test_lazy_lines_name_only_what_is_imported_lazily_and_costs_2_ms_or_more() -> None:
    wrong = []
    for path in audited():
        text = path.read_text()
        entries = lazy_entries(text)
        lazy = {name for node, _ in inner_imports(ast.parse(text)) for name in imported(node, path)}
        for name, ms in entries.items():
            if not any(t == name or t.startswith(name + ".") for t in lazy):
                wrong.append(f"{path.relative_to(REPO)}: {name} is not imported in a function")
            elif ms < 2:
                wrong.append(f"{path.relative_to(REPO)}: {name} {ms} ms: import it at module level")
    assert not wrong, "\n".join(wrong)


def test_no_type_checking_work_around() -> None:
    # `from typing import TYPE_CHECKING`: typing is loaded on every measured path anyway
    found = [str(path.relative_to(REPO)) for path in audited()
             if re.search(r"^TYPE_CHECKING = False", path.read_text(), re.M)]
    assert not found


def test_importing_a_registering_module_early_does_not_reorder_its_registry() -> None:
    # with imports at module level, any module may import a locator module first: discovery
    # still runs the locators (and merges found_by) in LOCATOR_MODULES' order
    code = ("import ainlp.core.discovery.locators.system, ainlp.core.discovery.locators.pyenv\n"
            "from ainlp.core.discovery.locators import LOCATORS, LOCATOR_MODULES\n"
            "mods = [c.__module__.rsplit('.', 1)[1] for c in LOCATORS.all().values()]\n"
            "print(mods == sorted(mods, key=LOCATOR_MODULES.index), mods[0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "path"]
