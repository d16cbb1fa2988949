"""The frame scorer's pieces (ainlp/language/frames.py): its data readers, its domain gates and
the speed rule of `understand` (a phrase the templates are sure of loads no lexicon)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ainlp.language import frames
from ainlp.language.phrases import match_phrase

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the same parser, a dependency on 3.10
    import tomli as tomllib

LANGUAGE = Path(frames.__file__).resolve().parent
CORPUS = Path(__file__).parent / "corpus"


def test_the_lexicon_reader_reads_what_tomllib_reads() -> None:
    assert frames._load_toml("lexicon.toml") == tomllib.loads(
        (LANGUAGE / "lexicon.toml").read_text(encoding="utf-8"))


def test_the_weights_reader_reads_what_tomllib_reads() -> None:
    raw = tomllib.loads((LANGUAGE / "weights.toml").read_text(encoding="utf-8"))
    intents, rows = frames._model()
    assert intents == tuple(raw["intents"])
    expected = {line.split(" ", 1)[0]: line.split(" ", 1)[1]
                for line in raw["weights"]["rows"].splitlines() if line}
    assert rows.all() == expected
    assert all(len(row.split()) == len(intents) for row in expected.values())
    assert rows.get("no-such-feature") is None
    assert "unknown" in intents and len(intents) >= 18


def test_the_seen_words_are_words_of_the_training_phrases_and_no_names() -> None:
    seen = frames._seen()
    assert len(seen) > 500
    assert {"try", "stupid"} <= seen  # "before I try something stupid, take a backup"
    assert "datasci" not in seen  # a labelled environment name stays a word nobody knows


def test_every_object_of_an_intent_is_a_concept_or_a_slot_feature() -> None:
    concepts = set(frames._load_toml("lexicon.toml")["concepts"])
    for intent, objects in frames._objects().items():
        assert intent in frames.INTENT_SLOTS, intent
        for concept in objects:
            assert concept in concepts or concept.startswith("has:"), (intent, concept)


def test_typos_are_corrected_towards_our_words_only() -> None:
    # "back" is no misspelt "bank", "would" no misspelt "world", "cover" no misspelt "over"
    for text in ("could you back up my environments", "which python would run",
                 "help me write a cover letter"):
        assert "foreign" not in frames.features(text) or "letter" in text, text
    assert "w:bank" not in frames.features("back up my environments")


@pytest.mark.parametrize(("text", "name"), [
    ("run doctor on datasci", True), ("switch over to webapp", True),
    ("repair datasci", False),  # a bare word after a verb may name anything ("repair bike")
    ("fix my bike", False), ("check the water pressure in the shower", False),
])
def test_a_bare_name_needs_a_cue(text: str, name: bool) -> None:
    assert frames.bare_name(text) is name


@pytest.mark.parametrize("text", [
    "which python course should I take", "list comprehension examples",
    "how do I sort a dictionary in python", "export the chat history",
    "give me a report of my spending", "back up my photos", "check my python assignment",
])
def test_near_misses_are_unknown(text: str) -> None:
    assert match_phrase(text).name == "unknown"


@pytest.mark.parametrize(("text", "intent"), [
    ("my code runs with the wrong python, why", "diagnose"),
    ("give me a report on my pythons", "report"),
    ("workon api", "switch"),
    ("fix everything you found", "fix"),
])
def test_our_words_beside_code_words_are_understood(text: str, intent: str) -> None:
    assert match_phrase(text).name == intent


def test_slots_a_template_missed_are_completed() -> None:
    intent = match_phrase("check virtual envs for problems")
    assert (intent.name, intent.slots.get("topic")) == ("diagnose", "venv")
    assert match_phrase("what virtual environments are on my computer?").slots == {
        "kind": "venv"}


def test_a_sure_template_match_of_known_words_loads_no_lexicon() -> None:
    code = ("from ainlp.language import frames, phrases\n"
            "assert phrases.understand('diagnose python path problems')[0] == 'diagnose'\n"
            "print(frames._lexicon.cache_info().currsize, frames._model.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent.parent.parent)
    assert out.stdout.split() == ["0", "0"]


def test_the_training_corpus_is_ours_and_large() -> None:
    cases = yaml.safe_load((CORPUS / "training.yaml").read_text(encoding="utf-8"))
    intents = {case["intent"] for case in cases}
    assert len(cases) >= 500
    assert intents == set(frames.INTENT_SLOTS) | {"unknown"}
    assert sum(1 for case in cases if case["intent"] == "unknown") >= 200
