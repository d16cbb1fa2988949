"""How people see `ainlp find` and `ainlp which`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ainlp.render import renderer

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result

_STATE_MARK = {"ok": "[green]✓[/]", "broken": "[red]✗[/]", "missing": "[yellow]?[/]"}


@renderer("list_environments")
def render_environments(out: Console, result: Result) -> None:
    from rich.markup import escape
    from rich.table import Table

    doc = result.data
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("", "kind", "version", "name", "where"):
        table.add_column(column, overflow="fold")
    for env in doc["environments"]:
        table.add_row(
            _STATE_MARK.get(env["state"], env["state"]),
            env["kind"],
            env["version"] or "?",
            escape(env["name"] or ""),
            escape(_where(env)),
        )
        for problem in env["problems"]:
            table.add_row(
                "",
                "",
                "",
                "",
                f"[red]{escape(problem['message'])}[/]\n[dim]{escape(problem['hint'])}[/]",
            )
    out.print(table)
    summary = doc["summary"]
    out.print(
        f"\n{summary['total']} environments: {summary['ok']} ok, {summary['broken']} broken, "
        f"{summary['missing']} missing [dim]({doc['elapsed_ms']:.0f} ms, cache {doc['cache']})[/]"
    )


def _where(env: dict[str, Any]) -> str:
    """An environment is its folder; a bare interpreter (/usr holds several) is its file."""
    if env["kind"] in ("system", "homebrew", "unknown") and env["executable"]:
        return str(env["executable"])
    return str(env["prefix"])


@renderer("which_python")
def render_which(out: Console, result: Result) -> None:
    from rich.markup import escape

    doc = result.data
    for command in doc["commands"]:
        exe = command["executable"]
        head = (
            f"[bold]{command['command']}[/] → {escape(exe)} "
            f"({command['kind']}, {command['version'] or 'version unknown'})"
            if exe
            else f"[bold]{command['command']}[/] → [red]not found[/]"
        )
        out.print(head)
        for reason in command["reasons"]:
            out.print(f"  because {escape(reason)}")
        for shadowed in command["shadowed"]:
            target = shadowed["executable"] or "falls through"
            out.print(
                f"  [dim]also on PATH, shadowed: {escape(shadowed['path'])} → {escape(target)}[/]"
            )
    if doc.get("hint"):
        out.print(f"[yellow]{escape(doc['hint'])}[/]")
