"""Planned edits of .python-version and .vscode/settings.json (JSONC kept byte for byte)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ainlp.core.active import (
    INTERPRETER_KEY,
    plan_python_version,
    plan_vscode_settings,
    python_version_edit,
    vscode_settings_edit,
)
from ainlp.core.changes import ChangeSet
from ainlp.core.errors import BadInput
from conftest import write

PROJECT = Path("/p")
PY = Path("/p/.venv/bin/python")


def edited(current: str | None, interpreter: Path = PY) -> str:
    edit = vscode_settings_edit(PROJECT, interpreter, None if current is None else current.encode())
    assert edit.status == "write", edit.message
    assert edit.data is not None
    return edit.data.decode()


def test_python_version_file() -> None:
    edit = python_version_edit(PROJECT, "3.11.7", None)
    assert (edit.path, edit.status, edit.data) == (PROJECT / ".python-version", "write",
                                                   b"3.11.7\n")
    assert python_version_edit(PROJECT, "myenv", b"3.10\n").data == b"myenv\n"
    assert python_version_edit(PROJECT, "3.11.7", b"# pinned\n3.11.7\n").status == "unchanged"
    for bad in ("", "3.11 3.12", "a\nb", "../x y"):
        with pytest.raises(BadInput):
            python_version_edit(PROJECT, bad, None)


def test_settings_created_when_missing_or_empty() -> None:
    for current in (None, "", "\n  \n"):
        text = edited(current)
        assert json.loads(text) == {INTERPRETER_KEY: str(PY)}


def test_plain_json_keeps_other_settings_and_their_layout() -> None:
    before = '{\n  "editor.tabSize": 2,\n  "files.exclude": {"**/.git": true}\n}\n'
    after = edited(before)
    assert after == ('{\n  "python.defaultInterpreterPath": "/p/.venv/bin/python",\n'
                     '  "editor.tabSize": 2,\n  "files.exclude": {"**/.git": true}\n}\n')
    assert json.loads(after)["files.exclude"] == {"**/.git": True}


def test_jsonc_value_replaced_in_place_with_comments_and_trailing_commas_kept() -> None:
    before = ('// workspace settings\n{\n'
              '    /* the interpreter */ "python.defaultInterpreterPath": "/old/python", // old\n'
              '    "editor.rulers": [80, 100,], // trailing commas\n'
              '}\n')
    after = edited(before)
    assert after == before.replace('"/old/python"', '"/p/.venv/bin/python"')


def test_jsonc_key_inserted_after_the_brace() -> None:
    before = '{\r\n\t// tabs and CRLF\r\n\t"a": "x // not a comment",\r\n\t"b": [1,],\r\n}'
    after = edited(before)
    assert after == ('{\r\n\t"python.defaultInterpreterPath": "/p/.venv/bin/python",'
                     + before[1:])


@pytest.mark.parametrize("before", ["{}", "{ }", '{"a": 1}', "\ufeff{\n}\n", "{ /* c */ }"])
def test_insert_into_small_objects_stays_valid(before: str) -> None:
    after = edited(before)
    stripped = re.sub(r"/\*.*?\*/", "", after.lstrip("\ufeff"))
    assert json.loads(stripped)[INTERPRETER_KEY] == str(PY)
    assert after.startswith("\ufeff") == before.startswith("\ufeff")


def test_value_with_characters_json_must_escape() -> None:
    odd = Path('/p/we"ird\\dir/python')
    assert json.loads(edited("{}", odd))[INTERPRETER_KEY] == str(odd)


def test_already_set_is_unchanged() -> None:
    edit = vscode_settings_edit(PROJECT, PY, b'{"python.defaultInterpreterPath": '
                                             b'"/p/.venv/bin/python"}')
    assert (edit.status, edit.data) == ("unchanged", None)


@pytest.mark.parametrize(
    "before",
    [
        "[1, 2]",
        '{"a": 1',
        '{"a": /* never closed }',
        '{"a": "never closed}',
        '{"a" 1}',
        '{"a": 1} {"b": 2}',
        '{"python.defaultInterpreterPath": "a", "python.defaultInterpreterPath": "b"}',
        "{'single': 'quotes'}",
    ],
    ids=["array", "unclosed", "comment", "string", "colon", "two-objects", "twice", "quotes"],
)
def test_unsafe_files_are_left_alone_with_a_reason(before: str) -> None:
    edit = vscode_settings_edit(PROJECT, PY, before.encode())
    assert (edit.status, edit.data) == ("refused", None)
    assert "left" in edit.message and INTERPRETER_KEY in edit.message


def test_non_utf8_is_left_alone() -> None:
    assert vscode_settings_edit(PROJECT, PY, b'{"a": "\xff"}').status == "refused"


def test_plans_read_the_files_and_apply_through_a_changeset(tmp_path: Path) -> None:
    settings = write(tmp_path / ".vscode" / "settings.json", '{\n  // keep\n  "x": 1,\n}\n')
    version = plan_python_version(tmp_path, "3.12.1")
    vscode = plan_vscode_settings(tmp_path, tmp_path / ".venv" / "bin" / "python")
    changes = ChangeSet()
    for edit in (version, vscode):
        assert edit.data is not None
        changes.write_file(edit.path, edit.data)
    assert (tmp_path / ".python-version").read_text() == "3.12.1\n"
    assert "// keep" in settings.read_text()
    changes.undo()
    assert not (tmp_path / ".python-version").exists()
    assert settings.read_text() == '{\n  // keep\n  "x": 1,\n}\n'
