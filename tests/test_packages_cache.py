"""The package cache: warm answers equal cold ones, and any change on disk is seen."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ainlp.core.packages import check, installed_distributions, marker_environment
from ainlp.core.packages.cache import CACHE_FILE, PackageCache

from tests.conftest import make_world
from tests.test_packages_worlds import make_dist, make_venv, record_of


def _later() -> float:
    """A clock well after every file the test wrote: their stamps count as settled."""
    return time.time() + 60


def _scan(tmp_path: Path, prefix: Path,
          clock: Callable[[], float] = _later) -> tuple[PackageCache, list[Any]]:
    world = make_world(tmp_path)
    cache = PackageCache(world.state_dir, clock).load()
    record = record_of(prefix)
    installed = installed_distributions(world, record, reader=cache.distribution)
    result = cache.check(installed.distributions, marker_environment(world, record))
    missing = [p for d in installed.distributions for p in cache.missing(d)]
    cache.save()
    return cache, [sorted(d.name or "" for d in installed.distributions),
                   [c.pip_line for c in result.conflicts], missing]


def _touch_later(folder: Path) -> None:
    stat = folder.stat()
    os.utime(folder, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_warm_equals_cold_and_hits(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    make_dist(site, "app", "1.0", requires=["lib>=2", "gone"])
    make_dist(site, "lib", "1.0", files={"lib/__init__.py": "", "lib/core.py": "x\n"})
    cold_cache, cold = _scan(tmp_path, prefix)
    assert cold_cache.hits == 0
    warm_cache, warm = _scan(tmp_path, prefix)
    assert warm == cold and warm_cache.misses == 0 and warm_cache.hits > 0
    world = make_world(tmp_path)
    record = record_of(prefix)
    plain = installed_distributions(world, record)
    assert [c.pip_line for c in check(plain.distributions, marker_environment(world, record))
            .conflicts] == cold[1]


def test_deleted_file_and_new_distribution_are_seen(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    make_dist(site, "app", "1.0", requires=["lib>=2"])
    make_dist(site, "lib", "1.0", files={"lib/__init__.py": "", "lib/core.py": "x\n"})
    _, before = _scan(tmp_path, prefix)
    assert before[2] == []
    (site / "lib" / "core.py").unlink()
    _touch_later(site / "lib")  # the deletion's mtime tick, made unambiguous
    _, after = _scan(tmp_path, prefix)
    assert after[2] == [site / "lib" / "core.py"]
    make_dist(site, "lib", "2.0")
    shutil.rmtree(site / "lib-1.0.dist-info")
    _, upgraded = _scan(tmp_path, prefix)
    assert upgraded[1] == []


def test_edited_metadata_is_reread(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    info = make_dist(site, "app", "1.0")
    _scan(tmp_path, prefix)
    metadata = info / "METADATA"
    metadata.write_text(metadata.read_text().replace("Version: 1.0", "Version: 1.1")
                        + "\n")
    cache = PackageCache(make_world(tmp_path).state_dir, _later).load()
    dist = cache.distribution(info, site, "env")
    assert dist.version == "1.1"


def test_fresh_stamps_are_not_stored(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    make_dist(make_venv(prefix), "app", "1.0")
    _scan(tmp_path, prefix, clock=time.time)
    again, _ = _scan(tmp_path, prefix, clock=time.time)
    # only the content-keyed pip-check entry may hit: file stamps were too recent to trust
    assert again.hits <= 1


def test_damaged_cache_file_is_an_empty_cache(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    make_dist(make_venv(prefix), "app", "1.0")
    state = make_world(tmp_path).state_dir
    state.mkdir(parents=True, exist_ok=True)
    (state / CACHE_FILE).write_text("{not json")
    cache, listed = _scan(tmp_path, prefix)
    assert listed[0] == ["app"] and cache.hits == 0
    assert (state / CACHE_FILE).read_text().startswith("{")
