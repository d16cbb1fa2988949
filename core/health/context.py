"""What every check sees: the world, the inventory, and lazily computed facts they share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ainlp.core.discovery.cache import ProbeCache
from ainlp.core.discovery.locators.pyenv import selected_versions
from ainlp.core.discovery.probe import probe
from ainlp.core.discovery.records import EnvRecord, Inventory
from ainlp.core.discovery.resolve import real
from ainlp.core.discovery.select import select_environments as select
from ainlp.core.process import Completed
from ainlp.core.world import World

if TYPE_CHECKING:
    from ainlp.core.discovery.locators.pyenv import Selection
    from ainlp.core.discovery.probe import ProbeResult

T = TypeVar("T")
_MISSING: Any = object()


@dataclass
class CheckContext:
    """Shared by all checks of one run; every helper computes once and caches.

    With a target, only the environments it names are checked and machine-wide checks
    (PATH, variables, AINLP's state) stay quiet: they are not about that environment.
    """

    world: World
    inventory: Inventory
    target: str | None = None
    _environments: tuple[EnvRecord, ...] | None = field(default=None, init=False, repr=False)
    _probes: dict[Path, ProbeResult] = field(default_factory=dict, init=False, repr=False)
    _runs: dict[tuple[str, ...], Completed] = field(default_factory=dict, init=False, repr=False)
    _cache: ProbeCache | None = field(default=None, init=False, repr=False)
    _selection: Selection | None = field(default=None, init=False, repr=False)
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def machine_wide(self) -> bool:
        return self.target is None or self.target == "all"

    @property
    def environments(self) -> tuple[EnvRecord, ...]:
        """The inventory's environments the target names (all of them without a target)."""
        if self._environments is None:
            self._environments = select_environments(self.world, self.inventory, self.target)
        return self._environments

    def probe(self, executable: Path) -> ProbeResult:
        """What the interpreter says about itself: from discovery's cache, else one run."""
        with self._lock:
            cached = self._probes.get(executable)
            if cached is None:
                cached = self._probe_cache().get(executable)
        if cached is None:
            cached = probe(self.world, executable)
            with self._lock:
                self._probe_cache().put(cached)
        with self._lock:
            self._probes[executable] = cached
        return cached

    def _probe_cache(self) -> ProbeCache:
        if self._cache is None:
            self._cache = ProbeCache(self.world.state_dir).load()
        return self._cache

    def save_probe_cache(self) -> None:
        if self._cache is not None:
            self._cache.save()

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """A fact several checks need (a venv's shebang scan, say), computed once per run."""
        # a dict read is atomic: no lock for the common case, a fact already computed
        found = self._memo.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            return self._memo.setdefault(key, value)  # type: ignore[no-any-return]

    def run(self, *argv: str, timeout: float | None = None) -> Completed:
        """Run a small command through the world's runner with a timeout; cached by argv."""
        with self._lock:
            cached = self._runs.get(argv)
        if cached is None:
            cached = self.world.run(list(argv), timeout=timeout or self.world.probe_timeout)
            with self._lock:
                self._runs[argv] = cached
        return cached

    def run_python(self, executable: Path, code: str, *, timeout: float | None = None) -> Completed:
        """Run `code` in an interpreter, isolated from the user's PYTHON* variables."""
        return self.run(str(executable), "-E", "-s", "-c", code, timeout=timeout)

    @property
    def pyenv_selection(self) -> Selection:
        if self._selection is None:
            self._selection = selected_versions(self.world)
        return self._selection

    def record_for_prefix(self, prefix: Path) -> EnvRecord | None:
        """The inventory's record of a folder (any record there: venv or interpreter)."""
        wanted = real(prefix)
        return next((e for e in self.inventory.environments if e.prefix == wanted), None)


def select_environments(
    world: World, inventory: Inventory, target: str | None
) -> tuple[EnvRecord, ...]:
    """The environments `target` names: "all"/None, "project", a name, or a path."""
    return select(world, inventory, target)
