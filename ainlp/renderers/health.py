"""How people see `ainlp doctor`: findings grouped by environment, with ✓ / ! / ✗ marks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from ainlp.core.health.topics import TOPICS
from ainlp.render import renderer

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.health.engine import HealthReport
    from ainlp.core.health.findings import Finding
    from ainlp.core.health.registry import CheckSpec

__all__ = ["TOPICS", "group_findings", "print_change", "print_explanation", "print_health",
           "print_report", "worst"]


class FindingDoc(TypedDict):
    """A finding as `doctor --json` shows it."""

    id: str
    severity: str
    subject: str
    message: str
    hint: str


class Subject(TypedDict):
    title: str
    subject: str


class HealthDoc(TypedDict):
    findings: list[FindingDoc]
    checks_run: int
    summary: dict[str, int]

MARKS = {"error": "[red]✗[/]", "warning": "[yellow]![/]", "info": "[blue]i[/]", "ok": "[green]✓[/]"}
_RANK = {"error": 0, "warning": 1, "info": 2}

Group = tuple[str, str, list[FindingDoc]]  # (title, subject, findings)


def group_findings(findings: Sequence[FindingDoc],
                   environments: Sequence[Subject] = ()) -> list[Group]:
    """Environments in the order given (each with its findings), then the other subjects."""
    by_subject: dict[str, list[FindingDoc]] = {}
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


def worst(findings: Sequence[FindingDoc]) -> str:
    if not findings:
        return "ok"
    severities: list[str] = [str(f["severity"]) for f in findings]
    return min(severities, key=lambda s: _RANK.get(s, 3))


def print_report(out: Console, doc: HealthDoc, environments: Sequence[Subject] = ()) -> None:
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


def print_change(out: Console, new: Sequence[FindingDoc], resolved: Sequence[FindingDoc],
                 stamp: str) -> None:
    from rich.markup import escape

    for item in new:
        out.print(f"[dim]{stamp}[/] {MARKS[item['severity']]} new: {escape(item['subject'])}: "
                  f"{escape(item['message'])} [dim]({item['id']})[/]")
        out.print(f"      [dim]→ {escape(item['hint'])}[/]")
    for item in resolved:
        out.print(f"[dim]{stamp}[/] {MARKS['ok']} resolved: {escape(item['subject'])}: "
                  f"{escape(item['message'])} [dim]({item['id']})[/]")


def print_health(out: Console, report: HealthReport) -> None:
    """`ainlp doctor` for people: each environment the report covers, then the machine."""
    from ainlp.core.health import subject_of

    subjects = [Subject(title=_title(env), subject=subject_of(env))
                for env in report.environments]
    print_report(out, health_doc(report), subjects)


def finding_docs(findings: Sequence[Finding]) -> list[FindingDoc]:
    return [FindingDoc(id=f.id, severity=f.severity.value, subject=f.subject, message=f.message,
                       hint=f.hint) for f in findings]


def health_doc(report: HealthReport) -> HealthDoc:
    return HealthDoc(findings=finding_docs(report.findings), checks_run=report.checks_run,
                     summary=report.summary)


def print_finding_change(out: Console, new: Sequence[Finding], resolved: Sequence[Finding],
                         stamp: str) -> None:
    print_change(out, finding_docs(new), finding_docs(resolved), stamp)


def _title(env: EnvRecord) -> str:
    parts = [env.kind.value]
    if env.name:
        parts.append(env.name)
    parts.append(env.version or "version unknown")
    return " ".join(parts)


def print_explanation(out: Console, spec: CheckSpec) -> None:
    from rich.markdown import Markdown

    from ainlp.renderers.findings_doc import entry

    out.print(Markdown(entry(spec)))


@renderer("run_environment_health_check")
def render_health(out: Console, result: Result) -> None:
    from ainlp.core.health.engine import HealthReport

    if isinstance(result.value, HealthReport):
        print_report(out, health_doc(result.value))
