"""Issue 12, rows 6 and 7 and the runner: nothing an interpreter does while we probe it can hang
us, exhaust our memory, or leave processes behind.

Every reproduction runs its subject in a child process with a timeout and RLIMIT_AS (see
`bounded`), so a regression fails in seconds instead of holding CI or the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from ainlp.core.process import run_process
from conftest import make_world, write

LINUX = sys.platform.startswith("linux")
MEMORY = 1024 * 1024 * 1024  # RLIMIT_AS of a reproduction: the old probe reached 4.6 GB


def bounded(code: str, *, timeout: float = 60.0, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run `code` in a child Python with a wall-clock timeout and an address-space limit."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit if LINUX else None,
                          env={**os.environ, **(env or {})}, cwd="/")  # not the checkout


def running_with(marker: str) -> list[str]:
    """Command lines of live processes that mention `marker` (zombies do not count)."""
    return [cmdline for _pid, cmdline in _processes_with(marker)]


def kill_leftovers(marker: str) -> None:
    """Clean up after a failed test: only our own sleepers, by their pids."""
    import signal

    for pid, _cmdline in _processes_with(marker):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _processes_with(marker: str) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != "Z" and "pytest" not in cmdline:
            found.append((int(entry.name), cmdline))
    return found


def fake_python(folder: Path, body: str) -> Path:
    return write(folder / "python3", "#!/bin/sh\n" + body + "\n", mode=0o755)


def gone(marker: str, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while running_with(marker):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# --- row 6: output is bounded -----------------------------------------------------------------


@pytest.mark.skipif(not LINUX, reason="RLIMIT_AS and /proc: the limits are tested on Linux")
def test_an_interpreter_that_prints_forever_is_cut_off_at_the_probe_cap(tmp_path: Path) -> None:
    exe = fake_python(tmp_path / "bin", "exec yes " + "A" * 200)
    done = bounded(f"""
        import json, time
        from pathlib import Path
        from ainlp.core.world import World
        from ainlp.core.process import run_process
        from ainlp.core.discovery.probe import probe_many, PROBE_MAX_OUTPUT
        world = World(root=Path("/"), home=Path({str(tmp_path)!r}), env={{}},
                      cwd=Path({str(tmp_path)!r}), run=run_process, probe_timeout=5.0)
        started = time.monotonic()
        exes = [Path({str(exe)!r})] * 1
        result = probe_many(world, exes)[exes[0]]
        print(json.dumps({{"error": result.error, "ok": result.ok,
                          "seconds": time.monotonic() - started, "cap": PROBE_MAX_OUTPUT}}))
    """)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["ok"] is False
    assert "printed more than" in got["error"]
    assert got["seconds"] < 4.0  # cut at 64 KiB, well before the 5 s timeout


def test_run_process_keeps_at_most_max_output_of_each_stream(tmp_path: Path) -> None:
    forever = "import sys\nwhile True: sys.stdout.write('x' * 4096)"
    done = run_process([sys.executable, "-c", forever], timeout=20.0, max_output=100_000)
    assert done.output_capped and not done.ok and not done.timed_out
    assert len(done.stdout) == 100_000
    big = run_process([sys.executable, "-c", "print('y' * 3_000_000)"], timeout=20.0)
    assert big.ok and len(big.stdout) == 3_000_001  # installers' default cap is 16 MiB


def test_plain_runs_still_report_codes_output_and_start_errors(tmp_path: Path) -> None:
    ok = run_process([sys.executable, "-c", "import sys; print('out'); "
                      "print('err', file=sys.stderr); sys.exit(3)"])
    assert (ok.returncode, ok.stdout, ok.stderr) == (3, "out\n", "err\n")
    missing = run_process([str(tmp_path / "nothing-here")])
    assert missing.returncode is None and missing.start_error is not None
    assert missing.start_error.startswith("FileNotFoundError")
    cwd = run_process([sys.executable, "-c", "import os; print(os.getcwd())"], cwd=str(tmp_path))
    assert cwd.stdout.strip() == str(tmp_path)
    env = run_process([sys.executable, "-c", "import os; print(os.environ['AINLP_X'])"],
                      env={**os.environ, "AINLP_X": "seen"})
    assert env.stdout.strip() == "seen"


# --- row 7: nothing is left behind -------------------------------------------------------------


@pytest.mark.skipif(not LINUX, reason="a child subreaper exists on Linux only (module docstring)")
def test_background_children_of_a_probe_die_with_it_even_in_their_own_session(
        tmp_path: Path) -> None:
    marker = f"31{uuid.uuid4().int % 10**6}"
    exe = fake_python(tmp_path / "bin", f"sleep 3{marker} &\nsetsid sleep 4{marker} &\n"
                      f"(setsid sh -c 'sleep 5{marker}' &)\nexit 0")
    world = make_world(tmp_path)
    from ainlp.core.discovery.probe import probe

    try:
        result = probe(world, exe)
        assert not result.ok
        assert gone(marker), running_with(marker)
    finally:
        kill_leftovers(marker)


@pytest.mark.skipif(not LINUX, reason="a child subreaper exists on Linux only (module docstring)")
def test_a_timeout_kills_the_whole_tree_and_holds_against_sigterm(tmp_path: Path) -> None:
    marker = f"32{uuid.uuid4().int % 10**6}"
    script = write(tmp_path / "stubborn", f"#!/bin/sh\ntrap '' TERM\nsetsid sleep 6{marker} &\n"
                   f"sleep 7{marker}\n", mode=0o755)
    try:
        started = time.monotonic()
        done = run_process([str(script)], timeout=1.0)
        took = time.monotonic() - started
        assert done.timed_out and done.returncode is None
        assert took < 4.0
        assert gone(marker), running_with(marker)
    finally:
        kill_leftovers(marker)


@pytest.mark.skipif(not LINUX, reason="a child subreaper exists on Linux only (module docstring)")
def test_find_leaves_no_sleepers_behind(tmp_path: Path) -> None:
    """The issue's reproduction, through the CLI: a python3 on PATH that backgrounds sleepers."""
    marker = f"33{uuid.uuid4().int % 10**6}"
    folder = tmp_path / "bin"
    fake_python(folder, f"sleep 8{marker} &\nsetsid sleep 9{marker} &\nexit 0")
    (tmp_path / "home").mkdir()
    env = {"PATH": f"{folder}:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
           "AINLP_HOME": str(tmp_path / "state")}
    try:
        done = bounded("""
            import sys
            from ainlp.cli import main
            sys.exit(main(["find", "--json", "--refresh"]))
        """, env=env)
        assert done.returncode in (0, 1), done.stderr
        json.loads(done.stdout)
        assert gone(marker), running_with(marker)
    finally:
        kill_leftovers(marker)


@pytest.mark.skipif(not LINUX, reason="prctl is Linux's")
def test_the_host_process_never_becomes_a_subreaper() -> None:
    import ctypes

    run_process(["true"])
    flag = ctypes.c_int(0)
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(37, ctypes.byref(flag), 0, 0, 0) == 0  # PR_GET_CHILD_SUBREAPER
    assert flag.value == 0
