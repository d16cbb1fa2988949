"""One distribution's metadata folder (`*.dist-info`, `*.egg-info`, an `.egg`) read from files.

Names are packaging's `canonicalize_name`; an egg's requires.txt becomes Requires-Dist by
`importlib.metadata.PathDistribution`. What stays here is what they cannot do for a tool
that must report on any environment: read headers from files that are broken (undecodable
bytes, empty, not headers) and say why instead of raising or answering nothing, and stop at
the long description, which can be megabytes and is never needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ainlp.core import jsondoc
from ainlp.core.versions import PyVersion

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: email.parser 13 ms

INFO_SUFFIXES = (".dist-info", ".egg-info")


def canonical(name: str) -> str:
    """PEP 503 normalisation: packaging's canonicalize_name ("Foo.Bar_baz" -> "foo-bar-baz")."""
    # imported here: `import ainlp.core.packages` and discovery do not load packaging
    # (packaging.utils brings packaging.tags: 13 ms measured, paid only where names are compared)
    from packaging.utils import canonicalize_name

    return canonicalize_name(name)


@dataclass(frozen=True, slots=True)
class Distribution:
    path: Path  # the .dist-info / .egg-info folder, an .egg-info file, or an .egg folder
    location: Path  # the sys.path entry it was found in
    scope: str  # "user", "env", "base", "pth" (a folder a .pth file added), "link" (.egg-link)
    format: str  # "dist-info", "egg-info" or "egg"
    name: str | None  # as the metadata spells it
    version: str | None
    requires: tuple[str, ...] = ()  # Requires-Dist (or requires.txt turned into it)
    requires_python: str | None = None
    installer: str | None = None
    requested: bool = False
    direct_url: str | None = None
    editable_location: Path | None = None  # the source folder of an editable install
    metadata_error: str | None = None  # why the metadata could not be used, when it cannot
    wheel_tags: tuple[str, ...] = ()  # the Tag lines of WHEEL ("cp311-cp311-manylinux_...")

    @property
    def canonical_name(self) -> str:
        return canonical(self.name or "")

    @property
    def editable(self) -> bool:
        return self.editable_location is not None

    @property
    def valid(self) -> bool:
        return self.metadata_error is None

    @property
    def metadata_file(self) -> Path:
        if self.format == "dist-info":
            return self.path / "METADATA"
        if self.format == "egg":
            return self.path / "EGG-INFO" / "PKG-INFO"
        return self.path / "PKG-INFO" if self.path.is_dir() else self.path

    @property
    def record_file(self) -> Path | None:
        return self.path / "RECORD" if self.format == "dist-info" else None


def read_distribution(path: Path, location: Path, scope: str) -> Distribution:
    """Everything the files of one metadata folder tell; problems kept, never raised."""
    fmt = "dist-info" if path.name.endswith(".dist-info") else (
        "egg" if path.name.endswith(".egg") else "egg-info")
    blank = Distribution(path, location, scope, fmt, None, None)
    headers, error = _read_headers(blank.metadata_file)
    if headers is None:
        return replace(blank, metadata_error=error)
    name = _first(headers, "name")
    version = _first(headers, "version")
    requires = tuple(v.strip() for v in headers.get("requires-dist", []))
    if fmt != "dist-info" and not requires and "provides-extra" not in headers:
        info = path / "EGG-INFO" if fmt == "egg" else path
        requires = _egg_requires(info) if info.is_dir() else ()
    direct_url, editable = _direct_url(path) if fmt == "dist-info" else (None, None)
    problem = None
    if not name:
        problem = f"{blank.metadata_file.name} has no Name"
    elif not version:
        problem = f"{blank.metadata_file.name} has no Version"
    return Distribution(
        path, location, scope, fmt, name, version,
        requires=requires,
        requires_python=_first(headers, "requires-python"),
        installer=_installer(path) if fmt == "dist-info" else None,
        wheel_tags=_wheel_tags(path) if fmt == "dist-info" else (),
        requested=fmt == "dist-info" and (path / "REQUESTED").exists(),
        direct_url=direct_url,
        editable_location=editable,
        metadata_error=problem,
    )


def _first(headers: dict[str, list[str]], key: str) -> str | None:
    values = headers.get(key)
    return values[0].strip() if values and values[0].strip() else None


def _read_headers(file: Path) -> tuple[dict[str, list[str]] | None, str | None]:
    """The header block of a METADATA/PKG-INFO file, keys lower-cased; or why not.

    Not PathDistribution.metadata: that decodes strictly (one bad byte raises), answers an
    empty message for a missing, unreadable or empty file alike (we must say which), and
    parses the whole long description."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None, f"{file.name} is missing"
    except OSError as exc:
        return None, f"{file.name} cannot be read: {exc.strerror or exc}"
    text = raw.decode("utf-8", errors="surrogateescape")
    # the long description after the first blank line can be large and is never needed
    head = re.split(r"\r?\n\r?\n", text, maxsplit=1)[0]
    if not head.strip():
        return None, f"{file.name} is empty"
    from email.parser import HeaderParser

    message = HeaderParser().parsestr(head + "\n")
    if not message.keys():  # defects alone do not matter: pip reads what parses
        return None, f"{file.name} is not a metadata file (no 'Key: value' headers)"
    headers: dict[str, list[str]] = {}
    for key, value in message.items():
        headers.setdefault(key.lower(), []).append(str(value))
    return headers, None


def _wheel_tags(info: Path) -> tuple[str, ...]:
    """The `Tag:` lines of the WHEEL file a wheel install leaves; () without one."""
    try:
        text = (info / "WHEEL").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(line.split(":", 1)[1].strip() for line in text.splitlines()
                 if line.lower().startswith("tag:"))


def _installer(info: Path) -> str | None:
    try:
        text = (info / "INSTALLER").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    first = text.strip().splitlines()
    return first[0].strip() if first else None


def _direct_url(info: Path) -> tuple[str | None, Path | None]:
    """PEP 610 direct_url.json: the URL, and the source folder when it is an editable install."""
    try:
        data = jsondoc.loads((info / "direct_url.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None, None
    url: str = data["url"]
    dir_info = data.get("dir_info")
    editable = isinstance(dir_info, dict) and dir_info.get("editable") is True
    return url, file_url_path(url) if editable else None


def file_url_path(url: str) -> Path | None:
    """file:///home/u/src -> /home/u/src (a file URL only)."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    path = unquote(parts.path)
    if re.match(r"^/[A-Za-z]:", path):  # file:///C:/src on Windows
        path = path[1:]
    return Path(path)


def _egg_requires(info: Path) -> tuple[str, ...]:
    """An egg's requires.txt sections as Requires-Dist strings, by importlib.metadata; called
    only when the headers declare neither Requires-Dist nor Provides-Extra (pip's rule, which
    PathDistribution.requires alone does not follow). A requires.txt that cannot be read or
    decoded declares nothing (pip cannot read it either)."""
    if not (info / "requires.txt").is_file():
        return ()  # PathDistribution would read and parse PKG-INFO again for nothing
    # imported here: only egg-info distributions with requires.txt need it (14 ms measured)
    from importlib.metadata import PathDistribution

    try:
        return tuple(PathDistribution(info).requires or ())
    except (OSError, UnicodeDecodeError, ValueError):
        return ()


def normalized_version(text: str | None) -> str | None:
    """The PEP 440 normal form pip prints ("1.0.0-rc1" -> "1.0.0rc1"); other text unchanged."""
    return PyVersion.parse(text).normalized if text is not None else None
