"""The tool's trash and undoable change sets.

Whatever a change removes is renamed into a trash folder first (`trash`); only `prune`
deletes. A `ChangeSet` records file writes with their previous bytes and trash moves, and
undoes them newest first.
"""

from ainlp.core.changes._errors import ChangeConflict
from ainlp.core.changes._index import TrashEntry
from ainlp.core.changes.changeset import Change, ChangeSet, FileWrite, TrashMove
from ainlp.core.changes.trash import (
    FOREIGN_TRASH,
    entries,
    move_to_trash,
    prune,
    restore,
    state_trash,
    trash_folders,
    trash_location,
)

__all__ = [
    "FOREIGN_TRASH",
    "Change",
    "ChangeConflict",
    "ChangeSet",
    "FileWrite",
    "TrashEntry",
    "TrashMove",
    "entries",
    "move_to_trash",
    "prune",
    "restore",
    "state_trash",
    "trash_folders",
    "trash_location",
]
