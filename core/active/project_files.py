"""The files editors and shells read for a project's Python, as planned edits.

Each planner is a pure function from the file's current bytes to its new bytes (applied
later through a ChangeSet); `plan_*` helpers read the current bytes first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ainlp.core import jsondoc
from ainlp.core.active._jsonc import NotJsonc, top_object
from ainlp.core.errors import BadInput

INTERPRETER_KEY = "python.defaultInterpreterPath"
EditStatus = Literal["write", "unchanged", "refused"]
_VERSION_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+/-]*$")


@dataclass(frozen=True, slots=True)
class PlannedEdit:
    path: Path
    status: EditStatus  # "write": `data` replaces the file; otherwise leave it alone
    data: bytes | None
    message: str

    def to_json(self) -> dict[str, str | None]:
        return {"path": str(self.path), "status": self.status, "message": self.message}


def read_current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def python_version_edit(project: Path, value: str, current: bytes | None) -> PlannedEdit:
    """`.python-version` naming a version ("3.11.7") or an environment name (pyenv, uv)."""
    path = project / ".python-version"
    if not _VERSION_VALUE.match(value):
        raise BadInput(f"{value!r} cannot go in .python-version",
                       hint="give a version such as 3.11.7 or an environment name")
    if current is not None and _first_entry(current) == value:
        return PlannedEdit(path, "unchanged", None, f"{path} already names {value}")
    return PlannedEdit(path, "write", f"{value}\n".encode(), f"{path} will name {value}")


def _first_entry(data: bytes) -> str | None:
    for line in data.decode("utf-8", "replace").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            return text
    return None


def vscode_settings_edit(project: Path, interpreter: Path, current: bytes | None) -> PlannedEdit:
    """`.vscode/settings.json` with python.defaultInterpreterPath set, everything else kept
    byte for byte (comments and trailing commas included); refused when that is not safe."""
    path = project / ".vscode" / "settings.json"
    value = jsondoc.dumps(str(interpreter))
    if current is None or not current.strip(b" \t\r\n\xef\xbb\xbf"):
        return PlannedEdit(path, "write", f'{{\n    "{INTERPRETER_KEY}": {value}\n}}\n'.encode(),
                           f"{path} will be created with {INTERPRETER_KEY}")
    try:
        text = current.decode("utf-8")
    except UnicodeDecodeError:
        return _refused(path, "it is not UTF-8 text")
    try:
        found = top_object(text)
    except (NotJsonc, ValueError) as exc:
        return _refused(path, f"it is not a JSON object we can edit safely ({exc})")
    same = [m for m in found.members if m.key == INTERPRETER_KEY]
    if len(same) > 1:
        return _refused(path, f"{INTERPRETER_KEY} appears {len(same)} times")
    if same:
        member = same[0]
        if text[member.value_start:member.value_end] == value:
            return PlannedEdit(path, "unchanged", None, f"{path} already points at {interpreter}")
        new = text[:member.value_start] + value + text[member.value_end:]
        return PlannedEdit(path, "write", new.encode(), f"{path}: {INTERPRETER_KEY} replaced")
    new = _insert_first(text, found.open_brace.end, value, bool(found.members),
                        found.members[0].key_token.start if found.members else None)
    return PlannedEdit(path, "write", new.encode(), f"{path}: {INTERPRETER_KEY} added")


def _insert_first(text: str, after: int, value: str, more: bool, first_key: int | None) -> str:
    """A member right after the opening brace, indented like the first one already there."""
    newline = "\r\n" if "\r\n" in text else "\n"
    indent = "    "
    if first_key is not None:
        line_start = text.rfind("\n", 0, first_key) + 1
        leading = text[line_start:first_key]
        if line_start > after and not leading.strip():
            indent = leading
    member = f'{newline}{indent}"{INTERPRETER_KEY}": {value}' + ("," if more else "")
    rest = text[after:]
    if more and not rest.lstrip(" \t").startswith(("\n", "\r\n")):
        member += newline + indent  # the first member shared the brace's line
    if not more and not rest.lstrip(" \t").startswith(("\n", "\r\n")):
        member += newline
    return text[:after] + member + rest


def _refused(path: Path, why: str) -> PlannedEdit:
    return PlannedEdit(path, "refused", None,
                       f"left {path} alone: {why}; set {INTERPRETER_KEY} by hand")


def plan_python_version(project: Path, value: str) -> PlannedEdit:
    return python_version_edit(project, value, read_current(project / ".python-version"))


def plan_vscode_settings(project: Path, interpreter: Path) -> PlannedEdit:
    path = project / ".vscode" / "settings.json"
    try:
        current = read_current(path)
    except OSError as exc:
        return _refused(path, f"it cannot be read ({exc.strerror})")
    return vscode_settings_edit(project, interpreter, current)
