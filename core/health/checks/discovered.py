"""Problems that discovery proves while it looks (a stub it refused to run, a stale registry
entry, an environment folder without its metadata) turned into findings."""

from __future__ import annotations

from collections.abc import Iterator

from ainlp.core.health.checks.venv import _from_discovery
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.health.registry import health_check


@health_check(
    "conda.no-interpreter", severity=Severity.WARNING, topics=("conda",), fix="cleanup",
    title="A conda environment without Python",
    explanation="The folder has conda-meta (it is a conda environment) but no python "
                "executable: it was created without python, or python was removed from it.",
    why="Tools that pick it as an interpreter (editors, `conda run python`) fail; often it "
        "is an abandoned environment taking disk space.",
    repair="`cleanup` forgets it (and, confirmed, removes it); or `conda install -n NAME "
           "python` makes it a Python environment again.",
)
def conda_no_interpreter(ctx: CheckContext) -> Iterator[Finding]:
    yield from _from_discovery(ctx, "conda.no-interpreter")


@health_check(
    "venv.cfg-missing", severity=Severity.ERROR, topics=("venv",), fix="rebuild",
    title="A venv without pyvenv.cfg",
    explanation="The folder has a venv's layout (bin/python, lib/pythonX.Y/site-packages) but "
                "no pyvenv.cfg, so Python does not know it is a virtual environment.",
    why="Its python runs as the base interpreter: installs go to the base, and imports miss "
        "the venv's packages.",
    repair="`rebuild` recreates the environment with the same Python and reinstalls its "
           "packages.",
)
def venv_cfg_missing(ctx: CheckContext) -> Iterator[Finding]:
    yield from _from_discovery(ctx, "venv.cfg-missing")


@health_check(
    "windows.store-stub", severity=Severity.WARNING, topics=("path", "windows"),
    title="The Microsoft Store python stub",
    explanation="python.exe in %LOCALAPPDATA%\\Microsoft\\WindowsApps is an App Execution "
                "Alias with no Store Python installed behind it: it opens the Store.",
    why="Anything that runs `python` from that folder gets no interpreter.",
    repair="No automatic repair: install Python, or turn the alias off in Settings > Apps > "
           "App execution aliases.",
)
def windows_store_stub(ctx: CheckContext) -> Iterator[Finding]:
    yield from _from_discovery(ctx, "windows.store-stub")


@health_check(
    "windows.registry-stale", severity=Severity.WARNING, topics=("windows",), fix="cleanup",
    title="A registry entry for a Python that is gone",
    explanation="A PEP 514 registry entry (Software\\Python\\<Company>\\<Tag>) names an "
                "install folder that no longer exists.",
    why="The `py` launcher and editors offer an interpreter that cannot start.",
    repair="`cleanup` forgets it; the entry itself is removed by repairing or uninstalling "
           "that Python in Windows' Apps settings.",
)
def windows_registry_stale(ctx: CheckContext) -> Iterator[Finding]:
    yield from _from_discovery(ctx, "windows.registry-stale")


@health_check(
    "macos.xcode-stub", severity=Severity.INFO, topics=("path", "macos"),
    title="/usr/bin/python3 is the developer-tools stub",
    explanation="On macOS, /usr/bin/python3 only offers to install the Command Line Tools "
                "until they are installed; AINLP does not run it.",
    why="Scripts that call /usr/bin/python3 stop at an install dialog.",
    repair="No automatic repair: install the Command Line Tools (`xcode-select --install`) or "
           "put another Python first on PATH.",
)
def xcode_stub(ctx: CheckContext) -> Iterator[Finding]:
    yield from _from_discovery(ctx, "macos.xcode-stub")
