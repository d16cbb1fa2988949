"""Snapshots of one environment: what is captured, its JSON, validation, diff, size and speed."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Manager
from ainlp.core.discovery.resolve import classify
from ainlp.core.envsnap import EnvSnapshot, capture, choose_interpreter, diff
from ainlp.core.envsnap.capture import installed_by
from ainlp.core.errors import BadInput, StateError
from ainlp.core.versions import PyVersion

from tests.conftest import make_venv, make_world, real_pythons
from tests.wheelhouse import write_dist_info

_VCS = json.dumps({"url": "https://example.org/repo.git", "subdirectory": "pkg",
                   "vcs_info": {"vcs": "git", "commit_id": "abc123", "requested_revision": "v1"}})


def site_of(prefix: Path) -> Path:
    return next((prefix / "lib").glob("python3.*/site-packages"))


@pytest.fixture(scope="module")
def base_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_venv(tmp_path_factory.mktemp("base") / "env")


def fresh_venv(base: Path, where: Path) -> Path:
    import shutil

    prefix = where / "env"
    shutil.copytree(base, prefix, symlinks=True)
    cfg = prefix / "pyvenv.cfg"
    return prefix if cfg.is_file() else pytest.fail("copied venv has no pyvenv.cfg")


def test_capture_records_interpreter_distributions_and_origins(tmp_path: Path,
                                                               base_venv: Path) -> None:
    prefix = fresh_venv(base_venv, tmp_path)
    site = site_of(prefix)
    write_dist_info(site, "Alpha_Pkg", "1.0", installer="uv")
    write_dist_info(site, "beta", "2.0.post1", requested=False)
    write_dist_info(site, "gamma", "0.3", direct_url=_VCS)
    src = tmp_path / "src" / "delta"
    src.mkdir(parents=True)
    write_dist_info(site, "delta", "4.0", direct_url=json.dumps(
        {"url": src.as_uri(), "dir_info": {"editable": True}}))
    world = make_world(tmp_path)
    snap = capture(world, classify(prefix, "test"))

    assert snap.kind is EnvKind.VENV and snap.prefix == prefix
    assert snap.interpreter.version and snap.interpreter.version.startswith("3.")
    assert snap.interpreter.implementation == "cpython"
    assert snap.interpreter.base_executable is not None
    assert snap.pyvenv_cfg == (prefix / "pyvenv.cfg").read_text()
    assert not snap.has_pip
    by = snap.by_name()
    assert list(by) == ["alpha-pkg", "beta", "delta", "gamma"]
    assert (by["alpha-pkg"].name, by["alpha-pkg"].installer) == ("Alpha_Pkg", "uv")
    assert by["alpha-pkg"].requested and not by["beta"].requested
    origin = by["gamma"].origin
    assert origin is not None
    assert (origin.vcs, origin.commit, origin.requested_revision, origin.subdirectory) == (
        "git", "abc123", "v1", "pkg")
    assert by["delta"].editable_source == src
    assert by["delta"].origin is not None and by["delta"].origin.editable


def test_snapshot_json_round_trip(tmp_path: Path, base_venv: Path) -> None:
    prefix = fresh_venv(base_venv, tmp_path)
    write_dist_info(site_of(prefix), "gamma", "0.3", direct_url=_VCS)
    write_dist_info(site_of(prefix), "pip", "24.0")
    snap = capture(make_world(tmp_path), classify(prefix, "test"))
    text = snap.dumps()
    assert text == json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    again = EnvSnapshot.from_json(json.loads(text))
    assert again == snap and again.has_pip
    assert EnvSnapshot.from_json(text) == snap


def _document(tmp_path: Path, base_venv: Path) -> dict[str, object]:
    prefix = fresh_venv(base_venv, tmp_path)
    write_dist_info(site_of(prefix), "alpha", "1.0")
    return capture(make_world(tmp_path), classify(prefix, "test")).to_json()


@pytest.mark.parametrize(("change", "names"), [
    (lambda d: d.pop("prefix"), "prefix"),
    (lambda d: d.update(prefix="relative/path"), "prefix"),
    (lambda d: d.update(kind="spaceship"), "kind"),
    (lambda d: d.update(format=99), "format"),
    (lambda d: d["distributions"][0].update(version=None), "distributions.0.version"),
    (lambda d: d["distributions"][0].update(name="bad name!"), "distributions.0.name"),
    (lambda d: d["distributions"].append(dict(d["distributions"][0])), "more than once"),
    (lambda d: d["interpreter"].update(installed_by="magic"), "interpreter.installed_by"),
    (lambda d: d.update(surprise=1), "surprise"),
])
def test_from_json_rejects_bad_documents_naming_source_and_field(
        tmp_path: Path, base_venv: Path, change: object, names: str) -> None:
    doc = _document(tmp_path, base_venv)
    assert callable(change)
    change(doc)
    with pytest.raises(BadInput) as caught:
        EnvSnapshot.from_json(doc, source="backup.json")
    assert "backup.json" in caught.value.message and names in caught.value.message
    assert caught.value.exit_code == 2 and caught.value.hint


@pytest.mark.parametrize("bad", ["{not json", "[]", "null", b"\xff\xfe", "42"])
def test_from_json_rejects_non_documents(bad: str | bytes) -> None:
    with pytest.raises(BadInput, match=r"snap\.json"):
        EnvSnapshot.from_json(bad, source="snap.json")


def test_from_json_of_a_state_file_raises_state_error() -> None:
    with pytest.raises(StateError, match=r"state\.db row 3"):
        EnvSnapshot.from_json({"format": 1}, source="state.db row 3", state_file=True)


def test_diff_by_canonical_name(tmp_path: Path, base_venv: Path) -> None:
    prefix = fresh_venv(base_venv, tmp_path)
    site = site_of(prefix)
    for name, version in [("Keep", "1"), ("bump", "1.0"), ("gone", "3"), ("moved", "2")]:
        write_dist_info(site, name, version)
    world = make_world(tmp_path)
    before = capture(world, classify(prefix, "test"))
    after_doc = before.to_json()
    dists = [d for d in after_doc["distributions"] if d["canonical"] != "gone"]
    for dist in dists:
        if dist["canonical"] == "bump":
            dist["version"] = "1.1"
        if dist["canonical"] == "moved":
            dist["origin"] = {"url": "https://example.org/moved-2.whl"}
    dists.append({"name": "New_One", "version": "0.1"})
    after = EnvSnapshot.from_json({**after_doc, "distributions": dists})
    assert diff(before, after).to_json() == {
        "added": ["new-one"],
        "removed": ["gone"],
        "changed": [{"name": "bump", "from": "1.0", "to": "1.1"},
                    {"name": "moved", "from": "2", "to": "2 @ https://example.org/moved-2.whl"}],
    }
    assert diff(before, before).empty


def test_two_hundred_distributions_snapshot_is_small_and_fast(tmp_path: Path,
                                                              base_venv: Path) -> None:
    prefix = fresh_venv(base_venv, tmp_path)
    site = site_of(prefix)
    for index in range(200):
        write_dist_info(site, f"package-number-{index}", f"1.{index}.0",
                        direct_url=_VCS if index % 20 == 0 else None)
    world = make_world(tmp_path)
    record = classify(prefix, "test")
    best = min(_timed(lambda: capture(world, record).dumps()) for _ in range(3))
    text = capture(world, record).dumps()
    assert len(capture(world, record).distributions) == 200
    assert len(text.encode()) <= 100_000
    assert best < 0.3


def _timed(work: object) -> float:
    assert callable(work)
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def test_installed_by_from_kind_manager_and_paths(tmp_path: Path) -> None:
    def rec(kind: EnvKind, base: str | None = None, manager: str | None = None) -> EnvRecord:
        return EnvRecord(kind, tmp_path / "p", tmp_path / "p/bin/python",
                         base_executable=Path(base) if base else None,
                         manager=Manager(manager, None) if manager else None)

    assert installed_by(rec(EnvKind.PYENV)) == "pyenv"
    assert installed_by(rec(EnvKind.CONDA)) == "conda"
    assert installed_by(rec(EnvKind.VENV, "/home/u/.pyenv/versions/3.11.7/bin/python")) == "pyenv"
    assert installed_by(rec(EnvKind.VENV,
                            "/home/u/.local/share/uv/python/cpython-3.12.4/bin/python3")) == "uv"
    assert installed_by(rec(EnvKind.VENV, "/opt/homebrew/opt/python@3.12/bin/python3")) == (
        "homebrew")
    assert installed_by(rec(EnvKind.VENV, "/usr/bin/python3")) == "system"
    assert installed_by(rec(EnvKind.VENV, "/weird/place/python3")) == "unknown"
    assert installed_by(rec(EnvKind.POETRY, manager="uv")) == "uv"


def _interp(version: str, kind: EnvKind = EnvKind.PYENV,
            state: EnvState = EnvState.OK) -> EnvRecord:
    prefix = Path(f"/py/{version}-{kind.value}")
    return EnvRecord(kind, prefix, prefix / "bin/python", version=PyVersion(version),
                     state=state)


def test_choose_interpreter_exact_then_nearest_patch() -> None:
    records = [_interp("3.11.2"), _interp("3.11.7"), _interp("3.11.9"), _interp("3.12.1"),
               _interp("3.11.4", EnvKind.VENV), _interp("3.11.5", state=EnvState.BROKEN)]
    chosen, note = choose_interpreter(records, "3.12.1")
    assert chosen is records[3] and note == "using 3.12.1"
    chosen, note = choose_interpreter(records, "3.11.4")
    assert chosen is records[0] and note.startswith("3.11.4 is gone; using 3.11.2")
    chosen, note = choose_interpreter(records[1:], "3.11.4")
    assert chosen is records[1]
    assert note == "3.11.4 is gone; using 3.11.7, the nearest patch of 3.11"
    chosen, _ = choose_interpreter([_interp("3.11.3"), _interp("3.11.5")], "3.11.4")
    assert chosen is not None and chosen.version == PyVersion("3.11.5")  # a tie: the newer patch
    chosen, note = choose_interpreter(records, "3.11")
    assert chosen is records[2] and note == "using 3.11.9 for 3.11"
    chosen, note = choose_interpreter(records, "3.10.4")
    assert chosen is None and "3.10" in note and "3.12.1" in note


def test_choose_interpreter_from_real_pythons() -> None:
    python = real_pythons()[0]
    record = replace(classify(python.parent.parent, "test", pyenv_versions=python.parent.parent
                              .parent), found_by=("test",))
    assert record.version is not None
    chosen, _ = choose_interpreter([record], record.version)
    assert chosen == record


def test_capturing_imports_neither_pydantic_nor_packaging(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys, ainlp.core.envsnap\n"
            "print([m for m in ('pydantic', 'packaging.utils') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
