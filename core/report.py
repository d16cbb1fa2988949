"""The full diagnostic report: one document built from the world, rendered by pure functions.

`build_report` gathers the machine, PATH, Python variables, the inventory and the health
findings into a plain dict (the `--format json` document); `render_markdown` and
`render_text` turn that dict into text without reading anything else. Paths under HOME are
written `~/...` so a report can be shared without the user's name in every line.
"""

from __future__ import annotations

import os
import platform as host
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ainlp.core.discovery.records import Inventory
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
    from ainlp.core.discovery.static import python_executables
    from ainlp.core.health.checks._common import command_file, command_names

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
    import shlex

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


def render_json(doc: Mapping[str, Any]) -> str:
    import json

    return json.dumps(doc, indent=2, default=str) + "\n"


_MARKS = {"error": "✗", "warning": "!", "info": "i"}


def render_markdown(doc: Mapping[str, Any]) -> str:
    lines: list[str] = [f"# Python environment report ({doc['generated_at']})", ""]
    summary = doc["summary"]
    lines += [f"{_verdict(summary)}: {_counts(summary)} from {doc['checks_run']} checks.", ""]
    machine = doc["machine"]
    lines += ["## Machine", "", "| | |", "|---|---|",
              f"| system | {machine['system']} {machine['release']} ({machine['architecture']}, "
              f"{machine['platform']}) |",
              f"| home | `{machine['home']}` |", f"| working folder | `{machine['cwd']}` |",
              f"| ainlp | {doc['tool']['version']}, state in `{machine['state_dir']}` |", ""]
    path = doc["path"]
    lines += ["## PATH", "",
              f"{path['total']} entries, {path['missing']} missing, {path['duplicates']} "
              f"repeated, {path['with_python']} with python or pip.", ""]
    lines += ["| # | folder | python commands | note |", "|---|---|---|---|"]
    for index, entry in enumerate(path["entries"], start=1):
        lines.append(f"| {index} | `{_md(entry['path'])}` | "
                     f"{', '.join(entry['python_commands'])} | {_md(_path_note(entry))} |")
    lines.append("")
    variables = doc["variables"]
    if variables["values"] or variables["pip_variables"]:
        lines += ["## Variables", ""]
        lines += [f"- `{name}` = `{_md(value)}`" for name, value in variables["values"].items()]
        if variables["pip_variables"]:
            lines.append("- pip settings from: " + ", ".join(
                f"`{name}`" for name in variables["pip_variables"]))
        lines.append("")
    inv = doc["inventory"]
    lines += ["## Interpreters and environments", "",
              f"{inv['total']} found: {inv['ok']} ok, {inv['broken']} broken, "
              f"{inv['missing']} missing.", "",
              "| state | kind | version | name | prefix |", "|---|---|---|---|---|"]
    for env in doc["environments"]:
        lines.append(f"| {env['state']} | {env['kind']} | {env['version'] or '?'} | "
                     f"{_md(env['name'] or '')} | `{_md(env['prefix'])}` |")
    lines.append("")
    lines += ["## Findings", ""]
    if not doc["findings"]:
        lines += ["No problems found.", ""]
    for item in doc["findings"]:
        lines.append(f"- **{item['severity']}** `{item['id']}` — `{_md(item['subject'])}`: "
                     f"{_md(item['message'])}")
    if doc["findings"]:
        lines.append("")
    lines += ["## What to do", ""]
    if not doc["what_to_do"]:
        lines += ["Nothing: keep it that way with `ainlp doctor` now and then.", ""]
    for number, step in enumerate(doc["what_to_do"], start=1):
        extra = f" (or `{_md(step['command'])}`)" if step["command"] else ""
        lines.append(f"{number}. [{step['severity']}] {_md(step['do'])}{extra}")
    if doc["what_to_do"]:
        lines.append("")
    lines += _markdown_steps(doc)
    return "\n".join(lines)


def _markdown_steps(doc: Mapping[str, Any]) -> list[str]:
    if not doc["earlier_steps"]:
        return []
    lines = ["## Earlier steps", ""]
    lines += [f"- `{step['action']}`: {_step_outcome(step)}" for step in doc["earlier_steps"]]
    return [*lines, ""]


def render_text(doc: Mapping[str, Any]) -> str:
    summary = doc["summary"]
    lines: list[str] = [f"Python environment report, {doc['generated_at']}",
                        f"{_verdict(summary)}: {_counts(summary)} from {doc['checks_run']} checks",
                        ""]
    machine = doc["machine"]
    lines += _heading("Machine")
    lines += [f"  system   {machine['system']} {machine['release']} "
              f"({machine['architecture']}, {machine['platform']})",
              f"  home     {machine['home']}", f"  cwd      {machine['cwd']}",
              f"  ainlp    {doc['tool']['version']} (state in {machine['state_dir']})", ""]
    path = doc["path"]
    lines += _heading(f"PATH ({path['total']} entries, {path['missing']} missing, "
                      f"{path['duplicates']} repeated)")
    for index, entry in enumerate(path["entries"], start=1):
        note = _path_note(entry)
        commands = ", ".join(entry["python_commands"])
        lines.append(f"  {index:>2}. {entry['path']}"
                     + (f"  [{commands}]" if commands else "") + (f"  ({note})" if note else ""))
    lines.append("")
    variables = doc["variables"]
    if variables["values"] or variables["pip_variables"]:
        lines += _heading("Variables")
        lines += [f"  {name}={value}" for name, value in variables["values"].items()]
        if variables["pip_variables"]:
            lines.append("  pip settings from: " + ", ".join(variables["pip_variables"]))
        lines.append("")
    inv = doc["inventory"]
    lines += _heading(f"Interpreters and environments ({inv['total']}: {inv['ok']} ok, "
                      f"{inv['broken']} broken, {inv['missing']} missing)")
    for env in doc["environments"]:
        name = f" {env['name']}" if env["name"] else ""
        lines.append(f"  {_state_mark(env['state'])} {env['kind']:<16} "
                     f"{env['version'] or '?':<10}{name} {env['prefix']}")
    lines.append("")
    lines += _heading("Findings")
    if not doc["findings"]:
        lines.append("  no problems found")
    for item in doc["findings"]:
        lines.append(f"  {_MARKS.get(item['severity'], '?')} {item['id']}  {item['subject']}")
        lines.append(f"      {item['message']}")
    lines.append("")
    lines += _heading("What to do")
    if not doc["what_to_do"]:
        lines.append("  nothing")
    for number, step in enumerate(doc["what_to_do"], start=1):
        lines.append(f"  {number}. [{step['severity']}] {step['do']}")
        if step["command"]:
            lines.append(f"     or: {step['command']}")
    lines.append("")
    if doc["earlier_steps"]:
        lines += _heading("Earlier steps")
        lines += [f"  {step['action']}: {_step_outcome(step)}" for step in doc["earlier_steps"]]
        lines.append("")
    return "\n".join(lines)


def render(doc: Mapping[str, Any], fmt: str) -> str:
    renderers: dict[str, Callable[[Mapping[str, Any]], str]] = {
        "json": render_json, "markdown": render_markdown, "text": render_text}
    return renderers[fmt](doc)


def _heading(title: str) -> list[str]:
    return [title, "-" * len(title)]


def _counts(summary: Mapping[str, int]) -> str:
    return ", ".join(_plural(summary[key], word) for key, word in
                     (("error", "error"), ("warning", "warning"), ("info", "note")))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _verdict(summary: Mapping[str, int]) -> str:
    if summary["error"]:
        return "Problems found"
    return "Warnings" if summary["warning"] else "Healthy"


def _path_note(entry: Mapping[str, Any]) -> str:
    notes = []
    if not entry["exists"]:
        notes.append("missing")
    if entry["duplicate"]:
        notes.append("repeated")
    notes += [f"{item['name']}: {item['problem']}" for item in entry.get("broken_commands", ())]
    return ", ".join(notes)


def _state_mark(state: str) -> str:
    return {"ok": "✓", "broken": "✗", "missing": "?"}.get(state, "?")


def _step_outcome(step: Mapping[str, Any]) -> str:
    if step.get("failed"):
        return "failed"
    return "found problems" if step.get("problems_found") else "ok"


def _md(text: str) -> str:
    """Text safe inside a markdown table cell or inline code."""
    return str(text).replace("|", "\\|").replace("`", "'").replace("\n", " ")
