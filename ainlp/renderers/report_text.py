"""The diagnostic report as text: markdown and plain text from the report document.

The engine builds the document (`ainlp.core.report.build_report`); turning it into text for
people is rendering, so it lives here. Pure functions: they read nothing but the document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from ainlp.core import jsondoc

# the JSON report document of core.report.build_report, read here key by key
ReportDoc: TypeAlias = Mapping[str, Any]
FORMATS = ("text", "markdown", "json")
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def render_json(doc: ReportDoc) -> str:
    return jsondoc.dumps(doc, indent=2, default=str) + "\n"


_MARKS = {"error": "✗", "warning": "!", "info": "i"}


def render_markdown(doc: ReportDoc) -> str:
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


def _markdown_steps(doc: ReportDoc) -> list[str]:
    if not doc["earlier_steps"]:
        return []
    lines = ["## Earlier steps", ""]
    lines += [f"- `{step['action']}`: {_step_outcome(step)}" for step in doc["earlier_steps"]]
    return [*lines, ""]


def render_text(doc: ReportDoc) -> str:
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


def render(doc: ReportDoc, fmt: str) -> str:
    renderers: dict[str, Callable[[ReportDoc], str]] = {
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


def _path_note(entry: ReportDoc) -> str:
    notes = []
    if not entry["exists"]:
        notes.append("missing")
    if entry["duplicate"]:
        notes.append("repeated")
    notes += [f"{item['name']}: {item['problem']}" for item in entry.get("broken_commands", ())]
    return ", ".join(notes)


def _state_mark(state: str) -> str:
    return {"ok": "✓", "broken": "✗", "missing": "?"}.get(state, "?")


def _step_outcome(step: ReportDoc) -> str:
    if step.get("failed"):
        return "failed"
    return "found problems" if step.get("problems_found") else "ok"


def _md(text: str) -> str:
    """Text safe inside a markdown table cell or inline code."""
    return str(text).replace("|", "\\|").replace("`", "'").replace("\n", " ")
