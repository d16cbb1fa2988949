"""Actions of packages: installed distributions of an environment, and their conflicts."""

from __future__ import annotations

from typing import Any, TypeAlias

from ainlp.actions.registry import ActionContext, Param, action
from ainlp.actions.result import Result
from ainlp.core.discovery.records import EnvState

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.packages.listing 16 ms, ainlp.core.discovery.select 8.4 ms

# `ainlp packages --json` documents as core.packages.listing builds them, read by key
PackagesDoc: TypeAlias = dict[str, Any]

_TARGET = Param("target", str, None,
                "'project', 'all', an environment name or a path (default: the active Python)")


def _documents(ctx: ActionContext, target: str | None, judge: bool) -> list[PackagesDoc]:
    from ainlp.core.discovery.select import select_environments
    from ainlp.core.packages.listing import package_document
    records = select_environments(ctx.world, None, target, default="active")
    # a folder that is gone (known from the state database) has no packages to read
    present = [r for r in records if r.state is not EnvState.MISSING] or list(records)
    return [package_document(ctx.world, record, check_conflicts=judge) for record in present]


def _why(ctx: ActionContext, target: str | None) -> list[str]:
    """With no target named, which environment was taken and why (said to people)."""
    from ainlp.core.discovery.select import default_environment
    if target is not None and target.strip():
        return []

    chosen = default_environment(ctx.world)
    if chosen is None:
        return []
    record, reason = chosen
    return [f"{record.prefix}: {reason}; name another with a target ('all', a name or a path)"]


def _result(name: str, docs: list[PackagesDoc], *, judge: bool,
            messages: list[str] | None = None) -> Result:
    broken = sum(len(d["conflicts"]) + len(d["unparsable"]) + len(d["unsupported"])
                 for d in docs) if judge else 0
    data: PackagesDoc = docs[0] if len(docs) == 1 else {
        "environments": docs,
        "summary": {"environments": len(docs),
                    "packages": sum(len(d["packages"]) for d in docs),
                    "broken": broken if judge else None},
    }
    data["checked"] = judge
    return Result(name, data, messages=messages or [], problems_found=broken > 0)


@action(
    "list_packages",
    description="List the installed distributions of an environment (read from its files)",
    params=(_TARGET,
            Param("check", bool, False, "also judge dependency conflicts, as pip check")),
    intents=("list_packages",),
    phrases=("list packages", "what is installed in my venv", "show installed packages"),
)
def list_packages(ctx: ActionContext, target: str | None = None, check: bool = False) -> Result:
    return _result("list_packages", _documents(ctx, target, check), judge=check,
                   messages=_why(ctx, target))


@action(
    "check_packages",
    description="Dependency conflicts inside an environment, as pip check reports them",
    params=(_TARGET,),
    intents=("check_packages",),
    phrases=("check packages", "are there broken requirements", "pip check my project"),
)
def check_packages(ctx: ActionContext, target: str | None = None) -> Result:
    return _result("check_packages", _documents(ctx, target, True), judge=True,
                   messages=_why(ctx, target))
