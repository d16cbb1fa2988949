"""Names inside a bundle, the caps a reader holds them to, and HOME-relative locations."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

SCHEMA = "ainlp.bundle"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
RECOVERY = "RECOVERY.md"
STATE_DB = "state.db"
WHEELS = "wheels"
ENVIRONMENTS = "environments"
REQUIREMENTS = "requirements.txt"
PYLOCK = "pylock.toml"

MAX_MANIFEST = 10 * 1024 * 1024  # bytes: a manifest of 100,000 distributions is far below
MAX_TEXT = 10 * 1024 * 1024  # requirements.txt, pylock.toml
MAX_FILE = 2 * 1024 * 1024 * 1024  # any other file (a wheel, the state database)
MAX_FILES = 200_000


def portable(path: Path, home: Path) -> str:
    """`~/rel` for a path under HOME (it moves with HOME), else the absolute path."""
    try:
        rel = path.relative_to(home)
    except ValueError:
        return str(path)
    return "~" if str(rel) == "." else "~/" + rel.as_posix()


def remap(location: str, home: Path) -> Path:
    """A manifest location on this machine: `~/...` under this HOME, others as written."""
    if location == "~":
        return home
    if location.startswith("~/"):
        return home / location[2:]
    return Path(location)


def has_parent_ref(text: str) -> bool:
    return ".." in re.split(r"[\\/]", text)


def inside_bundle(text: str) -> bool:
    """A bundle-relative file name: relative, forward slashes, no `..`, no drive."""
    if not text or "\\" in text or text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return False
    return not has_parent_ref(text) and not PurePosixPath(text).is_absolute()


def env_folder(index: int, name: str | None) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name or "env").strip("-.") or "env"
    return f"{ENVIRONMENTS}/{index:02d}-{slug[:60]}"
