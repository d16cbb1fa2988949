"""Lists the packages under each mapped folder, so a new subpackage never needs a pyproject edit."""

from pathlib import Path

from setuptools import setup

ROOTS = {
    "ainlp": "ainlp",
    "ainlp.core": "core",
    "ainlp.actions": "actions",
    "ainlp.grammar": "grammar",
}


def packages() -> list[str]:
    found = []
    for name, folder in ROOTS.items():
        base = Path(__file__).parent / folder
        for init in sorted(base.rglob("__init__.py")):
            rel = init.parent.relative_to(base).parts
            found.append(".".join((name, *rel)))
    return found


setup(packages=packages())
