"""How well the phrase matcher understands people: tests/corpus/people.yaml, written blind to it.

The split, fixed once and never changed: a phrase is in the TEST split when the first byte of
sha256(text as UTF-8) is below 115 (0.45 * 256), else in DEV. That gives 418 test phrases
(48.7%, 105 of them out of domain) and 441 dev phrases (117 out of domain). Development (the
lexicon, the learned weights of frames.py, every threshold) reads the dev split only; the test
split is scored in aggregate (no assertion here prints its phrases).

Scores: intent % over every phrase of a split (an out-of-domain phrase is right when it is
`unknown`); slots % over the in-domain phrases that carry labelled slots, right when the intent
is right and every labelled slot has the labelled value; "OOD acted" counts out-of-domain
phrases given an intent other than `unknown`.

The matcher in use is the templates with the frame scorer (phrases.USE_FRAMES). Its floors on
the development phrases are those of 5-fold cross-validation (weights retrained per fold); on
the test split and on tests/corpus/fresh.yaml they are what was measured (the test split twice
in issue 15's second round, once in its third; fresh.yaml once: the table is in the docstring of
ainlp/language/phrases.py). The issue's targets hold on the test split: intent 96.4% (>= 95),
slots 94.4% (>= 92), no out-of-domain phrase acted on (the templates alone: 59.8%, 52.5%, 2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from ainlp.language import phrases
from ainlp.language.frames import PEOPLE_TEST_BELOW
from ainlp.language.phrases import match_phrase

CORPUS = Path(__file__).parent / "corpus" / "people.yaml"
TEST_BELOW = PEOPLE_TEST_BELOW  # first byte of sha256(text) below this: the test split (115)


def split_of(text: str) -> str:
    return "test" if hashlib.sha256(text.encode("utf-8")).digest()[0] < TEST_BELOW else "dev"


def people(split: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    return [case for case in cases if split_of(case["text"]) == split]


def score(cases: list[dict[str, Any]]) -> tuple[float, float, list[str]]:
    """(intent %, slots %, the out-of-domain phrases given an intent)."""
    right = slotted = slots_right = 0
    acted: list[str] = []
    for case in cases:
        intent = match_phrase(case["text"])
        ok = intent.name == case["intent"]
        right += ok
        expected = case.get("slots") or {}
        if case["intent"] != "unknown" and expected:
            slotted += 1
            got = {k: v.lower() for k, v in intent.slots.items()}
            slots_right += ok and all(got.get(k) == str(v).lower() for k, v in expected.items())
        if case["intent"] == "unknown" and intent.name != "unknown":
            acted.append(case["text"])
    return 100 * right / len(cases), 100 * slots_right / max(slotted, 1), acted


@contextmanager
def frames_on(on: bool = True) -> Iterator[None]:
    saved = phrases.USE_FRAMES
    phrases.USE_FRAMES = on
    try:
        yield
    finally:
        phrases.USE_FRAMES = saved


def test_the_split_is_large_enough() -> None:
    test, dev = people("test"), people("dev")
    assert len(test) + len(dev) == 859
    assert len(test) / (len(test) + len(dev)) >= 0.40
    assert sum(1 for case in test if case["intent"] == "unknown") >= 80


def test_the_matcher_in_use_reaches_the_targets_on_the_test_split() -> None:
    assert phrases.USE_FRAMES
    intent, slots, acted = score(people("test"))
    assert intent >= 95.0, intent  # the target; measured 96.4 (session 4)
    assert slots >= 92.0, slots  # the target; measured 94.4
    assert len(acted) == 0, len(acted)  # no out-of-domain phrase acted on (not printed)


def test_the_matcher_in_use_holds_its_floors_on_the_fresh_corpus() -> None:
    """tests/corpus/fresh.yaml: 730 phrases written blind in session 4 and committed before
    that session's matcher changes; measured, never developed on."""
    cases = yaml.safe_load((CORPUS.parent / "fresh.yaml").read_text(encoding="utf-8"))
    assert len(cases) >= 700 and sum(1 for c in cases if c["intent"] == "unknown") >= 200
    intent, slots, acted = score(cases)
    assert intent >= 94.5, intent  # measured 95.1
    assert slots >= 89.5, slots  # measured 90.1
    assert len(acted) == 0, len(acted)


def test_the_templates_alone_hold_their_floors_on_the_test_split() -> None:
    with frames_on(False):
        intent, slots, acted = score(people("test"))
    assert intent >= 59.5, intent
    assert slots >= 52.0, slots
    assert len(acted) <= 2, len(acted)


def test_the_matcher_in_use_acts_on_no_out_of_domain_phrase_of_dev() -> None:
    _intent, _slots, acted = score(people("dev"))
    assert acted == []


def test_the_matcher_in_use_holds_its_cross_validated_floors_on_dev() -> None:
    from ainlp.language.frames import cross_validate

    figures = cross_validate(CORPUS.parent.parent.parent, 5)
    _count, intent, slots, acted = figures["people.yaml"]
    assert intent >= 97.0, intent  # 97.5 when written
    assert slots >= 95.0, slots  # 95.5 when written
    assert acted == 0
    _count, intent, slots, acted = figures["all"]  # every blind development corpus
    assert intent >= 90.0, intent  # 90.6 when written
    assert slots >= 82.0, slots  # 82.9 when written
    assert acted <= 60, acted  # 58 of 2,107 when written


def test_the_frame_scorer_keeps_the_project_corpora() -> None:
    cases = [case for name in ("phrases.yaml", "more_phrases.yaml")
             for case in yaml.safe_load((CORPUS.parent / name).read_text(encoding="utf-8"))]
    with frames_on():
        wrong = [case["text"] for case in cases
                 if match_phrase(case["text"]).name != case["intent"]]
    assert wrong == []


@pytest.mark.parametrize(("text", "state"), [
    ("show broken environments", "broken"), ("list missing venvs", "missing"),
    ("list environments that are missing", "missing"), ("show healthy environments", "ok"),
])
def test_list_environments_takes_a_state(text: str, state: str) -> None:
    intent = match_phrase(text)
    assert (intent.name, intent.slots.get("state")) == ("list_environments", state)


@pytest.mark.parametrize(("word", "before", "version"), [
    ("3.12", "", "3.12"), ("python3.12", "", "3.12"), ("py312", "", "3.12"),
    ("cp311", "", "3.11"), ("v3.12", "", "3.12"), ("3.12.x", "", "3.12"),
    ("Python-3.12.1", "", "3.12.1"), ("312", "python", "3.12"), ("3", "python", "3"),
    ("312", "", None), ("2026", "", None), ("hello", "", None),
])
def test_versions_in_common_spellings(word: str, before: str, version: str | None) -> None:
    from ainlp.language.frames import normalise_version

    assert normalise_version(word, before) == version


@pytest.mark.parametrize(("word", "snapshot"), [
    ("20261124-031500-1", "20261124-031500-1"), ("20261124T031500", "20261124T031500"),
    ("2026-11-24", "2026-11-24"), ("a1b2c3d4", "a1b2c3d4"), ("backup", None), ("2026", None),
])
def test_snapshot_ids_in_common_spellings(word: str, snapshot: str | None) -> None:
    from ainlp.language.frames import snapshot_id

    assert snapshot_id(word) == snapshot


def test_frame_scorer_slots_and_determinism() -> None:
    from ainlp.language.frames import classify, extract_slots

    text = "I'm about to upgrade numpy, snapshot the project env first"
    assert classify(text) == classify(text)
    assert extract_slots("backup", text) == {"target": "project"}
    assert extract_slots("restore", "reset everything to snapshot 20260101-000000-1") == {
        "source": "20260101-000000-1"}
    assert extract_slots("list_environments", "list broken conda envs") == {
        "kind": "conda", "state": "broken"}


def test_every_unknown_offers_two_or_three_phrases_with_the_frame_scorer() -> None:
    with frames_on():
        for text in ("what's the weather", "make me a sandwich", "tell me a joke"):
            intent = match_phrase(text)
            assert intent.name == "unknown"
            assert 1 <= len(intent.suggestions) <= 3
            assert all(isinstance(s, str) and s for s in intent.suggestions)
