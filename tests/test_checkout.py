"""A source checkout works as contributors expect: from its root `import ainlp.core` is core/,
a new module is seen without reinstalling, and the layout is stated in one place
(`SUBPACKAGES` in ainlp/_checkout.py). The wheel's side is tests/test_packaging.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

from ainlp import _checkout


def python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


def test_from_the_root_the_subpackages_are_the_checkouts_folders() -> None:
    done = python("import ainlp.core, ainlp.actions, ainlp.grammar, ainlp.core.world as w\n"
                  "for m in (ainlp.core, ainlp.actions, ainlp.grammar, w): print(m.__file__)",
                  REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(REPO / "core" / "__init__.py"),
                                   str(REPO / "actions" / "__init__.py"),
                                   str(REPO / "grammar" / "__init__.py"),
                                   str(REPO / "core" / "world.py")]


def test_no_other_folder_of_the_root_becomes_part_of_ainlp() -> None:
    done = python("import importlib.util as u, ainlp\n"
                  "print([u.find_spec('ainlp.' + n) for n in ('tests', 'benchmarks', 'docs')])",
                  REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[None, None, None]"


def test_a_new_module_in_a_checkout_is_imported_without_reinstalling(tmp_path: Path) -> None:
    (tmp_path / "ainlp").mkdir()
    for name in ("__init__.py", "_checkout.py"):
        shutil.copy(REPO / "ainlp" / name, tmp_path / "ainlp" / name)
    for folder in _checkout.SUBPACKAGES:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "core" / "brand_new.py").write_text("ANSWER = 42\n")
    done = python("from ainlp.core.brand_new import ANSWER; print(ANSWER)", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"


def test_an_installed_tree_maps_nothing() -> None:
    # outside the checkout `ainlp` is the installed tree (a wheel or the strict editable link
    # tree, with a real ainlp/core/): no finder; a plain editable install is the checkout itself
    done = python("import ainlp, os, sys\n"
                  "print(os.path.isdir(os.path.join(os.path.dirname(ainlp.__file__), 'core')),"
                  " any(type(f).__name__ == 'CheckoutFinder' for f in sys.meta_path))", Path("/"))
    assert done.returncode == 0, done.stderr
    installed, mapped = done.stdout.split()
    assert mapped == str(installed == "False")


def test_the_layout_is_stated_once() -> None:
    assert _checkout.SUBPACKAGES == ("core", "actions", "grammar")
    pyproject = (REPO / "pyproject.toml").read_text()
    setup = (REPO / "setup.py").read_text()
    assert "package-dir" not in pyproject and "package_dir]" not in pyproject
    assert '"ainlp.core"' not in setup and '"core"' not in setup
    assert '"ainlp" / "_checkout.py"' in setup
    # pytest imports the checkout (no sys.path surgery in conftest)
    assert "sys.path" not in (REPO / "tests" / "conftest.py").read_text()
