"""How people see `ainlp fix` and `ainlp cleanup`: each step with the findings it repairs,
blocked steps with the reason, what was applied or rolled back, and what is left."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.render import renderer

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: rich.markup 16 ms


def _text(value: object) -> str:
    from rich.markup import escape

    return escape(str(value))


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _mark(step: dict[str, object], applied: set[str], failed: dict[str, object]) -> str:
    sid = str(step.get("id"))
    if sid in applied:
        return "[green]done[/]   "
    if sid in failed:
        return "[red]failed[/] "
    if step.get("blocked"):
        return "[yellow]manual[/] "
    return "[dim]planned[/]"


@renderer("apply_automatic_recovery_strategies")
@renderer("cleanup_broken_environments")
def render_recovery(out: Console, result: Result) -> None:
    data = result.data
    plan = data.get("plan")
    steps = [s for s in _list(plan.get("steps") if isinstance(plan, dict) else None)
             if isinstance(s, dict)]
    applied = set(map(str, _list(data.get("applied"))))
    failed = {str(f.get("step")): f.get("error") for f in _list(data.get("failed"))
              if isinstance(f, dict)}
    for step in steps:
        out.print(f"{_mark(step, applied, failed)} {_text(step.get('does'))}")
        for ref in _list(step.get("fixes")):
            if isinstance(ref, dict):
                out.print(f"          [dim]repairs {_text(ref.get('id'))}[/]")
        if step.get("blocked"):
            out.print(f"          [yellow]{_text(step['blocked'])}[/]")
        for note in _list(step.get("notes")):
            out.print(f"          [yellow]{_text(note)}[/]")
        if not step.get("undoable") and not step.get("blocked"):
            out.print("          [dim]cannot be undone[/]")
        sid = str(step.get("id"))
        if sid in failed:
            out.print(f"          [red]{_text(failed[sid])}[/] [dim](rolled back)[/]")
    unfixable = [f for f in _list(data.get("unfixable")) if isinstance(f, dict)]
    if unfixable:
        out.print("\n[bold]no automatic repair[/] (what to do by hand):")
        for item in unfixable:
            out.print(f"  {_text(item.get('id'))} [dim]{_text(item.get('subject'))}[/]: "
                      f"{_text(item.get('hint'))}")
    remaining = [f for f in _list(data.get("remaining")) if isinstance(f, dict)]
    if remaining:
        out.print("\n[bold red]still wrong[/]:")
        for item in remaining:
            out.print(f"  {_text(item.get('id'))} [dim]{_text(item.get('subject'))}[/]: "
                      f"{_text(item.get('message'))}")
    if data.get("snapshot"):
        out.print(f"[dim]backup taken first: {_text(data['snapshot'])}[/]")
    if data.get("summary"):
        out.print(_text(data["summary"]))
