"""Human output with rich: one renderer per action, a generic one for the rest."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result

Renderer = Callable[["Console", "Result"], None]
_RENDERERS: dict[str, Renderer] = {}


def renderer(action: str) -> Callable[[Renderer], Renderer]:
    def decorate(func: Renderer) -> Renderer:
        _RENDERERS[action] = func
        return func

    return decorate


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    width = int(os.environ["AINLP_WIDTH"]) if os.environ.get("AINLP_WIDTH") else None
    return Console(stderr=stderr, width=width, highlight=False)


def render_result(result: Result, out: Console | None = None) -> None:
    import ainlp.renderers  # noqa: F401 - registers the per-action renderers

    out = out or console()
    for message in result.messages:
        console(stderr=True).print(message)
    _RENDERERS.get(result.action, _generic)(out, result)


def _generic(out: Console, result: Result) -> None:
    from rich.pretty import Pretty

    if result.data:
        out.print(Pretty(result.data))


def dumps(data: object) -> str:
    return json.dumps(data, default=str)


def is_terminal() -> bool:
    return sys.stdout.isatty()
