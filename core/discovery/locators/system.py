"""System and Homebrew interpreters in their usual places, and macOS framework builds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery.locators import register_locator
from ainlp.core.discovery.locators.pyenv import is_shim
from ainlp.core.discovery.records import EnvKind, EnvRecord, Manager, Problem
from ainlp.core.discovery.resolve import (
    classify,
    interpreter_record,
    is_conda_env,
    is_venv,
    prefix_of_executable,
    real,
)
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

_FRAMEWORK_ROOTS = (
    "/Library/Frameworks/Python.framework/Versions",
    "/Library/Developer/CommandLineTools/Library/Frameworks/Python3.framework/Versions",
    "/Applications/Xcode.app/Contents/Developer/Library/Frameworks/Python3.framework/Versions",
)


def interpreter_files(folder: Path) -> list[Path]:
    """The interpreters a bin folder holds, by name (python, python3, python3.12, the
    free-threaded python3.13t; never python3-config), shortest name first."""
    found = [folder / name for name in foreign.listdir(folder)[0]
             if PyVersion.is_interpreter_name(name)]
    return sorted(found, key=lambda p: (len(p.name), p.name))


def brew_prefixes(world: World) -> list[Path]:
    """Homebrew on Apple silicon, on Intel macs, on Linux; plus $HOMEBREW_PREFIX."""
    places = [
        world.system_path("/opt/homebrew"),
        world.system_path("/usr/local"),
        world.system_path("/home/linuxbrew/.linuxbrew"),
        world.home / ".linuxbrew",
    ]
    configured = world.env.get("HOMEBREW_PREFIX")
    if configured:
        places.insert(0, Path(configured))
    return list(dict.fromkeys(places))


def search_dirs(world: World) -> list[Path]:
    """Every bin folder this locator reads, most ordinary first."""
    dirs = [world.system_path(p) for p in ("/usr/bin", "/bin", "/usr/local/bin")]
    dirs += sorted(world.system_path("/opt").glob("*/bin"))
    for brew in brew_prefixes(world):
        dirs.append(brew / "bin")
        for version_dir in _cellar_versions(brew):
            dirs.append(version_dir / "bin")
            dirs += sorted(version_dir.glob("Frameworks/Python.framework/Versions/*/bin"))
    if world.platform == "darwin":
        for root in _FRAMEWORK_ROOTS:
            dirs += sorted(world.system_path(root).glob("*/bin"))
    # /bin is often a link to /usr/bin: list each real folder once
    unique: dict[Path, Path] = {}
    for folder in dirs:
        unique.setdefault(real(folder), folder)
    return list(unique.values())


def _is_python_formula(name: str) -> bool:
    """Formulae that install an interpreter: python, python3, python@3.12 (python-tk@3.12
    and friends only add modules)."""
    return name in ("python", "python3") or PyVersion.of_formula(name) is not None


def _cellar_versions(brew: Path) -> list[Path]:
    formulae = [f for f in _folders(brew / "Cellar") if _is_python_formula(f.name)]
    return [version for formula in formulae for version in _folders(formula)]


def _folders(parent: Path) -> list[Path]:
    return foreign.subdirs(parent)


def cellar_parts(path: Path) -> tuple[Path, PyVersion | None] | None:
    """For a file inside a Homebrew Cellar: (the Homebrew prefix, the bottle's version, None
    when its folder names none)."""
    parts = path.parts
    for index in range(len(parts) - 2, 0, -1):
        if parts[index] == "Cellar" and _is_python_formula(parts[index + 1]):
            if index + 2 >= len(parts):
                return None
            return Path(*parts[:index]), PyVersion.of_keg(parts[index + 2])
    return None


def _homebrew(record: EnvRecord) -> EnvRecord:
    """A Cellar interpreter: kind homebrew, managed by brew, its bottle version as a fallback."""
    assert record.executable is not None
    found = cellar_parts(record.executable)
    if found is None:
        return record
    brew, version = found
    brew_exe = brew / "bin" / "brew"
    record = replace(
        record,
        kind=EnvKind.HOMEBREW,
        manager=Manager("brew", brew_exe if foreign.exists(brew_exe) else None),
    )
    if version and record.version_source in (None, "executable-name"):
        record = replace(
            record,
            version=version,
            version_source="folder-name",
            implementation=record.implementation or "cpython",
        )
    return record


# macOS's /usr/bin/python3 only forwards to the developer tools' Python; without them,
# running it (as a probe would) opens the "install command line developer tools" dialog.
XCODE_STUB = Problem(
    "macos.xcode-stub",
    "/usr/bin/python3 is the macOS stub for the Command Line Tools' Python, which is not installed",
    "Install a Python (python.org, Homebrew, pyenv or uv), or run xcode-select --install.",
)
_DEVELOPER_PYTHONS = (
    "/Library/Developer/CommandLineTools/usr/bin/python3",
    "/Applications/Xcode.app/Contents/Developer/usr/bin/python3",
)


def _is_xcode_stub(world: World, executable: Path) -> bool:
    if world.platform != "darwin" or executable != world.system_path("/usr/bin/python3"):
        return False
    if foreign.is_symlink(executable):
        return False  # a link someone made to a real Python
    return not any(foreign.exists(world.system_path(p)) for p in _DEVELOPER_PYTHONS)


@register_locator("system")
class SystemLocator:
    """/usr/bin, /usr/local/bin, /opt/*/bin, Homebrew and framework builds."""

    name = "system"

    def locate(self, world: World) -> Iterator[EnvRecord]:
        seen: set[Path] = set()
        for folder in search_dirs(world):
            for exe in interpreter_files(folder):
                record = self._record(world, exe, seen)
                if record is not None:
                    yield record

    def _record(self, world: World, exe: Path, seen: set[Path]) -> EnvRecord | None:
        if foreign.is_dir(exe) or is_shim(exe):
            return None
        # /opt/venv or /opt/conda: an environment, reported as what it is
        prefix = prefix_of_executable(exe)
        if is_venv(prefix) or is_conda_env(prefix):
            key = real(prefix)
            if key in seen:
                return None
            seen.add(key)
            return classify(prefix, self.name, platform=world.platform)
        # python3 -> python3.11 and /bin -> /usr/bin: one interpreter, named by its real file;
        # a dangling link keeps its own name so it is reported as dangling
        target = real(exe) if foreign.exists(exe) else real(exe.parent) / exe.name
        if target in seen:
            return None
        seen.add(target)
        record = interpreter_record(prefix_of_executable(target), target, EnvKind.SYSTEM, self.name)
        if _is_xcode_stub(world, target):
            return record.with_problem(XCODE_STUB)
        return _homebrew(record) if foreign.exists(exe) else record


__all__ = [
    "XCODE_STUB",
    "SystemLocator",
    "brew_prefixes",
    "cellar_parts",
    "interpreter_files",
    "search_dirs",
]
