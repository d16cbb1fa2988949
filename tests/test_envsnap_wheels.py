"""Wheels rebuilt from an installed environment's own files."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from ainlp.core.discovery.resolve import classify
from ainlp.core.envsnap import build_wheel, build_wheelhouse, own_distributions
from ainlp.core.errors import NotAvailable
from ainlp.core.packages.metadata import Distribution

from tests.conftest import make_world
from tests.test_envsnap_recreate import PINS, PYTHON, old_env, sh, uv_binary
from tests.wheelhouse import installer_env, write_dist_info, write_project

_INSTALLER_FILES = ("INSTALLER", "REQUESTED", "direct_url.json", "uv_cache.json")


def dists_of(prefix: Path) -> dict[str, Distribution]:
    world = make_world(prefix.parent)
    return {d.canonical_name: d for d in own_distributions(world, classify(prefix, "test"))}


def installed_files(dist: Distribution) -> set[str]:
    """What RECORD says was written inside the site folder, less what an installer adds."""
    assert dist.record_file is not None
    rows = csv.reader(io.StringIO(dist.record_file.read_text()))
    return {row[0] for row in rows
            if not row[0].startswith("../") and "__pycache__" not in row[0]
            and row[0].rpartition("/")[2] not in (*_INSTALLER_FILES, "RECORD")}


def test_rebuilt_wheel_has_the_files_and_valid_hashes(tmp_path: Path) -> None:
    _, prefix, _ = old_env(tmp_path, PINS[:1])
    dist = dists_of(prefix)["alpha"]
    wheel = build_wheel(dist, tmp_path / "out")

    assert wheel.name == "alpha-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        record = list(csv.reader(io.StringIO(archive.read("alpha-1.0.dist-info/RECORD").decode())))
        for rel, digest, size in record:
            if rel.endswith("RECORD"):
                continue
            data = archive.read(rel)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode() and int(size) == len(data)
    assert set(names) == {rel for rel, _, _ in record}
    assert "alpha-1.0.dist-info/entry_points.txt" in names
    assert not any(n.startswith("../") or n.endswith(_INSTALLER_FILES) for n in names)
    assert names[-1] == "alpha-1.0.dist-info/RECORD"
    assert build_wheel(dist, tmp_path / "again").read_bytes() == wheel.read_bytes()


def test_rebuilt_wheels_install_the_same_files(tmp_path: Path) -> None:
    world, prefix, _ = old_env(tmp_path)
    house = build_wheelhouse(world, classify(prefix, "test"), tmp_path / "house")
    assert len(house.built) == len(PINS) and not house.skipped

    fresh = tmp_path / "fresh"
    env = installer_env(tmp_path)
    sh([uv_binary(), "venv", "--no-project", "--python", PYTHON, fresh], env)
    sh([PYTHON, "-m", "pip", "--python", fresh / "bin" / "python", "install", "--no-index",
        "--no-deps", "--find-links", tmp_path / "house", *(f"{n}=={v}" for n, v in PINS)], env)

    old, new = dists_of(prefix), dists_of(fresh)
    assert old.keys() == new.keys()
    for name in old:
        assert installed_files(new[name]) == installed_files(old[name])
    assert (fresh / "bin" / "beta-pkg-cli").exists()


def test_wheelhouse_skips_editable_and_egg_info_installs_and_says_so(tmp_path: Path) -> None:
    source = write_project(tmp_path / "src" / "edit-me", "edit-me", "0.5")
    world, prefix, _ = old_env(tmp_path, PINS[:1], extra=["-e", str(source)])
    site = next((prefix / "lib").glob("python3.*/site-packages"))
    egg = site / "old_style-1.0.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: old-style\nVersion: 1.0\n")

    house = build_wheelhouse(world, classify(prefix, "test"), tmp_path / "house")

    assert [p.name for p in house.built] == ["alpha-1.0-py3-none-any.whl"]
    reasons = {s.name: s.reason for s in house.skipped}
    assert set(reasons) == {"edit-me", "old-style"}
    assert str(source) in reasons["edit-me"] and "egg-info" in reasons["old-style"]
    assert json.loads(json.dumps(house.to_json()))["skipped"][0]["name"] == "edit-me"


def test_incomplete_install_is_refused_and_missing_wheel_file_is_generated(
        tmp_path: Path) -> None:
    site = tmp_path / "env" / "lib" / "python3.12" / "site-packages"
    info = write_dist_info(site, "broken", "1.0")
    (site / "broken.py").unlink()
    plain = write_dist_info(site, "plain", "2.0")
    (plain / "WHEEL").unlink()
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.1\n")
    dists = dists_of(tmp_path / "env")

    with pytest.raises(NotAvailable, match=r"broken 1\.0 is incomplete"):
        build_wheel(dists["broken"], tmp_path / "out")
    wheel = build_wheel(dists["plain"], tmp_path / "out")
    assert wheel.name == "plain-2.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        assert "Tag: py3-none-any" in archive.read("plain-2.0.dist-info/WHEEL").decode()
    assert info.is_dir()
