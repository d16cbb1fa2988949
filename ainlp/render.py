"""Human output with rich: one renderer per action, a generic one for the rest."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, TextIO, cast

from ainlp.core.registry import Registry
from ainlp.jsontext import dumps as strict

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: rich.console 37 ms, rich.pretty 31 ms

Renderer = Callable[["Console", "Result"], None]
# the per-action renderers, by action; ainlp.renderers registers them when first needed
_RENDERERS: Registry[Renderer] = Registry("renderer", ("ainlp.renderers",))


def renderer(action: str) -> Callable[[Renderer], Renderer]:
    return _RENDERERS.register(action)


PIPE_WIDTH = 100_000  # "no wrapping": wide enough that nothing a line holds reaches it


def console(stderr: bool = False) -> Console:
    """Rich output for a stream: a terminal's width there, and for a pipe plain lines.

    `AINLP_WIDTH` renders as a terminal of that width (the exact-output tests set it). Not on
    a terminal, text is neither wrapped nor padded (no line ends in a space) and has no
    colour unless FORCE_COLOR asks for it (rich reads it).
    """
    from rich.console import Console

    if os.environ.get("AINLP_WIDTH"):
        return Console(stderr=stderr, width=int(os.environ["AINLP_WIDTH"]), highlight=False)
    stream = sys.stderr if stderr else sys.stdout
    if _isatty(stream):
        return Console(stderr=stderr, highlight=False)
    file = cast("IO[str]", _Unpadded(stream))  # a TextIOBase: all of IO that rich uses
    return Console(file=file, width=PIPE_WIDTH, soft_wrap=True, highlight=False)


def _isatty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # a closed or foreign stream
        return False


class _Unpadded(io.TextIOBase):
    """A text stream that writes whole lines without their trailing spaces."""

    def __init__(self, target: TextIO) -> None:
        self._target = target
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        if lines:
            self._target.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        # a part of a line goes out now; only its trailing spaces wait for what follows
        text = self._pending.rstrip(" ")
        if text:
            self._target.write(text)
            self._pending = self._pending[len(text):]
        self._target.flush()

    def close(self) -> None:
        if self._pending:
            self._target.write(self._pending.rstrip(" "))
            self._pending = ""
        self._target.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", None) or "utf-8"


def render_result(result: Result, out: Console | None = None) -> None:
    renderers = _RENDERERS.all()  # imports ainlp.renderers, which registers them
    out = out or console()
    for message in result.messages:
        console(stderr=True).print(message)
    renderers.get(result.action, _generic)(out, result)


def _generic(out: Console, result: Result) -> None:
    from rich.pretty import Pretty

    if result.data:
        out.print(Pretty(result.data))


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 check`, `2 checks`, `0 checks` (`many` for words not made with an s)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def dumps(data: object, *, indent: int | None = None,
          default: Callable[[object], object] = str) -> str:
    """Strict JSON text: never NaN or Infinity (ainlp.jsontext, ainlp.core.jsondoc)."""
    return strict(data, default=default, indent=indent)


def is_terminal() -> bool:
    return sys.stdout.isatty()
