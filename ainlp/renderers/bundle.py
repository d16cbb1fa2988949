"""How people see an export (the bundle written) and an import (its plan and outcome)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.render import renderer
from ainlp.renderers.state import render_plan

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


@renderer("environment_configuration_and_instructions")
def render_export(out: Console, result: Result) -> None:
    data = result.data
    out.print(f"bundle [bold]{_text(data.get('path'))}[/]")
    for env in _list(data.get("environments")):
        if isinstance(env, dict):
            lock = "  pylock.toml" if env.get("pylock") else ""
            out.print(f"  {_text(env.get('location'))}  [dim]Python "
                      f"{_text(env.get('python'))}, {_text(env.get('distributions'))} "
                      f"distribution(s){lock}[/]")
    if data.get("wheels"):
        out.print(f"  [dim]{_text(data['wheels'])} wheel(s) for offline installs[/]")
    if data.get("archive"):
        out.print(f"  archive {_text(data['archive'])}")
    out.print(f"next: read {_text(data.get('recovery'))} on the new machine")


@renderer("import_environments")
def render_import(out: Console, result: Result) -> None:
    render_plan(out, result)
    for missing in _list(result.data.get("missing_pythons")):
        if isinstance(missing, dict):
            commands = " or ".join(map(str, _list(missing.get("commands"))))
            out.print(f"[yellow]Python {_text(missing.get('version'))} is missing[/]: "
                      f"{_text(commands)}")
