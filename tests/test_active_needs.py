"""What a project declares: pyproject.toml, requirements*.txt (with -r once), .python-version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ainlp.core.active import read_needs
from conftest import write


def test_everything_a_project_declares(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", """
[project]
name = "demo"
requires-python = ">=3.11"
dependencies = ["requests>=2", "click", "tomli; python_version < '3.11'"]
""")
    write(tmp_path / "requirements.txt", """\
# pinned for prod
-r requirements-base.txt
-e .
--index-url https://example.invalid/simple
rich==13.*  # a comment
click
numpy>=1.26 \\
    ; python_version >= "3.9"
-c constraints.txt
""")
    write(tmp_path / "requirements-base.txt", "pyyaml\n-r requirements.txt\n")
    write(tmp_path / "requirements-dev.txt", "--requirement=requirements-base.txt\npytest\n")
    write(tmp_path / ".python-version", "# local\n3.11.7\n3.12\n")

    needs = read_needs(tmp_path)

    assert needs.requires_python == ">=3.11"
    assert needs.pinned == ("3.11.7", "3.12")
    assert needs.requirements == (
        "requests>=2", "click", "tomli; python_version < '3.11'",
        "pyyaml", "rich==13.*", 'numpy>=1.26     ; python_version >= "3.9"', "pytest")
    assert [p.name for p in needs.sources] == [
        "pyproject.toml", "requirements-base.txt", "requirements.txt", "requirements-dev.txt",
        ".python-version"]  # each file read once, an included one where it is included
    assert needs.problems == ()
    assert needs.declares_python


def test_includes_outside_the_project_or_missing_are_problems(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    write(tmp_path / "outside.txt", "evil\n")
    write(project / "requirements.txt", "-r ../outside.txt\n-r nothing.txt\nok\n")
    needs = read_needs(project)
    assert needs.requirements == ("ok",)
    assert len(needs.problems) == 2
    assert "outside the project" in needs.problems[0]


def test_a_project_that_declares_nothing(tmp_path: Path) -> None:
    needs = read_needs(tmp_path)
    assert (needs.requires_python, needs.pinned, needs.requirements) == (None, (), ())
    assert not needs.declares_python


def test_bad_pyproject_is_a_problem_not_an_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project\nname = ")
    write(tmp_path / "requirements.txt", "attrs\n")
    needs = read_needs(tmp_path)
    assert needs.requirements == ("attrs",)
    assert "not valid TOML" in needs.problems[0]


def test_python_310_without_tomli_says_what_is_missing() -> None:
    python = Path.home() / ".pyenv" / "versions" / "3.10.13" / "bin" / "python"
    if not python.exists():
        pytest.skip("no Python 3.10 here to read TOML without tomllib")
    # the folder holding ainlp/: the checkout (which maps core/ in) or the installed tree
    package_root = Path(sys.modules["ainlp"].__file__ or "").parents[1]
    # -S: no site-packages, so no tomli either
    code = (f"import sys; sys.path.insert(0, {str(package_root)!r}); "
            "from ainlp.core.active.needs import parse_toml; print(parse_toml('a = 1')[1])")
    out = subprocess.run([str(python), "-S", "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert "tomli" in out.stdout
