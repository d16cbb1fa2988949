"""Test wheels and projects written as plain files: no network, no build tools.

A wheel is a zip holding the module and `{name}-{version}.dist-info/` (METADATA, WHEEL,
RECORD). `write_project` makes a source folder whose in-tree PEP 517 backend imports this
very file, so uv and pip build it (and install it editable) offline.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def module_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_files(name: str, version: str, *, requires: Sequence[str] = (),
                console_script: str | None = None, module: bool = True,
                extra: Mapping[str, str] | None = None,
                tag: str = "py3-none-any") -> dict[str, bytes]:
    """The archive members of a wheel, RECORD included, in the order they are written."""
    mod = module_name(name)
    info = f"{mod}-{version}.dist-info"
    files: dict[str, bytes] = {}
    if module:
        files[f"{mod}.py"] = (f'VERSION = "{version}"\n\n\ndef main():\n'
                              f'    print("{name} {version}")\n').encode()
    for rel, text in (extra or {}).items():
        files[rel] = text.encode()
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += "".join(f"Requires-Dist: {req}\n" for req in requires)
    files[f"{info}/METADATA"] = (meta + "\nA test distribution.\n").encode()
    files[f"{info}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: tests.wheelhouse\n"
                              f"Root-Is-Purelib: true\nTag: {tag}\n").encode()
    if console_script:
        files[f"{info}/entry_points.txt"] = (
            f"[console_scripts]\n{console_script} = {mod}:main\n").encode()
    record = "".join(f"{rel},{_hash(data)},{len(data)}\n" for rel, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    return files


def write_wheel(folder: Path, name: str, version: str, **options: object) -> Path:
    """`folder/{name}-{version}-py3-none-any.whl`; options as for wheel_files."""
    tag = str(options.get("tag", "py3-none-any"))
    files = wheel_files(name, version, **options)  # type: ignore[arg-type]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{module_name(name)}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for rel, data in files.items():
            archive.writestr(zipfile.ZipInfo(rel, date_time=_ZIP_TIME), data)
    return path


def write_wheels(folder: Path, pins: Sequence[tuple[str, str]]) -> list[Path]:
    return [write_wheel(folder, name, version, console_script=f"{name}-cli")
            for name, version in pins]


def write_dist_info(site: Path, name: str, version: str, *, installer: str = "pip",
                    requested: bool = True, direct_url: str | None = None) -> Path:
    """An installed distribution written straight into a site folder (no installer runs)."""
    files = wheel_files(name, version)
    info = site / f"{module_name(name)}-{version}.dist-info"
    for rel, data in files.items():
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (info / "INSTALLER").write_text(installer + "\n")
    if requested:
        (info / "REQUESTED").write_text("")
    if direct_url is not None:
        (info / "direct_url.json").write_text(direct_url)
    return info


_BACKEND = '''\
"""In-tree PEP 517 backend of a test project: builds with tests/wheelhouse.py only."""
import os
import zipfile
from pathlib import Path

import _wheelhouse

NAME, VERSION = {name!r}, {version!r}


def _zip(directory, extra, module):
    mod = _wheelhouse.module_name(NAME)
    extra = dict(extra)
    if module:
        extra[mod + ".py"] = Path(mod + ".py").read_text()
    files = _wheelhouse.wheel_files(NAME, VERSION, module=False, extra=extra)
    path = Path(directory) / (mod + "-" + VERSION + "-py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as archive:
        for rel, data in files.items():
            archive.writestr(rel, data)
    return path.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _zip(wheel_directory, {{}}, True)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    pth = _wheelhouse.module_name(NAME) + "_editable.pth"
    return _zip(wheel_directory, {{pth: os.getcwd() + "\\n"}}, False)


def build_sdist(sdist_directory, config_settings=None):
    raise NotImplementedError("test projects build wheels only")
'''


def write_project(folder: Path, name: str, version: str) -> Path:
    """A source folder that uv and pip can install (also editable) without any download."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(
        f'[build-system]\nrequires = []\nbuild-backend = "_backend"\nbackend-path = ["."]\n\n'
        f'[project]\nname = "{name}"\nversion = "{version}"\n')
    (folder / "_backend.py").write_text(_BACKEND.format(name=name, version=version))
    shutil.copyfile(Path(__file__), folder / "_wheelhouse.py")
    (folder / f"{module_name(name)}.py").write_text(f'VERSION = "{version}"\n')
    return folder


def installer_env(tmp_path: Path) -> dict[str, str]:
    """Environment variables that keep uv and pip away from the user's config and caches."""
    return {
        "PATH": "/usr/bin:/bin",
        "PIP_CONFIG_FILE": "/dev/null",
        "UV_NO_CONFIG": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_CACHE_DIR": str(tmp_path / "cache" / "uv"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }


def uv_binary() -> str:
    """The uv binary the `uv` package ships (a dependency of ainlp)."""
    import uv

    return str(uv.find_uv_bin())


def sh(argv: Sequence[object], env: Mapping[str, str]) -> None:
    """Run a setup command of a test (uv, pip, a python), failing the test with its stderr."""
    import subprocess

    done = subprocess.run([str(a) for a in argv], env=dict(env), capture_output=True, text=True,
                          timeout=300, cwd="/")
    assert done.returncode == 0, done.stderr

