"""The fleet report as markdown (`ainlp fleet-report`); its JSON is `FleetReport.to_json()`.

Pure functions of the engine's value: they read nothing but the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.core.jsondoc import dumps

if TYPE_CHECKING:
    from ainlp.core.fleet import FleetReport, HostReport

FORMATS = ("markdown", "json")


def render_json(report: FleetReport) -> str:
    return dumps(report.to_json(), indent=2) + "\n"


def render_markdown(report: FleetReport) -> str:
    summary = report.summary
    lines = [f"# Python fleet report ({report.today.isoformat()})", "",
             f"{_n(summary['hosts'], 'host')}, {_n(summary['environments'], 'environment')}: "
             f"{summary['broken']} broken or missing, {summary['end_of_life']} on an "
             f"end-of-life Python, {_n(summary['hosts_with_errors'], 'host')} with an error "
             "finding.", ""]
    if summary["hosts_without_findings"]:
        lines += [f"{_n(summary['hosts_without_findings'], 'host')} reported no doctor "
                  "findings (facts gathered without `doctor: true`).", ""]
    lines += ["## Python versions per host", "", "| host | versions | environments | ok | "
              "broken | missing |", "|---|---|---|---|---|---|"]
    for host in report.hosts:
        counts = host.inventory.summary
        versions = ", ".join(host.python_versions) or "none"
        lines.append(f"| {_cell(host.host)} | {versions} | {counts['total']} | {counts['ok']} | "
                     f"{counts['broken']} | {counts['missing']} |")
    lines += ["", "## Versions across the fleet", "", "| version | hosts |", "|---|---|"]
    lines += [f"| {version} | {', '.join(_cell(h) for h in hosts)} |"
              for version, hosts in report.versions.items()]
    lines += ["", "## Broken environments", ""]
    broken = [(host, env) for host in report.hosts for env in host.broken]
    if broken:
        lines += ["| host | environment | kind | version | state | problems |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {_cell(host.host)} | `{_cell(str(env.prefix))}` | {env.kind.value} | "
                  f"{env.version or '?'} | {env.state.value} | "
                  f"{', '.join(p.id for p in env.problems) or '-'} |" for host, env in broken]
    else:
        lines.append("None.")
    lines += ["", "## End-of-life interpreters", ""]
    old = [(host, item) for host in report.hosts for item in host.end_of_life]
    if old:
        lines += ["| host | environment | version | end of life |", "|---|---|---|---|"]
        lines += [f"| {_cell(host.host)} | `{_cell(str(item.env.prefix))}` | "
                  f"{item.env.version} | {item.date.isoformat()} |" for host, item in old]
    else:
        lines.append("None.")
    lines += ["", "## Hosts with an error finding", ""]
    erring = [host for host in report.hosts if host.errors]
    if erring:
        for host in erring:
            lines.append(f"- **{_cell(host.host)}**: {_errors(host)}")
    else:
        lines.append("None." if summary["hosts_without_findings"] < summary["hosts"]
                     else "None known: no host reported doctor findings.")
    return "\n".join(lines) + "\n"


def _errors(host: HostReport) -> str:
    return "; ".join(f"`{f.id}` {_cell(f.subject)}: {_cell(f.message)}" for f in host.errors)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _cell(text: str) -> str:
    """Text inside a table cell or list item: no line breaks, no column separators."""
    return " ".join(text.split()).replace("|", "\\|")
