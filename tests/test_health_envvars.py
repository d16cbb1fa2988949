"""Environment-variable and pip-configuration checks: trigger and healthy worlds."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_venv, make_world, write
from test_health_support import EMPTY, ids, run_one


def test_pythonhome(tmp_path: Path) -> None:
    found = run_one(make_world(tmp_path, env={"PYTHONHOME": str(tmp_path / "gone")}),
                    "env.pythonhome-set", inventory=EMPTY)
    assert [(f.id, f.severity.value) for f in found] == [("env.pythonhome-set", "error")]
    found = run_one(make_world(tmp_path, env={"PYTHONHOME": str(tmp_path)}),
                    "env.pythonhome-set", inventory=EMPTY)
    assert [(f.id, f.severity.value) for f in found] == [("env.pythonhome-set", "warning")]
    assert ids(make_world(tmp_path), "env.pythonhome-set", inventory=EMPTY) == set()


def test_pythonpath(tmp_path: Path) -> None:
    world = make_world(tmp_path, env={"PYTHONPATH": str(tmp_path)})
    assert ids(world, "env.pythonpath-set", inventory=EMPTY) == {"env.pythonpath-set"}
    assert ids(make_world(tmp_path), "env.pythonpath-set", inventory=EMPTY) == set()


def test_stale_virtual_env(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "v")
    cases = {
        "gone": make_world(tmp_path, env={"VIRTUAL_ENV": str(tmp_path / "gone")}),
        "not a venv": make_world(tmp_path, env={"VIRTUAL_ENV": str(tmp_path)}),
        "not on PATH": make_world(tmp_path, env={"VIRTUAL_ENV": str(venv)}),
    }
    for label, world in cases.items():
        assert ids(world, "env.stale-virtual-env", inventory=EMPTY) == {
            "env.stale-virtual-env"}, label
    active = make_world(tmp_path, path=[venv / "bin"], env={"VIRTUAL_ENV": str(venv)})
    assert ids(active, "env.stale-virtual-env", inventory=EMPTY) == set()


def test_stale_conda_prefix(tmp_path: Path) -> None:
    env = tmp_path / "conda" / "envs" / "x"
    (env / "conda-meta").mkdir(parents=True)
    stale = make_world(tmp_path, env={"CONDA_PREFIX": str(tmp_path / "conda" / "envs" / "y")})
    assert ids(stale, "env.stale-conda-prefix", inventory=EMPTY) == {"env.stale-conda-prefix"}
    fine = make_world(tmp_path, env={"CONDA_PREFIX": str(env)})
    assert ids(fine, "env.stale-conda-prefix", inventory=EMPTY) == set()


@pytest.mark.parametrize("env", [{"PIP_TARGET": "/tmp/t"}, {"PIP_PREFIX": "/tmp/p"},
                                 {"PIP_USER": "1"}, {"PIP_USER": "true"}])
def test_install_redirected_by_variables(tmp_path: Path, env: dict[str, str]) -> None:
    world = make_world(tmp_path, env=env)
    assert ids(world, "pip.install-redirected", inventory=EMPTY) == {"pip.install-redirected"}


@pytest.mark.parametrize("where", ["home/.config/pip/pip.conf", "home/.pip/pip.conf",
                                   "root/etc/pip.conf", "root/etc/xdg/pip/pip.conf"])
@pytest.mark.parametrize("setting", ["[install]\ntarget = /opt/libs\n",
                                     "[global]\nprefix = /opt\n", "[install]\nuser = yes\n"])
def test_install_redirected_by_config(tmp_path: Path, where: str, setting: str) -> None:
    write(tmp_path / where, setting)
    world = make_world(tmp_path)
    assert ids(world, "pip.install-redirected", inventory=EMPTY) == {"pip.install-redirected"}


def test_install_not_redirected(tmp_path: Path) -> None:
    write(tmp_path / "home/.config/pip/pip.conf", "[global]\nindex-url = https://x/simple\n"
          "[install]\nuser = false\n")
    world = make_world(tmp_path, env={"PIP_USER": "0"})
    assert ids(world, "pip.install-redirected", inventory=EMPTY) == set()
    # PIP_CONFIG_FILE=/dev/null switches every file off
    write(tmp_path / "home/.pip/pip.conf", "[install]\ntarget = /x\n")
    off = make_world(tmp_path, env={"PIP_CONFIG_FILE": "/dev/null"})
    assert ids(off, "pip.install-redirected", inventory=EMPTY) == set()


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "PIP_CERT",
                                      "CURL_CA_BUNDLE", "SSL_CERT_DIR"])
def test_ca_bundle_missing(tmp_path: Path, variable: str) -> None:
    world = make_world(tmp_path, env={variable: str(tmp_path / "missing.pem")})
    found = run_one(world, "ssl.ca-bundle-missing", inventory=EMPTY)
    assert [(f.id, f.severity.value) for f in found] == [("ssl.ca-bundle-missing", "error")]
    bundle = write(tmp_path / "ca.pem", "-----BEGIN CERTIFICATE-----\n")
    value = str(tmp_path) if variable == "SSL_CERT_DIR" else str(bundle)
    assert ids(make_world(tmp_path, env={variable: value}), "ssl.ca-bundle-missing",
               inventory=EMPTY) == set()


def test_ca_bundle_from_pip_config(tmp_path: Path) -> None:
    write(tmp_path / "home/.config/pip/pip.conf", "[global]\ncert = ~/corp-ca.pem\n")
    world = make_world(tmp_path)
    assert ids(world, "ssl.ca-bundle-missing", inventory=EMPTY) == {"ssl.ca-bundle-missing"}
    write(tmp_path / "home" / "corp-ca.pem", "pem")
    assert ids(world, "ssl.ca-bundle-missing", inventory=EMPTY) == set()
