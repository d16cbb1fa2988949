"""The watch loop without a subprocess: a fake sleep changes the world between polls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ainlp.core.health import Finding, Severity
from ainlp.core.health.watch import difference, fingerprint, watch
from conftest import make_venv, make_world
from test_health_support import script


def finding(id: str, subject: str = "/x", message: str = "m") -> Finding:
    return Finding(id, Severity.WARNING, subject, message, "h")


def test_difference_by_id_subject_and_message() -> None:
    a, b, c = finding("a.x"), finding("b.x"), finding("a.x", subject="/y")
    new, gone = difference([a, b], [b, c])
    assert new == (c,) and gone == (a,)
    assert difference([a], [a]) == ((), ())


def steps(*actions: Callable[[], object]) -> tuple[Callable[[float], None], list[float]]:
    """A sleep that runs one action per poll (then nothing), recording the intervals."""
    pending = list(actions)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if pending:
            pending.pop(0)()

    return sleep, slept


def test_watch_yields_initial_then_changes_only(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "v")
    world = make_world(tmp_path, path=[venv / "bin"])
    tool = venv / "bin" / "tool"
    sleep, slept = steps(
        lambda: None,  # a quiet poll: no event
        lambda: script(tool, str(tmp_path / "gone" / "bin" / "python")),
        lambda: None,
        tool.unlink,
    )
    events = list(watch(world, target=str(venv), interval=0.5, max_polls=6, sleep=sleep))
    assert [e.kind for e in events] == ["initial", "changed", "changed"]
    assert {f.id for f in events[1].new} == {"venv.dangling-shebang"} and not events[1].resolved
    assert {f.id for f in events[2].resolved} == {"venv.dangling-shebang"} and not events[2].new
    assert [e.poll for e in events[1:]] == [2, 4]
    assert slept == [0.5] * 6  # it sleeps between every poll, never spins


def test_a_change_that_alters_no_finding_yields_nothing(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "v")
    world = make_world(tmp_path, path=[venv / "bin"])
    sleep, _ = steps(lambda: script(venv / "bin" / "ok", str(venv / "bin" / "python")))
    events = list(watch(world, target=str(venv), interval=0.1, max_polls=3, sleep=sleep))
    assert [e.kind for e in events] == ["initial"]


def test_fingerprint_sees_path_and_env_changes(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "v")
    folder = tmp_path / "tools"
    folder.mkdir()
    world = make_world(tmp_path, path=[venv / "bin", folder])
    events = watch(world, interval=0, max_polls=0)
    report = next(events).report
    before = fingerprint(world, report)
    assert fingerprint(world, report) == before  # stat calls only: stable when nothing moves
    (folder / "python3").symlink_to(venv / "bin" / "python")
    assert fingerprint(world, report) != before
    after = fingerprint(world, report)
    (venv / "pyvenv.cfg").write_text((venv / "pyvenv.cfg").read_text() + "extra = 1\n")
    assert fingerprint(world, report) != after


def test_a_broken_conda_env_appearing_anywhere_discovery_looks_is_seen(tmp_path: Path) -> None:
    """The watch list is what discovery read, not a guess: a new conda env under an install
    in HOME (a place no fixed list named) triggers a re-check."""
    install = tmp_path / "home" / "miniforge3"
    (install / "conda-meta").mkdir(parents=True)
    (install / "envs").mkdir()
    world = make_world(tmp_path)
    sleep, _ = steps(lambda: (install / "envs" / "empty" / "conda-meta").mkdir(parents=True))
    events = list(watch(world, interval=0.1, max_polls=2, sleep=sleep))
    assert [e.kind for e in events] == ["initial", "changed"]
    assert "conda.no-interpreter" in {f.id for f in events[1].new}
