"""How a person gets a missing Python on this OS: pyenv, uv, the system's packages."""

from __future__ import annotations

from ainlp.core.versions import PyVersion


def minor_of(version: str) -> str:
    return PyVersion(version).minor or version


def install_commands(version: str, platform: str, installed_by: str = "unknown") -> list[str]:
    """Commands that install Python `version`, the way it was installed first."""
    minor = minor_of(version)
    found = PyVersion(version)
    exact = version if len(found.release) == 3 and not found.suffix else minor
    pyenv = f"pyenv install {exact}"
    uv = f"uv python install {exact}"
    if platform == "win32":
        system = [f"py install {minor}", f"winget install Python.Python.{minor}"]
    elif platform == "darwin":
        system = [f"brew install python@{minor}"]
    else:
        system = [f"sudo apt install python{minor} python{minor}-venv",
                  f"sudo dnf install python{minor}"]
    if installed_by == "uv":
        order = [uv, pyenv, *system]
    elif installed_by in ("system", "homebrew"):
        order = [*system, pyenv, uv]
    elif installed_by == "conda":
        order = [f"conda create -n py{minor.replace('.', '')} python={exact}", pyenv, uv]
    else:
        order = [pyenv, uv, *system]
    return order
