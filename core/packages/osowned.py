"""Distributions the operating system installed (Debian's dpkg), and the OS packages behind them.

Read from files only: the dpkg database (`/var/lib/dpkg/info/*.list`, the files of each
installed package) says which OS package owns a metadata folder; dh-python's fallback table
(`/usr/share/dh-python/dist/cpython3_fallback`), when present, and a short table of Debian's
well-known exceptions say which OS package provides a distribution; otherwise Debian's naming
rule (`python3-<name>`) is a guess, and said to be one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ainlp.core.packages.metadata import Distribution, canonical
from ainlp.core.world import World

_PIP_INSTALLERS = ("pip", "uv")
_DPKG_INFO = "/var/lib/dpkg/info"
_DH_PYTHON_FALLBACK = "/usr/share/dh-python/dist/cpython3_fallback"
_METADATA_SUFFIXES = (b".dist-info", b".egg-info", b".egg")

# Debian packages whose name is not python3-<distribution name> (from dh-python's table)
_DEBIAN_NAMES = {
    "attrs": "python3-attr",
    "beautifulsoup4": "python3-bs4",
    "dbus-python": "python3-dbus",
    "gitpython": "python3-git",
    "mysqlclient": "python3-mysqldb",
    "opencv-python": "python3-opencv",
    "pillow": "python3-pil",
    "pycairo": "python3-cairo",
    "pycups": "python3-cups",
    "pyenchant": "python3-enchant",
    "pygobject": "python3-gi",
    "pyjwt": "python3-jwt",
    "pynacl": "python3-nacl",
    "pyopenssl": "python3-openssl",
    "pyserial": "python3-serial",
    "pysocks": "python3-socks",
    "pyusb": "python3-usb",
    "pyxdg": "python3-xdg",
    "pyyaml": "python3-yaml",
    "pyzmq": "python3-zmq",
    "python-apt": "python3-apt",
    "python-dateutil": "python3-dateutil",
    "python-debian": "python3-debian",
    "python-magic": "python3-magic",
    "scikit-learn": "python3-sklearn",
    "websocket-client": "python3-websocket",
}


def os_installed(dist: Distribution, prefix: Path) -> bool:
    """Installed by the OS: in the system prefix's own `lib/python3*/dist-packages` (never
    `local/`, where `sudo pip` writes) and no INSTALLER file saying pip or uv."""
    installer = (dist.installer or "").strip().lower()
    if installer.startswith(_PIP_INSTALLERS):
        return False
    location = dist.location
    return (location.name == "dist-packages" and location.parent.name.startswith("python3")
            and location.parent.parent == prefix / "lib")


@dataclass(frozen=True, slots=True)
class Provider:
    package: str  # the OS package's name
    certain: bool  # False when it is only Debian's naming rule applied to the name


@dataclass
class OsPackages:
    """The OS's package database of one world, read once on first use."""

    world: World
    _owners: dict[str, str] | None = field(default=None, repr=False)
    _fallback: dict[str, str] | None = field(default=None, repr=False)

    def owner(self, dist: Distribution) -> str | None:
        """The OS package whose files include this distribution's metadata folder."""
        if self._owners is None:
            self._owners = _read_owners(self.world.system_path(_DPKG_INFO))
        return self._owners.get(_absolute(self.world, dist.path))

    def provider(self, name: str) -> Provider:
        """The OS package that provides distribution `name`; a guess when only named so."""
        if self._fallback is None:
            self._fallback = _read_fallback(self.world.system_path(_DH_PYTHON_FALLBACK))
        key = canonical(name)
        known = self._fallback.get(key) or _DEBIAN_NAMES.get(key)
        if known is not None:
            return Provider(known, True)
        return Provider("python3-" + name.strip().lower().replace("_", "-"), False)


def _absolute(world: World, path: Path) -> str:
    """`path` as the OS's own database spells it: under the world's root, from "/"."""
    if world.root != Path("/"):
        try:
            return "/" + path.relative_to(world.root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _read_owners(info: Path) -> dict[str, str]:
    """Each metadata folder (`*.dist-info`, `*.egg-info`) named in a `*.list` file: its package."""
    owners: dict[str, str] = {}
    try:
        entries = sorted(e.name for e in os.scandir(info) if e.name.endswith(".list"))
    except OSError:
        return owners
    for name in entries:
        try:
            data = (info / name).read_bytes()
        except OSError:
            continue
        if b"-packages/" not in data:
            continue
        package = name[: -len(".list")].split(":")[0]  # "python3-gi:amd64.list" too
        for line in data.splitlines():
            line = line.rstrip(b"/")
            if line.endswith(_METADATA_SUFFIXES) and b"-packages/" in line:
                owners.setdefault(os.fsdecode(line), package)
    return owners


def _read_fallback(file: Path) -> dict[str, str]:
    """dh-python's table: `DistName python3-package` lines."""
    table: dict[str, str] = {}
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return table
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not parts[0].startswith("#"):
            table.setdefault(canonical(parts[0]), parts[1].rstrip(";,"))
    return table
