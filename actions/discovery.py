"""Actions of discovery: list environments, which python runs here."""

from __future__ import annotations

from dataclasses import replace

from ainlp.actions.registry import ActionContext, Param, action
from ainlp.actions.result import Result
from ainlp.core.discovery import discover
from ainlp.core.discovery.records import EnvKind
from ainlp.core.discovery.which import explain
from ainlp.core.errors import BadInput
from ainlp.core.versions import PyVersion

_KIND_ALIASES = {
    "uv": ("uv-tool", "uv-python"),
    "virtualenv": ("venv", "virtualenv"),
    "venv": ("venv", "virtualenv"),
}


def kinds_for(kind: str) -> tuple[str, ...]:
    known = {k.value for k in EnvKind}
    wanted = _KIND_ALIASES.get(kind.lower(), (kind.lower(),))
    if not set(wanted) <= known:
        raise BadInput(
            f"unknown environment kind {kind!r}",
            hint="one of: " + ", ".join(sorted(known | set(_KIND_ALIASES))),
        )
    return wanted


def version_query(text: str) -> str:
    """"3.12", "python3.12", "py 3.12" -> "3.12"; anything else is bad input."""
    wanted = PyVersion.query(text)
    if wanted is None:
        raise BadInput(f"{text[:40]!r} is not a Python version",
                       hint="give a version such as 3.12, 3.11.7 or 3")
    return wanted.text


def version_matches(version: PyVersion | str | None, wanted: str) -> bool:
    """ "3.12" matches 3.12.x; "3" matches every 3.x; "3.12.1" matches only itself."""
    if version is None:
        return False
    found = version if isinstance(version, PyVersion) else PyVersion(version)
    return found.matches(PyVersion(wanted))


@action(
    "list_environments",
    description="List every Python interpreter and environment on this machine",
    params=(
        Param("version", str, None, "only this Python version (3.12, 3.11.7)"),
        Param("kind", str, None, "only this kind (venv, conda, pyenv, system, ...)"),
        Param("state", str, None, "only environments in this state",
              choices=("ok", "broken", "missing")),
        Param("refresh", bool, False, "ignore the discovery cache"),
    ),
    intents=("list_environments",),
    phrases=("list python interpreters", "show all environments", "find python 3.12"),
)
def list_environments(
    ctx: ActionContext, version: str | None = None, kind: str | None = None,
    state: str | None = None, refresh: bool = False,
) -> Result:
    wanted_kinds = kinds_for(kind) if kind else None
    version = version_query(version) if version else None
    inventory = discover(ctx.world, refresh=refresh, on_record=ctx.on_record)
    if wanted_kinds or version or state:
        inventory = replace(inventory, environments=tuple(
            env for env in inventory.environments
            if (not wanted_kinds or env.kind.value in wanted_kinds)
            and (not version or version_matches(env.version, version))
            and (not state or env.state.value == state)))
    return Result("list_environments", inventory.to_json(), value=inventory)


@action(
    "which_python",
    description="Which interpreter `python`/`python3` (or a version) runs here, and why",
    params=(Param("version", str, None, "a version such as 3.12"),),
    intents=("which_python",),
    phrases=("which python", "which python will run", "where is python 3.11"),
)
def which_python(ctx: ActionContext, version: str | None = None) -> Result:
    answer = explain(ctx.world, version_query(version) if version else None)
    return Result("which_python", answer, failed=not answer["resolved"])
