"""Which interpreter a command name runs here, and the chain of reasons why."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ainlp.core import foreign
from ainlp.core.discovery import static
from ainlp.core.discovery.locators.pyenv import (
    is_shim,
    pyenv_root,
    resolve_shim,
    selected_versions,
)
from ainlp.core.discovery.resolve import classify, prefix_of_executable, real
from ainlp.core.world import World


def explain(world: World, version: str | None = None) -> dict[str, Any]:
    """For `python` and `python3` (or `pythonX.Y`): what runs, from where, and why."""
    names = [f"python{version}"] if version else ["python", "python3"]
    answers = [_explain_command(world, name) for name in names]
    context = _context(world)
    resolved = any(a["executable"] for a in answers)
    doc: dict[str, Any] = {
        "query": version,
        "resolved": resolved,
        "commands": answers,
        "context": context,
    }
    if version and not resolved:
        doc["hint"] = (
            f"no python{version} on PATH; `ainlp find --version {version}` lists installed ones"
        )
    return doc


def _context(world: World) -> dict[str, Any]:
    env = world.env
    selection = selected_versions(world)
    return {
        "virtual_env": env.get("VIRTUAL_ENV"),
        "conda_prefix": env.get("CONDA_PREFIX"),
        "pyenv_version": list(selection.versions),
        "pyenv_origin": selection.origin,
    }


def _explain_command(world: World, name: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = []
    for index, folder in enumerate(world.path_dirs):
        candidate = folder / name
        if not foreign.is_file(candidate) or not os.access(candidate, os.X_OK):
            continue
        matches.append(_describe(world, candidate, index, folder))
    winner = next((m for m in matches if m["executable"]), None)
    if winner is not None:
        reasons = winner["reasons"]
    elif matches:  # only shims that fell through: say why, not that nothing is there
        reasons = [*matches[0]["reasons"], "nothing after it on PATH has it either"]
    else:
        reasons = [f"no `{name}` in any PATH folder"]
    return {
        "command": name,
        "executable": winner["executable"] if winner else None,
        "version": winner["version"] if winner else None,
        "kind": winner["kind"] if winner else None,
        "reasons": reasons,
        "shadowed": [m for m in matches if m is not winner and m is not matches[0]]
        if winner is None
        else [m for m in matches if m is not winner],
    }


def _describe(world: World, candidate: Path, index: int, folder: Path) -> dict[str, Any]:
    reasons = [f"PATH entry {index + 1} ({folder}) is the first with `{candidate.name}`"]
    target: Path | None = candidate
    if is_shim(candidate):
        target, selection = resolve_shim(world, candidate)
        chosen = ", ".join(selection.versions)
        reasons.append(f"it is a pyenv shim; pyenv selects {chosen} (from {selection.origin})")
        if target is None:
            reasons.append(_fall_through_reason(world, candidate.name, selection.versions))
            reasons.append(
                "the shim therefore falls through to the next PATH entries"
            )
            return {
                "path": str(candidate),
                "executable": None,
                "version": None,
                "kind": None,
                "reasons": reasons,
            }
    assert target is not None
    resolved = real(target)
    if resolved != target:
        reasons.append(f"{target} is a link to {resolved}")
    prefix = prefix_of_executable(target)
    runs = target  # a venv's own python is what runs, though it links to its base
    if not foreign.exists(prefix / "pyvenv.cfg"):
        prefix = prefix_of_executable(resolved)
        runs = resolved
    versions = real(pyenv_root(world) / "versions")
    record = classify(
        prefix, "which", executable=runs, pyenv_versions=versions, platform=world.platform
    )
    if world.env.get("VIRTUAL_ENV") and Path(world.env["VIRTUAL_ENV"]) == prefix:
        reasons.append(f"the active virtual environment {prefix} put its bin folder first")
    found = static.static_version(prefix, resolved)
    version = record.version or (found.version if found else None)
    return {
        "path": str(candidate),
        "executable": str(runs),
        "version": version.text if version else None,  # the document keeps the text
        "kind": record.kind.value,
        "reasons": reasons,
    }


def _fall_through_reason(world: World, name: str, selected: tuple[str, ...]) -> str:
    """Why a shim found nothing: `system` selected, a version not installed, or no such file."""
    versions = pyenv_root(world) / "versions"
    if "system" in selected:
        return "`system` is selected: pyenv hands the command to the next PATH entries"
    missing = [v for v in selected if not foreign.is_dir(versions / v)]
    if missing:
        return f"the selected {', '.join(missing)} is not installed (pyenv versions lists them)"
    having = sorted(entry for entry in foreign.listdir(versions)[0]
                    if foreign.exists(versions / entry / "bin" / name))
    offer = (f"; installed versions that have it: {', '.join(having)} "
             f"(`pyenv shell {having[-1]}` selects one here)") if having else ""
    return f"no selected version ({', '.join(selected)}) has `{name}`{offer}"

