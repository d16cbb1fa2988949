"""Locators: one module per place where Pythons live, each registered by name.

A locator is a class with a `name` and `locate(world) -> Iterable[EnvRecord]`; it reads
files, never runs an interpreter (the finder probes what files cannot tell), and reports
broken environments with their problems instead of skipping them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from ainlp.core.discovery.records import EnvRecord
from ainlp.core.registry import Registry
from ainlp.core.world import World


class Locator(Protocol):
    name: str

    def locate(self, world: World) -> Iterable[EnvRecord]: ...


# Modules that register locators, imported on first use (never at `import ainlp`).
LOCATOR_MODULES: tuple[str, ...] = (
    "path",
    "pyenv",
    "conda",
    "virtualenvs",
    "tools",
    "system",
    "windows",
)

# Every locator class by name, in registration order (the order discovery runs them).
LOCATORS: Registry[type[Locator]] = Registry(
    "locator", tuple(f"{__name__}.{module}" for module in LOCATOR_MODULES))

L = TypeVar("L", bound=type)


def register_locator(name: str) -> Callable[[L], L]:
    """A class decorator: the class is the locator `name` (and its `name` says so)."""

    def decorate(cls: L) -> L:
        cls.name = name  # type: ignore[attr-defined]
        LOCATORS.add(name, cls)
        return cls

    return decorate


def all_locators() -> list[Locator]:
    return [cls() for cls in LOCATORS.all().values()]
