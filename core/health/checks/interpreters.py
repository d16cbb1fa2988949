"""Checks of interpreters: stdlib extension modules, ensurepip, PEP 668, end of life."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery import static
from ainlp.core.discovery.records import EnvRecord
from ainlp.core.discovery.resolve import prefix_of_executable, real
from ainlp.core.health.checks._common import (
    find_command,
    is_venv_record,
    minor_of,
    read_shebang,
    stdlib_dir,
    subject_of,
)
from ainlp.core.health.checks._venvfacts import venv_facts
from ainlp.core.health.checks.envvars import pip_config_values
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding
from ainlp.core.health.registry import CheckSpec, health_check

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: concurrent.futures 5.6 ms

# End of life of each CPython minor (the last day of upstream security fixes; from the PEPs
# and python.org's status page, future ones as planned).
END_OF_LIFE: dict[str, dt.date] = {
    "2.7": dt.date(2020, 1, 1),
    "3.0": dt.date(2009, 6, 27),
    "3.1": dt.date(2012, 4, 9),
    "3.2": dt.date(2016, 2, 20),
    "3.3": dt.date(2017, 9, 29),
    "3.4": dt.date(2019, 3, 18),
    "3.5": dt.date(2020, 9, 30),
    "3.6": dt.date(2021, 12, 23),
    "3.7": dt.date(2023, 6, 27),
    "3.8": dt.date(2024, 10, 7),
    "3.9": dt.date(2025, 10, 31),
    "3.10": dt.date(2026, 10, 31),
    "3.11": dt.date(2027, 10, 31),
    "3.12": dt.date(2028, 10, 31),
    "3.13": dt.date(2029, 10, 31),
    "3.14": dt.date(2030, 10, 31),
}


@dataclass(frozen=True)
class Module:
    name: str  # what `import` names
    marker: str | None  # its Python part in the stdlib; absent means stripped by the packager
    extension: str  # its compiled part in lib-dynload
    since: tuple[int, int] = (2, 7)


# (name, Python 3 layout) and the Python 2 layout where it differs
_MODULES_3 = {
    "ssl": Module("ssl", "ssl.py", "_ssl"),
    "sqlite3": Module("sqlite3", "sqlite3/__init__.py", "_sqlite3"),
    "ctypes": Module("ctypes", "ctypes/__init__.py", "_ctypes"),
    "lzma": Module("lzma", "lzma.py", "_lzma", since=(3, 3)),
    "bz2": Module("bz2", "bz2.py", "_bz2"),
    "readline": Module("readline", None, "readline"),
    "tkinter": Module("tkinter", "tkinter/__init__.py", "_tkinter"),
}
_MODULES_2 = {
    "bz2": Module("bz2", None, "bz2"),
    "tkinter": Module("Tkinter", "lib-tk/Tkinter.py", "_tkinter"),
}
_MARK = "--ainlp-modules--"


@dataclass(frozen=True)
class Base:
    """An installed interpreter with its own standard library."""

    subject: str
    prefix: Path
    minor: str
    stdlib: Path
    executable: Path | None
    implementation: str | None

    @property
    def version_tuple(self) -> tuple[int, int]:
        major, minor = self.minor.split(".")
        return int(major), int(minor)


def bases(ctx: CheckContext) -> list[Base]:
    """Every base interpreter of the selected environments (a venv counts by its base)."""
    return ctx.memo(("bases",), lambda: _collect_bases(ctx))


def _collect_bases(ctx: CheckContext) -> list[Base]:
    found: dict[Path, Base] = {}
    platform = ctx.world.platform
    for env in ctx.environments:
        base = _venv_base(ctx, env) if is_venv_record(env) else _own_base(env, platform)
        if base is not None and real(base.stdlib) not in found:
            found[real(base.stdlib)] = base
    return list(found.values())


def _record_for_prefix(ctx: CheckContext, prefix: Path) -> EnvRecord | None:
    """The inventory's record of a folder, from an index built once (not a scan per venv)."""
    def index() -> dict[Path, EnvRecord]:
        found: dict[Path, EnvRecord] = {}
        for record in ctx.inventory.environments:
            found.setdefault(record.prefix, record)
        return found

    by_prefix: dict[Path, EnvRecord] = ctx.memo(("records-by-prefix",), index)
    return by_prefix.get(real(prefix))


def _own_base(env: EnvRecord, platform: str) -> Base | None:
    minor = minor_of(env.version)
    if minor is None and env.executable is not None:
        minor = static.minor_of_name(env.executable.name)
    stdlib = stdlib_dir(env.prefix, minor, platform)
    if stdlib is None:
        return None
    if minor is None:
        minor = minor_of(stdlib.name.removeprefix("python"))
    if minor is None:
        return None
    return Base(subject_of(env), env.prefix, minor, stdlib, env.executable, env.implementation)


def _venv_base(ctx: CheckContext, env: EnvRecord) -> Base | None:
    cfg = venv_facts(ctx, env).cfg or {}
    home = cfg.get("home")
    minor = minor_of(static.version_from_pyvenv_cfg(cfg))
    if not home or minor is None or foreign.bad_path(home) is not None:
        return None
    prefix = static.prefix_of_bin_dir(Path(home))
    # 2,000 venvs of one base share its stdlib folder: look it up once
    stdlib = ctx.memo(("stdlib", prefix, minor),
                      lambda: stdlib_dir(prefix, minor, ctx.world.platform))
    if stdlib is None:
        return None
    known = _record_for_prefix(ctx, prefix)
    executable = env.base_executable
    if executable is not None and not foreign.exists(executable):
        executable = None
    subject = subject_of(known) if known is not None else str(prefix)
    return Base(subject, prefix, minor, stdlib, executable,
                cfg.get("implementation", "").lower() or env.implementation)


def _dynload(base: Base, platform: str) -> Path:
    return base.prefix / "DLLs" if platform == "win32" else base.stdlib / "lib-dynload"


def _modules_for(base: Base) -> list[Module]:
    table = dict(_MODULES_3)
    if base.version_tuple < (3, 0):
        table.update(_MODULES_2)
    return [m for m in table.values() if base.version_tuple >= m.since]


def missing_modules(ctx: CheckContext) -> dict[Path, frozenset[str]]:
    """Per base (by stdlib folder): the stdlib extension modules it lacks.

    Files decide first; only interpreters whose files leave a doubt are asked, in parallel.
    """
    return ctx.memo(("missing-modules",), lambda: _all_missing(ctx))


def _all_missing(ctx: CheckContext) -> dict[Path, frozenset[str]]:
    known: dict[Path, set[str]] = {}
    unsure: dict[Path, tuple[Base, list[str]]] = {}
    for base in bases(ctx):
        missing, doubtful = _static_missing(ctx, base)
        known[base.stdlib] = missing
        if doubtful:
            unsure[base.stdlib] = (base, doubtful)
    if len(unsure) == 1:
        answers = [_ask(ctx, *next(iter(unsure.values())))]
    elif unsure:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(8, len(unsure))) as pool:
            answers = list(pool.map(lambda item: _ask(ctx, *item), unsure.values()))
    else:
        answers = []
    for stdlib, answer in zip(unsure, answers, strict=True):
        known[stdlib].update(answer or ())
    return {stdlib: frozenset(names) for stdlib, names in known.items()}


def _static_missing(ctx: CheckContext, base: Base) -> tuple[set[str], list[str]]:
    """(modules certainly missing, modules the files cannot decide)."""
    if (base.implementation or "cpython") != "cpython":
        return set(), []  # PyPy and others build these differently
    dynload = _dynload(base, ctx.world.platform)
    try:
        compiled = {name.split(".")[0] for name in os.listdir(dynload)}
    except OSError:
        compiled = set()
    missing: set[str] = set()
    unsure: list[str] = []
    for module in _modules_for(base):
        if module.marker is not None and not foreign.is_file(base.stdlib / module.marker):
            missing.add(module.name)
        elif module.extension not in compiled:
            unsure.append(module.name)  # built into the binary, or really absent: ask it
    return missing, unsure


def _ask(ctx: CheckContext, base: Base, names: list[str]) -> set[str] | None:
    executable = base.executable
    if executable is None or not foreign.exists(executable):
        return None
    code = (
        "import sys\nmissing = []\n"
        f"for name in {names!r}:\n"
        "    try:\n        __import__(name)\n"
        "    except Exception:\n        missing.append(name)\n"
        f"sys.stdout.write('{_MARK}' + ','.join(missing) + '{_MARK}')\n"
    )
    done = ctx.run_python(executable, code)
    parts = done.stdout.split(_MARK)
    if not done.ok or len(parts) != 3:
        return None
    return {name for name in parts[1].split(",") if name in names}


def _module_findings(ctx: CheckContext, spec: CheckSpec,
                     wanted: set[str]) -> Iterator[Finding]:
    per_base = missing_modules(ctx)
    for base in bases(ctx):
        missing = per_base.get(base.stdlib, frozenset())
        lacking = sorted({"Tkinter": "tkinter"}.get(m, m) for m in missing)
        lacking = [m for m in lacking if m in wanted]
        if lacking:
            names = ", ".join(lacking)
            yield spec.finding(base.subject, f"Python {base.minor} at {base.prefix} has no {names}",
                               _rebuild_hint(ctx, base, lacking))


def _rebuild_hint(ctx: CheckContext, base: Base, modules: list[str]) -> str:
    libs = {"ssl": "libssl-dev", "sqlite3": "libsqlite3-dev", "ctypes": "libffi-dev",
            "lzma": "liblzma-dev", "bz2": "libbz2-dev", "readline": "libreadline-dev",
            "tkinter": "tk-dev"}
    needed = " ".join(libs[m] for m in modules if m in libs)
    if str(base.stdlib).startswith(str(ctx.world.system_path("/usr/lib")) + "/"):
        if modules == ["tkinter"]:
            return (f"install the distribution's Tk package (python{base.version_tuple[0]}-tk "
                    "on Debian and Ubuntu)")
        return f"reinstall python{base.minor} with the system package manager"
    if "/.pyenv/versions/" in str(base.prefix):
        return f"install {needed} (Debian names), then `pyenv install --force {base.prefix.name}`"
    return f"install the development libraries ({needed}) and rebuild or reinstall this Python"


@health_check("interpreter.no-ssl")
def no_ssl(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    yield from _module_findings(ctx, spec, {"ssl"})


@health_check("interpreter.missing-stdlib-module")
def missing_stdlib_module(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    yield from _module_findings(ctx, spec,
                                {"sqlite3", "ctypes", "lzma", "bz2", "readline"})


@health_check("interpreter.no-tkinter")
def no_tkinter(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    yield from _module_findings(ctx, spec, {"tkinter"})


def _has_ensurepip(ctx: CheckContext, base: Base) -> bool:
    package = base.stdlib / "ensurepip"
    if not foreign.is_file(package / "__init__.py"):
        return False
    if any((package / "_bundled").glob("pip-*.whl")):
        return True
    # Debian and Ubuntu strip _bundled and read the wheels from here
    return any(ctx.world.system_path("/usr/share/python-wheels").glob("pip-*.whl"))


@health_check("interpreter.no-ensurepip")
def no_ensurepip(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    for base in bases(ctx):
        if base.version_tuple < (2, 7) or (base.implementation or "cpython") != "cpython":
            continue
        if not _has_ensurepip(ctx, base):
            system = str(ctx.world.system_path("/usr/lib"))
            hint = ("install python3-venv" if str(base.stdlib).startswith(system)
                    else "reinstall this Python")
            yield spec.finding(base.subject,
                               f"Python {base.minor} at {base.prefix} has no ensurepip",
                               f"{hint}; meanwhile `python -m venv --without-pip` works")


def _pip_installed(base: Base) -> list[str]:
    """Distributions pip put into the base's own site folders (sudo pip install)."""
    folders = [base.stdlib / "site-packages",
               base.prefix / "local" / "lib" / f"python{base.minor}" / "dist-packages",
               base.prefix / "local" / "lib" / f"python{base.minor}" / "site-packages"]
    names = []
    for folder in folders:
        for info in sorted(folder.glob("*.dist-info")):
            read = foreign.read_text(info / "INSTALLER", "text", limit=4096).text
            if read is None:
                continue
            installer = read.strip()
            if installer == "pip":
                names.append(info.name.split("-")[0])
    return names


def _pip_binding(ctx: CheckContext) -> Path | None:
    for name in ("pip", "pip3"):
        pip = find_command(ctx.world, name)
        if pip is not None:
            shebang = read_shebang(pip)
            if shebang is not None and shebang.interpreter.startswith("/"):
                return Path(shebang.interpreter)
    return None


@health_check("interpreter.externally-managed")
def externally_managed(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    bound = _pip_binding(ctx) if ctx.machine_wide else None

    env = ctx.world.env
    forced = ctx.machine_wide and (
        env.get("PIP_BREAK_SYSTEM_PACKAGES", "").lower() in ("1", "true", "yes", "on")
        or pip_config_values(ctx.world).get("break-system-packages", ("", ""))[0].lower()
        in ("1", "true", "yes", "on"))
    for base in bases(ctx):
        if not foreign.is_file(base.stdlib / "EXTERNALLY-MANAGED"):
            continue
        reasons = []
        if bound is not None and _same_interpreter(bound, base):
            reasons.append(f"`pip` on PATH installs into it ({bound})")
        if forced:
            reasons.append("pip is told to break system packages")
        installed = _pip_installed(base)
        if installed:
            shown = ", ".join(installed[:3]) + (" ..." if len(installed) > 3 else "")
            reasons.append(f"pip installed {len(installed)} package(s) into it ({shown})")
        if reasons:
            yield spec.finding(base.subject,
                               f"Python {base.minor} at {base.prefix} is externally managed, "
                               "but " + "; ".join(reasons),
                               "install into a venv (python3 -m venv .venv) or with pipx/uv tool")


def _same_interpreter(bound: Path, base: Base) -> bool:
    if not foreign.exists(bound):
        return False
    resolved = real(bound)
    prefix = prefix_of_executable(resolved)
    if foreign.is_file(prefix_of_executable(bound) / "pyvenv.cfg"):
        return False
    named = static.minor_of_name(resolved.name)
    return real(prefix) == real(base.prefix) and named in (None, base.minor)


@health_check("interpreter.end-of-life")
def end_of_life(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    today = dt.datetime.fromtimestamp(ctx.world.clock(), tz=dt.timezone.utc).date()
    for env in ctx.environments:
        if (env.implementation or "cpython") != "cpython":
            continue
        minor = minor_of(env.version)
        eol = END_OF_LIFE.get(minor or "")
        if eol is not None and eol <= today:
            yield spec.finding(subject_of(env),
                               f"Python {minor} reached its end of life on {eol.isoformat()}",
                               "move to a supported Python (3.11 or newer) when you can")
