"""What a project declares it needs: requires-python, dependencies, requirements files,
and `.python-version`. Unreadable parts are kept as problems, never raised."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_REQUIREMENT_OPTIONS = ("-r", "--requirement")


@dataclass(frozen=True)
class ProjectNeeds:
    project: Path
    requires_python: str | None = None
    pinned: tuple[str, ...] = ()  # .python-version entries: versions or environment names
    requirements: tuple[str, ...] = ()  # PEP 508 texts, first occurrence of each kept
    sources: tuple[Path, ...] = ()  # the files read
    problems: tuple[str, ...] = ()

    @property
    def declares_python(self) -> bool:
        return self.requires_python is not None or bool(self.pinned)


def read_needs(project: Path) -> ProjectNeeds:
    sources: list[Path] = []
    problems: list[str] = []
    requirements: list[str] = []
    requires_python = _read_pyproject(project / "pyproject.toml", sources, problems,
                                      requirements)
    seen: set[Path] = set()
    for path in sorted(project.glob("requirements*.txt")):
        _read_requirements(project, path, seen, sources, problems, requirements)
    pinned = _read_pinned(project / ".python-version", sources)
    return ProjectNeeds(project, requires_python, pinned, tuple(dict.fromkeys(requirements)),
                        tuple(sources), tuple(problems))


def _read_pyproject(path: Path, sources: list[Path], problems: list[str],
                    requirements: list[str]) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path} cannot be read: {exc}")
        return None
    data, problem = parse_toml(text)
    if data is None:
        problems.append(f"{path} not read: {problem}")
        return None
    sources.append(path)
    project = data.get("project")
    if not isinstance(project, dict):
        return None
    dependencies = project.get("dependencies", [])
    if isinstance(dependencies, list):
        requirements += [d for d in dependencies if isinstance(d, str)]
    else:
        problems.append(f"{path}: [project] dependencies is not a list")
    requires = project.get("requires-python")
    return requires if isinstance(requires, str) and requires.strip() else None


def parse_toml(text: str) -> tuple[dict[str, Any] | None, str]:
    """TOML as a dict, or None and why: tomllib on 3.11+, tomli on 3.10 when installed."""
    if sys.version_info >= (3, 11):
        import tomllib as toml
    else:
        try:
            import tomli as toml  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            return None, "reading TOML on Python 3.10 needs the tomli package (pip install tomli)"
    try:
        data: dict[str, Any] = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        return None, f"not valid TOML ({exc})"
    return data, ""


def _read_requirements(project: Path, path: Path, seen: set[Path], sources: list[Path],
                       problems: list[str], requirements: list[str]) -> None:
    real = Path(os.path.realpath(path))
    if real in seen:
        return
    seen.add(real)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path} cannot be read: {exc}")
        return
    sources.append(path)
    for line in _logical_lines(text):
        included = _included_file(line)
        if included is not None:
            target = path.parent / included
            if not Path(os.path.realpath(target)).is_relative_to(os.path.realpath(project)):
                problems.append(f"{path}: -r {included} is outside the project; not followed")
            elif target.is_file():
                _read_requirements(project, target, seen, sources, problems, requirements)
            else:
                problems.append(f"{path}: -r {included} does not exist")
        elif not line.startswith("-"):  # -e, -c, --index-url ...: not a requirement
            requirements.append(line)


def _logical_lines(text: str) -> list[str]:
    """pip's reading: backslash continuations joined, `#` comments (at a line's start or
    after whitespace) dropped, blank lines skipped."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if raw.endswith("\\"):
            pending += raw[:-1]
            continue
        line = pending + raw
        pending = ""
        if line.lstrip().startswith("#"):
            continue
        for marker in (" #", "\t#"):
            line = line.split(marker, 1)[0]
        if line.strip():
            lines.append(line.strip())
    if pending.strip():
        lines.append(pending.strip())
    return lines


def _included_file(line: str) -> str | None:
    for option in _REQUIREMENT_OPTIONS:
        if line.startswith(option + "=") and option.startswith("--"):
            return line[len(option) + 1:].strip() or None
        if line.startswith(option) and line[len(option):len(option) + 1] in (" ", "\t"):
            return line[len(option):].strip() or None
    if line.startswith("-r") and len(line) > 2 and line[2] not in " \t=":
        return line[2:].strip()
    return None


def _read_pinned(path: Path, sources: list[Path]) -> tuple[str, ...]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    sources.append(path)
    found: list[str] = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            found += entry.split()
    return tuple(found)
