"""Problems that discovery proves while it looks (a link it followed, a probe it ran, a stub
it refused to run, a stale registry entry) turned into findings: one relay per problem id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ainlp.core import foreign
from ainlp.core.health.checks._common import subject_of
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.health.registry import CheckFunc, get_check, health_check


class _Relay(NamedTuple):
    id: str
    severity: Severity
    topics: tuple[str, ...]
    fix: str | None
    title: str
    explanation: str
    why: str
    repair: str


_RELAYS = (
    _Relay(
        "env.missing", Severity.WARNING, ("venv", "conda"), "cleanup",
        "An environment AINLP knew is gone",
        "The state database records an environment at this folder (it was found, backed up or "
        "made active before), and the folder no longer exists.",
        "Whatever chose it (an editor setting, a project's active environment, a script) now "
        "points at nothing.",
        "`ainlp cleanup` forgets it; `ainlp restore` recreates it from its latest snapshot.",
    ),
    _Relay(
        "env.no-interpreter", Severity.ERROR, ("venv", "conda"), "rebuild",
        "An environment without an interpreter",
        "The environment folder (a venv's pyvenv.cfg, a conda env's conda-meta) is there, but "
        "no python executable is in it.",
        "Nothing in the environment can run.",
        "`rebuild` recreates the environment; `ainlp cleanup` forgets or removes it.",
    ),
    _Relay(
        "env.dangling-interpreter", Severity.ERROR, ("venv", "conda"), "rebuild",
        "The environment's python is a dangling link",
        "bin/python is a symbolic link to a file that no longer exists (or a link loop).",
        "The environment cannot start: its Python was uninstalled or moved.",
        "`rebuild` recreates the environment with an installed Python of the same minor "
        "version and reinstalls its packages.",
    ),
    _Relay(
        "interpreter.unrunnable", Severity.ERROR, ("interpreter", "venv", "path"), "rebuild",
        "An interpreter that cannot run",
        "Asked for its version, the interpreter crashed, hung past the timeout, or printed "
        "something that is not a Python's answer.",
        "Everything that runs this interpreter (a venv, a tool, `python` on PATH) fails.",
        "`rebuild` recreates an environment on another base; a bare interpreter must be "
        "reinstalled (pyenv install, the package manager) or removed from PATH.",
    ),
    _Relay(
        "env.interpreter-unusable", Severity.ERROR, ("venv",), "rebuild",
        "The environment's python is not a program",
        "bin/python (or Scripts\\python.exe) is not a regular file with an execute bit that "
        "starts like a program (ELF, Mach-O, PE) or a script (`#!`): a link to /dev/null, a "
        "folder, an empty file, a copy that lost its x bit. AINLP judges it from its first "
        "bytes and never runs it.",
        "The environment cannot start, whatever its pyvenv.cfg says about its version.",
        "`rebuild` recreates the environment with an installed Python of the same minor "
        "version and reinstalls its packages.",
    ),
    _Relay(
        "venv.base-unreadable", Severity.WARNING, ("venv",), None,
        "The venv's base interpreter folder cannot be checked",
        "The folder named by `home` in the venv's pyvenv.cfg cannot be looked at by this user "
        "(it is inside another user's private folder, say), so AINLP cannot tell whether the "
        "venv's Python is still there.",
        "If this user cannot read the base, the venv's python cannot start for this user "
        "either.",
        "No automatic repair: run as the user who owns the base Python, or rebuild the "
        "environment on a Python this user can run.",
    ),
    _Relay(
        "conda.no-interpreter", Severity.WARNING, ("conda",), None,
        "A conda environment without Python",
        "The folder has conda-meta (it is a conda environment) but no python executable: it "
        "was created without python, or python was removed from it.",
        "Tools that pick it as an interpreter (editors, `conda run python`) fail; often it is "
        "an abandoned environment taking disk space.",
        "No automatic repair (it may be a conda environment for something else than Python): "
        "`ainlp cleanup` forgets it and, confirmed, moves it to the trash; or `conda install -n "
        "NAME python` makes it a Python environment again.",
    ),
    _Relay(
        "venv.cfg-missing", Severity.ERROR, ("venv",), "rebuild",
        "A venv without pyvenv.cfg",
        "The folder has a venv's layout (bin/python, lib/pythonX.Y/site-packages) but no "
        "pyvenv.cfg, so Python does not know it is a virtual environment.",
        "Its python runs as the base interpreter: installs go to the base, and imports miss "
        "the venv's packages.",
        "`rebuild` recreates the environment with the same Python and reinstalls its packages.",
    ),
    _Relay(
        "windows.store-stub", Severity.WARNING, ("path", "windows"), None,
        "The Microsoft Store python stub",
        "python.exe in %LOCALAPPDATA%\\Microsoft\\WindowsApps is an App Execution Alias with "
        "no Store Python installed behind it: it opens the Store.",
        "Anything that runs `python` from that folder gets no interpreter.",
        "No automatic repair: install Python, or turn the alias off in Settings > Apps > App "
        "execution aliases.",
    ),
    _Relay(
        "windows.registry-stale", Severity.WARNING, ("windows",), None,
        "A registry entry for a Python that is gone",
        "A PEP 514 registry entry (Software\\Python\\<Company>\\<Tag>) names an install folder "
        "that no longer exists.",
        "The `py` launcher and editors offer an interpreter that cannot start.",
        "No automatic repair: repair or uninstall that Python in Windows' Apps settings, which "
        "removes the entry (AINLP does not edit the registry).",
    ),
    _Relay(
        "macos.xcode-stub", Severity.INFO, ("path", "macos"), None,
        "/usr/bin/python3 is the developer-tools stub",
        "On macOS, /usr/bin/python3 only offers to install the Command Line Tools until they "
        "are installed; AINLP does not run it.",
        "Scripts that call /usr/bin/python3 stop at an install dialog.",
        "No automatic repair: install the Command Line Tools (`xcode-select --install`) or "
        "put another Python first on PATH.",
    ),
)


def _relay(id: str) -> CheckFunc:
    def check(ctx: CheckContext) -> Iterator[Finding]:
        spec = get_check(id)
        for env in ctx.environments:
            for problem in env.problems:
                if problem.id == id:
                    yield spec.finding(subject_of(env), problem.message, problem.hint)

    check.__name__ = f"relay_{id.replace('.', '_').replace('-', '_')}"
    return check


for _entry in _RELAYS:
    health_check(
        _entry.id, severity=_entry.severity, topics=_entry.topics, title=_entry.title,
        explanation=_entry.explanation, why=_entry.why, repair=_entry.repair, fix=_entry.fix,
    )(_relay(_entry.id))


@health_check(
    "discovery.unreadable", severity=Severity.WARNING, topics=("venv", "conda"),
    title="A place discovery looks in cannot be read",
    explanation="A folder where environments are kept (WORKON_HOME, ~/.virtualenvs, ~/.venvs, "
                "pipenv's folder) cannot be listed, or conda's ~/.conda/environments.txt is not "
                "a readable regular file (a FIFO, a device, too large, no permission).",
    why="The environments in it are not found, so nothing else reports on them.",
    repair="No automatic repair: give this user read and search permission on the folder "
           "(`chmod u+rx`), or replace the file with a regular one.",
)
def unreadable_places(ctx: CheckContext) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    from ainlp.core.discovery.locators.conda import environments_txt_file, environments_txt_lines
    from ainlp.core.discovery.locators.virtualenvs import unreadable_folders

    spec = get_check("discovery.unreadable")
    for folder, why in unreadable_folders(ctx.world):
        yield spec.finding(str(folder), f"{folder} cannot be listed ({why}): the environments "
                           "in it are not found", "Give this user read and search permission "
                           f"on it (chmod u+rx {folder}) or remove it.")
    _, error = environments_txt_lines(ctx.world)
    if error is not None:
        path = environments_txt_file(ctx.world)
        yield spec.finding(str(path), f"{path} cannot be read: {error.removeprefix('is ')}",
                           f"Replace {path} with a regular text file (conda rewrites it).")


@health_check(
    "conda.environments-txt-stale", severity=Severity.INFO, topics=("conda",),
    title="conda's environments.txt lists environments that are gone",
    explanation="A line of ~/.conda/environments.txt names a folder that is not a conda "
                "environment (any more), or is not a path at all (a NUL byte, too long).",
    why="conda and editors that read the list offer environments that cannot be used.",
    repair="No automatic repair: `conda env list` prunes entries that are gone; or delete the "
           "lines by hand.",
)
def environments_txt_stale(ctx: CheckContext) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    from ainlp.core.discovery.locators.conda import environments_txt_file, environments_txt_lines
    from ainlp.core.discovery.locators.conda_meta import is_conda_env

    spec = get_check("conda.environments-txt-stale")
    path = environments_txt_file(ctx.world)
    lines, _ = environments_txt_lines(ctx.world)
    for number, prefix, bad in lines:
        if prefix is None:
            yield spec.finding(f"{path}:{number}", f"line {number} of {path} is not a path: "
                               f"{bad}", f"Delete line {number} of {path}.")
        elif not is_conda_env(prefix):
            what = "is not a conda environment" if foreign.exists(prefix) else "does not exist"
            yield spec.finding(str(prefix), f"{prefix} (line {number} of {path}) {what}",
                               f"Delete line {number} of {path}, or run `conda env list`.")
