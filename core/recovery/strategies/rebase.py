"""rebase: a venv whose base interpreter moved or was upgraded within its minor version
(pyenv 3.11.4 -> 3.11.7, a Homebrew Cellar folder replaced, Python reinstalled elsewhere) is
pointed at the installed interpreter of the same minor, nearest patch. Its packages stay:
only pyvenv.cfg and the venv's links to the old interpreter change, each through the
transaction (undo brings the old bytes and links back). Active-environment records that
named the old base interpreter move to the new one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.errors import AinlpError
from ainlp.core.health.findings import Finding
from ainlp.core.recovery.model import FindingRef, RepairStep
from ainlp.core.recovery.strategies import register_strategy
from ainlp.core.recovery.strategies._common import blocked
from ainlp.core.versions import PyVersion

if TYPE_CHECKING:
    from ainlp.core.discovery.records import EnvRecord, Inventory
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.transaction import Transaction

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.envsnap 26 ms

NAME = "rebase"
_VERSION_KEYS = ("version", "version_info")


class RebaseFailed(AinlpError):
    code = "recovery.rebase-failed"


def read_cfg(prefix: Path) -> dict[str, str]:
    """pyvenv.cfg's `key = value` lines (keys lower-cased); {} when unreadable."""
    try:
        text = (prefix / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            found[key.strip().lower()] = value.strip()
    return found


def cfg_version(cfg: dict[str, str]) -> str | None:
    for key in _VERSION_KEYS:
        version = PyVersion.leading_micro(cfg.get(key, ""))
        if version is not None:
            return version.text
    return None


def new_base(inventory: Inventory, prefix: Path) -> tuple[EnvRecord | None, str]:
    """The installed interpreter of the venv's minor (nearest patch) and why, or None."""
    from ainlp.core.envsnap import choose_interpreter
    version = cfg_version(read_cfg(prefix))
    if version is None:
        return None, "pyvenv.cfg records no Python version"
    return choose_interpreter(inventory, version)


def rewritten_cfg(text: str, *, old_home: str, new_home: str, new_python: str,
                  new_version: str) -> str:
    """pyvenv.cfg with home, version lines, executable and command moved to the new base."""
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        key, sep, value = line.partition("=")
        name = key.strip().lower()
        ending = "\n" if line.endswith("\n") else ""
        if not sep:
            out.append(line)
        elif name == "home":
            out.append(f"{key.rstrip()} = {new_home}{ending}")
        elif name in _VERSION_KEYS:
            out.append(f"{key.rstrip()} = "
                       f"{PyVersion.replace_micro(value.strip(), new_version)}{ending}")
        elif name == "executable":
            out.append(f"{key.rstrip()} = {new_python}{ending}")
        elif name == "command":
            out.append(f"{key.rstrip()} = {value.strip().replace(old_home, new_home)}{ending}")
        else:
            out.append(line)
    return "".join(out)


def old_links(prefix: Path, old_home: Path) -> list[Path]:
    """The venv's bin/python* links that name the old base interpreter (dangling or inside
    the old home)."""
    folder = prefix / "bin"
    found: list[Path] = []
    try:
        candidates = sorted(folder.iterdir())
    except OSError:
        return []
    for path in candidates:
        if not path.name.startswith("python") or not path.is_symlink():
            continue
        target = Path(os.readlink(path))
        if not target.is_absolute():
            continue  # python3 -> python: follows the re-pointed link
        if target.parent == old_home or not path.exists():
            found.append(path)
    return found


def venv_runs(rc: RepairContext, prefix: Path) -> str | None:
    """Why the venv's python does not start, or None when it does."""
    python = prefix / ("Scripts/python.exe" if rc.world.platform == "win32" else "bin/python")
    done = rc.world.run([str(python), "-c", "import sys"], timeout=30.0,
                        env=dict(rc.world.env))
    if done.ok:
        return None
    return f"{python} does not start: {done.why()}"


class Rebase:
    name = NAME
    transactional = True

    def plan(self, rc: RepairContext, subject: str, findings: Sequence[Finding],
             step_id: str) -> RepairStep:
        does = f"point {subject} at an installed Python of its minor version"
        record = rc.record(subject)
        prefix = record.prefix if record is not None else Path(subject)
        cfg = read_cfg(prefix)
        if not cfg.get("home"):
            return blocked(NAME, subject, findings, step_id, does,
                           "its pyvenv.cfg names no base interpreter folder")
        chosen, note = new_base(rc.inventory, prefix)
        if chosen is None or chosen.executable is None or chosen.version is None:
            return blocked(NAME, subject, findings, step_id, does,
                           f"no interpreter to point it at: {note}")
        old_home = Path(cfg["home"])
        links = old_links(prefix, old_home)
        moved = _moved_choices(rc, old_home)
        step = RepairStep(
            step_id, NAME, str(prefix),
            f"point {prefix} at Python {chosen.version} ({chosen.executable}; {note}): "
            f"rewrite pyvenv.cfg and {len(links)} link(s) to the old interpreter; its "
            "packages stay",
            tuple(FindingRef.of(f) for f in findings),
            (str(prefix / "pyvenv.cfg"), *map(str, links)), True,
            params={"python": str(chosen.executable), "version": str(chosen.version),
                    "old_home": str(old_home), "new_home": str(chosen.executable.parent),
                    "old_base": str(old_home.parent), "new_base": str(chosen.prefix)},
            lists={"links": [str(p) for p in links]})
        step.notes.append(f"home: {old_home} -> {chosen.executable.parent}")
        step.notes.extend(f"the active environment {c} moves to {chosen.prefix}"
                          for c in moved)
        return step

    def act(self, rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
        prefix = Path(step.subject)
        cfg_path = prefix / "pyvenv.cfg"
        params = step.params
        text = cfg_path.read_text(encoding="utf-8")
        new = rewritten_cfg(text, old_home=params["old_home"], new_home=params["new_home"],
                            new_python=params["python"], new_version=params["version"])
        messages: list[str] = []
        if new != text:
            tx.write_file(cfg_path, new.encode("utf-8"))
            messages.append(f"{cfg_path}: home is now {params['new_home']}")
        for text_path in step.lists.get("links", []):
            link = Path(text_path)
            if not link.is_symlink():
                continue
            tx.move_to_trash(link)
            tx.creating(link)
            link.symlink_to(params["python"])
            messages.append(f"{link} -> {params['python']}")
        messages.extend(_move_choices(rc, tx, Path(params["old_home"]),
                                      params["new_base"]))
        problem = venv_runs(rc, prefix)
        if problem is not None:
            raise RebaseFailed(problem)
        return messages

    def check(self, rc: RepairContext, step: RepairStep) -> str | None:
        return venv_runs(rc, Path(step.subject))


def _base_prefixes(old_home: Path) -> set[str]:
    """How an active record may name the old base: its folder or its bin folder."""
    return {str(old_home), str(old_home.parent)}


def moved_places(rc: RepairContext, prefix: Path) -> set[str]:
    """The subjects of env.active-missing ("global", a project folder) whose record a rebase
    of `prefix` moves to the new base: the rebase step repairs those findings too."""
    home = read_cfg(prefix).get("home")
    if not home:
        return set()
    wanted = _base_prefixes(Path(home))
    try:
        with rc.store() as store:
            return {c.project if c.project else "global" for c in store.active_choices()
                    if c.prefix in wanted}
    except AinlpError:
        return set()


def _moved_choices(rc: RepairContext, old_home: Path) -> list[str]:
    wanted = _base_prefixes(old_home)
    try:
        with rc.store() as store:
            return [c.prefix + (f" (project {c.project})" if c.project else " (global)")
                    for c in store.active_choices() if c.prefix in wanted]
    except AinlpError:
        return []


def _move_choices(rc: RepairContext, tx: Transaction, old_home: Path,
                  new_base: str) -> list[str]:
    """Active records that named the old base name the new one (the first is undoable)."""
    wanted = _base_prefixes(old_home)
    done: list[str] = []
    with rc.store() as store:
        for choice in store.active_choices():
            if choice.prefix not in wanted:
                continue
            if tx.active_before is None:
                tx.remember_active(choice.to_json())
            store.set_active(scope=choice.scope, project=choice.project, prefix=new_base,
                             reason=f"ainlp fix: its interpreter moved from {choice.prefix}")
            done.append(f"the active environment {choice.prefix} is now {new_base}")
    return done


register_strategy(Rebase())
