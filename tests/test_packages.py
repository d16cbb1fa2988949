"""Installed distributions and pip-check conflicts, read from hand-written site folders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ainlp.core.discovery.records import EnvKind, EnvRecord
from ainlp.core.packages import (
    check,
    installed_distributions,
    installed_size,
    marker_environment,
    missing_files,
    site_layout,
)
from ainlp.core.packages.pth import read_pth
from ainlp.core.versions import PyVersion

from tests.conftest import make_world, write
from tests.test_packages_worlds import make_dist, make_egg_info, make_venv, record_of


def _conflicts(tmp_path: Path, prefix: Path) -> list[tuple[str, str, str, str | None]]:
    world = make_world(tmp_path)
    record = record_of(prefix)
    installed = installed_distributions(world, record)
    result = check(installed.distributions, marker_environment(world, record))
    return [(c.package, c.dependency, c.problem, c.installed) for c in result.conflicts]


def test_lists_names_versions_installer_editable_and_size(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    make_dist(site, "Zeta-Pkg", "2.0", installer="uv", files={"zeta/__init__.py": "abc\n"})
    source = tmp_path / "src" / "mine"
    source.mkdir(parents=True)
    make_dist(site, "mine", "0.1", files={"__editable__.mine-0.1.pth": f"{source}\n"},
              direct_url={"url": source.as_uri(), "dir_info": {"editable": True}})
    make_dist(site, "alpha", "1.0", direct_url={"url": "https://x/alpha-1.0.tar.gz",
                                                 "archive_info": {}})
    installed = installed_distributions(make_world(tmp_path), record_of(prefix))
    dists = installed.distributions
    assert [d.name for d in dists] == ["alpha", "mine", "Zeta-Pkg"]
    by = {d.canonical_name: d for d in dists}
    assert by["zeta-pkg"].installer == "uv" and by["zeta-pkg"].version == "2.0"
    assert by["mine"].editable and by["mine"].editable_location == source
    assert not by["alpha"].editable and by["alpha"].direct_url == "https://x/alpha-1.0.tar.gz"
    metadata = by["zeta-pkg"].path / "METADATA"
    installer = by["zeta-pkg"].path / "INSTALLER"
    assert installed_size(by["zeta-pkg"]) == (4 + metadata.stat().st_size
                                             + installer.stat().st_size
                                             + (by["zeta-pkg"].path / "RECORD").stat().st_size)


def test_missing_and_wrong_version_are_conflicts(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    make_dist(site, "app", "1.0", requires=["lib>=2", "gone", "Other_Thing==1.*"])
    make_dist(site, "lib", "1.5")
    make_dist(site, "other-thing", "1.4rc1")
    assert _conflicts(tmp_path, prefix) == [("app", "gone", "missing", None),
                                           ("app", "lib", "version", "1.5")]


def test_extras_and_markers_follow_the_environment(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix, "3.11.7")
    make_dist(site, "app", "1.0", extras=["fast"], requires=[
        'speedup>=1; extra == "fast"',
        'tomli; python_version < "3.11"',
        'exceptiongroup>=9; python_full_version >= "3.11.7"',
        'pywin32; sys_platform == "win32"',
        "lib[fast]>=1",
    ])
    make_dist(site, "lib", "1.0", requires=['never; extra == "fast"'])
    assert _conflicts(tmp_path, prefix) == [("app", "exceptiongroup", "missing", None)]
    older = tmp_path / "old" / ".venv"
    site_old = make_venv(older, "3.10.2")
    make_dist(site_old, "app", "1.0", requires=['tomli; python_version < "3.11"'])
    assert _conflicts(tmp_path, older) == [("app", "tomli", "missing", None)]


def test_pip_lines(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    make_dist(site, "My_App", "1.0", requires=["Lib_X>=2", "gone"])
    make_dist(site, "lib-x", "1.5")
    world = make_world(tmp_path)
    record = record_of(prefix)
    result = check(installed_distributions(world, record).distributions,
                   marker_environment(world, record))
    assert [c.pip_line for c in result.conflicts] == [
        "my-app 1.0 requires gone, which is not installed.",
        "my-app 1.0 has requirement Lib_X>=2, but you have lib-x 1.5.",
    ]


def test_egg_info_requires_txt_sections(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    make_egg_info(site, "legacy", "0.3", requires_txt=(
        "base-dep>=1\n\n[extra1]\nextra-dep\n\n[:python_version < \"3\"]\npy2dep\n"
        "\n[:sys_platform == \"linux\"]\nlinuxdep\n"))
    make_dist(site, "base-dep", "1.0")
    conflicts = _conflicts(tmp_path, prefix)
    assert conflicts == [("legacy", "linuxdep", "missing", None)]
    installed = installed_distributions(make_world(tmp_path), record_of(prefix))
    legacy = installed.by_name()["legacy"]
    assert legacy.format == "egg-info" and legacy.installer is None


def test_invalid_metadata_is_kept_apart(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    (site / "nometa-1.0.dist-info").mkdir()
    write(site / "noname-1.0.dist-info" / "METADATA", "Metadata-Version: 2.1\nVersion: 1.0\n")
    write(site / "garbage-1.0.dist-info" / "METADATA", "\x00\x01 not headers at all\n")
    make_dist(site, "fine", "1.0")
    installed = installed_distributions(make_world(tmp_path), record_of(prefix))
    assert [d.name for d in installed.distributions] == ["fine"]
    assert sorted(d.path.name for d in installed.invalid) == [
        "garbage-1.0.dist-info", "nometa-1.0.dist-info", "noname-1.0.dist-info"]
    assert all(d.metadata_error for d in installed.invalid)


def test_unparsable_requirement_hides_the_package(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    make_dist(site, "bad", "1.0", requires=["this is not a requirement!!"])
    make_dist(site, "user", "1.0", requires=["bad"])
    world = make_world(tmp_path)
    record = record_of(prefix)
    result = check(installed_distributions(world, record).distributions,
                   marker_environment(world, record))
    assert [u.package for u in result.unparsable] == ["bad"]
    assert [(c.package, c.dependency, c.problem) for c in result.conflicts] == [
        ("user", "bad", "missing")]


def test_user_site_shadows_for_a_plain_interpreter_not_for_a_venv(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    prefix = tmp_path / "root" / "opt" / "py"
    write(prefix / "bin" / "python3.11", "", mode=0o755)
    system_site = prefix / "lib" / "python3.11" / "site-packages"
    make_dist(system_site, "requests", "2.0")
    user_site = world.home / ".local" / "lib" / "python3.11" / "site-packages"
    make_dist(user_site, "requests", "1.0")
    record = EnvRecord(EnvKind.SYSTEM, prefix, prefix / "bin" / "python3.11", PyVersion("3.11.7"))
    installed = installed_distributions(world, record)
    assert [(d.name, d.version, d.scope) for d in installed.distributions] == [
        ("requests", "1.0", "user")]
    assert [(d.version, d.scope) for d in installed.shadowed] == [("2.0", "env")]
    venv = tmp_path / "proj" / ".venv"
    make_dist(make_venv(venv), "requests", "2.5")
    assert [d.scope for d in installed_distributions(world, record_of(venv)).distributions] == [
        "env"]
    quiet = world.with_env(PYTHONNOUSERSITE="1")
    assert not site_layout(quiet, record).user_site_enabled


def test_system_site_packages_venv_sees_its_base(tmp_path: Path) -> None:
    base = tmp_path / "root" / "opt" / "py"
    write(base / "bin" / "python3.11", "", mode=0o755)
    make_dist(base / "lib" / "python3.11" / "site-packages", "basepkg", "1.0")
    venv = tmp_path / "proj" / ".venv"
    make_dist(make_venv(venv, system_site=True, home=base / "bin"), "own", "1.0")
    installed = installed_distributions(make_world(tmp_path), record_of(venv))
    assert [(d.name, d.scope) for d in installed.distributions] == [
        ("basepkg", "base"), ("own", "env")]


def test_pth_folders_are_searched_and_read_like_site(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    develop = tmp_path / "src" / "dev"
    make_egg_info(develop, "devpkg", "0.0.1")
    write(site / "easy-install.pth", f"# comment\n\n{develop}\nimport sys\n../missing-dir\n")
    write(site / "devpkg.egg-link", f"{develop}\n.\n")
    installed = installed_distributions(make_world(tmp_path), record_of(prefix))
    dev = installed.by_name()["devpkg"]
    # pip's order: the .egg-link target is found with the site folder, before .pth folders
    assert dev.scope == "link" and dev.editable and dev.editable_location == develop
    assert installed.shadowed == ()
    lines = read_pth(site / "easy-install.pth") or []
    assert [(line.lineno, line.is_import, line.exists) for line in lines] == [
        (3, False, True), (4, True, False), (5, False, False)]


def test_missing_record_files_ignore_bytecode(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    info = make_dist(site, "pkg", "1.0", files={"pkg/__init__.py": "", "pkg/core.py": "y = 2\n"})
    with (info / "RECORD").open("a") as record:
        record.write("pkg/__pycache__/core.cpython-311.pyc,,\n")
    (site / "pkg" / "core.py").unlink()
    installed = installed_distributions(make_world(tmp_path), record_of(prefix))
    assert missing_files(installed.by_name()["pkg"]) == [site / "pkg" / "core.py"]


def test_windows_pypy_and_debian_layouts(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    win = tmp_path / "win"
    make_dist(win / "Lib" / "site-packages", "winpkg", "1.0")
    record = EnvRecord(EnvKind.WINDOWS_REGISTRY, win, win / "python.exe", PyVersion("3.12.1"))
    win_world = replace(world, platform="win32")
    assert [d.name for d in installed_distributions(win_world, record).distributions] == ["winpkg"]

    pypy = tmp_path / "pypy"
    make_dist(pypy / "lib" / "pypy3.10" / "site-packages", "pypkg", "1.0")
    record = EnvRecord(EnvKind.PYENV, pypy, pypy / "bin" / "pypy3", PyVersion("3.10.14"),
                       implementation="pypy")
    assert [d.name for d in installed_distributions(world, record).distributions] == ["pypkg"]

    usr = tmp_path / "root" / "usr"
    make_dist(usr / "lib" / "python3" / "dist-packages", "aptpkg", "1.0")
    make_dist(usr / "local" / "lib" / "python3.11" / "dist-packages", "aptpkg", "2.0")
    record = EnvRecord(EnvKind.SYSTEM, usr, usr / "bin" / "python3.11", PyVersion("3.11.2"))
    installed = installed_distributions(world, record)
    assert [(d.name, d.version) for d in installed.distributions] == [("aptpkg", "2.0")]
    assert [d.version for d in installed.shadowed] == ["1.0"]


def test_marker_environment_uses_the_environment_python(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    record = EnvRecord(EnvKind.VENV, tmp_path, None, PyVersion("3.9.18"), implementation="pypy")
    values = marker_environment(world, record)
    assert values["python_version"] == "3.9"
    assert values["python_full_version"] == "3.9.18"
    assert values["implementation_name"] == "pypy"
    assert "implementation_version" not in values
    assert marker_environment(world, replace(record, version=PyVersion("3.10.14+")))[
        "python_full_version"] == "3.10.14"


def test_wheels_for_another_python_are_unsupported(tmp_path: Path) -> None:
    import sys

    from ainlp.core.packages.tags import tag_context
    from packaging.tags import platform_tags

    native = next(iter(platform_tags()))
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix, "3.12.1")
    make_dist(site, "pure", "1.0", wheel_tags=["py3-none-any"])
    make_dist(site, "both", "1.0", wheel_tags=["py2.py3-none-any"])
    make_dist(site, "native", "1.0", wheel_tags=[f"cp312-cp312-{native}"])
    make_dist(site, "stable", "1.0", wheel_tags=[f"cp39-abi3-{native}"])
    make_dist(site, "old", "1.0", wheel_tags=[f"cp311-cp311-{native}"])
    make_dist(site, "elsewhere", "1.0", wheel_tags=["cp312-cp312-win_arm64"])
    make_dist(site, "no-wheel-file", "1.0")
    world = make_world(tmp_path)
    record = record_of(prefix)
    context = tag_context(world, record)
    assert context is not None
    result = check(installed_distributions(world, record).distributions,
                   marker_environment(world, record), context)
    assert [u.package for u in result.unsupported] == ["elsewhere", "old"]
    assert result.pip_lines == ["elsewhere 1.0 is not supported on this platform",
                                "old 1.0 is not supported on this platform"]
    assert not result.ok
    # no judgement where the tags cannot be known
    assert tag_context(world, replace(record, implementation="pypy")) is None
    assert tag_context(world, replace(record, version=PyVersion("2.7.18"))) is None
    other = "win32" if sys.platform != "win32" else "linux"
    assert tag_context(replace(world, platform=other), record) is None


def test_normalized_version_agrees_with_packaging() -> None:
    from ainlp.core.packages.metadata import normalized_version
    from packaging.version import Version

    for text in ("1.0", "1.0-rc1", "01.2", "1.0.post1", "1.0+Local", "2!1.0", "1.0RC1",
                 "v1.0", "1.0+abc.01", "1.0+01a.2", "1.0+00", "0.10", "1.0a1.dev3"):
        assert normalized_version(text) == str(Version(text)), text
    assert normalized_version("not a version") == "not a version"


def test_a_stray_line_in_the_headers_does_not_hide_the_package(tmp_path: Path) -> None:
    prefix = tmp_path / "proj" / ".venv"
    site = make_venv(prefix)
    write(site / "odd-1.0.dist-info" / "METADATA",
          "Metadata-Version: 2.1\nName: odd\nVersion: 1.0\nthis line is not a header\n")
    installed = installed_distributions(make_world(tmp_path), record_of(prefix))
    assert [d.name for d in installed.distributions] == ["odd"] and installed.invalid == ()
