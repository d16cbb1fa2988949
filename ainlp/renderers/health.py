"""How people see `ainlp doctor`: findings grouped by environment, with ✓ / ! / ✗ marks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ainlp.render import renderer

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result

MARKS = {"error": "[red]✗[/]", "warning": "[yellow]![/]", "info": "[blue]i[/]", "ok": "[green]✓[/]"}
_RANK = {"error": 0, "warning": 1, "info": 2}

Group = tuple[str, str, list[dict[str, Any]]]  # (title, subject, findings)


def group_findings(findings: Sequence[dict[str, Any]],
                   environments: Sequence[dict[str, Any]] = ()) -> list[Group]:
    """Environments in the order given (each with its findings), then the other subjects."""
    by_subject: dict[str, list[dict[str, Any]]] = {}
    for item in findings:
        by_subject.setdefault(item["subject"], []).append(item)
    groups: list[Group] = []
    for env in environments:
        subject = env["subject"]
        groups.append((env["title"], subject, by_subject.pop(subject, [])))
    if not environments:  # no inventory at hand: one group per subject
        return [(subject, subject, items) for subject, items in by_subject.items()]
    machine = [item for subject in list(by_subject) for item in by_subject.pop(subject)]
    if machine:
        groups.append(("this machine", "", machine))
    return groups


def worst(findings: Sequence[dict[str, Any]]) -> str:
    if not findings:
        return "ok"
    severities: list[str] = [str(f["severity"]) for f in findings]
    return min(severities, key=lambda s: _RANK.get(s, 3))


def print_report(out: Console, doc: dict[str, Any],
                 environments: Sequence[dict[str, Any]] = ()) -> None:
    from rich.markup import escape

    for title, subject, items in group_findings(doc["findings"], environments):
        mark = MARKS["ok"] if worst(items) == "info" else MARKS[worst(items)]
        place = f" [dim]{escape(subject)}[/]" if subject and subject != title else ""
        out.print(f"{mark} [bold]{escape(title)}[/]{place}")
        for item in sorted(items, key=lambda f: _RANK.get(f["severity"], 3)):
            where = (f"{escape(item['subject'])}: "
                     if not subject and item["subject"] not in item["message"] else "")
            out.print(f"  {MARKS[item['severity']]} {where}{escape(item['message'])} "
                      f"[dim]({item['id']})[/]")
            out.print(f"      [dim]→ {escape(item['hint'])}[/]")
    summary = doc["summary"]
    out.print(f"\n{doc['checks_run']} checks: {summary['error']} error(s), "
              f"{summary['warning']} warning(s), {summary['info']} note(s)")


def print_change(out: Console, new: Sequence[dict[str, Any]],
                 resolved: Sequence[dict[str, Any]], stamp: str) -> None:
    from rich.markup import escape

    for item in new:
        out.print(f"[dim]{stamp}[/] {MARKS[item['severity']]} new: {escape(item['subject'])}: "
                  f"{escape(item['message'])} [dim]({item['id']})[/]")
        out.print(f"      [dim]→ {escape(item['hint'])}[/]")
    for item in resolved:
        out.print(f"[dim]{stamp}[/] {MARKS['ok']} resolved: {escape(item['subject'])}: "
                  f"{escape(item['message'])} [dim]({item['id']})[/]")


@renderer("run_environment_health_check")
def render_health(out: Console, result: Result) -> None:
    print_report(out, result.data)
