"""Builders for package worlds: hand-written dist-info / egg-info trees in tmp_path.

Imported by the package tests; it holds no tests of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from ainlp.core.discovery.records import EnvRecord
from ainlp.core.discovery.resolve import classify

from tests.conftest import write


def make_venv(prefix: Path, version: str = "3.11.7", *, system_site: bool = False,
              home: Path | None = None) -> Path:
    """A venv-shaped prefix (pyvenv.cfg, bin/python, lib/pythonX.Y/site-packages); the site dir."""
    minor = ".".join(version.split(".")[:2])
    base = home or prefix.parent / "base" / "bin"
    base.mkdir(parents=True, exist_ok=True)
    write(prefix / "pyvenv.cfg",
          f"home = {base}\ninclude-system-site-packages = {str(system_site).lower()}\n"
          f"version = {version}\n")
    # a script that cannot start (its interpreter is absent), judged plausible without running
    write(prefix / "bin" / "python", "#!/nonexistent/python\n", mode=0o755)
    site = prefix / "lib" / f"python{minor}" / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    return site


def record_of(prefix: Path) -> EnvRecord:
    return classify(prefix, "test")


def make_dist(
    site: Path,
    name: str,
    version: str,
    *,
    requires: Iterable[str] = (),
    extras: Iterable[str] = (),
    requires_python: str | None = None,
    installer: str | None = "pip",
    files: Mapping[str, str] | None = None,
    direct_url: Mapping[str, object] | None = None,
    requested: bool = True,
    wheel_tags: Iterable[str] = (),
) -> Path:
    """A wheel-style install: package files, METADATA, INSTALLER, RECORD (with hashes, sizes)."""
    stem = name.replace("-", "_")
    info = site / f"{stem}-{version}.dist-info"
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Provides-Extra: {extra}" for extra in extras]
    lines += [f"Requires-Dist: {req}" for req in requires]
    write(info / "METADATA", "\n".join(lines) + "\n\nA long description.\n\nWith: colons\n")
    if installer is not None:
        write(info / "INSTALLER", installer + "\n")
    if requested:
        write(info / "REQUESTED")
    if direct_url is not None:
        write(info / "direct_url.json", json.dumps(direct_url))
    tags = list(wheel_tags)
    if tags:
        write(info / "WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n"
              + "".join(f"Tag: {tag}\n" for tag in tags))
    contents = dict(files if files is not None else {f"{stem.lower()}/__init__.py": "x = 1\n"})
    rows = []
    for rel, text in contents.items():
        write(site / rel, text)
        digest = hashlib.sha256(text.encode()).hexdigest()
        rows.append(f"{rel},sha256={digest},{len(text.encode())}")
    for extra_file in ("METADATA", "INSTALLER"):
        if (info / extra_file).exists():
            size = (info / extra_file).stat().st_size
            rows.append(f"{info.name}/{extra_file},sha256=x,{size}")
    rows.append(f"{info.name}/RECORD,,")
    write(info / "RECORD", "\n".join(rows) + "\n")
    return info


def make_egg_info(site: Path, name: str, version: str, *, requires_txt: str = "") -> Path:
    info = site / f"{name.replace('-', '_')}-{version}-py3.11.egg-info"
    write(info / "PKG-INFO", f"Metadata-Version: 1.1\nName: {name}\nVersion: {version}\n")
    if requires_txt:
        write(info / "requires.txt", requires_txt)
    return info
