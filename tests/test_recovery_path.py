"""PATH recovery: `rebase` points a venv whose versioned base moved (pyenv 3.12.0 upgraded to
3.12.1) at the installed Python of its minor, keeping its packages; `clean-path` shows the
shell lines that drop a dead Python folder from PATH and, with `--rc-file`, writes them into
the rc file in one marked block that undo removes. Each in a world that needs it and one
where it does nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from ainlp.core.world import World

import ainlp
from tests.test_recovery_fix import runnable, steps
from tests.test_recovery_support import (
    MINOR,
    base_gone_world,
    finding_ids,
    healthy_world,
    install,
    python_of,
    runs,
    wheels,
    world_for,
)


def upgraded_world(tmp_path: Path) -> tuple[World, Path, Path, Path]:
    """~/proj/.venv made from pyenv's versions/3.12.0, which an upgrade replaced with
    versions/3.12.1 (both links to the machine's real 3.12 folder). Holds app and dep."""
    python = python_of(MINOR)
    real_root = python.parent.parent
    versions = tmp_path / "pyenv" / "versions"
    versions.mkdir(parents=True)
    old = versions / f"{MINOR}.0"
    old.symlink_to(real_root)
    wheels(tmp_path)
    prefix = tmp_path / "home" / "proj" / ".venv"
    prefix.parent.mkdir(parents=True)
    subprocess.run([str(old / "bin" / python.name), "-m", "venv", "--without-pip",
                    str(prefix)], check=True)
    install(tmp_path, prefix, "app==1.0", "dep==1.0")
    old.unlink()
    new = versions / f"{MINOR}.99"
    new.symlink_to(real_root)
    world = world_for(tmp_path, python)
    world = replace(world, env={**world.env, "PATH": str(new / "bin")})
    return world, prefix, old, new


def absolute_link(prefix: Path) -> Path:
    """The venv's link to its base interpreter (bin/python3.12 -> /…/bin/python3.12)."""
    return next(p for p in sorted((prefix / "bin").iterdir())
                if p.is_symlink() and os.readlink(p).startswith("/"))


def cfg(prefix: Path) -> dict[str, str]:
    found = {}
    for line in (prefix / "pyvenv.cfg").read_text().splitlines():
        key, _, value = line.partition("=")
        found[key.strip()] = value.strip()
    return found


# -- rebase -------------------------------------------------------------------------------

def test_a_venv_whose_pyenv_version_was_upgraded_is_rebased(tmp_path: Path) -> None:
    world, prefix, old, _new = upgraded_world(tmp_path)
    assert cfg(prefix)["home"] == str(old / "bin")
    link = absolute_link(prefix)
    assert os.readlink(link).startswith(str(old))
    assert not runs(prefix)
    before_cfg = (prefix / "pyvenv.cfg").read_bytes()

    planned = ainlp.fix(world=world)
    (step,) = runnable(planned)
    assert step["strategy"] == "rebase"
    assert {"id": "venv.base-missing", "subject": str(prefix)} in step["fixes"]  # type: ignore[operator]
    assert str(prefix / "pyvenv.cfg") in step["touches"]  # type: ignore[operator]
    assert {"id": "env.dangling-interpreter", "subject": str(prefix)} in step["fixes"]  # type: ignore[operator]
    assert (prefix / "pyvenv.cfg").read_bytes() == before_cfg  # a plan changes nothing

    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [], result.messages
    assert result.data["applied"] == ["s1"] and result.exit_code == 0
    assert runs(prefix)  # its packages stayed: nothing was reinstalled
    home = Path(cfg(prefix)["home"])
    assert home.is_dir() and home != old / "bin"
    assert Path(os.readlink(link)).parent == home
    assert not {"venv.base-missing", "env.dangling-interpreter"} & finding_ids(world)

    undone = ainlp.undo(apply=True, world=world)
    assert undone.exit_code == 0, undone.messages
    assert (prefix / "pyvenv.cfg").read_bytes() == before_cfg
    assert os.readlink(link).startswith(str(old)) and not runs(prefix)


def test_rebase_moves_the_active_record_of_the_old_base(tmp_path: Path) -> None:
    world, prefix, old, _ = upgraded_world(tmp_path)
    with ainlp_store(world) as store:
        store.set_active(scope="global", project=None, prefix=str(old), reason="test")
    planned = ainlp.fix(world=world)
    rebase = next(s for s in runnable(planned) if s["strategy"] == "rebase")
    assert any("active environment" in str(n) for n in rebase["notes"])  # type: ignore[union-attr]
    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [], result.messages
    assert rebase["id"] in result.data["applied"]  # type: ignore[operator]
    with ainlp_store(world) as store:
        choice = store.global_active()
    assert choice is not None and choice.prefix != str(old)
    assert Path(choice.prefix).resolve() == python_of(MINOR).parent.parent.resolve()
    assert runs(prefix) and "env.active-missing" not in finding_ids(world)


def test_rebase_keeps_other_pyvenv_keys_and_rewrites_versions() -> None:
    from ainlp.core.recovery.strategies.rebase import rewritten_cfg

    text = ("home = /o/3.11.4/bin\ninclude-system-site-packages = false\n"
            "version = 3.11.4\nversion_info = 3.11.4.final.0\n"
            "executable = /o/3.11.4/bin/python3.11\n"
            "command = /o/3.11.4/bin/python3.11 -m venv /p\n")
    out = rewritten_cfg(text, old_home="/o/3.11.4/bin", new_home="/n/3.11.7/bin",
                        new_python="/n/3.11.7/bin/python3.11", new_version="3.11.7")
    assert out == ("home = /n/3.11.7/bin\ninclude-system-site-packages = false\n"
                   "version = 3.11.7\nversion_info = 3.11.7.final.0\n"
                   "executable = /n/3.11.7/bin/python3.11\n"
                   "command = /n/3.11.7/bin/python3.11 -m venv /p\n")


def test_rebase_is_not_offered_without_an_interpreter_of_the_minor(tmp_path: Path) -> None:
    world, prefix, _, _new = upgraded_world(tmp_path)
    other = world_for(tmp_path / "other", python_of("3.11"))
    world = replace(world, env={**world.env, "PATH": other.env["PATH"]})
    planned = ainlp.fix(world=world)
    assert [s["strategy"] for s in steps(planned)] == ["rebuild"]
    assert steps(planned)[0]["blocked"]
    assert not runs(prefix)


def test_an_unversioned_base_is_rebuilt_not_rebased(tmp_path: Path) -> None:
    world, _ = base_gone_world(tmp_path)
    assert [s["strategy"] for s in runnable(ainlp.fix(world=world))] == ["rebuild"]


def test_a_healthy_venv_is_not_rebased(tmp_path: Path) -> None:
    world, prefix = healthy_world(tmp_path)
    before = (prefix / "pyvenv.cfg").read_bytes()
    result = ainlp.fix(world=world, apply=True)
    assert not [s for s in steps(result) if s["strategy"] in ("rebase", "clean-path")]
    assert (prefix / "pyvenv.cfg").read_bytes() == before


# -- clean-path ---------------------------------------------------------------------------

def dead_path_world(tmp_path: Path, shell: str = "/bin/bash") -> tuple[World, str, Path]:
    """PATH still names pyenv's versions/3.12.0/bin, gone after an upgrade; 3.12 is
    installed elsewhere (first on the healthy part of PATH)."""
    python = python_of(MINOR)
    world = world_for(tmp_path, python)
    dead = str(tmp_path / "pyenv" / "versions" / f"{MINOR}.0" / "bin")
    world = replace(world, env={**world.env, "PATH": f"{dead}:{world.env['PATH']}",
                                "SHELL": shell})
    (tmp_path / "home" / "proj").mkdir(parents=True, exist_ok=True)
    return world, dead, python


def bash_path(rc: Path, path: str) -> list[str]:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash on this machine")
    done = subprocess.run([bash, "-c", 'source "$1"; printf "%s" "$PATH"', "bash", str(rc)],
                          env={"PATH": path, "HOME": str(rc.parent)}, capture_output=True,
                          text=True, timeout=30, check=True)
    return done.stdout.split(":")


def test_a_dead_python_folder_on_path_gets_shell_lines_in_the_plan(tmp_path: Path) -> None:
    world, dead, _ = dead_path_world(tmp_path)
    assert "path.missing-dir" in finding_ids(world)
    result = ainlp.fix(world=world, apply=True)
    (step,) = [s for s in steps(result) if s["strategy"] == "clean-path"]
    assert step["blocked"] and "--rc-file" in str(step["blocked"])
    notes = [str(n) for n in step["notes"]]  # type: ignore[union-attr]
    assert {n.split(":", 1)[0] for n in notes} == {"bash", "zsh", "fish", "powershell"}
    for shell in ("bash", "zsh", "fish", "powershell"):
        assert any(n.startswith(f"{shell}: ") and dead in n for n in notes)  # dropped
    assert any(n.startswith("bash: export PATH=") and f"python{MINOR}" not in n
               for n in notes)  # the folder of the installed 3.12, put first
    assert not (tmp_path / "home" / ".bashrc").exists()  # nothing written without consent


def test_rc_file_gets_one_marked_block_that_bash_runs_and_undo_removes(tmp_path: Path) -> None:
    world, dead, _ = dead_path_world(tmp_path)
    rc = tmp_path / "home" / ".bashrc"
    rc.write_text("alias ll='ls -l'\n")
    result = ainlp.fix(world=world, apply=True, rc_file=True)
    (step,) = [s for s in steps(result) if s["strategy"] == "clean-path"]
    assert not step["blocked"] and step["touches"] == [str(rc)]
    assert result.data["failed"] == [], result.messages
    assert step["id"] in result.data["applied"]  # type: ignore[operator]
    text = rc.read_text()
    assert text.startswith("alias ll='ls -l'\n")
    assert text.count("# >>> ainlp >>>") == 1 and text.count("# <<< ainlp <<<") == 1
    after = bash_path(rc, world.env["PATH"])
    assert dead not in after
    assert Path(after[0]).resolve() == python_of(MINOR).parent.resolve() or \
        (Path(after[0]) / f"python{MINOR}").exists()

    again = ainlp.fix(world=world, apply=True, rc_file=True)
    assert again.data["failed"] == [], again.messages
    assert rc.read_text().count("# >>> ainlp >>>") == 1  # replaced, not added
    assert rc.read_text() == text

    for _ in range(2):  # the second run's event (nothing new written), then the first's
        if rc.read_text() != "alias ll='ls -l'\n":
            assert ainlp.undo(apply=True, world=world).exit_code == 0
    assert rc.read_text() == "alias ll='ls -l'\n"


def test_zsh_and_fish_get_their_own_rc_file(tmp_path: Path) -> None:
    world, _dead, _ = dead_path_world(tmp_path, shell="/usr/bin/fish")
    result = ainlp.fix(world=world, apply=True, rc_file=True)
    assert result.data["failed"] == [], result.messages
    fish = tmp_path / "home" / ".config" / "fish" / "config.fish"
    assert "set -gx PATH (string match -v --" in fish.read_text()
    assert not (tmp_path / "home" / ".bashrc").exists()
    from ainlp.core.recovery.strategies.path import rc_file, user_shell

    assert rc_file(tmp_path, user_shell({"SHELL": "/bin/zsh"})) == tmp_path / ".zshrc"
    assert user_shell({}) == "bash"


def test_a_healthy_path_gets_no_path_repair(tmp_path: Path) -> None:
    world, _ = healthy_world(tmp_path)
    world = replace(world, env={**world.env, "SHELL": "/bin/bash",
                                "PATH": world.env["PATH"] + f":{tmp_path / 'gone'}"})
    result = ainlp.fix(world=world, apply=True, rc_file=True)
    assert not [s for s in steps(result) if s["strategy"] == "clean-path"]  # not a Python's
    assert not (tmp_path / "home" / ".bashrc").exists()


def ainlp_store(world: World):  # type: ignore[no-untyped-def]
    from ainlp.core.state import StateStore

    return StateStore.open(world.state_dir)
