"""The full cycle: export three real venvs --with-wheels, lose HOME, import under another HOME;
an import killed half-way and run again; the seed's second command through the api."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest
from ainlp.core.state import StateStore
from packaging.pylock import Pylock

import ainlp
from tests.bundle_world import ENVS, build_world, dists, world_at
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def _tomllib():  # type: ignore[no-untyped-def]
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set]]:
    base = tmp_path_factory.mktemp("old")
    world = build_world(base)
    with StateStore.open(world.state_dir) as store:
        store.set_active(scope="project", project=str(world.home / "proj"),
                         prefix=str(world.home / "proj" / ".venv"), reason="ainlp use")
    before = {rel: dists(world, world.home / rel) for rel in ENVS}
    bundle = base / "bundle"
    done = ainlp.export(str(bundle), with_wheels=True, world=world)
    assert done.exit_code == 0, done.messages
    # the old machine is gone: HOME's environments and the state folder
    for rel in ENVS:
        shutil.rmtree(world.home / rel)
    shutil.rmtree(world.state_dir)
    return bundle, before


def test_export_writes_manifest_locks_wheels_state_and_guide(
        exported: tuple[Path, dict[str, set]]) -> None:
    bundle, before = exported
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["schema"] == "ainlp.bundle" and manifest["version"] == 1
    locations = sorted(e["location"] for e in manifest["environments"])
    assert locations == sorted(f"~/{rel}" for rel in ENVS)
    assert manifest["active"] == [{"scope": "project", "project": "~/proj",
                                   "prefix": "~/proj/.venv", "reason": "ainlp use"}]
    assert manifest["state_db"] == "state.db" and (bundle / "state.db").is_file()
    assert list((bundle / "wheels").glob("*.whl"))
    for env in manifest["environments"]:
        rel = env["location"][2:]
        pins = (bundle / env["requirements"]).read_text().splitlines()
        assert {tuple(line.split("==")) for line in pins if not line.startswith("#")} == {
            (n, v) for n, v in ENVS[rel]}
        assert env["pylock"] == f"{env['folder']}/pylock.toml"
        doc = _tomllib().loads((bundle / env["pylock"]).read_text())
        lock = Pylock.from_dict(doc)
        assert {(p.name, str(p.version)) for p in lock.packages} == before[rel]
        for package in lock.packages:
            (wheel,) = package.wheels or []
            assert (bundle / env["folder"] / str(wheel.path)).resolve().is_file()
    assert manifest["environments"][0]["python"]["version"]
    guide = (bundle / "RECOVERY.md").read_text()
    assert "pyenv install" in guide and "uv python install" in guide
    assert "ainlp import" in guide


def test_import_under_another_home_recreates_every_environment(
        exported: tuple[Path, dict[str, set]], tmp_path: Path) -> None:
    bundle, before = exported
    world = world_at(tmp_path / "new")
    plan = ainlp.import_bundle(str(bundle), world=world)  # no apply: the plan only
    assert plan.exit_code == 0 and plan.data["applied"] == []
    assert not (world.home / ".virtualenvs").exists()
    steps = plan.data["plan"]["steps"]  # type: ignore[index]
    assert sorted(s["touches"][0] for s in steps[:3]) == sorted(
        str(world.home / rel) for rel in ENVS)

    done = ainlp.import_bundle(str(bundle), apply=True, world=world)
    assert done.exit_code == 0, (done.data, done.messages)
    for rel in ENVS:
        assert dists(world, world.home / rel) == before[rel]
    with StateStore.open(world.state_dir) as store:
        choice = store.active_for(str(world.home / "proj"))
    assert choice is not None and choice.prefix == str(world.home / "proj" / ".venv")

    again = ainlp.import_bundle(str(bundle), apply=True, world=world)  # idempotent
    assert again.exit_code == 0 and all(
        e["status"] == "present" for e in again.data["environments"])  # type: ignore[union-attr]
    events = ainlp.history(world=world).data["events"]
    assert [e["action"] for e in events][:2] == ["import", "import"]  # type: ignore[index]
    ainlp.undo(apply=True, world=world)  # the second import created nothing
    undone = ainlp.undo(apply=True, world=world)
    assert undone.exit_code == 0, undone.data
    assert not any((world.home / rel).exists() for rel in ENVS)


def test_an_archive_imports_too(exported: tuple[Path, dict[str, set]], tmp_path: Path) -> None:
    bundle, before = exported
    archive = tmp_path / "b.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(bundle, arcname="bundle")
    world = world_at(tmp_path / "new")
    done = ainlp.import_bundle(str(archive), apply=True, world=world)
    assert done.exit_code == 0, done.data
    assert dists(world, world.home / ".virtualenvs" / "two") == before[".virtualenvs/two"]


_CHILD = """
import os, signal, sys
sys.path.insert(0, {repo!r})
from tests.conftest import make_world
from ainlp.core.process import run_process
import ainlp
from dataclasses import replace
calls = []
def run(argv, **kw):
    if "install" in argv:
        calls.append(argv)
        if len(calls) == 2:  # the second environment: its venv exists, nothing installed
            os.kill(os.getpid(), signal.SIGKILL)
    return run_process(argv, **kw)
world = make_world(__import__("pathlib").Path({base!r}), env={env!r}, cwd=__import__(
    "pathlib").Path({cwd!r}))
ainlp.import_bundle({bundle!r}, apply=True, world=replace(world, run=run))
"""


def test_an_import_killed_half_way_completes_when_run_again(
        exported: tuple[Path, dict[str, set]], tmp_path: Path) -> None:
    bundle, before = exported
    world = world_at(tmp_path / "new")
    code = _CHILD.format(repo=str(REPO), base=str(tmp_path / "new"), env=dict(world.env),
                         cwd=str(world.cwd), bundle=str(bundle))
    child = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                           text=True, timeout=600, cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    assert child.returncode == -signal.SIGKILL, child.stderr
    made = [rel for rel in ENVS if (world.home / rel).exists()]
    assert len(made) == 2  # one finished, one half made

    done = ainlp.import_bundle(str(bundle), apply=True, world=world)
    assert done.exit_code == 0, (done.data, done.messages)
    assert any("interrupted import" in m for m in done.messages)
    for rel in ENVS:
        assert dists(world, world.home / rel) == before[rel]
    with StateStore.open(world.state_dir) as store:
        assert [e for e in store.unfinished_changes() if e.action == "import"] == []
    assert ainlp.undo(apply=True, world=world).exit_code == 0  # removes all three
    assert not any((world.home / rel).exists() for rel in ENVS)


def test_the_seeds_second_command_writes_the_bundle(tmp_path: Path) -> None:
    world = build_world(tmp_path, {".virtualenvs/one": [("alpha", "1.0")]})
    text = (REPO / "examples" / "seed.ainlp").read_text() + "RUN prepare_for_os_reinstall\n"
    text = text.replace("RUN diagnose_python_issues\n", "").replace(
        "diagnose python path problems        # a free-form phrase is a statement too\n", "")
    done = ainlp.run_script(text, world=world, apply=True)
    assert done.exit_code == 0, done.to_json()
    manifest = json.loads((world.home / "aios-export" / "manifest.json").read_text())
    backups = ainlp.backups(world=world).data["snapshots"]
    assert manifest["backup"] == backups[0]["id"]  # type: ignore[index]
    assert len(backups) == 1  # type: ignore[arg-type]  # EXPORT took no second backup
    assert [e["location"] for e in manifest["environments"]] == ["~/.virtualenvs/one"]
