"""A client of `ainlp serve` over any command's stdin/stdout: `ssh host ainlp serve` drives a
remote machine with the same typed results as the local api.

    >>> from ainlp.api import connect
    >>> with connect(["ssh", "lab-3", "ainlp", "serve"]) as remote:
    ...     inventory = remote.find()          # Inventory, as ainlp.api.find() returns it
    ...     health = remote.doctor()           # HealthReport

The session starts with the handshake: `initialize {}` answered with `{server_version,
protocol_version}`; a server speaking another protocol version is refused. Frames and
errors are those of `ainlp.rpc` (LSP framing, JSON-RPC 2.0). A reader thread takes every
frame the server writes; a request waits for its reply with a timeout, and a server that
exits, or writes something that is not a frame, fails every waiting request at once with
`ConnectionLost` (its exit status and the end of its stderr in the message): nothing hangs.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import BinaryIO

from ainlp import __version__
from ainlp.api._options import Cancelled, CancelToken, Event, OnEvent
from ainlp.core.discovery.records import Inventory
from ainlp.core.errors import AinlpError, BadInput
from ainlp.core.health.engine import HealthReport
from ainlp.core.jsondoc import JSONObject, loads
from ainlp.rpc import FrameError, encode_frame, read_frame

__all__ = ["PROTOCOL_VERSION", "Client", "ConnectionLost", "NoSuchMethod", "Pending", "connect",
           "server_info"]

PROTOCOL_VERSION = 1  # the service's messages as cli.md's `ainlp serve` section defines them
DEFAULT_TIMEOUT = 600.0  # seconds a request may take (a cold `doctor` on a big machine)
HANDSHAKE_TIMEOUT = 60.0  # seconds for the command to start and answer `initialize`
CLOSE_TIMEOUT = 10.0
_STDERR_KEPT = 4096  # bytes of the server's stderr kept for error messages

# JSON-RPC error codes of the service (ainlp.rpc)
_METHOD_NOT_FOUND = -32601
_BAD_INPUT = -32001
_CANCELLED = -32003

Notification = Callable[[str, JSONObject], None]


class ConnectionLost(AinlpError):
    """The server exited, or its output stopped being frames."""

    code = "remote.connection-lost"


class NoSuchMethod(AinlpError):
    """The server has no such method (-32601): an older or another server."""

    code = "rpc.method-not-found"


def server_info() -> JSONObject:
    """What `initialize` answers: this ainlp's version and the protocol it speaks."""
    return {"server_version": __version__, "protocol_version": PROTOCOL_VERSION}


class Pending:
    """A request sent, its reply not yet taken."""

    def __init__(self, id: int, method: str, on_event: OnEvent | None) -> None:
        self.id = id
        self.method = method
        self.on_event = on_event
        self._done = threading.Event()
        self._result: object = None
        self._error: AinlpError | None = None

    def _settle(self, result: object = None, error: AinlpError | None = None) -> None:
        if not self._done.is_set():
            self._result, self._error = result, error
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def result(self) -> object:
        """The reply's result; its error raised as the matching AinlpError."""
        if not self._done.is_set():
            raise AinlpError(f"request {self.id} ({self.method}) has no reply yet",
                             hint="wait for it with Client.wait")
        if self._error is not None:
            raise self._error
        return self._result


class Client:
    """One session with `ainlp serve` running as `argv` (see `connect`)."""

    def __init__(self, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
                 cwd: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 on_notification: Notification | None = None) -> None:
        if not argv:
            raise BadInput("no command to start", hint='for example ["ssh", "host", "ainlp", '
                                                       '"serve"]')
        self.argv = [str(part) for part in argv]
        self.timeout = timeout
        self.on_notification = on_notification
        self.server_version: str | None = None
        self.protocol_version: int | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pending: dict[int, Pending] = {}
        self._lost: ConnectionLost | None = None
        self._closed = False
        self._stderr: collections.deque[bytes] = collections.deque()
        self._stderr_size = 0
        try:
            self._process = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=dict(env) if env is not None else None, cwd=cwd)
        except OSError as exc:
            raise AinlpError(f"cannot start {self.argv[0]!r}: {exc.strerror or exc}",
                             hint="give connect() a command that runs `ainlp serve`, such as "
                                  '["ssh", "host", "ainlp", "serve"]') from exc
        assert self._process.stdout is not None and self._process.stderr is not None
        self._reader = threading.Thread(target=self._read, args=(self._process.stdout,),
                                        name="ainlp-client-reader", daemon=True)
        self._drainer = threading.Thread(target=self._drain, args=(self._process.stderr,),
                                         name="ainlp-client-stderr", daemon=True)
        # the drainer first: a reader that meets bad output at once joins it for stderr's end
        self._drainer.start()
        self._reader.start()

    # --- the session ----------------------------------------------------------------------

    def initialize(self, *, timeout: float = HANDSHAKE_TIMEOUT) -> JSONObject:
        """The handshake; AinlpError when the server does not speak this protocol."""
        try:
            reply = self.request("initialize", {}, timeout=timeout)
        except NoSuchMethod as exc:
            raise AinlpError(f"{self.name} does not answer `initialize`: an ainlp that "
                                 "predates the handshake",
                                 hint="install this version of ainlp on the other side") from exc
        if not isinstance(reply, dict) or not isinstance(reply.get("server_version"), str) \
                or isinstance(reply.get("protocol_version"), bool) \
                or not isinstance(reply.get("protocol_version"), int):
            raise AinlpError(f"{self.name} answered `initialize` with {str(reply)[:200]}",
                             hint="expected {server_version, protocol_version}: is it ainlp "
                                  "serve at the other end?")
        self.server_version = str(reply["server_version"])
        self.protocol_version = int(str(reply["protocol_version"]))
        if self.protocol_version != PROTOCOL_VERSION:
            raise AinlpError(
                f"protocol mismatch: {self.name} speaks protocol {self.protocol_version} "
                f"(ainlp {self.server_version}), this client protocol {PROTOCOL_VERSION} "
                f"(ainlp {__version__})",
                hint="install the same version of ainlp on both sides")
        return reply

    def find(self, refresh: bool = False, *, on_event: OnEvent | None = None,
             cancel: CancelToken | None = None, timeout: float | None = None) -> Inventory:
        """`find` on the server, as `ainlp.api.find()` returns it; `on_event` gets the
        `environment` and `progress` notifications while it runs."""
        result = self.request("find", {"refresh": refresh}, on_event=on_event, cancel=cancel,
                              timeout=timeout)
        return Inventory.from_json(result, source=f"find from {self.name}")

    def doctor(self, target: str | None = None, topic: str | None = None, *,
               on_event: OnEvent | None = None, cancel: CancelToken | None = None,
               timeout: float | None = None) -> HealthReport:
        """`doctor` on the server, as `ainlp.api.doctor()` returns it (without an inventory:
        the document does not carry one)."""
        params: JSONObject = {}
        if target is not None:
            params["target"] = target
        if topic is not None:
            params["topic"] = topic
        result = self.request("doctor", params, on_event=on_event, cancel=cancel,
                              timeout=timeout)
        return HealthReport.from_json(result, source=f"doctor from {self.name}")

    def execute(self, text: str, apply: bool = False, *, on_event: OnEvent | None = None,
                cancel: CancelToken | None = None, timeout: float | None = None) -> JSONObject:
        """A phrase or a script run on the server: `ainlp do --json`'s document, or with
        `apply` false for what changes the machine, its plan."""
        return _object(self.request("execute", {"text": text, "apply": apply},
                                    on_event=on_event, cancel=cancel, timeout=timeout),
                       "execute", self.name)

    def parse(self, text: str, *, timeout: float | None = None) -> JSONObject:
        return _object(self.request("parse", {"text": text}, timeout=timeout), "parse",
                       self.name)

    def cancel(self, id: int) -> bool:
        """Cancel a request sent with `send`; whether the server found it to cancel."""
        reply = self.request("cancel", {"id": id}, timeout=min(self.timeout, 30.0))
        return isinstance(reply, dict) and reply.get("cancelled") is True

    def close(self) -> None:
        """`shutdown`, then `exit`, then wait for the server to end (killed if it lingers)."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._lost is None and self._process.poll() is None:
                try:
                    self.request("shutdown", None, timeout=CLOSE_TIMEOUT)
                    self._write({"jsonrpc": "2.0", "method": "exit"})
                except AinlpError:
                    pass
        finally:
            stdin = self._process.stdin
            if stdin is not None:
                with contextlib.suppress(OSError):
                    stdin.close()
            self.close_streams()

    def kill(self) -> None:
        """End the server at once, without the shutdown handshake."""
        self._closed = True
        if self._process.poll() is None:
            self._process.kill()
        self.close_streams()

    def close_streams(self) -> None:
        self._closed = True
        try:
            self._process.wait(CLOSE_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(CLOSE_TIMEOUT)
        self._drainer.join(1.0)  # a child of the server may hold its stderr open
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @property
    def name(self) -> str:
        return "`" + " ".join(self.argv) + "`"

    @property
    def pid(self) -> int:
        return self._process.pid

    # --- requests -------------------------------------------------------------------------

    def send(self, method: str, params: JSONObject | None = None, *,
             on_event: OnEvent | None = None) -> Pending:
        """Send a request without waiting: its Pending has the id to `cancel`; `wait` takes
        the reply."""
        if self._closed and method != "shutdown":
            raise AinlpError(f"the session with {self.name} is closed",
                             hint="connect() again")
        pending = Pending(next(self._ids), method, on_event)
        with self._lock:
            if self._lost is not None:
                raise self._lost
            self._pending[pending.id] = pending
        message: JSONObject = {"jsonrpc": "2.0", "id": pending.id, "method": method}
        if params is not None:
            message["params"] = params
        self._write(message)
        return pending

    def wait(self, pending: Pending, *, timeout: float | None = None,
             cancel: CancelToken | None = None) -> object:
        """The reply to a request sent: its result, or its error raised. Setting `cancel`
        sends `cancel {id}`; the reply is then Cancelled unless the request had finished."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        cancel_sent = False
        while not pending.wait(0.05 if cancel is not None else max(deadline - time.monotonic(),
                                                                   0.0)):
            if cancel is not None and cancel.cancelled and not cancel_sent:
                cancel_sent = True
                self._cancel_quietly(pending.id)
            if time.monotonic() >= deadline:
                self._cancel_quietly(pending.id)
                with self._lock:
                    self._pending.pop(pending.id, None)
                raise AinlpError(f"no reply to {pending.method} from {self.name} within "
                                 f"{limit:g} s",
                                 hint="the request was cancelled; give a longer timeout for "
                                      "big machines")
        return pending.result()

    def request(self, method: str, params: JSONObject | None = None, *,
                on_event: OnEvent | None = None, cancel: CancelToken | None = None,
                timeout: float | None = None) -> object:
        """Send a request and wait for its reply (see `send` and `wait`)."""
        if cancel is not None:
            cancel.check()
        return self.wait(self.send(method, params, on_event=on_event), timeout=timeout,
                         cancel=cancel)

    def _cancel_quietly(self, id: int) -> None:
        with contextlib.suppress(AinlpError):
            self.send("cancel", {"id": id})  # its reply is not waited for

    def _write(self, message: JSONObject) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        frame = encode_frame(message)
        try:
            with self._write_lock:
                stdin.write(frame)
                stdin.flush()
        except (OSError, ValueError) as exc:
            lost = self._connection_lost(f"writing to it failed ({exc})")
            raise lost from exc

    # --- the reader thread ----------------------------------------------------------------

    def _read(self, stream: BinaryIO) -> None:
        reason = "it ended the session"
        body: bytes | None = b""
        try:
            while True:
                body = read_frame(stream)
                if body is None:
                    break
                try:
                    message = loads(body)
                except (ValueError, UnicodeDecodeError) as exc:
                    reason = f"it wrote a frame that is not JSON ({exc})"
                    break
                self._take(message)
        except FrameError as exc:
            reason = f"its output is not frames ({exc.message}): does a login script print?"
        except (OSError, ValueError) as exc:
            reason = f"reading its output failed ({exc})"
        if body is not None and self._process.poll() is None:
            self._process.kill()  # what it writes can no longer be followed
        self._connection_lost(reason)

    def _take(self, message: object) -> None:
        if isinstance(message, list):  # a batch's replies (this client sends no batches)
            for item in message:
                self._take(item)
            return
        if not isinstance(message, dict):
            return
        method = message.get("method")
        params = message.get("params")
        if isinstance(method, str):
            self._notified(method, params if isinstance(params, dict) else {})
            return
        id = message.get("id")
        with self._lock:
            pending = self._pending.pop(id, None) if isinstance(id, int) else None
        if pending is None:
            return  # the reply to a request nobody waits for (a cancel, a timed-out one)
        error = message.get("error")
        if isinstance(error, dict):
            pending._settle(error=_error_of(error, pending.method, self.name))
        else:
            pending._settle(result=message.get("result"))

    def _notified(self, method: str, params: JSONObject) -> None:
        if self.on_notification is not None:
            self.on_notification(method, params)
        id = params.get("id")
        with self._lock:
            pending = self._pending.get(id) if isinstance(id, int) else None
        if pending is None or pending.on_event is None:
            return
        event = _event_of(method, params)
        if event is not None:
            with contextlib.suppress(Exception):  # a caller's callback must not end the session
                pending.on_event(event)

    def _drain(self, stream: BinaryIO) -> None:
        try:
            while True:
                chunk = stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096)
                if not chunk:
                    return
                with self._lock:
                    self._stderr.append(chunk)
                    self._stderr_size += len(chunk)
                    while self._stderr_size - len(self._stderr[0]) >= _STDERR_KEPT:
                        self._stderr_size -= len(self._stderr.popleft())
        except (OSError, ValueError):
            return

    def _connection_lost(self, reason: str) -> ConnectionLost:
        with self._lock:
            if self._lost is not None:
                return self._lost
        status = self._exit_status()
        self._drainer.join(1.0)  # the last words on stderr, if the server is gone
        with self._lock:
            if self._lost is None:
                tail = b"".join(self._stderr)[-_STDERR_KEPT:].decode("utf-8", "replace").strip()
                last = tail.splitlines()[-12:]
                message = f"the server {self.name} stopped answering: {reason}"
                if status is not None:
                    message += f"; it exited with status {status}"
                if last and not self._closed:
                    message += "; its stderr ends: " + " | ".join(last)
                self._lost = ConnectionLost(
                    message, hint="check that the command runs `ainlp serve` on its own "
                                  "(for ssh: that ainlp is on the remote PATH) and connect "
                                  "again")
            lost = self._lost
            pending, self._pending = list(self._pending.values()), {}
        for item in pending:
            item._settle(error=lost)
        return lost

    def _exit_status(self) -> int | None:
        try:
            return self._process.wait(2.0)
        except subprocess.TimeoutExpired:
            return None


def connect(argv: Sequence[str], *, env: Mapping[str, str] | None = None,
            cwd: str | None = None, timeout: float = DEFAULT_TIMEOUT,
            on_notification: Notification | None = None) -> Client:
    """Start `argv` (a command that runs `ainlp serve`, such as `["ssh", "host", "ainlp",
    "serve"]`) and shake hands; the Client is a context manager (`close()` on leaving)."""
    client = Client(argv, env=env, cwd=cwd, timeout=timeout, on_notification=on_notification)
    try:
        client.initialize(timeout=min(timeout, HANDSHAKE_TIMEOUT))
    except BaseException:
        client.kill()
        raise
    return client


def _object(value: object, method: str, name: str) -> JSONObject:
    if not isinstance(value, dict):
        raise AinlpError(f"{name} answered `{method}` with {str(value)[:200]}",
                         hint="expected a JSON object: is it ainlp serve at the other end?")
    return value


def _error_of(error: Mapping[str, object], method: str, name: str) -> AinlpError:
    """An error reply as the AinlpError the local api would have raised."""
    code = error.get("code")
    text = error.get("message")
    message = text if isinstance(text, str) else f"{method} failed on {name}"
    hint: str | None = None
    where: str | None = None
    data = error.get("data")
    document = data.get("error") if isinstance(data, dict) else None
    if isinstance(document, dict):
        hint = document.get("hint") if isinstance(document.get("hint"), str) else None
        where = document.get("where") if isinstance(document.get("where"), str) else None
    result: AinlpError
    if code == _METHOD_NOT_FOUND:
        result = NoSuchMethod(message, hint=hint, where=where)
    elif code == _CANCELLED:
        result = Cancelled(message, hint=hint, where=where)
    elif code == _BAD_INPUT or code in (-32600, -32602, -32700):
        result = BadInput(message, hint=hint, where=where)
    else:
        result = AinlpError(message, hint=hint, where=where)
    return result


def _event_of(method: str, params: JSONObject) -> Event | None:
    if method == "environment":
        try:
            inventory = Inventory.from_json({"environments": [params.get("record")]},
                                            source="an environment notification")
        except BadInput:
            return None
        return Event("environment", record=inventory.environments[0])
    if method == "progress":
        done, total, text = params.get("done"), params.get("total"), params.get("message")
        return Event("progress", text if isinstance(text, str) else "",
                     done if isinstance(done, int) else None,
                     total if isinstance(total, int) else None)
    return None
