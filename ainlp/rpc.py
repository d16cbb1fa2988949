"""The JSON-RPC 2.0 service of `ainlp serve`: frames, requests, errors, notifications, cancel.

Frames are those of the Language Server Protocol: `Content-Length: N\\r\\n\\r\\n` and N bytes
of UTF-8 JSON. The main thread reads frames; requests run one at a time, in order, on a
worker thread, so that `cancel {id}` is answered while a long `find` or `doctor` runs.

Cancelling sets the request's token. The engine sees it where it would start a program (the
world's runner raises `Cancelled` before the next interpreter probe or check command) and
between discovered environments; a request that finishes anyway after a cancel that said
`{"cancelled": true}` is answered with -32003 and its result dropped. Requests that change
the machine (`apply`, `snapshot`, `restore`, `export`, `import`, `execute` with apply true)
can be cancelled while they wait in the queue, not once they run: nothing is half applied.

`exit` (or end of input) ends the loop, exit code 0: nothing more is read, and the requests
already received are answered first (a client may write everything at once). A frame that
cannot be read (bad header, no Content-Length, input ending inside a frame) gets an error
reply and ends the service with exit code 1: the stream cannot be followed any further.
A frame longer than MAX_FRAME is read past and answered with -32600. Elements of a batch run
in order and are answered in one array; they cannot be cancelled one by one.

The service survives any frame: JSON is read strictly (NaN, Infinity, numbers out of range and
nesting too deep are parse errors, -32700, id null), and every exception while decoding,
validating, running or encoding one request becomes an error reply to that request (-32603,
or id null when it has none); the requests before it are answered, the service carries on.
Replies are strict JSON too: a result that cannot be written as JSON is an internal error.
"""

from __future__ import annotations

import queue
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ainlp.api import AinlpError, BadInput, Cancelled, CancelToken, Event, Interrupted, World
from ainlp.jsontext import dumps, loads

MAX_FRAME = 16 * 1024 * 1024  # bytes of one message body
MAX_HEADER_LINE = 1024
MAX_HEADERS = 32
MAX_PLANS = 64  # plans kept for `apply {plan_id}`
MAX_QUEUED = 1024  # requests read ahead of the one running
_SKIP_CHUNK = 64 * 1024

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
BAD_INPUT = -32001
ACTION_FAILED = -32002
CANCELLED = -32003

RequestId = int | str | None
Message = dict[str, object]


# --- framing ----------------------------------------------------------------------------------


class FrameError(Exception):
    """A frame that cannot be read. `fatal`: the stream cannot be followed past it."""

    def __init__(self, message: str, *, fatal: bool, code: int = PARSE_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.fatal = fatal
        self.code = code


def read_frame(stream: BinaryIO, limit: int = MAX_FRAME) -> bytes | None:
    """The body of the next frame, or None when the input ends between frames.

    A body longer than `limit` is read past and reported (not fatal): the frame after it
    is still found.
    """
    length: int | None = None
    headers = 0
    while True:
        line = stream.readline(MAX_HEADER_LINE + 1)
        if not line:
            if headers == 0:
                return None
            raise FrameError("the input ended inside a frame header", fatal=True)
        if not line.endswith(b"\n"):
            if len(line) > MAX_HEADER_LINE:
                raise FrameError(f"a header line is longer than {MAX_HEADER_LINE} bytes",
                                 fatal=True)
            raise FrameError("the input ended inside a frame header", fatal=True)
        text = line.rstrip(b"\r\n")
        if not text:
            if headers == 0:
                continue  # blank lines between frames are tolerated
            break
        headers += 1
        if headers > MAX_HEADERS:
            raise FrameError(f"more than {MAX_HEADERS} header lines", fatal=True)
        name, colon, value = text.partition(b":")
        if not colon:
            raise FrameError(f"not a header line: {_show(text)}", fatal=True)
        if name.strip().lower() == b"content-length":
            digits = value.strip()
            if not digits.isdigit() or len(digits) > 18:
                raise FrameError(f"Content-Length is not a byte count: {_show(digits)}",
                                 fatal=True)
            length = int(digits)
    if length is None:
        raise FrameError("a frame header without Content-Length", fatal=True)
    if length > limit:
        _skip(stream, length)
        raise FrameError(f"a frame of {length} bytes is larger than the limit of {limit}",
                         fatal=False, code=INVALID_REQUEST)
    body = stream.read(length)
    if len(body) < length:
        raise FrameError(f"the input ended inside a frame: {len(body)} of {length} bytes",
                         fatal=True)
    return body


def _skip(stream: BinaryIO, length: int) -> None:
    left = length
    while left > 0:
        chunk = stream.read(min(left, _SKIP_CHUNK))
        if not chunk:
            raise FrameError(f"the input ended inside a frame of {length} bytes", fatal=True)
        left -= len(chunk)


def _show(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return dumps(text if len(text) <= 60 else text[:57] + "...")


def encode_frame(message: object) -> bytes:
    """One frame of strict ASCII JSON (a path that is not valid UTF-8, with surrogate escapes,
    still makes a valid frame). A message that is not JSON (NaN, too deep) becomes, element
    by element of a batch, an internal-error reply to the same id: never invalid JSON."""
    try:
        body = dumps(message).encode("ascii")
    except (ValueError, TypeError, RecursionError) as exc:
        if isinstance(message, list):
            parts = [_encodable(item, exc) for item in message]
            body = dumps([p for p in parts if p is not None]).encode("ascii")
        else:
            body = dumps(_encodable(message, exc)).encode("ascii")
    return b"Content-Length: %d\r\n\r\n%b" % (len(body), body)


def _encodable(message: object, exc: BaseException) -> object:
    try:
        dumps(message)
        return message
    except (ValueError, TypeError, RecursionError):
        pass
    raw_id = message.get("id") if isinstance(message, dict) else None
    reply_id = raw_id if _id_key(raw_id) is not None else None
    return {"jsonrpc": "2.0", "id": reply_id, "error": {
        "code": INTERNAL_ERROR, "message": f"the reply is not valid JSON: {exc}",
        "data": {"error": {"code": "rpc.unencodable", "message": str(exc),
                           "hint": "this is a bug in ainlp; please report it", "where": None}}}}


class FrameWriter:
    """Writes whole frames, one at a time from any thread; stops quietly once the peer left."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self.closed = False

    def send(self, message: object) -> None:
        frame = encode_frame(message)
        with self._lock:
            if self.closed:
                return
            try:
                self._stream.write(frame)
                self._stream.flush()
            except (BrokenPipeError, OSError, ValueError):
                self.closed = True


# --- errors -----------------------------------------------------------------------------------


class RpcError(Exception):
    """An error reply: a JSON-RPC code, and the error document of cli.md in `data`."""

    def __init__(self, code: int, message: str, *, kind: str, hint: str | None = None,
                 document: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.document = dict(document) if document is not None else {
            "error": {"code": kind, "message": message, "hint": hint, "where": None}}

    @classmethod
    def from_error(cls, error: AinlpError) -> RpcError:
        if isinstance(error, Interrupted):
            code = CANCELLED
        else:
            code = BAD_INPUT if error.exit_code == 2 else ACTION_FAILED
        return cls(code, error.message, kind=error.code, document=error.to_document())

    def reply(self, id: RequestId) -> Message:
        return {"jsonrpc": "2.0", "id": id,
                "error": {"code": self.code, "message": self.message, "data": self.document}}


def _cancelled_error() -> RpcError:
    return RpcError.from_error(Cancelled("the request was cancelled; its result was dropped",
                                         hint="send it again to run it"))


# --- the messages at the trust boundary -------------------------------------------------------


class Strict(BaseModel):
    """Params of a method: exact JSON types, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Envelope(Strict):
    jsonrpc: Literal["2.0"]
    method: str
    params: dict[str, object] | list[object] | None = None
    id: int | str | None = None


# --- one request while it runs ----------------------------------------------------------------


@dataclass
class Call:
    """What a method handler gets: the request's id, its token, a way to notify, the world."""

    id: RequestId
    token: CancelToken
    notify: Callable[[str, Message], None]
    world: World

    def check(self) -> None:
        self.token.check()

    def progress(self, message: str, done: int | None = None, total: int | None = None) -> None:
        self.check()
        self.notify("progress", {"id": self.id, "message": message, "done": done, "total": total})

    def on_event(self, event: Event) -> None:
        """The api's events as notifications: `environment` while `find` runs, `progress`."""
        self.check()
        if event.kind == "environment" and event.record is not None:
            self.notify("environment", {"id": self.id, "record": event.record.to_json()})
        elif event.kind == "progress":
            self.notify("progress", {"id": self.id, "message": event.message,
                                     "done": event.done, "total": event.total})


@dataclass
class _Entry:
    """A request between its arrival and its reply."""

    key: tuple[str, int | str]
    token: CancelToken
    changes_machine: bool
    started: bool = False


@dataclass
class _Job:
    message: object  # the decoded JSON of one frame
    entry: int | None = None  # its key in Service._entries, when it can be cancelled


@dataclass
class _Reply:
    message: Message


_STOP = object()
# a handler takes its own params model: Any is what lets each declare its subclass
Handler = Callable[["Service", Any, "Call"], object]


@dataclass(frozen=True)
class Method:
    """A method of the service: its params model, what it does, whether it changes things."""

    params: type[BaseModel]
    handler: Handler
    changes_machine: Callable[[Any], bool] = lambda params: False


# --- the service ------------------------------------------------------------------------------


@dataclass
class Service:
    writer: FrameWriter
    methods: Mapping[str, Method]
    world: Callable[[], World] = World.current
    shutting_down: bool = False
    # bounded: a client that writes without reading its replies is slowed, not buffered
    _queue: queue.Queue[object] = field(default_factory=lambda: queue.Queue(MAX_QUEUED))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _entries: dict[int, _Entry] = field(default_factory=dict)
    _count: int = 0
    _plans: dict[str, Callable[[Call], object]] = field(default_factory=dict)

    # the main thread -------------------------------------------------------------------------

    def receive(self, body: bytes) -> bool:
        """Take one frame's body; False once `exit` arrived (nothing more is read).

        Never raises: whatever goes wrong with this frame is a reply to it (id null when it
        has no usable id), queued after the replies to the frames before it."""
        try:
            message = loads(body.decode("utf-8"))
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            error = RpcError(PARSE_ERROR, f"the frame is not valid JSON: {_clip(exc)}",
                             kind="rpc.parse-error", hint="send one UTF-8 JSON value per frame")
            self._queue.put(_Reply(error.reply(None)))
            return True
        except Exception as exc:  # anything else a frame can provoke: never the service's end
            self._queue.put(_Reply(_internal(exc).reply(None)))
            return True
        try:
            if isinstance(message, dict) and message.get("method") == "cancel":
                reply = self.answer(message)  # at once: the worker may be busy with the target
                if reply is not None:
                    self.writer.send(reply)
                return True
            if _is_exit(message) or (isinstance(message, list) and any(map(_is_exit, message))):
                self._queue.put(_Job(message))
                return False
            self._queue.put(_Job(message, self._register(message)))
        except Exception as exc:
            self._queue.put(_Reply(_internal(exc).reply(_reply_id(message))))
        return True

    def reply_frame_error(self, error: FrameError) -> None:
        hint = (f"send messages of at most {MAX_FRAME} bytes" if not error.fatal else
                "frame each message as Content-Length: N, a blank line, then N bytes of JSON")
        rpc = RpcError(error.code, error.message, kind="rpc.bad-frame", hint=hint)
        self._queue.put(_Reply(rpc.reply(None)))

    def _register(self, message: object) -> int | None:
        if not isinstance(message, dict):
            return None
        key = _id_key(message.get("id"))
        if key is None:
            return None
        method = self.methods.get(str(message.get("method")))
        changes = method is not None and _changes(method, message.get("params"))
        with self._lock:
            self._count += 1
            self._entries[self._count] = _Entry(key, CancelToken(), changes)
            return self._count

    def cancel(self, id: int | str) -> bool:
        """Cancel the request with this id if it waits, or runs and changes nothing."""
        key = _id_key(id)
        hit = False
        with self._lock:
            for entry in self._entries.values():
                if entry.key == key and not (entry.started and entry.changes_machine):
                    entry.token.cancel()
                    hit = True
        return hit

    def cancel_all(self) -> None:
        with self._lock:
            for entry in self._entries.values():
                if not (entry.started and entry.changes_machine):
                    entry.token.cancel()

    def stop(self) -> None:
        self._queue.put(_STOP)

    # the worker thread -----------------------------------------------------------------------

    def work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            try:
                if isinstance(item, _Reply):
                    self.writer.send(item.message)
                elif isinstance(item, _Job):
                    reply = self._run_job(item)
                    if reply is not None:
                        self.writer.send(reply)
            except Exception as exc:  # a bug: never let it end the service, never unanswered
                traceback.print_exc(file=sys.stderr)
                if isinstance(item, _Job):
                    self._finish(item.entry)
                    self.writer.send(_internal(exc).reply(_reply_id(item.message)))

    def _run_job(self, job: _Job) -> Message | list[Message] | None:
        if not isinstance(job.message, list):
            return self.answer(job.message, job.entry)
        if not job.message:
            return RpcError(INVALID_REQUEST, "an empty batch", kind="rpc.invalid-request",
                            hint="a batch is a non-empty array of requests").reply(None)
        replies = [r for r in (self.answer(m) for m in job.message) if r is not None]
        return replies or None

    def answer(self, message: object, entry: int | None = None) -> Message | None:
        """The reply to one request; None for a notification (unless it is not one at all)."""
        reply_id = _reply_id(message)
        wants_reply = not isinstance(message, dict) or "id" in message
        token = self._start(entry)
        try:
            try:
                result = self._dispatch(_envelope(message), token)
            except RpcError:
                raise
            except AinlpError as error:
                raise RpcError.from_error(error) from error
            except Exception as exc:  # validating or running it failed in a way nobody foresaw
                traceback.print_exc(file=sys.stderr)
                raise _internal(exc) from exc
            if self._finish(entry):
                raise _cancelled_error()
        except RpcError as error:
            self._finish(entry)
            if wants_reply or error.code in (PARSE_ERROR, INVALID_REQUEST):
                return error.reply(reply_id)
            return None
        return {"jsonrpc": "2.0", "id": reply_id, "result": result} if wants_reply else None

    def _start(self, entry: int | None) -> CancelToken:
        with self._lock:
            found = self._entries.get(entry) if entry is not None else None
            if found is None:
                return CancelToken()
            found.started = True
            return found.token

    def _finish(self, entry: int | None) -> bool:
        """Forget the request; whether it was cancelled (its result is then dropped)."""
        if entry is None:
            return False
        with self._lock:
            found = self._entries.pop(entry, None)
        return found is not None and found.token.cancelled

    def _dispatch(self, envelope: Envelope, token: CancelToken) -> object:
        if envelope.method == "exit":
            return None
        method = self.methods.get(envelope.method)
        if method is None:
            raise RpcError(METHOD_NOT_FOUND, f"no method {envelope.method!r}",
                           kind="rpc.method-not-found",
                           hint="methods: " + ", ".join(sorted(self.methods)))
        if self.shutting_down and envelope.method != "cancel":
            raise RpcError(INVALID_REQUEST, "the service is shutting down",
                           kind="rpc.shutting-down", hint="send the exit notification")
        params = _params(method.params, envelope.params)
        if token.cancelled:
            raise _cancelled_error()
        call = Call(envelope.id, token, self._notify, self.world())
        try:
            return method.handler(self, params, call)
        except AinlpError as error:
            raise RpcError.from_error(error) from error
        except Exception as exc:  # a bug: reported on stderr, and the service carries on
            traceback.print_exc(file=sys.stderr)
            raise RpcError(INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}",
                           kind="error", hint="this is a bug in ainlp; please report it") from exc

    def _notify(self, method: str, params: Message) -> None:
        self.writer.send({"jsonrpc": "2.0", "method": method, "params": params})

    # plans shown now, applied by a later `apply {plan_id}` ------------------------------------

    def remember(self, plan_id: str, apply: Callable[[Call], object]) -> None:
        self._plans.pop(plan_id, None)
        self._plans[plan_id] = apply
        while len(self._plans) > MAX_PLANS:  # a long session keeps only its newest plans
            del self._plans[next(iter(self._plans))]

    def take_plan(self, plan_id: str) -> Callable[[Call], object]:
        try:
            return self._plans.pop(plan_id)
        except KeyError:
            raise BadInput(f"no plan {plan_id!r} in this session",
                           hint="get a plan from `plan`, or `execute` with apply false, "
                                "then apply its id") from None


def _reply_id(message: object) -> RequestId:
    raw_id = message.get("id") if isinstance(message, dict) else None
    return raw_id if _id_key(raw_id) is not None else None  # type: ignore[return-value]


def _clip(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."


def _internal(exc: BaseException) -> RpcError:
    return RpcError(INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {_clip(exc)}",
                    kind="error", hint="this is a bug in ainlp; please report it")


def _is_exit(message: object) -> bool:
    return isinstance(message, dict) and message.get("method") == "exit"


def _id_key(id: object) -> tuple[str, int | str] | None:
    if isinstance(id, bool) or not isinstance(id, (int, str)):
        return None
    return (type(id).__name__, id)


def _changes(method: Method, params: object) -> bool:
    try:
        model = _params(method.params, params if isinstance(params, (dict, list)) else None)
    except RpcError:
        return False
    return method.changes_machine(model)


_EXAMPLE = '{"jsonrpc": "2.0", "id": 1, "method": "find", "params": {}}'


def _envelope(message: object) -> Envelope:
    if not isinstance(message, dict):
        raise RpcError(INVALID_REQUEST, "a request is a JSON object",
                       kind="rpc.invalid-request", hint=_EXAMPLE)
    try:
        return Envelope.model_validate(message)
    except ValidationError as exc:
        raise RpcError(INVALID_REQUEST, f"not a JSON-RPC 2.0 request: {_first(exc)}",
                       kind="rpc.invalid-request", hint=_EXAMPLE) from exc


def _params(model: type[BaseModel], params: dict[str, object] | list[object] | None
            ) -> BaseModel:
    if isinstance(params, list):
        raise RpcError(INVALID_PARAMS, "params are named: give an object",
                       kind="rpc.invalid-params", hint='for example {"text": "list pythons"}')
    try:
        return model.model_validate(params or {})
    except ValidationError as exc:
        names = ", ".join(sorted(model.model_fields)) or "none"
        raise RpcError(INVALID_PARAMS, f"bad params: {_first(exc)}", kind="rpc.invalid-params",
                       hint=f"params of this method: {names}") from exc


def _first(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


# --- serving ----------------------------------------------------------------------------------


def serve(reader: BinaryIO, writer: BinaryIO, methods: Mapping[str, Method],
          world: Callable[[], World] = World.current) -> int:
    """Answer frames from `reader` on `writer` until exit or end of input; the exit code."""
    service = Service(FrameWriter(writer), methods, world)
    worker = threading.Thread(target=service.work, name="ainlp-rpc-worker", daemon=True)
    worker.start()
    code = 0
    try:
        while not service.writer.closed:
            try:
                body = read_frame(reader)
            except FrameError as error:
                service.reply_frame_error(error)
                if error.fatal:
                    code = 1
                    break
                continue
            if body is None or not service.receive(body):
                break
    except KeyboardInterrupt:
        service.cancel_all()  # the worker is a daemon: the process does not wait for it
        raise
    service.stop()
    worker.join()
    return code
