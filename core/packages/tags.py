"""Which wheel tags an environment's interpreter accepts, worked out without running it.

pip check (24.1 and later) reports an installed wheel none of whose WHEEL tags the
interpreter supports ("X 1.0 is not supported on this platform"): a venv whose base was
upgraded from 3.11 to 3.12 keeps cp311 wheels it can no longer import. The tags are
packaging's for the environment's version, implementation and ABI on this machine's
platform; where that cannot be known (PyPy's ABI, Python 2, another platform) there is no
judgement rather than a guess.
"""

from __future__ import annotations

import functools
import os
import platform as host
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ainlp.core.discovery.records import EnvRecord
from ainlp.core.packages.metadata import Distribution, normalized_version
from ainlp.core.packages.sites import is_free_threaded
from ainlp.core.world import World

if TYPE_CHECKING:
    from packaging.tags import Tag

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: packaging.tags 11 ms

@dataclass(frozen=True, slots=True)
class TagContext:
    """What decides the tags an interpreter accepts (besides the machine itself)."""

    major: int
    minor: int
    free_threaded: bool

    @property
    def key(self) -> str:
        """Stable text for caches: the context plus the machine facts the tags depend on."""
        return (f"cp{self.major}{self.minor}{'t' if self.free_threaded else ''}|{sys.platform}|"
                f"{host.machine()}|{_libc()}")

    def supported(self) -> frozenset[Tag]:
        return _supported(self)


def tag_context(world: World, record: EnvRecord) -> TagContext | None:
    """The context of a CPython 3 on this machine's platform; None where tags are not known."""
    pair = record.version.major_minor if record.version else None
    implementation = (record.implementation or "cpython").lower()
    if pair is None or implementation != "cpython" or world.platform != sys.platform:
        return None
    major, minor = pair
    if major < 3:
        return None
    return TagContext(major, minor, is_free_threaded(record))


@dataclass(frozen=True, slots=True)
class Unsupported:
    package: str
    version: str
    tags: tuple[str, ...]

    @property
    def pip_line(self) -> str:
        return f"{self.package} {self.version} is not supported on this platform"


def unsupported(distributions: Iterable[Distribution], context: TagContext) -> list[Unsupported]:
    """Installed wheels whose WHEEL tags are all foreign to this interpreter, as pip check."""
    from packaging.tags import parse_tag

    wheels = [d for d in distributions if d.wheel_tags]
    if not wheels:
        return []
    supported = context.supported()
    found: list[Unsupported] = []
    for dist in wheels:
        tags: set[Tag] = set()
        for text in dist.wheel_tags:
            try:
                tags |= parse_tag(text)
            except ValueError:  # a malformed tag matches nothing, as in pip
                continue
        if tags.isdisjoint(supported):
            found.append(Unsupported(dist.name or "", normalized_version(dist.version) or "",
                                     dist.wheel_tags))
    return found


@functools.lru_cache(maxsize=32)
def _supported(context: TagContext) -> frozenset[Tag]:
    from packaging.tags import compatible_tags, cpython_tags, platform_tags

    version = (context.major, context.minor)
    nodot = f"{context.major}{context.minor}"
    if context.free_threaded:
        abi = f"cp{nodot}t"
    elif version < (3, 8):
        abi = f"cp{nodot}m"  # pymalloc builds, the default before 3.8
    else:
        abi = f"cp{nodot}"
    platforms = list(platform_tags())
    tags = list(cpython_tags(version, [abi], platforms))
    tags += compatible_tags(version, f"cp{nodot}", platforms)
    return frozenset(tags)


def _libc() -> str:
    """glibc's version (manylinux tags follow it); "" where there is none."""
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (AttributeError, OSError, ValueError):
        return ""
