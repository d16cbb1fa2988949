"""Running other programs with a hard time limit, in their own process group."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import subprocess


@dataclass(frozen=True, slots=True)
class Completed:
    argv: tuple[str, ...]
    returncode: int | None  # None when it never finished (timeout) or could not start
    stdout: str
    stderr: str
    timed_out: bool = False
    start_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and self.start_error is None


class Runner(Protocol):
    def __call__(
        self,
        argv: Sequence[str],
        *,
        timeout: float = 2.0,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> Completed: ...


_DRAIN_AFTER_KILL = 0.5


def run_process(
    argv: Sequence[str],
    *,
    timeout: float = 2.0,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> Completed:
    """Run argv with a timeout; at timeout the whole process group is killed.

    The child gets its own session, so killing the group also takes any grandchild
    that still holds our pipes open.
    """
    import subprocess  # only when something runs: a warm `ainlp find` runs nothing

    args = tuple(argv)
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as exc:
        return Completed(args, None, "", "", start_error=f"{type(exc).__name__}: {exc.strerror}")
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        try:
            out, err = proc.communicate(timeout=_DRAIN_AFTER_KILL)
        except subprocess.TimeoutExpired:
            # a grandchild left our group and keeps the pipe: stop listening to it
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
            proc.wait(timeout=_DRAIN_AFTER_KILL)
            out, err = b"", b""
        return Completed(args, None, _text(out), _text(err), timed_out=True)
    return Completed(args, proc.returncode, _text(out), _text(err))


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")
