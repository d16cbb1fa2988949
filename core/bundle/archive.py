"""The optional `.tar.gz` of a bundle, and its extraction with every member checked first."""

from __future__ import annotations

import tarfile
from pathlib import Path

from ainlp.core.bundle.layout import MAX_FILE, MAX_FILES, inside_bundle
from ainlp.core.errors import BadInput

_HINT = "a bundle archive is the .tar.gz `ainlp export --archive` writes"


def make_archive(folder: Path) -> Path:
    """`folder.tar.gz` beside the folder, its members under the folder's name."""
    target = folder.with_name(folder.name + ".tar.gz")
    partial = target.with_name(target.name + ".part")
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    partial.replace(target)
    return target


def check_archive(path: Path) -> list[tarfile.TarInfo]:
    """The members of a bundle archive: regular files and folders under one top folder;
    BadInput naming the archive and the member otherwise. Nothing is written."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = tar.getmembers()
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BadInput(f"{path}: not a readable .tar.gz: {exc}", hint=_HINT) from exc
    if len(members) > MAX_FILES:
        raise BadInput(f"{path}: {len(members)} members is too many", hint=_HINT)
    tops = set()
    for member in members:
        if not inside_bundle(member.name):
            raise BadInput(f"{path}: member {member.name!r} is an absolute path or leaves the "
                           "bundle (..)", hint=_HINT)
        if not (member.isfile() or member.isdir()):
            raise BadInput(f"{path}: member {member.name!r} is a link or a special file",
                           hint=_HINT)
        if member.size > MAX_FILE:
            raise BadInput(f"{path}: member {member.name!r} is too large", hint=_HINT)
        tops.add(member.name.split("/", 1)[0])
    if len(tops) != 1:
        raise BadInput(f"{path}: a bundle archive holds one folder, not {len(tops)}",
                       hint=_HINT)
    return members


def extract_archive(path: Path, dest: Path) -> Path:
    """Extract a checked archive into `dest` (created); the bundle folder inside it."""
    members = check_archive(path)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "r:gz") as tar:
        tar.extractall(dest, members=members, filter="data")
    return dest / members[0].name.split("/", 1)[0]
