"""Issue 11 in discovery: versions are PyVersion values (JSON keeps the text as found), the
locators live in the one `Registry`, and a speed trick stays only with its measured figure."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from ainlp.core.discovery import Inventory, discover
from ainlp.core.discovery.known import missing_records
from ainlp.core.discovery.locators import LOCATORS, all_locators, register_locator
from ainlp.core.discovery.locators.pyenv import PyenvLocator
from ainlp.core.discovery.locators.system import cellar_parts
from ainlp.core.discovery.locators.windows import store_packages
from ainlp.core.discovery.probe import ProbeResult, _parse
from ainlp.core.discovery.records import EnvKind, EnvRecord, Manager
from ainlp.core.discovery.static import static_version, version_from_pyvenv_cfg
from ainlp.core.registry import Registry
from ainlp.core.versions import PyVersion
from conftest import make_world, write
from test_discovery_worlds import make_pyenv

REPO = Path(__file__).resolve().parent.parent
DISCOVERY = REPO / "core" / "discovery"
SOURCES = sorted(DISCOVERY.rglob("*.py"))


# --- versions are values ---------------------------------------------------------------------


def test_no_version_regex_in_discovery() -> None:
    """Every pattern on digits lives in core/versions.py: discovery has no `\\d` or `[0-9]`."""
    digits = re.compile(r"(?<!\\)\\d|\[0-9")
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for path in SOURCES
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if digits.search(line)]
    assert not found, "\n".join(found)


def test_records_carry_pyversion_and_json_keeps_the_text(tmp_path: Path) -> None:
    root = make_pyenv(tmp_path, {"3.12.4": "3.12.4", "3.13-dev": "3.13.0a1+"})
    world = make_world(tmp_path, env={"PYENV_ROOT": str(root)})
    inventory = discover(world, locators=[PyenvLocator()], use_cache=False)
    versions = {env.prefix.name: env.version for env in inventory.environments}
    assert versions == {"3.12.4": PyVersion("3.12.4"), "3.13-dev": PyVersion("3.13.0a1+")}
    assert all(isinstance(v, PyVersion) for v in versions.values())
    document = inventory.to_json()
    assert {env["version"] for env in document["environments"]} == {"3.12.4", "3.13.0a1+"}
    again = Inventory.from_json(document)
    assert [env.version for env in again.environments] == [
        env.version for env in inventory.environments]
    assert all(isinstance(env.version, PyVersion) for env in again.environments)


def test_json_of_a_record_and_its_manager_is_text_and_reads_back(tmp_path: Path) -> None:
    record = EnvRecord(EnvKind.CONDA, tmp_path, tmp_path / "bin" / "python",
                       PyVersion("3.10.14+"), manager=Manager("conda", None, PyVersion("24.1.2")))
    document = record.to_json()
    assert (document["version"], document["manager"]["version"]) == ("3.10.14+", "24.1.2")
    inventory = Inventory((record, EnvRecord(EnvKind.VENV, tmp_path / "v", None)), 1.0, "off")
    (back, unknown) = Inventory.from_json(inventory.to_json()).environments
    assert back.version == PyVersion("3.10.14+") and back.version.version is None  # not PEP 440
    assert back.manager is not None and back.manager.version == PyVersion("24.1.2")
    assert unknown.version is None and unknown.to_json()["version"] is None


def test_every_reader_of_a_version_gives_a_pyversion(tmp_path: Path) -> None:
    assert version_from_pyvenv_cfg({"version_info": "3.13.0.candidate.1"}) == PyVersion(
        "3.13.0rc1")
    prefix = tmp_path / "py"
    write(prefix / "include" / "python3.11" / "patchlevel.h", '#define PY_VERSION "3.11.2+"\n')
    found = static_version(prefix, prefix / "bin" / "python3.11")
    assert found is not None and (found.version, found.source) == (PyVersion("3.11.2+"),
                                                                   "patchlevel.h")
    mark = "--ainlp-probe--"
    probed = _parse(tmp_path / "python", mark + '{"version": "3.14.0", "releaselevel": "beta", '
                    '"serial": 2}' + mark)
    assert probed.version == PyVersion("3.14.0b2")
    assert ProbeResult.from_json(probed.executable, probed.to_json()) == probed
    assert probed.to_json()["version"] == "3.14.0b2"
    assert cellar_parts(Path("/opt/homebrew/Cellar/python@3.12/3.12.1_2/bin/python3")) == (
        Path("/opt/homebrew"), PyVersion("3.12.1"))
    apps = tmp_path / "apps"
    (apps / "PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0").mkdir(parents=True)
    (apps / "PythonSoftwareFoundation.Python.3.12_3.12.496.0_x64__qbz5n2kfra8p0").mkdir()
    assert [minor for _, minor in store_packages(apps)] == [PyVersion("3.12")]


def test_missing_records_read_their_version_as_a_value(tmp_path: Path) -> None:
    import sqlite3

    world = make_world(tmp_path)
    world.state_dir.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(world.state_dir / "state.db") as conn:
        conn.execute("CREATE TABLE environments (prefix, kind, name, version, executable, "
                     "last_seen)")
        conn.execute("INSERT INTO environments VALUES (?, 'venv', 'gone', '3.9.18', NULL, NULL)",
                     (str(tmp_path / "gone"),))
    conn.close()
    (record,) = missing_records(world, set())
    assert record.version == PyVersion("3.9.18")


def test_pyversion_orders_as_versions_do() -> None:
    texts = ["3.10.1", "3.9.18", "3.10", "3.13-dev", "3.9"]
    assert [v.text for v in sorted(PyVersion(t) for t in texts)] == [
        "3.9", "3.9.18", "3.10", "3.10.1", "3.13-dev"]
    assert max(PyVersion("3.9.21"), PyVersion("3.9.18")) == PyVersion("3.9.21")
    assert PyVersion("3.12") != PyVersion("3.12.0")  # equal only as the same text


# --- one registry ---------------------------------------------------------------------------


def test_locators_are_one_registry() -> None:
    assert isinstance(LOCATORS, Registry)
    names = [locator.name for locator in all_locators()]
    assert names == list(LOCATORS.all())
    assert {"path", "pyenv", "conda", "system", "uv-python", "windows_store"} <= set(names)
    assert all(LOCATORS.get(name) is type(locator)
               for name, locator in zip(names, all_locators(), strict=True))
    with pytest.raises(ValueError, match="locator 'pyenv' registered twice"):
        register_locator("pyenv")(type("Again", (), {}))


# --- speed tricks only with a figure ---------------------------------------------------------


def _function_imports(path: Path) -> list[tuple[int, str]]:
    """(line, the comment lines right above it) of each import inside a function."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, (ast.Import, ast.ImportFrom)):
                above, index = [], inner.lineno - 2
                while index >= 0 and lines[index].strip().startswith("#"):
                    above.append(lines[index])
                    index -= 1
                found.append((inner.lineno, " ".join([*above, lines[inner.lineno - 1]])))
    return found


def test_each_function_level_import_says_why_with_a_figure_or_a_cycle() -> None:
    """Hoisted unless it saves more than 2 ms on a measured path (its comment gives the
    figure), or unless the module it imports imports this one (a cycle)."""
    unexplained = [f"{path.relative_to(REPO)}:{line}"
                   for path in SOURCES for line, text in _function_imports(path)
                   if not re.search(r"\d+(?:\.\d+)? ms|imports? this module", text)]
    assert not unexplained, unexplained
    # the cycle breakers: both locators import resolve.py, documents.py imports records.py
    assert len([1 for path in SOURCES for _ in _function_imports(path)]) <= 6


def test_the_snapshot_module_uses_no_type_checking_trick() -> None:
    text = (DISCOVERY / "snapshot.py").read_text(encoding="utf-8")
    assert "TYPE_CHECKING = False" not in text
