"""Facts about a prefix read from files, without running anything."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.versions import PyVersion


@dataclass(frozen=True, slots=True)
class StaticVersion:
    version: PyVersion
    source: str  # "pyvenv.cfg", "patchlevel.h", "build-details.json", "conda-meta", "folder-name"


def read_pyvenv_cfg(prefix: Path) -> dict[str, str] | None:
    """The key = value pairs of prefix/pyvenv.cfg, keys lower-cased; None when absent
    (or unreadable: `read_pyvenv` says why)."""
    return read_pyvenv(prefix)[0]


def read_pyvenv(prefix: Path) -> tuple[dict[str, str] | None, str | None]:
    """(values, None), or (None, why it cannot be read) when pyvenv.cfg is there but is not
    a readable regular file of sane size; (None, None) when there is none."""
    path = os.path.join(prefix, "pyvenv.cfg")
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        info = None
    # discovery and several checks read the same file in one run: read it once while its
    # identity (inode, size, times) stays the same; anything odd goes the careful way
    stamp = ((info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
             if info is not None and stat.S_ISREG(info.st_mode) else None)
    if stamp is not None:
        hit = _PYVENV_SEEN.get(path)
        if hit is not None and hit[0] == stamp:
            return dict(hit[1]), None
    read = foreign.read_text(path, "pyvenv.cfg")
    if read.text is None:
        _PYVENV_SEEN.pop(path, None)
        return None, None if read.missing else read.error
    values = parse_pyvenv_cfg(read.text)
    if stamp is not None:
        if len(_PYVENV_SEEN) > 20_000:
            _PYVENV_SEEN.clear()
        _PYVENV_SEEN[path] = (stamp, values)
        values = dict(values)
    return values, None


_PYVENV_SEEN: dict[str, tuple[tuple[int, ...], dict[str, str]]] = {}


def parse_pyvenv_cfg(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    return values


def normalise_version_info(raw: str) -> str:
    """ "3.9.6.final.0" -> "3.9.6"; "3.13.0.candidate.1" -> "3.13.0rc1"; other text unchanged."""
    return PyVersion.of_version_info(raw).text


def version_from_pyvenv_cfg(cfg: dict[str, str]) -> PyVersion | None:
    for key in ("version_info", "version"):
        if cfg.get(key):
            return PyVersion.of_version_info(cfg[key])
    return None


def version_from_headers(prefix: Path, minor: str | None = None) -> PyVersion | None:
    """PY_VERSION from include/patchlevel.h or include/python3.X*/patchlevel.h.

    With `minor` ("3.11") only that version's headers count: /usr/include holds several.
    """
    include = prefix / "include"
    candidates = [] if minor else [include / "patchlevel.h"]
    candidates += [
        p / "patchlevel.h"
        for p in foreign.subdirs(include)
        if minor is None or _names_minor(p.name, minor)
    ]
    for header in candidates:
        text = foreign.read_text(header, "patchlevel.h").text
        found = PyVersion.of_patchlevel(text) if text is not None else None
        if found is not None:
            return found
    return None


def _names_minor(folder: str, minor: str) -> bool:
    """ "python3.11" and "python3.11d" name 3.11; "python3.1" does not name 3.11."""
    rest = folder.removeprefix("python").removeprefix("pypy")
    return rest == minor or (rest.startswith(minor) and not rest[len(minor)].isdigit())


def version_from_build_details(prefix: Path, minor: str | None = None) -> PyVersion | None:
    """PEP 739: lib/pythonX.Y/build-details.json -> language.version / implementation."""
    lib = prefix / "lib"
    names, _ = foreign.listdir(lib)
    folders = sorted(
        lib / name
        for name in names
        if name.startswith("python") and (minor is None or _names_minor(name, minor))
    )
    for folder in folders:
        text = foreign.read_text(folder / "build-details.json", "build-details.json").text
        try:
            data = json.loads(text) if text is not None else None
        except (ValueError, RecursionError):
            continue
        version = _build_details_version(data)
        if version:
            return version
    return None


def _version_info(info: dict[str, object]) -> PyVersion | None:
    try:
        return PyVersion.of_parts(info["major"], info["minor"], info["micro"],
                                  info.get("releaselevel", "final"), info.get("serial", 0))
    except KeyError:
        return None


def _build_details_version(data: object) -> PyVersion | None:
    if not isinstance(data, dict):
        return None
    language = data.get("language")
    if isinstance(language, dict) and isinstance(language.get("version_info"), dict):
        # the Python language version; implementation.version is PyPy's own for PyPy
        found = _version_info(language["version_info"])
        if found:
            return found
    impl = data.get("implementation")
    if isinstance(impl, dict) and isinstance(impl.get("version"), dict):
        found = _version_info(impl["version"])
        if found is not None:
            return found
    language = data.get("language")
    if isinstance(language, dict) and isinstance(language.get("version"), str):
        return PyVersion(str(language["version"]))
    return None


def _minor_of_executable(executable: Path) -> str | None:
    """python2 -> python2.7 names its minor by its target, even a removed one: without it
    the headers of every version beside it would count."""
    return minor_of_name(executable.name) or minor_of_name(
        os.path.basename(foreign.real(executable)))


def static_version(prefix: Path, executable: Path | None = None) -> StaticVersion | None:
    """The best version a prefix's own files tell, in order of trust.

    An executable named python3.X narrows the headers to that version's; when no file
    tells more, its name gives the minor (weak evidence: the finder probes it).
    """
    cfg = read_pyvenv_cfg(prefix)
    if cfg is not None:
        version = version_from_pyvenv_cfg(cfg)
        if version:
            return StaticVersion(version, "pyvenv.cfg")
    minor = _minor_of_executable(executable) if executable is not None else None
    for reader, source in (
        (version_from_build_details, "build-details.json"),
        (version_from_headers, "patchlevel.h"),
    ):
        version = reader(prefix, minor)
        if version:
            return StaticVersion(version, source)
    return StaticVersion(PyVersion(minor), "executable-name") if minor else None


def minor_of_name(name: str) -> str | None:
    """ "python3.11" -> "3.11"; "python3" and "python" -> None."""
    found = PyVersion.of_name(name) if name.startswith("python") else None
    return found.minor if found is not None else None


def python_executables(bin_dir: Path) -> list[Path]:
    """python, python3 and python3.X files (python.exe on Windows) in a folder (x bit not
    required), sorted."""
    text = os.fspath(bin_dir)
    try:
        info = os.stat(text)
    except (OSError, ValueError):
        info = None
    # a base's bin folder is listed for each of its venvs: list it again only when it
    # changed (a folder's mtime moves whenever a name is added, removed or renamed)
    stamp = ((info.st_ino, info.st_dev, info.st_mtime_ns, info.st_ctime_ns)
             if info is not None and stat.S_ISDIR(info.st_mode) else None)
    hit = _LISTED.get(text) if stamp is not None else None
    if hit is not None and hit[0] == stamp:
        names = hit[1]
    else:
        # plain names first: /usr/bin holds thousands of entries, few of them pythons
        names = sorted((name for name in foreign.listdir(text)[0]
                        if PyVersion.is_interpreter_name(name)), key=lambda n: (len(n), n))
        if stamp is not None:
            if len(_LISTED) > 20_000:
                _LISTED.clear()
            _LISTED[text] = (stamp, names)
    return [bin_dir / name for name in names]


_LISTED: dict[str, tuple[tuple[int, ...], list[str]]] = {}


def prefix_of_bin_dir(path: Path) -> Path:
    """A prefix given as itself or as its bin/Scripts folder maps to the prefix."""
    return path.parent if path.name in ("bin", "Scripts") else path
