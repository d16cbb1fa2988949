"""One registry helper: things registered by name from modules imported on first use.

Actions, health checks, repair strategies and renderers each keep one `Registry`: their
modules register entries when imported (a decorator, or `add`), and the registry imports those
modules the first time someone asks for its entries, never at `import ainlp`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, ItemsView, Iterable, Mapping
from typing import Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries of type T by name.

    `modules` (names, or a function giving them, for a list that lives in a module the
    registry must not import early) are imported on the first `all`, `items` or `get` of a
    name not registered yet; `homes` names the one module that registers a name, so `get`
    imports only that one. With `unique`, registering a name twice is a ValueError.
    """

    def __init__(self, what: str, modules: Iterable[str] | Callable[[], Iterable[str]] = (),
                 *, homes: Mapping[str, str] | None = None, unique: bool = True) -> None:
        self.what = what  # "action", "health check": for the error of a double registration
        self.entries: dict[str, T] = {}  # as registered, without importing anything
        self._modules = modules
        self._homes = dict(homes or {})
        self._unique = unique
        self._loaded = False

    def add(self, name: str, entry: T) -> T:
        if self._unique and name in self.entries:
            raise ValueError(f"{self.what} {name!r} registered twice")
        self.entries[name] = entry
        return entry

    def register(self, name: str) -> Callable[[T], T]:
        """A decorator registering what it decorates under `name`."""

        def decorate(entry: T) -> T:
            return self.add(name, entry)

        return decorate

    def load(self) -> None:
        """Import every registering module, once."""
        if self._loaded:
            return
        modules = self._modules() if callable(self._modules) else self._modules
        order = (*modules, *dict.fromkeys(self._homes.values()))
        for module in order:
            importlib.import_module(module)
        # Registration follows import order, which any module-level import of a registering
        # module changes: entries go in the order of their modules here (the order discovery
        # runs its locators), then as registered.
        rank = {module: i for i, module in enumerate(order)}
        ordered = sorted(self.entries.items(),
                         key=lambda item: rank.get(getattr(item[1], "__module__", ""), len(rank)))
        self.entries.clear()
        self.entries.update(ordered)
        self._loaded = True

    def load_module(self, module: str) -> None:
        """Import one registering module (what it registers is then there)."""
        importlib.import_module(module)

    def all(self) -> Mapping[str, T]:
        """Every entry by name, in the order of the modules registering them."""
        self.load()
        return self.entries

    def items(self) -> ItemsView[str, T]:
        return self.all().items()

    def names(self) -> tuple[str, ...]:
        """The names there are; with `homes`, without importing any module."""
        if self._homes:
            return tuple(self._homes)
        return tuple(self.all())

    def get(self, name: str) -> T | None:
        """The entry `name`; the module registering it is imported first when needed."""
        if name not in self.entries:
            home = self._homes.get(name)
            if home is not None:
                self.load_module(home)
            elif self._homes:
                return None  # `homes` lists every name there is
            else:
                self.load()
        return self.entries.get(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None
