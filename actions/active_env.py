"""Actions of the active environment: `use` (show, switch, rank) and `create`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.actions._state import (
    NOTHING_APPLIED,
    Outcome,
    PlanStep,
    event_changes,
    open_store,
    plan_doc,
    plan_only,
    venv_like,
)
from ainlp.actions.registry import ActionContext, Param, action
from ainlp.actions.result import Result
from ainlp.core.discovery import discover
from ainlp.core.discovery.select import active_environment, project_environment, select_environments
from ainlp.core.errors import BadInput
from ainlp.core.jsondoc import JSONObject
from ainlp.core.versions import PyVersion

if TYPE_CHECKING:
    pass

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.changes 167 ms, ainlp.core.envsnap 59 ms, ainlp.core.active 21 ms


# -- use (switch) ------------------------------------------------------------------------

def _project(ctx: ActionContext) -> Path:
    return ctx.world.cwd


def _show_active(ctx: ActionContext) -> Result:
    project = _project(ctx)
    with open_store(ctx) as store:
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
    from ainlp.core.active import (
        plan_global,
        plan_python_version,
        plan_vscode_settings,
        rank_for_project,
    )
    from ainlp.core.changes import ChangeSet
    from ainlp.core.envsnap import choose_interpreter

    if target is not None and version is None and PyVersion.is_release(target):
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
    steps: list[PlanStep] = []
    messages: list[str] = []
    edits = []
    with open_store(ctx) as store:
        db = str(store.path)
        previous = store.global_active() if is_global else store.active_for(str(project))
    where = "every project" if is_global else str(project)
    steps.append(PlanStep("s1", f"remember {record.prefix} as the active environment of {where}",
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
            edits.append(plan_python_version(project, record.version.text))
    for edit in edits:
        if edit.status == "write":
            steps.append(PlanStep(f"s{len(steps) + 1}", edit.message, [str(edit.path)]))
        else:
            messages.append(edit.message)
    data_extra: JSONObject = {"environment": str(record.prefix),
                              "interpreter": str(interpreter), "scope": scope or "project",
                              "ranking": ranking, "argv": argv,
                              "edits": [dict(e.to_json()) for e in edits]}
    if plan_only(ctx):
        doc = plan_doc("use", steps, None, f"use {record.prefix} for {where}; "
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
    with open_store(ctx) as store:
        store.set_active(scope="global" if is_global else "project",
                         project=None if is_global else str(project),
                         prefix=str(record.prefix), reason="ainlp use")
        event = store.add_event(action="use", target=str(record.prefix), snapshot=None,
                                changes=event_changes(changes.to_json(),
                                                       active_before=before))
    outcome = Outcome(applied=[s.id for s in steps])
    doc = plan_doc("use", steps, outcome, f"{record.prefix} is the active environment of "
                    f"{where} (undo: `ainlp undo`, event {event.id})")
    doc.update(data_extra)
    result = Result("switch_environment", doc, value=doc)
    result.messages.extend(messages)
    return result


# -- create ------------------------------------------------------------------------------

def _base_python(ctx: ActionContext, version: str | None) -> tuple[Path, str]:
    from ainlp.core.envsnap import choose_interpreter

    if version is not None:
        record, note = choose_interpreter(discover(ctx.world), version)
        if record is None or record.executable is None:
            raise BadInput(note, hint="`ainlp find` lists the installed interpreters")
        return record.executable, note
    active = active_environment(ctx.world)
    if active is not None:
        python = active.base_executable if venv_like(active) else active.executable
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
    steps = [PlanStep("s1", f"create a virtual environment at {prefix} ({note}: {python})",
                   [str(prefix)])]
    if plan_only(ctx):
        doc = plan_doc("create", steps, None, f"create {prefix}; " + NOTHING_APPLIED)
        doc.update({"prefix": str(prefix), "python": str(python)})
        return Result("create_environment", doc, value=doc)
    made = create_venv(ctx.world, prefix, python, seed_pip=False)
    with open_store(ctx) as store:
        event = store.add_event(action="create", target=str(prefix), snapshot=None,
                                changes=event_changes(created=[str(prefix)]))
    doc = plan_doc("create", steps, Outcome(applied=["s1"]),
                    f"created {prefix} with {made.tool} (undo: `ainlp undo`, event {event.id})")
    doc.update({"prefix": str(prefix), "python": str(python),
                "executable": str(made.executable)})
    result = Result("create_environment", doc, value=doc)
    result.messages.append(f"{prefix} has no pip: install with "
                           f"`uv pip install --python {made.executable} ...` or run "
                           f"`{made.executable} -m ensurepip`")
    return result


