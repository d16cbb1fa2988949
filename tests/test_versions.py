"""PyVersion: the text as found, packaging's Version where it parses, one matching rule."""

from __future__ import annotations

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

