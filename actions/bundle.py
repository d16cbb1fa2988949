"""Actions of bundles: export (the portable bundle for an OS reinstall) and import (recreate
every environment from it on the new machine). The plan documents, history events and backups
are those of the state actions (actions/_state.py).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.actions._state import (
    NOTHING_APPLIED,
    Outcome,
    PlanStep,
    backup_snapshots,
    event_changes,
    open_store,
    plan_doc,
    plan_only,
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
    from ainlp.core.bundle import Bundle, EnvPlan, ImportPlan
    from ainlp.core.state import StateStore

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.bundle.write 60 ms, ainlp.core.bundle 55 ms, ainlp.core.envsnap.installer 31 ms
# lazy: ainlp.core.envsnap.venvs 30 ms, ainlp.core.state 15 ms

EXPORT_FOLDER = "ainlp-export"
# prefixes an import created whose history event is not written yet (a killed import)
_PENDING = "bundle.import.pending"


# -- export ------------------------------------------------------------------------------

def _previous_backup(ctx: ActionContext) -> str | None:
    """The backup an ACTION before this EXPORT took (language.md: EXPORT receives them)."""
    for result in reversed(ctx.previous):
        backup = result.data.get("snapshot")
        if result.action == "create_comprehensive_backup" and isinstance(backup, str):
            return backup
    return None


@action(
    "environment_configuration_and_instructions",
    description="Write a portable bundle with recovery instructions for an OS reinstall",
    params=(Param("path", str, None, "the folder to write (default ~/ainlp-export/<timestamp>)"),
            Param("with_wheels", bool, False,
                  "add an offline wheelhouse built from the environments themselves"),
            Param("archive", bool, False, "also write PATH.tar.gz")),
    intents=("export",),
    phrases=("prepare environment for os reinstall", "export environment configuration",
             "export environments to ~/aios-export"),
)
def environment_configuration_and_instructions(ctx: ActionContext, path: str | None = None,
                                               with_wheels: bool = False,
                                               archive: bool = False) -> Result:
    from ainlp.core.bundle import ExportSource, write_bundle
    from ainlp.core.bundle.write import check_destination
    from ainlp.core.state import DB_NAME

    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(ctx.world.clock()))
    folder = ctx.world.expand(path) if path else ctx.world.home / EXPORT_FOLDER / stamp
    check_destination(folder)  # refused before anything is captured
    messages: list[str] = []
    backup_id = _previous_backup(ctx)
    if backup_id is None:
        records = select_environments(ctx.world, None, "all", default="all")
        taken = take_backup(ctx, records, target="all", reason="export", with_wheels=False,
                             explicit=False)
        backup_id = taken.id
        messages.extend(f"skipped {s['prefix']}: {s['reason']}" for s in taken.skipped)
    else:
        messages.append(f"using backup {backup_id} taken before this export")
    with open_store(ctx) as store:
        row = store.backup(backup_id) if backup_id is not None else None
        active = store.active_choices()
    snaps, backup_wheels = backup_snapshots(row.id, row.content) if row else ([], None)
    sources = [ExportSource(s, s.prefix.name, classify(s.prefix, "export",
                                                       platform=ctx.world.platform)
                            if s.prefix.is_dir() else None) for s in snaps]
    done = write_bundle(ctx.world, folder, sources, active=active,
                        state_db=ctx.world.state_dir / DB_NAME,
                        wheels_from=backup_wheels, with_wheels=with_wheels,
                        backup_id=backup_id, archive=archive, progress=ctx.progress)
    with open_store(ctx) as store:
        event = store.add_event(action="export", target=str(folder), snapshot=backup_id,
                                changes="{}")
    data = done.to_json()
    data["event"] = event.id
    result = Result("environment_configuration_and_instructions", data, value=done)
    result.messages.extend(messages)
    result.messages.extend(f"no wheel for {s.get('distribution', s['prefix'])}: {s['reason']}"
                           for s in done.skipped if "distribution" in s)
    result.messages.append(f"bundle written to {folder}: {len(sources)} environment(s); "
                           f"read {folder / 'RECOVERY.md'} on the new machine")
    return result


# -- import ------------------------------------------------------------------------------

def _bundle_path(ctx: ActionContext, path: str | None) -> Path:
    if path:
        return ctx.world.expand(path)
    base = ctx.world.home / EXPORT_FOLDER
    found = sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    if not found:
        raise BadInput(f"no bundle named and none in {base}",
                       hint="ainlp import PATH (the folder `ainlp export` wrote)")
    return found[-1]


def _existing_sets(ctx: ActionContext,
                   bundle: Bundle) -> dict[Path, set[tuple[str, str]] | None]:
    from ainlp.core.bundle import distribution_set, remap

    found: dict[Path, set[tuple[str, str]] | None] = {}
    for env in bundle.manifest.environments:
        target = remap(env.location, ctx.world.home)
        if target.is_dir() and not target.is_symlink():
            try:
                found[target] = distribution_set(ctx.world, target)
            except (AinlpError, OSError, ValueError):
                found[target] = None
    return found


def _steps(plan: ImportPlan, bundle: Bundle, db: str) -> list[PlanStep]:
    steps: list[PlanStep] = []
    for number, env in enumerate(plan.envs, 1):
        n = len(env.env.distributions)
        if env.status == "create":
            does = f"recreate {env.target} with {n} distribution(s), using {env.note}"
        elif env.status == "present":
            does = f"keep {env.target}: {env.note}"
        else:
            does = f"cannot recreate {env.target}: {env.note}"
        steps.append(PlanStep(f"s{number}", does, [str(env.target)], env.status == "create"))
    if bundle.manifest.active:
        steps.append(PlanStep(f"s{len(steps) + 1}", f"restore {len(bundle.manifest.active)} "
                           "active-environment choice(s)", [db]))
    return steps


def _pending(store: StateStore) -> list[str]:
    value = store.setting(_PENDING, [])
    return [str(v) for v in value] if isinstance(value, list) else []


def _interrupted(ctx: ActionContext) -> frozenset[Path]:
    """Folders an import killed half-way was making (read only; the apply removes them)."""
    with open_store(ctx) as store:
        pending = _pending(store)
        found = set()
        for entry in store.unfinished_changes():
            try:
                prefix = jsondoc.loads(entry.plan).get("prefix")
            except (ValueError, AttributeError):
                continue
            if entry.action == "import" and isinstance(prefix, str) and prefix not in pending:
                found.add(Path(prefix))
    return frozenset(found)


def _recover_interrupted(store: StateStore) -> list[str]:
    """An import killed half-way left an environment half made: remove it (it was ours)."""
    from ainlp.core.envsnap.venvs import remove_tree

    said: list[str] = []
    for entry in store.unfinished_changes():
        if entry.action != "import":
            continue
        try:
            prefix = jsondoc.loads(entry.plan).get("prefix")
        except (ValueError, AttributeError):
            prefix = None
        if isinstance(prefix, str) and prefix in _pending(store):
            store.finish_change(entry.id, "done")  # killed after it was verified
            continue
        if isinstance(prefix, str) and (Path(prefix).exists() or Path(prefix).is_symlink()):
            remove_tree(Path(prefix))
            said.append(f"removed {prefix}, left half made by an interrupted import")
        store.finish_change(entry.id, "rolled-back")
    return said


def _restore_active(ctx: ActionContext, bundle: Bundle, store: StateStore,
                    there: set[Path]) -> tuple[list[str], JSONObject | None]:
    from ainlp.core.bundle import remap

    said: list[str] = []
    before: JSONObject | None = None
    for record in bundle.manifest.active:
        prefix = remap(record.prefix, ctx.world.home)
        project = remap(record.project, ctx.world.home) if record.project else None
        if prefix not in there:
            said.append(f"active choice of {project or 'every project'} not restored: "
                        f"{prefix} was not imported")
            continue
        scope = "global" if record.scope == "global" else "project"
        place = None if scope == "global" else str(project)
        old = store.global_active() if scope == "global" else store.active_for(place)
        if before is None and len(bundle.manifest.active) == 1:
            before = {"scope": scope, "project": place,
                      "prefix": old.prefix if old else None,
                      "reason": old.reason if old else None}
        store.set_active(scope="global" if scope == "global" else "project", project=place,
                         prefix=str(prefix), reason="ainlp import")
        said.append(f"active for {place or 'every project'}: {prefix}")
    return said, before


@action(
    "import_environments",
    description="Recreate environments from an exported bundle",
    params=(Param("path", str, None, "the bundle folder or .tar.gz (default: the newest "
                  "export)"),
            Param("install_pythons", bool, False, "install the Pythons the bundle needs and "
                  "this machine lacks with `uv python install` (needs the network)")),
    intents=("import",),
    phrases=("import environments from ~/aios-export",
             "recreate my environments after the os reinstall"),
    changes_machine=True,
)
def import_environments(ctx: ActionContext, path: str | None = None,
                        install_pythons: bool = False) -> Result:
    from ainlp.core.bundle import plan_import, read_bundle

    bundle = read_bundle(ctx.world, _bundle_path(ctx, path))  # BadInput before any write
    plan = plan_import(ctx.world, bundle, discover(ctx.world).environments,
                       _existing_sets(ctx, bundle), _interrupted(ctx))
    installed: list[str] = []
    if install_pythons and plan.missing and not plan_only(ctx):
        installed = _install_pythons(ctx, [m.version for m in plan.missing])
        plan = plan_import(ctx.world, bundle, discover(ctx.world, refresh=True).environments,
                           _existing_sets(ctx, bundle), _interrupted(ctx))
    db = str(ctx.world.state_dir / "state.db")
    steps = _steps(plan, bundle, db)
    extra: JSONObject = {"bundle": str(bundle.folder), **plan.to_json()}
    messages = [*installed, *(f"install Python {m.version}: " + " or ".join(
        f"`{c}`" for c in m.commands) for m in plan.missing)]
    if plan.missing and not install_pythons:
        messages.append("`ainlp import --install-pythons` installs them with uv, with your "
                        "consent and a network")
    if plan_only(ctx):
        doable = sum(e.status == "create" for e in plan.envs)
        doc = plan_doc("import", steps, None, f"import {bundle.folder}: {doable} of "
                        f"{len(plan.envs)} environment(s) to recreate; " + NOTHING_APPLIED)
        doc.update(extra)
        result = Result("import_environments", doc, value=plan)
        result.messages.extend(messages)
        return result
    outcome = Outcome()
    created: list[str] = []
    there: set[Path] = set()
    with open_store(ctx) as store:
        messages.extend(_recover_interrupted(store))
        for step, env in zip(steps[:len(plan.envs)], plan.envs, strict=True):
            _import_one(ctx, store, bundle, step, env, outcome, created, messages)
            if step.id in outcome.applied:
                there.add(env.target)
        said, before = _restore_active(ctx, bundle, store, there)
        messages.extend(said)
        if len(steps) > len(plan.envs):
            outcome.applied.append(steps[-1].id)
        everything = list(dict.fromkeys([*created, *(p for p in _pending(store)
                                                     if Path(p).exists())]))
        event = store.add_event(action="import", target=str(bundle.folder), snapshot=None,
                                changes=event_changes(created=everything,
                                                       active_before=before))
        store.set_setting(_PENDING, [])
    restored = sum(step.id in outcome.applied for step in steps[:len(plan.envs)])
    summary = (f"imported {restored} of {len(plan.envs)} environment(s) from {bundle.folder}"
               + (f"; {len(outcome.failed)} not restored (see failed)" if outcome.failed
                  else "") + f" (undo: `ainlp undo`, event {event.id})")
    doc = plan_doc("import", steps, outcome, summary)
    doc.update(extra)
    result = Result("import_environments", doc, value=plan, failed=bool(outcome.failed))
    result.messages.extend(messages)
    return result


def _install_pythons(ctx: ActionContext, versions: list[str]) -> list[str]:
    """`uv python install` of each version (the user asked for it: downloads are allowed for
    this command only); one line each saying what happened."""
    from ainlp.core.envsnap.installer import child_env, find_uv

    env = {**child_env(ctx.world, offline=False), "UV_PYTHON_DOWNLOADS": "automatic"}
    uv = find_uv(ctx.world, env)
    if uv is None:
        return ["cannot install Pythons: the uv binary does not run here; use the commands "
                "below"]
    said: list[str] = []
    for version in versions:
        if ctx.progress is not None:
            ctx.progress(f"installing Python {version} with uv")
        done = ctx.world.run([str(uv), "python", "install", version], timeout=900.0, env=env)
        last = (done.stderr or done.start_error or "").strip().splitlines()[-1:] or [""]
        said.append(f"uv python install {version}: " + ("done" if done.ok else
                    f"failed ({last[0][:200]})"))
    return said


def _import_one(ctx: ActionContext, store: StateStore, bundle: Bundle, step: PlanStep,
                env: EnvPlan, outcome: Outcome, created: list[str],
                messages: list[str]) -> None:
    """One environment in its own transaction: journaled, rebuilt, verified; removed again
    when it fails, the others untouched."""
    from ainlp.core.bundle import restore_env

    if env.status == "present":
        outcome.applied.append(step.id)
        return
    if env.status == "cannot":
        outcome.failed.append({"step": step.id, "error": f"cannot: {env.note}"})
        return
    if ctx.progress is not None:
        ctx.progress(f"recreating {env.target}")
    journal = store.begin_change("import", jsondoc.dumps({"prefix": str(env.target)}))
    try:
        done = restore_env(ctx.world, bundle, env)
    except AinlpError as exc:
        store.finish_change(journal, "rolled-back")
        outcome.failed.append({"step": step.id, "error": exc.message})
        return
    store.set_setting(_PENDING, [*_pending(store), str(env.target)])
    store.finish_change(journal, "done")
    outcome.applied.append(step.id)
    created.append(str(env.target))
    messages.extend(f"{env.target}: left out {why}" for why in done.left_out)
