"""The built wheel: distribution `ainlp-doctor` (on PyPI `ainlp` is someone else's), one import
package `ainlp`, grammar inside, the console script `ainlp`, a working `ainlp find`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per run (AINLP_TEST_WHEEL may name a wheel built beforehand)."""
    given = os.environ.get("AINLP_TEST_WHEEL")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("*.whl")
    return built


def test_the_distribution_is_ainlp_doctor_with_the_ainlp_command(wheel: Path) -> None:
    assert wheel.name.startswith("ainlp_doctor-")
    archive = zipfile.ZipFile(wheel)
    tops = {n.split("/")[0] for n in archive.namelist()}
    (info,) = {top for top in tops if top.endswith(".dist-info")}
    assert info.startswith("ainlp_doctor-")
    metadata = archive.read(f"{info}/METADATA").decode()
    assert "\nName: ainlp-doctor\n" in metadata
    entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert "ainlp = ainlp._launch:main" in entry_points


def test_wheel_has_one_top_level_package_with_grammar(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"ainlp"}
    assert "ainlp/core/__init__.py" in names
    assert "ainlp/actions/__init__.py" in names
    assert "ainlp/core/discovery/locators/__init__.py" in names
    assert any(n.startswith("ainlp/grammar/") and n.endswith(".lark") for n in names) or not list(
        (REPO / "grammar").glob("*.lark")
    )


def test_installed_wheel_runs_find_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {**os.environ, "HOME": str(tmp_path / "home"), "AINLP_HOME": str(tmp_path / "state")}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        [str(venv / "bin" / "ainlp"), "find", "--json"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["summary"]["total"] == len(doc["environments"]) > 0
    # outside the repo, the current folder cannot satisfy `import core`: it must not be installed
    check = subprocess.run(
        [
            str(py),
            "-c",
            "import importlib.util as u; print(u.find_spec('core'), u.find_spec('actions'),"
            " u.find_spec('grammar'))",
        ],
        cwd=outside,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.split() == ["None", "None", "None"]
    # the README's api example, and `python -m ainlp`, from the clean venv
    text = (Path(__file__).parent.parent / "README.md").read_text()
    start = text.index("```python\n") + len("```python\n")
    example = subprocess.run([str(py), "-c", text[start:text.index("```", start)]], cwd=outside,
                             env=env, capture_output=True, text=True, timeout=120)
    assert example.returncode == 0, example.stderr
    assert json.loads(example.stdout.splitlines()[-1])["summary"]["total"] > 0
    module = subprocess.run([str(py), "-m", "ainlp", "--help"], cwd=outside, env=env,
                            capture_output=True, text=True, timeout=60)
    assert module.returncode == 0 and "COMMAND" in module.stdout
