"""What every check sees: the world, the inventory, and lazily computed facts they share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ainlp.core.discovery.records import EnvRecord, Inventory
from ainlp.core.errors import BadInput
from ainlp.core.process import Completed
from ainlp.core.world import World

if TYPE_CHECKING:
    from ainlp.core.discovery.locators.pyenv import Selection
    from ainlp.core.discovery.probe import ProbeResult

T = TypeVar("T")

_PROJECT_VENV_NAMES = (".venv", "venv", "env", ".env")


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
        """What the interpreter says about itself (one run per executable and check run)."""
        from ainlp.core.discovery.probe import probe

        with self._lock:
            cached = self._probes.get(executable)
        if cached is None:
            cached = probe(self.world, executable)
            with self._lock:
                self._probes[executable] = cached
        return cached

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """A fact several checks need (a venv's shebang scan, say), computed once per run."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._memo.setdefault(key, value)
        return value

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
            from ainlp.core.discovery.locators.pyenv import selected_versions

            self._selection = selected_versions(self.world)
        return self._selection

    def record_for_prefix(self, prefix: Path) -> EnvRecord | None:
        """The inventory's record of a folder (any record there: venv or interpreter)."""
        from ainlp.core.discovery.resolve import real

        wanted = real(prefix)
        return next((e for e in self.inventory.environments if e.prefix == wanted), None)


def select_environments(
    world: World, inventory: Inventory, target: str | None
) -> tuple[EnvRecord, ...]:
    """The environments `target` names: "all"/None, "project", a name, or a path."""
    envs = inventory.environments
    if target is None or target == "all":
        return envs
    from ainlp.core.discovery.resolve import classify, real

    if target == "project":
        chosen = _project_environments(world, envs)
    else:
        chosen = tuple(e for e in envs if e.name == target or e.prefix.name == target)
        if not chosen:
            path = real(world.expand(target))
            from ainlp.core.discovery.static import prefix_of_bin_dir

            path = prefix_of_bin_dir(path)
            chosen = tuple(e for e in envs if e.prefix == path)
            if not chosen and path.is_dir():
                # a folder discovery does not look in (a venv in some project) is still checkable
                chosen = (classify(path, "target", platform=world.platform),)
    if not chosen:
        raise BadInput(f"no environment matches {target!r}",
                       hint="ainlp find lists environments; a target is a name, a path, "
                            "'project' or 'all'")
    return chosen


def _project_environments(world: World, envs: tuple[EnvRecord, ...]) -> tuple[EnvRecord, ...]:
    from ainlp.core.discovery.resolve import classify, is_venv, real

    folder = world.cwd
    while True:
        for name in _PROJECT_VENV_NAMES:
            candidate = folder / name
            if is_venv(candidate):
                prefix = real(candidate)
                known = tuple(e for e in envs if e.prefix == prefix)
                return known or (classify(prefix, "target", platform=world.platform),)
        if folder.parent == folder or folder == world.home:
            return ()
        folder = folder.parent
