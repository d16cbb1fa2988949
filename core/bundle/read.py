"""Reading a bundle: every file checked (links, sizes, names, versions, paths) before the
import writes anything."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ainlp.core import jsondoc
from ainlp.core.bundle import layout
from ainlp.core.bundle.archive import check_archive, extract_archive
from ainlp.core.bundle.manifest import Manifest
from ainlp.core.errors import BadInput
from ainlp.core.world import World

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.bundle.schema 119 ms

_HINT = "a bundle is the folder `ainlp export` writes; export it again from the old machine"


@dataclass(frozen=True)
class Bundle:
    folder: Path
    manifest: Manifest

    @property
    def wheels(self) -> Path | None:
        return self.folder / self.manifest.wheels if self.manifest.wheels else None


def read_bundle(world: World, path: Path) -> Bundle:
    """The validated bundle at `path` (a folder, or a .tar.gz extracted into the state
    folder after its members are checked); BadInput naming the file and the problem."""
    if path.is_symlink():
        raise BadInput(f"{path}: the bundle is a symlink; name the folder itself", hint=_HINT)
    if path.is_file() and path.name.endswith((".tar.gz", ".tgz")):
        check_archive(path)
        stem = path.name.rsplit(".t", 1)[0]
        path = extract_archive(path, world.state_dir / "imports" / stem)
    if not path.is_dir():
        raise BadInput(f"{path}: no bundle folder here", hint=_HINT)
    _check_tree(path)
    manifest = _read_manifest(path)
    _check_references(path, manifest)
    return Bundle(path, manifest)


def _check_tree(folder: Path) -> None:
    count = 0
    for top, dirs, files in os.walk(folder, followlinks=False):
        for name in (*dirs, *files):
            item = Path(top) / name
            rel = item.relative_to(folder)
            if item.is_symlink():
                raise BadInput(f"{folder}: {rel} is a symlink; a bundle holds none",
                               hint=_HINT)
            count += 1
            if count > layout.MAX_FILES:
                raise BadInput(f"{folder}: more than {layout.MAX_FILES} files", hint=_HINT)
        for name in files:
            item = Path(top) / name
            if not item.is_file():
                raise BadInput(f"{folder}: {item.relative_to(folder)} is not a regular file",
                               hint=_HINT)
            if item.stat().st_size > layout.MAX_FILE:
                raise BadInput(f"{item}: too large ({item.stat().st_size} bytes)", hint=_HINT)


def _read_manifest(folder: Path) -> Manifest:
    from ainlp.core.bundle.schema import load_manifest

    path = folder / layout.MANIFEST
    if not path.is_file():
        raise BadInput(f"{path}: missing: {folder} is not a bundle (or its export did not "
                       "finish)", hint=_HINT)
    size = path.stat().st_size
    if size > layout.MAX_MANIFEST:
        raise BadInput(f"{path}: {size} bytes is larger than the {layout.MAX_MANIFEST} a "
                       "manifest may have", hint=_HINT)
    try:
        doc = jsondoc.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not JSON: {exc}", hint=_HINT) from exc
    return load_manifest(doc, path)


def _check_references(folder: Path, manifest: Manifest) -> None:
    places: dict[str, str] = {}
    for env in manifest.environments:
        if env.location in places:
            raise BadInput(f"{folder / layout.MANIFEST}: {env.id} and {places[env.location]} "
                           f"both go to {env.location}", hint=_HINT)
        places[env.location] = env.id
        _check_file(folder, env.requirements, layout.MAX_TEXT)
        _check_requirements(folder / env.requirements)
        if env.pylock is not None:
            _check_file(folder, env.pylock, layout.MAX_TEXT)
    if manifest.state_db is not None:
        _check_file(folder, manifest.state_db, layout.MAX_FILE)
    if manifest.wheels is not None and not (folder / manifest.wheels).is_dir():
        raise BadInput(f"{folder / manifest.wheels}: the manifest names this wheel folder, "
                       "which is missing", hint=_HINT)


def _check_file(folder: Path, rel: str, cap: int) -> None:
    path = folder / rel
    if not path.is_file():
        raise BadInput(f"{path}: named by the manifest, missing", hint=_HINT)
    if path.stat().st_size > cap:
        raise BadInput(f"{path}: larger than {cap} bytes", hint=_HINT)


def _check_requirements(path: Path) -> None:
    """Pins only: no options (`--index-url ...`), no URLs, only valid PEP 508 names."""
    from ainlp.core.bundle.schema import valid_name, valid_version

    for number, raw in enumerate(path.read_text(encoding="utf-8", errors="replace")
                                 .splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        try:
            if line.startswith("-"):
                raise ValueError(f"{line[:80]!r} is an installer option, not a pin")
            if not sep:
                raise ValueError(f"{line[:80]!r} is not a pin (name==version)")
            valid_name(name.strip())
            valid_version(version.strip())
        except ValueError as exc:
            raise BadInput(f"{path}:{number}: {exc}", hint=_HINT) from None
