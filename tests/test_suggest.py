"""One "did you mean" (`ainlp.core.suggest.suggest`) and one signature of an action."""

from __future__ import annotations

import pytest
from ainlp.actions.registry import Catalog, registry
from ainlp.core.errors import BadInput
from ainlp.core.suggest import suggest
from conftest import REPO

from ainlp.language.check import check_script
from ainlp.language.script import parse_script


def test_suggest_is_case_insensitive_and_keeps_the_candidates_spelling() -> None:
    assert suggest("Lisst_Environments", ["list_environments", "which_python"]) == [
        "list_environments"]
    assert suggest("COMAND", ["Command"]) == ["Command"]
    assert suggest("zzz", ["list_environments"]) == []
    assert suggest("path.shadowed", ["path.shadowed-python", "path.missing-dir",
                                     "path.duplicate-dir"], n=3, cutoff=0.5)[0] == (
        "path.shadowed-python")


def test_no_other_did_you_mean_is_written_by_hand() -> None:
    # the phrase matcher (language/phrases.py, normalise.py) has its own typo index
    mine = {"suggest.py", "phrases.py", "normalise.py"}
    for folder in ("ainlp", "actions", "core"):
        for path in (REPO / folder).rglob("*.py"):
            if path.name not in mine:
                text = path.read_text(encoding="utf-8")
                assert "get_close_matches" not in text and "edit_distance" not in text, path


def test_the_validator_and_the_checker_show_one_signature() -> None:
    spec = registry()["list_environments"]
    assert spec.signature.startswith("list_environments(version: str (optional), ")
    with pytest.raises(BadInput) as raised:
        spec.validate({"refresh": [1]})
    assert raised.value.hint == spec.signature
    text = "CONTEXT c {\n  COMMAND go {\n    ACTION: list_environments(refresh=[1])\n  }\n}\n"
    script, problems = parse_script(text)
    assert problems == []
    _, diagnostics = check_script(script, text, "<t>", catalog=Catalog())
    assert [d.hint for d in diagnostics] == [spec.signature]
