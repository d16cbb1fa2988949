"""Interpreter checks: stdlib extension modules, ensurepip, PEP 668, end of life."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from ainlp.core.world import World
from conftest import make_venv, make_world, real_pythons, write
from test_health_support import fake_base, ids, run_one, script, wrapper_base

SAYS_MISSING = "#!/bin/sh\nprintf -- '--ainlp-modules--{names}--ainlp-modules--'\n"


def test_no_ssl_confirmed_by_asking(tmp_path: Path) -> None:
    """_ssl absent from lib-dynload may be built in: the interpreter is asked."""
    built_without = fake_base(tmp_path / "a", skip=("_ssl",),
                              exe_body=SAYS_MISSING.format(names="ssl"))
    built_in = fake_base(tmp_path / "b", skip=("_ssl",), exe_body=SAYS_MISSING.format(names=""))
    world = make_world(tmp_path)
    assert ids(world, "interpreter.no-ssl", target=str(built_without)) == {"interpreter.no-ssl"}
    assert ids(world, "interpreter.no-ssl", target=str(built_in)) == set()


def test_no_ssl_reaches_venvs_through_their_base(tmp_path: Path) -> None:
    base = fake_base(tmp_path / "base", skip=("_ssl",), exe_body=SAYS_MISSING.format(names="ssl"))
    venv = tmp_path / "v"
    write(venv / "pyvenv.cfg", f"home = {base / 'bin'}\nversion = 3.11.4\n")
    (venv / "bin").mkdir()
    (venv / "bin" / "python").symlink_to(base / "bin" / "python3.11")
    found = run_one(make_world(tmp_path), "interpreter.no-ssl", target=str(venv))
    assert [(f.id, f.subject) for f in found] == [("interpreter.no-ssl", str(base))]


@pytest.mark.parametrize("module", ["sqlite3", "ctypes", "lzma", "bz2", "readline"])
def test_missing_stdlib_module(tmp_path: Path, module: str) -> None:
    """A stripped Python part is certain without running anything (the exe would fail)."""
    body = "#!/bin/sh\nexit 9\n"
    stripped = fake_base(tmp_path / "a", skip=(module,), exe_body=body)
    complete = fake_base(tmp_path / "b", exe_body=body)
    world = make_world(tmp_path)
    if module == "readline":  # no Python part: the compiled module missing means asking
        stripped = fake_base(tmp_path / "c", skip=(module,),
                             exe_body=SAYS_MISSING.format(names="readline"))
    assert ids(world, "interpreter.missing-stdlib-module", target=str(stripped)) == {
        "interpreter.missing-stdlib-module"}
    assert ids(world, "interpreter.missing-stdlib-module", target=str(complete)) == set()


def test_no_tkinter_is_info(tmp_path: Path) -> None:
    stripped = fake_base(tmp_path / "a", skip=("tkinter",))
    found = run_one(make_world(tmp_path), "interpreter.no-tkinter", target=str(stripped))
    assert [(f.id, f.severity.value) for f in found] == [("interpreter.no-tkinter", "info")]
    complete = fake_base(tmp_path / "b")
    assert ids(make_world(tmp_path), "interpreter.no-tkinter", target=str(complete)) == set()


def test_unsure_modules_that_import_are_not_reported(tmp_path: Path) -> None:
    """lib-dynload without the files, but the real interpreter imports them: no finding."""
    base = wrapper_base(tmp_path / "w", skip=("_ssl", "_sqlite3", "_ctypes"))
    world = make_world(tmp_path)
    for check in ("interpreter.no-ssl", "interpreter.missing-stdlib-module"):
        assert ids(world, check, target=str(base)) == set()


@pytest.mark.parametrize("python", real_pythons(), ids=lambda p: p.parent.parent.name)
def test_real_pythons_have_their_modules(tmp_path: Path, python: Path) -> None:
    world = make_world(tmp_path)
    prefix = str(python.parent.parent)
    for check in ("interpreter.no-ssl", "interpreter.missing-stdlib-module",
                  "interpreter.no-ensurepip"):
        assert ids(world, check, target=prefix) == set(), check


def test_no_ensurepip(tmp_path: Path) -> None:
    stripped = fake_base(tmp_path / "a", skip=("ensurepip",))
    complete = fake_base(tmp_path / "b")
    world = make_world(tmp_path)
    assert ids(world, "interpreter.no-ensurepip", target=str(stripped)) == {
        "interpreter.no-ensurepip"}
    assert ids(world, "interpreter.no-ensurepip", target=str(complete)) == set()


def test_debian_ensurepip_reads_wheels_from_usr_share(tmp_path: Path) -> None:
    debian = fake_base(tmp_path / "d")
    for wheel in (debian / "lib" / "python3.11" / "ensurepip" / "_bundled").iterdir():
        wheel.unlink()
    world = make_world(tmp_path)
    assert ids(world, "interpreter.no-ensurepip", target=str(debian)) == {
        "interpreter.no-ensurepip"}
    write(tmp_path / "root" / "usr" / "share" / "python-wheels" / "pip-23.0.1-py3-none-any.whl")
    assert ids(world, "interpreter.no-ensurepip", target=str(debian)) == set()


def _managed(tmp_path: Path) -> Path:
    base = wrapper_base(tmp_path / "sys")
    minor = next((base / "lib").iterdir()).name
    write(base / "lib" / minor / "EXTERNALLY-MANAGED", "[externally-managed]\nError=use apt\n")
    return base


def test_externally_managed_with_pip_bound_to_it(tmp_path: Path) -> None:
    base = _managed(tmp_path)
    exe = next((base / "bin").iterdir())
    script(base / "bin" / "pip", str(exe))
    world = make_world(tmp_path, path=[base / "bin"])
    assert ids(world, "interpreter.externally-managed") == {"interpreter.externally-managed"}


def test_externally_managed_with_pip_installed_packages(tmp_path: Path) -> None:
    base = _managed(tmp_path)
    minor = next((base / "lib").iterdir()).name
    info = base / "local" / "lib" / minor / "dist-packages" / "requests-2.31.0.dist-info"
    write(info / "INSTALLER", "pip\n")
    world = make_world(tmp_path, path=[base / "bin"])
    assert ids(world, "interpreter.externally-managed") == {"interpreter.externally-managed"}


def test_externally_managed_left_alone_is_fine(tmp_path: Path) -> None:
    base = _managed(tmp_path)
    venv = make_venv(tmp_path / "v")
    script(venv / "bin" / "pip", str(venv / "bin" / "python"))
    # `python3` of the managed base on PATH, pip from a venv: installs go to the venv
    world = make_world(tmp_path, path=[base / "bin", venv / "bin"])
    assert ids(world, "interpreter.externally-managed") == set()
    forced = make_world(tmp_path, path=[base / "bin"], env={"PIP_BREAK_SYSTEM_PACKAGES": "1"})
    assert ids(forced, "interpreter.externally-managed") == {"interpreter.externally-managed"}


def _at(world_date: dt.date, tmp_path: Path) -> World:
    stamp = dt.datetime(world_date.year, world_date.month, world_date.day,
                        tzinfo=dt.timezone.utc).timestamp()
    return replace(make_world(tmp_path), clock=lambda: stamp)


def test_end_of_life_is_info_with_the_date(tmp_path: Path) -> None:
    old = fake_base(tmp_path / "old", "3.8")
    write(old / "include" / "python3.8" / "patchlevel.h", '#define PY_VERSION "3.8.18"\n')
    after = _at(dt.date(2026, 11, 25), tmp_path)
    found = run_one(after, "interpreter.end-of-life", target=str(old))
    assert [(f.id, f.severity.value) for f in found] == [("interpreter.end-of-life", "info")]
    assert "2024-10-07" in found[0].message
    before = _at(dt.date(2024, 1, 1), tmp_path)
    assert ids(before, "interpreter.end-of-life", target=str(old)) == set()


def test_end_of_life_table_is_ordered() -> None:
    from ainlp.core.health.checks.interpreters import END_OF_LIFE

    threes = sorted((k for k in END_OF_LIFE if k.startswith("3.")), key=lambda v: int(v[2:]))
    dates = [END_OF_LIFE[k] for k in threes]
    assert dates == sorted(dates)
