"""Windows: PEP 514 registry entries, the `py` launcher's default, Microsoft Store Pythons.

The registry is read through a `RegistryReader`, so this code path runs (and is tested)
anywhere; the real reader imports `winreg` only when a win32 world asks for it.
"""

from __future__ import annotations

import configparser
import importlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Protocol

from ainlp.core import foreign
from ainlp.core.discovery.locators import register_locator
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Problem
from ainlp.core.discovery.resolve import classify, interpreter_record, is_conda_env
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

HIVES = ("HKCU", "HKLM")
PYTHON_KEY = "Software\\Python"
# PEP 514 reserves this company for the launcher's own settings, not for an interpreter.
_RESERVED_COMPANIES = frozenset({"pylauncher"})
_ENV_VAR = re.compile(r"%([^%]+)%")


@dataclass(frozen=True, slots=True)
class RegKey:
    hive: str  # "HKCU" or "HKLM"
    path: str  # backslash-separated below the hive: "Software\\Python\\PythonCore"
    view: int | None = None  # 32 or 64: the registry view of HKLM; None for the default

    def child(self, name: str) -> RegKey:
        return RegKey(self.hive, f"{self.path}\\{name}", self.view)

    def __str__(self) -> str:
        bits = f" ({self.view}-bit view)" if self.view else ""
        return f"{self.hive}\\{self.path}{bits}"


class RegistryReader(Protocol):
    """Read-only registry access; a missing key reads as empty, never raises."""

    def subkeys(self, key: RegKey) -> list[str]: ...

    def values(self, key: RegKey) -> dict[str, str | int]:
        """A key's values by name; "" is the key's default value."""
        ...


def _winreg() -> Any:
    """The `winreg` module; typed loosely because its stubs exist only for win32 checks."""
    return importlib.import_module("winreg")


class WinregReader:
    """The real registry, through `winreg` (only importable on Windows)."""

    def _open(self, key: RegKey) -> Any:
        winreg = _winreg()
        hive = {"HKCU": winreg.HKEY_CURRENT_USER, "HKLM": winreg.HKEY_LOCAL_MACHINE}[key.hive]
        access = winreg.KEY_READ
        if key.view == 64:
            access |= winreg.KEY_WOW64_64KEY
        elif key.view == 32:
            access |= winreg.KEY_WOW64_32KEY
        try:
            return winreg.OpenKey(hive, key.path, 0, access)
        except OSError:
            return None

    def subkeys(self, key: RegKey) -> list[str]:
        handle = self._open(key)
        if handle is None:
            return []
        names: list[str] = []
        with handle:
            while True:
                try:
                    names.append(str(_winreg().EnumKey(handle, len(names))))
                except OSError:
                    return names

    def values(self, key: RegKey) -> dict[str, str | int]:
        handle = self._open(key)
        if handle is None:
            return {}
        found: dict[str, str | int] = {}
        with handle:
            index = 0
            while True:
                try:
                    name, data, _type = _winreg().EnumValue(handle, index)
                except OSError:
                    return found
                if isinstance(data, (str, int)):
                    found[str(name)] = data
                index += 1


def default_reader(world: World) -> RegistryReader | None:
    """The machine's registry on a win32 world that can import winreg; else none at all."""
    if world.platform != "win32":
        return None
    return WinregReader() if find_spec("winreg") is not None else None


@dataclass(frozen=True, slots=True)
class RegisteredPython:
    """One PEP 514 entry: HK??\\Software\\Python\\<company>\\<tag>."""

    key: RegKey
    company: str
    tag: str
    install_path: Path | None
    executable: Path | None
    version: PyVersion | None
    sys_version: PyVersion | None
    arch: str | None
    display_name: str | None

    @property
    def prefix(self) -> Path | None:
        if self.install_path is not None:
            return self.install_path
        return self.executable.parent if self.executable is not None else None


def _text(values: dict[str, str | int], name: str) -> str | None:
    value = values.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _version(values: dict[str, str | int], name: str) -> PyVersion | None:
    text = _text(values, name)
    return PyVersion(text) if text is not None else None


def _arch(company: str, tag: str, view: int | None, values: dict[str, str | int]) -> str | None:
    declared = _text(values, "SysArchitecture")
    if declared:
        return declared
    if company.lower() != "pythoncore":
        return None
    # PythonCore before 3.5 did not say; its tag and registry view do
    if tag.endswith("-32") or view == 32:
        return "32bit"
    if tag.lower().endswith("-arm64"):
        return "ARM64"
    return "64bit"


def registered_pythons(
    reader: RegistryReader, env: Mapping[str, str] | None = None
) -> list[RegisteredPython]:
    """Every PEP 514 entry of HKCU and both views of HKLM, each (company, tag, path) once."""
    found: dict[tuple[str, str, str], RegisteredPython] = {}
    # HKCU is shared by both views since Windows 7; HKLM has a 64-bit and a 32-bit one
    for root in (
        RegKey("HKCU", PYTHON_KEY),
        RegKey("HKLM", PYTHON_KEY, 64),
        RegKey("HKLM", PYTHON_KEY, 32),
    ):
        for company in reader.subkeys(root):
            if company.lower() in _RESERVED_COMPANIES:
                continue
            for tag in reader.subkeys(root.child(company)):
                entry = _entry(reader, root.child(company).child(tag), company, tag, env or {})
                ident = (company.lower(), tag.lower(), str(entry.prefix).lower())
                found.setdefault(ident, entry)
    return list(found.values())


def _expand(text: str | None, env: Mapping[str, str]) -> str | None:
    """REG_EXPAND_SZ paths name variables (%LOCALAPPDATA%\\...); winreg leaves them as written."""
    if text is None:
        return None
    return _ENV_VAR.sub(lambda m: env.get(m.group(1), m.group(0)), text)


def _entry(
    reader: RegistryReader, key: RegKey, company: str, tag: str, env: Mapping[str, str]
) -> RegisteredPython:
    values = reader.values(key)
    install = reader.values(key.child("InstallPath"))
    install_path = _expand(_text(install, ""), env)
    executable = _expand(_text(install, "ExecutablePath"), env)
    return RegisteredPython(
        key=key,
        company=company,
        tag=tag,
        install_path=Path(install_path) if install_path else None,
        executable=Path(executable) if executable else None,
        version=_version(values, "Version"),
        sys_version=_version(values, "SysVersion"),
        arch=_arch(company, tag, key.view, values),
        display_name=_text(values, "DisplayName"),
    )


def is_store_install(path: Path) -> bool:
    """An install inside a Store package folder (Program Files\\WindowsApps)."""
    return any(PyVersion.of_store_install(part) is not None for part in path.parts)


def registry_record(entry: RegisteredPython, found_by: str) -> EnvRecord | None:
    """The record of one registry entry: stale entries broken, conda bases as conda."""
    prefix = entry.prefix
    if prefix is None or not prefix.is_absolute() or is_store_install(prefix):
        # without a usable path (none, or a variable we cannot expand) there is nothing to
        # list; Store installs are listed by their aliases
        return None
    if is_conda_env(prefix):
        record = classify(prefix, found_by, platform="win32")
        return replace(record, arch=record.arch or entry.arch)
    version = entry.version or entry.sys_version
    facts = [("company", entry.company), ("registry_key", str(entry.key)), ("tag", entry.tag)]
    if entry.display_name:
        facts.append(("display_name", entry.display_name))
    if not foreign.is_dir(prefix):
        return EnvRecord(
            kind=EnvKind.WINDOWS_REGISTRY,
            prefix=prefix,
            executable=entry.executable,
            version=version,
            version_source="registry" if version else None,
            state=EnvState.BROKEN,
            found_by=(found_by,),
            arch=entry.arch,
            extra=tuple(sorted(facts)),
            problems=(
                Problem(
                    "windows.registry-stale",
                    f"the registry entry {entry.key} names {prefix}, which no longer exists",
                    "Remove the leftover entry: uninstall that Python from Settings > Apps, "
                    "or delete the registry key.",
                ),
            ),
        )
    executable = entry.executable or prefix / "python.exe"
    record = interpreter_record(
        prefix, executable if foreign.exists(executable) else None, EnvKind.WINDOWS_REGISTRY,
        found_by,
    )
    if version and record.version_source in (None, "executable-name"):
        record = replace(record, version=version, version_source="registry")
    if entry.company.lower() == "pythoncore":
        record = replace(record, implementation=record.implementation or "cpython")
    return replace(record, arch=entry.arch, extra=tuple(sorted(facts)))


@dataclass(frozen=True, slots=True)
class PyDefault:
    """What `py` with no version argument would run."""

    spec: str | None  # "3.12", "3", "3.11-32", "PythonCore/3.12"; None: the newest install
    origin: str  # "VIRTUAL_ENV", "PY_PYTHON", the py.ini file that set it, "newest"


def py_ini_files(world: World) -> list[Path]:
    """The user's py.ini wins over the one beside the launcher (per-user or Windows folder)."""
    files: list[Path] = []
    local = world.env.get("LOCALAPPDATA")
    if local:
        files.append(Path(local) / "py.ini")
        files.append(Path(local) / "Programs" / "Python" / "Launcher" / "py.ini")
    windir = world.env.get("WINDIR") or world.env.get("SystemRoot")
    if windir:
        files.append(Path(windir) / "py.ini")
    return files


def _ini_defaults(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser()
    text = foreign.read_text(path, "config").text
    try:
        parser.read_string((text or "").removeprefix("\ufeff"))
    except configparser.Error:
        return {}
    if not parser.has_section("defaults"):
        return {}
    return {key.lower(): value.strip() for key, value in parser.items("defaults") if value.strip()}


def py_default(world: World) -> PyDefault:
    """The launcher's rule: an active venv, else PY_PYTHON, else py.ini, else the newest.

    A bare major ("3") is refined by PY_PYTHON3 / python3= the same way `py` does.
    """
    if world.env.get("VIRTUAL_ENV"):
        return PyDefault(world.env["VIRTUAL_ENV"], "VIRTUAL_ENV")
    spec, origin, ini = None, "newest", {}
    for path in reversed(py_ini_files(world)):  # the later (user) file overrides
        for key, value in _ini_defaults(path).items():
            ini[key] = (value, str(path))
    if world.env.get("PY_PYTHON"):
        spec, origin = world.env["PY_PYTHON"].strip(), "PY_PYTHON"
    elif "python" in ini:
        spec, origin = ini["python"]
    if spec is not None and spec.isdigit():
        refined = world.env.get(f"PY_PYTHON{spec}")
        if refined:
            spec, origin = refined.strip(), f"PY_PYTHON{spec}"
        elif f"python{spec}" in ini:
            spec, origin = ini[f"python{spec}"]
    return PyDefault(spec, origin)


def _tag_key(entry: RegisteredPython) -> tuple[int, PyVersion, int]:
    """PythonCore first, then the newest by tag ("3.12-32" is 3.12), 64-bit before 32-bit."""
    core = 1 if entry.company.lower() == "pythoncore" else 0
    wide = 0 if entry.arch == "32bit" else 1
    return core, PyVersion(entry.tag.split("-", 1)[0]), wide


def select_default(
    entries: Iterable[RegisteredPython],
    default: PyDefault,
) -> RegisteredPython | None:
    """The registry entry `py` would pick for `default` (None when a venv or nothing matches)."""
    if default.origin == "VIRTUAL_ENV":
        return None
    candidates = list(entries)
    spec = default.spec
    if spec:
        company, _, tag = spec.rpartition("/")
        candidates = [e for e in candidates if _tag_matches(e, company, tag)]
    return max(candidates, key=_tag_key, default=None)


def _tag_matches(entry: RegisteredPython, company: str, tag: str) -> bool:
    if company and entry.company.lower() != company.lower():
        return False
    if not company and entry.company.lower() != "pythoncore":
        return False
    wanted = tag.lower()
    have = entry.tag.lower()
    if wanted.endswith("-32") or wanted.endswith("-64"):
        bits = "32bit" if wanted.endswith("-32") else "64bit"
        return entry.arch == bits and _tag_matches_version(have, wanted[:-3])
    return _tag_matches_version(have, wanted)


def _tag_matches_version(have: str, wanted: str) -> bool:
    """ "3.12" names tag 3.12 and 3.12.1, "3" every 3.x; "3.1" does not name 3.12, nor
    "3.13" the free-threaded 3.13t."""
    base = PyVersion(have.split("-", 1)[0])
    asked = PyVersion(wanted)
    return base.text == wanted or (asked.prefix_of(base) and base.suffix == asked.suffix)


@register_locator("windows_registry")
class WindowsRegistryLocator:
    """PEP 514 interpreters; the one `py` runs by default carries extra `py_default`."""

    name = "windows_registry"

    def __init__(self, reader: RegistryReader | None = None) -> None:
        self.reader = reader

    def locate(self, world: World) -> Iterator[EnvRecord]:
        reader = self.reader if self.reader is not None else default_reader(world)
        if reader is None:
            return
        entries = registered_pythons(reader, world.env)
        default = py_default(world)
        chosen = select_default(entries, default)
        for entry in entries:
            record = registry_record(entry, self.name)
            if record is None:
                continue
            if entry is chosen:
                marked = (*record.extra, ("py_default", default.origin))
                record = replace(record, extra=tuple(sorted(marked)))
            yield record


def windows_apps(world: World) -> Path | None:
    local = world.env.get("LOCALAPPDATA")
    return Path(local) / "Microsoft" / "WindowsApps" if local else None


def store_packages(apps: Path) -> list[tuple[Path, PyVersion]]:
    """(alias folder, 3.X) for every installed PythonSoftwareFoundation.Python.3.X package."""
    found = []
    for folder in foreign.subdirs(apps):
        minor = PyVersion.of_store_package(folder.name)
        if minor is not None:
            found.append((folder, minor))
    return found


def store_record(folder: Path, minor: PyVersion, found_by: str) -> EnvRecord:
    """A Store Python, seen through its 0-byte aliases (the package itself cannot be read)."""
    named = folder / f"python{minor}.exe"
    plain = folder / "python.exe"
    executable = plain if foreign.exists(plain) else named if foreign.exists(named) else None
    record = EnvRecord(
        kind=EnvKind.WINDOWS_STORE,
        prefix=folder,
        executable=executable,
        version=minor,
        # only the minor is known: the finder runs the alias for the rest
        version_source="executable-name" if foreign.exists(named) else "folder-name",
        implementation="cpython",
        found_by=(found_by,),
    )
    if executable is None:
        return record.with_problem(
            Problem(
                "env.no-interpreter",
                f"no python.exe alias in {folder}",
                "Repair or reinstall this Python from the Microsoft Store, or remove it.",
            )
        )
    return record


def store_stub_record(apps: Path, found_by: str) -> EnvRecord | None:
    """python.exe in WindowsApps with no Store Python installed: the Store's installer alias."""
    stubs = [apps / name for name in ("python.exe", "python3.exe") if foreign.exists(apps / name)]
    if not stubs:
        return None
    record = EnvRecord(
        kind=EnvKind.WINDOWS_STORE, prefix=apps, executable=stubs[0], found_by=(found_by,)
    )
    return record.with_problem(
        Problem(
            "windows.store-stub",
            f"{stubs[0]} is the Microsoft Store's installer alias, not a Python: "
            "running it opens the Store",
            "Install Python (python.org or the Store), or turn the alias off in Settings > Apps > "
            "Advanced app settings > App execution aliases.",
        )
    )


@register_locator("windows_store")
class WindowsStoreLocator:
    """Store Pythons and the bare Store alias, from %LOCALAPPDATA%\\Microsoft\\WindowsApps."""

    name = "windows_store"

    def locate(self, world: World) -> Iterator[EnvRecord]:
        apps = windows_apps(world) if world.platform == "win32" else None
        if apps is None:
            return
        packages = store_packages(apps)
        for folder, minor in packages:
            yield store_record(folder, minor, self.name)
        if not packages:
            # with a package installed, the root aliases run it: nothing more to list
            stub = store_stub_record(apps, self.name)
            if stub is not None:
                yield stub


__all__ = [
    "PyDefault",
    "RegKey",
    "RegisteredPython",
    "RegistryReader",
    "WindowsRegistryLocator",
    "WindowsStoreLocator",
    "WinregReader",
    "default_reader",
    "py_default",
    "py_ini_files",
    "registered_pythons",
    "registry_record",
    "select_default",
    "store_packages",
    "store_record",
    "store_stub_record",
    "windows_apps",
]
