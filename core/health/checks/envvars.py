"""Checks of environment variables and pip configuration that change what Python does."""

from __future__ import annotations

import configparser
import os
from collections.abc import Iterator
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.health.checks._common import bin_dir, same_dir
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.health.registry import CheckSpec, health_check
from ainlp.core.world import World

_TRUE = frozenset({"1", "true", "yes", "on"})
_CA_FILE_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "PIP_CERT", "CURL_CA_BUNDLE")


@health_check("env.pythonhome-set")
def pythonhome_set(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    value = ctx.world.env.get("PYTHONHOME")
    if not value or not ctx.machine_wide:
        return
    home = (ctx.world.split_paths(value) or [value])[0]
    if not foreign.is_dir(Path(home)):
        yield spec.finding("PYTHONHOME", f"PYTHONHOME={value} names a folder that does not exist",
                           "unset PYTHONHOME (and remove it from your shell rc file)",
                           severity=Severity.ERROR)
    else:
        yield spec.finding("PYTHONHOME", f"PYTHONHOME={value} steers every Python to one stdlib",
                           "unset PYTHONHOME unless one embedded Python needs it")


@health_check("env.pythonpath-set")
def pythonpath_set(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    value = ctx.world.env.get("PYTHONPATH")
    if not value or not ctx.machine_wide:
        return
    parts = ctx.world.split_paths(value)
    missing = [p for p in parts if not foreign.exists(Path(p))]
    detail = f" ({len(missing)} of its folders do not exist)" if missing else ""
    yield spec.finding("PYTHONPATH", f"PYTHONPATH={value} is added to every Python{detail}",
                       "install the code as a package and unset PYTHONPATH")


@health_check("env.stale-virtual-env")
def stale_virtual_env(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    value = ctx.world.env.get("VIRTUAL_ENV")
    if not value or not ctx.machine_wide:
        return
    prefix = Path(value)
    folder = bin_dir(prefix, ctx.world.platform)
    if not foreign.is_dir(prefix):
        problem = "does not exist"
    elif not foreign.is_file(prefix / "pyvenv.cfg"):
        problem = "is not a virtual environment (no pyvenv.cfg)"
    elif not any(same_dir(d, folder) for d in ctx.world.path_dirs):
        problem = f"is not active: {folder} is not on PATH"
    else:
        return
    yield spec.finding("VIRTUAL_ENV", f"VIRTUAL_ENV={value} {problem}",
                       "unset VIRTUAL_ENV, or activate the environment again")


@health_check("env.stale-conda-prefix")
def stale_conda_prefix(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    value = ctx.world.env.get("CONDA_PREFIX")
    if not value or not ctx.machine_wide:
        return
    prefix = Path(value)
    if foreign.is_dir(prefix) and foreign.is_dir(prefix / "conda-meta"):
        return
    problem = "does not exist" if not foreign.is_dir(prefix) else "is not a conda environment"
    yield spec.finding(
        "CONDA_PREFIX", f"CONDA_PREFIX={value} {problem}",
        "conda deactivate, or unset CONDA_PREFIX")


def pip_config_files(world: World) -> list[Path]:
    """pip's configuration files in the order pip reads them (later ones win)."""
    env = world.env
    if env.get("PIP_CONFIG_FILE") == os.devnull:
        return []
    files: list[Path] = []
    if world.platform == "win32":
        if env.get("ProgramData"):
            files.append(Path(env["ProgramData"]) / "pip" / "pip.ini")
        if env.get("APPDATA"):
            files.append(Path(env["APPDATA"]) / "pip" / "pip.ini")
        files.append(world.home / "pip" / "pip.ini")
    else:
        xdg_dirs = env.get("XDG_CONFIG_DIRS", "/etc/xdg").split(":")
        files += [world.system_path(d) / "pip" / "pip.conf" for d in xdg_dirs if d]
        files.append(world.system_path("/etc/pip.conf"))
        files.append(world.home / ".pip" / "pip.conf")
        if world.platform == "darwin":
            files.append(world.home / "Library" / "Application Support" / "pip" / "pip.conf")
        config = env.get("XDG_CONFIG_HOME")
        files.append((Path(config) if config else world.home / ".config") / "pip" / "pip.conf")
    if env.get("VIRTUAL_ENV"):
        name = "pip.ini" if world.platform == "win32" else "pip.conf"
        files.append(Path(env["VIRTUAL_ENV"]) / name)
    if env.get("PIP_CONFIG_FILE"):
        files.append(Path(env["PIP_CONFIG_FILE"]))
    return [f for f in files if foreign.is_file(f)]


def pip_config_values(world: World) -> dict[str, tuple[str, str]]:
    """Settings of [global] and [install] in pip's files: key -> (value, where it was set)."""
    values: dict[str, tuple[str, str]] = {}
    for path in pip_config_files(world):
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error):
            continue
        for section in ("global", "install"):
            if parser.has_section(section):
                for key, value in parser.items(section):
                    values[key.replace("_", "-")] = (value.strip(), str(path))
    return values


@health_check("pip.install-redirected")
def install_redirected(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    env = ctx.world.env
    for variable in ("PIP_TARGET", "PIP_PREFIX"):
        if env.get(variable):
            yield spec.finding(variable, f"{variable}={env[variable]} redirects every pip install",
                               f"unset {variable}")
    if env.get("PIP_USER", "").lower() in _TRUE:
        yield spec.finding("PIP_USER", "PIP_USER makes every pip install a --user install",
                           "unset PIP_USER")
    config = pip_config_values(ctx.world)
    for key in ("target", "prefix"):
        if key in config and config[key][0]:
            value, where = config[key]
            yield spec.finding(where, f"{where} sets {key} = {value} for every pip install",
                               f"remove `{key}` from {where}")
    if "user" in config and config["user"][0].lower() in _TRUE:
        where = config["user"][1]
        yield spec.finding(where, f"{where} sets user = true for every pip install",
                           f"remove `user` from {where}")


@health_check("ssl.ca-bundle-missing")
def ca_bundle_missing(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    env = ctx.world.env
    for variable in _CA_FILE_VARIABLES:
        value = env.get(variable)
        if value and not foreign.is_file(Path(value)):
            yield spec.finding(variable, f"{variable}={value} does not exist",
                               f"point {variable} at an existing CA bundle, or unset it")
    cert_dir = env.get("SSL_CERT_DIR")
    if cert_dir and not any(foreign.is_dir(Path(d)) for d in ctx.world.split_paths(cert_dir)):
        yield spec.finding("SSL_CERT_DIR", f"SSL_CERT_DIR={cert_dir} does not exist",
                           "point SSL_CERT_DIR at an existing folder, or unset it")
    cert = pip_config_values(ctx.world).get("cert")
    if cert and cert[0] and not foreign.is_file(ctx.world.expand(cert[0])):
        yield spec.finding(cert[1], f"{cert[1]} sets cert = {cert[0]}, which does not exist",
                           f"fix or remove `cert` in {cert[1]}")
