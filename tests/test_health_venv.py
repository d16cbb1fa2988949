"""Venv checks: each has a world that triggers it and one that does not."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import make_venv, make_world, real_pythons, write
from test_health_support import BASE, BASE_MINOR, fake_base, ids, run_one, script


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    return make_venv(tmp_path / "proj" / ".venv")


def fake_venv(prefix: Path, cfg: str, python_target: Path | None = None) -> Path:
    write(prefix / "pyvenv.cfg", cfg)
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    if python_target is not None:
        (prefix / "bin" / "python").symlink_to(python_target)
    return prefix


def test_base_missing(tmp_path: Path, venv: Path) -> None:
    gone = tmp_path / "gone" / "bin"
    broken = fake_venv(tmp_path / "old", f"home = {gone}\nversion = 3.9.1\n", gone / "python3")
    world = make_world(tmp_path)
    assert ids(world, "venv.base-missing", target=str(broken)) == {"venv.base-missing"}
    assert ids(world, "venv.base-missing", target=str(venv)) == set()


@pytest.mark.parametrize("text", ["nothing useful here\n", "version = 3.11.2\n",
                                  "home = relative/bin\nversion = 3.11.2\n"])
def test_cfg_invalid(tmp_path: Path, venv: Path, text: str) -> None:
    broken = fake_venv(tmp_path / "bad", text, BASE)
    world = make_world(tmp_path)
    assert ids(world, "venv.cfg-invalid", target=str(broken)) == {"venv.cfg-invalid"}
    assert ids(world, "venv.cfg-invalid", target=str(venv)) == set()


def test_base_upgraded(tmp_path: Path, venv: Path) -> None:
    base = fake_base(tmp_path / "usr-local", "3.12")
    (base / "bin" / "python3").symlink_to("python3.12")
    upgraded = fake_venv(tmp_path / "upg", f"home = {base / 'bin'}\nversion = 3.11.4\n",
                         base / "bin" / "python3")
    world = make_world(tmp_path)
    assert ids(world, "venv.base-upgraded", target=str(upgraded)) == {"venv.base-upgraded"}
    assert ids(world, "venv.base-upgraded", target=str(venv)) == set()


def test_base_upgraded_asks_an_unnamed_base(tmp_path: Path) -> None:
    """A base called plain `python` has no minor in its name: it is asked (via the probe)."""
    home = tmp_path / "b" / "bin"
    write(home / "python", f'#!/bin/sh\nexec "{BASE}" "$@"\n', 0o755)
    other = "3.4" if BASE_MINOR != "3.4" else "3.5"
    made = fake_venv(tmp_path / "v", f"home = {home}\nversion = {other}.1\n", home / "python")
    same = fake_venv(tmp_path / "w", f"home = {home}\nversion = {BASE_MINOR}.0\n", home / "python")
    world = make_world(tmp_path)
    assert ids(world, "venv.base-upgraded", target=str(made)) == {"venv.base-upgraded"}
    assert ids(world, "venv.base-upgraded", target=str(same)) == set()


def test_fragile_base_cellar_and_shims(tmp_path: Path, venv: Path) -> None:
    cellar = fake_base(tmp_path / "opt" / "homebrew" / "Cellar" / "python@3.11" / "3.11.4")
    brew = fake_venv(tmp_path / "brew", f"home = {cellar / 'bin'}\nversion = 3.11.4\n",
                     cellar / "bin" / "python3.11")
    shims = tmp_path / "pyenv" / "shims"
    shims.mkdir(parents=True)
    shimmed = fake_venv(tmp_path / "shimmed", f"home = {shims}\nversion = 3.11.4\n", BASE)
    world = make_world(tmp_path, env={"PYENV_ROOT": str(tmp_path / "pyenv")})
    assert ids(world, "venv.fragile-base", target=str(brew)) == {"venv.fragile-base"}
    assert ids(world, "venv.fragile-base", target=str(shimmed)) == {"venv.fragile-base"}
    assert ids(world, "venv.fragile-base", target=str(venv)) == set()


@pytest.mark.parametrize("python", real_pythons(), ids=lambda p: p.parent.parent.name)
def test_moved(tmp_path: Path, python: Path) -> None:
    first = make_venv(tmp_path / "first", python)
    script(first / "bin" / "tool", str(first / "bin" / "python"))
    moved = tmp_path / "second"
    shutil.move(str(first), str(moved))
    stay = make_venv(tmp_path / "stay")
    script(stay / "bin" / "tool", str(stay / "bin" / "python"))
    world = make_world(tmp_path)
    assert ids(world, "venv.moved", target=str(moved)) == {"venv.moved"}
    assert ids(world, "venv.moved", target=str(stay)) == set()


def test_moved_without_activate_by_shebangs(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "v")
    (venv / "bin" / "activate").unlink()
    for name in ("a", "b"):
        script(venv / "bin" / name, str(tmp_path / "elsewhere" / "bin" / "python3"))
    assert ids(make_world(tmp_path), "venv.moved", target=str(venv)) == {"venv.moved"}


def test_dangling_shebang(tmp_path: Path, venv: Path) -> None:
    other = make_venv(tmp_path / "other")
    script(other / "bin" / "tool", str(tmp_path / "uninstalled" / "bin" / "python3"))
    script(venv / "bin" / "good", str(venv / "bin" / "python"))
    world = make_world(tmp_path)
    assert ids(world, "venv.dangling-shebang", target=str(other)) == {"venv.dangling-shebang"}
    assert ids(world, "venv.moved", target=str(other)) == set()
    assert ids(world, "venv.dangling-shebang", target=str(venv)) == set()


@pytest.mark.parametrize("interpreter", ["/usr/bin/env python3", str(BASE), "python"])
def test_bad_shebang(tmp_path: Path, venv: Path, interpreter: str) -> None:
    other = make_venv(tmp_path / "other")
    script(other / "bin" / "tool", interpreter)
    script(venv / "bin" / "good", str(venv / "bin" / f"python{BASE_MINOR}"))
    world = make_world(tmp_path)
    assert ids(world, "venv.bad-shebang", target=str(other)) == {"venv.bad-shebang"}
    assert ids(world, "venv.bad-shebang", target=str(venv)) == set()


def _add_pip_package(venv: Path) -> None:
    write(venv / "lib" / f"python{BASE_MINOR}" / "site-packages" / "pip" / "__init__.py")


def test_pip_missing_is_info(tmp_path: Path) -> None:
    bare = make_venv(tmp_path / "bare")
    with_pip = make_venv(tmp_path / "withpip")
    _add_pip_package(with_pip)
    world = make_world(tmp_path)
    found = run_one(world, "venv.pip-missing", target=str(bare))
    assert [(f.id, f.severity.value) for f in found] == [("venv.pip-missing", "info")]
    assert ids(world, "venv.pip-missing", target=str(with_pip)) == set()


def test_pip_unrunnable(tmp_path: Path) -> None:
    broken = make_venv(tmp_path / "broken")
    script(broken / "bin" / "pip", str(broken / "bin" / "python"))
    fine = make_venv(tmp_path / "fine")
    script(fine / "bin" / "pip", str(fine / "bin" / "python"))
    _add_pip_package(fine)
    world = make_world(tmp_path)
    assert ids(world, "venv.pip-unrunnable", target=str(broken)) == {"venv.pip-unrunnable"}
    assert ids(world, "venv.pip-unrunnable", target=str(fine)) == set()


def test_no_interpreter_and_dangling_interpreter(tmp_path: Path, venv: Path) -> None:
    empty = fake_venv(tmp_path / "empty", f"home = {BASE.parent}\nversion = 3.11.1\n")
    dangling = fake_venv(tmp_path / "dangling", f"home = {BASE.parent}\nversion = 3.11.1\n",
                         tmp_path / "nowhere" / "python3")
    world = make_world(tmp_path)
    assert ids(world, "env.no-interpreter", target=str(empty)) == {"env.no-interpreter"}
    assert ids(world, "env.dangling-interpreter", target=str(dangling)) == {
        "env.dangling-interpreter"}
    for check in ("env.no-interpreter", "env.dangling-interpreter"):
        assert ids(world, check, target=str(venv)) == set()


def test_unrunnable_interpreter(tmp_path: Path, venv: Path) -> None:
    bad = write(tmp_path / "badbin" / "python3", "#!/bin/sh\necho boom >&2\nexit 3\n", 0o755)
    assert ids(make_world(tmp_path, path=[bad.parent]), "interpreter.unrunnable") == {
        "interpreter.unrunnable"}
    assert ids(make_world(tmp_path, path=[venv / "bin"]), "interpreter.unrunnable") == set()


def test_not_writable(tmp_path: Path, venv: Path) -> None:
    locked = make_venv(tmp_path / "locked")
    site = locked / "lib" / f"python{BASE_MINOR}" / "site-packages"
    entry = write(site / "rootowned.py")
    if os.geteuid() == 0:
        os.chown(entry, 54321, 54321)
    else:
        site.chmod(0o555)
    world = make_world(tmp_path)
    try:
        assert ids(world, "env.not-writable", target=str(locked)) == {"env.not-writable"}
        assert ids(world, "env.not-writable", target=str(venv)) == set()
    finally:
        site.chmod(0o755)


def test_pip_checks_skip_environments_that_cannot_run(tmp_path: Path) -> None:
    """QA #9: no `<env>/bin/python -m ensurepip` hint for an env whose python cannot start."""
    from ainlp.core.health import run_checks

    gone = tmp_path / "gone" / "bin"
    empty = fake_venv(tmp_path / "empty", f"home = {BASE.parent}\nversion = 3.11.1\n")
    orphan = fake_venv(tmp_path / "orphan", f"home = {gone}\nversion = 3.9.1\n", gone / "python3")
    looped = fake_venv(tmp_path / "looped", f"home = {BASE.parent}\nversion = 3.11.1\n",
                       tmp_path / "looped" / "bin" / "python3")
    (looped / "bin" / "python3").symlink_to(looped / "bin" / "python")
    for env in (empty, orphan, looped):
        script(env / "bin" / "pip", str(env / "bin" / "python"))  # pip-unrunnable's trigger
        write(env / "lib" / "python3.11" / "site-packages" / "pip-24.0.dist-info" / "METADATA",
              "Metadata-Version: 2.1\nName: pip\nVersion: 24.0\n")  # packages.pip-broken's
    world = make_world(tmp_path)
    for env, broken_id in ((empty, "env.no-interpreter"), (orphan, "venv.base-missing"),
                           (looped, "env.dangling-interpreter")):
        report = run_checks(world, target=str(env))
        found = {f.id for f in report.findings}
        assert broken_id in found, (env, found)
        assert not found & {"venv.pip-missing", "venv.pip-unrunnable", "packages.pip-broken"}
        assert not [f for f in report.findings if str(env / "bin" / "python") + " " in f.hint]
        shutil.rmtree(env / "bin")
        (env / "bin").mkdir()
        assert "venv.pip-missing" not in {f.id for f in run_checks(world, target=str(env)).findings}
    runnable = make_venv(tmp_path / "runnable")
    assert ids(world, "venv.pip-missing", target=str(runnable)) == {"venv.pip-missing"}
