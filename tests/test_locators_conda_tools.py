"""conda and tool locators on worlds built in tmp_path: each world's inventory asserted exactly."""

from __future__ import annotations

import json
import platform
import subprocess
import venv
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from ainlp.core.discovery import discover
from ainlp.core.discovery.locators import Locator, all_locators
from ainlp.core.discovery.locators.conda import CondaLocator, conda_record
from ainlp.core.discovery.locators.conda_meta import conda_package, find_conda_manager
from ainlp.core.discovery.locators.condarc import envs_dirs_of, read_condarc
from ainlp.core.discovery.locators.tools import (
    HatchLocator,
    PdmLocator,
    PipenvLocator,
    PipxLocator,
    PoetryLocator,
    UvPythonLocator,
    UvToolLocator,
)
from ainlp.core.discovery.locators.tools_config import (
    load_toml,
    parse_toml,
    read_poetry_config,
)
from ainlp.core.discovery.records import EnvRecord
from ainlp.core.discovery.resolve import real
from ainlp.core.versions import PyVersion
from ainlp.core.world import World
from conftest import make_world, write

LINUX_64 = "https://conda.anaconda.org/conda-forge/linux-64"
HERE = platform.python_version()


# ------------------------------------------------------------------ helpers --

def conda_prefix(prefix: Path, *, python: str | None = None, conda: str | None = None,
                 channel: str = LINUX_64, interpreter: bool = True, install: bool = False,
                 history: str = "") -> Path:
    """A fake conda prefix: conda-meta records, empty binaries (versions come from files)."""
    meta = prefix / "conda-meta"
    meta.mkdir(parents=True)
    write(meta / "history", history)
    if python:
        _package(meta, "python", python, "h1234_0_cpython", channel)
        write(meta / "python-dateutil-2.8.2-pyhd8ed1ab_0.json", "{}")  # a decoy name
    if conda:
        _package(meta, "conda", conda, "py311_0", channel)
        write(prefix / "bin" / "conda")
    if interpreter:
        write(prefix / "bin" / "python")
    if install:
        write(prefix / "condabin" / "conda")
        (prefix / "envs").mkdir(exist_ok=True)
    return prefix


def _package(meta: Path, name: str, version: str, build: str, channel: str) -> None:
    data = {"name": name, "version": version, "build": build, "channel": channel}
    write(meta / f"{name}-{version}-{build}.json", json.dumps(data))


def inventory(world: World, *locators: Locator) -> list[tuple[Any, ...]]:
    """The inventory as comparable rows, paths relative to HOME (or the world's root)."""
    found = discover(world, use_cache=False, locators=list(locators) or None)
    return sorted(_row(world, record) for record in found.environments)


def _rel(world: World, path: Path | None) -> str | None:
    if path is None:
        return None
    for base, label in ((real(world.home), "~"), (real(world.root), "")):
        if path.is_relative_to(base):
            return f"{label}/{path.relative_to(base)}"
    return str(path)


def _text(version: PyVersion | None) -> str | None:
    return version.text if version is not None else None


def _row(world: World, record: EnvRecord) -> tuple[Any, ...]:
    manager = record.manager
    return (
        record.kind.value,
        _rel(world, record.prefix),
        record.name,
        _text(record.version),
        record.found_by,
        record.state.value,
        tuple(p.id for p in record.problems),
        (manager.tool, _rel(world, manager.executable), _text(manager.version))
        if manager else None,
        record.arch,
    )


def make_venv(prefix: Path) -> Path:
    venv.EnvBuilder(with_pip=False, symlinks=True).create(prefix)
    return prefix


def break_venv(prefix: Path) -> Path:
    """A venv whose base Python was uninstalled: pyvenv.cfg's home and bin/python gone."""
    gone = prefix.parent / f".gone-{prefix.name}" / "bin"
    cfg = prefix / "pyvenv.cfg"
    lines = [f"home = {gone}" if line.startswith("home") else line
             for line in cfg.read_text().splitlines()]
    cfg.write_text("\n".join(lines) + "\n")
    for exe in (prefix / "bin").glob("python*"):
        exe.unlink()
        exe.symlink_to(gone / "python3")
    return prefix


# -------------------------------------------------------------------- conda --

def conda_world(tmp_path: Path) -> World:
    home = tmp_path / "home"
    mini = conda_prefix(home / "miniconda3", python="3.11.5", conda="24.1.0", install=True)
    created = f"# cmd: {mini}/bin/conda create -n x\n"
    conda_prefix(mini / "envs" / "ds", python="3.10.14")
    conda_prefix(mini / "envs" / "nopy", interpreter=False)
    dangling = conda_prefix(mini / "envs" / "dangling", python="3.12.2", interpreter=False)
    (dangling / "bin").mkdir()
    (dangling / "bin" / "python").symlink_to(tmp_path / "nowhere" / "python3.12")
    # made with -p elsewhere, known only from environments.txt: nameless, managed by miniconda3
    app = conda_prefix(home / "projects" / "app" / ".env", python="3.12.2", history=created)
    write(home / ".conda" / "environments.txt", f"{app}\n/nonexistent/env\n")
    # an envs_dirs entry of ~/.condarc: its envs are named by their folder
    write(home / ".condarc", "envs_dirs:\n  - ~/conda-envs  # mine\n")
    conda_prefix(home / "conda-envs" / "named", python="3.9.21", history=created)
    # a mamba-only install in /opt, with an env, arm64 build
    forge = conda_prefix(tmp_path / "root" / "opt" / "miniforge3", python="3.12.2", install=True,
                         channel="https://conda.anaconda.org/conda-forge/linux-aarch64")
    write(forge / "bin" / "mamba")
    conda_prefix(forge / "envs" / "ml", python="3.11.9")
    # an install reached only through PATH (condabin/conda)
    other = conda_prefix(tmp_path / "elsewhere" / "conda", python="3.10.9", conda="23.1.0",
                         install=True)
    return make_world(tmp_path, path=[other / "condabin"])


def test_conda_inventory_is_exact(tmp_path: Path) -> None:
    world = conda_world(tmp_path)
    mini = ("conda", "~/miniconda3/bin/conda", "24.1.0")
    forge = ("mamba", "/opt/miniforge3/bin/mamba", None)
    other_root = str(real(tmp_path / "elsewhere" / "conda"))
    other = ("conda", f"{other_root}/bin/conda", "23.1.0")
    ok: tuple[str, ...] = ()
    assert inventory(world, CondaLocator()) == sorted([
        ("conda", "/opt/miniforge3", "base", "3.12.2", ("conda",), "ok", ok, forge, "x64"),
        ("conda", "/opt/miniforge3/envs/ml", "ml", "3.11.9", ("conda",), "ok", ok, forge, "x64"),
        ("conda", "~/conda-envs/named", "named", "3.9.21", ("conda",), "ok", ok, mini, "x64"),
        ("conda", "~/miniconda3", "base", "3.11.5", ("conda",), "ok", ok, mini, "x64"),
        ("conda", "~/miniconda3/envs/dangling", "dangling", "3.12.2", ("conda",), "broken",
         ("env.dangling-interpreter",), mini, "x64"),
        ("conda", "~/miniconda3/envs/ds", "ds", "3.10.14", ("conda",), "ok", ok, mini, "x64"),
        ("conda", "~/miniconda3/envs/nopy", "nopy", None, ("conda",), "broken",
         ("conda.no-interpreter",), mini, None),
        ("conda", "~/projects/app/.env", None, "3.12.2", ("conda",), "ok", ok, mini, "x64"),
        ("conda", other_root, "base", "3.10.9", ("conda",), "ok", ok, other, "x64"),
    ])


def test_conda_arch_follows_the_channel_name(tmp_path: Path) -> None:
    # PET's rule, kept for parity: only the channel's last two characters count, so
    # linux-aarch64 (in conda_world) reads as x64 too
    base = conda_prefix(tmp_path / "a", python="3.12.2", channel="https://x/linux-32")
    assert conda_record(base, "t").arch == "x86"
    odd = conda_prefix(tmp_path / "b", python="3.12.2", channel="https://x/noarch")
    assert conda_record(odd, "t").arch is None


def test_conda_channel_read_past_a_long_file_list_and_not_from_a_damaged_record(
        tmp_path: Path) -> None:
    prefix = conda_prefix(tmp_path / "env")
    record = {"files": [f"lib/python3.12/m{i}.py" for i in range(2000)],
              "channel": "https://x/linux-64", "name": "python", "version": "3.12.2"}
    write(prefix / "conda-meta" / "python-3.12.2-h1_0.json", json.dumps(record))
    assert conda_record(prefix, "t").arch == "x64"
    write(prefix / "conda-meta" / "python-3.12.2-h1_0.json", "10.1.1\n" + json.dumps(record))
    damaged = conda_record(prefix, "t")
    assert (damaged.version, damaged.arch) == (PyVersion("3.12.2"), None)  # the name still tells


def test_conda_env_without_interpreter_is_broken_with_nothing_invented(tmp_path: Path) -> None:
    prefix = conda_prefix(tmp_path / "env", python="3.11.4", interpreter=False)
    record = conda_record(prefix, "t")
    assert (record.state.value, record.executable, record.version) == ("broken", None, None)
    assert [p.id for p in record.problems] == ["conda.no-interpreter"]
    assert "python 3.11.4" in record.problems[0].message  # what conda-meta still claims


def test_conda_python_at_prefix_root_and_upgrade_in_history(tmp_path: Path) -> None:
    prefix = conda_prefix(tmp_path / "env", python="3.9.18", interpreter=False, history=(
        "+defaults::python-3.9.18-h1234_0_cpython\n"
        "-defaults::python-3.9.18-h1234_0_cpython\n+defaults::python-3.9.21-h9_0\n"))
    _package(prefix / "conda-meta", "python", "3.9.21", "h9_0", LINUX_64)
    write(prefix / "python")  # windows-style layout PET's fixtures also use
    record = conda_record(prefix, "t")
    assert (record.executable, record.version, record.state.value) == (
        prefix / "python", PyVersion("3.9.21"), "ok")
    # a stale json for 3.9.18 is still there: history says 3.9.21 is the live one
    history = prefix / "conda-meta" / "history"
    history.write_text("+defaults::python-3.9.21-h9_0\n-defaults::python-3.9.21-h9_0\n"
                       "+defaults::python-3.9.18-h1234_0_cpython\n")
    package = conda_package(prefix, "python")
    assert package is not None and package.version == PyVersion("3.9.18")


def test_conda_manager_from_history_and_never_from_dot_conda_envs(tmp_path: Path) -> None:
    install = conda_prefix(tmp_path / "inst", python="3.11.5", conda="24.1.0", install=True)
    env = conda_prefix(tmp_path / "away" / "e", python="3.12.2",
                       history=f"# cmd: {install}/bin/conda create -p {tmp_path}/away/e\n")
    manager = find_conda_manager(env)
    assert manager is not None and (manager.tool, manager.version) == ("conda",
                                                                       PyVersion("24.1.0"))
    user_env = conda_prefix(tmp_path / ".conda" / "envs" / "u", python="3.12.2", conda="24.1.0")
    assert find_conda_manager(user_env) is None


def test_conda_prefix_env_var_and_micromamba_root(tmp_path: Path) -> None:
    active = conda_prefix(tmp_path / "somewhere" / "active", python="3.12.2")
    mamba_root = tmp_path / "mroot"
    conda_prefix(mamba_root / "envs" / "tool", python="3.11.9")
    micromamba = write(tmp_path / "bin" / "micromamba", "", 0o755)
    world = make_world(tmp_path, env={"CONDA_PREFIX": str(active),
                                      "MAMBA_ROOT_PREFIX": str(mamba_root),
                                      "MAMBA_EXE": str(micromamba)})
    rows = inventory(world, CondaLocator())
    tool = ("mamba", str(real(micromamba)), None)
    assert [(r[1], r[2], r[3], r[7]) for r in rows] == [
        (str(real(mamba_root / "envs" / "tool")), "tool", "3.11.9", tool),
        (str(real(active)), "active", "3.12.2", None),
    ]


def test_conda_and_path_locators_merge(tmp_path: Path) -> None:
    world = conda_world(tmp_path)
    other = real(tmp_path / "elsewhere" / "conda")
    world = world.with_env(PATH=f"{other}/bin")
    found = {r.prefix: r for r in discover(world, use_cache=False).environments}
    assert set(found[other].found_by) == {"path", "conda"}
    assert sum(1 for p in found if p == other) == 1


# ------------------------------------------------------------------ condarc --

def test_condarc_lists_and_precedence(tmp_path: Path) -> None:
    world = make_world(tmp_path, env={"CONDA_ROOT": str(tmp_path / "croot"), "X": "/x"})
    write(world.home / ".condarc", "channels: [defaults]\nenvs_dirs: ['~/a', \"$X/b\"]\n")
    write(world.home / ".config" / "conda" / ".condarc",
          "envs_path:\n- /c  # old name\n\n  - /d\nother: 1\n  - /not-mine\n")
    write(tmp_path / "croot" / ".condarc", "envs_dirs:\n  - /e\n")
    write(tmp_path / "root" / "etc" / "conda" / "condarc", "envs_dirs: /f\n")
    rc = read_condarc(world)
    assert [str(p) for p in rc.envs_dirs] == [
        f"{world.home}/a", "/x/b", "/c", "/d", "/e", "/f"]
    assert rc.files == (world.home / ".condarc", world.home / ".config" / "conda" / ".condarc",
                        tmp_path / "croot" / ".condarc",
                        tmp_path / "root" / "etc" / "conda" / "condarc")


def test_condarc_without_envs_dirs() -> None:
    assert list(envs_dirs_of("channels:\n  - conda-forge\n")) == []


# -------------------------------------------------------------------- tools --

def tools_world(tmp_path: Path) -> World:
    tools_bin = tmp_path / "tools-bin"
    for tool in ("pipx", "uv", "poetry"):
        write(tools_bin / tool, "", 0o755)
    world = make_world(tmp_path, path=[tools_bin])
    data = world.home / ".local" / "share"
    make_venv(data / "pipx" / "venvs" / "black")
    break_venv(make_venv(data / "pipx" / "venvs" / "ruff"))
    make_venv(data / "uv" / "tools" / "httpie")
    break_venv(make_venv(data / "uv" / "tools" / "mypy"))
    write(data / "uv" / "tools" / ".lock")
    cache = world.home / ".cache" / "pypoetry" / "virtualenvs"
    make_venv(cache / "app-AbCd1234-py3.11")
    break_venv(make_venv(cache / "old-ZyXw9876-py3.9"))
    make_venv(data / "pdm" / "venvs" / "proj-Qw12-3.11")
    break_venv(make_venv(data / "pdm" / "venvs" / "gone-Qw13-3.9"))
    make_venv(data / "hatch" / "env" / "virtual" / "proj" / "Hs9a" / "default")
    break_venv(make_venv(data / "hatch" / "env" / "virtual" / "proj" / "Hs9a" / "docs"))
    make_venv(data / "virtualenvs" / "site-Ab12Cd34")
    break_venv(make_venv(data / "virtualenvs" / "old-Ef56Gh78"))
    return world


TOOL_LOCATORS = (PipxLocator, UvToolLocator, PoetryLocator, PdmLocator, HatchLocator,
                 PipenvLocator)


def test_tool_venvs_inventory_is_exact(tmp_path: Path) -> None:
    world = tools_world(tmp_path)
    tb = str(real(tmp_path / "tools-bin"))
    broken = ("venv.base-missing", "env.dangling-interpreter")
    ok: tuple[str, ...] = ()

    def row(kind: str, prefix: str, name: str, found_by: str, manager: tuple[Any, ...],
            problems: tuple[str, ...] = ok) -> tuple[Any, ...]:
        state = "broken" if problems else "ok"
        return (kind, prefix, name, HERE, (found_by,), state, problems, manager, None)

    pipx, uv = ("pipx", f"{tb}/pipx", None), ("uv", f"{tb}/uv", None)
    poetry, pdm = ("poetry", f"{tb}/poetry", None), ("pdm", None, None)
    hatch, pipenv = ("hatch", None, None), ("pipenv", None, None)
    share, pcache = "~/.local/share", "~/.cache/pypoetry/virtualenvs"
    hatch_dir = f"{share}/hatch/env/virtual/proj/Hs9a"
    assert inventory(world, *(cls() for cls in TOOL_LOCATORS)) == sorted([
        row("pipx", f"{share}/pipx/venvs/black", "black", "pipx", pipx),
        row("pipx", f"{share}/pipx/venvs/ruff", "ruff", "pipx", pipx, broken),
        row("uv-tool", f"{share}/uv/tools/httpie", "httpie", "uv-tool", uv),
        row("uv-tool", f"{share}/uv/tools/mypy", "mypy", "uv-tool", uv, broken),
        row("poetry", f"{pcache}/app-AbCd1234-py3.11", "app-AbCd1234-py3.11", "poetry", poetry),
        row("poetry", f"{pcache}/old-ZyXw9876-py3.9", "old-ZyXw9876-py3.9", "poetry", poetry,
            broken),
        row("pdm", f"{share}/pdm/venvs/proj-Qw12-3.11", "proj-Qw12-3.11", "pdm", pdm),
        row("pdm", f"{share}/pdm/venvs/gone-Qw13-3.9", "gone-Qw13-3.9", "pdm", pdm, broken),
        row("hatch", f"{hatch_dir}/default", "default", "hatch", hatch),
        row("hatch", f"{hatch_dir}/docs", "docs", "hatch", hatch, broken),
        row("pipenv", f"{share}/virtualenvs/site-Ab12Cd34", "site-Ab12Cd34", "pipenv", pipenv),
        row("pipenv", f"{share}/virtualenvs/old-Ef56Gh78", "old-Ef56Gh78", "pipenv", pipenv,
            broken),
    ])


def test_tool_venvs_merge_into_one_record_each_in_full_discovery(tmp_path: Path) -> None:
    world = tools_world(tmp_path)
    found = discover(world, use_cache=False).environments
    prefixes = [r.prefix for r in found]
    assert len(prefixes) == len(set(prefixes))
    assert {r.kind.value for r in found} >= {"pipx", "uv-tool", "poetry", "pdm", "hatch",
                                             "pipenv"}


def test_tool_folders_from_environment_and_config(tmp_path: Path) -> None:
    world = make_world(tmp_path, env={
        "PIPX_HOME": str(tmp_path / "px"), "UV_TOOL_DIR": str(tmp_path / "uvt"),
        "XDG_DATA_HOME": str(tmp_path / "xdg"), "HATCH_DATA_DIR": str(tmp_path / "hd")})
    make_venv(tmp_path / "px" / "venvs" / "tox")
    make_venv(tmp_path / "uvt" / "ruff")
    make_venv(tmp_path / "xdg" / "virtualenvs" / "p-12345678")
    make_venv(tmp_path / "hd" / "env" / "virtual" / "p" / "h" / "test")
    write(world.home / ".config" / "pdm" / "config.toml", '[venv]\nlocation = "~/pdmv"\n')
    make_venv(world.home / "pdmv" / "q-1-3.11")
    write(world.home / ".config" / "pypoetry" / "config.toml",
          f'[virtualenvs]\npath = "{tmp_path}/pv"\n')
    make_venv(tmp_path / "pv" / "r-1-py3.11")
    make_venv(world.home / ".cache" / "pypoetry" / "virtualenvs" / "not-used-py3.11")
    rows = inventory(world, *(cls() for cls in TOOL_LOCATORS))
    assert [(r[0], r[2]) for r in rows] == sorted([
        ("pipx", "tox"), ("uv-tool", "ruff"), ("pipenv", "p-12345678"), ("hatch", "test"),
        ("pdm", "q-1-3.11"), ("poetry", "r-1-py3.11")])


def test_uv_managed_pythons(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    pythons = world.home / ".local" / "share" / "uv" / "python"
    cpython = pythons / "cpython-3.12.1-linux-x86_64-gnu"
    write(cpython / "bin" / "python3.12")
    write(cpython / "include" / "python3.12" / "patchlevel.h", '#define PY_VERSION "3.12.1"\n')
    (pythons / "cpython-3.12-linux-x86_64-gnu").symlink_to(cpython)  # uv's minor link
    write(pythons / "pypy-3.10.14-linux-aarch64-gnu" / "bin" / "python")
    (pythons / "cpython-3.11.9-linux-x86_64-gnu").mkdir()  # emptied by hand: no interpreter
    write(pythons / ".lock")
    found = discover(world, use_cache=False, locators=[UvPythonLocator()]).environments
    rows = sorted((r.prefix.name, _text(r.version), r.version_source, r.implementation, r.arch,
                   r.state.value, tuple(p.id for p in r.problems)) for r in found)
    assert rows == [
        ("cpython-3.11.9-linux-x86_64-gnu", "3.11.9", "folder-name", "cpython", "x64", "broken",
         ("env.no-interpreter",)),
        ("cpython-3.12.1-linux-x86_64-gnu", "3.12.1", "patchlevel.h", "cpython", "x64", "ok", ()),
        ("pypy-3.10.14-linux-aarch64-gnu", "3.10.14", "folder-name", "pypy", "arm64", "ok", ()),
    ]
    assert {r.kind.value for r in found} == {"uv-python"}
    assert all(r.manager is not None and r.manager.tool == "uv" for r in found)


def test_uv_python_install_dir_variable(tmp_path: Path) -> None:
    world = make_world(tmp_path, env={"UV_PYTHON_INSTALL_DIR": str(tmp_path / "uvp")})
    write(tmp_path / "uvp" / "cpython-3.13.0+freethreaded-linux-x86_64-gnu" / "bin" / "python")
    found = discover(world, use_cache=False, locators=[UvPythonLocator()]).environments
    assert [(_text(r.version), r.found_by) for r in found] == [("3.13.0", ("uv-python",))]


# ------------------------------------------------------------- poetry config --

def test_poetry_config_merges_like_poetry(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    write(world.home / ".config" / "pypoetry" / "config.toml",
          'cache-dir = "~/pc"\n[virtualenvs]\nin-project = true\n')
    project = tmp_path / "proj"
    write(project / "poetry.toml", 'virtualenvs.in-project = false  # local wins\n')
    config = read_poetry_config(world, project)
    assert config.files == (world.home / ".config" / "pypoetry" / "config.toml",
                            project / "poetry.toml")
    assert config.cache_dir == world.home / "pc"
    assert config.virtualenvs_path == world.home / "pc" / "virtualenvs"
    assert config.virtualenvs_in_project is False
    env_world = world.with_env(POETRY_VIRTUALENVS_PATH="{cache-dir}/v2",
                               POETRY_VIRTUALENVS_IN_PROJECT="true")
    config = read_poetry_config(env_world, project)
    assert (config.virtualenvs_path, config.virtualenvs_in_project) == (
        world.home / "pc" / "v2", True)


def test_poetry_config_defaults(tmp_path: Path) -> None:
    world = make_world(tmp_path, env={"XDG_CACHE_HOME": str(tmp_path / "xc")})
    config = read_poetry_config(world)
    assert (config.files, config.file, config.virtualenvs_in_project) == ((), None, None)
    assert config.virtualenvs_path == tmp_path / "xc" / "pypoetry" / "virtualenvs"


# what a hand-written subset got wrong: inline tables, escapes, multi-line literal strings
TOOL_CONFIGS = {
    "poetry": ('cache-dir = "/a#b"  # note\nn = 3\n\n[virtualenvs]\n'
               'in-project = true\ncreate = false\n[venv]\nlocation = \'~/v\'\n'
               'virtualenvs.path = "p"\n'),
    "inline": 'virtualenvs = { in-project = true, path = "{cache-dir}/venvs" }\n',
    "windows": 'cache-dir = "C:\\\\Users\\\\me\\\\pypoetry"\n',
    "literal": "note = '''\nfirst line\nC:\\Users 'quoted'\n'''\n",
}


def test_toml_reading_gives_the_values_toml_means(tmp_path: Path) -> None:
    parsed = {name: parse_toml(text) for name, text in TOOL_CONFIGS.items()}
    assert parsed == {
        "poetry": {"cache-dir": "/a#b", "n": 3,
                   "virtualenvs": {"in-project": True, "create": False},
                   "venv": {"location": "~/v", "virtualenvs": {"path": "p"}}},
        "inline": {"virtualenvs": {"in-project": True, "path": "{cache-dir}/venvs"}},
        "windows": {"cache-dir": "C:\\Users\\me\\pypoetry"},
        "literal": {"note": "first line\nC:\\Users 'quoted'\n"},
    }
    assert parse_toml("this is not toml\n") is None
    text = TOOL_CONFIGS["poetry"]
    assert load_toml(write(tmp_path / "c.toml", text)) == parse_toml(text)
    assert load_toml(tmp_path / "absent.toml") is None


def test_inline_table_config_reaches_poetry_settings(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    write(world.home / ".config" / "pypoetry" / "config.toml",
          'virtualenvs = { in-project = true, path = "~/pv" }\n')
    config = read_poetry_config(world)
    assert (config.virtualenvs_in_project, config.virtualenvs_path) == (True, world.home / "pv")


def test_tool_configs_read_the_same_on_python_310() -> None:
    pythons = sorted((Path.home() / ".pyenv" / "versions").glob("3.10.*/bin/python"))
    if not pythons:
        pytest.skip("no Python 3.10 here")
    import ainlp.core.discovery.locators.tools_config as module

    package_root = Path(module.__file__).parents[4]
    # pip vendors tomli, the parser AINLP declares for 3.10: stand it in where tomli itself is
    # not installed, so the test needs no network
    code = (
        "import json, sys\n"
        "try:\n    import tomli\n"
        "except ImportError:\n    import pip._vendor.tomli as tomli; sys.modules['tomli'] = tomli\n"
        f"sys.path.insert(0, {str(package_root)!r})\n"
        "from ainlp.core.discovery.locators.tools_config import parse_toml\n"
        "assert sys.version_info[:2] == (3, 10)\n"
        "configs = json.loads(sys.stdin.read())\n"
        "print(json.dumps({name: parse_toml(text) for name, text in configs.items()}))\n"
    )
    done = subprocess.run([str(pythons[-1]), "-c", code], input=json.dumps(TOOL_CONFIGS),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {name: parse_toml(text)
                                       for name, text in TOOL_CONFIGS.items()}


def test_every_registered_locator_runs_on_an_empty_world(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    names = {locator.name for locator in all_locators()}
    assert {"conda", "pipx", "uv-tool", "uv-python", "poetry", "pdm", "hatch",
            "pipenv"} <= names
    assert discover(world, use_cache=False).environments == ()


# ------------------------------------------------------------------ windows --

def test_windows_layouts_of_conda_and_uv(tmp_path: Path) -> None:
    appdata = tmp_path / "AppData" / "Roaming"
    base = make_world(tmp_path, env={"APPDATA": str(appdata)})
    world = replace(base, platform="win32", env={**base.env, "PATH": str(tmp_path / "uvbin")})
    write(tmp_path / "uvbin" / "uv.exe")
    tool = appdata / "uv" / "data" / "tools" / "ruff"
    write(tool / "pyvenv.cfg", f"home = {tmp_path}\\gone\nversion_info = 3.12.4\n")
    write(tool / "Scripts" / "python.exe")
    env = conda_prefix(world.home / "miniconda3" / "envs" / "w", python="3.11.9",
                       interpreter=False, channel="https://x/win-64")
    write(env / "python.exe")
    rows = [(r.kind.value, r.name, _text(r.version), r.executable and r.executable.name,
             r.manager and r.manager.executable and r.manager.executable.name, r.arch,
             tuple(p.id for p in r.problems))
            for r in discover(world, use_cache=False,
                              locators=[UvToolLocator(), CondaLocator()]).environments]
    assert rows == [
        ("conda", "w", "3.11.9", "python.exe", None, "x64", ()),
        ("uv-tool", "ruff", "3.12.4", "python.exe", "uv.exe", None, ("venv.base-missing",)),
    ]


def test_pipx_env_is_named_by_its_metadata(tmp_path: Path) -> None:
    venvs = tmp_path / "home" / ".local" / "share" / "pipx" / "venvs"
    make_venv(venvs / "black-1")
    write(venvs / "black-1" / "pipx_metadata.json",
          '{"main_package": {"package": "black", "suffix": "@1"}, "pipx_metadata_version": "0.5"}')
    make_venv(venvs / "damaged")
    write(venvs / "damaged" / "pipx_metadata.json", "{not json")
    world = make_world(tmp_path)
    names = {r.prefix.name: r.name for r in PipxLocator().locate(world)}
    assert names == {"black-1": "black@1", "damaged": "damaged"}
