"""What every strategy sees: the world, the inventory, AINLP's store, known wheel folders,
and the "before fix" snapshot it takes before it acts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.discovery import discover
from ainlp.core.discovery.records import EnvRecord, Inventory
from ainlp.core.errors import AinlpError
from ainlp.core.world import World

if TYPE_CHECKING:
    from ainlp.core.envsnap import EnvSnapshot
    from ainlp.core.state import StateStore

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.envsnap 27 ms, ainlp.core.state 21 ms

# find-links folders the user already names for pip or uv: local wheels known to the world
_FIND_LINKS_VARS = ("UV_FIND_LINKS", "PIP_FIND_LINKS")


@dataclass
class RepairContext:
    world: World
    inventory: Inventory
    progress: Callable[[str], None] | None = None
    rc_file: bool = False  # the user consents to PATH lines written into the shell's rc file
    _records: dict[str, EnvRecord] = field(default_factory=dict, init=False, repr=False)

    @contextmanager
    def store(self) -> Iterator[StateStore]:
        from ainlp.core.state import StateStore

        with StateStore.open(self.world.state_dir) as store:
            yield store

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    def record(self, subject: str) -> EnvRecord | None:
        """The inventory's record a finding's subject names (a prefix or an executable)."""
        if not self._records:
            for env in self.inventory.environments:
                self._records.setdefault(str(env.prefix), env)
                if env.executable is not None:
                    self._records.setdefault(str(env.executable), env)
        return self._records.get(subject)

    def refresh(self) -> None:
        self.inventory = discover(self.world, refresh=True)
        self._records.clear()

    def known_wheel_folders(self) -> list[Path]:
        """Folders of local wheels: the world's find-links variables, then backup wheels."""
        found: list[Path] = []
        for name in _FIND_LINKS_VARS:
            for part in self.world.env.get(name, "").replace(",", " ").split():
                path = Path(part)
                if path.is_absolute() and path.is_dir():
                    found.append(path)
        try:
            with self.store() as store:
                rows = store.backups()
        except AinlpError:
            rows = []
        for row in rows:
            try:
                doc = json.loads(row.content, parse_constant=int)
            except ValueError:
                continue
            wheels = doc.get("wheels") if isinstance(doc, dict) else None
            if isinstance(wheels, str) and Path(wheels).is_dir():
                found.append(Path(wheels))
        return list(dict.fromkeys(found))

    def last_snapshot(self, prefix: Path) -> EnvSnapshot | None:
        """The newest stored snapshot of the environment at `prefix`, if a backup holds one."""
        from ainlp.core.envsnap import EnvSnapshot
        try:
            with self.store() as store:
                rows = store.backups()
        except AinlpError:
            return None
        for row in rows:  # newest first
            try:
                doc = json.loads(row.content, parse_constant=int)
            except ValueError:
                continue
            envs = doc.get("environments") if isinstance(doc, dict) else None
            for env in envs if isinstance(envs, list) else []:
                if isinstance(env, dict) and env.get("prefix") == str(prefix):
                    try:
                        return EnvSnapshot.from_json(env, source=f"backup {row.id}",
                                                     state_file=True)
                    except AinlpError:
                        continue
        return None

    def snapshot(self, records: Sequence[EnvRecord], *, target: str,
                 reason: str = "before fix") -> str | None:
        """A backup of the environments a step touches; its id (None: nothing readable)."""
        from ainlp.core.envsnap import capture
        from ainlp.core.state import BackupRow

        snaps = []
        for record in records:
            if not record.prefix.is_dir():
                continue
            try:
                snaps.append(capture(self.world, record).to_json())
            except (AinlpError, OSError, ValueError):
                continue
        if not snaps:
            return None
        with self.store() as store:
            backup_id = store.new_backup_id()
            content = {"environments": snaps,
                       "context": {"active": [c.to_json() for c in store.active_choices()]},
                       "wheels": None}
            created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.world.clock()))
            store.add_backup(BackupRow(backup_id, created, target, reason, len(snaps),
                                       json.dumps(content, allow_nan=False)))
        return backup_id
