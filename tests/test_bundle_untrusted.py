"""A bundle is untrusted input: every bad part is refused with BadInput naming the file and
the problem, before anything is written. Also: the plan of a bundle whose Python is missing,
and export's refusal to write into a folder that holds something."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path
from typing import Any

import pytest
from ainlp.core.errors import BadInput

import ainlp
from tests.conftest import make_world


def manifest(**changes: Any) -> dict[str, Any]:
    env: dict[str, Any] = {
        "id": "01-one", "folder": "environments/01-one", "kind": "venv", "name": "one",
        "location": "~/.virtualenvs/one",
        "python": {"version": "3.99.1", "implementation": "cpython", "installed_by": "pyenv",
                   "base_executable": None},
        "has_pip": False, "requirements": "environments/01-one/requirements.txt",
        "pylock": None, "pylock_missing": ["alpha"], "project": None,
        "distributions": [{"name": "alpha", "version": "1.0"}],
    }
    env.update(changes.pop("env", {}))
    doc: dict[str, Any] = {"schema": "ainlp.bundle", "version": 1,
                           "created": "2026-11-27T00:00:00Z", "platform": "linux",
                           "home": "/home/old", "environments": [env], "active": [],
                           "state_db": None, "wheels": None, "backup": None}
    doc.update(changes)
    return doc


def write_bundle(folder: Path, doc: dict[str, Any] | None = None,
                 requirements: str = "alpha==1.0\n") -> Path:
    (folder / "environments" / "01-one").mkdir(parents=True)
    (folder / "environments" / "01-one" / "requirements.txt").write_text(requirements)
    (folder / "manifest.json").write_text(json.dumps(doc if doc is not None else manifest()))
    return folder


def refused(tmp_path: Path, bundle: Path, *words: str) -> str:
    world = make_world(tmp_path)
    with pytest.raises(BadInput) as caught:
        ainlp.import_bundle(str(bundle), apply=True, world=world)
    message = caught.value.message
    for word in words:
        assert word in message, message
    assert not world.state_dir.exists()  # nothing written, not even the state folder
    assert not (world.home / ".virtualenvs").exists()
    return message


@pytest.mark.parametrize(("env", "problem"), [
    ({"location": "~/../../etc/evil"}, "'..'"),
    ({"location": "/etc/cron.d/x"}, "system folder"),
    ({"location": "~root/x"}, "neither under HOME"),
    ({"folder": "../outside"}, "not a path inside the bundle"),
    ({"requirements": "/etc/passwd"}, "not a path inside the bundle"),
    ({"distributions": [{"name": "--index-url", "version": "1.0"}]}, "PEP 508"),
    ({"distributions": [{"name": "alpha", "version": "1.0; rm -rf /"}]}, "PEP 440"),
    ({"python": {"version": "3.12.1", "base_executable": "relative/python"}},
     "neither under HOME"),
])
def test_bad_manifest_values_are_refused(tmp_path: Path, env: dict[str, Any],
                                         problem: str) -> None:
    bundle = write_bundle(tmp_path / "b", manifest(env=env))
    refused(tmp_path, bundle, "manifest.json", problem)


def test_a_newer_manifest_version_is_refused(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b", manifest(version=7))
    refused(tmp_path, bundle, "manifest.json", "version 7 is newer")


@pytest.mark.parametrize("version", [0, "1", None])
def test_a_bad_manifest_version_is_refused(tmp_path: Path, version: object) -> None:
    bundle = write_bundle(tmp_path / "b", manifest(version=version))
    refused(tmp_path, bundle, "manifest.json", "version")


def test_not_json_and_no_manifest_are_refused(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    (bundle / "manifest.json").write_text("{not json")
    refused(tmp_path, bundle, "manifest.json", "not JSON")
    (bundle / "manifest.json").unlink()
    refused(tmp_path, bundle, "manifest.json", "missing")


def test_an_oversized_manifest_is_refused_unread(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    with open(bundle / "manifest.json", "r+b") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)  # sparse: nothing to fill
    refused(tmp_path, bundle, "manifest.json", "larger than")


def test_a_symlink_inside_the_bundle_is_refused(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    os.symlink("/etc/passwd", bundle / "environments" / "01-one" / "extra.txt")
    refused(tmp_path, bundle, "extra.txt", "symlink")


def test_the_bundle_itself_as_a_symlink_is_refused(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    os.symlink(bundle, tmp_path / "link")
    refused(tmp_path, tmp_path / "link", "symlink")


@pytest.mark.parametrize(("line", "problem"), [
    ("--index-url https://evil.example/simple", "installer option"),
    ("-r /etc/passwd", "installer option"),
    ("alpha @ https://evil.example/a.whl", "not a pin"),
    ("al pha==1.0", "PEP 508"),
])
def test_requirements_hold_only_pins(tmp_path: Path, line: str, problem: str) -> None:
    bundle = write_bundle(tmp_path / "b", requirements=f"alpha==1.0\n{line}\n")
    refused(tmp_path, bundle, "requirements.txt:2", problem)


def test_a_missing_referenced_file_is_refused(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b", manifest(wheels="wheels"))
    refused(tmp_path, bundle, "wheels", "missing")


def _archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


@pytest.mark.parametrize(("name", "kind", "problem"), [
    ("b/../../evil", tarfile.REGTYPE, "leaves the bundle"),
    ("/abs/evil", tarfile.REGTYPE, "absolute"),
    ("b/link", tarfile.SYMTYPE, "link"),
])
def test_bad_archive_members_are_refused(tmp_path: Path, name: str, kind: bytes,
                                         problem: str) -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    if kind == tarfile.SYMTYPE:
        info.linkname = "/etc/passwd"
    data = None if kind == tarfile.SYMTYPE else b"x"
    info.size = len(data or b"")
    archive = _archive(tmp_path / "b.tar.gz", [(info, data)])
    refused(tmp_path, archive, "b.tar.gz", problem)


def test_a_missing_python_is_named_with_the_commands_that_get_it(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    world = make_world(tmp_path)
    plan = ainlp.import_bundle(str(bundle), world=world)
    assert plan.exit_code == 0
    (missing,) = plan.data["missing_pythons"]  # type: ignore[misc]
    assert missing["version"] == "3.99.1"
    assert "pyenv install 3.99.1" in missing["commands"]
    assert "uv python install 3.99.1" in missing["commands"]
    assert missing["needed_by"] == [str(world.home / ".virtualenvs" / "one")]
    (env,) = plan.data["environments"]  # type: ignore[misc]
    assert env["status"] == "cannot" and "3.99.1 is not installed" in env["note"]
    applied = ainlp.import_bundle(str(bundle), apply=True, world=world)
    assert applied.exit_code == 1
    assert applied.data["failed"][0]["step"] == "s1"  # type: ignore[index]
    assert not (world.home / ".virtualenvs").exists()


def test_export_refuses_a_folder_that_holds_something(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    target = world.home / "bundle"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    with pytest.raises(BadInput, match="not empty"):
        ainlp.export(str(target), world=world)
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


def test_export_of_an_empty_machine_writes_a_readable_bundle(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    from ainlp.api import run_action

    done = run_action("environment_configuration_and_instructions",
                      {"path": "~/b", "archive": True}, world=world)
    assert done.exit_code == 0, done.messages
    assert (world.home / "b" / "RECOVERY.md").is_file()
    assert (world.home / "b.tar.gz").is_file()
    plan = ainlp.import_bundle(str(world.home / "b.tar.gz"), world=world)
    assert plan.exit_code == 0 and plan.data["environments"] == []
    events = ainlp.history(world=world).data["events"]
    assert [e["action"] for e in events] == ["export"]  # type: ignore[index]


def test_install_pythons_asks_uv_and_says_what_happened(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    cache = tmp_path / "uv-cache"
    world = make_world(tmp_path, env={"UV_CACHE_DIR": str(cache), "UV_NO_CONFIG": "1",
                                      "UV_PYTHON_INSTALL_DIR": str(tmp_path / "uv-pythons")})
    plan = ainlp.import_bundle(str(bundle), world=world)
    assert any("--install-pythons" in m for m in plan.messages)
    done = ainlp.import_bundle(str(bundle), apply=True, install_pythons=True, world=world)
    # no Python 3.99.1 exists anywhere: uv was asked, said no, and the step cannot run
    said = [m for m in done.messages if m.startswith("uv python install 3.99.1: ")]
    assert said and "failed" in said[0]
    assert done.exit_code == 1 and not (world.home / ".virtualenvs").exists()


def test_export_to_a_folder_that_cannot_be_made_is_bad_input(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ainlp.BadInput) as info:
        ainlp.export(str(blocker / "bundle"), world=world)
    assert "cannot make the bundle folder" in info.value.message and info.value.hint
