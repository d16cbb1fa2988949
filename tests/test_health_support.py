"""Helpers of the health tests (no tests here): real venvs, fake interpreters, one-check runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ainlp.core.discovery import discover
from ainlp.core.discovery.records import Inventory
from ainlp.core.health import CheckContext, Finding, get_check
from ainlp.core.world import World
from conftest import real_pythons, write

BASE = real_pythons()[0]
BASE_MINOR = subprocess.run(
    [str(BASE), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
    check=True, capture_output=True, text=True).stdout.strip()
EMPTY = Inventory((), 0.0, "off")

# `ainlp` run the way the console script does, with a fresh interpreter
AINLP = [sys.executable, "-c", "import sys; from ainlp.cli import main; sys.exit(main())"]



def run_one(world: World, check_id: str, *, target: str | None = None,
            inventory: Inventory | None = None) -> list[Finding]:
    """The findings of one check over a world (discovered without the cache unless given)."""
    found = inventory if inventory is not None else discover(world, use_cache=False)
    ctx = CheckContext(world, found, target)
    return list(get_check(check_id).func(ctx))


def ids(world: World, check_id: str, **kwargs: object) -> set[str]:
    return {f.id for f in run_one(world, check_id, **kwargs)}  # type: ignore[arg-type]


def script(path: Path, interpreter: str, body: str = "print('hi')\n") -> Path:
    return write(path, f"#!{interpreter}\n{body}", 0o755)


def fake_base(root: Path, minor: str = "3.11", *, exe_body: str | None = None,
              skip: tuple[str, ...] = ()) -> Path:
    """An interpreter folder with the stdlib layout the checks read; `skip` leaves parts out.

    Parts: ssl, sqlite3, ctypes, lzma, bz2, readline, tkinter (the Python file and the
    compiled module), "_ssl" (only the compiled module), ensurepip.
    """
    lib = root / "lib" / f"python{minor}"
    write(lib / "os.py")
    markers = {"ssl": "ssl.py", "sqlite3": "sqlite3/__init__.py", "ctypes": "ctypes/__init__.py",
               "lzma": "lzma.py", "bz2": "bz2.py", "tkinter": "tkinter/__init__.py"}
    for name, marker in markers.items():
        if name not in skip:
            write(lib / marker)
    tag = minor.replace(".", "")
    for ext in ("_ssl", "_sqlite3", "_ctypes", "_lzma", "_bz2", "readline", "_tkinter"):
        public = ext.lstrip("_")
        if public not in skip and ext not in skip:
            write(lib / "lib-dynload" / f"{ext}.cpython-{tag}-x86_64-linux-gnu.so")
    if "ensurepip" not in skip:
        write(lib / "ensurepip" / "__init__.py")
        write(lib / "ensurepip" / "_bundled" / "pip-24.0-py3-none-any.whl")
    body = exe_body if exe_body is not None else "#!/bin/sh\nexit 0\n"
    write(root / "bin" / f"python{minor}", body, 0o755)
    return root


def wrapper_base(root: Path, **kwargs: object) -> Path:
    """fake_base whose python execs the real BASE: probes and imports answer truthfully."""
    body = f'#!/bin/sh\nexec "{BASE}" "$@"\n'
    return fake_base(root, BASE_MINOR, exe_body=body, **kwargs)  # type: ignore[arg-type]


def env_without_ainlp_leaks(tmp_path: Path, path: list[Path], **extra: str) -> dict[str, str]:
    """A subprocess environment whose HOME, AINLP_HOME and PATH are all in tmp_path."""
    env = {"HOME": str(tmp_path / "home"), "AINLP_HOME": str(tmp_path / "state"),
           "PATH": os.pathsep.join(str(p) for p in path), "LANG": "C.UTF-8",
           "AINLP_WIDTH": "100"}
    (tmp_path / "home").mkdir(exist_ok=True)
    env.update(extra)
    return env
