"""Speed is designed in: the engine and `ainlp find` import nothing they do not use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("lark", "rich", "prompt_toolkit", "pydantic")


def imported_after(code: str, tmp_path: Path) -> set[str]:
    probe = code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "HOME": str(tmp_path), "AINLP_HOME": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=env,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_core_imports_no_language_or_screen_library(tmp_path: Path) -> None:
    modules = imported_after(
        "import ainlp.core, ainlp.core.discovery, ainlp.core.discovery.finder\n"
        "from ainlp.core.discovery.locators import all_locators; all_locators()",
        tmp_path,
    )
    assert not {m.split(".")[0] for m in modules} & set(HEAVY)


def test_find_json_does_not_import_prompt_toolkit_rich_or_lark(tmp_path: Path) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from ainlp.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['find', '--json'])\n"
    )
    modules = {m.split(".")[0] for m in imported_after(code, tmp_path)}
    assert "prompt_toolkit" not in modules
    assert "lark" not in modules
    assert "rich" not in modules


def test_import_ainlp_is_light(tmp_path: Path) -> None:
    modules = imported_after("import ainlp", tmp_path)
    assert {m for m in modules if m.startswith("ainlp")} == {"ainlp"}
