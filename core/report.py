"""The full diagnostic report: one document built from the world.

`build_report` gathers the machine, PATH, Python variables, the inventory and the health
findings into a plain dict (the `--format json` document); `ainlp.renderers.report_text`
turns it into markdown or text. Paths under HOME are
written `~/...` so a report can be shared without the user's name in every line.
"""

from __future__ import annotations

import os
import platform as host
import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ainlp.core.discovery.records import Inventory
from ainlp.core.discovery.static import python_executables
from ainlp.core.health.checks._common import command_file, command_names
from ainlp.core.world import World

FORMATS = ("text", "markdown", "json")
# variables whose values say how Python behaves here; PIP_* are listed by name only (an
# index URL can carry a token)
_SHOWN_VARIABLES = ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "PYTHONHOME",
                    "PYTHONPATH", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "PYTHONSTARTUP",
                    "PYENV_VERSION", "PYENV_ROOT", "WORKON_HOME", "PIPX_HOME", "UV_PYTHON",
                    "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
_PYTHON_NAMES = ("python", "python3", "pip", "pip3")
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def build_report(
    world: World,
    inventory: Inventory,
    findings: Sequence[Mapping[str, Any]],
    *,
    checks_run: int,
    tool_version: str,
    earlier_steps: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The report document; `findings` are Finding.to_json() dicts (worst first or not)."""
    ordered = sorted(findings, key=lambda f: (_SEVERITY_RANK.get(str(f["severity"]), 3),
                                              str(f["subject"]), str(f["id"])))
    summary = {severity: sum(1 for f in ordered if f["severity"] == severity)
               for severity in ("error", "warning", "info")}
    doc: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(world.clock())),
        "tool": {"name": "ainlp", "version": tool_version},
        "machine": _machine(world),
        "path": _path_summary(world),
        "variables": _variables(world),
        "environments": [env.to_json() for env in inventory.environments],
        "inventory": {**inventory.summary, "elapsed_ms": round(inventory.elapsed_ms, 1),
                      "cache": inventory.cache},
        "findings": [dict(f) for f in ordered],
        "checks_run": checks_run,
        "summary": summary,
        "what_to_do": what_to_do(ordered, _environment_subjects(inventory)),
        "earlier_steps": [dict(step) for step in earlier_steps],
    }
    relative: dict[str, Any] = home_relative(doc, str(world.home))
    return relative


def _machine(world: World) -> dict[str, Any]:
    uname = host.uname()
    return {
        "platform": world.platform,
        "system": uname.system,
        "release": uname.release,
        "architecture": uname.machine,
        "home": str(world.home),
        "cwd": str(world.cwd),
        "state_dir": str(world.state_dir),
    }


def _path_summary(world: World) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for folder in world.path_dirs:
        key = os.path.normpath(str(folder))
        exists = folder.is_dir()
        commands, broken = _python_commands(world, folder) if exists else ([], [])
        entries.append({"path": str(folder), "exists": exists, "duplicate": key in seen,
                        "python_commands": commands, "broken_commands": broken})
        seen.add(key)
    return {
        "entries": entries,
        "total": len(entries),
        "missing": sum(1 for e in entries if not e["exists"]),
        "duplicates": sum(1 for e in entries if e["duplicate"]),
        "with_python": sum(1 for e in entries if e["python_commands"]),
    }


def _python_commands(world: World, folder: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The python and pip commands of a PATH folder that run, and those that cannot (a
    dangling link, a loop, a file without the x bit) with the reason; a folder named
    python3 is no command. Pythons are the names discovery looks for on PATH."""
    candidates = [exe.name for exe in python_executables(folder)]
    candidates += [name for base in _PYTHON_NAMES for name in command_names(base, world.platform)
                   if name not in candidates]
    runs: list[str] = []
    broken: list[dict[str, str]] = []
    for name in candidates:
        found = command_file(folder / name, world.platform)
        if found is None:
            continue
        if found.problem is None:
            runs.append(name)
        else:
            broken.append({"name": name, "problem": found.problem})
    return runs, broken


def _variables(world: World) -> dict[str, Any]:
    shown = {name: world.env[name] for name in _SHOWN_VARIABLES if name in world.env}
    pip_names = sorted(name for name in world.env if name.startswith("PIP_"))
    return {"values": shown, "pip_variables": pip_names}


def _environment_subjects(inventory: Inventory) -> set[str]:
    subjects: set[str] = set()
    for env in inventory.environments:
        subjects.add(str(env.prefix))
        if env.executable is not None:
            subjects.add(str(env.executable))
    return subjects


def what_to_do(findings: Sequence[Mapping[str, Any]],
               environments: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """One step per distinct remedy, most serious first; a repair names its `ainlp fix`
    (with the environment as target when the finding is about one)."""
    steps: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for item in findings:
        key = (str(item["subject"]), str(item["hint"]))
        if key in seen:
            continue
        seen.add(key)
        fix = item.get("fix")
        steps.append({
            "severity": item["severity"],
            "finding": item["id"],
            "subject": item["subject"],
            "do": item["hint"],
            "fix": fix,
            "command": _fix_command(str(item["subject"]), environments) if fix else None,
        })
    return steps


def _fix_command(subject: str, environments: set[str] | frozenset[str]) -> str:
    return f"ainlp fix {shlex.quote(subject)}" if subject in environments else "ainlp fix"


def home_relative(value: Any, home: str) -> Any:
    """Every string in `value` with the HOME folder written `~` (only whole path parts)."""
    home = home.rstrip("/") or "/"
    if home == "/":
        return value

    def fix(text: str) -> str:
        if text == home:
            return "~"
        return text.replace(home + "/", "~/") if home + "/" in text else text

    return _map_strings(value, fix)


def _map_strings(value: Any, func: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return func(value)
    if isinstance(value, Mapping):
        return {key: _map_strings(item, func) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_map_strings(item, func) for item in value]
    return value
