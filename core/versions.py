"""Versions as values: `PyVersion` keeps the text as found ("3.13-dev", "3.10.14+", "3.13t")
and, where the text is a PEP 440 version, packaging's `Version` of it.

The one place that reads version text: the release numbers in front, what follows them,
what a person may ask for (`python3.12`, `py 3.12`), and where discovery finds versions in
names and files (interpreter and folder names, pyvenv.cfg's version_info, patchlevel.h,
Homebrew kegs, Store packages, uv's keys). Records carry a PyVersion; JSON keeps `text`.
Ordered as versions are (3.9 before 3.10), equal only as the same text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

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
# a version as a person types it in a phrase: python3.12, py-3.12, v3.12, 3.12+ (the templates'
# version slot: the prefix, then the version)
_SLOT = re.compile(r"^(?:(python|py|cpython|pypy)-?)?v?(\d+(?:\.\d+){0,2}\+?)$")
# ... and the looser spellings the frame scorer reads: py312, cp312, 3.x, Python-3.12.1
# (major, minor, micro; the scorer decides by context whether "312" is a version)
_SPOKEN = re.compile(r"^(?:python|py|cpython|pypy|cp|v)?-?(\d)\.?(\d{1,2})?(?:\.(\d{1,2}))?"
                     r"(?:\.[x*])?\+?$")
# nothing but release numbers: "3", "3.12", "3.12.1"
_RELEASE_ONLY = re.compile(r"\d+(?:\.\d+){0,2}")
# a version anywhere in a name, as pyenv's folders hold one: "3.13-dev", "nogil-3.9.10-1",
# "pypy3.9-7.3.15" (3.9), "3.12.1a3", "3.13t"
_SEARCH = re.compile(r"\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc)\d+|-dev|t)?")
# sys.version_info written out, as pyvenv.cfg's version_info keeps it: "3.9.6.final.0"
_VERSION_INFO = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:\.(final|alpha|beta|candidate)\.(\d+))?$")
_LEVEL_TAGS = {"alpha": "a", "beta": "b", "candidate": "rc"}
# include/patchlevel.h: #define PY_VERSION "3.12.1+"
_PATCHLEVEL = re.compile(r'^#define\s+PY_VERSION\s+"([^"]+)"', re.MULTILINE)
# an interpreter's file: python, python3, python3.12, python3.9.9, python3.13t, python.exe;
# never python3-config or python-argcomplete-*, which live beside them
_INTERPRETER = re.compile(r"^python(?:\d+(?:\.\d+(?:\.\d+)?t?)?)?(?:\.exe)?$")
# Homebrew: a keg's folder is version and revision ("3.12.1_1"); a formula python@3.12
_KEG = re.compile(r"^(\d+\.\d+(?:\.\d+)?)(?:_\d+)?$")
_FORMULA = re.compile(r"^python@(\d+\.\d+)$")
# the Microsoft Store's package folders: the aliases' PythonSoftwareFoundation.Python.3.12_
# <publisher id>, and the install's PythonSoftwareFoundation.Python.3.12_3.12.496.0_x64__<id>
_STORE = re.compile(r"^PythonSoftwareFoundation\.Python\.(\d+\.\d+)_([0-9a-z]+$)?", re.I)

_UNPARSED = object()  # `PyVersion.version` not asked for yet


@dataclass(frozen=True, slots=True)
class PyVersion:
    text: str  # as found
    # packaging's Version of `text`, parsed the first time `version` is asked for
    _parsed: object = field(default=_UNPARSED, init=False, compare=False, repr=False)

    @property
    def version(self) -> Version | None:
        """packaging's Version of the text; None where the text is not PEP 440."""
        parsed = self._parsed
        if parsed is _UNPARSED:
            # packaging is imported here, on the first comparison that needs it: discovery
            # reads and writes only the text, and importing packaging.version would add
            # 3.4 ms to a cold `ainlp find` (measured after the modules it loads anyway)
            from packaging.version import InvalidVersion, Version

            try:
                parsed = Version(self.text)
            except InvalidVersion:
                parsed = None
            object.__setattr__(self, "_parsed", parsed)  # a cache: frozen to everyone else
        return cast("Version | None", parsed)

    @classmethod
    def parse(cls, text: str) -> PyVersion:
        """The version `text` names (`version` is None where it is not PEP 440)."""
        return cls(text)

    @staticmethod
    def slot_match(word: str) -> re.Match[str] | None:
        """A phrase's word as a version slot: groups (prefix or None, the version as written)."""
        return _SLOT.match(word)

    @staticmethod
    def spoken_match(word: str) -> re.Match[str] | None:
        """A phrase's word in the frame scorer's spellings: groups (major, minor, micro)."""
        return _SPOKEN.match(word)

    @staticmethod
    def is_release(text: str) -> bool:
        """Nothing but one to three release numbers ("3.12"), as `ainlp use 3.12` names one."""
        return _RELEASE_ONLY.fullmatch(text) is not None

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

    @classmethod
    def search(cls, text: str) -> PyVersion | None:
        """The first version anywhere in `text`, with its pre-release, "-dev" or "t":
        3.13-dev of "3.13-dev", 3.9.10 of "nogil-3.9.10-1"; None of "miniconda3"."""
        match = _SEARCH.search(text)
        return cls(match.group(0)) if match else None

    @classmethod
    def of_full(cls, text: str) -> PyVersion | None:
        """`text` when it is exactly major.minor.micro with an optional pre-release
        ("3.12.1", "3.13.0rc2", as uv names its Pythons); else None."""
        match = _FULL.match(text)
        return cls(text) if match and match.group(0) == text and text.count(".") == 2 else None

    @classmethod
    def of_parts(cls, major: object, minor: object, micro: object, level: object = "final",
                 serial: object = 0) -> PyVersion | None:
        """sys.version_info's parts as one version: (3, 13, 0, "candidate", 1) -> 3.13.0rc1;
        None when a number is not one."""
        try:
            base = f"{int(str(major))}.{int(str(minor))}.{int(str(micro))}"
        except ValueError:
            return None
        return cls.of_level(base, level, serial)

    @classmethod
    def of_level(cls, release: str, level: object = "final", serial: object = 0) -> PyVersion:
        """`release` at sys.version_info's releaselevel and serial: ("3.13.0", "candidate", 1)
        -> 3.13.0rc1; a final release is itself."""
        level = str(level)
        if level == "final":
            return cls(release)
        return cls(f"{release}{_LEVEL_TAGS.get(level, level)}{serial}")

    @classmethod
    def of_version_info(cls, raw: str) -> PyVersion:
        """ "3.9.6.final.0" -> 3.9.6; "3.13.0.candidate.1" -> 3.13.0rc1; other text as it is
        (stripped): pyvenv.cfg's version_info and version."""
        match = _VERSION_INFO.match(raw.strip())
        if not match:
            return cls(raw.strip())
        major, minor, micro, level, serial = match.groups()
        found = cls.of_parts(major, minor, micro, level or "final", serial)
        return found if found is not None else cls(raw.strip())

    @classmethod
    def of_patchlevel(cls, text: str) -> PyVersion | None:
        """PY_VERSION of an include/patchlevel.h's text: 3.12.1+ of `#define PY_VERSION
        "3.12.1+"`."""
        match = _PATCHLEVEL.search(text)
        return cls(match.group(1)) if match else None

    @staticmethod
    def is_interpreter_name(name: str) -> bool:
        """python, python3, python3.12, python3.9.9, python3.13t, python.exe: an interpreter's
        file name; python3-config, python-argcomplete-* and the like are not."""
        return _INTERPRETER.match(name) is not None

    @classmethod
    def of_keg(cls, name: str) -> PyVersion | None:
        """A Homebrew keg's folder, version and revision: 3.12.1 of "3.12.1_1"."""
        match = _KEG.match(name)
        return cls(match.group(1)) if match else None

    @classmethod
    def of_formula(cls, name: str) -> PyVersion | None:
        """A versioned Homebrew formula: 3.12 of "python@3.12"; None of "python-tk@3.12"."""
        match = _FORMULA.match(name)
        return cls(match.group(1)) if match else None

    @classmethod
    def of_store_package(cls, name: str) -> PyVersion | None:
        """3.12 of the Store aliases' folder "PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0"
        (nothing may follow the publisher id)."""
        match = _STORE.match(name)
        return cls(match.group(1)) if match and match.group(2) else None

    @classmethod
    def of_store_install(cls, name: str) -> PyVersion | None:
        """3.12 of any Store package folder of Python 3.12, its install folder included."""
        match = _STORE.match(name)
        return cls(match.group(1)) if match else None

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

    def __bool__(self) -> bool:
        """An empty text tells no version (a blank pyvenv.cfg value, an empty column)."""
        return bool(self.text)

    # ordered as `sort_key` orders (3.9 before 3.10); equal only when the texts are
    def __lt__(self, other: PyVersion) -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: PyVersion) -> bool:
        return self.sort_key <= other.sort_key

    def __gt__(self, other: PyVersion) -> bool:
        return self.sort_key > other.sort_key

    def __ge__(self, other: PyVersion) -> bool:
        return self.sort_key >= other.sort_key
