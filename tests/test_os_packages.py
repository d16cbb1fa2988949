"""The OS's own package metadata (issue 13, item 4): a Debian-like world whose system Python
is externally managed and whose `python3-gi` declares `pycairo`, which the OS did not install.
A conflict among the OS's own distributions is the OS's to fix: a warning, no fix, a hint
naming the OS packages (read from a fake dpkg database under the world's root)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Inventory
from ainlp.core.health import CheckContext, Severity, get_check, run_checks
from ainlp.core.health.findings import Finding
from ainlp.core.packages.metadata import read_distribution
from ainlp.core.packages.osowned import OsPackages, os_installed
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

from tests.conftest import make_world, write
from tests.test_packages_worlds import make_dist

MISSING = "packages.requirement-missing"
VERSION = "packages.requirement-version"


def debian(tmp_path: Path, *, managed: bool = True) -> tuple[World, EnvRecord, Path]:
    """/usr of a stock Debian under the world's root: Python 3.11, EXTERNALLY-MANAGED, the OS's
    PyGObject (egg-info, no INSTALLER) in /usr/lib/python3/dist-packages, owned by python3-gi."""
    world = make_world(tmp_path)
    prefix = world.root / "usr"
    stdlib = prefix / "lib" / "python3.11"
    write(stdlib / "os.py")
    for module, extension in (("ssl.py", "_ssl"), ("sqlite3/__init__.py", "_sqlite3"),
                              ("ctypes/__init__.py", "_ctypes"), ("lzma.py", "_lzma"),
                              ("bz2.py", "_bz2"), (None, "readline"),
                              ("tkinter/__init__.py", "_tkinter"),
                              ("ensurepip/__init__.py", "_json")):  # python3-venv, as here
        if module is not None:
            write(stdlib / module)
        write(stdlib / "lib-dynload" / f"{extension}.cpython-311-x86_64-linux-gnu.so")
    write(world.root / "usr/share/python-wheels/pip-23.0.1-py3-none-any.whl")
    if managed:
        write(stdlib / "EXTERNALLY-MANAGED", "[externally-managed]\nError=use apt\n")
    write(prefix / "bin" / "python3.11", "", mode=0o755)
    site = prefix / "lib" / "python3" / "dist-packages"
    info = site / "PyGObject-3.42.2.egg-info"
    write(info / "PKG-INFO", "Metadata-Version: 2.1\nName: PyGObject\nVersion: 3.42.2\n")
    write(info / "requires.txt", "pycairo>=1.16.0\n")
    write(info / "top_level.txt", "gi\npygtkcompat\n")
    write(site / "gi" / "__init__.py")
    dpkg(world, "python3-gi", ["/usr/lib/python3/dist-packages/PyGObject-3.42.2.egg-info",
                               "/usr/lib/python3/dist-packages/gi/__init__.py"])
    record = EnvRecord(kind=EnvKind.SYSTEM, prefix=prefix, executable=prefix / "bin/python3.11",
                       version=PyVersion("3.11.2"), state=EnvState.OK, found_by=("test",))
    return world, record, site


def dpkg(world: World, package: str, files: list[str]) -> None:
    """A package's file list as dpkg keeps it (folders too, one absolute path a line)."""
    folders = sorted({str(Path(f).parent) for f in files})
    write(world.root / "var" / "lib" / "dpkg" / "info" / f"{package}.list",
          "\n".join(["/.", *folders, *files]) + "\n")


def findings(world: World, record: EnvRecord, id: str) -> list[Finding]:
    return list(get_check(id).func(CheckContext(world, Inventory((record,), 0.0, "off"))))


def test_the_os_missing_its_own_dependency_is_a_warning_naming_the_os_packages(
        tmp_path: Path) -> None:
    world, record, _ = debian(tmp_path)
    (found,) = findings(world, record, MISSING)
    assert found.severity is Severity.WARNING and found.fix is None
    assert found.message == "PyGObject 3.42.2 requires pycairo>=1.16.0, which is not installed"
    assert "the OS package python3-gi declares pycairo>=1.16.0" in found.hint
    assert "`apt install python3-cairo` provides it" in found.hint
    assert "probably" not in found.hint and "-m pip install" not in found.hint


def test_a_healthy_stock_machine_has_no_error(tmp_path: Path) -> None:
    """Every check over the Debian-like world: the OS's conflict is the one warning, so
    `ainlp doctor` (exit 1 only for errors) exits 0."""
    world, record, _ = debian(tmp_path)
    report = run_checks(world, inventory=Inventory((record,), 0.0, "off"))
    assert not report.has_errors, [f for f in report.findings if f.severity is Severity.ERROR]
    assert [f.id for f in report.findings if f.severity is Severity.WARNING] == [MISSING]


def test_the_provider_is_a_guess_by_debian_naming_when_nothing_tells(tmp_path: Path) -> None:
    world, record, site = debian(tmp_path)
    info = site / "foo_tool-1.0.egg-info"
    write(info / "PKG-INFO", "Metadata-Version: 2.1\nName: foo-tool\nVersion: 1.0\n")
    write(info / "requires.txt", "Frob_Lib>=2\n")
    dpkg(world, "python3-foo-tool:amd64", [
        "/usr/lib/python3/dist-packages/foo_tool-1.0.egg-info/PKG-INFO"])  # a file inside
    hints = {f.message.split()[0]: f.hint for f in findings(world, record, MISSING)}
    assert "`apt install python3-frob-lib` probably provides it" in hints["foo-tool"]
    assert "the OS package python3-foo-tool declares Frob_Lib>=2" in hints["foo-tool"]


def test_dh_python_table_names_the_provider(tmp_path: Path) -> None:
    world, record, site = debian(tmp_path)
    info = site / "bar-1.0.egg-info"
    write(info / "PKG-INFO", "Metadata-Version: 2.1\nName: bar\nVersion: 1.0\n")
    write(info / "requires.txt", "Some.Thing\n")
    write(world.root / "usr/share/dh-python/dist/cpython3_fallback",
          "PyGObject python3-gi\nsome.thing python3-something-else\n")
    hints = {f.message.split()[0]: f.hint for f in findings(world, record, MISSING)}
    assert "`apt install python3-something-else` provides it" in hints["bar"]
    # no dpkg entry for bar: the hint names the distribution instead of its OS package
    assert "bar 1.0, installed by the OS, declares Some.Thing" in hints["bar"]


def test_without_a_dpkg_database_the_distribution_is_named(tmp_path: Path) -> None:
    world, record, _ = debian(tmp_path)
    (world.root / "var" / "lib" / "dpkg" / "info" / "python3-gi.list").unlink()
    (found,) = findings(world, record, MISSING)
    assert found.severity is Severity.WARNING
    assert found.hint.startswith("PyGObject 3.42.2, installed by the OS, declares pycairo")


def test_not_externally_managed_stays_an_error(tmp_path: Path) -> None:
    world, record, _ = debian(tmp_path, managed=False)
    (found,) = findings(world, record, MISSING)
    assert found.severity is Severity.ERROR and found.fix == "install-missing-requirements"
    assert "-m pip install 'pycairo>=1.16.0'" in found.hint


@pytest.mark.parametrize("installer", ["pip", "uv"])
def test_a_requirement_of_something_pip_or_uv_installed_stays_an_error(
        tmp_path: Path, installer: str) -> None:
    world, record, site = debian(tmp_path)
    make_dist(site, "mine", "1.0", requires=["absent-dep"], installer=installer)
    by_package = {f.message.split()[0]: f for f in findings(world, record, MISSING)}
    assert by_package["PyGObject"].severity is Severity.WARNING
    mine = by_package["mine"]
    assert mine.severity is Severity.ERROR and mine.fix is None  # PEP 668: no automatic install
    assert "managed by the system" in mine.hint


def test_sudo_pip_installs_in_local_are_not_the_os(tmp_path: Path) -> None:
    world, record, _ = debian(tmp_path)
    local = record.prefix / "local" / "lib" / "python3.11" / "dist-packages"
    make_dist(local, "mine", "1.0", requires=["absent-dep"], installer=None)
    by_package = {f.message.split()[0]: f for f in findings(world, record, MISSING)}
    assert by_package["mine"].severity is Severity.ERROR


def test_version_conflict_among_os_packages_names_both(tmp_path: Path) -> None:
    world, record, site = debian(tmp_path)
    make_dist(site, "alpha", "1.0", requires=["beta<2"], installer="debian")
    make_dist(site, "beta", "2.1", installer=None)
    dpkg(world, "python3-alpha", ["/usr/lib/python3/dist-packages/alpha-1.0.dist-info"])
    dpkg(world, "python3-beta", ["/usr/lib/python3/dist-packages/beta-2.1.dist-info"])
    (found,) = findings(world, record, VERSION)
    assert found.severity is Severity.WARNING and found.fix is None
    assert "the OS package python3-alpha declares beta<2" in found.hint
    assert "the OS package python3-beta has beta 2.1" in found.hint and "apt upgrade" in found.hint


def test_version_conflict_with_a_pip_installed_dependency_is_not_the_os(tmp_path: Path) -> None:
    world, record, site = debian(tmp_path)
    make_dist(site, "alpha", "1.0", requires=["beta<2"], installer=None)
    make_dist(site, "beta", "2.1", installer="pip")
    (found,) = findings(world, record, VERSION)
    assert "managed by the system" in found.hint and "OS package" not in found.hint


def test_os_installed_rule(tmp_path: Path) -> None:
    prefix = tmp_path / "usr"
    cases = {
        (prefix / "lib/python3/dist-packages", None): True,
        (prefix / "lib/python3.11/dist-packages", "debian"): True,
        (prefix / "lib/python3/dist-packages", "pip"): False,
        (prefix / "lib/python3/dist-packages", "uv"): False,
        (prefix / "local/lib/python3.11/dist-packages", None): False,
        (prefix / "lib/python3.11/site-packages", None): False,
    }
    for (site, installer), expected in cases.items():
        info = make_dist(site, "x", "1.0", installer=installer)
        dist = read_distribution(info, site, "env")
        assert os_installed(dist, prefix) is expected, (site, installer)


def test_owner_lookup_reads_the_world_not_the_machine(tmp_path: Path) -> None:
    world, _, site = debian(tmp_path)
    packages = OsPackages(world)
    gi = read_distribution(site / "PyGObject-3.42.2.egg-info", site, "env")
    assert packages.owner(gi) == "python3-gi"
    (tmp_path / "other").mkdir()
    elsewhere = make_world(tmp_path / "other")  # no dpkg database there
    assert OsPackages(elsewhere).owner(gi) is None
    assert OsPackages(world).provider("PyYAML").package == "python3-yaml"
    assert OsPackages(world).provider("requests").certain is False
