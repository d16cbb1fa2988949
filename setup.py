"""Maps the top-level folders into the one import package `ainlp` and lists every package under
them, so neither a new subpackage nor a new module ever needs an edit here or in pyproject.toml.

The layout itself is stated once, as SUBPACKAGES in ainlp/_checkout.py, which also maps it when
running from a checkout.
"""

import runpy
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent
SUBPACKAGES = runpy.run_path(str(HERE / "ainlp" / "_checkout.py"))["SUBPACKAGES"]
ROOTS = {"ainlp": "ainlp", **{f"ainlp.{name}": name for name in SUBPACKAGES}}


def packages() -> list[str]:
    found = []
    for name, folder in ROOTS.items():
        for init in sorted((HERE / folder).rglob("__init__.py")):
            rel = init.parent.relative_to(HERE / folder).parts
            found.append(".".join((name, *rel)))
    return found


setup(package_dir=ROOTS, packages=packages())
