"""PATH and shell checks: each has a world that triggers it and one that does not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ainlp.core.world import World
from conftest import make_venv, make_world, write
from test_health_support import BASE, EMPTY, ids, run_one, script

SHIM = ('#!/usr/bin/env bash\nset -e\nexport PYENV_ROOT="{root}"\n'
        'exec "{root}/libexec/pyenv" exec "$program" "$@"\n')


def bin_with(folder: Path, *names: str) -> Path:
    for name in names:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(BASE)
    return folder


def test_duplicate_dir(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert ids(make_world(tmp_path, path=[a, b, a]), "path.duplicate-dir") == {"path.duplicate-dir"}
    assert ids(make_world(tmp_path, path=[a, b]), "path.duplicate-dir") == set()


def test_missing_dir(tmp_path: Path) -> None:
    a = tmp_path / "a"
    a.mkdir()
    assert ids(make_world(tmp_path, path=[a, tmp_path / "gone"]), "path.missing-dir") == {
        "path.missing-dir"}
    assert ids(make_world(tmp_path, path=[a]), "path.missing-dir") == set()


def test_relative_dir(tmp_path: Path) -> None:
    a = tmp_path / "a"
    a.mkdir()
    for raw in (f"{a}::/usr/bin", f"bin:{a}", f"{a}:"):
        assert ids(make_world(tmp_path, env={"PATH": raw}), "path.relative-dir") == {
            "path.relative-dir"}, raw
    assert ids(make_world(tmp_path, env={"PATH": f"{a}:/usr/bin"}), "path.relative-dir") == set()


def test_shadowed_active_venv(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "v")
    other = bin_with(tmp_path / "other", "python", "python3")
    active = {"VIRTUAL_ENV": str(venv)}
    shadowed = make_world(tmp_path, path=[other, venv / "bin"], env=active)
    assert ids(shadowed, "path.shadowed-python") == {"path.shadowed-python"}
    first = make_world(tmp_path, path=[venv / "bin", other], env=active)
    assert ids(first, "path.shadowed-python") == set()


def test_shadowed_pyenv_shims(tmp_path: Path) -> None:
    root = tmp_path / "pyenv"
    for name in ("python", "python3"):
        write(root / "shims" / name, SHIM.format(root=root), 0o755)
    bin_with(root / "versions" / "3.11.7" / "bin", "python", "python3")
    write(root / "version", "3.11.7\n")
    system = bin_with(tmp_path / "usrbin", "python3")
    env = {"PYENV_ROOT": str(root)}
    late = make_world(tmp_path, path=[system, root / "shims"], env=env)
    assert ids(late, "path.shadowed-python") == {"path.shadowed-python"}
    early = make_world(tmp_path, path=[root / "shims", system], env=env)
    assert ids(early, "path.shadowed-python") == set()
    # `system` selected: the shims step aside on purpose, nothing is shadowed
    write(root / "version", "system\n")
    assert ids(late, "path.shadowed-python") == set()


def test_shims_before_an_active_venv_shadow_it(tmp_path: Path) -> None:
    root = tmp_path / "pyenv"
    write(root / "shims" / "python", SHIM.format(root=root), 0o755)
    bin_with(root / "versions" / "3.11.7" / "bin", "python")
    venv = make_venv(tmp_path / "v")
    env = {"PYENV_ROOT": str(root), "VIRTUAL_ENV": str(venv)}
    write(root / "version", "3.11.7\n")
    selected = make_world(tmp_path, path=[root / "shims", venv / "bin"], env=env)
    assert ids(selected, "path.shadowed-python") == {"path.shadowed-python"}
    write(root / "version", "system\n")  # the shim falls through to the venv's python
    assert ids(selected, "path.shadowed-python") == set()


def test_python_missing(tmp_path: Path) -> None:
    only3 = bin_with(tmp_path / "only3", "python3")
    both = bin_with(tmp_path / "both", "python", "python3")
    assert ids(make_world(tmp_path, path=[only3]), "path.python-missing") == {
        "path.python-missing"}
    assert ids(make_world(tmp_path, path=[both]), "path.python-missing") == set()
    assert ids(make_world(tmp_path, path=[]), "path.python-missing") == set()


def test_pip_mismatch(tmp_path: Path) -> None:
    a = make_venv(tmp_path / "a")
    b = make_venv(tmp_path / "b")
    script(a / "bin" / "pip", str(a / "bin" / "python"))
    mismatched = make_world(tmp_path, path=[b / "bin", a / "bin"])
    assert ids(mismatched, "path.pip-mismatch") == {"path.pip-mismatch"}
    assert ids(make_world(tmp_path, path=[a / "bin", b / "bin"]), "path.pip-mismatch") == set()


def _pyenv(tmp_path: Path, installed: str = "3.11.7") -> Path:
    root = tmp_path / "pyenv"
    write(root / "shims" / "python", SHIM.format(root=root), 0o755)
    bin_with(root / "versions" / installed / "bin", "python")
    return root


def test_pyenv_version_not_installed(tmp_path: Path) -> None:
    root = _pyenv(tmp_path)
    world = make_world(tmp_path, path=[root / "shims"], env={"PYENV_ROOT": str(root)})
    write(root / "version", "3.99.1\n")
    assert ids(world, "pyenv.version-not-installed") == {"pyenv.version-not-installed"}
    write(root / "version", "3.11.7\n")
    assert ids(world, "pyenv.version-not-installed") == set()
    assert ids(replace(world, env={**world.env, "PYENV_VERSION": "3.98"}),
               "pyenv.version-not-installed") == {"pyenv.version-not-installed"}


def test_python_version_file_absent(tmp_path: Path) -> None:
    root = _pyenv(tmp_path)
    project = tmp_path / "home" / "proj"
    write(project / ".python-version", "3.99\n")
    world = make_world(tmp_path, path=[root / "shims"], env={"PYENV_ROOT": str(root)},
                       cwd=project)
    assert ids(world, "pyenv.python-version-absent") == {"pyenv.python-version-absent"}
    write(project / ".python-version", "3.11\n")  # a prefix pyenv resolves to 3.11.7
    assert ids(world, "pyenv.python-version-absent") == set()


def _windows_world(tmp_path: Path, dirs: list[Path]) -> World:
    world = make_world(tmp_path, env={"PATH": ";".join(str(d) for d in dirs),
                                      "LOCALAPPDATA": str(tmp_path / "Local")})
    return replace(world, platform="win32")


def test_windows_store_alias(tmp_path: Path) -> None:
    apps = tmp_path / "Local" / "Microsoft" / "WindowsApps"
    write(apps / "python.exe", "")  # an App Execution Alias reads as an empty file
    real = tmp_path / "Python312"
    write(real / "python.exe", "MZ real interpreter")
    alone = _windows_world(tmp_path, [apps])
    hides = _windows_world(tmp_path, [apps, real])
    fine = _windows_world(tmp_path, [real, apps])
    for world in (alone, hides):
        assert ids(world, "path.windows-store-alias", inventory=EMPTY) == {
            "path.windows-store-alias"}
    assert ids(fine, "path.windows-store-alias", inventory=EMPTY) == set()
    # a Store Python installed behind the alias: the alias runs it
    (apps / "PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0").mkdir()
    assert ids(alone, "path.windows-store-alias", inventory=EMPTY) == set()
    # never on other platforms
    assert ids(replace(alone, platform="linux"), "path.windows-store-alias",
               inventory=EMPTY) == set()


def _mismatch_hint(world: World) -> str:
    found = run_one(world, "path.pip-mismatch")
    assert [f.id for f in found] == ["path.pip-mismatch"]
    return found[0].hint


def test_pip_mismatch_hint_words_the_actual_path(tmp_path: Path) -> None:
    """QA #10: never "put X first on PATH" when X is first already."""
    a = make_venv(tmp_path / "a")
    b = make_venv(tmp_path / "b")
    script(a / "bin" / "pip3", str(a / "bin" / "python3"))
    # python3 runs b's, which is first on PATH and has no pip3: only `python3 -m pip` helps
    hint = _mismatch_hint(make_world(tmp_path, path=[b / "bin", a / "bin"]))
    assert hint.startswith("use `python3 -m pip`")
    assert "PATH" not in hint and str(b / "bin") not in hint
    # a later folder holds the pip3 that matches python3: name it, before the pip's folder
    script(b / "bin" / "pip3", str(b / "bin" / "python3"))
    tools = tmp_path / "tools"
    script(tools / "pip3", str(a / "bin" / "python3"))
    hint = _mismatch_hint(make_world(tmp_path, path=[tools, b / "bin", a / "bin"]))
    assert hint.endswith(f"or put {b / 'bin'} before {tools} on PATH"), hint
