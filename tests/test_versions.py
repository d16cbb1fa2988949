"""PyVersion: the text as found, packaging's Version where it parses, one matching rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ainlp.actions.discovery import version_matches, version_query
from ainlp.core.errors import BadInput
from ainlp.core.versions import PyVersion


@pytest.mark.parametrize(("text", "release", "minor", "parses"), [
    ("3.11.7", (3, 11, 7), "3.11", True),
    ("3.13-dev", (3, 13), "3.13", True),  # PEP 440 reads it as 3.13.dev0
    ("3.10.14+", (3, 10, 14), "3.10", False),
    ("3.13t", (3, 13), "3.13", False),
    ("3.12.0rc1", (3, 12, 0), "3.12", True),
    ("3", (3,), None, True),
    ("garbage", (), None, False),
])
def test_text_is_kept_and_parsed_where_it_can_be(text: str, release: tuple[int, ...],
                                                minor: str | None, parses: bool) -> None:
    version = PyVersion.parse(text)
    assert (version.text, str(version), version.release, version.minor) == (
        text, text, release, minor)
    assert (version.version is not None) == parses


def test_normalized_is_packaging_s_form_where_it_parses() -> None:
    assert PyVersion.parse("1.0.0-rc1").normalized == "1.0.0rc1"
    assert PyVersion.parse("not a version").normalized == "not a version"


@pytest.mark.parametrize(("version", "wanted", "expected"), [
    ("3.12.4", "3.12", True),
    ("3.12.4", "3", True),
    ("3.12.4", "3.1", False),  # a prefix of the text is not a prefix of the release
    ("3.120.1", "3.12", False),
    ("3.12.1", "3.12.1", True),
    ("3.12.10", "3.12.1", False),
    ("3.13-dev", "3.13", True),
    ("3.13-dev", "3.13-dev", True),
    ("3.13.0", "3.13-dev", False),
    ("3.13.0rc1", "3.13rc1", True),
    ("3.13t", "3.13t", True),
    ("3.13.1", "3.13t", False),
    (None, "3", False),
])
def test_version_matches(version: str | None, wanted: str, expected: bool) -> None:
    assert version_matches(version, wanted) is expected


def test_version_query() -> None:
    assert [version_query(t) for t in ("3.12", "python3.12", "py 3.12", "3.13t", "3.13-dev",
                                       "Python3.11.7", "3.14rc1")] == [
        "3.12", "3.12", "3.12", "3.13t", "3.13-dev", "3.11.7", "3.14rc1"]
    for bad in ("latest", "3.12.1.4", "1!3.12", "3.12+local", ""):
        with pytest.raises(BadInput):
            version_query(bad)


def test_names_of_interpreters_and_their_folders() -> None:
    assert PyVersion.of_name("python3.11") == PyVersion("3.11")
    assert PyVersion.of_name("pypy3.10") == PyVersion("3.10")
    assert PyVersion.of_name("python3") is None



def test_folders_named_for_a_version() -> None:
    assert [PyVersion.of_folder(n) for n in ("3.11.4", "python@3.11", "python3.11",
                                             "cpython-3.12.1", "bin", "python3", "3.11.4+")] == [
        PyVersion("3.11.4"), PyVersion("3.11"), PyVersion("3.11"), PyVersion("3.12.1"),
        None, None, None]
    assert PyVersion.in_path("/opt/homebrew/Cellar/python@3.11/3.11.4/bin") == PyVersion("3.11")
    assert PyVersion.in_path(r"C:\Python\3.12.1\Scripts") == PyVersion("3.12.1")
    assert PyVersion.in_path("/usr/bin") is None


def test_micro_versions_in_text() -> None:
    assert PyVersion.search_micro("/opt/py-3.11.4-x/bin") == PyVersion("3.11.4")
    assert PyVersion.search_micro("/opt/python3.11/bin") is None
    assert PyVersion.leading_micro("3.11.4.final.0") == PyVersion("3.11.4")
    assert PyVersion.leading_micro("v3.11.4") is None
    assert PyVersion.replace_micro("3.11.4.final.0", "3.11.9") == "3.11.9.final.0"


def test_patch_minor_and_nearest_patch() -> None:
    assert (PyVersion("3.11.7").patch, PyVersion("3.11").patch) == (7, None)
    assert PyVersion("3.11.2").same_minor(PyVersion("3.11.9"))
    assert not PyVersion("3.11.2").same_minor(PyVersion("3.12.2"))
    assert not PyVersion("garbage").same_minor(PyVersion("garbage"))
    assert PyVersion("3.11").nearest_patch([1, 9, 4]) == 9  # no micro asked: the newest
    assert PyVersion("3.11.5").nearest_patch([3, 7]) == 7  # a tie: the newer
    assert PyVersion("3.11.5").nearest_patch([5, 9]) == 5
    assert PyVersion("3.11.5").nearest_patch([]) is None
    assert [PyVersion(t).plain for t in ("3.11.7", "3.11.7+", "3.13-dev", "")] == [
        True, False, False, False]
    assert PyVersion("3.12").prefix_of(PyVersion("3.12.4"))
    assert not PyVersion("3.1").prefix_of(PyVersion("3.12.4"))
    assert sorted(["3.10.1", "3.9.18", "3.10"], key=lambda t: PyVersion(t).sort_key) == [
        "3.9.18", "3.10", "3.10.1"]


def test_version_is_parsed_on_first_use_and_empty_text_is_no_version() -> None:
    version = PyVersion("3.13.0rc1")
    assert version.version is not None and str(version.version) == "3.13.0rc1"
    assert version.version is version.version  # parsed once
    assert PyVersion("3.12") == PyVersion.parse("3.12") and hash(PyVersion("3.12")) == hash(
        PyVersion.parse("3.12"))
    assert not PyVersion("") and PyVersion("3")


def test_what_discovery_reads() -> None:
    assert [PyVersion.search(t) for t in ("3.13-dev", "nogil-3.9.10-1", "pypy3.9-7.3.15",
                                          "3.12.1a3", "miniconda3")] == [
        PyVersion("3.13-dev"), PyVersion("3.9.10"), PyVersion("3.9"), PyVersion("3.12.1a3"),
        None]
    assert [PyVersion.of_full(t) for t in ("3.12.1", "3.13.0rc2", "3.12", "3.12.1.4")] == [
        PyVersion("3.12.1"), PyVersion("3.13.0rc2"), None, None]
    assert PyVersion.of_parts(3, 13, 0, "candidate", 1) == PyVersion("3.13.0rc1")
    assert PyVersion.of_parts("3", "x", 0) is None
    assert PyVersion.of_level("3.14.0", "alpha", 3) == PyVersion("3.14.0a3")
    assert [PyVersion.of_version_info(t).text for t in ("3.9.6.final.0", "3.13.0.beta.2",
                                                        " 3.12.1+ ")] == [
        "3.9.6", "3.13.0b2", "3.12.1+"]
    assert PyVersion.of_patchlevel('/* x */\n#define PY_VERSION "3.12.1+"\n') == PyVersion(
        "3.12.1+")
    assert [PyVersion.is_interpreter_name(n) for n in (
        "python", "python3", "python3.12", "python3.9.9", "python3.13t", "python.exe",
        "python3-config", "python-argcomplete-check", "pythonw", "python3.12-gdb.py")] == [
        True, True, True, True, True, True, False, False, False, False]
    assert (PyVersion.of_keg("3.12.1_1"), PyVersion.of_keg("3.12"), PyVersion.of_keg("x")) == (
        PyVersion("3.12.1"), PyVersion("3.12"), None)
    assert (PyVersion.of_formula("python@3.12"), PyVersion.of_formula("python-tk@3.12")) == (
        PyVersion("3.12"), None)
    alias = "PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0"
    install = "PythonSoftwareFoundation.Python.3.12_3.12.496.0_x64__qbz5n2kfra8p0"
    assert (PyVersion.of_store_package(alias), PyVersion.of_store_package(install)) == (
        PyVersion("3.12"), None)
    assert PyVersion.of_store_install(install) == PyVersion("3.12")


# --- no version regexes outside PyVersion ------------------------------------------------------

_REPO = Path(__file__).resolve().parent.parent
# a regex on dotted digits: \d ... \. ... \d (3.11, (\d+)\.(\d+), \d+(?:\.\d+)), or [\d.]
_VERSION_REGEX = re.compile(r"(?:\\d|\[0-9\])[^\s\"']{0,16}?\\\.[^\s\"']{0,8}?(?:\\d|\[0-9\])"
                            r"|\[\\d\.\]|\[0-9\.\]")
_SCANNED = ("ainlp", "core", "actions", "grammar")
# where a version regex may stay, and why
_ALLOWED = {
    "core/versions.py": "PyVersion itself: the one place that reads version text",
    "ainlp/language/blocks.py": "a script's number literals (1.5, .5, 2e3), not versions",
}


def test_no_version_regex_outside_pyversion() -> None:
    found = []
    for folder in _SCANNED:
        for path in sorted((_REPO / folder).rglob("*.py")):
            rel = path.relative_to(_REPO).as_posix()
            if any(rel == allowed or (allowed.endswith("/") and rel.startswith(allowed))
                   for allowed in _ALLOWED):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _VERSION_REGEX.search(line):
                    found.append(f"{rel}:{number}: {line.strip()}")
    assert not found, "version regexes outside PyVersion (use core/versions.py):\n" + "\n".join(
        found)


def test_the_scan_sees_version_regexes() -> None:
    for text in (r're.compile(r"^\d+\.\d+$")', r'r"(\d+)\.(\d+)"', r'r"\d+(?:\.\d+){0,2}"',
                 r're.fullmatch(r"[\d.]+", v)', r'r"(?:python)?\d+\.\d+(?:\.\d+)?"'):
        assert _VERSION_REGEX.search(text), text
    for text in (r'r"^(rolling|daily)-(\d{8}-\d{6})\.db$"', r'r"^\.tmp-(\d+)-"', '"3.11"'):
        assert not _VERSION_REGEX.search(text), text
