"""Hostile files (issue 12, rows 1, 2, 3, 8 and the honesty gaps): nothing discovery or the
health checks read can hang them, crash them or be trusted when it should not be.

Every reproduction runs its subject in a forked child with a timeout and RLIMIT_AS, so a
regression fails fast instead of hanging; where permissions matter the child drops to
uid/gid 65534 (CI runs as root), in a world built in a 0755 folder every user can enter.
"""

from __future__ import annotations

import json
import os
import resource
import select
import shutil
import signal
import stat
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ainlp.core import foreign
from ainlp.core.discovery import discover
from ainlp.core.discovery.records import EnvRecord, Inventory
from ainlp.core.discovery.which import explain
from ainlp.core.health import CheckContext, get_check, run_checks
from ainlp.core.world import World

NOBODY = 65534
MEMORY = 2 * 1024**3  # RLIMIT_AS of a child: a runaway read fails instead of swapping

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files and users")


_WARM: list[bool] = []


def _import_everything() -> None:
    """Fork after imports: uid 65534 cannot read this interpreter's files under /root, so
    every module discovery and the checks import lazily is imported here first."""
    if _WARM:
        return
    with tempfile.TemporaryDirectory() as tmp:
        world = world_in(Path(tmp))
        inventory = discover(world, use_cache=False)
        run_checks(world, inventory=inventory)
        explain(world)
    _WARM.append(True)


def in_child(subject: Callable[[], object], *, as_nobody: bool = False,
             timeout: float = 60.0) -> object:
    """subject() in a forked child (RLIMIT_AS, optionally as uid 65534); its JSON result."""
    _import_everything()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        code = 0
        try:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
            if as_nobody:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            payload = json.dumps({"ok": subject()})
        except BaseException:
            payload = json.dumps({"error": traceback.format_exc()})
            code = 1
        with os.fdopen(write_end, "w") as out:
            out.write(payload)
        os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([read_end], [], [], timeout)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                pytest.fail(f"the subject did not finish within {timeout} s (a hang)")
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    answer = json.loads(b"".join(chunks) or b'{"error": "no answer"}')
    assert "error" not in answer, answer["error"]
    return answer["ok"]


@pytest.fixture
def base() -> Iterator[Path]:
    """A 0755 folder under /tmp every user can enter (tmp_path is 0700 under root)."""
    folder = Path(tempfile.mkdtemp(prefix="ainlp-hostile-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    for dirpath, dirnames, _ in os.walk(folder):
        for name in dirnames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)
    shutil.rmtree(folder, ignore_errors=True)


def world_in(base: Path, *, path: list[Path] | None = None, cwd: Path | None = None,
             env: dict[str, str] | None = None) -> World:
    home = base / "home"
    (base / "root").mkdir(exist_ok=True)
    home.mkdir(exist_ok=True)
    full = {"HOME": str(home), "PATH": os.pathsep.join(str(p) for p in path or []),
            "AINLP_HOME": str(base / "state"), **(env or {})}
    return World(root=base / "root", home=home, env=full, cwd=cwd or home)


def venv(prefix: Path, cfg: str | None = None, python: str | None = None) -> Path:
    """A minimal venv: pyvenv.cfg and bin/python linked to this interpreter (or `python`)."""
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    (prefix / "lib" / "python3.11" / "site-packages").mkdir(parents=True, exist_ok=True)
    real = os.path.realpath(sys.executable)
    if cfg is None:
        cfg = f"home = {os.path.dirname(real)}\nversion = 3.11.7\n"
    (prefix / "pyvenv.cfg").write_text(cfg)
    (prefix / "bin" / "python").symlink_to(python or real)
    return prefix


def rows(inventory: Inventory) -> dict[str, dict[str, object]]:
    return {str(r.prefix): summary(r) for r in inventory.environments}


def summary(record: EnvRecord) -> dict[str, object]:
    return {"state": record.state.value, "version": record.to_json()["version"],
            "problems": [p.id for p in record.problems],
            "messages": [p.message for p in record.problems],
            "base": str(record.base_executable) if record.base_executable else None}


def found(world: World, check: str, inventory: Inventory | None = None) -> list[list[str]]:
    inventory = inventory or discover(world, use_cache=False)
    ctx = CheckContext(world, inventory)
    return [[f.id, f.subject or "", f.message] for f in get_check(check).func(ctx)]


# --- the mechanism ------------------------------------------------------------------------

def test_foreign_reads_regular_files_only_and_never_raises(base: Path) -> None:
    fifo = base / "fifo"
    os.mkfifo(fifo)
    big = base / "big.cfg"
    big.write_bytes(b"x" * (foreign.LIMITS["pyvenv.cfg"] + 1))
    text = base / "ok.cfg"
    text.write_bytes(b"home = /usr/bin\n\xff\n")
    long = "/" + "/".join(["a" * 200] * 30)

    def subject() -> object:
        return [foreign.read_text(fifo, "pyvenv.cfg").error,
                foreign.read_text("/dev/zero", "environments.txt").error,
                foreign.read_text(big, "pyvenv.cfg").error,
                foreign.read_text(text, "pyvenv.cfg").text,
                foreign.read_text(base / "nothing").missing,
                foreign.read_text(str(base / "a\x00b")).error,
                foreign.read_head(fifo), foreign.is_dir(long), foreign.exists("/x\x00"),
                foreign.listdir(long)[1], foreign.bad_path("/usr/\x00bin"),
                str(foreign.real(long)) == long]

    (fifo_error, device, too_big, decoded, missing, nul, head, long_dir, nul_exists,
     long_list, bad, long_real) = in_child(subject, timeout=20)  # type: ignore[misc]
    assert "FIFO" in fifo_error and "character device" in device and "more than" in too_big
    assert decoded == "home = /usr/bin\n\ufffd\n" and missing is True and "NUL" in nul
    assert head is None and long_dir is False and nul_exists is False
    assert long_list == "the path is too long" and "NUL" in bad and long_real is True


def test_unusable_executables_are_judged_without_running(base: Path) -> None:
    script = base / "script"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    empty = base / "empty"
    empty.touch(mode=0o755)
    text = base / "text"
    text.write_text("hello")
    text.chmod(0o755)
    assert foreign.unusable_executable(os.path.realpath(sys.executable)) is None
    assert foreign.unusable_executable(script) is None
    assert "character device" in (foreign.unusable_executable("/dev/null") or "")
    assert "folder" in (foreign.unusable_executable(base) or "")
    assert "empty" in (foreign.unusable_executable(empty) or "")
    assert "neither" in (foreign.unusable_executable(text) or "")


# --- row 1: FIFOs ---------------------------------------------------------------------------

def test_a_fifo_python3_first_on_path_does_not_hang_discovery(base: Path) -> None:
    hostile = base / "fifobin"
    hostile.mkdir()
    os.mkfifo(hostile / "python3")
    world = world_in(base, path=[hostile, Path(sys.executable).parent])

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        explained = explain(world)
        return [len(inventory.environments), bool(explained)]

    count, explained = in_child(subject, timeout=30)  # type: ignore[misc]
    assert count >= 1 and explained


def test_a_fifo_pyvenv_cfg_is_a_broken_venv_with_a_finding(base: Path) -> None:
    prefix = venv(base / "home" / ".virtualenvs" / "fifo")
    (prefix / "pyvenv.cfg").unlink()
    os.mkfifo(prefix / "pyvenv.cfg")
    world = world_in(base)

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        return [rows(inventory)[str(prefix)], found(world, "venv.cfg-invalid", inventory)]

    record, findings = in_child(subject, timeout=30)  # type: ignore[misc]
    assert record["state"] == "broken" and "venv.cfg-invalid" in record["problems"]
    assert any("FIFO" in m for m in record["messages"])
    assert findings and "FIFO" in findings[0][2]


def test_a_fifo_environments_txt_does_not_hang_and_is_reported(base: Path) -> None:
    conda = base / "home" / ".conda"
    conda.mkdir(parents=True)
    os.mkfifo(conda / "environments.txt")
    world = world_in(base)

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        return found(world, "discovery.unreadable", inventory)

    findings = in_child(subject, timeout=30)
    assert [(f[0], "FIFO" in f[2]) for f in findings] == [  # type: ignore[attr-defined]
        ("discovery.unreadable", True)]


# --- row 2: permissions and name lengths, as an ordinary user -------------------------------

def test_mode_000_folders_on_path_and_in_workon_home_as_a_normal_user(base: Path) -> None:
    closed_bin = base / "closed"
    closed_bin.mkdir(mode=0o000)
    closed_bin.chmod(0o000)
    workon = base / "home" / ".virtualenvs"
    good = venv(workon / "good")
    closed_env = workon / "closed"
    closed_env.mkdir(mode=0o000)
    closed_env.chmod(0o000)
    world = world_in(base, path=[closed_bin, Path(sys.executable).parent])

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        report = run_checks(world, inventory=inventory, topic="venv")
        return [rows(inventory).get(str(good)), os.getuid(), len(report.findings) >= 0]

    record, uid, _ = in_child(subject, as_nobody=True, timeout=60)  # type: ignore[misc]
    assert uid == NOBODY
    assert record is not None and record["state"] == "ok"


def test_a_mode_000_folder_on_path_is_a_finding(base: Path) -> None:
    closed_bin = base / "closed"
    closed_bin.mkdir(mode=0o000)
    closed_bin.chmod(0o000)
    missing = base / "missing"
    world = world_in(base, path=[closed_bin, missing, Path(sys.executable).parent])

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        return found(world, "path.unreadable-dir", inventory)

    findings = in_child(subject, as_nobody=True, timeout=30)
    assert [(f[0], f[1]) for f in findings] == [  # type: ignore[attr-defined]
        ("path.unreadable-dir", str(closed_bin))]
    assert "permission denied" in findings[0][2]  # type: ignore[index]


def test_an_unreadable_virtualenvs_folder_is_a_finding(base: Path) -> None:
    workon = base / "home" / ".virtualenvs"
    venv(workon / "hidden")
    workon.chmod(0o000)
    world = world_in(base)

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        return [len(inventory.environments), found(world, "discovery.unreadable", inventory)]

    count, findings = in_child(subject, as_nobody=True, timeout=30)  # type: ignore[misc]
    assert count == 0
    assert [(f[0], f[1]) for f in findings] == [("discovery.unreadable", str(workon))]
    assert "permission denied" in findings[0][2]


def test_a_venv_whose_home_is_in_another_users_private_folder(base: Path) -> None:
    private = base / "private"
    (private / "bin").mkdir(parents=True)
    private.chmod(0o700)  # root's, closed to everyone else
    prefix = venv(base / "home" / ".virtualenvs" / "theirs",
                  cfg=f"home = {private / 'bin'}\nversion = 3.11.7\n",
                  python=str(private / "bin" / "python3"))
    world = world_in(base)

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        report = run_checks(world, inventory=inventory, topic="venv")
        return [rows(inventory)[str(prefix)], sorted({f.id for f in report.findings})]

    record, ids = in_child(subject, as_nobody=True, timeout=60)  # type: ignore[misc]
    assert "venv.base-unreadable" in record["problems"]
    assert "venv.base-missing" not in record["problems"]
    assert "venv.base-unreadable" in ids and "venv.base-missing" not in ids


def test_a_working_folder_path_over_4096_bytes(base: Path) -> None:
    deep = Path("/" + "/".join(["d" * 250] * 20))  # 5,020 bytes: every stat says ENAMETOOLONG
    world = world_in(base, cwd=deep)

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        return [len(inventory.environments), bool(explain(world))]

    assert in_child(subject, as_nobody=True, timeout=30) == [0, True]


# --- row 3: NUL bytes -----------------------------------------------------------------------

def test_a_nul_in_pyvenv_cfg_home(base: Path) -> None:
    prefix = venv(base / "home" / ".virtualenvs" / "nul",
                  cfg="home = /usr/\x00bin\nversion = 3.11.7\n")
    world = world_in(base)

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        report = run_checks(world, inventory=inventory, topic="venv")
        return [rows(inventory)[str(prefix)], sorted({f.id for f in report.findings})]

    record, ids = in_child(subject, timeout=60)  # type: ignore[misc]
    assert record["state"] == "broken" and "venv.cfg-invalid" in record["problems"]
    assert any("NUL" in m for m in record["messages"])
    assert "venv.cfg-invalid" in ids


def test_a_nul_and_stale_entries_in_environments_txt_are_findings(base: Path) -> None:
    conda = base / "home" / ".conda"
    conda.mkdir(parents=True)
    gone = base / "gone-env"
    (conda / "environments.txt").write_text(f"/opt/\x00conda\n{gone}\n")
    world = world_in(base)

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        return found(world, "conda.environments-txt-stale", inventory)

    findings = in_child(subject, timeout=30)
    assert [(f[0], f[1]) for f in findings] == [  # type: ignore[attr-defined]
        ("conda.environments-txt-stale", f"{conda / 'environments.txt'}:1"),
        ("conda.environments-txt-stale", str(gone)),
    ]
    assert "NUL" in findings[0][2] and "does not exist" in findings[1][2]  # type: ignore[index]


# --- row 8: unusable venv interpreters ------------------------------------------------------

def test_unusable_venv_interpreters_are_broken_without_running_them(base: Path) -> None:
    workon = base / "home" / ".virtualenvs"
    healthy = venv(workon / "healthy")
    devnull = venv(workon / "devnull", python="/dev/null")
    folder = venv(workon / "folder", python=str(base))
    empty = venv(workon / "empty", python=str(base / "empty-python"))
    (base / "empty-python").touch(mode=0o755)
    copy = venv(workon / "copy")
    (copy / "bin" / "python").unlink()
    shutil.copyfile(os.path.realpath(sys.executable), copy / "bin" / "python")
    (copy / "bin" / "python").chmod(0o644)
    world = world_in(base)

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        return [rows(inventory), found(world, "env.interpreter-unusable", inventory)]

    records, findings = in_child(subject, timeout=60)  # type: ignore[misc]
    assert records[str(healthy)]["state"] == "ok"
    for prefix, why in ((devnull, "character device"), (folder, "folder"),
                        (empty, "empty"), (copy, "x bit")):
        record = records[str(prefix)]
        assert record["state"] == "broken", (prefix, record)
        assert record["problems"] == ["env.interpreter-unusable"], record
        assert why in record["messages"][0]
    assert sorted(Path(f[1]).name for f in findings) == [
        "copy", "devnull", "empty", "folder"]
    assert not stat.S_IXUSR & (copy / "bin" / "python").stat().st_mode


# --- the honesty gaps -----------------------------------------------------------------------

def test_a_symlink_loop_named_python3_99_has_no_version(base: Path) -> None:
    loop = base / "loopbin"
    loop.mkdir()
    (loop / "python3.99").symlink_to(loop / "python3.99")
    world = world_in(base, path=[loop])

    def subject() -> object:
        return [summary(r) for r in discover(world, use_cache=False).environments]

    records = in_child(subject, timeout=30)
    assert len(records) == 1  # type: ignore[arg-type]
    record = records[0]  # type: ignore[index]
    assert record["version"] is None
    assert record["state"] == "broken" and record["problems"] == ["env.dangling-interpreter"]


def test_a_venv_whose_home_is_inside_itself_is_not_its_own_base(base: Path) -> None:
    prefix = base / "home" / ".virtualenvs" / "self"
    venv(prefix, cfg=f"home = {prefix / 'bin'}\nversion = 3.11.7\n")
    world = world_in(base)

    def subject() -> object:
        inventory = discover(world, use_cache=False)
        return [rows(inventory)[str(prefix)], found(world, "venv.cfg-invalid", inventory)]

    record, findings = in_child(subject, timeout=30)  # type: ignore[misc]
    assert record["base"] is None
    assert "venv.cfg-invalid" in record["problems"] and record["state"] == "broken"
    assert any("inside the environment itself" in f[2] for f in findings)
