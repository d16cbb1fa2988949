"""Checks of virtual environments: base interpreter, pyvenv.cfg, moved folders, shebangs, pip."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery import static
from ainlp.core.discovery.locators.pyenv import pyenv_root
from ainlp.core.discovery.records import EnvRecord
from ainlp.core.discovery.resolve import real
from ainlp.core.health.checks._common import (
    bin_dir,
    can_run,
    is_venv_record,
    minor_of,
)
from ainlp.core.health.checks._venvfacts import venv_facts
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding
from ainlp.core.health.registry import CheckSpec, health_check
from ainlp.core.versions import PyVersion

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.envsnap 53 ms

_REBUILD_HINT = "ainlp fix {prefix} rebuilds it with an installed Python and its packages"


def _venvs(ctx: CheckContext) -> Iterator[EnvRecord]:
    found = ctx.memo(("venv-records",),  # one stat per environment per run, not per check
                     lambda: tuple(env for env in ctx.environments if is_venv_record(env)))
    return iter(found)


@health_check("venv.base-missing")
def base_missing(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _venvs(ctx):
        home = venv_facts(ctx, env).home
        if home is not None and home.is_absolute() and not foreign.is_dir(home):
            found = spec.finding(str(env.prefix), f"its base interpreter folder {home} is gone",
                                 _REBUILD_HINT.format(prefix=env.prefix))
            target = _rebase_target(ctx, env, home)
            if target is not None:
                found = replace(found, fix="rebase",
                                hint=f"ainlp fix {env.prefix} points it at {target}, "
                                     "the installed Python of its minor version")
            yield found


def _rebase_target(ctx: CheckContext, env: EnvRecord, home: Path) -> Path | None:
    """The interpreter `rebase` would point the venv at: its old base was a versioned install
    (a folder naming its version, as pyenv, Homebrew and python.org use) and an installed
    Python of the same minor exists."""
    from ainlp.core.envsnap import choose_interpreter
    if PyVersion.in_path(str(home)) is None:
        return None
    version = static.version_from_pyvenv_cfg(venv_facts(ctx, env).cfg or {})
    if version is None or minor_of(version) is None:
        return None
    chosen, _ = choose_interpreter(ctx.inventory, version)
    return chosen.executable if chosen is not None else None


@health_check("venv.cfg-invalid")
def cfg_invalid(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _venvs(ctx):
        cfg = venv_facts(ctx, env).cfg
        cfg_path = env.prefix / "pyvenv.cfg"
        told = [p.message for p in env.problems if p.id == "venv.cfg-invalid"]
        if told:  # discovery saw why (a FIFO, a NUL in home, home inside the venv...)
            for message in told:
                yield spec.finding(str(env.prefix), message,
                                   _REBUILD_HINT.format(prefix=env.prefix))
            continue
        if not cfg:
            problem = "has no `key = value` lines"
        elif "home" not in cfg:
            problem = "has no `home` key"
        elif not Path(cfg["home"]).is_absolute() and not re.match(r"^[A-Za-z]:[\\/]", cfg["home"]):
            problem = f"names a relative home {cfg['home']!r}"
        else:
            continue
        yield spec.finding(str(env.prefix), f"{cfg_path} {problem}",
                           _REBUILD_HINT.format(prefix=env.prefix))


def _base_minor(ctx: CheckContext, env: EnvRecord, home: Path) -> tuple[str | None, Path | None]:
    """The minor version the venv's base interpreter is now, and that interpreter."""
    exe = env.executable
    candidates: list[Path] = []
    if exe is not None and foreign.is_symlink(exe) and foreign.exists(exe):
        candidates.append(real(exe))
    cfg = venv_facts(ctx, env).cfg or {}
    if cfg.get("executable"):
        candidates.append(Path(cfg["executable"]))
    if exe is not None:
        candidates.append(home / exe.name)
    candidates += static.python_executables(home)
    base = next((c for c in candidates if foreign.exists(c) and real(c).parent == real(home)), None)
    if base is None:
        return None, None
    resolved = real(base)
    named = static.minor_of_name(resolved.name)
    if named:
        return named, resolved
    known = next((r for r in ctx.inventory.environments if r.executable is not None
                  and r.version and real(r.executable) == resolved), None)
    if known is not None:
        return minor_of(known.version), resolved
    result = ctx.probe(resolved)
    return (minor_of(result.version) if result.ok else None), resolved


@health_check("venv.base-upgraded")
def base_upgraded(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _venvs(ctx):
        facts = venv_facts(ctx, env)
        home = facts.home
        made_with = minor_of(static.version_from_pyvenv_cfg(facts.cfg or {}))
        if home is None or made_with is None or not foreign.is_dir(home):
            continue
        now, base = _base_minor(ctx, env, home)
        if now is not None and now != made_with:
            yield spec.finding(
                str(env.prefix),
                f"made with Python {made_with}, but its base {base} is now Python {now}",
                _REBUILD_HINT.format(prefix=env.prefix))


def _fragile_reason(ctx: CheckContext, path: Path) -> str | None:
    text = str(path)
    if "/Cellar/" in text:
        return "a Homebrew Cellar folder, which `brew upgrade` deletes"
    shims = pyenv_root(ctx.world) / "shims"
    if path == shims or real(path) == real(shims) or text.rstrip("/").endswith("/.pyenv/shims"):
        return "pyenv's shims folder, so the venv follows whatever pyenv selects"
    return None


@health_check("venv.fragile-base")
def fragile_base(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _venvs(ctx):
        home = venv_facts(ctx, env).home
        if home is None:
            continue
        reason = _fragile_reason(ctx, home)
        target = None
        if reason is None and env.executable is not None and foreign.is_symlink(env.executable):
            target = Path(os.readlink(env.executable))
            if target.is_absolute():
                reason = _fragile_reason(ctx, target.parent)
        if reason is not None:
            where = target or home
            yield spec.finding(str(env.prefix), f"its base {where} is {reason}",
                               f"ainlp fix {env.prefix} points it at a stable path")


@health_check("venv.moved")
def moved(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _venvs(ctx):
        old = venv_facts(ctx, env).moved_from()
        if old is not None:
            yield spec.finding(str(env.prefix), f"its scripts and activate name {old}",
                               _REBUILD_HINT.format(prefix=env.prefix))


@health_check("venv.dangling-shebang")
def dangling_shebang(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _venvs(ctx):
        facts = venv_facts(ctx, env)
        if facts.moved_from() is not None:
            continue  # venv.moved says it, with the cause
        broken = [s for s in facts.scripts if s.shebang.interpreter.startswith("/")
                  and not foreign.exists(Path(s.shebang.interpreter))]
        if broken:
            names = ", ".join(s.path.name for s in broken[:5])
            yield spec.finding(str(env.prefix),
                               f"{len(broken)} script(s) ({names}) name a missing interpreter "
                               f"{broken[0].shebang.interpreter}",
                               _REBUILD_HINT.format(prefix=env.prefix))


@health_check("venv.bad-shebang")
def bad_shebang(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for env in _venvs(ctx):
        facts = venv_facts(ctx, env)
        if facts.moved_from() is not None:
            continue
        bad = []
        for script in facts.scripts:
            interpreter = script.shebang.interpreter
            relative = interpreter.endswith("/env") or not interpreter.startswith("/")
            outside = (foreign.exists(Path(interpreter))
                       and not _in_venv(Path(interpreter), env.prefix))
            if relative or outside:
                bad.append(script)
        if bad:
            names = ", ".join(s.path.name for s in bad[:5])
            first = bad[0].shebang
            shown = " ".join(p for p in (first.interpreter, first.argument) if p) or "nothing"
            yield spec.finding(str(env.prefix),
                               f"{len(bad)} script(s) ({names}) run {shown}, not this venv",
                               _REBUILD_HINT.format(prefix=env.prefix))


def _in_venv(interpreter: Path, prefix: Path) -> bool:
    folder = interpreter.parent.parent
    return folder == prefix or real(folder) == real(prefix)


def _site_packages(prefix: Path, platform: str) -> list[Path]:
    if platform == "win32":
        return [prefix / "Lib" / "site-packages"]
    try:
        return sorted(p / "site-packages" for p in (prefix / "lib").iterdir()
                      if p.name.startswith(("python", "pypy")))
    except OSError:
        return []


def _has_pip_module(prefix: Path, platform: str) -> bool:
    sites = _site_packages(prefix, platform)
    return any(foreign.is_file(site / "pip" / "__init__.py") for site in sites)


def _pip_scripts(prefix: Path, platform: str) -> list[Path]:
    folder = bin_dir(prefix, platform)
    names = ("pip.exe", "pip3.exe") if platform == "win32" else ("pip", "pip3")
    return [folder / n for n in names if foreign.exists(folder / n)]


@health_check("venv.pip-missing")
def pip_missing(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    platform = ctx.world.platform
    for env in _venvs(ctx):
        if not can_run(env):
            continue  # its hint runs the venv's python; the interpreter's finding comes first
        if not _pip_scripts(env.prefix, platform) and not _has_pip_module(env.prefix, platform):
            yield spec.finding(str(env.prefix), "no pip installed (normal for uv venvs)",
                               f"{bin_dir(env.prefix, platform) / 'python'} -m ensurepip "
                               "installs it if you want it")


@health_check("venv.pip-unrunnable")
def pip_unrunnable(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    platform = ctx.world.platform
    for env in _venvs(ctx):
        if not can_run(env):
            continue
        scripts = _pip_scripts(env.prefix, platform)
        if scripts and not _has_pip_module(env.prefix, platform):
            yield spec.finding(str(env.prefix),
                               f"{scripts[0]} exists but the pip package is not installed",
                               f"ainlp fix {env.prefix} installs it offline (or: "
                               f"{bin_dir(env.prefix, platform) / 'python'} -m ensurepip "
                               "--upgrade)")


def _foreign_entries(site: Path) -> list[Path]:
    """Entries of site-packages owned by another user than the folder (sudo pip install)."""
    try:
        owner = site.stat().st_uid
        return [p for p in sorted(site.iterdir()) if p.lstat().st_uid != owner]
    except OSError:
        return []


@health_check("env.not-writable")
def not_writable(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    platform = ctx.world.platform
    for env in ctx.environments:
        if not (is_venv_record(env) or foreign.is_dir(env.prefix / "conda-meta")):
            continue
        for site in _site_packages(env.prefix, platform):
            if not foreign.is_dir(site):
                continue
            if not os.access(site, os.W_OK):
                yield spec.finding(str(env.prefix), f"{site} is not writable by you",
                                   f"ainlp fix {env.prefix} (or chown -R $USER {env.prefix})")
                break
            others = _foreign_entries(site)
            if others:
                names = ", ".join(p.name for p in others[:3])
                yield spec.finding(str(env.prefix),
                                   f"{len(others)} entries of {site} belong to another user "
                                   f"({names})",
                                   f"ainlp fix {env.prefix} (or chown -R $USER {env.prefix})")
                break
