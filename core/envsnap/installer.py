"""Building and running uv / pip commands: venv creation and installs, output captured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ainlp.core.errors import NotAvailable
from ainlp.core.process import Completed, run_process
from ainlp.core.world import World

Tool = Literal["uv", "pip"]

# passed through to installers: what locates caches, certificates, proxies and indexes
_PASS_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "UV_CACHE_DIR",
                 "XDG_CACHE_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE")
_ONLINE_ONLY = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
                "no_proxy", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CERT",
                "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX")
_STARTS: set[str] = set()
_FIXED = {
    "UV_PYTHON_DOWNLOADS": "never",  # never fetch an interpreter behind the user's back
    "UV_NO_CONFIG": "1",
    "PIP_CONFIG_FILE": "/dev/null",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PIP_NO_INPUT": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}


@dataclass(frozen=True, slots=True)
class Installer:
    tool: Tool
    uv: Path | None  # the uv binary, when tool is "uv"
    env: Mapping[str, str]  # the children's whole environment
    offline: bool
    find_links: tuple[Path, ...]


def child_env(world: World, *, offline: bool) -> dict[str, str]:
    """Only what installers need from the world, plus settings that isolate them."""
    names = _PASS_THROUGH if offline else _PASS_THROUGH + _ONLINE_ONLY
    env = {name: world.env[name] for name in names if name in world.env}
    env.update(_FIXED)
    return env


def find_uv(world: World, env: Mapping[str, str]) -> Path | None:
    """The uv binary of the `uv` package, when it is installed and starts."""
    try:
        import uv  # the PyPI package that ships the binary
    except ImportError:
        return None
    try:
        binary = uv.find_uv_bin()
    except (FileNotFoundError, OSError):
        return None
    # a binary that started once starts again: the real runner's answer is kept (saves ~7 ms
    # of a ~45 ms restore); injected runners are always asked
    if world.run is run_process and binary in _STARTS:
        return Path(binary)
    if not world.run([binary, "--version"], timeout=10.0, env=env).ok:
        return None
    if world.run is run_process:
        _STARTS.add(binary)
    return Path(binary)


def installer(world: World, tool: Tool | None, *, offline: bool,
              find_links: Sequence[Path] = ()) -> Installer:
    """uv when it runs (or `tool` says so), else python -m venv / python -m pip."""
    env = child_env(world, offline=offline)
    links = tuple(find_links)
    if tool == "pip":
        return Installer("pip", None, env, offline, links)
    binary = find_uv(world, env)
    if binary is None:
        if tool == "uv":
            raise NotAvailable("uv cannot run here (the `uv` package is missing or its binary "
                               "does not start)", hint="install ainlp's `uv` dependency")
        return Installer("pip", None, env, offline, links)
    return Installer("uv", binary, env, offline, links)


def index_args(inst: Installer) -> list[str]:
    """Local wheel folders first; the index only when online."""
    args = ["--no-index"] if inst.offline else []
    for folder in inst.find_links:
        args += ["--find-links", str(folder)]
    return args


def venv_argv(inst: Installer, python: Path, prefix: Path, *, seed: bool) -> list[str]:
    if inst.uv is not None:
        argv = [str(inst.uv), "venv", "--no-project", "--python", str(python)]
        if seed:
            argv += ["--seed", *index_args(inst)]
        return [*argv, str(prefix)]
    # the fallback needs pip inside to install anything: ensurepip's bundled wheel, offline
    return [str(python), "-m", "venv", *([] if seed else ["--without-pip"]), str(prefix)]


def install_argv(inst: Installer, target: Path, requirements: Sequence[str]) -> list[str]:
    """Exactly these requirements into the environment of `target` (no dependency resolution:
    a snapshot already lists every distribution)."""
    if inst.uv is not None:
        head = [str(inst.uv), "pip", "install", "--python", str(target), "--no-deps"]
    else:
        head = [str(target), "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
                "--no-input"]
    return [*head, *index_args(inst), *requirements]


def uninstall_argv(target: Path, names: Sequence[str]) -> list[str]:
    return [str(target), "-m", "pip", "uninstall", "--yes", *names]


def run(world: World, inst: Installer, argv: Sequence[str], *, timeout: float,
        cwd: Path | None = None) -> Completed:
    return world.run(argv, timeout=timeout, env=inst.env,
                     cwd=str(cwd) if cwd is not None else None)


def tail(done: Completed, lines: int = 12) -> str:
    """The last lines a child wrote to stderr (stdout when stderr is empty), or why it stopped."""
    if done.start_error:
        return done.start_error
    text = done.stderr.strip() or done.stdout.strip()
    last = "\n".join(text.splitlines()[-lines:])
    if done.timed_out:
        return (last + "\n" if last else "") + "(stopped: time limit reached)"
    return last
