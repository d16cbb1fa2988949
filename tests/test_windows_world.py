"""Windows correctness on any host: a win32 World splits its variables with ";", evaluates
markers with its own OS facts, and a Windows timeout ends the program's whole tree."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ainlp.core.discovery.records import EnvKind, EnvRecord
from ainlp.core.packages.conflicts import full_version, marker_environment
from ainlp.core.process import _end_windows_tree
from ainlp.core.versions import PyVersion
from ainlp.core.world import MachineFacts, World
from conftest import make_world
from test_health_support import EMPTY, ids, run_one


def win32(world: World, **env: str) -> World:
    return replace(world.with_env(**env), platform="win32")


def test_a_win32_world_splits_path_variables_with_semicolons(tmp_path: Path) -> None:
    world = win32(make_world(tmp_path), PATH=r"C:\Python312;C:\Windows;;D:\tools")
    assert world.pathsep == ";"
    assert world.path_dirs == [Path(r"C:\Python312"), Path(r"C:\Windows"), Path(r"D:\tools")]
    assert replace(world, platform="linux").split_paths("/a:/b") == ["/a", "/b"]


def test_envvar_checks_split_with_the_world_s_separator(tmp_path: Path) -> None:
    base = make_world(tmp_path)
    here, gone = str(tmp_path), str(tmp_path / "gone")
    # one CA folder of two exists: fine, once split at ";"
    assert ids(win32(base, SSL_CERT_DIR=f"{gone};{here}"), "ssl.ca-bundle-missing",
               inventory=EMPTY) == set()
    assert ids(win32(base, SSL_CERT_DIR=f"{gone};{gone}"), "ssl.ca-bundle-missing",
               inventory=EMPTY) == {"ssl.ca-bundle-missing"}
    # PYTHONHOME's first entry exists: a warning, not the error of a missing folder
    found = run_one(win32(base, PYTHONHOME=f"{here};{gone}"), "env.pythonhome-set",
                    inventory=EMPTY)
    assert [f.severity.value for f in found] == ["warning"]
    found = run_one(win32(base, PYTHONPATH=f"{here};{here}"), "env.pythonpath-set",
                    inventory=EMPTY)
    assert len(found) == 1 and "do not exist" not in found[0].message


def test_markers_of_a_win32_world_are_windows_not_the_host(tmp_path: Path) -> None:
    world = win32(make_world(tmp_path))
    record = EnvRecord(EnvKind.VENV, tmp_path / "v", tmp_path / "v" / "python.exe",
                       version=PyVersion("3.12.1+"))
    values = marker_environment(world, record)
    assert {k: values[k] for k in ("sys_platform", "os_name", "platform_system",
                                   "platform_machine", "platform_release", "platform_version",
                                   "python_version", "python_full_version")} == {
        "sys_platform": "win32", "os_name": "nt", "platform_system": "Windows",
        "platform_machine": "", "platform_release": "", "platform_version": "",
        "python_version": "3.12", "python_full_version": "3.12.1"}
    facts = MachineFacts("Windows", "AMD64", "11", "10.0.22631")
    values = marker_environment(replace(world, machine_facts=facts), replace(record, arch="ARM64"))
    assert (values["platform_machine"], values["platform_release"],
            values["platform_version"]) == ("ARM64", "11", "10.0.22631")


def test_full_version_for_markers() -> None:
    assert [full_version(v) for v in ("3.10.14+", "3.12", "3.13.0rc1", "3.13-dev", "x", None)] == [
        "3.10.14", "3.12.0", "3.13.0rc1", "3.13.0", None, None]


def test_a_windows_timeout_ends_the_whole_tree() -> None:
    calls: list[object] = []

    def kill() -> None:
        calls.append("kill")
        raise OSError("already gone")  # taskkill ended it first

    _end_windows_tree(4242, kill, calls.append)
    assert calls == [["taskkill", "/T", "/F", "/PID", "4242"], "kill"]

