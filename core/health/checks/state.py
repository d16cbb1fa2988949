"""Checks of AINLP's own state folder: can its caches be written there, and read back."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ainlp.core.discovery import cache as discovery_cache
from ainlp.core.discovery import snapshot
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding
from ainlp.core.health.registry import CheckSpec, health_check
from ainlp.core.ownfiles import (
    DISCOVERY_CACHE_MAX,
    PACKAGES_CACHE_MAX,
    SNAPSHOT_MAX,
    BadOwnFile,
    check_regular,
    problem,
)

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.packages.cache 13 ms

# a cache bigger than this is only checked for its first and last byte: the check must stay
# cheap, and the files' own loaders read them in full anyway
_PARSE_LIMIT = 1024 * 1024


@health_check("state.unwritable")
def unwritable(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    state = ctx.world.state_dir
    problem = unwritable_reason(state)
    if problem is not None:
        yield spec.finding(
            str(state),
            f"the state folder {state} {problem}: caches and the inventory snapshot are off, "
            "so AINLP is slower",
            "set AINLP_HOME to a folder you can write to")


def unwritable_reason(state: Path) -> str | None:
    """Why AINLP cannot write in `state`; None when it can.

    An existing folder is tried for real, with a temporary file removed at once. A folder
    not made yet (AINLP makes it on its first save) is judged by the permissions of the
    nearest folder above it: we write only to the state folder, never beside it.
    """
    if os.path.islink(state) and not os.path.exists(state):
        return f"is a link to {os.readlink(state)}, which does not exist"
    if os.path.exists(state):
        return _cannot_create_in(state) if os.path.isdir(state) else "is not a folder"
    place = state.parent
    while not os.path.lexists(place) and place.parent != place:
        place = place.parent
    if not os.path.isdir(place):
        return f"cannot be created: {place} is not a folder"
    if not os.access(place, os.W_OK | os.X_OK):
        return f"cannot be created: {place} is not writable"
    return None


def _cannot_create_in(folder: Path) -> str | None:
    # os.open rather than tempfile: importing tempfile costs doctor more than the check
    name = folder / f".ainlp-write-test-{os.getpid()}-{time.monotonic_ns()}"
    try:
        handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None  # a file of that name was created there: the folder takes files
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = os.strerror(exc.errno).lower()
        elif exc.errno == errno.ENOENT:  # an existing folder that takes no files (/proc)
            reason = "it takes no new files"
        return f"is not writable ({reason})"
    os.close(handle)
    os.unlink(name)
    return None


def _json_damaged(path: Path, valid: Callable[[object], bool], limit: int,
                  format: int) -> str | None:
    """Why the loader would ignore `path` (ainlp.core.ownfiles' rules: a regular file within
    its cap, strict JSON, the loader's schema); None when it is fine or absent. A file of
    another format (an older AINLP's) is replaced quietly, not damaged."""
    try:
        st = check_regular(str(path), limit)
    except BadOwnFile as bad:
        return bad.reason
    if st is None:
        return None
    if st.st_size > _PARSE_LIMIT:
        return _ends_damaged(path)
    return problem(str(path), limit, lambda v: isinstance(v, dict) and (
        v.get("format") != format or valid(v)))


def _ends_damaged(path: Path) -> str | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return f"cannot be opened: {exc.strerror}"
    with os.fdopen(fd, "rb") as handle:
        head = handle.read(64).lstrip()
        handle.seek(-64, os.SEEK_END)
        tail = handle.read().rstrip()
    if head.startswith(b"{") and tail.endswith(b"}"):
        return None
    return "is not strict JSON"


def _state_files() -> tuple[tuple[str, Callable[[Path], str | None]], ...]:
    from ainlp.core.packages import cache as packages_cache
    return (
        (discovery_cache.CACHE_FILE, lambda p: _json_damaged(
            p, discovery_cache.valid, DISCOVERY_CACHE_MAX, discovery_cache._FORMAT)),
        (packages_cache.CACHE_FILE, lambda p: _json_damaged(
            p, packages_cache.valid, PACKAGES_CACHE_MAX, packages_cache._FORMAT)),
        (snapshot.SNAPSHOT_FILE, lambda p: _json_damaged(
            p, snapshot.valid, SNAPSHOT_MAX, snapshot._FORMAT)),
    )


@health_check("state.damaged")
def damaged(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    state = ctx.world.state_dir
    for name, why in _state_files():
        path = state / name
        try:
            reason = why(path)
        except (OSError, ValueError):
            continue  # unreadable: nothing was ignored that could be read
        if reason is None:
            continue
        yield spec.finding(str(path), f"{path} cannot be read ({reason}): the file was "
                                      "ignored and will be rebuilt",
                           f"nothing to do; delete {path} if this note stays")
    yield from _old_grammar_caches(state, spec)


def _old_grammar_caches(state: Path, spec: CheckSpec) -> Iterator[Finding]:
    """Lark's pickled parse tables, which AINLP loaded before issue 12 and never opens now: a
    pickle in a writable folder can run code in whatever loads it."""
    folder = state / "cache"
    try:
        names = sorted(n for n in os.listdir(folder)
                       if n.startswith("grammar-lark-") and n.endswith(".cache"))
    except (OSError, ValueError):
        return
    for name in names:
        path = folder / name
        yield spec.finding(str(path), f"{path} is a pickled grammar cache that AINLP no "
                                      "longer loads (a pickle can run code): it is ignored",
                           f"delete {path}")
