"""Actions of history: the log of changes, and undo of the newest one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.actions._state import (
    NOTHING_APPLIED,
    Outcome,
    PlanStep,
    open_store,
    plan_doc,
    plan_only,
    prune_trash,
)
from ainlp.actions.registry import ActionContext, action
from ainlp.actions.result import Result
from ainlp.core import jsondoc
from ainlp.core.errors import StateError
from ainlp.core.jsondoc import JSONObject

if TYPE_CHECKING:
    from ainlp.core.state import Scope

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.changes 118 ms


# -- history, undo -----------------------------------------------------------------------

@action(
    "show_history",
    description="The log of state-changing actions",
    intents=("history",),
    phrases=("show history", "what did you change"),
)
def show_history(ctx: ActionContext) -> Result:
    with open_store(ctx) as store:
        events = store.events()
    data: JSONObject = {"events": [e.to_json() for e in events]}
    result = Result("show_history", data, value=events)
    if not events:
        result.messages.append("no changes recorded yet")
    return result


@dataclass
class _Undo:
    changeset: JSONObject
    created: list[str]
    active_before: JSONObject | None

    @property
    def empty(self) -> bool:
        changes = self.changeset.get("changes")
        return not changes and not self.created and self.active_before is None


def _undo_of(text: str) -> _Undo:
    try:
        doc = jsondoc.loads(text)
    except ValueError as exc:
        raise StateError("a history event's changes are not JSON",
                         hint="it cannot be undone automatically") from exc
    if not isinstance(doc, dict):
        return _Undo({}, [], None)
    changeset = doc.get("changeset")
    created = doc.get("created")
    before = doc.get("active_before")
    return _Undo(changeset if isinstance(changeset, dict) else {},
                 [str(p) for p in created] if isinstance(created, list) else [],
                 before if isinstance(before, dict) else None)


@action(
    "undo_last_change",
    description="Undo the newest state-changing action",
    intents=("undo",),
    phrases=("undo", "undo the last change"),
    changes_machine=True,
)
def undo_last_change(ctx: ActionContext) -> Result:
    from ainlp.core.changes import ChangeSet, move_to_trash

    with open_store(ctx) as store:
        found = next(((e, _undo_of(e.changes)) for e in store.events()
                      if not e.undone and not _undo_of(e.changes).empty), None)
    if found is None:
        doc = plan_doc("undo", [], None, "nothing to undo")
        result = Result("undo_last_change", doc, failed=True)
        result.messages.append("nothing to undo: no recorded change is left to revert "
                               "(`ainlp history` lists them)")
        return result
    event, undo = found
    changes = ChangeSet.from_json(undo.changeset) if undo.changeset else ChangeSet()
    touches = [*undo.created, *changes.touched()]
    if undo.active_before is not None:
        touches.append(str(ctx.world.state_dir / "state.db"))
    steps = [PlanStep("s1", f"revert {event.action} of {event.target or 'everything'} "
                   f"(event {event.id}, {event.at})", list(dict.fromkeys(touches)))]
    if plan_only(ctx):
        doc = plan_doc("undo", steps, None, f"undo {event.action}; " + NOTHING_APPLIED)
        doc["event"] = event.to_json()
        return Result("undo_last_change", doc, value=doc)
    done: list[str] = []
    for created in undo.created:
        path = Path(created)
        if path.exists() or path.is_symlink():
            move_to_trash(ctx.world, path)
            done.append(f"moved {path} to the trash")
    done.extend(changes.undo())
    with open_store(ctx) as store:
        before = undo.active_before
        if before is not None:
            scope: Scope = "global" if before.get("scope") == "global" else "project"
            project = before.get("project")
            place = str(project) if isinstance(project, str) else None
            prefix = before.get("prefix")
            if isinstance(prefix, str):
                store.set_active(scope=scope, project=place, prefix=prefix,
                                 reason=str(before.get("reason") or "ainlp undo"))
            else:
                store.clear_active(scope=scope, project=place)
            done.append("the previous active choice is back")
        store.mark_undone(event.id)
        done.extend(prune_trash(ctx, store))
    doc = plan_doc("undo", steps, Outcome(applied=["s1"]),
                    f"undid {event.action} (event {event.id})")
    doc["event"] = event.to_json()
    doc["reverted"] = list(done)
    result = Result("undo_last_change", doc, value=doc)
    result.messages.extend(done)
    return result
