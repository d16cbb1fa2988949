"""The frame scorer: what a phrase is about, from the concepts its words name.

The templates (phrases.py) read a phrase word by word and fail on any verb or idiom they do not
list. This module reads it as a bag of concepts instead: the lexicon (lexicon.toml) maps words
and short runs of words, lightly stemmed and typo-corrected, to concepts such as `backup`,
`restore`, `problem`, `foreign` (another tool's or life's words); a phrase's features are the
concepts it names, the concept of its first content word, and which kinds of slot value it
holds (a version, a path, a snapshot id, ...). A linear model over those features (weights.toml,
one weight per intent and feature, learned by `python -m ainlp.language.frames --train` on the
development phrases only; `--cv K ROOT` cross-validates the whole matcher within the dev split)
gives each intent a probability; `unknown` is one of its classes,
trained on out-of-domain phrases. Slots come from the templates where they agree, else from
`extract_slots` below.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from pathlib import Path

from ainlp.language.normalise import FILLER, Token, TypoIndex, is_path, tokenize

__all__ = ["DOMAIN", "INTENT_SLOTS", "classify", "extract_slots", "features", "in_domain",
           "normalise_version", "snapshot_id", "stem", "unknown_words"]

_HERE = Path(__file__).resolve().parent
_MAX_RUN = 4

# The slots each intent may carry (shared/spec/intents.md).
INTENT_SLOTS: dict[str, tuple[str, ...]] = {
    "list_environments": ("version", "kind", "state"),
    "which_python": ("version",),
    "diagnose": ("topic", "target"),
    "fix": ("target", "topic"),
    "switch": ("target", "version"),
    "create_environment": ("version", "target", "path"),
    "backup": ("target",),
    "restore": ("source",),
    "export": ("path",),
    "import": ("path",),
    "report": ("format",),
    "list_backups": (),
    "cleanup": ("target",),
    "list_packages": ("target",),
    "check_packages": ("target",),
    "help": (),
    "undo": (),
}


def _load_toml(name: str) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - the same parser, a dependency on 3.10
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    data: dict[str, object] = tomllib.loads((_HERE / name).read_text(encoding="utf-8"))
    return data


def stem(word: str) -> str:
    """A light stemmer, the same for the lexicon and the phrase: "backups", "backed",
    "backing" -> "back"/"backup"; short words are left alone."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and len(word) > 4:
        return word[:-1] if word.endswith("ied") else word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@functools.cache
def _lexicon() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Stemmed runs of words -> the concepts they name."""
    raw = _load_toml("lexicon.toml")["concepts"]
    assert isinstance(raw, dict)
    table: dict[tuple[str, ...], list[str]] = {}
    for concept, entries in raw.items():
        for entry in entries:
            run = tuple(stem(word) for word in entry.lower().split())
            concepts = table.setdefault(run, [])
            if concept not in concepts:
                concepts.append(concept)
    return {run: tuple(concepts) for run, concepts in table.items()}


@functools.cache
def _typos() -> TypoIndex:
    return TypoIndex({run[0] for run in _lexicon() if len(run) == 1 and run[0].isalpha()
                      and len(run[0]) >= 4})


@functools.cache
def _weights() -> dict[str, dict[str, float]]:
    raw = _load_toml("weights.toml")["weights"]
    assert isinstance(raw, dict)
    return {intent: {str(f): float(w) for f, w in table.items()} for intent, table in raw.items()}


# --- slot values in any common spelling --------------------------------------------------------

_VERSION = re.compile(r"^(?:python|py|cpython|pypy|cp|v)?-?(\d)\.?(\d{1,2})?(?:\.(\d{1,2}))?"
                      r"(?:\.[x*])?\+?$")
_VERSION_CUES = frozenset({"python", "py", "cpython", "pypy", "version", "versions", "v",
                           "python3", "to", "at", "with", "running", "on", "is"})
_SNAPSHOT = re.compile(r"^(?:#|id[:=]?)?(\d{8}[-_T]?\d{6}(?:[-_]\d+)?|\d{4}-\d{2}-\d{2}"
                       r"(?:[-_T]\d{2}[:-]?\d{2}(?:[:-]?\d{2})?)?(?:[-_]\d+)?|[0-9a-f]{7,40})$")


def normalise_version(word: str, previous: str = "") -> str | None:
    """"3.12", "python3.12", "py312", "cp312", "v3.12", "3.12.x", "Python-3.12.1" -> digits;
    a bare "3" or "312" only after a cue ("python 3", "py 312")."""
    word = word.lower()
    match = _VERSION.match(word)
    if not match:
        return None
    major, minor, micro = match.groups()
    if major not in "23":
        return None
    prefixed = not word[0].isdigit()
    if minor is None:
        return major if previous in _VERSION_CUES and previous not in ("to", "at", "on", "is",
                                                                       "with", "running") else None
    if "." not in word and not prefixed and previous not in _VERSION_CUES:
        return None  # "312" alone is a number, not a version
    if "." not in word and len(minor) == 2 and minor[0] == "0":
        return None
    version = f"{major}.{int(minor)}"
    return f"{version}.{int(micro)}" if micro is not None else version


def snapshot_id(word: str) -> str | None:
    match = _SNAPSHOT.match(word)
    if not match:
        return None
    value = match.group(1)
    if value.isdigit() or (value.isalpha() and not any(ch.isdigit() for ch in value)):
        return None if not value.isdigit() or len(value) < 14 else value
    return value


def _vocab_runs(words: list[str], table: dict[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, value) of every vocabulary run found, longest first at each start."""
    found: list[tuple[int, int, str]] = []
    longest = max(len(key.split()) for key in table)
    for start in range(len(words)):
        for length in range(min(longest, len(words) - start), 0, -1):
            value = table.get(" ".join(words[start:start + length]))
            if value is not None:
                found.append((start, start + length, value))
                break
    return found


_STATES = {
    "broken": "broken", "corrupt": "broken", "corrupted": "broken", "damaged": "broken",
    "unhealthy": "broken", "failing": "broken", "not working": "broken", "do not work": "broken",
    "does not work": "broken", "bad": "broken", "invalid": "broken", "busted": "broken",
    "missing": "missing", "deleted": "missing", "gone": "missing", "vanished": "missing",
    "removed": "missing", "disappeared": "missing", "no longer exist": "missing",
    "ok": "ok", "okay": "ok", "working": "ok", "healthy": "ok", "fine": "ok", "good": "ok",
    "functional": "ok", "valid": "ok", "intact": "ok",
}
_TOPIC_EXTRA = {
    "denied": "permissions", "ownership": "permissions", "owner": "permissions",
    "chmod": "permissions", "site-packages": "permissions", "https": "ssl",
    "pythonpath": "path", "$path": "path", "shebang": "shebang", "pip3": "pip",
}
_NAME = re.compile(r"^[A-Za-z0-9_][\w.\-]*$")
_NAME_BEFORE = frozenset({"called", "named", "env", "environment", "venv", "virtualenv",
                          "workon", "activate", "in", "into", "for", "on", "to", "of", "at",
                          "from", "up", "over", "snapshot", "fix", "repair", "check"})
_NAME_AFTER = frozenset({"env", "envs", "environment", "venv", "virtualenv"})


@functools.cache
def _known_words() -> frozenset[str]:
    from ainlp.language import templates as t
    from ainlp.language.phrases import vocabulary

    words = set(vocabulary()) | set(FILLER)
    for table in (t.KINDS, t.TOPICS, t.FORMATS, t.SCOPES, t.SOURCES, _STATES):
        for key in table:
            words.update(key.split())
    for run in _lexicon():
        words.update(run)
    return frozenset(words)


def extract_slots(intent: str, text: str) -> dict[str, str]:
    """The slots of `intent` that the phrase states, read without a template."""
    from ainlp.language import templates as t

    allowed = INTENT_SLOTS.get(intent, ())
    if not allowed:
        return {}
    tokens = tokenize(text)
    words = [token.lower for token in tokens]
    slots: dict[str, str] = {}
    paths = [token.text for token in tokens if is_path(token.text) and not snapshot_id(token.lower)]
    if "version" in allowed:
        for index, word in enumerate(words):
            version = normalise_version(word, words[index - 1] if index else "")
            if version is not None:
                slots["version"] = version
                break
    if "kind" in allowed:
        for _start, _end, value in _vocab_runs(words, t.KINDS):
            slots.setdefault("kind", value)
        for _start, _end, value in _vocab_runs(words, {"sandbox": "venv", "sandboxes": "venv"}):
            slots.setdefault("kind", value)
    if "state" in allowed:
        found = _vocab_runs(words, _STATES)
        if found:
            slots["state"] = found[0][2]
    if "topic" in allowed:
        for _start, end, value in _vocab_runs(words, {**t.TOPICS, **_TOPIC_EXTRA}):
            if value == "venv" or (value == "path" and "wrong" in words[end:end + 2]):
                continue
            slots["topic"] = value
            break
    if "format" in allowed:
        found = _vocab_runs(words, t.FORMATS)
        if found:
            slots["format"] = found[-1][2]
    if "path" in allowed and paths:
        slots["path"] = paths[0]
    if "source" in allowed:
        ids = [snapshot_id(word) for word in words]
        named = [tokens[i].text for i, value in enumerate(ids) if value]
        if named:
            slots["source"] = named[0].lstrip("#")
        elif paths:
            slots["source"] = paths[0]
        else:
            slots["source"] = "latest"
    if "target" in allowed:
        target = _target(tokens, words, paths if "path" not in allowed else [])
        if target is not None:
            slots["target"] = target
    return slots


def _target(tokens: list[Token], words: list[str], paths: list[str]) -> str | None:
    from ainlp.language import templates as t

    places = {**{p: "project" for p in t.PROJECT}, "repo": "project", "the repo": "project",
              "current folder's": "project", "current directory's": "project",
              "project's": "project", "this folder's": "project", "this repo's": "project"}
    found = _vocab_runs(words, places)
    if found:
        return "project"
    if paths:
        return paths[0]
    for start, _end, _value in _vocab_runs(words, {a: "all" for a in t.ALL}):
        if words[start] != "all" or (start + 1 < len(words)
                                     and words[start + 1] in _NAME_AFTER | {"envs", "pythons"}):
            return "all"
        if start + 1 == len(words):
            return "all"
    known = _known_words()
    for index, word in enumerate(words):
        text = tokens[index].text
        if not _NAME.match(text) or word in known or normalise_version(word) or word.isdigit():
            continue
        before = words[index - 1] if index else ""
        after = words[index + 1] if index + 1 < len(words) else ""
        if before in _NAME_BEFORE or after in _NAME_AFTER:
            return text
    if {"everything", "every", "all"} & set(words) and not {"this", "project", "here"} & set(words):
        return "all"
    return None


# --- the features and the model ------------------------------------------------------------


def features(text: str) -> list[str]:
    """The concepts a phrase names, its first content word's concepts, and its slot kinds."""
    tokens = tokenize(text)[:64]
    words = [token.lower for token in tokens]
    stems = [stem(word) for word in words]
    lexicon = _lexicon()
    known = {run[0] for run in lexicon if len(run) == 1}
    for index, word in enumerate(stems):
        if word not in known and word.isalpha() and len(word) >= 4:
            fixed = _typos().correct(word)
            if fixed:
                stems[index] = fixed
    found: set[str] = {"bias"}
    first: set[str] = set()
    first_index = next((i for i, w in enumerate(words) if w not in FILLER and w not in
                        ("hey", "hi", "ok", "so")), None)
    for start in range(len(stems)):
        for length in range(1, min(_MAX_RUN, len(stems) - start) + 1):
            concepts = lexicon.get(tuple(stems[start:start + length]))
            if concepts:
                found.update(concepts)
                if start == first_index:
                    first.update(concepts)
    found.update(f"first:{concept}" for concept in first)
    for index, (token, word) in enumerate(zip(tokens, words, strict=True)):
        if normalise_version(word, words[index - 1] if index else ""):
            found.add("has:version")
        if snapshot_id(word):
            found.add("has:snapshot")
        elif is_path(token.text):
            found.add("has:path")
    if any(word.endswith("?") for word in text.split()) or text.rstrip().endswith("?"):
        found.add("has:question")
    if len(words) <= 2:
        found.add("has:short")
    return sorted(found)


# Concepts that name something of this tool's world; a phrase naming none of them (and a phrase
# naming another tool's or life's things: `foreign`) is given no intent by the frame scorer.
DOMAIN = frozenset({"environment", "python", "package", "snapshot", "which", "export", "report",
                    "conflict", "pip_topic", "ssl", "permission", "conda_topic", "path",
                    "has:version", "has:snapshot", "help"})
# intents people name without any object ("undo it", "show history")
NO_OBJECT = frozenset({"help", "undo", "history"})


@functools.cache
def _objects() -> dict[str, frozenset[str]]:
    raw = _load_toml("lexicon.toml").get("objects", {})
    assert isinstance(raw, dict)
    return {intent: frozenset(concepts) for intent, concepts in raw.items()}


def unknown_words(text: str) -> int:
    """How many content words of the phrase neither the lexicon nor the templates know (after
    typo correction): "undo the last edit in my document" has one, "edit"."""
    from ainlp.language.phrases import vocabulary

    known = _known_words()
    lexicon_words = {run[0] for run in _lexicon() if len(run) == 1}
    count = 0
    for token in tokenize(text)[:64]:
        word = token.lower.strip("?!.,")
        if (len(word) < 3 or not word.isalpha() or word in known or word in FILLER
                or stem(word) in lexicon_words or word in vocabulary()):
            continue
        if _typos().correct(stem(word)) is None:
            count += 1
    return count


def in_domain(intent: str, present: list[str], text: str = "", strict: bool = True) -> bool:
    """Whether the phrase's concepts allow the frame scorer to give it `intent`: no foreign
    concept, one concept of the intent's object (lexicon.toml [objects]), and for an intent
    without an object, no content word nobody knows. Not `strict` (a template's own match), a
    phrase that names no object at all ("restore please") may keep its verb's intent."""
    if "foreign" in present:
        return False
    objects = _objects().get(intent)
    if objects is not None:
        if not objects.isdisjoint(present):
            return True
        return not strict and bool(text) and unknown_words(text) == 0
    if intent in NO_OBJECT:
        return not text or unknown_words(text) == 0
    return not DOMAIN.isdisjoint(present)


def classify(text: str, present: list[str] | None = None) -> list[tuple[str, float]]:
    """Every intent (and `unknown`) with its probability, best first; deterministic."""
    if present is None:
        present = features(text)
    scores = {intent: sum(table.get(f, 0.0) for f in present)
              for intent, table in _weights().items()}
    top = max(scores.values())
    exp = {intent: math.exp(score - top) for intent, score in scores.items()}
    total = sum(exp.values())
    return sorted(((intent, value / total) for intent, value in exp.items()),
                  key=lambda pair: (-pair[1], pair[0]))


# --- training (development phrases only) ------------------------------------------------------


def train(cases: list[tuple[str, str]], rounds: int = 400, rate: float = 0.5,
          l2: float = 0.003) -> dict[str, dict[str, float]]:
    """Multinomial logistic regression by full-batch gradient descent, from zero weights."""
    intents = sorted({intent for _text, intent in cases})
    rows = [(features(text), intents.index(intent)) for text, intent in cases]
    weights: dict[str, dict[str, float]] = {intent: {} for intent in intents}
    n = len(rows)
    for _round in range(rounds):
        grads: list[dict[str, float]] = [{} for _ in intents]
        for present, gold in rows:
            scores = [sum(weights[i].get(f, 0.0) for f in present) for i in intents]
            top = max(scores)
            exp = [math.exp(s - top) for s in scores]
            total = sum(exp)
            for k, value in enumerate(exp):
                delta = value / total - (1.0 if k == gold else 0.0)
                if abs(delta) < 1e-6:
                    continue
                grad = grads[k]
                for f in present:
                    grad[f] = grad.get(f, 0.0) + delta
        for k, intent in enumerate(intents):
            table = weights[intent]
            for f, g in grads[k].items():
                table[f] = table.get(f, 0.0) - rate * (g / n + l2 * table.get(f, 0.0))
            for f in list(table):
                if f not in grads[k]:
                    table[f] -= rate * l2 * table[f]
    return weights


def _write_weights(weights: dict[str, dict[str, float]], sources: str) -> None:
    lines = ["# Learned by `python -m ainlp.language.frames --train` over the features of",
             "# frames.py; do not edit by hand. Trained on: " + sources, ""]
    for intent in sorted(weights):
        lines.append(f"[weights.{intent}]")
        for feature, value in sorted(weights[intent].items()):
            if abs(value) >= 0.005:
                lines.append(f'"{feature}" = {value:.3f}')
        lines.append("")
    (_HERE / "weights.toml").write_text("\n".join(lines), encoding="utf-8")


def _development_cases(root: Path) -> list[tuple[str, str]]:
    import hashlib

    import yaml

    corpus = root / "tests" / "corpus"
    cases: list[tuple[str, str]] = []
    for name in ("phrases.yaml", "more_phrases.yaml"):
        cases += [(c["text"], c["intent"]) for c in yaml.safe_load(
            (corpus / name).read_text(encoding="utf-8"))]
    for case in yaml.safe_load((corpus / "people.yaml").read_text(encoding="utf-8")):
        # the dev split only: the test split (first byte of sha256 < 115) is never read here
        if hashlib.sha256(case["text"].encode("utf-8")).digest()[0] >= 115:
            cases.append((case["text"], case["intent"]))
    return cases


def cross_validate(root: Path, k: int = 5) -> tuple[float, float, list[str]]:  # pragma: no cover
    """k-fold cross-validation of the whole matcher (templates + frame scorer, USE_FRAMES on)
    within the dev split of people.yaml: each fold is scored with weights trained on the other
    folds and the project's corpora. (intent %, slots %, out-of-domain phrases acted on)."""
    import hashlib

    import yaml

    from ainlp.language import frames as module  # not __main__'s copy: the one phrases uses
    from ainlp.language import phrases

    corpus = root / "tests" / "corpus"
    base = [(c["text"], c["intent"]) for name in ("phrases.yaml", "more_phrases.yaml")
            for c in yaml.safe_load((corpus / name).read_text(encoding="utf-8"))]
    dev = [c for c in yaml.safe_load((corpus / "people.yaml").read_text(encoding="utf-8"))
           if hashlib.sha256(c["text"].encode("utf-8")).digest()[0] >= 115]
    folds: list[list[dict[str, object]]] = [[] for _ in range(k)]
    for case in dev:
        folds[hashlib.sha256(("fold" + case["text"]).encode()).digest()[0] % k].append(case)
    right = slotted = slots_right = 0
    acted: list[str] = []
    saved, saved_use = module._weights, phrases.USE_FRAMES
    try:
        phrases.USE_FRAMES = True
        for number, fold in enumerate(folds):
            cases = base + [(str(c["text"]), str(c["intent"])) for other, cases_ in
                            enumerate(folds) if other != number for c in cases_]
            learned = module.train(cases)
            module._weights = lambda learned=learned: learned  # type: ignore[assignment,misc]
            for case in fold:
                intent = phrases.match_phrase(str(case["text"]))
                ok = intent.name == case["intent"]
                right += ok
                expected = case.get("slots") or {}
                assert isinstance(expected, dict)
                if case["intent"] != "unknown" and expected:
                    slotted += 1
                    got = {key: value.lower() for key, value in intent.slots.items()}
                    slots_right += ok and all(got.get(key) == str(value).lower()
                                              for key, value in expected.items())
                if case["intent"] == "unknown" and intent.name != "unknown":
                    acted.append(str(case["text"]))
    finally:
        module._weights, phrases.USE_FRAMES = saved, saved_use  # type: ignore[misc]
    return 100 * right / len(dev), 100 * slots_right / max(slotted, 1), acted


if __name__ == "__main__":  # pragma: no cover - a development tool
    if "--cv" in sys.argv:
        at = sys.argv.index("--cv")
        folds_k = int(sys.argv[at + 1])
        root = Path(sys.argv[at + 2]) if len(sys.argv) > at + 2 else Path.cwd()
        intent_pc, slots_pc, ood = cross_validate(root, folds_k)
        print(f"dev {folds_k}-fold CV: intent {intent_pc:.1f}% slots {slots_pc:.1f}% "
              f"out-of-domain acted on {len(ood)}: {ood}")
    if "--train" in sys.argv:
        root = Path(sys.argv[sys.argv.index("--train") + 1]) if len(sys.argv) > 2 else Path.cwd()
        development = _development_cases(root)
        _weights.cache_clear()
        _write_weights(train(development), "tests/corpus/phrases.yaml, more_phrases.yaml and "
                       "the dev split of people.yaml")
        print(f"trained on {len(development)} phrases")
