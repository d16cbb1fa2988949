"""SIGKILL at fixed points while the store writes: afterwards state.db opens clean, passes
quick_check, keeps every transaction committed before the kill, and the killed one is
there entirely or not at all.

A forked child counts its steps (every call made from the ainlp.core.state modules, SQLite
statements and file renames included, seen through sys.setprofile) and kills itself with
SIGKILL at step N: deterministic, no sleeping. The benchmark (benchmarks/state_store.py)
runs the same campaign with 1,000 kills.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import ainlp.core.state
import pytest
from ainlp.core.state import KnownEnvironment, StateStore
from ainlp.core.state.salvage import utc

T0 = 1795490100.0  # 2026-11-24T03:15:00Z
SPAN = 420  # kill points 1..SPAN: opening, several transactions and backup layers
_STATE_CODE = os.path.dirname(os.path.abspath(ainlp.core.state.__file__))
_MAX_TXNS = 60  # a child that was not killed by then stops (counted, never expected)


@dataclass
class Report:
    runs: int = 0
    killed: int = 0
    corruptions: list[str] = field(default_factory=list)  # recovery needed or check failed
    lost: list[str] = field(default_factory=list)  # committed (logged) writes missing
    partial: list[str] = field(default_factory=list)  # a transaction half present
    not_killed: list[str] = field(default_factory=list)  # children that ended on their own
    seconds: float = 0.0
    committed: int = 0


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _killer(kill_at: int) -> Callable[[FrameType, str, object], None]:
    steps = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal steps
        if event in ("call", "c_call") and frame.f_code.co_filename.startswith(_STATE_CODE):
            steps += 1
            if steps >= kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    return profile


def _transaction(store: StateStore, i: int) -> None:
    with store.transaction():
        store.add_event(
            action="kill-test", target=f"t{i}", snapshot=None, changes=json.dumps({"i": i})
        )
        store.set_setting(f"k{i}", i)
        store.remember_environments(
            [KnownEnvironment(f"e{i}", f"/kill/{i}", "venv", None, None, None, utc(T0), None)]
        )
        if i % 3 == 0:
            store.finish_change(store.begin_change("kill-test", "{}"), "done")


def _child(state: Path, log: Path, start: int, kill_at: int) -> None:
    clock = _Clock(T0 + start * 31)  # a backup layer every other transaction
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    sys.setprofile(_killer(kill_at))
    store = StateStore.open(state, clock=clock)
    for i in range(start, start + _MAX_TXNS):
        _transaction(store, i)
        os.write(fd, f"{i}\n".encode())  # after COMMIT returned: this one is durable
        clock.now += 31
    sys.setprofile(None)
    store.close()


def _present(store: StateStore, i: int, events: set[str], envs: set[str]) -> tuple[bool, ...]:
    return (f"t{i}" in events, store.setting(f"k{i}") == i, f"e{i}" in envs)


def _verify(state: Path, log: Path, start: int, report: Report, label: str) -> int:
    """Check the database after a kill; the next transaction number to write."""
    logged = [int(x) for x in log.read_text().split()] if log.exists() else []
    with StateStore.open(state) as store:
        if store.recovery is not None:
            report.corruptions.append(f"{label}: {store.recovery.message}")
        check = sqlite3.connect(store.path, isolation_level=None)
        verdict = check.execute("PRAGMA quick_check").fetchall()
        check.close()
        if verdict != [("ok",)]:
            report.corruptions.append(f"{label}: quick_check {verdict[:2]}")
        events = {e.target or "" for e in store.events()}
        envs = {e.id for e in store.known_environments()}
        for i in logged:
            if not all(_present(store, i, events, envs)):
                report.lost.append(f"{label}: transaction {i}")
        in_flight = max([start] + [i + 1 for i in logged])  # the one the kill interrupted
        parts = _present(store, in_flight, events, envs)
        if any(parts) and not all(parts):
            report.partial.append(f"{label}: transaction {in_flight} {parts}")
        if any(_present(store, in_flight + 1, events, envs)):
            report.partial.append(f"{label}: transaction {in_flight + 1} never started")
        report.committed = max(report.committed, len(logged))
        return in_flight + 1 if all(parts) else in_flight


def kill_campaign(folder: Path, kills: int, *, span: int = SPAN, per_round: int = 50) -> Report:
    """`kills` children killed at steps spread over 1..span; a fresh state folder per round."""
    report = Report()
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    start = 0
    for k in range(kills):
        state = folder / f"round-{k // per_round}"
        log = state.with_suffix(".log")
        if k % per_round == 0:
            start = 0
        kill_at = 1 + (k * 37) % span  # deterministic, spread over the span
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller
            code = 0
            try:
                _child(state, log, start, kill_at)
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        report.runs += 1
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            report.killed += 1
        else:
            report.not_killed.append(f"kill {k} at step {kill_at}: status {status}")
        start = _verify(state, log, start, report, f"kill {k} at step {kill_at}")
    report.seconds = time.perf_counter() - started
    return report


pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "win32", reason="needs fork and SIGKILL"
)


@pytest.mark.parametrize("part", range(4))
def test_sigkill_at_fixed_points_never_corrupts_or_loses_committed_writes(
    tmp_path: Path, part: int
) -> None:
    # 4 x 55 = 220 kills; each part covers other kill points (the offset moves the spread)
    report = kill_campaign(tmp_path, 55, span=SPAN - part * 13, per_round=55)
    assert report.runs == 55
    assert report.not_killed == [], "every child must die at its kill point"
    assert report.corruptions == []
    assert report.lost == []
    assert report.partial == []
    assert report.committed > 5  # the children got far enough to commit some
