"""What every api function takes besides its own arguments: a world, events, a cancel token."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from ainlp.actions.registry import ActionContext
from ainlp.core.discovery.records import EnvRecord
from ainlp.core.errors import Interrupted
from ainlp.core.jsondoc import JSONObject
from ainlp.core.process import Completed, Runner
from ainlp.core.world import World

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.renderers.report_text 46 ms


class Cancelled(Interrupted):
    code = "request.cancelled"


class CancelToken:
    """Set by whoever wants long work to stop; the work checks it between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("the request was cancelled")


@dataclass(frozen=True)
class Event:
    """Progress of long work: `progress` (message, done, total), `environment` (a record), or
    `warning` (a message the user must see, such as state restored from a backup layer)."""

    kind: str
    message: str = ""
    done: int | None = None
    total: int | None = None
    record: EnvRecord | None = None


OnEvent = Callable[[Event], None]


def cancellable_runner(run: Runner, token: CancelToken) -> Runner:
    """The world's runner, refusing to start another program once the token is set."""

    def guarded(argv: Sequence[str], *, timeout: float = 2.0,
                env: Mapping[str, str] | None = None, cwd: str | None = None) -> Completed:
        token.check()
        return run(argv, timeout=timeout, env=env, cwd=cwd)

    return guarded


def world_of(world: World | None, cancel: CancelToken | None) -> World:
    chosen = world if world is not None else World.current()
    if cancel is None:
        return chosen
    return replace(chosen, run=cancellable_runner(chosen.run, cancel))


def context(world: World | None, on_event: OnEvent | None, cancel: CancelToken | None, *,
            dry_run: bool = False, assume_yes: bool = False,
            interactive: bool = False) -> ActionContext:
    def progress(message: str) -> None:
        if cancel is not None:
            cancel.check()
        if on_event is not None:
            on_event(Event("progress", message))

    def warn(message: str) -> None:
        if on_event is not None:
            on_event(Event("warning", message))

    def on_record(record: EnvRecord) -> None:
        if cancel is not None:
            cancel.check()
        if on_event is not None:
            on_event(Event("environment", record=record))

    return ActionContext(world=world_of(world, cancel), dry_run=dry_run, assume_yes=assume_yes,
                         interactive=interactive, progress=progress, on_record=on_record,
                         render_report=_render_report, warn=warn)


def _render_report(document: JSONObject, format: str) -> str:
    # the renderers package registers every renderer (the dispatcher and the health engine
    # come with them): imported only when a report is written, not by every action's context
    from ainlp.renderers.report_text import render

    return render(document, format)
