"""Actions of state: backups and restores, the active environment, creating environments,
the history of changes and undo.

Every action that changes the machine plans first (cli.md's plan document) and applies only
with `assume_yes`; what it changed goes through a ChangeSet whose JSON is recorded as a
history event, so `undo` can put things back.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.actions.registry import ActionContext, Param, action
from ainlp.actions.result import Result
from ainlp.core.errors import AinlpError, BadInput
from ainlp.core.jsondoc import JSONObject

if TYPE_CHECKING:
    from ainlp.core.changes import Change
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.envsnap import EnvSnapshot
    from ainlp.core.state import Scope, StateStore

class NoBackup(AinlpError):
    """'latest' or 'previous' named a backup that was never taken: the action cannot run."""

    code = "state.no-backup"


_TARGET = Param("target", str, None, "an environment name or path, 'project' or 'all'")
NOTHING_APPLIED = "plan only: nothing was applied; run again with --yes to apply it"


# -- shared helpers ----------------------------------------------------------------------

@contextmanager
def _store(ctx: ActionContext) -> Iterator[StateStore]:
    from ainlp.core.state import StateStore

    with StateStore.open(ctx.world.state_dir) as store:
        if store.recovery is not None and ctx.warn is not None:
            ctx.warn(store.recovery.message)
        yield store


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


AUTOMATIC = "before "  # the reason of every backup taken before a change ("before restore")


def _prune_automatic(ctx: ActionContext, store: StateStore) -> None:
    """Automatic backups: the newest N per target (setting `keep_automatic_backups`, 10)."""
    import shutil

    keep = store.setting("keep_automatic_backups", 10)
    for gone in store.prune_backups(keep if isinstance(keep, int) else 10,
                                    reason_prefix=AUTOMATIC):
        # the wheel folder of a forgotten backup is ours alone (state_dir/backups/<id>)
        shutil.rmtree(ctx.world.state_dir / "backups" / gone, ignore_errors=True)


def _prune_trash(ctx: ActionContext, store: StateStore) -> list[str]:
    """The trash, kept to settings `trash_max_age_days` (30) and `trash_max_bytes` (5 GiB)."""
    from ainlp.core.changes import prune

    age = store.setting("trash_max_age_days", 30)
    size = store.setting("trash_max_bytes", 5 * 1024**3)
    gone = prune(ctx.world, max_age_days=age if isinstance(age, (int, float)) else 30,
                 max_bytes=size if isinstance(size, int) else 5 * 1024**3)
    return [f"emptied from the trash: {entry.original}" for entry in gone]


@dataclass
class _Step:
    id: str
    does: str
    touches: list[str]
    undoable: bool = True

    def to_json(self) -> JSONObject:
        return {"id": self.id, "does": self.does, "fixes": None, "touches": list(self.touches),
                "undoable": self.undoable}


@dataclass
class _Outcome:
    applied: list[str] = field(default_factory=list)
    failed: list[JSONObject] = field(default_factory=list)
    snapshot: str | None = None


def _plan_doc(name: str, steps: Sequence[_Step], outcome: _Outcome | None,
              summary: str) -> JSONObject:
    done = outcome or _Outcome()
    return {
        "plan": {"id": f"{name}-{uuid.uuid4().hex[:8]}", "steps": [s.to_json() for s in steps]},
        "applied": list(done.applied),
        "failed": list(done.failed),
        "snapshot": done.snapshot,
        "summary": summary,
    }


def _plan_only(ctx: ActionContext) -> bool:
    return ctx.dry_run or not ctx.assume_yes


def _event_changes(changeset: JSONObject | None = None, *, created: Sequence[str] = (),
                   active_before: JSONObject | None = None) -> str:
    """The JSON of a history event: the ChangeSet, folders it created, the previous choice."""
    doc: JSONObject = {"changeset": changeset or {"version": 1, "changes": []},
                       "created": list(created)}
    if active_before is not None:
        doc["active_before"] = active_before
    return json.dumps(doc)


def _venv_like(record: EnvRecord) -> bool:
    from ainlp.core.discovery.records import EnvKind

    return record.kind in {
        EnvKind.VENV, EnvKind.VIRTUALENV, EnvKind.PYENV_VIRTUALENV, EnvKind.PIPX,
        EnvKind.UV_TOOL, EnvKind.POETRY, EnvKind.PDM, EnvKind.HATCH, EnvKind.PIPENV,
    }


# -- backup ------------------------------------------------------------------------------

@dataclass
class _Backup:
    id: str | None
    created: str
    target: str
    environments: int
    skipped: list[JSONObject]
    wheels: str | None

    def to_json(self) -> JSONObject:
        return {"snapshot": self.id, "environments": self.environments,
                "skipped": list(self.skipped), "created": self.created,
                "target": self.target, "wheels": self.wheels}


def _take_backup(ctx: ActionContext, records: Sequence[EnvRecord], *, target: str,
                 reason: str, with_wheels: bool, explicit: bool) -> _Backup:
    from ainlp.core.discovery.records import EnvState
    from ainlp.core.envsnap import build_wheelhouse, capture
    from ainlp.core.state import BackupRow
    from ainlp.core.state.discovered import known

    snapshots: list[JSONObject] = []
    captured: list[EnvRecord] = []
    skipped: list[JSONObject] = []
    for record in records:
        if ctx.progress is not None:
            ctx.progress(f"capturing {record.prefix}")
        if not _venv_like(record):
            if explicit:
                skipped.append({"prefix": str(record.prefix), "reason":
                                f"a {record.kind.value} interpreter, not an environment: "
                                "nothing to back up"})
            continue
        if record.state is EnvState.MISSING:
            skipped.append({"prefix": str(record.prefix), "reason": "its folder is gone"})
            continue
        try:
            snapshots.append(capture(ctx.world, record).to_json())
            captured.append(record)
        except (AinlpError, OSError, ValueError) as exc:
            why = exc.message if isinstance(exc, AinlpError) else str(exc)
            skipped.append({"prefix": str(record.prefix), "reason": f"cannot be read: {why}"})
    created = _now()
    if not snapshots:
        return _Backup(None, created, target, 0, skipped, None)
    with _store(ctx) as store:
        backup_id = store.new_backup_id()
        wheels: Path | None = None
        if with_wheels:
            wheels = ctx.world.state_dir / "backups" / backup_id / "wheels"
            wheels.mkdir(parents=True, exist_ok=True)
            for record in captured:
                built = build_wheelhouse(ctx.world, record, wheels)
                skipped.extend({"prefix": str(record.prefix), "distribution": s.name,
                                "reason": f"no wheel: {s.reason}"} for s in built.skipped)
        content: JSONObject = {
            "environments": snapshots,
            "context": {"active": [c.to_json() for c in store.active_choices()]},
            "wheels": str(wheels) if wheels is not None else None,
        }
        store.add_backup(BackupRow(backup_id, created, target, reason, len(snapshots),
                                   json.dumps(content)))
        store.add_event(action="backup", target=target, snapshot=backup_id, changes="{}")
        # what was backed up is known: if its folder goes, `find` says "missing"
        store.remember_environments(known(r, ctx.world.clock()) for r in captured)
        if reason != "manual":
            _prune_automatic(ctx, store)
    return _Backup(backup_id, created, target, len(snapshots), skipped,
                   str(wheels) if wheels is not None else None)


# Backup writes only inside the state folder (the database and its wheel folders), so it
# asks for no confirmation: changes_machine stays False (cli.md: "we write only to the state
# folder" needs no consent).
@action(
    "create_comprehensive_backup",
    description="Snapshot the state of environments now (all, or one target)",
    params=(_TARGET,
            Param("with_wheels", bool, False,
                  "also keep a wheel of every distribution (offline restores)")),
    intents=("backup",),
    phrases=("back up my environments", "create a backup", "snapshot environment datasci"),
)
def create_comprehensive_backup(ctx: ActionContext, target: str | None = None,
                                with_wheels: bool = False) -> Result:
    from ainlp.core.discovery.select import select_environments

    records = select_environments(ctx.world, None, target, default="all")
    named = target or "all"
    done = _take_backup(ctx, records, target=named, reason="manual", with_wheels=with_wheels,
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

def _find_backup(store: StateStore, which: str) -> tuple[str, str]:
    """(id, content) of 'latest', 'previous' or an id; BadInput when there is none."""
    rows = store.backups()
    if which in ("latest", "previous"):
        index = 0 if which == "latest" else 1
        if len(rows) <= index:
            raise NoBackup(f"there is no {which} backup ({len(rows)} backup(s) kept)",
                           hint="`ainlp backup` takes one")
        return rows[index].id, rows[index].content
    row = store.backup(which)
    if row is None:
        raise BadInput(f"there is no backup {which!r}", hint="`ainlp backups` lists them")
    return row.id, row.content


def _backup_snapshots(backup_id: str, content: str) -> tuple[list[EnvSnapshot], Path | None]:
    from ainlp.core.envsnap import EnvSnapshot

    doc = json.loads(content)
    envs = doc.get("environments", []) if isinstance(doc, dict) else []
    wheels = doc.get("wheels") if isinstance(doc, dict) else None
    snaps = [EnvSnapshot.from_json(env, source=f"backup {backup_id}", state_file=True)
             for env in envs]
    folder = Path(wheels) if isinstance(wheels, str) and Path(wheels).is_dir() else None
    return snaps, folder


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
    with _store(ctx) as store:
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
        (id_a, text_a), (id_b, text_b) = (_find_backup(store, n) for n in names)
    snaps_a, _ = _backup_snapshots(id_a, text_a)
    snaps_b, _ = _backup_snapshots(id_b, text_b)
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
            doc = json.loads(path.read_text(encoding="utf-8"))
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
    with _store(ctx) as store:
        backup_id, content = _find_backup(store, source)
    snaps, wheels = _backup_snapshots(backup_id, content)
    return backup_id, snaps, wheels


def _restore_context(ctx: ActionContext, source: str) -> Result:
    """The active-environment choices a backup recorded, put back (no environment rebuilt)."""
    with _store(ctx) as store:
        backup_id, content = _find_backup(store, source)
    doc = json.loads(content)
    context = doc.get("context") if isinstance(doc, dict) else None
    active = context.get("active") if isinstance(context, dict) else None
    choices = [c for c in active if isinstance(c, dict)] if isinstance(active, list) else []
    steps = [_Step(f"s{n}", f"make {c.get('prefix')} the active environment of "
                   f"{c.get('project') or 'every project'}", [str(ctx.world.state_dir)],
                   undoable=False) for n, c in enumerate(choices, 1)]
    if _plan_only(ctx):
        return Result("restore_backup", _plan_doc(
            "restore", steps, None, f"restore the context of {backup_id}: {len(steps)} "
            "active choice(s); " + NOTHING_APPLIED))
    with _store(ctx) as store:
        for choice in choices:
            scope: Scope = "global" if choice.get("scope") == "global" else "project"
            project, prefix = choice.get("project"), choice.get("prefix")
            if isinstance(prefix, str):
                store.set_active(scope=scope, project=project if isinstance(project, str)
                                 else None, prefix=prefix, reason=f"restored from {backup_id}")
        store.add_event(action="restore", target=f"context of {backup_id}", snapshot=backup_id,
                        changes=_event_changes())
    return Result("restore_backup", _plan_doc(
        "restore", steps, _Outcome(applied=[s.id for s in steps], snapshot=backup_id),
        f"restored {len(steps)} active choice(s) from {backup_id}"))


def _interpreter_for(ctx: ActionContext, snap: EnvSnapshot,
                     inventory: list[EnvRecord]) -> tuple[Path | None, str]:
    from ainlp.core.discovery import discover
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
    from ainlp.core.discovery.resolve import classify
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
    from ainlp.core.changes import ChangeSet
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
    steps: list[_Step] = []
    plans: list[tuple[_Step, EnvSnapshot, Path | None]] = []
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
        step = _Step(f"s{number}", f"{what} with {len(snap.distributions)} distribution(s), "
                     f"using {note}", [str(snap.prefix)])
        if python is None:
            messages.append(f"{snap.prefix}: no interpreter to rebuild it with: {note}")
        steps.append(step)
        plans.append((step, snap, python))
    where = backup_id or source
    if _plan_only(ctx):
        summary = (f"restore from {where}: {len(steps)} environment(s); " + NOTHING_APPLIED)
        result = Result("restore_backup", _plan_doc("restore", steps, None, summary))
        result.messages.extend(messages)
        return result

    outcome = _Outcome()
    existing = [s.prefix for s in snaps if s.prefix.exists()]
    if existing:
        from ainlp.core.discovery.resolve import classify

        records = [classify(p, "restore", platform=ctx.world.platform) for p in existing]
        before = _take_backup(ctx, records, target=",".join(map(str, existing)),
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
        with _store(ctx) as store:
            store.add_event(action="restore", target=where, snapshot=outcome.snapshot,
                            changes=_event_changes(everything.to_json(), created=created))
            messages.extend(_prune_trash(ctx, store))
    summary = (f"restored {len(outcome.applied)} of {len(steps)} environment(s) from {where}"
               + (f"; {len(outcome.failed)} failed (their old folders are back)"
                  if outcome.failed else ""))
    result = Result("restore_backup", _plan_doc("restore", steps, outcome, summary),
                    failed=bool(outcome.failed))
    result.messages.extend(messages)
    return result


# -- use (switch) ------------------------------------------------------------------------

def _project(ctx: ActionContext) -> Path:
    return ctx.world.cwd


def _show_active(ctx: ActionContext) -> Result:
    from ainlp.core.discovery.select import active_environment, project_environment

    project = _project(ctx)
    with _store(ctx) as store:
        choice = store.active_for(str(project)) or store.global_active()
    if choice is not None:
        where = "this project" if choice.scope == "project" else "every project (global)"
        data: JSONObject = {"active": choice.prefix, "source": "state", "scope": choice.scope,
                            "why": f"chosen for {where} with {choice.reason} at {choice.set_at}"}
    else:
        venv = ctx.world.env.get("VIRTUAL_ENV")
        found = project_environment(ctx.world)
        if venv:
            data = {"active": venv, "source": "VIRTUAL_ENV", "scope": None,
                    "why": "VIRTUAL_ENV names it (an activated environment)"}
        elif found is not None:
            data = {"active": str(found.prefix), "source": "project", "scope": None,
                    "why": f"the project's own environment ({found.prefix.name})"}
        else:
            record = active_environment(ctx.world)
            data = {"active": str(record.executable or record.prefix) if record else None,
                    "source": "path" if record else None, "scope": None,
                    "why": "the first python3/python on PATH" if record
                    else "no environment is active and no Python is on PATH"}
    result = Result("switch_environment", data, value=data)
    result.messages.append(f"active: {data['active']} ({data['why']})")
    return result


@action(
    "switch_environment",
    description="Select the active environment for this project (or globally)",
    params=(
        Param("target", str, None, "an environment name or path, or 'project'"),
        Param("version", str, None, "a Python version such as 3.12"),
        Param("scope", str, None, "'global' for every project (the default interpreter)",
              choices=("project", "global")),
        Param("best", bool, False, "rank the candidates by the project's needs"),
        Param("pin", bool, False, "also write the version to the project's .python-version "
              "(what pyenv and uv read)"),
    ),
    intents=("switch",),
    phrases=("switch to virtual environment for this project", "use python 3.12 for this project",
             "activate environment datasci"),
    changes_machine=True,
)
def switch_environment(ctx: ActionContext, target: str | None = None,
                       version: str | None = None, scope: str | None = None,
                       best: bool = False, pin: bool = False) -> Result:
    import re

    from ainlp.core.active import (
        plan_global,
        plan_python_version,
        plan_vscode_settings,
        rank_for_project,
    )
    from ainlp.core.changes import ChangeSet
    from ainlp.core.discovery import discover
    from ainlp.core.discovery.select import select_environments
    from ainlp.core.envsnap import choose_interpreter

    if target is not None and version is None and re.fullmatch(r"\d+(\.\d+){0,2}", target):
        target, version = None, target  # `ainlp use 3.12`: a version, not an environment name
    project = _project(ctx)
    ranking: list[JSONObject] = []
    if best:
        candidates = rank_for_project(ctx.world, project, discover(ctx.world).environments)
        ranking = [{"prefix": str(c.record.prefix), "score": c.score,
                    "reasons": list(c.reasons), "excluded": c.excluded} for c in candidates]
        usable = [c for c in candidates if c.excluded is None]
        if not usable:
            raise BadInput("no environment fits this project", hint="`ainlp create` makes one")
        record = usable[0].record
    elif target is None and version is None:
        return _show_active(ctx)
    elif target is None and version is not None:
        found, note = choose_interpreter(discover(ctx.world), version)
        if found is None:
            raise BadInput(note, hint="`ainlp find` lists the installed interpreters")
        record = found
    else:
        records = select_environments(ctx.world, None, target, default="active")
        if len(records) != 1:
            raise BadInput(f"{target!r} names {len(records)} environments",
                           hint="name one by its path")
        record = records[0]
    interpreter = record.executable
    if interpreter is None:
        raise BadInput(f"{record.prefix} has no python to run", hint="pick another one")
    is_global = scope == "global"
    steps: list[_Step] = []
    messages: list[str] = []
    edits = []
    with _store(ctx) as store:
        db = str(store.path)
        previous = store.global_active() if is_global else store.active_for(str(project))
    where = "every project" if is_global else str(project)
    steps.append(_Step("s1", f"remember {record.prefix} as the active environment of {where}",
                       [db]))
    argv: list[str] = []
    if is_global:
        glob = plan_global(ctx.world, record)
        messages.append(glob.message)
        if glob.edit is not None:
            edits.append(glob.edit)
        if glob.argv:
            argv = list(glob.argv)
            messages.append("run: " + " ".join(glob.argv))
        messages.extend(f"{shell}: {line}" for shell, line in glob.shell_lines)
    else:
        edits.append(plan_vscode_settings(project, interpreter))
        if pin:
            if record.version is None:
                raise BadInput(f"the version of {record.prefix} is not known",
                               hint="pin a version by hand in .python-version")
            edits.append(plan_python_version(project, record.version))
    for edit in edits:
        if edit.status == "write":
            steps.append(_Step(f"s{len(steps) + 1}", edit.message, [str(edit.path)]))
        else:
            messages.append(edit.message)
    data_extra: JSONObject = {"environment": str(record.prefix),
                              "interpreter": str(interpreter), "scope": scope or "project",
                              "ranking": ranking, "argv": argv,
                              "edits": [dict(e.to_json()) for e in edits]}
    if _plan_only(ctx):
        doc = _plan_doc("use", steps, None, f"use {record.prefix} for {where}; "
                        + NOTHING_APPLIED)
        doc.update(data_extra)
        result = Result("switch_environment", doc, value=doc)
        result.messages.extend(messages)
        return result
    changes = ChangeSet()
    for edit in edits:
        if edit.status == "write" and edit.data is not None:
            changes.write_file(edit.path, edit.data)
    before: JSONObject = {"scope": "global" if is_global else "project",
                          "project": None if is_global else str(project),
                          "prefix": previous.prefix if previous else None,
                          "reason": previous.reason if previous else None}
    if argv:  # uv keeps its global pin itself: the user agreed to the plan that names the command
        ran = ctx.world.run(argv, timeout=60.0)
        messages.append(f"{' '.join(argv)}: " + ("done" if ran.ok else
                        f"failed: {(ran.stderr or ran.start_error or '').strip()[-300:]}"))
    with _store(ctx) as store:
        store.set_active(scope="global" if is_global else "project",
                         project=None if is_global else str(project),
                         prefix=str(record.prefix), reason="ainlp use")
        event = store.add_event(action="use", target=str(record.prefix), snapshot=None,
                                changes=_event_changes(changes.to_json(),
                                                       active_before=before))
    outcome = _Outcome(applied=[s.id for s in steps])
    doc = _plan_doc("use", steps, outcome, f"{record.prefix} is the active environment of "
                    f"{where} (undo: `ainlp undo`, event {event.id})")
    doc.update(data_extra)
    result = Result("switch_environment", doc, value=doc)
    result.messages.extend(messages)
    return result


# -- create ------------------------------------------------------------------------------

def _base_python(ctx: ActionContext, version: str | None) -> tuple[Path, str]:
    from ainlp.core.discovery import discover
    from ainlp.core.discovery.select import active_environment
    from ainlp.core.envsnap import choose_interpreter

    if version is not None:
        record, note = choose_interpreter(discover(ctx.world), version)
        if record is None or record.executable is None:
            raise BadInput(note, hint="`ainlp find` lists the installed interpreters")
        return record.executable, note
    active = active_environment(ctx.world)
    if active is not None:
        python = active.base_executable if _venv_like(active) else active.executable
        if python is not None and python.exists():
            return python, f"the active Python, {active.version or 'version unknown'}"
    raise BadInput("no Python to create the environment with",
                   hint="name a version: ainlp create --version 3.12")


# The CLI flag is `--version` (cli.md writes `--python V`): the generic flag builder names
# flags after the intent's slot, which is `version`.
@action(
    "create_environment",
    description="Create a virtual environment",
    params=(
        Param("path", str, None, "where to create it (default .venv in this project)"),
        Param("version", str, None, "the Python version to use, such as 3.11",
              flags=("--python",)),
        Param("target", str, None, "'project' for this project's .venv"),
    ),
    intents=("create_environment",),
    phrases=("create a virtual environment with python 3.11", "make a new venv here"),
    changes_machine=True,
)
def create_environment(ctx: ActionContext, path: str | None = None, version: str | None = None,
                       target: str | None = None) -> Result:
    from ainlp.core.envsnap import create_venv

    if target not in (None, "project"):
        raise BadInput(f"create takes a path, not the target {target!r}",
                       hint="ainlp create PATH --python 3.12")
    prefix = ctx.world.expand(path) if path else _project(ctx) / ".venv"
    if prefix.exists() or prefix.is_symlink():
        raise BadInput(f"{prefix} already exists", hint="pick another path, or `ainlp use` it")
    python, note = _base_python(ctx, version)
    steps = [_Step("s1", f"create a virtual environment at {prefix} ({note}: {python})",
                   [str(prefix)])]
    if _plan_only(ctx):
        doc = _plan_doc("create", steps, None, f"create {prefix}; " + NOTHING_APPLIED)
        doc.update({"prefix": str(prefix), "python": str(python)})
        return Result("create_environment", doc, value=doc)
    made = create_venv(ctx.world, prefix, python, seed_pip=False)
    with _store(ctx) as store:
        event = store.add_event(action="create", target=str(prefix), snapshot=None,
                                changes=_event_changes(created=[str(prefix)]))
    doc = _plan_doc("create", steps, _Outcome(applied=["s1"]),
                    f"created {prefix} with {made.tool} (undo: `ainlp undo`, event {event.id})")
    doc.update({"prefix": str(prefix), "python": str(python),
                "executable": str(made.executable)})
    result = Result("create_environment", doc, value=doc)
    result.messages.append(f"{prefix} has no pip: install with "
                           f"`uv pip install --python {made.executable} ...` or run "
                           f"`{made.executable} -m ensurepip`")
    return result


# -- history, undo -----------------------------------------------------------------------

@action(
    "show_history",
    description="The log of state-changing actions",
    intents=("history",),
    phrases=("show history", "what did you change"),
)
def show_history(ctx: ActionContext) -> Result:
    with _store(ctx) as store:
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
    from ainlp.core.errors import StateError

    try:
        doc = json.loads(text)
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

    with _store(ctx) as store:
        found = next(((e, _undo_of(e.changes)) for e in store.events()
                      if not e.undone and not _undo_of(e.changes).empty), None)
    if found is None:
        doc = _plan_doc("undo", [], None, "nothing to undo")
        result = Result("undo_last_change", doc, failed=True)
        result.messages.append("nothing to undo: no recorded change is left to revert "
                               "(`ainlp history` lists them)")
        return result
    event, undo = found
    changes = ChangeSet.from_json(undo.changeset) if undo.changeset else ChangeSet()
    touches = [*undo.created, *changes.touched()]
    if undo.active_before is not None:
        touches.append(str(ctx.world.state_dir / "state.db"))
    steps = [_Step("s1", f"revert {event.action} of {event.target or 'everything'} "
                   f"(event {event.id}, {event.at})", list(dict.fromkeys(touches)))]
    if _plan_only(ctx):
        doc = _plan_doc("undo", steps, None, f"undo {event.action}; " + NOTHING_APPLIED)
        doc["event"] = event.to_json()
        return Result("undo_last_change", doc, value=doc)
    done: list[str] = []
    for created in undo.created:
        path = Path(created)
        if path.exists() or path.is_symlink():
            move_to_trash(ctx.world, path)
            done.append(f"moved {path} to the trash")
    done.extend(changes.undo())
    with _store(ctx) as store:
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
        done.extend(_prune_trash(ctx, store))
    doc = _plan_doc("undo", steps, _Outcome(applied=["s1"]),
                    f"undid {event.action} (event {event.id})")
    doc["event"] = event.to_json()
    doc["reverted"] = list(done)
    result = Result("undo_last_change", doc, value=doc)
    result.messages.extend(done)
    return result
