"""How people see backups, restores, `use`, `create`, the history and undo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.render import renderer

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: rich.markup 15 ms


def _text(value: object) -> str:
    from rich.markup import escape

    return escape(str(value))


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def render_plan(out: Console, result: Result) -> None:
    """The plan document of cli.md: each step, what was applied or failed, the summary."""
    data = result.data
    plan = data.get("plan")
    steps = _list(plan.get("steps")) if isinstance(plan, dict) else []
    applied = set(map(str, _list(data.get("applied"))))
    failed = {str(f.get("step")): f.get("error") for f in _list(data.get("failed"))
              if isinstance(f, dict)}
    for step in steps:
        if not isinstance(step, dict):
            continue
        sid = str(step.get("id"))
        mark = ("[green]done[/]" if sid in applied else
                "[red]failed[/]" if sid in failed else "[dim]planned[/]")
        out.print(f"{mark}  {_text(step.get('does'))}")
        for path in _list(step.get("touches")):
            out.print(f"        [dim]{_text(path)}[/]")
        if sid in failed:
            out.print(f"        [red]{_text(failed[sid])}[/]")
    ranking = _list(data.get("ranking"))
    if ranking:
        out.print("\n[bold]candidates[/] (best first):")
        for row in ranking:
            if isinstance(row, dict):
                why = "; ".join(map(str, _list(row.get("reasons"))))
                out.print(f"  {_text(row.get('prefix'))}  [dim]{_text(why)}[/]")
    if data.get("snapshot"):
        out.print(f"[dim]backup taken first: {_text(data['snapshot'])}[/]")
    if data.get("summary"):
        out.print(_text(data["summary"]))


for _name in ("restore_backup", "create_environment", "undo_last_change"):
    renderer(_name)(render_plan)


@renderer("switch_environment")
def render_use(out: Console, result: Result) -> None:
    if "plan" in result.data:
        render_plan(out, result)
    elif result.data.get("active"):
        out.print(f"[bold]{_text(result.data['active'])}[/]  [dim]{_text(result.data['why'])}[/]")
    else:
        out.print(_text(result.data.get("why")))


@renderer("create_comprehensive_backup")
def render_backup(out: Console, result: Result) -> None:
    data = result.data
    if data.get("snapshot"):
        out.print(f"backup [bold]{_text(data['snapshot'])}[/]: "
                  f"{_text(data.get('environments'))} environment(s) of {_text(data['target'])}")
    for row in _list(data.get("skipped")):
        if isinstance(row, dict):
            out.print(f"  [yellow]skipped[/] {_text(row.get('prefix'))}: "
                      f"{_text(row.get('reason'))}")


@renderer("list_backups")
def render_backups(out: Console, result: Result) -> None:
    data = result.data
    if "snapshots" in data:
        for row in _list(data["snapshots"]):
            if isinstance(row, dict):
                out.print(f"[bold]{_text(row.get('id'))}[/]  {_text(row.get('created'))}  "
                          f"{_text(row.get('target'))}  {_text(row.get('environments'))} env(s)"
                          f"  [dim]{_text(row.get('reason'))}[/]")
        return
    for name in _list(data.get("added")):
        out.print(f"[green]+ {_text(name)}[/]")
    for name in _list(data.get("removed")):
        out.print(f"[red]- {_text(name)}[/]")
    for change in _list(data.get("changed")):
        if isinstance(change, dict):
            out.print(f"[yellow]~ {_text(change.get('name'))}[/] {_text(change.get('from'))}"
                      f" -> {_text(change.get('to'))}")
    if not (data.get("added") or data.get("removed") or data.get("changed")):
        out.print("no difference")


@renderer("show_history")
def render_history(out: Console, result: Result) -> None:
    for row in _list(result.data.get("events")):
        if isinstance(row, dict):
            undone = "  [dim](undone)[/]" if row.get("undone") else ""
            snapshot = f"  backup {_text(row['snapshot'])}" if row.get("snapshot") else ""
            out.print(f"{_text(row.get('id')):>4}  {_text(row.get('at'))}  "
                      f"[bold]{_text(row.get('action'))}[/]  {_text(row.get('target') or '')}"
                      f"{snapshot}{undone}")
