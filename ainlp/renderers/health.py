"""How people see `ainlp doctor`: findings grouped by environment, with ✓ / ! / ✗ marks."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from ainlp.core.health import selected_checks, subject_of
from ainlp.core.health.engine import HealthReport
from ainlp.core.health.topics import TOPICS
from ainlp.render import plural, renderer
from ainlp.renderers.findings_doc import entry

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.health.findings import Finding
    from ainlp.core.health.registry import CheckSpec

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: rich.markdown 150 ms, rich.markup 31 ms

__all__ = [
    "AREAS",
    "TOPICS",
    "area_of",
    "fold_findings",
    "group_findings",
    "print_change",
    "print_doctor",
    "print_explanation",
    "print_health",
    "print_overview",
    "print_report",
    "worst",
]


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
    out.print(f"\n{_totals(doc)}")


def _totals(doc: HealthDoc) -> str:
    summary = doc["summary"]
    return (f"{plural(doc['checks_run'], 'check')}: {plural(summary['error'], 'error')}, "
            f"{plural(summary['warning'], 'warning')}, {plural(summary['info'], 'note')}")


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
    parts.append(env.version.text if env.version else "version unknown")
    return " ".join(parts)


def print_explanation(out: Console, spec: CheckSpec) -> None:
    from rich.markdown import Markdown


    out.print(Markdown(entry(spec)))


@renderer("run_environment_health_check")
def render_health(out: Console, result: Result) -> None:
    if isinstance(result.value, HealthReport):
        print_report(out, health_doc(result.value))


# --- the overview: one line per area, repeats of a finding id folded -----------------------

# the areas of `ainlp doctor`'s summary, each with the topics that put a check in it; a check
# belongs to the area of its first topic (its family)
AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("interpreters", ("interpreter",)),
    ("environments", ("venv", "conda", "permissions")),
    ("PATH and shell", ("path", "shell", "env", "pyenv", "windows", "macos")),
    ("pip", ("pip", "ssl")),
    ("packages", ("packages",)),
    ("state", ("state",)),
)
# topics whose checks look for problems of one platform only
_PLATFORM_TOPICS = {"windows": "win32", "macos": "darwin"}


def area_of(topics: Sequence[str]) -> str:
    """The summary area of a check, by its topics (the first one that names an area)."""
    for topic in topics:
        for area, members in AREAS:
            if topic in members:
                return area
    return AREAS[0][0]


class Fold(TypedDict):
    """The findings of one id, as one line: its worst severity and every subject."""

    id: str
    severity: str
    findings: list[FindingDoc]


def fold_findings(findings: Sequence[FindingDoc]) -> list[Fold]:
    """One fold per finding id, worst first, then in the order the findings came."""
    folds: dict[str, Fold] = {}
    for item in findings:
        fold = folds.setdefault(item["id"], Fold(id=item["id"], severity=item["severity"],
                                                 findings=[]))
        fold["findings"].append(item)
        fold["severity"] = worst(fold["findings"])
    return sorted(folds.values(), key=lambda f: _RANK.get(f["severity"], 3))


def print_overview(out: Console, doc: HealthDoc, *, topic_of: dict[str, str],
                   checks_in: dict[str, int], names: dict[str, str] | None = None) -> None:
    """The summary of `ainlp doctor`: one line per area (mark, count), then each finding id once.

    `topic_of` maps a finding id to its area, `checks_in` an area to the checks that ran in it,
    `names` a subject to the short name of its environment ("pyenv 3.6.15").
    """
    from rich.markup import escape

    names = names or {}
    by_area: dict[str, list[FindingDoc]] = {}
    for item in doc["findings"]:
        by_area.setdefault(topic_of.get(item["id"], AREAS[0][0]), []).append(item)
    width = max(len(area) for area, _ in AREAS)
    for area, _ in AREAS:
        items = by_area.get(area, [])
        count = checks_in.get(area, 0)
        if not count and not items:
            continue
        state = worst(items)
        mark = MARKS["ok"] if state == "info" else MARKS[state]
        counts = [plural(sum(1 for f in items if f["severity"] == severity), word)
                  for severity, word in (("error", "error"), ("warning", "warning"),
                                         ("info", "note"))]
        said = [text for text in counts if not text.startswith("0 ")]
        detail = ", ".join(said) if said else "no findings"
        out.print(f"{mark} {area:<{width}}  {detail} [dim]({plural(count, 'check')})[/]")
    folds = fold_findings(doc["findings"])
    if folds:
        out.print()
    for fold in folds:
        items = fold["findings"]
        first = items[0]
        if len(items) == 1:
            subject = names.get(first["subject"], first["subject"])
            where = (f"{escape(subject)}: "
                     if subject and first["subject"] not in first["message"] else "")
            out.print(f"{MARKS[fold['severity']]} {where}{escape(first['message'])} "
                      f"[dim]({fold['id']})[/]")
        else:
            subjects = list(dict.fromkeys(names.get(f["subject"], f["subject"]) for f in items))
            out.print(f"{MARKS[fold['severity']]} {plural(len(items), 'finding')} of "
                      f"[bold]{fold['id']}[/]: {escape(', '.join(subjects))}")
            out.print(f"    [dim]the first: {escape(first['message'])}[/]")
        hints = list(dict.fromkeys(f["hint"] for f in items))
        more = f" [dim](and {plural(len(hints) - 1, 'other hint')})[/]" if len(hints) > 1 else ""
        out.print(f"    [dim]→ {escape(hints[0])}[/]{more}")
    out.print(f"\n{_totals(doc)}")


def print_doctor(out: Console, report: HealthReport, *, topic: str | None = None,
                 verbose: bool = False) -> None:
    """`ainlp doctor` for people: the overview, or with `verbose` every environment's lines.

    When none of the checks of `topic` applies on this platform (`--topic windows` on Linux),
    it says so instead of listing every environment as fine.
    """

    specs = selected_checks(topic)
    if topic is not None and specs and all(_elsewhere(spec.topics, sys.platform)
                                           for spec in specs):
        platforms = sorted({t for spec in specs for t in spec.topics if t in _PLATFORM_TOPICS})
        out.print(f"No check of the topic {topic!r} applies on this system ({sys.platform}): "
                  f"its {plural(len(specs), 'check')} look for problems of "
                  f"{' and '.join(platforms)} only.")
        return
    if verbose:
        print_health(out, report)
        return
    topic_of = {spec.id: area_of(spec.topics) for spec in specs}
    checks_in: dict[str, int] = {}
    for spec in specs:
        checks_in[topic_of[spec.id]] = checks_in.get(topic_of[spec.id], 0) + 1
    names = {subject_of(env): _title(env) for env in report.environments}
    out.print(f"[bold]{plural(len(report.environments), 'environment')}[/] checked "
              "[dim](ainlp doctor --verbose lists each one)[/]")
    print_overview(out, health_doc(report), topic_of=topic_of, checks_in=checks_in, names=names)


def _elsewhere(topics: Sequence[str], platform: str) -> bool:
    """Whether a check with these topics looks only for another platform's problems."""
    return any(_PLATFORM_TOPICS[t] != platform for t in topics if t in _PLATFORM_TOPICS)
