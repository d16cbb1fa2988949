"""The inventory snapshot: the last discovery's document, kept with what it was read from.

A warm `ainlp find --json` is answered from it when nothing discovery depends on has
changed: the environment variables it read, the files it opened and the folders it listed
(seen through an audit hook while discovery runs), every ancestor folder of those (a
folder's mtime moves when an entry appears or goes), each environment's own files (prefix,
pyvenv.cfg, conda-meta, the executable and its link chain), the current folder and its
parents, and the code of discovery itself. Checking that is a few hundred `lstat` calls and
needs none of the engine: this module imports only os, sys, time and typing (which the
package has loaded already), ainlp.core.ownfiles and ainlp.core.jsondoc, which import no
more, and the document is kept as JSON text, ready to print.

The snapshot is strict JSON read through ainlp.core.ownfiles (a regular file, at most
SNAPSHOT_MAX bytes) and checked against its schema (`_valid`) before any of it is used; the
document it would print must itself parse as a strict JSON object. Anything else is no
snapshot: discovery runs and writes a good one. (It was marshal until issue 12: Python
documents marshal as unsafe for data it did not write, and the state folder is writable.)

Discovery also asks "does this path exist?" with plain stat calls, which no audit event
reports; a path that appears under a folder nobody listed could go unseen. The snapshot is
therefore trusted for SNAPSHOT_TTL seconds at most, and `--refresh` always looks again.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ainlp.core.jsondoc import dumps, loads
from ainlp.core.ownfiles import SNAPSHOT_MAX, BadOwnFile, read_json, write_text

SNAPSHOT_FILE = "inventory-snapshot.json"
SNAPSHOT_TTL = 300.0
_FORMAT = 2  # 1 was marshal
_VOLATILE_ENV = frozenset({"PWD", "OLDPWD", "SHLVL", "_", "COLUMNS", "LINES", "TERM"})
_FIXED_ROOTS = ("/", "/opt", "/usr", "/usr/local", "/home", "/Library/Frameworks")


class Recorder:
    """What one discovery read: environment variables, opened files, listed folders."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.env_keys: set[str] = set()
        self.whole_env = False


# Why an audit hook (process-wide, and it cannot be removed) rather than each locator noting
# what it reads: the warm answer is only as good as the list of what discovery depended on, and
# the hook sees every `open`, `os.listdir` and `os.scandir` of the process while a discovery
# runs, including those inside configparser, tomllib and any locator added later; one forgotten
# note in a hand-kept list would silently serve a stale inventory for SNAPSHOT_TTL. Measured on
# this 2-core machine: it records 276 paths in a `find` here, and idle (outside a recording) it
# costs about 0.4 µs per audited call (stat + open + listdir: 66.0 -> 67.1 µs), nothing a
# long-lived host such as `ainlp serve` would notice. Threads: a call made by another thread
# during a recording is recorded too, which can only make the snapshot expire sooner.
_active: Recorder | None = None
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    recorder = _active
    if recorder is None or event not in ("open", "os.listdir", "os.scandir"):
        return
    path = args[0] if args else None
    if path is None and event != "open":
        path = "."
    if isinstance(path, (str, bytes, os.PathLike)):
        recorder.paths.add(os.path.abspath(os.fsdecode(path)))


class Recording:
    """Record what the code inside reads (one recorder at a time, per process)."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def __enter__(self) -> Recorder:
        global _active, _hook_installed
        if not _hook_installed:
            # audit hooks cannot be removed: it stays, and is idle outside a recording
            sys.addaudithook(_audit)
            _hook_installed = True
        _active = self.recorder
        return self.recorder

    def __exit__(self, *exc: object) -> None:
        global _active
        _active = None


class RecordingEnv(Mapping[str, str]):
    """The world's environment, noting every variable discovery looks at."""

    def __init__(self, env: Mapping[str, str], recorder: Recorder) -> None:
        self._env = env
        self._recorder = recorder

    def __getitem__(self, key: str) -> str:
        self._recorder.env_keys.add(key)
        return self._env[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._recorder.env_keys.add(key)
        return key in self._env

    def __iter__(self) -> Iterator[str]:
        self._recorder.whole_env = True
        return iter(self._env)

    def __len__(self) -> int:
        self._recorder.whole_env = True
        return len(self._env)


def file_key(path: str) -> str | None:
    """(mtime, ctime, size, inode) of a path itself (links not followed); None if absent."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_size}:{st.st_ino}"


def _with_ancestors(paths: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for path in paths:
        while path not in out:
            out.add(path)
            parent = os.path.dirname(path)
            if parent == path:
                break
            path = parent
    return out


def link_chain(path: str) -> list[str]:
    """The path, then each link target in turn, up to the first path that is not a link."""
    chain = [path]
    for _ in range(40):
        try:
            target = os.readlink(path)
        except OSError:
            break
        path = os.path.normpath(os.path.join(os.path.dirname(path), target))
        chain.append(path)
    return chain


def _code_files() -> list[str]:
    here = os.path.dirname(os.path.abspath(__file__))
    folders = [here, os.path.join(here, "locators")]
    return folders + [
        os.path.join(f, n) for f in folders for n in sorted(os.listdir(f)) if n.endswith(".py")
    ]


def _environment_paths(document: Mapping[str, Any]) -> list[str]:
    paths: list[str] = []
    for env in document.get("environments", []):
        prefix = env["prefix"]
        paths += [prefix, os.path.join(prefix, "pyvenv.cfg"), os.path.join(prefix, "conda-meta")]
        for exe in (env.get("executable"), env.get("base_executable")):
            if exe:
                paths += link_chain(exe)
    return paths


def _cwd_chain(cwd: str) -> list[str]:
    chain = [cwd]
    while os.path.dirname(chain[-1]) != chain[-1]:
        chain.append(os.path.dirname(chain[-1]))
    return chain


def _rerooted(root: str, absolute: str) -> str:
    return absolute if root == "/" else os.path.join(root, absolute.lstrip("/"))


def dependencies(
    recorder: Recorder,
    document: Mapping[str, Any],
    *,
    state_dir: str,
    cwd: str,
    home: str,
    root: str,
) -> list[str]:
    """Every path whose change can change a discovery's answer (see the module docstring)."""
    watched = recorder.paths | set(_environment_paths(document)) | set(_cwd_chain(cwd))
    watched |= {home, *(_rerooted(root, p) for p in _FIXED_ROOTS)}
    state = os.path.abspath(state_dir)
    return sorted(
        p
        for p in _with_ancestors(watched) | set(_code_files())
        if p != state and not p.startswith(state + os.sep)  # we write there ourselves
    )


def save(
    state_dir: str,
    document: Mapping[str, Any],
    recorder: Recorder,
    paths: Iterable[str],
    *,
    env: Mapping[str, str],
    cwd: str,
    home: str,
    root: str,
    platform: str,
    now: float,
) -> None:
    """Keep `document` with the fingerprint of `paths`, everything it depends on."""
    state = os.path.abspath(state_dir)
    env_used: dict[str, str | None]
    if recorder.whole_env:
        env_used = {k: v for k, v in env.items() if k not in _VOLATILE_ENV}
    else:
        env_used = {k: env.get(k) for k in sorted(recorder.env_keys)}
    body = {k: v for k, v in document.items() if k not in ("elapsed_ms", "cache")}
    try:
        text = dumps(body)
    except (ValueError, TypeError):
        return  # not strict JSON: never kept, never printed
    snapshot = {
        "format": _FORMAT,
        "python": sys.hexversion,
        "saved_at": now,
        "cwd": cwd,
        "home": home,
        "root": root,
        "platform": platform,
        "whole_env": recorder.whole_env,
        "env": env_used,
        "paths": [[p, file_key(p)] for p in paths],
        "document": text[:-1],  # an open object: elapsed_ms and cache follow
    }
    try:
        saved = dumps(snapshot)
    except (ValueError, TypeError):
        return
    write_text(os.path.join(state, SNAPSHOT_FILE), saved)  # atomic; a failure costs speed


def fresh_document(
    state_dir: str,
    *,
    env: Mapping[str, str],
    cwd: str,
    home: str,
    root: str = "/",
    platform: str = sys.platform,
    now: float | None = None,
) -> str | None:
    """The saved JSON document, without its closing brace, if nothing it depends on
    changed since; else None (also for a snapshot that is damaged or not ours: see `load`)."""
    snapshot = load(state_dir)
    if snapshot is None or snapshot["python"] != sys.hexversion:
        return None
    age = (time.time() if now is None else now) - snapshot["saved_at"]
    if not 0 <= age <= SNAPSHOT_TTL:
        return None
    if (snapshot["cwd"], snapshot["home"], snapshot["root"], snapshot["platform"]) != (
        cwd,
        home,
        root,
        platform,
    ):
        return None
    saved_env = snapshot["env"]
    if snapshot["whole_env"]:
        current = {k: v for k, v in env.items() if k not in _VOLATILE_ENV}
        if current != saved_env:
            return None
    elif any(env.get(key) != value for key, value in saved_env.items()):
        return None
    for path, key in snapshot["paths"]:
        if file_key(path) != key:
            return None
    document: str = snapshot["document"]
    return document


def load(state_dir: str) -> dict[str, Any] | None:
    """The snapshot, schema-checked; None when absent, damaged or not in our format."""
    try:
        value = read_json(os.path.join(state_dir, SNAPSHOT_FILE), SNAPSHOT_MAX, valid)
    except BadOwnFile:
        return None
    return value if isinstance(value, dict) else None


def valid(value: object) -> bool:
    """Whether `value` has the shape `save` writes, down to each entry, and its document is a
    strict JSON object: only then is any of it used or printed."""
    if not isinstance(value, dict) or value.get("format") != _FORMAT:
        return False
    strings = ("cwd", "home", "root", "platform", "document")
    if not all(isinstance(value.get(key), str) for key in strings):
        return False
    if not isinstance(value.get("whole_env"), bool) or type(value.get("python")) is not int:
        return False
    saved_at = value.get("saved_at")
    if isinstance(saved_at, bool) or not isinstance(saved_at, (int, float)):
        return False
    env, paths = value.get("env"), value.get("paths")
    if not isinstance(env, dict) or not all(
            isinstance(v, str) or (v is None and not value["whole_env"]) for v in env.values()):
        return False
    if not isinstance(paths, list) or not all(
            isinstance(p, list) and len(p) == 2 and isinstance(p[0], str)
            and (p[1] is None or isinstance(p[1], str)) for p in paths):
        return False
    document = value["document"]
    if not document.startswith("{"):
        return False
    try:
        parsed = loads(document + "}")
    except ValueError:
        return False
    return isinstance(parsed, dict) and "environments" in parsed  # `{` alone would print `{,`
