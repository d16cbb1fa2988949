"""Windows discovery on any OS: a fake PEP 514 registry, py.ini files, Store alias folders."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from ainlp.core.discovery import discover
from ainlp.core.discovery.locators import Locator, all_locators
from ainlp.core.discovery.locators.path import PathLocator
from ainlp.core.discovery.locators.windows import (
    PyDefault,
    RegKey,
    WindowsRegistryLocator,
    WindowsStoreLocator,
    default_reader,
    py_default,
    registered_pythons,
    select_default,
)
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState
from ainlp.core.versions import PyVersion
from ainlp.core.world import World
from conftest import make_world, real_pythons, write

BASE_PYTHON = real_pythons()[0]
STORE_SUFFIX = "qbz5n2kfra8p0"

Row = tuple[str, str | None, str | None, str, tuple[str, ...], tuple[str, ...], str]


class FakeRegistry:
    """Keys by (hive, view, path); HKCU has one view, HKLM a 64-bit and a 32-bit one."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, int | None, str], tuple[str, dict[str, str | int]]] = {}

    @staticmethod
    def _view(hive: str, view: int | None) -> int | None:
        return view if hive == "HKLM" else None

    def add(
        self,
        hive: str,
        path: str,
        values: dict[str, str | int] | None = None,
        *,
        view: int | None = None,
    ) -> None:
        view = self._view(hive, view)
        parts = path.split("\\")
        for end in range(1, len(parts) + 1):
            sub = "\\".join(parts[:end])
            self.keys.setdefault((hive, view, sub.lower()), (sub, {}))
        self.keys[(hive, view, path.lower())][1].update(values or {})

    def subkeys(self, key: RegKey) -> list[str]:
        view = self._view(key.hive, key.view)
        below = key.path.lower() + "\\"
        return [
            original.rsplit("\\", 1)[1]
            for (hive, key_view, path), (original, _) in self.keys.items()
            if hive == key.hive
            and key_view == view
            and path.startswith(below)
            and "\\" not in path[len(below) :]
        ]

    def values(self, key: RegKey) -> dict[str, str | int]:
        found = self.keys.get((key.hive, self._view(key.hive, key.view), key.path.lower()))
        return dict(found[1]) if found else {}


def register(
    registry: FakeRegistry,
    hive: str,
    company: str,
    tag: str,
    install: Path | None,
    *,
    view: int | None = None,
    executable: Path | None = None,
    **values: str,
) -> None:
    key = f"Software\\Python\\{company}\\{tag}"
    registry.add(hive, key, dict(values), view=view)
    install_values: dict[str, str | int] = {}
    if install is not None:
        install_values[""] = str(install)
    if executable is not None:
        install_values["ExecutablePath"] = str(executable)
    if install_values:
        registry.add(hive, key + "\\InstallPath", install_values, view=view)


def win_world(tmp_path: Path, **env: str) -> World:
    local = tmp_path / "home" / "AppData" / "Local"
    world = make_world(tmp_path, env={"LOCALAPPDATA": str(local), **env})
    return replace(world, platform="win32")


def with_registry(reader: FakeRegistry) -> list[Locator]:
    """Every registered locator, the registry one reading the fake registry."""
    return [
        WindowsRegistryLocator(reader) if isinstance(loc, WindowsRegistryLocator) else loc
        for loc in all_locators()
    ]


def row(record: EnvRecord, base: Path) -> Row:
    return (
        record.kind.value,
        record.name,
        record.version.text if record.version else None,
        record.state.value,
        tuple(sorted(p.id for p in record.problems)),
        tuple(sorted(record.found_by)),
        str(record.prefix.relative_to(base)),
    )


def inventory(world: World, tmp_path: Path, reader: FakeRegistry | None = None) -> set[Row]:
    base = tmp_path.resolve()
    locators = with_registry(reader) if reader is not None else None
    found = discover(world, use_cache=False, locators=locators).environments
    inside = [r for r in found if r.prefix.is_relative_to(base)]
    # cwd's parents reach outside tmp_path: only a project env above it may show up there
    assert all(r.found_by == ("project",) for r in found if r not in inside)
    return {row(r, base) for r in inside}


def install(folder: Path, header_version: str | None = None) -> Path:
    """A python.org-style install folder: python.exe at the top, headers in include/."""
    write(folder / "python.exe", "")
    if header_version is not None:
        write(folder / "include" / "patchlevel.h", f'#define PY_VERSION "{header_version}"\n')
    return folder


def build_registry(tmp_path: Path) -> FakeRegistry:
    reg = FakeRegistry()
    win = tmp_path / "win"
    local = tmp_path / "home" / "AppData" / "Local"
    # all users, 64-bit; the same entry in the 32-bit view (as on 32-bit Windows) counts once
    for view in (64, 32):
        register(
            reg,
            "HKLM",
            "PythonCore",
            "3.12",
            install(win / "Python312", "3.12.4"),
            view=view,
            SysVersion="3.12",
            SysArchitecture="64bit",
            DisplayName="Python 3.12 (64-bit)",
        )
    register(
        reg,
        "HKLM",
        "PythonCore",
        "3.11-32",
        install(win / "Python311-32"),
        view=32,
        SysVersion="3.11",
        Version="3.11.9",
        DisplayName="Python 3.11 (32-bit)",
    )
    # per user: one uninstalled by deleting its folder, one that lost its python.exe
    register(
        reg,
        "HKCU",
        "PythonCore",
        "3.10",
        local / "Programs" / "Python" / "Python310",
        SysVersion="3.10",
        Version="3.10.11",
        SysArchitecture="64bit",
    )
    (local / "Programs" / "Python" / "Python39" / "Lib").mkdir(parents=True)
    register(
        reg,
        "HKCU",
        "PythonCore",
        "3.9",
        local / "Programs" / "Python" / "Python39",
        SysVersion="3.9",
        SysArchitecture="64bit",
    )
    # another company (uv registers its Pythons as Astral), with ExecutablePath
    astral = install(
        tmp_path
        / "home"
        / "AppData"
        / "Roaming"
        / "uv"
        / "python"
        / "cpython-3.13.1-windows-x86_64-none"
    )
    register(
        reg,
        "HKCU",
        "Astral",
        "CPython3.13.1",
        astral,
        executable=astral / "python.exe",
        Version="3.13.1",
        SysVersion="3.13",
        DisplayName="CPython 3.13.1 (64-bit)",
    )
    # not interpreters: the launcher's own key, an entry without a path, a Store install
    register(reg, "HKCU", "PyLauncher", "Settings", tmp_path / "win" / "launcher")
    register(reg, "HKLM", "ExampleCorp", "no-path", None, view=64, Version="1.0")
    store = (
        tmp_path
        / "Program Files"
        / "WindowsApps"
        / (f"PythonSoftwareFoundation.Python.3.8_3.8.2800.0_x64__{STORE_SUFFIX}")
    )
    register(reg, "HKCU", "PythonCore", "3.8", install(store), Version="3.8.10")
    return reg


def test_registry_world(tmp_path: Path) -> None:
    reg = build_registry(tmp_path)
    world = win_world(tmp_path)
    found = ("windows_registry",)
    local = "home/AppData/Local/Programs/Python"
    assert inventory(world, tmp_path, reg) == {
        ("windows-registry", None, "3.12.4", "ok", (), found, "win/Python312"),
        ("windows-registry", None, "3.11.9", "ok", (), found, "win/Python311-32"),
        (
            "windows-registry",
            None,
            "3.10.11",
            "broken",
            ("windows.registry-stale",),
            found,
            f"{local}/Python310",
        ),
        (
            "windows-registry",
            None,
            "3.9",
            "broken",
            ("env.no-interpreter",),
            found,
            f"{local}/Python39",
        ),
        (
            "windows-registry",
            None,
            "3.13.1",
            "ok",
            (),
            found,
            "home/AppData/Roaming/uv/python/cpython-3.13.1-windows-x86_64-none",
        ),
    }


def test_registry_record_details(tmp_path: Path) -> None:
    reg = build_registry(tmp_path)
    records = {r.prefix.name: r for r in WindowsRegistryLocator(reg).locate(win_world(tmp_path))}
    core = records["Python312"]
    assert core.executable == tmp_path / "win" / "Python312" / "python.exe"
    assert (core.version_source, core.implementation, core.arch) == (
        "patchlevel.h",
        "cpython",
        "64bit",
    )
    assert dict(core.extra) == {
        "company": "PythonCore",
        "tag": "3.12",
        "display_name": "Python 3.12 (64-bit)",
        "registry_key": "HKLM\\Software\\Python\\PythonCore\\3.12 (64-bit view)",
        "py_default": "newest",
    }
    wow = records["Python311-32"]
    assert (wow.version_source, wow.arch) == ("registry", "32bit")
    assert "py_default" not in dict(wow.extra)
    astral = records["cpython-3.13.1-windows-x86_64-none"]
    assert (astral.arch, astral.implementation, dict(astral.extra)["company"]) == (
        None,
        None,
        "Astral",
    )


def test_registry_paths_expand_variables(tmp_path: Path) -> None:
    world = win_world(tmp_path)
    folder = install(Path(world.env["LOCALAPPDATA"]) / "Programs" / "Python" / "Python313")
    reg = FakeRegistry()
    register(reg, "HKCU", "PythonCore", "3.13", None, Version="3.13.1")
    reg.add(
        "HKCU",
        "Software\\Python\\PythonCore\\3.13\\InstallPath",
        {
            "": "%LOCALAPPDATA%/Programs/Python/Python313",
            "ExecutablePath": "%LOCALAPPDATA%/Programs/Python/Python313/python.exe",
        },
    )
    (record,) = WindowsRegistryLocator(reg).locate(world)
    assert (record.prefix, record.executable, record.state) == (
        folder,
        folder / "python.exe",
        EnvState.OK,
    )
    reg.add(
        "HKCU",
        "Software\\Python\\PythonCore\\3.13\\InstallPath",
        {"": "%NOT_SET%/Python313", "ExecutablePath": ""},
    )
    # a variable this world does not set leaves no path to look at
    assert list(WindowsRegistryLocator(reg).locate(world)) == []


def test_registry_needs_win32_or_an_injected_reader(tmp_path: Path) -> None:
    reg = build_registry(tmp_path)
    linux = make_world(tmp_path)
    assert list(WindowsRegistryLocator().locate(linux)) == []
    assert len(list(WindowsRegistryLocator(reg).locate(linux))) == 5
    if sys.platform != "win32":
        # a win32 world on a machine without winreg has no registry, and does not crash
        assert default_reader(win_world(tmp_path)) is None
        assert list(WindowsRegistryLocator().locate(win_world(tmp_path))) == []


def test_registered_pythons_reads_every_hive_and_view(tmp_path: Path) -> None:
    entries = registered_pythons(build_registry(tmp_path))
    seen = sorted((e.key.hive, e.key.view, e.company, e.tag) for e in entries)
    assert seen == [
        ("HKCU", None, "Astral", "CPython3.13.1"),
        ("HKCU", None, "PythonCore", "3.10"),
        ("HKCU", None, "PythonCore", "3.8"),
        ("HKCU", None, "PythonCore", "3.9"),
        ("HKLM", 32, "PythonCore", "3.11-32"),
        ("HKLM", 64, "ExampleCorp", "no-path"),
        ("HKLM", 64, "PythonCore", "3.12"),
    ]


def test_registry_conda_base_is_conda(tmp_path: Path) -> None:
    pytest.importorskip("ainlp.core.discovery.locators.conda")
    anaconda = install(tmp_path / "home" / "anaconda3")
    write(
        anaconda / "conda-meta" / "python-3.11.5-h955ad1f_0.json",
        '{"name": "python", "version": "3.11.5"}',
    )
    write(anaconda / "conda-meta" / "history", "")
    reg = FakeRegistry()
    register(
        reg,
        "HKCU",
        "ContinuumAnalytics",
        "Anaconda311-64",
        anaconda,
        SysVersion="3.11",
        SysArchitecture="64bit",
    )
    (record,) = WindowsRegistryLocator(reg).locate(win_world(tmp_path))
    assert (record.kind, record.found_by, record.arch) == (
        EnvKind.CONDA,
        ("windows_registry",),
        "64bit",
    )


# -- the py launcher's default ----------------------------------------------------------


def test_py_ini_sets_the_default(tmp_path: Path) -> None:
    reg = build_registry(tmp_path)
    windir = tmp_path / "Windows"
    world = win_world(tmp_path, WINDIR=str(windir))
    user_ini = Path(world.env["LOCALAPPDATA"]) / "py.ini"
    write(windir / "py.ini", "[defaults]\npython=3\npython3=3.11-32\n")
    assert py_default(world) == PyDefault("3.11-32", str(windir / "py.ini"))
    write(user_ini, "[defaults]\npython=3.12\n")  # the user's file wins
    assert py_default(world) == PyDefault("3.12", str(user_ini))
    marked = [
        (r.prefix.name, dict(r.extra)["py_default"])
        for r in WindowsRegistryLocator(reg).locate(world)
        if "py_default" in dict(r.extra)
    ]
    assert marked == [("Python312", str(user_ini))]


def test_environment_beats_py_ini(tmp_path: Path) -> None:
    write(tmp_path / "home" / "AppData" / "Local" / "py.ini", "[defaults]\npython=3.12\n")
    assert py_default(win_world(tmp_path, PY_PYTHON="3.11")) == PyDefault("3.11", "PY_PYTHON")
    assert py_default(win_world(tmp_path, PY_PYTHON="3", PY_PYTHON3="3.10")) == PyDefault(
        "3.10", "PY_PYTHON3"
    )
    venv = str(tmp_path / "proj" / ".venv")
    assert py_default(win_world(tmp_path, VIRTUAL_ENV=venv, PY_PYTHON="3.11")) == PyDefault(
        venv, "VIRTUAL_ENV"
    )


@pytest.mark.parametrize(
    ("spec", "chosen"),
    [
        (None, ("PythonCore", "3.12")),  # PythonCore first, then the newest, 64-bit first
        ("3", ("PythonCore", "3.12")),
        ("3.11", ("PythonCore", "3.11-32")),
        ("3.11-32", ("PythonCore", "3.11-32")),
        ("3.11-64", None),
        ("3.13", None),  # 3.13 exists, but not from PythonCore
        ("Astral/CPython3.13.1", ("Astral", "CPython3.13.1")),
        ("2.7", None),
    ],
)
def test_select_default(tmp_path: Path, spec: str | None, chosen: tuple[str, str] | None) -> None:
    entries = [
        e
        for e in registered_pythons(build_registry(tmp_path))
        if e.key.hive == "HKLM" or e.company == "Astral"
    ]
    picked = select_default(entries, PyDefault(spec, "test"))
    assert (None if picked is None else (picked.company, picked.tag)) == chosen
    assert select_default(entries, PyDefault("/some/venv", "VIRTUAL_ENV")) is None


# -- the Microsoft Store ----------------------------------------------------------------


def base_minor() -> str:
    out = subprocess.run(
        [str(BASE_PYTHON), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def windows_apps(world: World) -> Path:
    return Path(world.env["LOCALAPPDATA"]) / "Microsoft" / "WindowsApps"


def test_store_python_is_listed_through_its_aliases(tmp_path: Path) -> None:
    version = base_minor()
    minor = version.rsplit(".", 1)[0]
    world = win_world(tmp_path)
    apps = windows_apps(world)
    package = apps / f"PythonSoftwareFoundation.Python.{minor}_{STORE_SUFFIX}"
    # the aliases run the package's Python; here a script runs the machine's, so the probe works
    for name in ("python.exe", "python3.exe", f"python{minor}.exe"):
        write(package / name, f'#!/bin/sh\nexec {BASE_PYTHON} "$@"\n', 0o755)
        write(apps / name, "")  # with a package installed the root aliases lead to it
    (apps / "Microsoft.DesktopAppInstaller_8wekyb3d8bbwe").mkdir()
    found = ("windows_store",)
    assert inventory(world, tmp_path) == {
        (
            "windows-store",
            None,
            version,
            "ok",
            (),
            found,
            f"home/AppData/Local/Microsoft/WindowsApps/{package.name}",
        ),
    }
    (record,) = WindowsStoreLocator().locate(world)
    assert (record.executable, record.version, record.version_source) == (
        package / "python.exe",
        PyVersion(minor),
        "executable-name",
    )


def test_bare_store_alias_is_a_broken_stub(tmp_path: Path) -> None:
    world = win_world(tmp_path)
    apps = windows_apps(world)
    for name in ("python.exe", "python3.exe"):
        write(apps / name, "")
    assert inventory(world, tmp_path) == {
        (
            "windows-store",
            None,
            None,
            "broken",
            ("windows.store-stub",),
            ("windows_store",),
            "home/AppData/Local/Microsoft/WindowsApps",
        ),
    }


def test_store_package_without_aliases_is_broken(tmp_path: Path) -> None:
    world = win_world(tmp_path)
    package = windows_apps(world) / f"PythonSoftwareFoundation.Python.3.12_{STORE_SUFFIX}"
    package.mkdir(parents=True)
    (record,) = WindowsStoreLocator().locate(world)
    assert (str(record.version), [p.id for p in record.problems]) == (
        "3.12", ["env.no-interpreter"])


def test_store_needs_a_win32_world(tmp_path: Path) -> None:
    world = win_world(tmp_path)
    write(windows_apps(world) / "python.exe", "")
    assert len(list(WindowsStoreLocator().locate(world))) == 1
    assert list(WindowsStoreLocator().locate(replace(world, platform="linux"))) == []
    assert list(WindowsStoreLocator().locate(world.with_env(LOCALAPPDATA=None))) == []


def test_python_exe_on_a_windows_path_is_found(tmp_path: Path) -> None:
    install = tmp_path / "Python312"
    write(install / "python.exe", "")
    write(install / "include" / "patchlevel.h", '#define PY_VERSION "3.12.4"\n')
    world = replace(make_world(tmp_path), platform="win32",
                    env={"PATH": f"{install};{tmp_path / 'nothing'}", "HOME": str(tmp_path)})
    (env,) = discover(world, locators=[PathLocator()], use_cache=False).environments
    assert (env.executable, str(env.version), env.found_by) == (install / "python.exe", "3.12.4",
                                                           ("path",))
