"""`.pth` files of a site folder, read as `site.addpackage` would, without executing anything."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PthLine:
    file: Path
    lineno: int
    text: str
    is_import: bool
    path: Path | None  # for a path line: the folder it adds (absolute)

    @property
    def exists(self) -> bool:
        return self.path is not None and self.path.exists()


def pth_files(site_dir: Path) -> list[Path]:
    """The `.pth` files site reads, in its order (sorted names; hidden files skipped)."""
    try:
        names = sorted(
            entry.name for entry in os.scandir(site_dir)
            if entry.name.endswith(".pth") and not entry.name.startswith(".")
        )
    except OSError:
        return []
    return [site_dir / name for name in names]


def read_pth(file: Path) -> list[PthLine] | None:
    """Each meaningful line of a `.pth` file; None when it cannot be read."""
    try:
        raw = file.read_bytes()
    except OSError:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    lines: list[PthLine] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith(("import ", "import\t")):
            lines.append(PthLine(file, number, line, True, None))
            continue
        folder = Path(os.path.abspath(os.path.join(file.parent, line.rstrip())))
        lines.append(PthLine(file, number, line.rstrip(), False, folder))
    return lines


def added_paths(site_dir: Path) -> list[Path]:
    """The existing folders the site folder's `.pth` files put on sys.path, in order."""
    seen: set[Path] = {site_dir}
    added: list[Path] = []
    for file in pth_files(site_dir):
        for line in read_pth(file) or []:
            if line.path is not None and line.path not in seen and line.path.exists():
                seen.add(line.path)
                added.append(line.path)
    return added
