"""What a venv's own files say about it, read once per check run and shared by the venv checks."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery import static
from ainlp.core.discovery.records import EnvRecord
from ainlp.core.discovery.resolve import real
from ainlp.core.health.checks._common import Shebang, bin_dir, is_python_name, read_shebang
from ainlp.core.health.context import CheckContext

# `VIRTUAL_ENV="/x"`, `export VIRTUAL_ENV='/x'`, `VIRTUAL_ENV=/x` (virtualenv); not cygpath lines
_ACTIVATE_PATH = re.compile(
    r"""^\s*(?:export\s+)?VIRTUAL_ENV=(?:"(/[^"]*)"|'(/[^']*)'|(/[^\s;"'$]+))\s*$""", re.MULTILINE
)
_SKIP_SCRIPTS = ("activate", "Activate", "deactivate")


@dataclass(frozen=True)
class Script:
    path: Path
    shebang: Shebang


@dataclass(frozen=True)
class VenvFacts:
    prefix: Path
    cfg: dict[str, str] | None
    recorded_prefix: Path | None  # the folder bin/activate was written for
    scripts: tuple[Script, ...]  # files of bin/ with a shebang naming a Python

    @cached_property
    def home(self) -> Path | None:
        """pyvenv.cfg's `home`; None when it is bad data (a NUL, too long, the venv itself)
        or cannot be checked (another user's folder): discovery reports those."""
        home = (self.cfg or {}).get("home")
        if not home or foreign.bad_path(home) is not None:
            return None
        if foreign.stat_error(home) not in (None, "does not exist",
                                            "a part of the path is not a folder"):
            return None
        path = Path(home)
        if _inside_or_is(path, self.prefix):
            return None
        return path

    def moved_from(self) -> Path | None:
        """The folder this venv was made in, when its files say it was somewhere else."""
        if self.recorded_prefix is not None:
            # activate names the folder the venv was made in: the strongest evidence
            return None if _same(self.recorded_prefix, self.prefix) else self.recorded_prefix
        old = [s for s in self.scripts if s.shebang.interpreter.startswith("/")]
        elsewhere = [Path(s.shebang.interpreter).parent.parent for s in old
                     if not _inside(Path(s.shebang.interpreter), self.prefix)
                     and Path(s.shebang.interpreter).parent.name == "bin"
                     and not foreign.exists(Path(s.shebang.interpreter))]
        # most scripts naming one missing folder's bin/python: that folder was this venv
        if old and len(elsewhere) * 2 > len(old):
            return max(set(elsewhere), key=elsewhere.count)
        return None


def venv_facts(ctx: CheckContext, record: EnvRecord) -> VenvFacts:
    return ctx.memo(("venv-facts", record.prefix), lambda: _read(record.prefix, ctx.world.platform))


def _read(prefix: Path, platform: str) -> VenvFacts:
    cfg = static.read_pyvenv_cfg(prefix)
    bin_path = bin_dir(prefix, platform)
    recorded = None
    text = foreign.read_text(os.path.join(bin_path, "activate"), "shim").text or ""
    match = _ACTIVATE_PATH.search(text)
    if match:
        recorded = Path(next(g for g in match.groups() if g))
    scripts: list[Script] = []
    names = [name for name in foreign.listdir(bin_path)[0]
             if not name.startswith(_SKIP_SCRIPTS) and not is_python_name(name)]
    for entry in sorted(bin_path / name for name in names):
        if foreign.is_symlink(entry) or not foreign.is_file(entry):
            continue
        shebang = read_shebang(entry)
        if shebang is None:
            continue
        named = shebang.argument if shebang.interpreter.endswith("/env") else shebang.interpreter
        if not shebang.interpreter or (named and is_python_name(Path(named).name)):
            scripts.append(Script(entry, shebang))
    return VenvFacts(prefix, cfg, recorded, tuple(scripts))


def _inside_or_is(path: Path, prefix: Path) -> bool:
    there = real(path)
    if prefix.name not in there.parts:  # cheap: a folder inside the venv names the venv
        return False
    own = real(prefix)
    return there == own or own in there.parents


def _same(a: Path, b: Path) -> bool:
    return a == b or real(a) == real(b)


def _inside(path: Path, prefix: Path) -> bool:
    return path.parent.parent == prefix or real(path.parent.parent) == real(prefix)
