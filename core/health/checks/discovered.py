"""Problems that discovery proves while it looks (a link it followed, a probe it ran, a stub
it refused to run, a stale registry entry) turned into findings: one relay per problem id."""

from __future__ import annotations

from collections.abc import Iterator

from ainlp.core import foreign
from ainlp.core.discovery.locators.conda import environments_txt_file, environments_txt_lines
from ainlp.core.discovery.locators.conda_meta import is_conda_env
from ainlp.core.discovery.locators.path import unreadable_path_folders as unreadable
from ainlp.core.discovery.locators.virtualenvs import unreadable_folders
from ainlp.core.health.checks._common import subject_of
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding
from ainlp.core.health.registry import Check, CheckSpec, health_check

# The problem ids discovery records, each relayed as the finding of the same id (their
# documentation is in findings.toml).
_RELAYS: tuple[str, ...] = (
    "env.missing",
    "env.no-interpreter",
    "env.dangling-interpreter",
    "interpreter.unrunnable",
    "env.interpreter-unusable",
    "venv.base-unreadable",
    "conda.no-interpreter",
    "venv.cfg-missing",
    "windows.store-stub",
    "windows.registry-stale",
    "macos.xcode-stub",
)


def _relay(id: str) -> Check:
    def check(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
        for env in ctx.environments:
            for problem in env.problems:
                if problem.id == spec.id:
                    yield spec.finding(subject_of(env), problem.message, problem.hint)

    check.__name__ = f"relay_{id.replace('.', '_').replace('-', '_')}"
    return check


for _id in _RELAYS:
    health_check(_id)(_relay(_id))


@health_check("discovery.unreadable")
def unreadable_places(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return

    for folder, why in unreadable_folders(ctx.world):
        yield spec.finding(str(folder), f"{folder} cannot be listed ({why}): the environments "
                           "in it are not found", "Give this user read and search permission "
                           f"on it (chmod u+rx {folder}) or remove it.")
    _, error = environments_txt_lines(ctx.world)
    if error is not None:
        path = environments_txt_file(ctx.world)
        yield spec.finding(str(path), f"{path} cannot be read: {error.removeprefix('is ')}",
                           f"Replace {path} with a regular text file (conda rewrites it).")


@health_check("path.unreadable-dir")
def unreadable_path_folders(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return

    for folder, why in unreadable(ctx.world):
        yield spec.finding(str(folder), f"{folder} is on PATH but cannot be listed ({why}): "
                           "the Pythons in it are not found", "Give this user read and search "
                           f"permission on it (chmod u+rx {folder}) or remove it from PATH.")


@health_check("conda.environments-txt-stale")
def environments_txt_stale(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return

    path = environments_txt_file(ctx.world)
    lines, _ = environments_txt_lines(ctx.world)
    for number, prefix, bad in lines:
        if prefix is None:
            yield spec.finding(f"{path}:{number}", f"line {number} of {path} is not a path: "
                               f"{bad}", f"Delete line {number} of {path}.")
        elif not is_conda_env(prefix):
            what = "is not a conda environment" if foreign.exists(prefix) else "does not exist"
            yield spec.finding(str(prefix), f"{prefix} (line {number} of {path}) {what}",
                               f"Delete line {number} of {path}, or run `conda env list`.")
