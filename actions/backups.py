"""Actions of backups: take one, list and compare them, restore environments from one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.actions._state import (
    AUTOMATIC,
    NOTHING_APPLIED,
    TARGET,
    Outcome,
    PlanStep,
    backup_snapshots,
    event_changes,
    find_backup,
    open_store,
    plan_doc,
    plan_only,
    prune_trash,
    take_backup,
)
from ainlp.actions.registry import ActionContext, Param, action
from ainlp.actions.result import Result
from ainlp.core import jsondoc
from ainlp.core.discovery import discover
from ainlp.core.discovery.resolve import classify
from ainlp.core.discovery.select import select_environments
from ainlp.core.errors import AinlpError, BadInput
from ainlp.core.jsondoc import JSONObject

if TYPE_CHECKING:
    from ainlp.core.changes import Change
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.envsnap import EnvSnapshot
    from ainlp.core.state import Scope

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.changes 125 ms, ainlp.core.envsnap 64 ms


@action(
    "create_comprehensive_backup",
    description="Snapshot the state of environments now (all, or one target)",
    params=(TARGET,
            Param("with_wheels", bool, False,
                  "also keep a wheel of every distribution (offline restores)")),
    intents=("backup",),
    phrases=("back up my environments", "create a backup", "snapshot environment datasci"),
)
def create_comprehensive_backup(ctx: ActionContext, target: str | None = None,
                                with_wheels: bool = False) -> Result:
    records = select_environments(ctx.world, None, target, default="all")
    named = target or "all"
    done = take_backup(ctx, records, target=named, reason="manual", with_wheels=with_wheels,
                        explicit=named != "all")
    result = Result("create_comprehensive_backup", done.to_json(), value=done)
    if done.id is None:
        # nothing readable: a named target failed; "all" on a machine without environments
        # simply has nothing to keep
        result.failed = named != "all" or bool(done.skipped)
        result.messages.append(f"nothing to back up in {named}: no environment could be read"
                               if done.skipped else f"no environment found in {named}")
        return result
    result.messages.append(f"backup {done.id}: {done.environments} environment(s)")
    result.messages.extend(f"skipped {s['prefix']}: {s['reason']}" for s in done.skipped)
    return result


# -- backups (list, diff) ----------------------------------------------------------------

def _diff_backups(a: Sequence[EnvSnapshot], b: Sequence[EnvSnapshot]) -> JSONObject:
    from ainlp.core.envsnap import diff

    old = {str(s.prefix): s for s in a}
    new = {str(s.prefix): s for s in b}
    several = len(old.keys() | new.keys()) > 1
    added: list[str] = []
    removed: list[str] = []
    changed: list[JSONObject] = []
    for prefix in sorted(old.keys() | new.keys()):
        label = Path(prefix).name + ":" if several else ""
        if prefix not in old:
            added.extend(label + p.canonical_name for p in new[prefix].distributions)
        elif prefix not in new:
            removed.extend(label + p.canonical_name for p in old[prefix].distributions)
        else:
            found = diff(old[prefix], new[prefix])
            added.extend(label + n for n in found.added)
            removed.extend(label + n for n in found.removed)
            changed.extend({"name": label + c.name, "from": c.before, "to": c.after}
                           for c in found.changed)
    return {"added": added, "removed": removed, "changed": changed}


@action(
    "list_backups",
    description="List the snapshots and backups that can be restored (or diff two)",
    params=(Param("diff", str, None, "compare two backups: 'A B', 'A..B' or A with --against "
                  "(ids, 'latest', 'previous'); one alone is compared with the latest"),
            Param("against", str, None, "the second backup of --diff")),
    intents=("list_backups",),
    phrases=("list backups", "show snapshots"),
)
def list_backups(ctx: ActionContext, diff: str | None = None,
                 against: str | None = None) -> Result:
    with open_store(ctx) as store:
        if diff is None:
            if against is not None:
                raise BadInput("--against needs --diff", hint="ainlp backups --diff A B")
            rows = store.backups()
            data: JSONObject = {"snapshots": [row.to_json() for row in rows]}
            result = Result("list_backups", data, value=rows)
            if not rows:
                result.messages.append("no backups yet: `ainlp backup` takes one")
            return result
        names = diff.replace("..", " ").replace(",", " ").split()
        if against is not None:
            names.append(against)
        if len(names) == 1:
            names.append("latest")
        if len(names) != 2:
            raise BadInput(f"--diff compares two backups, not {len(names)}",
                           hint="ainlp backups --diff A B (ids, 'latest' or 'previous')")
        (id_a, text_a), (id_b, text_b) = (find_backup(store, n) for n in names)
    snaps_a, _ = backup_snapshots(id_a, text_a)
    snaps_b, _ = backup_snapshots(id_b, text_b)
    doc = _diff_backups(snaps_a, snaps_b)
    result = Result("list_backups", doc, value=doc)
    result.messages.append(f"from {id_a} to {id_b}")
    return result


# -- restore -----------------------------------------------------------------------------

def _load_source(ctx: ActionContext,
                 source: str) -> tuple[str | None, list[EnvSnapshot], Path | None]:
    """(backup id or None, the snapshots, the wheel folder) of what SOURCE names."""
    from ainlp.core.envsnap import EnvSnapshot

    if source not in ("latest", "previous") and ("/" in source or source.endswith(".json")
                                                 or source.startswith("~")):
        path = ctx.world.expand(source)
        try:
            doc = jsondoc.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BadInput(f"cannot read the snapshot file {path}: {exc.strerror or exc}",
                           hint="name a snapshot JSON file, a backup id or 'latest'") from exc
        except ValueError as exc:
            raise BadInput(f"the snapshot file {path} is not JSON: {exc}",
                           hint="name a snapshot JSON file, a backup id or 'latest'") from exc
        envs = doc.get("environments") if isinstance(doc, dict) else None
        items = envs if isinstance(envs, list) else [doc]
        snaps = [EnvSnapshot.from_json(item, source=str(path)) for item in items]
        beside = path.parent / "wheels"
        return None, snaps, beside if beside.is_dir() else None
    with open_store(ctx) as store:
        backup_id, content = find_backup(store, source)
    snaps, wheels = backup_snapshots(backup_id, content)
    return backup_id, snaps, wheels


def _restore_context(ctx: ActionContext, source: str) -> Result:
    """The active-environment choices a backup recorded, put back (no environment rebuilt)."""
    with open_store(ctx) as store:
        backup_id, content = find_backup(store, source)
    doc = jsondoc.loads(content)
    context = doc.get("context") if isinstance(doc, dict) else None
    active = context.get("active") if isinstance(context, dict) else None
    choices = [c for c in active if isinstance(c, dict)] if isinstance(active, list) else []
    steps = [PlanStep(f"s{n}", f"make {c.get('prefix')} the active environment of "
                   f"{c.get('project') or 'every project'}", [str(ctx.world.state_dir)],
                   undoable=False) for n, c in enumerate(choices, 1)]
    if plan_only(ctx):
        return Result("restore_backup", plan_doc(
            "restore", steps, None, f"restore the context of {backup_id}: {len(steps)} "
            "active choice(s); " + NOTHING_APPLIED))
    with open_store(ctx) as store:
        for choice in choices:
            scope: Scope = "global" if choice.get("scope") == "global" else "project"
            project, prefix = choice.get("project"), choice.get("prefix")
            if isinstance(prefix, str):
                store.set_active(scope=scope, project=project if isinstance(project, str)
                                 else None, prefix=prefix, reason=f"restored from {backup_id}")
        store.add_event(action="restore", target=f"context of {backup_id}", snapshot=backup_id,
                        changes=event_changes())
    return Result("restore_backup", plan_doc(
        "restore", steps, Outcome(applied=[s.id for s in steps], snapshot=backup_id),
        f"restored {len(steps)} active choice(s) from {backup_id}"))


def _interpreter_for(ctx: ActionContext, snap: EnvSnapshot,
                     inventory: list[EnvRecord]) -> tuple[Path | None, str]:
    from ainlp.core.envsnap import choose_interpreter

    base = snap.interpreter.base_executable
    version = snap.interpreter.version
    if base is not None and base.exists():
        return base, f"the same interpreter {base} ({version or 'version unknown'})"
    if version is None:
        return None, "the snapshot does not say which Python version it had"
    if not inventory:
        inventory.extend(discover(ctx.world).environments)
    record, note = choose_interpreter(inventory, version)
    if record is None or record.executable is None:
        return None, note
    return record.executable, f"{note} ({record.executable})"


def _current(ctx: ActionContext, prefix: Path) -> EnvSnapshot | None:
    from ainlp.core.envsnap import capture

    if not prefix.exists():
        return None
    try:
        return capture(ctx.world, classify(prefix, "restore", platform=ctx.world.platform))
    except (AinlpError, OSError, ValueError):
        return None


@action(
    "restore_backup",
    description="Restore environments from a snapshot (default: the latest)",
    params=(Param("source", str, "latest", "'latest', 'previous', a backup id, or a snapshot "
                  "JSON file"),
            Param("only", str, None, "restore only this environment (its name or prefix)"),
            Param("context_only", bool, False, "restore only the active-environment choices, "
                  "no environment")),
    intents=("restore",),
    phrases=("restore the latest backup", "restore environment from backup",
             "roll back to the previous snapshot"),
    changes_machine=True,
)
def restore_backup(ctx: ActionContext, source: str = "latest", only: str | None = None,
                   context_only: bool = False) -> Result:
    from ainlp.core.changes import ChangeSet, trash_location
    from ainlp.core.envsnap import diff, recreate

    if context_only:
        return _restore_context(ctx, source)
    backup_id, snaps, wheels = _load_source(ctx, source)
    if only is not None:
        snaps = [s for s in snaps if only in (s.prefix.name, str(s.prefix))
                 or ctx.world.expand(only) == s.prefix]
        if not snaps:
            raise BadInput(f"{source} holds no environment {only!r}",
                           hint="name one by its folder name or prefix")
    inventory: list[EnvRecord] = []
    steps: list[PlanStep] = []
    plans: list[tuple[PlanStep, EnvSnapshot, Path | None]] = []
    messages: list[str] = []
    for number, snap in enumerate(snaps, 1):
        python, note = _interpreter_for(ctx, snap, inventory)
        now = _current(ctx, snap.prefix)
        if not snap.prefix.exists():
            what = f"{snap.prefix} is gone: recreate it"
        elif now is None:
            what = f"move {snap.prefix} (unreadable now) to the trash and recreate it"
        else:
            change = diff(now, snap)
            what = (f"move {snap.prefix} to the trash and recreate it (" + (
                "no distribution differs" if change.empty else
                f"{len(change.added)} to add, {len(change.removed)} to remove, "
                f"{len(change.changed)} to change") + ")")
        touches = [str(snap.prefix)]
        if snap.prefix.exists() or snap.prefix.is_symlink():
            # the old folder waits in the trash: on another filesystem that is a folder of its
            # own there (a rename, never a copy), which the plan names so the user agrees to it
            touches.append(str(trash_location(ctx.world, snap.prefix)))
        step = PlanStep(f"s{number}", f"{what} with {len(snap.distributions)} distribution(s), "
                     f"using {note}", touches)
        if python is None:
            messages.append(f"{snap.prefix}: no interpreter to rebuild it with: {note}")
        steps.append(step)
        plans.append((step, snap, python))
    where = backup_id or source
    if plan_only(ctx):
        summary = (f"restore from {where}: {len(steps)} environment(s); " + NOTHING_APPLIED)
        result = Result("restore_backup", plan_doc("restore", steps, None, summary))
        result.messages.extend(messages)
        return result

    outcome = Outcome()
    existing = [s.prefix for s in snaps if s.prefix.exists()]
    if existing:
        records = [classify(p, "restore", platform=ctx.world.platform) for p in existing]
        before = take_backup(ctx, records, target=",".join(map(str, existing)),
                              reason=AUTOMATIC + "restore", with_wheels=False, explicit=True)
        outcome.snapshot = before.id
    kept: list[Change] = []
    created: list[str] = []
    for step, snap, python in plans:
        if python is None:
            outcome.failed.append({"step": step.id, "error": "no interpreter to rebuild "
                                   f"{snap.prefix} with"})
            continue
        changes = ChangeSet()
        try:
            if snap.prefix.exists() or snap.prefix.is_symlink():
                changes.move_to_trash(ctx.world, snap.prefix)
            done = recreate(ctx.world, snap, prefix=snap.prefix, python=python,
                            find_links=[wheels] if wheels is not None else [],
                            offline=wheels is not None)
        except AinlpError as exc:
            changes.undo(force=True)
            outcome.failed.append({"step": step.id, "error": exc.message})
            continue
        outcome.applied.append(step.id)
        kept.extend(changes.changes)
        created.append(str(snap.prefix))
        messages.extend(f"{snap.prefix}: left out {s.name}: {s.reason}" for s in done.skipped)
    if outcome.applied:
        everything = ChangeSet(kept)
        with open_store(ctx) as store:
            store.add_event(action="restore", target=where, snapshot=outcome.snapshot,
                            changes=event_changes(everything.to_json(), created=created))
            messages.extend(prune_trash(ctx, store))
    summary = (f"restored {len(outcome.applied)} of {len(steps)} environment(s) from {where}"
               + (f"; {len(outcome.failed)} failed (their old folders are back)"
                  if outcome.failed else ""))
    result = Result("restore_backup", plan_doc("restore", steps, outcome, summary),
                    failed=bool(outcome.failed))
    result.messages.extend(messages)
    return result


