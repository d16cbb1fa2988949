"""Discovery over worlds built in tmp_path: hostile interpreters, broken venvs, the cache."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from ainlp.core.discovery import EnvKind, EnvState, discover
from ainlp.core.discovery.cache import CACHE_FILE
from ainlp.core.discovery.locators.path import PathLocator
from ainlp.core.discovery.locators.pyenv import PyenvLocator, selected_versions
from ainlp.core.versions import PyVersion
from conftest import make_venv, make_world, real_pythons, real_version, write

BASE_PYTHON = real_pythons()[0]




def by_prefix(inventory_envs: tuple, prefix: Path):  # type: ignore[no-untyped-def]
    matches = [e for e in inventory_envs if e.prefix == prefix.resolve()]
    assert len(matches) == 1, [str(e.prefix) for e in inventory_envs]
    return matches[0]


def test_hostile_python_that_hangs_is_broken_and_leaves_no_process(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    bin_dir = tmp_path / "hostile" / "bin"
    # the shell forks a grandchild sleeper that holds our pipes open
    write(bin_dir / "python3", f"#!/bin/sh\necho $$ > {pid_file}\nsleep 60 &\nwait\n", 0o755)
    world = make_world(tmp_path, path=[bin_dir], probe_timeout=1.0)
    started = time.monotonic()
    inventory = discover(world, locators=[PathLocator()], use_cache=False)
    elapsed = time.monotonic() - started
    assert elapsed < 30  # far below the minute the interpreter would take
    (env,) = inventory.environments
    assert env.state is EnvState.BROKEN
    assert [p.id for p in env.problems] == ["interpreter.unrunnable"]
    assert "timed out" in env.problems[0].message
    pid = int(pid_file.read_text())
    time.sleep(0.1)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    leftovers = subprocess.run(["pgrep", "-f", "sleep 60"], capture_output=True, text=True)
    parents = [line for line in leftovers.stdout.split() if line]
    for child in parents:
        status = Path(f"/proc/{child}/status")
        if status.exists():
            ppid = [ln for ln in status.read_text().splitlines() if ln.startswith("PPid:")]
            assert ppid and int(ppid[0].split()[1]) != pid


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("#!/bin/sh\necho 'Welcome to the hacked python'\n", "not a Python probe"),
        ("#!/bin/sh\nhead -c 3000 /dev/urandom\n", "not a Python probe"),
        ("#!/bin/sh\necho boom >&2\nexit 3\n", "exit 3: boom"),
    ],
)
def test_garbage_printing_or_crashing_python_is_broken(
    tmp_path: Path, script: str, reason: str
) -> None:
    bin_dir = tmp_path / "weird" / "bin"
    write(bin_dir / "python3", script, 0o755)
    world = make_world(tmp_path, path=[bin_dir])
    (env,) = discover(world, locators=[PathLocator()], use_cache=False).environments
    assert env.state is EnvState.BROKEN
    assert reason in env.problems[0].message


def test_not_executable_python_on_path_is_broken(tmp_path: Path) -> None:
    bin_dir = tmp_path / "noexec" / "bin"
    write(bin_dir / "python3", "#!/bin/sh\n", 0o644)
    world = make_world(tmp_path, path=[bin_dir])
    (env,) = discover(world, locators=[PathLocator()], use_cache=False).environments
    assert env.state is EnvState.BROKEN
    assert "cannot start" in env.problems[0].message


def test_real_venv_on_path_is_ok_with_exact_version_without_spawning(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "proj" / ".venv")
    calls: list[list[str]] = []

    def no_spawn(argv, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(list(argv))
        raise AssertionError("a venv with pyvenv.cfg needs no spawn")

    world = make_world(tmp_path, path=[venv / "bin"])
    world = type(world)(**{**world.__dict__, "run": no_spawn})
    (env,) = discover(world, locators=[PathLocator()], use_cache=False).environments
    assert env.kind is EnvKind.VENV
    assert env.state is EnvState.OK
    assert env.version == PyVersion(real_version(BASE_PYTHON))
    assert env.executable == venv.resolve() / "bin" / "python"
    assert env.base_executable is not None
    assert calls == []


def test_venv_whose_base_vanished_is_broken(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "old")
    cfg = venv / "pyvenv.cfg"
    cfg.write_text(cfg.read_text().replace(str(BASE_PYTHON.parent), str(tmp_path / "gone" / "bin")))
    for exe in (venv / "bin").glob("python*"):
        exe.unlink()
        exe.symlink_to(tmp_path / "gone" / "bin" / "python3")
    world = make_world(tmp_path, path=[venv / "bin"])
    inventory = discover(world, locators=[PathLocator()], use_cache=False)
    (env,) = inventory.environments
    assert env.state is EnvState.BROKEN
    assert {p.id for p in env.problems} == {"venv.base-missing", "env.dangling-interpreter"}
    assert inventory.summary == {"total": 1, "ok": 0, "broken": 1, "missing": 0}


def test_stale_pyvenv_version_loses_to_the_base_interpreter(tmp_path: Path) -> None:
    base = tmp_path / "base"
    write(base / "bin" / "python3.11", "#!/bin/sh\n", 0o755)
    write(base / "include" / "python3.11" / "patchlevel.h", '#define PY_VERSION "3.11.9"\n')
    venv = tmp_path / "env"
    write(venv / "pyvenv.cfg", f"home = {base / 'bin'}\nversion = 3.11.4\n")
    (venv / "bin").mkdir()
    (venv / "bin" / "python").symlink_to(base / "bin" / "python3.11")
    world = make_world(tmp_path, path=[base / "bin", venv / "bin"])
    inventory = discover(world, locators=[PathLocator()], use_cache=False)
    env = by_prefix(inventory.environments, venv)
    assert env.version == PyVersion("3.11.9")
    assert env.version_source == "base-interpreter"


def make_pyenv(tmp_path: Path, versions: dict[str, str]) -> Path:
    root = tmp_path / "home" / ".pyenv"
    for name, patch in versions.items():
        write(root / "versions" / name / "bin" / "python3", "#!/bin/sh\n", 0o755)
        (root / "versions" / name / "bin" / "python").symlink_to("python3")
        if patch:
            minor = ".".join(patch.split(".")[:2])
            write(
                root / "versions" / name / "include" / f"python{minor}" / "patchlevel.h",
                f'#define PY_VERSION "{patch}"\n',
            )
    shim = (
        '#!/usr/bin/env bash\nset -e\nexport PYENV_ROOT="{root}"\n'
        'exec "{root}/libexec/pyenv" exec "$program" "$@"\n'
    )
    for name in ("python", "python3"):
        write(root / "shims" / name, shim.format(root=root), 0o755)
    return root


def test_pyenv_versions_and_shims_resolve_by_reading_files(tmp_path: Path) -> None:
    root = make_pyenv(tmp_path, {"3.12.4": "3.12.4", "3.13-dev": ""})
    write(root / "version", "3.12.4\n")
    project = tmp_path / "home" / "proj"
    write(project / ".python-version", "3.13-dev\n")
    world = make_world(tmp_path, path=[root / "shims"], cwd=project)
    assert selected_versions(world).versions == ("3.13-dev",)
    inventory = discover(world, locators=[PyenvLocator(), PathLocator()], use_cache=False)
    versions = {e.prefix.name: (e.kind, str(e.version), e.found_by)
                for e in inventory.environments}
    assert versions == {
        "3.12.4": (EnvKind.PYENV, "3.12.4", ("pyenv",)),
        "3.13-dev": (EnvKind.PYENV, "3.13-dev", ("pyenv", "path")),
    }


def test_python_version_file_naming_an_absent_version_falls_through(tmp_path: Path) -> None:
    root = make_pyenv(tmp_path, {"3.12.4": "3.12.4"})
    project = tmp_path / "home" / "proj"
    write(project / ".python-version", "3.9.1\n")
    world = make_world(tmp_path, path=[root / "shims"], cwd=project)
    inventory = discover(world, locators=[PathLocator()], use_cache=False)
    assert inventory.environments == ()


def test_same_file_through_two_path_entries_is_reported_once(tmp_path: Path) -> None:
    usr_bin = tmp_path / "root" / "usr" / "bin"
    write(usr_bin / "python3.11", "#!/bin/sh\n", 0o755)
    (usr_bin / "python3").symlink_to("python3.11")
    write(
        tmp_path / "root" / "usr" / "include" / "python3.11" / "patchlevel.h",
        '#define PY_VERSION "3.11.2"\n',
    )
    (tmp_path / "root" / "bin").symlink_to("usr/bin")
    world = make_world(tmp_path, path=[usr_bin, tmp_path / "root" / "bin"])
    (env,) = discover(world, locators=[PathLocator()], use_cache=False).environments
    assert (env.kind, env.version, env.executable) == (
        EnvKind.SYSTEM,
        PyVersion("3.11.2"),
        usr_bin.resolve() / "python3.11",
    )


def test_cache_cold_and_warm_agree_and_survive_corruption(tmp_path: Path) -> None:
    bin_dir = tmp_path / "plain" / "bin"
    # a wrapper with no headers or pyvenv.cfg beside it: only a probe can tell its version
    write(bin_dir / "python3", f'#!/bin/sh\nexec "{BASE_PYTHON}" "$@"\n', 0o755)
    world = make_world(tmp_path, path=[bin_dir])
    cold = discover(world, locators=[PathLocator()])
    warm = discover(world, locators=[PathLocator()])
    assert cold.cache == "cold" and warm.cache == "warm"
    assert [e.to_json() for e in cold.environments] == [e.to_json() for e in warm.environments]
    cache_file = world.state_dir / CACHE_FILE
    cache_file.write_text("{not json")
    again = discover(world, locators=[PathLocator()])
    assert again.cache == "cold"
    assert [e.to_json() for e in again.environments] == [e.to_json() for e in cold.environments]
    assert json.loads(cache_file.read_text())["format"] == 1
    refreshed = discover(world, locators=[PathLocator()], refresh=True)
    assert refreshed.cache == "cold"


def test_cache_is_invalidated_when_the_interpreter_changes(tmp_path: Path) -> None:
    bin_dir = tmp_path / "swap" / "bin"
    write(bin_dir / "python3", "#!/bin/sh\necho garbage\n", 0o755)
    world = make_world(tmp_path, path=[bin_dir])
    (first,) = discover(world, locators=[PathLocator()]).environments
    assert first.state is EnvState.BROKEN
    time.sleep(0.01)
    write(bin_dir / "python3", f'#!/bin/sh\nexec "{BASE_PYTHON}" "$@"\n', 0o755)
    (second,) = discover(world, locators=[PathLocator()]).environments
    assert second.state is EnvState.OK
    assert second.version == PyVersion(real_version(BASE_PYTHON))


def test_real_machine_pyenv_versions_and_system_python(tmp_path: Path) -> None:
    """Reads (never changes) the machine's real interpreters."""
    from ainlp.core.world import World

    pyenv_versions = Path.home() / ".pyenv" / "versions"
    system = Path("/usr/bin/python3.11")
    if not pyenv_versions.is_dir() and not system.exists():
        pytest.skip("no pyenv versions and no /usr/bin/python3.11 on this machine")
    real = World.current()
    world = type(real)(**{**real.__dict__, "env": {**real.env, "AINLP_HOME": str(tmp_path)}})
    inventory = discover(world)
    found = {e.prefix: e for e in inventory.environments}
    for prefix in sorted(p for p in pyenv_versions.iterdir() if (p / "bin").is_dir()):
        exe = next(iter(sorted((prefix / "bin").glob("python[0-9]*"))), None)
        if exe is None or (prefix / "pyvenv.cfg").exists():
            continue
        record = found[prefix.resolve()]
        assert record.kind is EnvKind.PYENV
        assert record.version == PyVersion(real_version(exe)), prefix
    if system.exists():
        (record,) = [e for e in inventory.environments if e.executable == system]
        assert record.version == PyVersion(real_version(system))


def test_pyenv_version_through_a_linked_root_and_path_is_one_record(tmp_path: Path) -> None:
    real_root = make_pyenv(tmp_path, {"3.12.4": "3.12.4"})
    linked = tmp_path / "home" / "linked-pyenv" / "versions"
    linked.mkdir(parents=True)
    (linked / "3.12.4").symlink_to(real_root / "versions" / "3.12.4")
    world = make_world(tmp_path, path=[linked / "3.12.4" / "bin"],
                       env={"PYENV_ROOT": str(linked.parent)})
    (env,) = discover(world, locators=[PyenvLocator(), PathLocator()],
                      use_cache=False).environments
    assert (env.kind, env.version, set(env.found_by)) == (EnvKind.PYENV, PyVersion("3.12.4"),
                                                          {"pyenv", "path"})


def test_symlink_loop_on_path_is_named_a_loop_in_an_unknown_folder(tmp_path: Path) -> None:
    folder = tmp_path / "loop" / "bin"
    folder.mkdir(parents=True)
    (folder / "python3").symlink_to("python3b")
    (folder / "python3b").symlink_to("python3")
    world = make_world(tmp_path, path=[folder])
    (env,) = discover(world, locators=[PathLocator()], use_cache=False).environments
    assert env.kind is EnvKind.UNKNOWN
    (problem,) = env.problems
    assert problem.id == "env.dangling-interpreter"
    assert "symlink loop" in problem.message
    assert "rebuild" not in problem.hint


def test_python_in_a_system_prefix_is_system_elsewhere_unknown(tmp_path: Path) -> None:
    system_bin = tmp_path / "root" / "usr" / "local" / "bin"
    other_bin = tmp_path / "tools" / "bin"
    for folder in (system_bin, other_bin):
        write(folder / "python3.12", "#!/bin/sh\n", 0o755)
        write(folder.parent / "include" / "python3.12" / "patchlevel.h",
              '#define PY_VERSION "3.12.2"\n')
    world = make_world(tmp_path, path=[system_bin, other_bin])
    kinds = {e.prefix.name: e.kind for e in
             discover(world, locators=[PathLocator()], use_cache=False).environments}
    assert kinds == {"local": EnvKind.SYSTEM, "tools": EnvKind.UNKNOWN}
