"""How people see `ainlp find` and `ainlp which`."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from ainlp.core.discovery.records import EnvRecord, Inventory
from ainlp.render import plural, renderer

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: rich.table 48 ms, rich.markup 15 ms

_STATE_MARK = {"ok": "[green]✓[/]", "broken": "[red]✗[/]", "missing": "[yellow]?[/]"}


@renderer("list_environments")
def render_environments(out: Console, result: Result) -> None:
    from rich.markup import escape
    from rich.table import Table

    inventory = result.value
    assert isinstance(inventory, Inventory)
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("", "kind", "version", "name", "where"):
        table.add_column(column, overflow="fold")
    for env in inventory.environments:
        table.add_row(
            _STATE_MARK.get(env.state.value, env.state.value),
            env.kind.value,
            env.version.text if env.version else "?",
            escape(env.name or ""),
            escape(_where(env)),
        )
        for problem in env.problems:
            table.add_row(
                "",
                "",
                "",
                "",
                f"[red]{escape(problem.message)}[/]\n[dim]{escape(problem.hint)}[/]",
            )
    out.print(table)
    summary = inventory.summary
    out.print(
        f"\n{plural(summary['total'], 'environment')}: {summary['ok']} ok, "
        f"{summary['broken']} broken, "
        f"{summary['missing']} missing [dim]({round(inventory.elapsed_ms, 1):.0f} ms, "
        f"cache {inventory.cache})[/]"
    )


def _where(env: EnvRecord) -> str:
    """An environment is its folder; a bare interpreter (/usr holds several) is its file."""
    if env.kind.value in ("system", "homebrew", "unknown") and env.executable:
        return str(env.executable)
    return str(env.prefix)


class _Shadowed(TypedDict):
    path: str
    executable: str | None


class _Command(TypedDict):
    command: str
    executable: str | None
    kind: str
    version: str | None
    reasons: list[str]
    shadowed: list[_Shadowed]


class _WhichDoc(TypedDict, total=False):
    commands: list[_Command]
    hint: str


@renderer("which_python")
def render_which(out: Console, result: Result) -> None:
    from rich.markup import escape

    doc = cast("_WhichDoc", result.data)  # the shape core.discovery.which.explain builds
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
