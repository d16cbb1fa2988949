"""Package checks: for each, a world that triggers it and one that does not."""

from __future__ import annotations

import venv
from pathlib import Path

import pytest
from ainlp.core.discovery.records import EnvKind, EnvRecord, Inventory
from ainlp.core.health import CheckContext, checks, get_check, run_checks
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

from tests.conftest import make_world, write
from tests.test_packages_worlds import make_dist, make_egg_info, make_venv, record_of

PACKAGE_IDS = (
    "packages.requirement-missing",
    "packages.requirement-version",
    "packages.requirement-unparsable",
    "packages.requires-python",
    "packages.invalid-metadata",
    "packages.record-files-missing",
    "packages.editable-source-missing",
    "packages.user-site-shadowing",
    "packages.duplicate-distribution",
    "packages.pth-missing-path",
    "packages.pth-import-fails",
    "packages.pip-broken",
    "packages.wheel-unsupported",
)


def found(world: World, record: EnvRecord, id: str) -> list[str]:
    ctx = CheckContext(world, Inventory((record,), 0.0, "off"))
    return [f.message for f in get_check(id).func(ctx)]


@pytest.fixture
def env(tmp_path: Path) -> tuple[World, Path, Path]:
    """A world with a venv at ~/proj/.venv holding one healthy distribution."""
    prefix = tmp_path / "home" / "proj" / ".venv"
    site = make_venv(prefix)
    make_dist(site, "healthy", "1.0", requires_python=">=3.8")
    return make_world(tmp_path), prefix, site


def test_registered_with_packages_topic() -> None:
    registered = checks()
    for id in PACKAGE_IDS:
        assert "packages" in registered[id].topics
    assert "pip" in registered["packages.requirement-missing"].topics


def test_healthy_venv_has_no_package_finding(env: tuple[World, Path, Path]) -> None:
    world, prefix, _ = env
    for id in PACKAGE_IDS:
        assert found(world, record_of(prefix), id) == [], id


def test_healthy_real_venv_has_no_package_finding(tmp_path: Path) -> None:
    prefix = tmp_path / "real"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(prefix)
    world = make_world(tmp_path)
    record = record_of(prefix)
    ctx = CheckContext(world, Inventory((record,), 0.0, "off"))
    assert [f.id for id in PACKAGE_IDS for f in get_check(id).func(ctx)] == []


def test_requirement_missing_and_version(env: tuple[World, Path, Path]) -> None:
    world, prefix, site = env
    make_dist(site, "app", "1.0", requires=["lib>=2", "absent", 'winonly; sys_platform == "win32"'])
    record = record_of(prefix)
    assert len(found(world, record, "packages.requirement-missing")) == 2  # lib and absent
    assert found(world, record, "packages.requirement-version") == []
    make_dist(site, "lib", "1.0")
    assert len(found(world, record, "packages.requirement-missing")) == 1
    assert len(found(world, record, "packages.requirement-version")) == 1


def test_requirement_missing_counts_each(env: tuple[World, Path, Path]) -> None:
    world, prefix, site = env
    make_dist(site, "app", "1.0", requires=["absent", "also-absent>=1"])
    messages = found(world, record_of(prefix), "packages.requirement-missing")
    assert len(messages) == 2
    assert found(world, record_of(prefix), "packages.requirement-version") == []


def test_requirement_unparsable(env: tuple[World, Path, Path]) -> None:
    world, prefix, site = env
    assert found(world, record_of(prefix), "packages.requirement-unparsable") == []
    make_dist(site, "weird", "1.0", requires=["not a ( requirement"])
    assert len(found(world, record_of(prefix), "packages.requirement-unparsable")) == 1


def test_requires_python(env: tuple[World, Path, Path]) -> None:
    world, prefix, site = env
    make_dist(site, "future-only", "1.0", requires_python=">=3.12")
    record = record_of(prefix)
    assert len(found(world, record, "packages.requires-python")) == 1
    from dataclasses import replace

    # only the minor known: cannot judge a micro bound, so no finding
    for version in ("3.11", "3.12.1"):
        assert found(world, replace(record, version=PyVersion(version)),
                     "packages.requires-python") == []


def test_invalid_metadata(env: tuple[World, Path, Path]) -> None:
    world, prefix, site = env
    assert found(world, record_of(prefix), "packages.invalid-metadata") == []
    (site / "half-1.0.dist-info").mkdir()
    write(site / "nover-1.0.dist-info" / "METADATA", "Metadata-Version: 2.1\nName: nover\n")
    assert len(found(world, record_of(prefix), "packages.invalid-metadata")) == 2


def test_record_files_missing(env: tuple[World, Path, Path]) -> None:
    world, prefix, site = env
    make_dist(site, "pkg", "1.0", files={"pkg/__init__.py": "", "pkg/a.py": "a = 1\n"})
    assert found(world, record_of(prefix), "packages.record-files-missing") == []
    (site / "pkg" / "a.py").unlink()
    assert len(found(world, record_of(prefix), "packages.record-files-missing")) == 1


def test_editable_source_missing(env: tuple[World, Path, Path], tmp_path: Path) -> None:
    world, prefix, site = env
    source = tmp_path / "src" / "proj"
    source.mkdir(parents=True)
    make_dist(site, "proj", "0.1", files={"__editable__.proj-0.1.pth": f"{source}\n"},
              direct_url={"url": source.as_uri(), "dir_info": {"editable": True}})
    legacy = tmp_path / "src" / "legacy"
    make_egg_info(legacy, "legacy", "1.0")
    write(site / "legacy.egg-link", f"{legacy}\n.\n")
    write(site / "easy-install.pth", f"{legacy}\n")
    assert found(world, record_of(prefix), "packages.editable-source-missing") == []
    source.rmdir()
    for child in sorted(legacy.rglob("*"), reverse=True):
        child.unlink() if child.is_file() else child.rmdir()
    legacy.rmdir()
    messages = found(world, record_of(prefix), "packages.editable-source-missing")
    assert len(messages) == 2
    # the editable's own .pth line is not reported twice as a missing path
    assert [m for m in found(world, record_of(prefix), "packages.pth-missing-path")
            if "__editable__" in m] == []


def test_user_site_shadowing(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    prefix = tmp_path / "root" / "opt" / "py"
    write(prefix / "bin" / "python3.11", "", mode=0o755)
    make_dist(prefix / "lib" / "python3.11" / "site-packages", "requests", "2.0")
    record = EnvRecord(EnvKind.SYSTEM, prefix, prefix / "bin" / "python3.11", PyVersion("3.11.7"))
    user_site = world.home / ".local" / "lib" / "python3.11" / "site-packages"
    make_dist(user_site, "other", "1.0")
    assert found(world, record, "packages.user-site-shadowing") == []
    make_dist(user_site, "requests", "1.0")
    assert len(found(world, record, "packages.user-site-shadowing")) == 1
    assert found(world, record, "packages.duplicate-distribution") == []
    # a venv does not read the user site: nothing is shadowed there
    venv_prefix = tmp_path / "proj" / ".venv"
    make_dist(make_venv(venv_prefix), "requests", "2.0")
    assert found(world, record_of(venv_prefix), "packages.user-site-shadowing") == []


def test_duplicate_distribution(env: tuple[World, Path, Path]) -> None:
    world, prefix, site = env
    make_dist(site, "twice", "1.0")
    assert found(world, record_of(prefix), "packages.duplicate-distribution") == []
    make_dist(site, "twice", "2.0")
    assert len(found(world, record_of(prefix), "packages.duplicate-distribution")) == 1


def test_pth_missing_path(env: tuple[World, Path, Path], tmp_path: Path) -> None:
    world, prefix, site = env
    (tmp_path / "exists").mkdir()
    write(site / "extra.pth", f"{tmp_path / 'exists'}\n# a comment\n")
    assert found(world, record_of(prefix), "packages.pth-missing-path") == []
    write(site / "extra.pth", f"{tmp_path / 'exists'}\n{tmp_path / 'gone'}\n")
    assert len(found(world, record_of(prefix), "packages.pth-missing-path")) == 1


def test_pth_import_fails(env: tuple[World, Path, Path], tmp_path: Path) -> None:
    world, prefix, site = env
    # a venv's stdlib is its base's: make the base prefix a real-looking installation
    base = tmp_path / "home" / "proj" / "base"
    write(base / "lib" / "python3.11" / "os.py", "")
    write(site / "_hook.py", "def install(): pass\n")
    write(site / "good.pth", "import _hook; _hook.install()\nimport os, sys\n"
          "import os; __import__('_hook')\n")
    assert found(world, record_of(prefix), "packages.pth-import-fails") == []
    write(site / "bad.pth", "import _gone_hook; _gone_hook.install()\n")
    write(site / "syntax.pth", "import (\n")
    messages = found(world, record_of(prefix), "packages.pth-import-fails")
    assert len(messages) == 2 and any("_gone_hook" in m for m in messages)


def test_pip_broken(env: tuple[World, Path, Path]) -> None:
    world, prefix, site = env
    make_dist(site, "pip", "24.0", files={"pip/__init__.py": "", "pip/_internal/__init__.py": ""})
    assert found(world, record_of(prefix), "packages.pip-broken") == []
    (site / "pip" / "_internal" / "__init__.py").unlink()
    assert len(found(world, record_of(prefix), "packages.pip-broken")) == 1


def test_run_checks_topic_packages_reports_them(env: tuple[World, Path, Path]) -> None:
    world, prefix, site = env
    make_dist(site, "app", "1.0", requires=["absent"])
    report = run_checks(world, inventory=Inventory((record_of(prefix),), 0.0, "off"),
                        topic="packages")
    assert [f.id for f in report.findings] == ["packages.requirement-missing"]
    assert report.has_errors


def test_wheel_unsupported(env: tuple[World, Path, Path]) -> None:
    from packaging.tags import platform_tags

    world, prefix, site = env
    native = next(iter(platform_tags()))
    make_dist(site, "fits", "1.0", wheel_tags=[f"cp311-cp311-{native}"])
    assert found(world, record_of(prefix), "packages.wheel-unsupported") == []
    make_dist(site, "for-310", "1.0", wheel_tags=[f"cp310-cp310-{native}"])
    assert len(found(world, record_of(prefix), "packages.wheel-unsupported")) == 1
