"""Virtualenv and system locators over worlds built in tmp_path, asserted exactly."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from ainlp.core.discovery import discover
from ainlp.core.discovery.locators.system import (
    SystemLocator,
    cellar_parts,
    interpreter_files,
    search_dirs,
)
from ainlp.core.discovery.locators.virtualenvs import (
    ActiveLocator,
    ProjectLocator,
    WorkonHomeLocator,
    env_record,
    is_environment,
)
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Inventory, Manager
from ainlp.core.versions import PyVersion
from ainlp.core.world import World
from conftest import make_venv, make_world, real_pythons, real_version, write

BASE_PYTHON = real_pythons()[0]

# (kind, name, version, state, problem ids, found_by, prefix relative to tmp_path)
Row = tuple[str, str | None, str | None, str, tuple[str, ...], tuple[str, ...], str]




BASE_VERSION = real_version(BASE_PYTHON)


def cfg_version(prefix: Path) -> str:
    """What `venv` wrote: the version the finder reads without running anything."""
    for line in (prefix / "pyvenv.cfg").read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return value.strip()
    raise AssertionError(f"no version in {prefix / 'pyvenv.cfg'}")


def set_cfg(prefix: Path, key: str, value: str) -> None:
    cfg = prefix / "pyvenv.cfg"
    lines = [line for line in cfg.read_text().splitlines() if line.partition("=")[0].strip() != key]
    cfg.write_text("\n".join([*lines, f"{key} = {value}"]) + "\n")


def python_links(prefix: Path) -> list[Path]:
    return [p for p in (prefix / "bin").iterdir() if p.name.startswith("python")]


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


def rows(records: tuple[EnvRecord, ...] | list[EnvRecord], tmp_path: Path) -> set[Row]:
    """The records inside tmp_path; anything outside may only be a project env above it."""
    base = tmp_path.resolve()
    inside = [r for r in records if r.prefix.is_relative_to(base)]
    for record in records:
        if record not in inside:
            # cwd's parents reach outside tmp_path: only a real .venv there may show up
            assert record.found_by == ("project",), record
            assert base.is_relative_to(record.prefix.parent), record
    return {row(r, base) for r in inside}


def inventory(world: World, tmp_path: Path) -> set[Row]:
    found: Inventory = discover(world, use_cache=False)
    assert len({r.id for r in found.environments}) == len(found.environments)
    return rows(found.environments, tmp_path)


# -- WORKON_HOME -------------------------------------------------------------------------


def build_workon_home(home: Path, tmp_path: Path) -> None:
    make_venv(home / "good")
    make_venv(home / "wrapped")
    set_cfg(home / "wrapped", "virtualenv", "20.26.6")
    # base home deleted: its interpreter folder is gone, links still lead somewhere
    make_venv(home / "old")
    set_cfg(home / "old", "home", str(tmp_path / "uninstalled" / "bin"))
    # dangling link: bin/python* point to an interpreter that was removed
    make_venv(home / "dangling")
    for link in python_links(home / "dangling"):
        link.unlink()
        link.symlink_to(tmp_path / "removed" / "bin" / "python3")
    # no interpreter at all
    make_venv(home / "empty")
    for link in python_links(home / "empty"):
        link.unlink()
    # no pyvenv.cfg: Python would ignore its site-packages
    make_venv(home / "nocfg")
    (home / "nocfg" / "pyvenv.cfg").unlink()
    # virtualenv < 20: no pyvenv.cfg, orig-prefix.txt and the base's headers instead
    legacy = home / "legacy"
    write(legacy / "bin" / "python2.7", "#!/bin/sh\necho legacy\n", 0o755)
    (legacy / "bin" / "python").symlink_to("python2.7")
    write(legacy / "lib" / "python2.7" / "orig-prefix.txt", "/usr")
    (legacy / "lib" / "python2.7" / "site-packages").mkdir()
    write(legacy / "include" / "python2.7" / "patchlevel.h", '#define PY_VERSION "2.7.18"\n')
    # not environments: a hook file and a folder of notes
    write(home / "postactivate", "#!/bin/sh\n")
    write(home / "notes" / "README.md", "not an environment")


def expected_workon_home(found_by: tuple[str, ...], prefix: str, tmp_path: Path) -> set[Row]:
    home = tmp_path / prefix
    version = cfg_version(home / "good")
    return {
        ("venv", "good", version, "ok", (), found_by, f"{prefix}/good"),
        ("virtualenv", "wrapped", version, "ok", (), found_by, f"{prefix}/wrapped"),
        ("venv", "old", version, "broken", ("venv.base-missing",), found_by, f"{prefix}/old"),
        (
            "venv",
            "dangling",
            version,
            "broken",
            ("env.dangling-interpreter",),
            found_by,
            f"{prefix}/dangling",
        ),
        ("venv", "empty", version, "broken", ("env.no-interpreter",), found_by, f"{prefix}/empty"),
        (
            "venv",
            "nocfg",
            BASE_VERSION.rsplit(".", 1)[0],
            "broken",
            ("venv.cfg-missing",),
            found_by,
            f"{prefix}/nocfg",
        ),
        ("virtualenv", "legacy", "2.7.18", "ok", (), found_by, f"{prefix}/legacy"),
    }


def test_workon_home_default_folder(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    build_workon_home(world.home / ".virtualenvs", tmp_path)
    expected = expected_workon_home(("workon_home",), "home/.virtualenvs", tmp_path)
    assert inventory(world, tmp_path) == expected


def test_workon_home_from_environment(tmp_path: Path) -> None:
    folder = tmp_path / "envs"
    build_workon_home(folder, tmp_path)
    world = make_world(tmp_path, env={"WORKON_HOME": str(folder)})
    assert inventory(world, tmp_path) == expected_workon_home(("workon_home",), "envs", tmp_path)


def test_virtualenvs_is_read_when_workon_home_points_elsewhere(tmp_path: Path) -> None:
    folder = tmp_path / "envs"
    build_workon_home(folder, tmp_path)
    kept = make_venv(tmp_path / "home" / ".virtualenvs" / "kept")
    broken = make_venv(tmp_path / "home" / ".virtualenvs" / "broken")
    set_cfg(broken, "home", str(tmp_path / "uninstalled" / "bin"))
    world = make_world(tmp_path, env={"WORKON_HOME": str(folder)})
    version = cfg_version(kept)
    expected = expected_workon_home(("workon_home",), "envs", tmp_path)
    assert inventory(world, tmp_path) == expected | {
        ("venv", "kept", version, "ok", (), ("workon_home",), "home/.virtualenvs/kept"),
        ("venv", "broken", version, "broken", ("venv.base-missing",), ("workon_home",),
         "home/.virtualenvs/broken"),
    }


def test_every_conventional_folder_is_read(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    version = cfg_version(make_venv(world.home / ".venvs" / "a"))
    make_venv(world.home / "venvs" / "b")
    make_venv(world.home / "envs" / "c")
    make_venv(world.home / "Envs" / "d")
    make_venv(world.home / ".local" / "share" / "virtualenvs" / "proj-AbC123")
    # not environments: source folders, a notes folder, a file
    write(world.home / "envs" / "src" / "main.py", "print()\n")
    (world.home / "venvs" / "bin-only" / "bin").mkdir(parents=True)
    write(world.home / ".venvs" / "README", "notes")
    conda = world.home / "envs" / "sci"
    (conda / "conda-meta").mkdir(parents=True)
    assert inventory(world, tmp_path) == {
        ("venv", "a", version, "ok", (), ("venvs_folder",), "home/.venvs/a"),
        ("venv", "b", version, "ok", (), ("venvs_folder",), "home/venvs/b"),
        ("venv", "c", version, "ok", (), ("venvs_folder",), "home/envs/c"),
        ("venv", "d", version, "ok", (), ("venvs_folder",), "home/Envs/d"),
        ("pipenv", "proj-AbC123", version, "ok", (), ("pipenv",),
         "home/.local/share/virtualenvs/proj-AbC123"),
        ("conda", "sci", None, "broken", ("conda.no-interpreter",), ("venvs_folder",),
         "home/envs/sci"),
    }


def test_pipenv_folder_follows_xdg_data_home(tmp_path: Path) -> None:
    data = tmp_path / "data"
    version = cfg_version(make_venv(data / "virtualenvs" / "p-1"))
    world = make_world(tmp_path, env={"XDG_DATA_HOME": str(data)})
    assert inventory(world, tmp_path) == {
        ("pipenv", "p-1", version, "ok", (), ("pipenv",), "data/virtualenvs/p-1")}


def test_a_folder_seen_from_two_places_is_one_environment(tmp_path: Path) -> None:
    world = make_world(tmp_path, env={"WORKON_HOME": "~/.venvs"})
    version = cfg_version(make_venv(world.home / ".venvs" / "both"))
    assert inventory(world, tmp_path) == {
        ("venv", "both", version, "ok", (), ("venvs_folder", "workon_home"), "home/.venvs/both")}


def test_workon_home_tilde_and_missing_folder(tmp_path: Path) -> None:
    world = make_world(tmp_path, env={"WORKON_HOME": "~/wrappers"})
    assert list(WorkonHomeLocator().locate(world)) == []
    make_venv(world.home / "wrappers" / "one")
    (record,) = WorkonHomeLocator().locate(world)
    assert (record.kind, record.name, record.prefix) == (
        EnvKind.VENV,
        "one",
        world.home / "wrappers" / "one",
    )


def test_legacy_windows_virtualenv(tmp_path: Path) -> None:
    prefix = tmp_path / "old-env"
    write(prefix / "Scripts" / "python.exe", "")
    write(prefix / "Lib" / "orig-prefix.txt", "C:/Python27")
    (prefix / "Lib" / "site-packages").mkdir()
    assert is_environment(prefix, "win32")
    record = env_record(prefix, "workon_home", platform="win32")
    assert (record.kind, record.executable, record.state) == (
        EnvKind.VIRTUALENV,
        prefix / "Scripts" / "python.exe",
        EnvState.OK,
    )
    assert record.base_executable == Path("C:/Python27") / "python.exe"


def test_venv_record_details(tmp_path: Path) -> None:
    prefix = make_venv(tmp_path / "v")
    record = env_record(prefix, "workon_home")
    assert record.executable == prefix / "bin" / "python"
    assert record.base_executable is not None
    assert record.base_executable.parent == BASE_PYTHON.parent
    assert record.version_source == "pyvenv.cfg"
    legacy_missing = env_record(tmp_path / "gone", "active")
    assert legacy_missing.state is EnvState.BROKEN
    assert sorted(p.id for p in legacy_missing.problems) == [
        "env.no-interpreter",
        "venv.cfg-missing",
    ]


# -- a project and its parents -----------------------------------------------------------


def test_project_envs_in_cwd_and_parents(tmp_path: Path) -> None:
    work = tmp_path / "home" / "work"
    cwd = work / "proj" / "src"
    cwd.mkdir(parents=True)
    make_venv(work / "proj" / ".venv")
    make_venv(work / "venv")  # a parent's environment counts too
    make_venv(cwd / "env")
    # left behind after its Python was uninstalled: home gone and its links dangling
    left = make_venv(tmp_path / "home" / ".venv")
    set_cfg(left, "home", str(tmp_path / "uninstalled" / "bin"))
    for link in python_links(left):
        link.unlink()
        link.symlink_to(tmp_path / "uninstalled" / "bin" / "python3")
    # look-alikes that are not environments
    write(work / "proj" / ".env", "SECRET=1\n")  # a dotenv file
    write(work / "proj" / "env" / "settings.py", "DEBUG = True\n")  # a source folder
    write(work / "proj" / "src" / "venv" / "bin" / "python", "#!/bin/sh\n", 0o755)  # no lib
    # no pyvenv.cfg but the layout of one: bin/python + lib/python3.X/site-packages
    bare = cwd / ".env"
    write(bare / "bin" / "python", "#!/bin/sh\necho bare\n", 0o755)
    (bare / "lib" / "python3.12" / "site-packages").mkdir(parents=True)
    write(bare / "include" / "python3.12" / "patchlevel.h", '#define PY_VERSION "3.12.2"\n')

    world = make_world(tmp_path, cwd=cwd)
    version = cfg_version(work / "venv")
    found = ("project",)
    assert inventory(world, tmp_path) == {
        ("venv", ".venv", version, "ok", (), found, "home/work/proj/.venv"),
        ("venv", "venv", version, "ok", (), found, "home/work/venv"),
        ("venv", "env", version, "ok", (), found, "home/work/proj/src/env"),
        (
            "venv",
            ".env",
            "3.12.2",
            "broken",
            ("venv.cfg-missing",),
            found,
            "home/work/proj/src/.env",
        ),
        (
            "venv",
            ".venv",
            version,
            "broken",
            ("env.dangling-interpreter", "venv.base-missing"),
            found,
            "home/.venv",
        ),
    }
    # nearest first: the project's own environment before its parents'
    located = [
        r.prefix for r in ProjectLocator().locate(world) if r.prefix.is_relative_to(tmp_path)
    ]
    assert located[:3] == [cwd / "env", cwd / ".env", work / "proj" / ".venv"]


def test_is_environment_needs_more_than_a_name(tmp_path: Path) -> None:
    assert not is_environment(tmp_path / "missing")
    write(tmp_path / "a" / "bin" / "python", "", 0o755)
    assert not is_environment(tmp_path / "a")
    (tmp_path / "a" / "lib" / "python3.11" / "site-packages").mkdir(parents=True)
    assert is_environment(tmp_path / "a")
    write(tmp_path / "b" / "pyvenv.cfg", "home = /nowhere\n")
    assert is_environment(tmp_path / "b")
    write(tmp_path / "w" / "Scripts" / "python.exe", "")
    (tmp_path / "w" / "Lib" / "site-packages").mkdir(parents=True)
    assert is_environment(tmp_path / "w", "win32")
    assert not is_environment(tmp_path / "w")


# -- the active environment -------------------------------------------------------------


def test_virtual_env_merges_with_workon_home(tmp_path: Path) -> None:
    env = make_venv(tmp_path / "home" / ".virtualenvs" / "work")
    world = make_world(tmp_path, env={"VIRTUAL_ENV": str(env)})
    version = cfg_version(env)
    assert inventory(world, tmp_path) == {
        ("venv", "work", version, "ok", (), ("active", "workon_home"), "home/.virtualenvs/work"),
    }


def test_venv_first_on_path_is_active(tmp_path: Path) -> None:
    declared = make_venv(tmp_path / "declared")
    on_path = make_venv(tmp_path / "elsewhere" / "tool-env")
    world = make_world(
        tmp_path, path=[on_path / "bin", BASE_PYTHON.parent], env={"VIRTUAL_ENV": str(declared)}
    )
    located = [(r.prefix, r.found_by) for r in ActiveLocator().locate(world)]
    assert located == [(declared, ("active",)), (on_path, ("active",))]
    by_prefix = {r.prefix: r for r in discover(world, use_cache=False).environments}
    assert set(by_prefix[declared].found_by) == {"active"}
    assert set(by_prefix[on_path.resolve()].found_by) == {"active", "path"}


def test_interpreter_first_on_path_outside_a_venv_is_not_active(tmp_path: Path) -> None:
    make_venv(tmp_path / "later")
    world = make_world(tmp_path, path=[BASE_PYTHON.parent, tmp_path / "later" / "bin"])
    assert list(ActiveLocator().locate(world)) == []


def test_stale_virtual_env_is_left_to_the_health_checks(tmp_path: Path) -> None:
    world = make_world(tmp_path, env={"VIRTUAL_ENV": str(tmp_path / "deleted-env")})
    assert list(ActiveLocator().locate(world)) == []
    # an emptied folder still named by VIRTUAL_ENV is an environment, and a broken one
    (tmp_path / "deleted-env").mkdir()
    (record,) = ActiveLocator().locate(world)
    assert record.state is EnvState.BROKEN
    assert sorted(p.id for p in record.problems) == ["env.no-interpreter", "venv.cfg-missing"]


# -- system locations --------------------------------------------------------------------


def fake_python(path: Path, version: str | None = None) -> Path:
    """A shell-script "python"; with `version`, the headers that state it beside bin/."""
    write(path, f"#!/bin/sh\necho fake {path.name}\n", 0o755)
    if version is not None:
        minor = ".".join(version.split(".")[:2])
        header = path.parent.parent / "include" / f"python{minor}" / "patchlevel.h"
        write(header, f'#define PY_VERSION "{version}"\n')
    return path


def wrapper_python(path: Path) -> Path:
    """A script that runs the machine's Python: no file tells its version, a probe does."""
    return write(path, f'#!/bin/sh\nexec {BASE_PYTHON} "$@"\n', 0o755)


def build_system(root: Path) -> None:
    usr_bin = root / "usr" / "bin"
    fake_python(usr_bin / "python3.11", "3.11.2")
    (usr_bin / "python3").symlink_to("python3.11")
    (usr_bin / "python").symlink_to("python3")
    (usr_bin / "python2").symlink_to("python2.7")  # python2.7 was removed
    for name in ("python3-config", "python3.11-config", "python-argcomplete-tcsh"):
        write(usr_bin / name, "#!/bin/sh\n", 0o755)
    (root / "bin").symlink_to("usr/bin")
    fake_python(root / "usr" / "local" / "bin" / "python3.12", "3.12.4")
    wrapper_python(root / "opt" / "python3.13" / "bin" / "python3.13")
    (root / "opt" / "tools" / "bin").mkdir(parents=True)
    write(root / "opt" / "tools" / "bin" / "python3-config", "#!/bin/sh\n", 0o755)
    make_venv(root / "opt" / "venv")
    # Linuxbrew: a bottle without headers (its folder names the version) and one with
    brew = root / "home" / "linuxbrew" / ".linuxbrew"
    fake_python(brew / "Cellar" / "python@3.12" / "3.12.3_1" / "bin" / "python3.12")
    fake_python(brew / "Cellar" / "python@3.11" / "3.11.9" / "bin" / "python3.11", "3.11.9")
    tk_bin = brew / "Cellar" / "python-tk@3.12" / "3.12.3" / "bin"
    write(tk_bin / "python3.12", "#!/bin/sh\n", 0o755)  # a module formula, never an interpreter
    write(brew / "Cellar" / "python@3.12" / ".DS_Store", "")  # strays are not bottles
    (brew / "bin").mkdir(parents=True)
    (brew / "bin" / "python3").symlink_to("../Cellar/python@3.12/3.12.3_1/bin/python3.12")
    write(brew / "bin" / "brew", "#!/bin/sh\n", 0o755)


def test_system_world(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    build_system(world.root)
    venv_version = cfg_version(world.root / "opt" / "venv")
    cellar = "root/home/linuxbrew/.linuxbrew/Cellar"
    assert inventory(world, tmp_path) == {
        ("system", None, "3.11.2", "ok", (), ("system",), "root/usr"),
        ("system", None, "2.7", "broken", ("env.dangling-interpreter",), ("system",), "root/usr"),
        ("system", None, "3.12.4", "ok", (), ("system",), "root/usr/local"),
        ("system", None, BASE_VERSION, "ok", (), ("system",), "root/opt/python3.13"),
        ("venv", "venv", venv_version, "ok", (), ("system",), "root/opt/venv"),
        ("homebrew", None, "3.12.3", "ok", (), ("system",), f"{cellar}/python@3.12/3.12.3_1"),
        ("homebrew", None, "3.11.9", "ok", (), ("system",), f"{cellar}/python@3.11/3.11.9"),
    }
    by_exe = {r.executable: r for r in discover(world, use_cache=False).environments}
    root = world.root
    assert set(by_exe) == {
        root / "usr" / "bin" / "python3.11",
        root / "usr" / "bin" / "python2",
        root / "usr" / "local" / "bin" / "python3.12",
        root / "opt" / "python3.13" / "bin" / "python3.13",
        root / "opt" / "venv" / "bin" / "python",
        root / "home/linuxbrew/.linuxbrew/Cellar/python@3.12/3.12.3_1/bin/python3.12",
        root / "home/linuxbrew/.linuxbrew/Cellar/python@3.11/3.11.9/bin/python3.11",
    }
    bottle = by_exe[root / "home/linuxbrew/.linuxbrew/Cellar/python@3.12/3.12.3_1/bin/python3.12"]
    assert bottle.manager == Manager("brew", root / "home/linuxbrew/.linuxbrew/bin/brew")
    assert bottle.version_source == "folder-name"
    assert by_exe[root / "opt" / "python3.13" / "bin" / "python3.13"].version_source == "probe"


def test_system_and_path_see_one_interpreter(tmp_path: Path) -> None:
    """/bin/python3 on PATH and /usr/bin/python3.11 in the system scan: the same file, once."""
    world = make_world(tmp_path)
    build_system(world.root)
    world = replace(world, env={**world.env, "PATH": str(world.root / "bin")})
    records = [
        (r.executable, sorted(r.found_by), str(r.version))
        for r in discover(world, use_cache=False).environments
        if r.prefix in (world.root, world.root / "usr")
    ]
    usr_bin = world.root / "usr" / "bin"
    # the dangling /bin/python2 too: its folder is resolved, the link itself kept
    assert sorted(records) == [
        (usr_bin / "python2", ["path", "system"], "2.7"),
        (usr_bin / "python3.11", ["path", "system"], "3.11.2"),
    ]


def test_system_locator_alone_yields_each_file_once(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    build_system(world.root)
    dirs = search_dirs(world)
    assert world.root / "usr" / "bin" in dirs
    assert world.root / "bin" not in dirs  # the same folder through a link is read once
    executables = [r.executable for r in SystemLocator().locate(world)]
    assert len(executables) == len(set(executables)) == 7


def build_darwin(root: Path) -> None:
    versions = root / "Library" / "Frameworks" / "Python.framework" / "Versions"
    fake_python(versions / "3.12" / "bin" / "python3.12", "3.12.7")
    (versions / "3.12" / "bin" / "python3").symlink_to("python3.12")
    (versions / "Current").symlink_to("3.12")
    (root / "usr" / "local" / "bin").mkdir(parents=True)
    (root / "usr" / "local" / "bin" / "python3").symlink_to(
        "../../../Library/Frameworks/Python.framework/Versions/3.12/bin/python3"
    )
    # Homebrew on an Intel mac: the bottle's bin links into its own framework
    bottle = root / "usr" / "local" / "Cellar" / "python@3.11" / "3.11.6"
    framework = bottle / "Frameworks" / "Python.framework" / "Versions" / "3.11"
    fake_python(framework / "bin" / "python3.11", "3.11.6")
    (bottle / "bin").mkdir()
    (bottle / "bin" / "python3.11").symlink_to(
        "../Frameworks/Python.framework/Versions/3.11/bin/python3.11"
    )
    (root / "usr" / "local" / "bin" / "python3.11").symlink_to(
        "../Cellar/python@3.11/3.11.6/bin/python3.11"
    )


def test_darwin_world(tmp_path: Path) -> None:
    world = replace(make_world(tmp_path), platform="darwin")
    build_darwin(world.root)
    framework = "root/Library/Frameworks/Python.framework/Versions/3.12"
    bottle = "root/usr/local/Cellar/python@3.11/3.11.6/Frameworks/Python.framework/Versions/3.11"
    assert inventory(world, tmp_path) == {
        ("system", None, "3.12.7", "ok", (), ("system",), framework),
        ("homebrew", None, "3.11.6", "ok", (), ("system",), bottle),
    }
    (brewed,) = [r for r in SystemLocator().locate(world) if r.kind is EnvKind.HOMEBREW]
    assert brewed.manager == Manager("brew", None)
    assert brewed.version_source == "patchlevel.h"


def test_macos_python3_stub_without_developer_tools(tmp_path: Path) -> None:
    world = replace(make_world(tmp_path), platform="darwin")
    stub = write(world.root / "usr" / "bin" / "python3", "\0stub", 0o755)
    assert inventory(world, tmp_path) == {
        ("system", None, None, "broken", ("macos.xcode-stub",), ("system",), "root/usr"),
    }
    # with the Command Line Tools installed it forwards to their Python: an interpreter
    clt = world.root / "Library" / "Developer" / "CommandLineTools"
    wrapper_python(clt / "usr" / "bin" / "python3")
    stub.write_text(f'#!/bin/sh\nexec {BASE_PYTHON} "$@"\n')
    assert inventory(world, tmp_path) == {
        ("system", None, BASE_VERSION, "ok", (), ("system",), "root/usr"),
    }
    # on linux /usr/bin/python3 is never that stub
    linux = replace(world, platform="linux")
    stub.write_text("\0stub")
    (clt / "usr" / "bin" / "python3").unlink()
    (record,) = SystemLocator().locate(linux)
    assert record.problems == ()


def test_framework_builds_only_on_darwin(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    build_darwin(world.root)
    # on linux the framework folder is not read; /usr/local/bin still leads to both
    found = {(r.kind, r.prefix.name) for r in SystemLocator().locate(world)}
    assert found == {(EnvKind.SYSTEM, "3.12"), (EnvKind.HOMEBREW, "3.11")}
    (world.root / "usr" / "local" / "bin" / "python3").unlink()
    found = {(r.kind, r.prefix.name) for r in SystemLocator().locate(world)}
    assert found == {(EnvKind.HOMEBREW, "3.11")}


@pytest.mark.parametrize(
    ("name", "matches"),
    [
        ("python", True),
        ("python3", True),
        ("python3.11", True),
        ("python3.13t", True),
        ("python3-config", False),
        ("python3.11-config", False),
        ("pythonw", False),
        ("python-argcomplete-tcsh", False),
        ("python3.11.bak", False),
    ],
)
def test_interpreter_names(tmp_path: Path, name: str, matches: bool) -> None:
    write(tmp_path / name, "")
    assert (interpreter_files(tmp_path) == [tmp_path / name]) is matches


def test_cellar_parts() -> None:
    assert cellar_parts(Path("/opt/homebrew/Cellar/python@3.12/3.12.1_2/bin/python3.12")) == (
        Path("/opt/homebrew"),
        PyVersion("3.12.1"),
    )
    assert cellar_parts(Path("/usr/local/Cellar/python-tk@3.12/3.12.1/bin/x")) is None
    assert cellar_parts(Path("/usr/bin/python3")) is None
