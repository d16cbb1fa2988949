"""Versions as values: `PyVersion` keeps the text as found ("3.13-dev", "3.10.14+", "3.13t")
and, where the text is a PEP 440 version, packaging's `Version` of it.

The one place that reads version text: the release numbers in front, what follows them, and
what a person may ask for (`python3.12`, `py 3.12`). JSON keeps `text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.version import Version

__all__ = ["PyVersion"]

# the release numbers in front ("3.11.7" of "3.11.7+"), and what follows them
_RELEASE = re.compile(r"^(\d+(?:\.\d+)*)(.*)$", re.DOTALL)
# an interpreter's or its lib folder's name: python3.11, pypy3.10, python3.13t
_NAME = re.compile(r"^(?:python|pypy)(\d+\.\d+)")
# the part of a version python_full_version takes: major.minor[.micro][pre-release]
_FULL = re.compile(r"^\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc)\d+)?")
# what a person may ask for: up to three numbers, then a pre-release, "-dev" or "t"
_QUERY = re.compile(r"^(?:python|py)?\s*(\d+(?:\.\d+){0,2}(?:(?:a|b|rc)\d+|-dev|t)?)$",
                    re.IGNORECASE)
# a folder named for a version, at its end after its start, "@" or "-": versions/3.11.4,
# python@3.11, python3.11, cpython-3.12.1 (as pyenv, Homebrew and python.org name them)
_FOLDER = re.compile(r"(?:^|[@-])(?:python)?(\d+\.\d+(?:\.\d+)?)$")
# major.minor.micro anywhere in a text: a dead PATH entry's folder, a pyvenv.cfg value
_MICRO = re.compile(r"\d+\.\d+\.\d+")


@dataclass(frozen=True, slots=True)
class PyVersion:
    text: str  # as found
    version: Version | None = field(default=None, compare=False)  # where the text parses

    @classmethod
    def parse(cls, text: str) -> PyVersion:
        """The version `text` names; `version` is None where it is not PEP 440."""
        # packaging is imported here, not at module level: discovery only compares text
        from packaging.version import InvalidVersion, Version

        try:
            return cls(text, Version(text))
        except InvalidVersion:
            return cls(text, None)

    @classmethod
    def query(cls, text: str) -> PyVersion | None:
        """What a person asked for: "3.12", "python3.12", "py 3.12", "3.13t" -> that version;
        None when the text is not a Python version."""
        match = _QUERY.match(text.strip())
        return cls.parse(match.group(1)) if match else None

    @classmethod
    def of_name(cls, name: str) -> PyVersion | None:
        """The version in an interpreter's or its folder's name: "python3.11" -> 3.11,
        "pypy3.10" -> 3.10; None for "python3", "python" and other names."""
        match = _NAME.match(name)
        return cls(match.group(1)) if match else None

    @classmethod
    def of_folder(cls, name: str) -> PyVersion | None:
        """The version a folder's name ends with: "3.11.4", "python@3.11", "python3.11",
        "cpython-3.12.1"; None for "bin", "python3" and "3.11.4+"."""
        match = _FOLDER.search(name)
        return cls(match.group(1)) if match else None

    @classmethod
    def in_path(cls, path: str) -> PyVersion | None:
        """The version the first folder named for one names (see `of_folder`), in a path with
        either separator."""
        for part in path.replace("\\", "/").split("/"):
            found = cls.of_folder(part)
            if found is not None:
                return found
        return None

    @classmethod
    def search_micro(cls, text: str) -> PyVersion | None:
        """The first major.minor.micro anywhere in `text`: 3.11.4 of "/opt/py-3.11.4/bin"."""
        match = _MICRO.search(text)
        return cls(match.group(0)) if match else None

    @classmethod
    def leading_micro(cls, text: str) -> PyVersion | None:
        """The major.minor.micro `text` starts with: 3.11.4 of "3.11.4.final.0"."""
        match = _MICRO.match(text)
        return cls(match.group(0)) if match else None

    @staticmethod
    def replace_micro(text: str, new: str) -> str:
        """`text` with its first major.minor.micro replaced by `new` (a pyvenv.cfg value)."""
        return _MICRO.sub(new, text, count=1)

    @property
    def release(self) -> tuple[int, ...]:
        """The numbers in front: (3, 13) of "3.13-dev", (3, 10, 14) of "3.10.14+"; () of none."""
        match = _RELEASE.match(self.text.strip())
        return tuple(int(part) for part in match.group(1).split(".")) if match else ()

    @property
    def suffix(self) -> str:
        """What follows the release numbers, lower case: "-dev", "+", "t", "rc1", ""."""
        match = _RELEASE.match(self.text.strip())
        return match.group(2).lower() if match else self.text.strip().lower()

    @property
    def major_minor(self) -> tuple[int, int] | None:
        release = self.release
        return (release[0], release[1]) if len(release) >= 2 else None

    @property
    def minor(self) -> str | None:
        """ "3.11.7" -> "3.11"; "3.13-dev" -> "3.13"; None when no major.minor is there."""
        pair = self.major_minor
        return f"{pair[0]}.{pair[1]}" if pair else None

    @property
    def patch(self) -> int | None:
        """The micro number: 7 of "3.11.7", 0 of "3.13.0rc1"; None of "3.11"."""
        release = self.release
        return release[2] if len(release) >= 3 else None

    @property
    def plain(self) -> bool:
        """Release numbers only: "3.11.7", not "3.11.7+", "3.13-dev" or ""."""
        return bool(self.release) and not self.suffix

    @property
    def sort_key(self) -> tuple[tuple[int, ...], str]:
        """Orders by the release numbers, then the text: 3.9 before 3.10."""
        return self.release, self.text

    def same_minor(self, other: PyVersion) -> bool:
        """Both name a major.minor and it is the same one: 3.11.2 and 3.11.9."""
        return self.major_minor is not None and self.major_minor == other.major_minor

    def nearest_patch(self, patches: Iterable[int]) -> int | None:
        """Of the micro numbers installed for this minor, the one to use: this version's own
        micro if there, else the nearest (the newer on a tie); the newest when this version
        names no micro ("3.11"); None when there are none."""
        found = set(patches)
        if not found:
            return None
        patch = self.patch
        if patch is None:
            return max(found)
        return min(found, key=lambda p: (abs(p - patch), -p))

    def prefix_of(self, other: PyVersion) -> bool:
        """This version's release numbers start `other`'s: "3.12" of "3.12.4", not "3.1"."""
        count = len(self.release)
        return count > 0 and other.release[:count] == self.release

    @property
    def full(self) -> str | None:
        """The release and pre-release as PEP 508's python_full_version: "3.10.14+" ->
        "3.10.14", "3.12" -> "3.12.0", "3.13.0rc1" stays; None without a major.minor."""
        match = _FULL.match(self.text.strip())
        if not match:
            return None
        text = match.group(0)
        return text if text.count(".") >= 2 else text + ".0"

    @property
    def normalized(self) -> str:
        """The PEP 440 normal form pip prints ("1.0.0-rc1" -> "1.0.0rc1"); else the text."""
        return str(self.version) if self.version is not None else self.text

    def matches(self, wanted: PyVersion) -> bool:
        """ "3.12" matches 3.12.x; "3" every 3.x; "3.12.1" only itself; "3.13-dev" and "3.13t"
        need that suffix."""
        if self.text == wanted.text:
            return True
        count = len(wanted.release)
        if count == 0 or self.release[:count] != wanted.release:
            return False
        if not wanted.suffix:
            return True
        if self.version is not None and wanted.version is not None:
            return self.version == wanted.version  # 3.13.0rc1 is 3.13rc1
        return self.suffix == wanted.suffix and not any(self.release[count:])

    def __str__(self) -> str:
        return self.text
