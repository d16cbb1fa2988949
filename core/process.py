"""Running other programs: the one way, bounded in time, in output and in what it leaves behind.

`run_process` holds three promises against anything the program does:

- time: `timeout` seconds after the start the program and everything it started are killed,
  whether it still prints, sleeps, ignores SIGTERM or holds our pipes through a grandchild;
  the call returns at most ~1 s after the timeout (draining and reaping are bounded too);
- output: at most `max_output` bytes of each of stdout and stderr are kept (`None`:
  DEFAULT_MAX_OUTPUT); a program that prints more is killed at that point (`output_capped`),
  so `exec yes AAAA` costs a few milliseconds and 64 KiB, not gigabytes;
- processes: when the call returns, nothing it started is still running, whether it timed out
  or exited 0. On Linux the program runs under a short-lived helper (this interpreter with
  `-I -S`) that makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER): every
  descendant that is orphaned, including ones that called `setsid` and left our process group,
  is reparented to the helper, which kills and reaps them all once the program ends or when we
  stop it. The subreaper flag covers the whole process that sets it, which is why it lives in
  the helper and never in a long-lived host (the service, a test runner). The helper then
  exits, and its process group is killed as well. Elsewhere (macOS, BSD) the program
  gets its own session and that process group is killed when the call ends; a descendant that
  starts its own session there can outlive us: that is the best those systems allow without
  privileges. On Windows (no process groups to signal, no SIGKILL) the program starts in a new
  process group and `taskkill /T /F` ends it with its descendants at timeout.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import subprocess

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: subprocess 7.7 ms


@dataclass(frozen=True, slots=True)
class Completed:
    argv: tuple[str, ...]
    returncode: int | None  # None when it never finished (timeout) or could not start
    stdout: str
    stderr: str
    timed_out: bool = False
    start_error: str | None = None
    output_capped: bool = False  # it printed more than max_output and was killed for it

    @property
    def ok(self) -> bool:
        return (self.returncode == 0 and not self.timed_out and self.start_error is None
                and not self.output_capped)

    def why(self) -> str:
        """Why it failed, in one line: why it did not start, else the last line of its stderr,
        else its exit code."""
        lines = self.stderr.strip().splitlines()
        return self.start_error or (lines[-1] if lines else f"exit code {self.returncode}")


class Runner(Protocol):
    def __call__(
        self,
        argv: Sequence[str],
        *,
        timeout: float = 2.0,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> Completed: ...


DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024  # per stream: installers' logs fit, memory stays bounded
_DRAIN_AFTER_KILL = 0.5
_CHUNK = 64 * 1024

# The helper: argv is [status_fd, program, args...]. It reports on status_fd one line:
# "X <exit code>" (negative: killed by that signal), "E <error>" (could not start it),
# or nothing when it was stopped (SIGTERM from us). Python 3.10+, no site, no PYTHON* vars.
_HELPER = r"""
import os, signal, sys
status = int(sys.argv[1]); argv = sys.argv[2:]
os.set_inheritable(status, False)
try:
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
except Exception:
    pass
class Stop(BaseException):
    pass
def stop(signum, frame):
    raise Stop
signal.signal(signal.SIGTERM, stop)
me = os.getpid()
def children():
    try:
        with open('/proc/self/task/%d/children' % me) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        pass
    found = []
    for name in os.listdir('/proc'):
        if name.isdigit():
            try:
                with open('/proc/%s/stat' % name, 'rb') as f:
                    data = f.read()
                if int(data[data.rindex(b')') + 2:].split()[1]) == me:
                    found.append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    return found
def sweep():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for _ in range(10000):
        kids = children()
        if not kids:
            return
        for pid in kids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in kids:
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass
report = ''
try:
    try:
        pid = os.posix_spawnp(argv[0], argv, dict(os.environ))
    except OSError as exc:
        report = 'E %s: %s' % (type(exc).__name__, exc.strerror)
    else:
        report = 'X %d' % os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
except Stop:
    report = ''
finally:
    sweep()
os.write(status, report.encode())
"""


def run_process(
    argv: Sequence[str],
    *,
    timeout: float = 2.0,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    max_output: int | None = None,
) -> Completed:
    """Run argv with a timeout and bounded output; nothing it started outlives the call
    (see the module docstring for how, and where the OS allows less)."""
    import subprocess  # only when something runs: a warm `ainlp find` runs nothing

    args = tuple(argv)
    cap = DEFAULT_MAX_OUTPUT if max_output is None else max(0, max_output)
    helper = _use_helper()
    status_r = status_w = -1
    command: tuple[str, ...] = args
    if helper:
        status_r, status_w = os.pipe()
        command = (sys.executable, "-I", "-S", "-c", _HELPER, str(status_w), *args)
    windows = os.name == "nt"
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            pass_fds=(status_w,) if helper else (),
            # a group of its own to end: a session on POSIX, a process group on Windows
            # (where start_new_session does nothing)
            start_new_session=not windows,
            creationflags=_CREATE_NEW_PROCESS_GROUP if windows else 0,
        )
    except OSError as exc:
        if helper:
            os.close(status_r)  # status_w is closed below, once
        return Completed(args, None, "", "", start_error=f"{type(exc).__name__}: {exc.strerror}")
    finally:
        if helper and status_w >= 0:
            with contextlib.suppress(OSError):
                os.close(status_w)
    if windows:
        return _run_windows(proc, args, timeout)
    try:
        out, err, status, timed_out, capped = _collect(proc, status_r, timeout, cap)
    finally:
        if helper:
            os.close(status_r)
    if helper:
        text = status.decode("ascii", "replace")
        if text.startswith("E "):
            return Completed(args, None, _text(out), _text(err), start_error=text[2:])
        code: int | None = int(text[2:]) if text.startswith("X ") and text[2:].lstrip(
            "-").isdigit() else None
    else:
        code = proc.returncode
    if timed_out:
        return Completed(args, None, _text(out), _text(err), timed_out=True)
    if capped:
        return Completed(args, None, _text(out), _text(err), output_capped=True)
    return Completed(args, code, _text(out), _text(err))


def _run_windows(proc: subprocess.Popen[bytes], args: tuple[str, ...], timeout: float
                 ) -> Completed:
    """Windows: pipes cannot be polled with select, so communicate() reads them (output is not
    capped there); at timeout the program and its descendants are ended (`_end_windows_tree`)."""
    import subprocess

    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end_windows_tree(proc.pid, proc.kill)
        try:
            out, err = proc.communicate(timeout=_DRAIN_AFTER_KILL)
        except subprocess.TimeoutExpired:
            out, err = b"", b""
        return Completed(args, None, _text(out), _text(err), timed_out=True)
    return Completed(args, proc.returncode, _text(out), _text(err))


# subprocess.CREATE_NEW_PROCESS_GROUP, which exists only on Windows
_CREATE_NEW_PROCESS_GROUP = 0x00000200


def _end_windows_tree(pid: int, kill: Callable[[], None],
                      run: Callable[[list[str]], object] | None = None) -> None:
    """End a Windows program and everything it started: `taskkill /T /F` walks the tree (the
    program's own kill() would leave its children running); then kill() in case taskkill is
    missing or failed. No os.killpg or SIGKILL there."""
    (run or _taskkill)(["taskkill", "/T", "/F", "/PID", str(pid)])
    with contextlib.suppress(OSError):
        kill()


def _taskkill(argv: list[str]) -> None:
    import subprocess

    # not run_process: a taskkill that hangs must not start another taskkill
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=5.0, check=False)


def _use_helper() -> bool:
    return sys.platform.startswith("linux") and bool(sys.executable) and os.path.isdir("/proc")


def _collect(proc: subprocess.Popen[bytes], status_fd: int, timeout: float, cap: int
             ) -> tuple[bytes, bytes, bytes, bool, bool]:
    """Read stdout, stderr (at most `cap` bytes each) and the helper's status until they end,
    the time is up or the cap is passed; then make sure the whole tree is gone."""
    import subprocess

    assert proc.stdout is not None and proc.stderr is not None
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    buffers: dict[int, bytearray] = {out_fd: bytearray(), err_fd: bytearray()}
    if status_fd >= 0:
        buffers[status_fd] = bytearray()
    deadline = time.monotonic() + timeout
    timed_out = capped = False
    exited_at: float | None = None
    with selectors.DefaultSelector() as selector:
        for fd in buffers:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                timed_out = True
                break
            if exited_at is None and _exited(proc):
                exited_at = now
            if exited_at is not None and now - exited_at > _DRAIN_AFTER_KILL:
                break  # it ended, but something it left (outside our reach) holds the pipes
            for key, _events in selector.select(min(deadline - now, _DRAIN_AFTER_KILL)):
                fd = int(key.fd)
                try:
                    chunk = os.read(fd, _CHUNK)
                except OSError:
                    chunk = b""
                if not chunk:
                    selector.unregister(fd)
                    continue
                buffer = buffers[fd]
                buffer += chunk
                if fd != status_fd and len(buffer) > cap:
                    del buffer[cap:]
                    capped = True
            if capped:
                break
    if status_fd < 0 and not (timed_out or capped):
        try:  # no helper: its output ended, now the program itself, within the time left
            proc.wait(timeout=max(deadline - time.monotonic(), 0.0))
        except subprocess.TimeoutExpired:
            timed_out = True
    _end_tree(proc, stopped=timed_out or capped)
    status = bytes(buffers.get(status_fd, b""))
    if status_fd >= 0 and not status:
        status = _read_rest(status_fd)
    return bytes(buffers[out_fd]), bytes(buffers[err_fd]), status, timed_out, capped


def _exited(proc: subprocess.Popen[bytes]) -> bool:
    """Whether the direct child ended, without reaping it (its process group stays ours)."""
    try:
        found = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except (OSError, AttributeError):
        return proc.poll() is not None
    return found is not None


def _read_rest(fd: int) -> bytes:
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        if selector.select(0):
            try:
                return os.read(fd, 4096)
            except OSError:
                return b""
    return b""


def _end_tree(proc: subprocess.Popen[bytes], *, stopped: bool) -> None:
    """Stop the helper (it kills what it adopted), then kill the process group, then reap."""
    import subprocess

    if stopped and not _exited(proc):
        try:
            proc.send_signal(signal.SIGTERM)  # the helper sweeps its tree; a bare program dies
            proc.wait(timeout=_DRAIN_AFTER_KILL)
        except (OSError, subprocess.TimeoutExpired):
            pass
    _kill_group(proc)  # before reaping: the group id stays ours until the leader is reaped
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    try:
        proc.wait(timeout=_DRAIN_AFTER_KILL)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL was sent
        proc.kill()
        proc.wait()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    killpg = getattr(os, "killpg", None)
    try:
        if killpg is None:  # Windows: no process groups to kill
            proc.kill()
        else:
            killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        if proc.poll() is None:
            proc.kill()
    except OSError:
        pass


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")
