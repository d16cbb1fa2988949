"""Export: environment snapshots, their wheels and the records -> one bundle folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core import jsondoc
from ainlp.core.bundle import layout
from ainlp.core.bundle.archive import make_archive
from ainlp.core.bundle.guide import recovery_markdown
from ainlp.core.bundle.locks import pylock_document, pylock_text, requirements_text, wheel_index
from ainlp.core.bundle.manifest import ActiveRecord, BundleEnv, Manifest, PythonNeed
from ainlp.core.bundle.statedb import copy_database
from ainlp.core.envsnap import build_wheelhouse
from ainlp.core.envsnap.model import EnvSnapshot
from ainlp.core.errors import AinlpError, BadInput
from ainlp.core.jsondoc import JSONObject
from ainlp.core.world import World

if TYPE_CHECKING:
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.state import ActiveChoice

_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile")


@dataclass(frozen=True)
class ExportSource:
    snapshot: EnvSnapshot
    name: str | None
    record: EnvRecord | None  # the live environment wheels are built from (None: gone)


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    manifest: Manifest
    archive: Path | None
    wheels: int
    skipped: tuple[JSONObject, ...]

    def to_json(self) -> JSONObject:
        return {"path": str(self.folder), "archive": str(self.archive) if self.archive else None,
                "environments": [{"location": e.location, "python": e.python.version,
                                  "distributions": len(e.distributions),
                                  "pylock": e.pylock is not None}
                                 for e in self.manifest.environments],
                "wheels": self.wheels, "state_db": self.manifest.state_db is not None,
                "backup": self.manifest.backup, "skipped": list(self.skipped),
                "manifest": f"{self.folder / layout.MANIFEST}",
                "recovery": f"{self.folder / layout.RECOVERY}"}


def check_destination(folder: Path) -> None:
    """The bundle folder must not exist yet, or be empty: export overwrites nothing."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise BadInput(f"{folder} exists and is not a folder",
                       hint="name a new folder for the bundle")
    if folder.is_dir() and any(folder.iterdir()):
        raise BadInput(f"{folder} is not empty: export writes only into a new or empty folder",
                       hint="name a new folder, or move the old bundle away")


def write_bundle(world: World, folder: Path, sources: Sequence[ExportSource], *,
                 active: Sequence[ActiveChoice] = (), state_db: Path | None = None,
                 wheels_from: Path | None = None, with_wheels: bool = False,
                 backup_id: str | None = None, archive: bool = False,
                 progress: Callable[[str], None] | None = None) -> ExportResult:
    """Write the bundle; on any failure what was written is removed again."""
    check_destination(folder)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot make the bundle folder {folder}: {exc.strerror or exc}",
                       hint="name a folder in a place you can write to") from exc
    try:
        return _write(world, folder, sources, active, state_db, wheels_from, with_wheels,
                      backup_id, archive, progress)
    except BaseException as exc:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for child in folder.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        if isinstance(exc, OSError):  # a full disk, a folder taken away: said, not a traceback
            raise AinlpError(f"writing the bundle to {folder} failed: {exc.strerror or exc}; "
                             "nothing of it was kept",
                             hint="free space or pick another folder, then export again") from exc
        raise


def _write(world: World, folder: Path, sources: Sequence[ExportSource],
           active: Sequence[ActiveChoice], state_db: Path | None, wheels_from: Path | None,
           with_wheels: bool, backup_id: str | None, archive: bool,
           progress: Callable[[str], None] | None) -> ExportResult:
    home = world.home
    skipped: list[JSONObject] = []
    wheel_dir: Path | None = None
    if with_wheels:
        wheel_dir = folder / layout.WHEELS
        wheel_dir.mkdir()
        skipped.extend(_fill_wheels(world, wheel_dir, sources, wheels_from, progress))
    wheels = wheel_index(wheel_dir)
    envs: list[BundleEnv] = []
    for index, source in enumerate(sources, 1):
        snap = source.snapshot
        rel = layout.env_folder(index, source.name or snap.prefix.name)
        (folder / rel).mkdir(parents=True)
        location = layout.portable(snap.prefix, home)
        header = (f"{location}: Python {snap.interpreter.version or 'unknown'}, "
                  f"{len(snap.distributions)} distribution(s); written by ainlp export")
        (folder / rel / layout.REQUIREMENTS).write_text(
            requirements_text(snap.distributions, header), encoding="utf-8")
        doc, missing = pylock_document(snap.distributions, wheels, f"../../{layout.WHEELS}",
                                       snap.interpreter.version)
        pylock = None
        if doc is not None:
            pylock = f"{rel}/{layout.PYLOCK}"
            (folder / pylock).write_text(pylock_text(doc), encoding="utf-8")
        base = snap.interpreter.base_executable
        envs.append(BundleEnv(
            id=rel.rsplit("/", 1)[1], folder=rel, kind=snap.kind.value,
            name=source.name, location=location,
            python=PythonNeed(snap.interpreter.version, snap.interpreter.implementation,
                              snap.interpreter.installed_by,
                              layout.portable(base, home) if base is not None else None),
            has_pip=snap.has_pip, distributions=snap.distributions,
            editable_sources=tuple((p.canonical_name, layout.portable(p.editable_source, home))
                                   for p in snap.distributions
                                   if p.editable_source is not None),
            pylock=pylock, pylock_missing=tuple(missing),
            project=_project_of(snap.prefix, home)))
    has_db = state_db is not None and _copy_db(state_db, folder / layout.STATE_DB)
    stamp = datetime.fromtimestamp(world.clock(), tz=timezone.utc)
    manifest = Manifest(
        created=stamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
        platform=world.platform, home=str(home), environments=tuple(envs),
        active=tuple(ActiveRecord(c.scope, layout.portable(Path(c.project), home)
                                  if c.project else None,
                                  layout.portable(Path(c.prefix), home), c.reason)
                     for c in active),
        state_db=layout.STATE_DB if has_db else None,
        wheels=layout.WHEELS if wheel_dir is not None else None, backup=backup_id)
    (folder / layout.RECOVERY).write_text(recovery_markdown(manifest), encoding="utf-8")
    # the manifest last: a bundle without one is unfinished, and read_bundle says so
    partial = folder / (layout.MANIFEST + ".part")
    partial.write_text(jsondoc.dumps(manifest.to_json(), indent=1), encoding="utf-8")
    os.replace(partial, folder / layout.MANIFEST)
    made = None
    if archive:
        made = make_archive(folder)
    return ExportResult(folder, manifest, made, len(wheels), tuple(skipped))


def _fill_wheels(world: World, dest: Path, sources: Sequence[ExportSource],
                 wheels_from: Path | None,
                 progress: Callable[[str], None] | None) -> list[JSONObject]:
    """Wheels of a backup's wheel folder, else built from the environments' own files."""
    if wheels_from is not None and wheels_from.is_dir():
        for file in sorted(wheels_from.iterdir()):
            if file.is_file() and not file.is_symlink() and file.name.endswith(
                    (".whl", ".tar.gz", ".zip")):
                shutil.copy2(file, dest / file.name)
        return []
    skipped: list[JSONObject] = []
    for source in sources:
        if source.record is None:
            skipped.append({"prefix": str(source.snapshot.prefix),
                            "reason": "no wheels: the environment is gone"})
            continue
        if progress is not None:
            progress(f"building wheels of {source.snapshot.prefix}")
        built = build_wheelhouse(world, source.record, dest)
        skipped.extend({"prefix": str(source.snapshot.prefix), "distribution": s.name,
                        "reason": f"no wheel: {s.reason}"} for s in built.skipped)
    return skipped


def _copy_db(source: Path, dest: Path) -> bool:
    return copy_database(source, dest)


def _project_of(prefix: Path, home: Path) -> str | None:
    parent = prefix.parent
    if any((parent / name).is_file() for name in _PROJECT_FILES):
        return layout.portable(parent, home)
    return None
