"""conda, mamba and micromamba: installs, their envs/, configured envs_dirs, environments.txt."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery.locators import register_locator
from ainlp.core.discovery.locators.conda_meta import (
    conda_binary_on_path,
    conda_envs_of_install,
    conda_install_of,
    conda_package,
    find_conda_manager,
    install_of_tool,
    is_conda_env,
    is_conda_install,
    mamba_binary_on_path,
)
from ainlp.core.discovery.locators.condarc import CondaRc, read_condarc
from ainlp.core.discovery.locators.pyenv import pyenv_root
from ainlp.core.discovery.records import EnvKind, EnvRecord, Manager, Problem
from ainlp.core.discovery.resolve import dangling_interpreter, executable_in, prefix_of_executable
from ainlp.core.world import World

# Folder names the installers suggest (in HOME, /opt, /usr/local, /usr/share); versioned
# variants such as anaconda3-2023.03 start with the same names.
_INSTALL_NAMES = ("anaconda", "miniconda", "miniforge", "mambaforge", "micromamba", "conda")
_SYSTEM_PARENTS = ("/opt", "/usr/local", "/usr/share")


def conda_record(prefix: Path, found_by: str, *, in_envs_dir: bool = False,
                 platform: str = "linux") -> EnvRecord:
    """A conda prefix from its files: version and arch from conda-meta, manager, name.

    The name is "base" for an install, the folder name for an env in an envs folder
    (`in_envs_dir`: a configured envs_dirs entry), none for an env made elsewhere with
    `-p` by a known install, and the folder name when no install is known (as PET does).
    """
    executable = executable_in(prefix, platform)
    install = conda_install_of(prefix)
    python = conda_package(prefix, "python") if executable is not None else None
    record = EnvRecord(
        kind=EnvKind.CONDA,
        prefix=prefix,
        executable=executable,
        version=python.version if python else None,
        name=_name(prefix, install, in_envs_dir),
        implementation=("pypy" if "pypy" in python.build else "cpython") if python else None,
        found_by=(found_by,),
        manager=find_conda_manager(prefix),
        arch=python.arch if python else None,
        version_source="conda-meta" if python else None,
        extra=(("conda_install", str(install)),) if install is not None else (),
    )
    return _check_interpreter(record)


def _name(prefix: Path, install: Path | None, in_envs_dir: bool) -> str | None:
    if is_conda_install(prefix):
        return "base"
    if in_envs_dir or prefix.parent.name == "envs":
        return prefix.name
    if install is not None and not prefix.is_relative_to(install):
        return None  # made with -p elsewhere: only its path names it
    return prefix.name


def _check_interpreter(record: EnvRecord) -> EnvRecord:
    exe = record.executable
    if exe is None:
        recorded = conda_package(record.prefix, "python")
        detail = (f"conda-meta records python {recorded.version}, but" if recorded
                  else "conda-meta lists no python and")
        return record.with_problem(Problem(
            "conda.no-interpreter",
            f"{detail} there is no python executable in {record.prefix}",
            f"Install Python into it (conda install -p {record.prefix} python) or remove it "
            f"(conda env remove -p {record.prefix})."))
    hint = f"Reinstall Python into it: conda install -p {record.prefix} --force-reinstall python."
    problem = dangling_interpreter(exe, hint)
    return record.with_problem(problem) if problem else record


def condarc_envs_dirs(world: World, rc: CondaRc | None = None) -> list[Path]:
    """Folders holding named envs: configured envs_dirs, then conda's per-user default."""
    rc = rc if rc is not None else read_condarc(world)
    return list(dict.fromkeys([*rc.envs_dirs, world.home / ".conda" / "envs"]))


def environments_txt(world: World) -> list[Path]:
    """conda's own list of every env it created (~/.conda/environments.txt); lines that are
    not paths (a NUL, over-long) are left out (`environments_txt_lines` tells them)."""
    lines, _ = environments_txt_lines(world)
    return [path for _, path, bad in lines if path is not None and bad is None]


def environments_txt_file(world: World) -> Path:
    return world.home / ".conda" / "environments.txt"


def environments_txt_lines(
    world: World,
) -> tuple[list[tuple[int, Path | None, str | None]], str | None]:
    """([(line number, path or None, why the line is bad data or None)], why the file cannot
    be read or None); no file is ([], None)."""
    read = foreign.read_text(environments_txt_file(world), "environments.txt")
    if read.text is None:
        return [], None if read.missing else read.error
    found: list[tuple[int, Path | None, str | None]] = []
    for number, line in enumerate(read.text.splitlines(), 1):
        text = line.strip()
        if not text:
            continue
        bad = foreign.bad_path(text)
        found.append((number, None if bad else Path(text), bad))
    return found, None


def install_candidates(world: World) -> list[Path]:
    """Folders that may be conda installs (or micromamba roots), cheapest evidence first."""
    env = world.env
    found: list[Path] = []
    for tool in (conda_binary_on_path(world), mamba_binary_on_path(world),
                 *(Path(env[k]) for k in ("CONDA_EXE", "MAMBA_EXE") if env.get(k))):
        install = install_of_tool(tool) if tool is not None else None
        if install is not None:
            found.append(install)
    if env.get("CONDA_PYTHON_EXE"):
        found.append(prefix_of_executable(Path(env["CONDA_PYTHON_EXE"])))
    found += [Path(env[k]) for k in ("CONDA_ROOT", "MAMBA_ROOT_PREFIX") if env.get(k)]
    found += _named_installs(world.home)
    found += [world.home / ".local" / "share" / "mamba", world.home / "opt"]
    found += _named_installs(world.home / "opt")  # macOS installers' default
    for parent in _SYSTEM_PARENTS:
        found += _named_installs(world.system_path(parent))
    found += _pyenv_conda_installs(world)
    return list(dict.fromkeys(found))


def _named_installs(parent: Path) -> list[Path]:
    return [p for p in foreign.subdirs(parent)
            if p.name.lower().lstrip(".").startswith(_INSTALL_NAMES)]


def _pyenv_conda_installs(world: World) -> list[Path]:
    versions = pyenv_root(world) / "versions"
    return sorted(versions / name for name in foreign.listdir(versions)[0]
                  if is_conda_env(versions / name))


@register_locator("conda")
class CondaLocator:
    name = "conda"

    def locate(self, world: World) -> Iterator[EnvRecord]:
        seen: set[Path] = set()
        named: set[Path] = set()
        for folder in condarc_envs_dirs(world):
            named.update(_children(folder))
        queue: deque[Path] = deque()
        rootless: set[Path] = set()  # envs of a micromamba root, which has no base env
        candidates = install_candidates(world)
        listed = set(candidates)
        for install in candidates:
            envs = conda_envs_of_install(install)
            queue += envs
            if not is_conda_env(install):
                rootless.update(envs)
        queue += sorted(named)
        queue += environments_txt(world)
        if world.env.get("CONDA_PREFIX"):
            queue.append(Path(world.env["CONDA_PREFIX"]))
        mamba = _micromamba(world) if rootless else None
        while queue:
            prefix = queue.popleft()
            key = foreign.real(prefix)
            if key in seen or not is_conda_env(prefix):
                continue
            seen.add(key)
            record = conda_record(prefix, self.name, in_envs_dir=prefix in named,
                                  platform=world.platform)
            if record.manager is None and prefix in rootless and mamba is not None:
                record = replace(record, manager=mamba)
            yield record
            owner = conda_install_of(prefix)
            if owner is not None and owner not in listed:
                listed.add(owner)
                queue += conda_envs_of_install(owner)


def _micromamba(world: World) -> Manager | None:
    """The micromamba (or mamba) that owns a root prefix: $MAMBA_EXE, else the one on PATH."""
    configured = world.env.get("MAMBA_EXE")
    if configured and foreign.exists(Path(configured)):
        return Manager("mamba", Path(configured))
    found = mamba_binary_on_path(world)
    return Manager("mamba", found) if found is not None else None


def _children(folder: Path) -> Iterable[Path]:
    return [p for p in foreign.subdirs(folder) if is_conda_env(p)]


__all__ = [
    "CondaLocator",
    "CondaRc",
    "conda_envs_of_install",
    "conda_package",
    "conda_record",
    "condarc_envs_dirs",
    "environments_txt",
    "environments_txt_file",
    "environments_txt_lines",
    "find_conda_manager",
    "install_candidates",
    "read_condarc",
]
