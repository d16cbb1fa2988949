"""`ainlp serve`: LSP frames on stdin/stdout, JSON-RPC 2.0 requests, errors, notifications."""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ainlp_command, make_venv, make_world, write
from fuzzing import fuzz
from hypothesis import given
from hypothesis import strategies as st

from ainlp.commands.serve import frames_only, methods
from ainlp.rpc import (
    MAX_FRAME,
    Call,
    FrameError,
    FrameWriter,
    Method,
    Service,
    Strict,
    encode_frame,
    read_frame,
)
from ainlp.rpc import serve as serve_streams

Message = dict[str, Any]


def frame(message: object) -> bytes:
    return encode_frame(message)


def raw_frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def request(id: int | str | None, method: str, params: object = None) -> Message:
    message: Message = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        message["params"] = params
    return message


def all_frames(data: bytes) -> list[Any]:
    """Every frame of a byte stream; fails if anything else is in it."""
    stream = io.BytesIO(data)
    found = []
    while (body := read_frame(stream)) is not None:
        found.append(json.loads(body))
    return found


def environ(tmp_path: Path, path: list[Path] | None = None, **extra: str) -> dict[str, str]:
    (tmp_path / "home").mkdir(exist_ok=True)
    env = {"HOME": str(tmp_path / "home"), "AINLP_HOME": str(tmp_path / "state"),
           "PATH": ":".join(str(p) for p in path or []), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def serve(tmp_path: Path, data: bytes, path: list[Path] | None = None,
          argv: list[str] | None = None) -> tuple[list[Any], subprocess.CompletedProcess[bytes]]:
    done = subprocess.run(argv or [ainlp_command(), "serve"], input=data, capture_output=True,
                          env=environ(tmp_path, path), cwd=tmp_path, timeout=120)
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return all_frames(done.stdout), done


def replies(messages: list[Any]) -> dict[Any, Message]:
    return {m["id"]: m for m in messages if isinstance(m, dict) and "id" in m}


def error_of(reply: Message, code: int) -> dict[str, Any]:
    """The error document in `data`, after checking the code and the document's shape."""
    assert "result" not in reply, reply
    assert reply["error"]["code"] == code, reply
    document = reply["error"]["data"]["error"]
    assert set(document) >= {"code", "message", "hint", "where"}
    assert document["message"]
    return dict(document)


# --- framing ----------------------------------------------------------------------------------


def test_frames_round_trip_with_utf8_lengths_and_tolerated_headers() -> None:
    messages = [{"text": "héllo ✓"}, [1, 2], "x"]
    data = b"".join(encode_frame(m) for m in messages)
    assert all_frames(data) == messages
    body = json.dumps({"a": "é"}, ensure_ascii=False).encode()
    odd = (b"\r\n" + b"content-length: %d\r\nContent-Type: application/vscode-jsonrpc; "
           b"charset=utf-8\r\n\r\n" % len(body) + body + b"Content-Length: 2\n\n{}")
    assert all_frames(odd) == [{"a": "é"}, {}]


def test_a_path_that_is_not_utf8_still_makes_a_valid_frame() -> None:
    name = b"/tmp/caf\xe9".decode("utf-8", "surrogateescape")
    data = encode_frame({"prefix": name})
    data.decode("ascii")
    assert all_frames(data) == [{"prefix": name}]


def test_end_of_input_between_frames_is_none() -> None:
    assert read_frame(io.BytesIO(b"")) is None
    assert read_frame(io.BytesIO(b"\r\n\r\n")) is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"Content-Length: 10\r\n\r\n{}", "2 of 10 bytes"),
        (b"Content-Length: 10\r\n", "inside a frame header"),
        (b"Content-Len", "inside a frame header"),
        (b"Hello world\r\n\r\n", "not a header line"),
        (b"Content-Type: text/json\r\n\r\n{}", "without Content-Length"),
        (b"Content-Length: -3\r\n\r\n", "not a byte count"),
        (b"Content-Length: 1e3\r\n\r\n", "not a byte count"),
        (b"Content-Length: 99999999999999999999\r\n\r\n", "not a byte count"),
        (b"X-" + b"a" * 2000 + b": 1\r\n\r\n", "longer than"),
        (b"".join(b"X-%d: 1\r\n" % i for i in range(40)) + b"\r\n", "header lines"),
    ],
)
def test_unreadable_frames_are_fatal_errors(data: bytes, words: str) -> None:
    with pytest.raises(FrameError) as caught:
        read_frame(io.BytesIO(data))
    assert caught.value.fatal
    assert words in caught.value.message


def test_a_frame_over_the_limit_is_skipped_and_the_next_one_read() -> None:
    stream = io.BytesIO(raw_frame(b"[" + b"1," * 50 + b"1]") + frame({"next": True}))
    with pytest.raises(FrameError) as caught:
        read_frame(stream, limit=64)
    assert not caught.value.fatal
    assert caught.value.code == -32600
    assert read_frame(stream, limit=64) == json.dumps({"next": True}).encode()
    with pytest.raises(FrameError) as truncated:
        read_frame(io.BytesIO(b"Content-Length: 100\r\n\r\n" + b"x" * 80), limit=64)
    assert truncated.value.fatal


def test_writer_stops_quietly_when_the_peer_is_gone() -> None:
    out = io.BytesIO()
    writer = FrameWriter(out)
    writer.send({"a": 1})
    assert all_frames(out.getvalue()) == [{"a": 1}]
    out.close()
    writer.send({"a": 2})
    assert writer.closed


# --- the service, as a program talks to it ----------------------------------------------------


def test_parse_and_execute(tmp_path: Path) -> None:
    block = ("CONTEXT Daily {\n  COMMAND Check {\n    ACTION: run_environment_health_check()\n"
             "  }\n}\nRUN Check\n")
    data = b"".join(frame(m) for m in [
        request(1, "parse", {"text": "diagnose python path problems"}),
        request(2, "parse", {"text": block}),
        request(3, "parse", {"text": "CONTEXT {"}),
        request(4, "execute", {"text": "make me a sandwich with extra cheese"}),
        request(5, "execute", {"text": "which python"}),
        request(6, "execute", {"text": "back up my environments"}),
        request(7, "execute", {"text": "back up my environments", "apply": True}),
        request(8, "execute", {"intent": {"intent": "which_python", "slots": {}}}),
        request(9, "execute", {"intent": {"intent": "no_such_intent"}}),
        request("ten", "execute", {"text": block}),
    ]) + frame({"jsonrpc": "2.0", "method": "exit"})
    messages, done = serve(tmp_path, data)
    assert done.returncode == 0
    got = replies(messages)
    assert len(got) == 10

    intent = got[1]["result"]
    assert intent["kind"] == "phrase"
    assert intent["intent"] == "diagnose"
    assert intent["slots"] == {"topic": "path"}
    script = got[2]["result"]
    assert script["kind"] == "script"
    assert [s["type"] for s in script["statements"]] == ["context", "run"]
    assert error_of(got[3], -32001)["code"].startswith("script.")

    unknown = error_of(got[4], -32001)
    assert unknown["code"] == "phrase.unknown"
    assert got[4]["error"]["data"]["error"]["intent"]["intent"] == "unknown"

    which = got[5]["result"]
    assert which["action"] == "which_python"
    assert which["intent"]["intent"] == "which_python"
    assert set(which) >= {"arguments", "result", "problems_found", "failed", "exit_code"}
    assert got[8]["result"]["action"] == "which_python"
    assert "no_such_intent" in error_of(got[9], -32001)["message"]

    # a backup writes only to the state folder: it runs without a plan, applied or not
    for id in (6, 7):
        assert got[id]["result"]["action"] == "create_comprehensive_backup"

    ran = got["ten"]["result"]
    assert ran["kind"] == "script"
    assert [s["steps"][0]["action"] for s in ran["statements"]] == ["run_environment_health_check"]


def test_unknown_plans_and_state_changing_methods_say_so(tmp_path: Path) -> None:
    plan_id = "no-such-plan"
    data = b"".join(frame(m) for m in [
        request(1, "execute", {"text": "undo the last change"}),
        request(2, "execute", {"text": "undo the last change", "apply": True}),
        request(3, "apply", {"plan_id": plan_id}),
        request(4, "plan", {"target": "all"}),
        request(5, "snapshot", {}),
        request(6, "restore", {"source": "latest"}),
        request(7, "export", {"path": str(tmp_path / "bundle")}),
        request(8, "import", {"path": str(tmp_path / "bundle")}),
    ])
    got = replies(serve(tmp_path, data)[0])
    # undo: a plan first; applied with nothing recorded, it fails (nothing to undo)
    assert got[1]["result"]["applied"] == []
    assert got[2]["result"]["failed"] is True
    assert plan_id in error_of(got[3], -32001)["message"]
    assert got[5]["result"]["target"] == "all"  # snapshot: a backup of everything
    assert error_of(got[6], -32002)["code"] == "state.no-backup"  # none was kept
    assert "error" not in got[4] and got[4]["result"]["applied"] == []  # fix: a plan only
    assert got[7]["result"]["path"] == str(tmp_path / "bundle")  # export writes the bundle
    assert (tmp_path / "bundle" / "manifest.json").is_file()
    assert got[8]["result"]["applied"] == []  # import: nothing in it to recreate


def test_protocol_errors_get_replies_and_the_service_carries_on(tmp_path: Path) -> None:
    data = b"".join([
        raw_frame(b"{not json"),
        raw_frame(b"\xff\xfe"),
        frame(request(1, "no_such_method")),
        frame({"jsonrpc": "1.0", "id": 2, "method": "parse"}),
        frame({"jsonrpc": "2.0", "id": 3}),
        frame({"jsonrpc": "2.0", "id": 4.5, "method": "parse"}),
        frame(42),
        frame(request(5, "parse", {"text": "x", "extra": 1})),
        frame(request(6, "parse", {"text": 7})),
        frame(request(7, "parse", ["list pythons"])),
        frame(request(8, "parse")),
        frame(request(9, "execute", {"text": "which python", "intent": {"intent": "help"}})),
        frame(request(10, "find", {"refresh": "yes"})),
        frame(request(11, "doctor", {"topic": "not-a-topic"})),
        frame(request(12, "doctor", {"target": "no-such-environment"})),
        frame(request(13, "apply", {"plan_id": "nope"})),
        frame({"jsonrpc": "2.0", "method": "no_such_notification"}),
        frame(request(14, "parse", {"text": "list python interpreters"})),
    ])
    messages, done = serve(tmp_path, data)
    assert done.returncode == 0
    nulls = [m for m in messages if m.get("id") is None]
    assert [m["error"]["code"] for m in nulls] == [-32700, -32700, -32600, -32600]
    error_of(nulls[0], -32700)
    got = replies(messages)
    assert error_of(got[1], -32601)["code"] == "rpc.method-not-found"
    error_of(got[2], -32600)
    error_of(got[3], -32600)
    for id in (5, 6, 7, 8, 9, 10):
        assert error_of(got[id], -32602)["code"] == "rpc.invalid-params", id
    for id in (11, 12, 13):
        error_of(got[id], -32001)
    assert got[14]["result"]["intent"] == "list_environments"
    assert len(messages) == len(nulls) + 13  # no reply to a notification


def test_batches_are_answered_in_one_array(tmp_path: Path) -> None:
    data = frame([
        request(1, "parse", {"text": "list python interpreters"}),
        {"jsonrpc": "2.0", "method": "parse", "params": {"text": "help"}},
        {"jsonrpc": "2.0", "id": 2},
        request(3, "no_such_method"),
    ]) + frame([]) + frame([{"jsonrpc": "2.0", "method": "parse", "params": {"text": "x"}}])
    messages, done = serve(tmp_path, data)
    assert done.returncode == 0
    assert len(messages) == 2  # the batch of notifications only gets no reply
    batch, empty = messages
    assert [r.get("id") for r in batch] == [1, 2, 3]
    assert batch[0]["result"]["intent"] == "list_environments"
    assert batch[1]["error"]["code"] == -32600
    assert batch[2]["error"]["code"] == -32601
    assert error_of(empty, -32600)["message"] == "an empty batch"


def test_shutdown_then_exit(tmp_path: Path) -> None:
    data = b"".join([
        frame(request(1, "shutdown")),
        frame(request(2, "parse", {"text": "help"})),
        frame({"jsonrpc": "2.0", "method": "exit"}),
        frame(request(3, "parse", {"text": "help"})),  # never read
    ])
    messages, done = serve(tmp_path, data)
    assert done.returncode == 0
    got = replies(messages)
    assert got[1] == {"jsonrpc": "2.0", "id": 1, "result": None}
    assert error_of(got[2], -32600)["code"] == "rpc.shutting-down"
    assert 3 not in got


def test_end_of_input_answers_what_came_and_exits_0(tmp_path: Path) -> None:
    messages, done = serve(tmp_path, frame(request(1, "parse", {"text": "help"})))
    assert done.returncode == 0
    assert replies(messages)[1]["result"]["intent"] == "help"
    messages, done = serve(tmp_path, b"")
    assert (messages, done.returncode) == ([], 0)


@pytest.mark.parametrize("tail", [b"Hello world\r\n\r\n{}", b"Content-Length: 50\r\n\r\n{\"a\"",
                                  b"Content-Length: lots\r\n\r\n{}"])
def test_an_unreadable_frame_gets_an_error_and_ends_the_service(tmp_path: Path,
                                                                tail: bytes) -> None:
    data = frame(request(1, "parse", {"text": "help"})) + tail + frame(request(2, "shutdown"))
    messages, done = serve(tmp_path, data)
    assert done.returncode == 1
    assert replies(messages)[1]["result"]["intent"] == "help"
    assert error_of(messages[-1], -32700)["code"] == "rpc.bad-frame"
    assert messages[-1]["id"] is None
    assert 2 not in replies(messages)


def test_a_frame_over_16_mib_is_refused_and_the_next_one_answered(tmp_path: Path) -> None:
    big = raw_frame(b'"' + b"a" * MAX_FRAME + b'"')
    messages, done = serve(tmp_path, big + frame(request(1, "parse", {"text": "help"})))
    assert done.returncode == 0
    assert error_of(messages[0], -32600)["code"] == "rpc.bad-frame"
    assert replies(messages)[1]["result"]["intent"] == "help"


def test_stray_prints_of_actions_and_children_never_reach_stdout(tmp_path: Path) -> None:
    code = ("import os, sys\n"
            "import ainlp.commands.serve as serve\n"
            "parse = serve._parse\n"
            "def noisy(*args):\n"
            "    print('stray print')\n"
            "    os.system('echo stray child')\n"
            "    return parse(*args)\n"
            "serve._parse = noisy\n"
            "from ainlp.cli import main\n"
            "sys.exit(main(['serve']))\n")
    messages, done = serve(tmp_path, frame(request(1, "parse", {"text": "help"})),
                           path=[Path("/usr/bin"), Path("/bin")],
                           argv=[sys.executable, "-c", code])
    assert done.returncode == 0
    assert replies(messages)[1]["result"]["intent"] == "help"
    assert b"stray print" in done.stderr
    assert b"stray child" in done.stderr


def test_a_bug_in_a_method_is_an_internal_error_and_the_service_carries_on(
        tmp_path: Path) -> None:
    code = ("import sys\n"
            "import ainlp.commands.serve as serve\n"
            "def broken(*args):\n"
            "    raise RuntimeError('boom')\n"
            "serve._find = broken\n"
            "from ainlp.cli import main\n"
            "sys.exit(main(['serve']))\n")
    data = frame(request(1, "find")) + frame(request(2, "parse", {"text": "help"}))
    done = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True,
                          env=environ(tmp_path), cwd=tmp_path, timeout=120)
    assert done.returncode == 0
    got = replies(all_frames(done.stdout))
    assert "boom" in error_of(got[1], -32603)["message"]
    assert got[2]["result"]["intent"] == "help"
    assert b"RuntimeError: boom" in done.stderr  # the traceback, for the bug report


def test_an_intent_from_parse_is_executed_as_given(tmp_path: Path) -> None:
    messages, _ = serve(tmp_path, frame(request(1, "parse", {"text": "which python 3.99"})))
    intent = replies(messages)[1]["result"]
    assert intent["slots"] == {"version": "3.99"}
    data = frame(request(2, "execute", {"intent": intent})) + frame(request(3, "exit"))
    messages, done = serve(tmp_path, data)
    assert done.returncode == 0
    got = replies(messages)
    assert got[2]["result"]["arguments"] == {"version": "3.99"}
    assert got[2]["result"]["failed"] is True  # nothing runs for 3.99: a result, not an error
    assert got[3]["result"] is None


def test_find_sends_each_environment_before_its_result(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "home" / ".virtualenvs" / "good1")
    data = frame(request(1, "find", {"refresh": True})) + frame(request(2, "find"))
    messages, done = serve(tmp_path, data, path=[venv / "bin"])
    assert done.returncode == 0, done.stderr.decode()
    first = messages[: next(i for i, m in enumerate(messages) if m.get("id") == 1) + 1]
    notes = [m for m in first if "id" not in m]
    result = first[-1]["result"]
    assert set(result) >= {"environments", "summary", "elapsed_ms", "cache"}
    records = [n["params"]["record"] for n in notes if n["method"] == "environment"]
    assert records == result["environments"]
    good = [r for r in records if r["prefix"] == str(venv.resolve())]
    assert [(r["kind"], r["name"], r["state"]) for r in good] == [("venv", "good1", "ok")]
    progress = [n["params"] for n in notes if n["method"] == "progress"]
    assert all(set(p) == {"id", "message", "done", "total"} and p["id"] == 1 for p in progress)
    assert progress[-1]["done"] == progress[-1]["total"] == len(records)
    assert {n["params"]["id"] for n in notes} == {1}
    second = replies(messages)[2]["result"]
    assert [e["id"] for e in second["environments"]] == [e["id"] for e in records]


def test_doctor(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "v")
    data = b"".join(frame(m) for m in [
        request(1, "doctor", {"target": str(venv)}),
        request(2, "doctor", {"target": str(venv), "topic": "venv"}),
    ])
    messages, done = serve(tmp_path, data, path=[venv / "bin"])
    assert done.returncode == 0
    got = replies(messages)
    report = got[1]["result"]
    assert set(report) == {"findings", "checks_run", "summary"}
    assert report["summary"]["error"] == 0
    assert {f["subject"] for f in report["findings"]} <= {str(venv)}
    assert 0 < got[2]["result"]["checks_run"] < report["checks_run"]


# --- cancel, with a live service --------------------------------------------------------------


class Live:
    """`ainlp serve` with frames read as they come."""

    def __init__(self, tmp_path: Path, path: list[Path]) -> None:
        self.proc = subprocess.Popen([ainlp_command(), "serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=environ(tmp_path, path), cwd=tmp_path)
        self.frames: queue.Queue[Any] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while (body := read_frame(self.proc.stdout)) is not None:  # type: ignore[arg-type]
            self.frames.put(json.loads(body))
        self.frames.put(None)

    def send(self, message: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(frame(message))
        self.proc.stdin.flush()

    def next(self) -> Any:
        return self.frames.get(timeout=60)

    def until(self, id: object) -> list[Any]:
        seen = [self.next()]
        while not (isinstance(seen[-1], dict) and seen[-1].get("id") == id):
            assert seen[-1] is not None, "the service ended"
            seen.append(self.next())
        return seen

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)


@pytest.fixture
def slow_world(tmp_path: Path) -> Iterator[Live]:
    """A PATH whose interpreters take 1.5 s to answer a probe: a find that can be cancelled."""
    bin_dir = tmp_path / "bin"
    sleep = shutil.which("sleep")
    assert sleep is not None
    for minor in (8, 9):
        write(bin_dir / f"python3.{minor}", f"#!/bin/sh\nexec {sleep} 1.5\n", 0o755)
    live = Live(tmp_path, [bin_dir])
    yield live
    if live.proc.poll() is None:
        live.proc.kill()
        live.proc.wait()


def test_cancel_a_running_find_and_a_queued_request(slow_world: Live) -> None:
    live = slow_world
    live.send(request(1, "find", {"refresh": True}))
    started = live.next()
    assert started["method"] == "progress" and started["params"]["id"] == 1
    live.send(request(2, "doctor"))
    live.send(request(3, "cancel", {"id": 2}))
    assert live.until(3)[-1]["result"] == {"cancelled": True}
    live.send(request(4, "cancel", {"id": 1}))
    assert live.until(4)[-1]["result"] == {"cancelled": True}
    live.send(request(5, "cancel", {"id": 99}))
    seen = live.until(5)
    assert seen[-1]["result"] == {"cancelled": False}
    for id in (1, 2):
        found = [m for m in seen if m.get("id") == id] or [live.until(id)[-1]]
        assert error_of(found[0], -32003)["code"] == "request.cancelled"
    live.send(request(6, "parse", {"text": "help"}))
    assert live.until(6)[-1]["result"]["intent"] == "help"
    live.send(request(7, "cancel", {"id": 6}))
    assert live.until(7)[-1]["result"] == {"cancelled": False}  # already answered
    assert live.close() == 0


# --- cancel while a method runs, in process (deterministic) -----------------------------------


class _Output(io.BytesIO):
    def close(self) -> None:  # keep what was written readable after the service ends
        pass


def test_a_cancel_while_a_method_runs_drops_its_result_unless_it_changes_things(
        tmp_path: Path) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(service: Service, params: Strict, call: Call) -> dict[str, bool]:
        started.set()
        assert release.wait(30)
        return {"done": True}

    table = {**methods(), "slow": Method(Strict, slow),
             "change": Method(Strict, slow, lambda params: True)}
    read_end, write_end = os.pipe()
    out = _Output()
    reader = os.fdopen(read_end, "rb")
    server = threading.Thread(
        target=lambda: serve_streams(reader, out, table, lambda: make_world(tmp_path)))
    server.start()

    def run_and_cancel(id: int, method: str) -> None:
        started.clear()
        release.clear()
        os.write(write_end, frame(request(id, method)))
        assert started.wait(30)
        os.write(write_end, frame(request(id + 100, "cancel", {"id": id})))
        for _ in range(3000):  # the cancel is answered while the method still runs
            if any(m.get("id") == id + 100 for m in all_frames(out.getvalue())):
                break
            threading.Event().wait(0.01)
        release.set()

    run_and_cancel(1, "slow")
    run_and_cancel(2, "change")
    os.close(write_end)
    server.join(30)
    assert not server.is_alive()
    got = replies(all_frames(out.getvalue()))
    assert got[101]["result"] == {"cancelled": True}
    assert error_of(got[1], -32003)["code"] == "request.cancelled"
    assert got[102]["result"] == {"cancelled": False}  # it runs and changes things: it finishes
    assert got[2]["result"] == {"done": True}


def test_frames_only_without_file_descriptors(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(frame(request(1, "parse", {"text": "help"}))))
    stdout = io.TextIOWrapper(_Output())
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    with frames_only() as (reader, writer):
        assert sys.stdout is sys.stderr
        print("stray")
        code = serve_streams(reader, writer, methods(), lambda: make_world(tmp_path))
    assert sys.stdout is stdout
    assert code == 0
    assert replies(all_frames(stdout.buffer.getvalue()))[1]["result"]["intent"] == "help"


# --- issue 12: the service survives any frame, and its JSON is strict both ways ---------------


def strict_frames(data: bytes) -> list[Any]:
    """Every frame of a byte stream, each strict JSON (no NaN, no Infinity)."""
    from ainlp.core.jsondoc import loads

    stream = io.BytesIO(data)
    found = []
    while (body := read_frame(stream)) is not None:
        found.append(loads(body))
    return found


def serve_bounded(tmp_path: Path, data: bytes
                  ) -> tuple[list[Any], subprocess.CompletedProcess[bytes]]:
    """`ainlp serve` in a child with a timeout and RLIMIT_AS, as a reproduction must run."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run([ainlp_command(), "serve"], input=data, capture_output=True,
                          env=environ(tmp_path), cwd=tmp_path, timeout=120,
                          preexec_fn=limit if sys.platform.startswith("linux") else None)
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return strict_frames(done.stdout), done


def test_a_deeply_nested_frame_is_a_parse_error_and_the_service_carries_on(
        tmp_path: Path) -> None:
    deep = raw_frame(b"[" * 5000 + b"]" * 5000)
    deeper = raw_frame(b'{"a": ' * 100_000)
    data = (frame(request(1, "parse", {"text": "help"})) + deep + deeper
            + frame(request(2, "parse", {"text": "help"})))
    messages, done = serve_bounded(tmp_path, data)
    assert done.returncode == 0
    got = replies(messages)
    assert got[1]["result"]["intent"] == "help" and got[2]["result"]["intent"] == "help"
    errors = [m for m in messages if m.get("id") is None and "error" in m]
    assert [m["error"]["code"] for m in errors] == [-32700, -32700]
    assert messages.index(got[1]) < messages.index(errors[0])  # answered in order


@pytest.mark.parametrize("value", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_nan_in_a_request_is_refused_and_never_echoed(tmp_path: Path, value: bytes) -> None:
    body = (b'{"jsonrpc": "2.0", "id": 7, "method": "execute", "params": {"intent": '
            b'{"intent": "help", "confidence": ' + value + b'}}}')
    # serve_bounded parses every frame strictly: a bare NaN anywhere would fail it
    messages, done = serve_bounded(tmp_path, raw_frame(body)
                                   + frame(request(8, "parse", {"text": "help"})))
    assert done.returncode == 0
    assert [m["error"]["code"] for m in messages if m.get("id") is None] == [-32700]
    assert replies(messages)[8]["result"]["intent"] == "help"


class _Boom(Strict):
    pass


def _service_methods() -> dict[str, Method]:
    def nan(service: Service, params: _Boom, call: Call) -> object:
        return {"confidence": float("nan")}

    def recursion(service: Service, params: _Boom, call: Call) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    def bad_flag(params: object) -> bool:
        raise RuntimeError("a bug while registering")

    return {"parse": methods()["parse"], "nan": Method(_Boom, nan),
            "recursion": Method(_Boom, recursion), "flag": Method(_Boom, nan, bad_flag)}


def run_service(data: bytes) -> tuple[int, list[Any]]:
    out = io.BytesIO()
    no_world = lambda: None  # noqa: E731 - these methods never use the world
    code = serve_streams(io.BytesIO(data), out, _service_methods(), world=no_world)  # type: ignore[arg-type]
    return code, strict_frames(out.getvalue())


def test_a_result_that_is_not_json_and_bugs_anywhere_become_error_replies() -> None:
    data = b"".join(frame(m) for m in [request(1, "nan"), request(2, "recursion"),
                                       request(3, "flag"), [request(4, "nan"),
                                                            request(5, "parse", {"text": "help"})],
                                       request(6, "parse", {"text": "help"})])
    code, messages = run_service(data)
    assert code == 0
    flat = [m for item in messages for m in (item if isinstance(item, list) else [item])]
    got = replies(flat)
    assert error_of(got[1], -32603)["code"] == "rpc.unencodable"
    assert error_of(got[2], -32603)
    assert "result" in got[3] or "error" in got[3]  # answered either way, never lost
    assert error_of(got[4], -32603) and got[5]["result"]["intent"] == "help"
    assert got[6]["result"]["intent"] == "help"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["jsonrpc", "id", "method", "params", "text", "x"])
                      | st.text(max_size=5), children, max_size=4),
    max_leaves=20)
requests = st.fixed_dictionaries(
    {"jsonrpc": st.sampled_from(["2.0", "1.0", 2]),
     "method": st.sampled_from(["parse", "nan", "recursion", "flag", "cancel", "nope"])
     | st.text(max_size=5),
     "id": st.none() | st.integers() | st.text(max_size=5) | st.booleans()
     | st.floats(allow_nan=False),
     "params": json_values})
bodies = (st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode())
          | requests.map(lambda v: json.dumps(v).encode())
          | st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n)
          | st.sampled_from([b"NaN", b"[Infinity]", b'{"id": 1e999}', b"\xff\xfe", b""]))


@fuzz(150)
@given(st.lists(bodies, min_size=1, max_size=6))
def test_fuzz_no_frame_crashes_the_service(frames: list[bytes]) -> None:
    marker = frame(request("last", "parse", {"text": "help"}))
    code, messages = run_service(b"".join(raw_frame(body) for body in frames) + marker)
    assert code == 0
    flat = [m for item in messages for m in (item if isinstance(item, list) else [item])]
    assert replies(flat)["last"]["result"]["intent"] == "help"  # still serving after all
