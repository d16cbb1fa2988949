"""Checks of installed distributions, read statically (dist-info, RECORD, .pth, user site)."""

from __future__ import annotations

import ast
import functools
import os
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery import static
from ainlp.core.discovery.records import EnvRecord, EnvState
from ainlp.core.health.checks._common import can_run, minor_of, stdlib_dir, subject_of
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.health.registry import Check, CheckSpec, health_check
from ainlp.core.packages.cache import PackageCache
from ainlp.core.packages.conflicts import (
    CheckResult,
    Conflict,
    full_version,
    marker_environment,
)
from ainlp.core.packages.distributions import Installed, installed_distributions
from ainlp.core.packages.metadata import Distribution, canonical
from ainlp.core.packages.osowned import OsPackages, os_installed
from ainlp.core.packages.pth import PthLine, pth_files, read_pth
from ainlp.core.packages.tags import tag_context
from ainlp.core.versions import PyVersion

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: packaging.specifiers 6.1 ms

_MODULE_SUFFIXES = (".py", ".pyc", ".pyd", ".so")


def _environments(ctx: CheckContext) -> Iterator[EnvRecord]:
    return (env for env in ctx.environments
            if env.state is not EnvState.MISSING and foreign.is_dir(env.prefix))


def _runnable(ctx: CheckContext) -> Iterator[EnvRecord]:
    """The environments whose python can start: the checks whose hints run it look only
    at these (a broken environment's own finding says to rebuild it first)."""
    return (env for env in _environments(ctx) if can_run(env))


def _cache(ctx: CheckContext) -> PackageCache:
    """One cache per check run, loaded on first use; each check saves what it added."""
    return ctx.memo(("packages.cache",),
                    lambda: PackageCache(ctx.world.state_dir, ctx.world.clock).load())


def _saving(func: Check) -> Check:
    """The check saves what it added to the package cache, whichever topic selected it."""

    @functools.wraps(func)
    def run(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
        try:
            yield from func(ctx, spec)
        finally:
            _cache(ctx).save()

    return run


def _installed(ctx: CheckContext, env: EnvRecord) -> Installed:
    return ctx.memo(("packages.installed", env.prefix, env.executable, env.version),
                    lambda: installed_distributions(ctx.world, env,
                                                    reader=_cache(ctx).distribution))


def _checked(ctx: CheckContext, env: EnvRecord) -> CheckResult:
    return ctx.memo(("packages.check", env.prefix, env.executable, env.version),
                    lambda: _cache(ctx).check(_installed(ctx, env).distributions,
                                              marker_environment(ctx.world, env),
                                              tag_context(ctx.world, env)))


def _label(dist: Distribution) -> str:
    return f"{dist.name} {dist.version}"


def _python(env: EnvRecord, platform: str) -> str:
    if env.executable is not None:
        return str(env.executable)
    return str(env.prefix / ("python.exe" if platform == "win32" else "bin/python"))


def _install_hint(ctx: CheckContext, env: EnvRecord, requirement: str) -> str:
    wanted = requirement.split(";")[0].strip()
    if _externally_managed(ctx, env):
        return (f"this Python is managed by the system: install '{wanted}' with its package "
                "manager, or work in a venv")
    return f"{_python(env, ctx.world.platform)} -m pip install '{wanted}'"


def _unless_managed(ctx: CheckContext, env: EnvRecord, item: Finding) -> Finding:
    """No automatic install into an externally-managed Python (PEP 668): no fix there."""
    if _externally_managed(ctx, env):
        return replace(item, fix=None)
    return item


def _os_packages(ctx: CheckContext) -> OsPackages:
    return ctx.memo(("packages.os",), lambda: OsPackages(ctx.world))


def _os_conflict(ctx: CheckContext, env: EnvRecord, conflict: Conflict) -> str | None:
    """The hint for a conflict that is the OS's to fix, None when it is not one.

    In an externally-managed Python (PEP 668), a requirement the OS's own distributions
    declare among themselves (both in the system prefix's dist-packages, neither installed
    by pip or uv) is broken by the OS's packaging: the user is not to repair it with pip.
    """
    if not _externally_managed(ctx, env):
        return None
    by_name = _installed(ctx, env).by_name()
    package = by_name.get(canonical(conflict.package))
    if package is None or not os_installed(package, env.prefix):
        return None
    dependency = by_name.get(conflict.dependency)
    if conflict.problem == "version" and (dependency is None
                                          or not os_installed(dependency, env.prefix)):
        return None
    os_packages = _os_packages(ctx)
    wanted = conflict.requirement.split(";")[0].strip()
    owner = os_packages.owner(package)
    declares = (f"the OS package {owner} declares {wanted}" if owner is not None
                else f"{_label(package)}, installed by the OS, declares {wanted}")
    if conflict.problem == "missing":
        provider = os_packages.provider(conflict.dependency)
        provides = "provides" if provider.certain else "probably provides"
        return (f"{declares}, which the OS did not install: `apt install {provider.package}` "
                f"{provides} it; leave pip out of the OS's Python (PEP 668)")
    assert dependency is not None
    holder = os_packages.owner(dependency)
    has = (f"the OS package {holder} has {_label(dependency)}" if holder is not None
           else f"the OS installed {_label(dependency)}")
    return (f"{declares} and {has}: the OS's to fix (`apt upgrade` may bring them in line); "
            "leave pip out of the OS's Python (PEP 668)")


def _externally_managed(ctx: CheckContext, env: EnvRecord) -> bool:
    """PEP 668: an EXTERNALLY-MANAGED file beside the stdlib (never in a venv)."""
    if foreign.exists(env.prefix / "pyvenv.cfg"):
        return False
    stdlib = stdlib_dir(env.prefix, minor_of(env.version), ctx.world.platform)
    return stdlib is not None and foreign.is_file(stdlib / "EXTERNALLY-MANAGED")


@health_check("packages.requirement-missing")
@_saving
def requirement_missing(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _runnable(ctx):
        for conflict in _checked(ctx, env).conflicts:
            if conflict.problem != "missing":
                continue
            os_hint = _os_conflict(ctx, env, conflict)
            yield _unless_managed(ctx, env, spec.finding(
                subject_of(env),
                f"{conflict.package} {conflict.package_version} requires "
                f"{conflict.requirement}, which is not installed",
                os_hint or _install_hint(ctx, env, conflict.requirement),
                severity=Severity.WARNING if os_hint else None))


@health_check("packages.requirement-version")
@_saving
def requirement_version(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _runnable(ctx):
        for conflict in _checked(ctx, env).conflicts:
            if conflict.problem != "version":
                continue
            os_hint = _os_conflict(ctx, env, conflict)
            yield _unless_managed(ctx, env, spec.finding(
                subject_of(env),
                f"{conflict.package} {conflict.package_version} requires "
                f"{conflict.requirement}, but {conflict.dependency} {conflict.installed} "
                "is installed",
                os_hint or _install_hint(ctx, env, conflict.requirement),
                severity=Severity.WARNING if os_hint else None))


@health_check("packages.requirement-unparsable")
@_saving
def requirement_unparsable(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _runnable(ctx):
        for bad in _checked(ctx, env).unparsable:
            yield spec.finding(subject_of(env),
                               f"{bad.package} declares {bad.text!r}, which is not a valid "
                               "requirement",
                               f"{_python(env, ctx.world.platform)} -m pip install --upgrade "
                               f"{bad.package}")


@health_check("packages.wheel-unsupported")
@_saving
def wheel_unsupported(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _runnable(ctx):
        for wheel in _checked(ctx, env).unsupported:
            yield spec.finding(subject_of(env),
                               f"{wheel.package} {wheel.version} is a wheel for "
                               f"{', '.join(wheel.tags)}, not for this Python "
                               f"({env.version})",
                               f"{_python(env, ctx.world.platform)} -m pip install "
                               f"--force-reinstall {wheel.package}=={wheel.version}")


@health_check("packages.requires-python")
@_saving
def requires_python(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    for env in _runnable(ctx):
        version = full_version(env.version) if _exact(env.version) else None
        if version is None:
            continue
        for dist in _installed(ctx, env).distributions:
            if not dist.requires_python:
                continue
            try:
                allowed = SpecifierSet(dist.requires_python)
            except InvalidSpecifier:
                continue
            if not allowed.contains(version, prereleases=True):
                yield spec.finding(subject_of(env),
                                   f"{_label(dist)} requires Python {dist.requires_python}, "
                                   f"this is Python {version}",
                                   f"{_python(env, ctx.world.platform)} -m pip install "
                                   f"--force-reinstall {dist.name}")


def _exact(version: PyVersion | None) -> bool:
    """Only a full x.y.z version can be judged: "3.11" alone would fail `>=3.11.4` wrongly."""
    return version is not None and version.text.count(".") >= 2


@health_check("packages.invalid-metadata")
@_saving
def invalid_metadata(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _environments(ctx):
        for dist in _installed(ctx, env).invalid:
            yield spec.finding(subject_of(env), f"{dist.path}: {dist.metadata_error}",
                               f"remove {dist.path} and reinstall that distribution")


@health_check("packages.record-files-missing")
@_saving
def record_files_missing(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    cache = _cache(ctx)
    for env in _runnable(ctx):
        for dist in _installed(ctx, env).distributions:
            if dist.installer is None:
                continue  # no INSTALLER: an OS package manager put it there and moves files
            gone = cache.missing(dist)
            if gone:
                shown = ", ".join(str(p) for p in gone[:3]) + (" ..." if len(gone) > 3 else "")
                yield spec.finding(subject_of(env),
                                   f"{_label(dist)}: {len(gone)} installed file(s) missing "
                                   f"({shown})",
                                   f"{_python(env, ctx.world.platform)} -m pip install "
                                   f"--force-reinstall --no-deps {dist.name}=={dist.version}")


@health_check("packages.editable-source-missing")
@_saving
def editable_source_missing(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _runnable(ctx):
        installed = _installed(ctx, env)
        for dist in installed.distributions:
            source = dist.editable_location
            if source is not None and not foreign.exists(source):
                yield spec.finding(subject_of(env),
                                   f"{_label(dist)} is installed editable from {source}, "
                                   "which no longer exists",
                                   f"restore {source} or run {_python(env, ctx.world.platform)}"
                                   f" -m pip uninstall {dist.name}")
        for link, target in _egg_links(installed):
            if not foreign.exists(target):
                yield spec.finding(subject_of(env),
                                   f"{link.name} points at {target}, which no longer exists",
                                   f"remove {link} (and its line in easy-install.pth)")


def _egg_links(installed: Installed) -> Iterator[tuple[Path, Path]]:
    for entry in installed.search_path:
        try:
            names = [e.name for e in os.scandir(entry.path) if e.name.endswith(".egg-link")]
        except OSError:
            continue
        for name in sorted(names):
            link = entry.path / name
            try:
                first = link.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            if first and first[0].strip():
                yield link, Path(os.path.join(entry.path, first[0].strip()))


@health_check("packages.user-site-shadowing")
@_saving
def user_site_shadowing(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _runnable(ctx):
        installed = _installed(ctx, env)
        winners = installed.by_name()
        for hidden in installed.shadowed:
            winner = winners.get(hidden.canonical_name)
            if winner is None or winner.scope != "user" or hidden.scope == "user":
                continue
            yield spec.finding(subject_of(env),
                               f"{_label(winner)} in the user site {winner.location} shadows "
                               f"{_label(hidden)} in {hidden.location}",
                               f"remove the user copy: {_python(env, ctx.world.platform)} -m "
                               f"pip uninstall {winner.name} (it removes the first one found)")


@health_check("packages.duplicate-distribution")
@_saving
def duplicate_distribution(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _environments(ctx):
        installed = _installed(ctx, env)
        winners = installed.by_name()
        for hidden in installed.shadowed:
            winner = winners.get(hidden.canonical_name)
            if winner is None or {winner.scope, hidden.scope} & {"user", "base"}:
                continue
            if winner.installer is None and hidden.installer is None:
                continue  # both from the OS package manager: its business, not the user's
            yield spec.finding(subject_of(env),
                               f"{winner.name} is installed twice: {winner.path.name} and "
                               f"{hidden.path}",
                               f"delete {hidden.path} and force-reinstall {winner.name}")


@health_check("packages.pth-missing-path")
@_saving
def pth_missing_path(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _environments(ctx):
        for line in _pth_lines(ctx, env):
            if line.is_import or line.exists or line.file.name.startswith("__editable__"):
                continue  # an editable install's .pth is judged by editable-source-missing
            yield spec.finding(subject_of(env),
                               f"{line.file}:{line.lineno} adds {line.path}, which does not "
                               "exist",
                               f"remove line {line.lineno} of {line.file}")


@health_check("packages.pth-import-fails")
@_saving
def pth_import_fails(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _environments(ctx):
        roots = _module_roots(ctx, env)
        for line in _pth_lines(ctx, env):
            if not line.is_import:
                continue
            problem = _import_problem(line.text, roots)
            if problem is not None:
                yield spec.finding(subject_of(env), f"{line.file}:{line.lineno}: {problem}",
                                   f"reinstall the package that owns {line.file.name}, or "
                                   "delete the file if that package is gone")


def _pth_lines(ctx: CheckContext, env: EnvRecord) -> list[PthLine]:
    def read() -> list[PthLine]:
        lines: list[PthLine] = []
        for site in _installed(ctx, env).layout.dirs:
            for file in pth_files(site.path):
                lines += read_pth(file) or []
        return lines

    return ctx.memo(("packages.pth", env.prefix, env.executable), read)


def _module_roots(ctx: CheckContext, env: EnvRecord) -> list[Path] | None:
    """Folders a top-level import is looked up in; None when the stdlib cannot be found."""
    installed = _installed(ctx, env)
    minor = minor_of(env.version)
    stdlib = stdlib_dir(env.prefix, minor, ctx.world.platform)
    cfg = static.read_pyvenv_cfg(env.prefix)
    if stdlib is None and cfg is not None and cfg.get("home"):
        base = static.prefix_of_bin_dir(Path(cfg["home"]))
        stdlib = stdlib_dir(base, minor, ctx.world.platform)
    if stdlib is None:
        return None
    return [*(p.path for p in installed.search_path), stdlib, stdlib / "lib-dynload"]


def _import_problem(text: str, roots: list[Path] | None) -> str | None:
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        return f"not valid Python ({exc.msg})"
    if roots is None:
        return None
    for name in _imported_modules(tree):
        if name in sys.builtin_module_names or _findable(name, roots):
            continue
        return f"imports {name}, which is not installed"
    return None


def _imported_modules(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "__import__" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.append(node.args[0].value.split(".")[0])
    return list(dict.fromkeys(names))


def _findable(name: str, roots: list[Path]) -> bool:
    for root in roots:
        if foreign.is_dir(root / name):
            return True
        try:
            entries = os.listdir(root)
        except OSError:
            continue
        if any(entry.startswith(name + ".") and entry.endswith(_MODULE_SUFFIXES)
               for entry in entries):
            return True
    return False


@health_check("packages.pip-broken")
@_saving
def pip_broken(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _runnable(ctx):
        pip = _installed(ctx, env).by_name().get("pip")
        if pip is None:
            continue
        package = pip.location / "pip"
        gone = [p for p in (package / "__init__.py", package / "_internal" / "__init__.py")
                if not foreign.is_file(p)]
        if gone:
            yield spec.finding(subject_of(env),
                               f"{_label(pip)} is registered in {pip.path.name} but "
                               f"{gone[0]} is missing",
                               f"remove {pip.path} and run {_python(env, ctx.world.platform)} "
                               "-m ensurepip --upgrade")
