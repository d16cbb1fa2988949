"""The frame scorer: what a phrase is about, from the concepts its words name.

The templates (phrases.py) read a phrase word by word and fail on any verb or idiom they do not
list. This module reads it as a bag of concepts instead: the lexicon (lexicon.toml) maps words
and short runs of words, lightly stemmed and typo-corrected (towards this tool's words only), to
concepts such as `backup`, `restore`, `problem`, `foreign` (another tool's or life's words),
`coding` (writing or learning code); a phrase's features are the concepts it names, the concept
of its first content word, its own stemmed words and pairs of neighbouring words (each seen in
at least MIN_COUNT training phrases), and which kinds of slot value it holds (a version, a path,
a snapshot id, ...). A quoted word, or another domain's word after a name cue ("mkvirtualenv
blog"), is a name; a hyphenated word the lexicon lacks is read as its parts ("health-check").

A linear model over those features (weights.toml, learned by `python -m ainlp.language.frames
--train ROOT`) gives each intent a probability; `unknown` is one of its classes, trained on
out-of-domain phrases. It learns from the project's corpora (BASE_CORPORA) and from 7,000
phrases written blind to the matcher by helper sessions that read only the intent and command
contracts (people.yaml's dev split and BLIND_CORPORA, 2,100 of them out of domain); `--cv K
ROOT` cross-validates the whole matcher over those. Its gates read the lexicon: the intent's
object must be named (lexicon.toml [objects]), and a phrase is another domain's when it names
another tool's or life's things, has UNKNOWN_LIMIT words nobody knows, or is about code and
names nothing of ours but Python. A word counts as known when the lexicon or the templates
know it, or people used it asking for this tool's jobs more often than for anything else
(seen.toml, learned with the weights; labelled environment names excluded). Slots come from
the templates where they agree, else from `extract_slots` below.

Why a learned model over concepts, not more templates: templates written next to a corpus pass
it and fail on the next one (issue 15: 60% intent on phrases they were not written for); the
lexicon generalises a synonym to every intent at once, and the model learns from phrases nobody
tuned it on. Measured (session 4) on phrases never developed on: people.yaml's test split 96.4%
intent, 94.4% slots, no out-of-domain phrase acted on; fresh.yaml 95.1%, 90.1%, none (the
table is in phrases.py).

Cold, this module costs a `ainlp parse` little: no tomllib (lexicon.toml and weights.toml have
readers of their one shape each, kept equal to tomllib by tests/test_frames.py), no pathlib, and
`understand` does not load the lexicon for a phrase the templates are sure of and know every
word of.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
import sys
from typing import TYPE_CHECKING

from ainlp.language.normalise import FILLER, Token, TypoIndex, is_path, tokenize

__all__ = ["DOMAIN", "INTENT_SLOTS", "UNKNOWN_LIMIT", "bare_name", "classify", "extract_slots",
           "features", "in_domain", "normalise_version", "snapshot_id", "stem", "unknown_words"]

from ainlp.language import phrases
from ainlp.language import templates as t
from ainlp.language.phrases import vocabulary

if TYPE_CHECKING:
    from pathlib import Path

# lazy: ainlp.core.versions 4.8 ms (its dataclasses: only for a word with a digit),
# lazy: hashlib 3.7 ms, yaml 18.2 ms (python -X importtime after what a cold
# `ainlp parse PHRASE` loads; only the training and cross-validation tools need them)

_HERE = os.path.dirname(os.path.abspath(__file__))
WORD_FEATURES = True  # the phrase's own (stemmed) words are features too, beside its concepts
PAIR_FEATURES = True  # and each pair of neighbouring content words ("go back", "made worse")
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


def _read(name: str) -> str:
    with open(os.path.join(_HERE, name), encoding="utf-8") as data:
        return data.read()


# lexicon.toml is TOML of one shape only: [tables] of `key = ["string", ...]` (an array may
# span lines; comments on their own lines or after an array). This reader takes that shape in a
# millisecond, where importing tomllib and parsing take some 20 ms of a cold `ainlp parse`;
# tests/test_frames.py keeps it equal to tomllib over the shipped file.
_TOML_ITEM = re.compile(r'^\[(\w+)\][ \t]*$|^(\w+)[ \t]*=[ \t]*\[([^\]]*)\][ \t]*(?:#[^\n]*)?$',
                        re.M)
_TOML_STRING = re.compile(r'"([^"\\]*)"')
_TOML_COMMENT = re.compile(r'^[ \t]*#[^\n]*$|[ \t]+#[^"\n]*$', re.M)


@functools.cache
def _load_toml(name: str) -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = {}
    table: dict[str, list[str]] | None = None
    for match in _TOML_ITEM.finditer(_TOML_COMMENT.sub("", _read(name))):
        if match.group(1):
            table = data.setdefault(match.group(1), {})
        elif table is not None:
            table[match.group(2)] = _TOML_STRING.findall(match.group(3))
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
    # Only this tool's own words are typo targets: "back" is no misspelt "bank", "would" no
    # misspelt "world" (a word of another domain is recognised as typed, or not at all).
    return TypoIndex({run[0] for run, concepts in _lexicon().items() if len(run) == 1
                      and run[0].isalpha() and len(run[0]) >= 4
                      and not {"foreign", "coding", "function_word"}.intersection(concepts)})


class _Rows:
    """Per feature, its weights for the model's intents in their order, as text: a row is found
    in weights.toml's text only when a phrase has its feature (a cold parse reads a few dozen of
    some 4,000 rows; splitting them all would cost it 3 ms)."""

    __slots__ = ("_found", "_text")

    def __init__(self, text: str = "", rows: dict[str, str] | None = None) -> None:
        self._text = text
        self._found: dict[str, str | None] = dict(rows) if rows else {}

    def get(self, feature: str) -> str | None:
        if feature in self._found:
            return self._found[feature]
        at = self._text.find("\n" + feature + " ")
        row = None
        if at >= 0:
            start = at + len(feature) + 2
            row = self._text[start:self._text.find("\n", start)]
        self._found[feature] = row
        return row

    def all(self) -> dict[str, str]:
        """Every row (for tests and tools)."""
        for line in self._text.splitlines():
            if line:
                self.get(line.split(" ", 1)[0])
        return {feature: row for feature, row in self._found.items() if row is not None}


# The learned model: the intents, and per feature its weights for them in that order.
_Model = tuple[tuple[str, ...], _Rows]


@functools.cache
def _model() -> _Model:
    """weights.toml (valid TOML, written by _write_weights): `intents`, then one string of rows
    "feature w1 w2 ..." (no space in a feature), read as text (see _Rows)."""
    text = _read("weights.toml")
    head, _, body = text.partition('rows = """')
    intents = tuple(_TOML_STRING.findall(head.partition("intents =")[2].partition("]")[0]))
    return intents, _Rows("\n" + body.partition('"""')[0])


def _as_model(tables: dict[str, dict[str, float]]) -> _Model:
    """The model of weights learned by `train`, small weights left out."""
    intents = tuple(sorted(tables))
    features = sorted({f for table in tables.values() for f, w in table.items()
                       if abs(w) >= PRUNE})
    return intents, _Rows(rows={f: " ".join(_weight_text(tables[i].get(f, 0.0)) for i in intents)
                                for f in features})


def _weight_text(value: float) -> str:
    return "0" if abs(value) < PRUNE else f"{value:.3f}"


# --- slot values in any common spelling --------------------------------------------------------

_VERSION_CUES = frozenset({"python", "py", "cpython", "pypy", "version", "versions", "v",
                           "python3", "to", "at", "with", "running", "on", "is"})
_SNAPSHOT = re.compile(r"^(?:#|id[:=]?)?(\d{8}[-_T]?\d{6}(?:[-_]\d+)?|\d{4}-\d{2}-\d{2}"
                       r"(?:[-_T]\d{2}[:-]?\d{2}(?:[:-]?\d{2})?)?(?:[-_]\d+)?|[0-9a-f]{7,40})$")


def normalise_version(word: str, previous: str = "") -> str | None:
    """"3.12", "python3.12", "py312", "cp312", "v3.12", "3.12.x", "Python-3.12.1" -> digits;
    a bare "3" or "312" only after a cue ("python 3", "py 312")."""
    word = word.lower()
    if not any(ch.isdigit() for ch in word):
        return None  # every spelling has a digit: most words never load PyVersion
    from ainlp.core.versions import PyVersion

    match = PyVersion.spoken_match(word)
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
_SYMPTOM_TOPICS = ("ssl", "permissions")
# "virtual environments" are venvs: the kind people mean by the generic words
_VENV_KIND = {"sandbox": "venv", "sandboxes": "venv", "virtual environment": "venv",
              "virtual environments": "venv", "virtual env": "venv", "virtual envs": "venv",
              "virtualenv": "venv", "virtualenvs": "venv", "venvs": "venv"}
_NAME = re.compile(r"^[A-Za-z0-9_][\w.\-]*$")
_NAME_BEFORE = frozenset({"called", "named", "env", "environment", "venv", "virtualenv",
                          "workon", "activate", "in", "into", "for", "on", "to", "of", "at",
                          "from", "up", "over", "snapshot", "fix", "repair", "check"})
_NAME_AFTER = frozenset({"env", "envs", "environment", "venv", "virtualenv"})


@functools.cache
def _known_words() -> frozenset[str]:
    words = set(vocabulary()) | set(FILLER)
    for table in (t.KINDS, t.TOPICS, t.FORMATS, t.SCOPES, t.SOURCES, _STATES):
        for key in table:
            words.update(key.split())
    for run in _lexicon():
        words.update(run)
    return frozenset(words)


def extract_slots(intent: str, text: str, names: bool = True) -> dict[str, str]:
    """The slots of `intent` that the phrase states, read without a template. Without `names`,
    no target is read from a free-form name (that needs the lexicon loaded: a cold parse of a
    phrase a template is sure of does without it)."""
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
        for _start, _end, value in _vocab_runs(words, _VENV_KIND):
            slots.setdefault("kind", value)
    if "state" in allowed:
        found = _vocab_runs(words, _STATES)
        if found:
            slots["state"] = found[0][2]
    if "topic" in allowed:
        topics: list[str] = []
        for start, end, value in _vocab_runs(words, {**_VENV_KIND, **t.TOPICS, **_TOPIC_EXTRA}):
            if value == "path" and "wrong" in words[end:end + 2]:
                continue
            if value == "venv" and ((start and words[start - 1] in _OWNERS)
                                    or _target(tokens, words, []) is not None):
                continue  # "my venv", "the project venv" name an environment, not a topic
            topics.append(value)
        if topics:  # the first named, unless a symptom names the cause ("pip: permission denied")
            slots["topic"] = next((topic for topic in topics if topic in _SYMPTOM_TOPICS),
                                  topics[0])
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
        target = _target(tokens, words, paths if "path" not in allowed else [], names)
        if target is not None:
            slots["target"] = target
    return slots


def _target(tokens: list[Token], words: list[str], paths: list[str],
            names: bool = True) -> str | None:
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
    known = _known_words() if names else frozenset()
    for index, word in enumerate(words if names else ()):
        text = tokens[index].text
        if (not _NAME.match(text) or word in known or stem(word) in known
                or normalise_version(word) or word.isdigit()):
            continue
        before = words[index - 1] if index else ""
        after = words[index + 1] if index + 1 < len(words) else ""
        if before in _NAME_BEFORE or after in _NAME_AFTER:
            return text
    if {"everything", "every", "all"} & set(words) and not {"this", "project", "here"} & set(words):
        return "all"
    return None


# --- the features and the model ------------------------------------------------------------


_QUOTED = re.compile(r"""(?<![\w'])['"`]([^'"`\s]+)['"`](?!\w)""")
_NAME_WORD = "<name>"  # a quoted word stands for a name, whatever it says ("activate 'blog'")
# words after which a word is an environment's name, whatever it says
_NAMED_NEXT = frozenset({"called", "named", "workon", "mkvirtualenv", "rmvirtualenv", "env",
                         "venv", "environment", "virtualenv"})


def _quoted(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _QUOTED.findall(text)) if "'" in text or '"' in text \
        or "`" in text else frozenset()


def _parts(word: str, lexicon: dict[tuple[str, ...], tuple[str, ...]],
           quoted: frozenset[str], after_name_cue: bool) -> list[str]:
    """The stems a word stands for in the lexicon: a quoted name is a name, as is another
    domain's word after a name cue ("mkvirtualenv blog", "a venv called docker"), and a
    hyphenated word the lexicon does not list is read as its parts ("health-check")."""
    stemmed = stem(word)
    if word in quoted or (after_name_cue and "foreign" in lexicon.get((stemmed,), ())):
        return [_NAME_WORD]
    if "-" in word and (stemmed,) not in lexicon:
        parts = [stem(part) for part in word.split("-") if part]
        if parts and all(part.isalpha() and "foreign" not in lexicon.get((part,), ())
                         for part in parts):  # "torch-cpu" is a name, not a processor
            return parts
    return [stemmed]


def features(text: str) -> list[str]:
    """The concepts a phrase names, its first content word's concepts, and its slot kinds."""
    tokens = tokenize(text)[:64]
    words = [token.lower for token in tokens]
    lexicon = _lexicon()
    quoted = _quoted(text)
    stems = [part for index, word in enumerate(words) for part in
             _parts(word, lexicon, quoted, index > 0 and words[index - 1] in _NAMED_NEXT)]
    known = _single_words()
    for index, word in enumerate(stems):
        if word not in known and word.isalpha() and len(word) >= 4:
            fixed = _typos().correct(word)
            if fixed:
                stems[index] = fixed
    found: set[str] = {"bias"}
    first: set[str] = set()
    first_index = next((i for i, w in enumerate(stems) if w not in FILLER and w not in
                        ("hey", "hi", "ok", "so")), None)
    for start in range(len(stems)):
        for length in range(1, min(_MAX_RUN, len(stems) - start) + 1):
            concepts = lexicon.get(tuple(stems[start:start + length]))
            if concepts:
                found.update(concepts)
                if start == first_index:
                    first.update(concepts)
    found.update(f"first:{concept}" for concept in first)
    if WORD_FEATURES:
        content = [word for word in stems
                   if word not in FILLER and word.isalpha() and len(word) >= 2]
        found.update(f"w:{word}" for word in content)
        if PAIR_FEATURES:
            found.update(f"p:{a}_{b}" for a, b in itertools.pairwise(content))
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
# Concepts in [objects] that are verbs as much as things ("export", "report"): they
# name an object of ours only when no word nobody knows stands beside them, or a thing of ours
# does ("export the chat history", "a report of my spending" are about none of ours).
_VERB_OBJECTS = frozenset({"export", "machine", "report"})
# The things of ours a phrase may name besides Python itself
_THINGS = frozenset({"environment", "package", "pip_topic", "conda_topic", "ssl", "permission",
                     "env_command", "snapshot", "has:snapshot", "has:path"})
# intents people name without any object ("undo it", "show history")
NO_OBJECT = frozenset({"help", "undo", "history"})


@functools.cache
def _objects() -> dict[str, frozenset[str]]:
    raw = _load_toml("lexicon.toml").get("objects", {})
    assert isinstance(raw, dict)
    return {intent: frozenset(concepts) for intent, concepts in raw.items()}


def unknown_words(text: str) -> int:
    """How many content words of the phrase neither the lexicon nor the templates know (after
    typo correction), nor people used in asking for this tool's jobs (seen.toml): "undo the
    last edit in my document" has one, "edit"."""
    words, positions = _unknown_positions(text)
    seen = _seen()
    return sum(1 for index in positions if stem(words[index]) not in seen)


def too_strange(text: str) -> bool:
    """Whether the phrase has so many words nobody knows that it is another domain's."""
    return unknown_words(text) >= UNKNOWN_LIMIT


@functools.cache
def _seen() -> frozenset[str]:
    """Words of the in-domain training phrases (seen.toml, learned with the weights)."""
    body = _read("seen.toml").split('"""')
    return frozenset(body[1].split()) if len(body) > 1 else frozenset()


MIN_COUNT = 2  # a word or word pair in fewer training phrases is no feature (cross-validated)
PRUNE = 0.02  # a learned weight smaller than this is left out (it changes no decision)
UNKNOWN_LIMIT = 2  # this many content words nobody knows: a phrase of another domain
_OWNERS = frozenset({"my", "the", "a", "an", "our", "your", "his", "her", "their", "this",
                     "that", "these", "those", "some", "its"})


@functools.cache
def _single_words() -> frozenset[str]:
    """The lexicon's one-word entries (stemmed)."""
    return frozenset(run[0] for run in _lexicon() if len(run) == 1)


@functools.lru_cache(maxsize=64)  # asked several times per phrase by in_domain and its callers
def _unknown_positions(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The phrase's words, and where the content words are that nobody knows."""
    known = _known_words()
    lexicon_words = _single_words()
    words = tuple(token.lower.strip("?!.,") for token in tokenize(text)[:64])
    found: list[int] = []
    for index, word in enumerate(words):
        if (len(word) < 3 or not word.isalpha() or word in known or word in FILLER
                or stem(word) in lexicon_words or word in vocabulary()):
            continue
        if _typos().correct(stem(word)) is None:
            found.append(index)
    return words, tuple(found)


def _scope(text: str) -> bool:
    """Whether the phrase names this project or everything ("fix everything you found")."""
    tokens = tokenize(text)[:64]
    words = [token.lower for token in tokens]
    return _target(tokens, words, []) in ("all", "project")


# A word after these may be an environment's name: "run doctor on datasci", "switch to webapp"
# (a bare word after a verb may name anything: "repair datasci" as "repair bike", unknown).
_NAME_CUES = frozenset({"on", "in", "into", "to", "for", "called", "named", "inside"})


def bare_name(text: str) -> bool:
    """Whether the phrase's one unknown word reads as an environment's name after a cue: "run
    doctor on datasci", "switch over to webapp"; not after a verb alone ("repair datasci")."""
    words, unknown = _unknown_positions(text)
    if len(unknown) != 1 or unknown[0] == 0:
        return False
    return words[unknown[0] - 1] in _NAME_CUES


# Intents a phrase may ask for without naming an object, when the frame scorer is sure and every
# word is one people use for this tool's jobs ("resolve the problems the doctor found", "sanity
# check please"); cross-validated over the development phrases (0.5 points, no phrase out of
# domain acted on). Not cleanup or backup: "clean up" and "save" alone are anyone's.
LOOSE_OBJECT = frozenset({"fix", "diagnose"})


def another_domain(present: list[str], text: str = "") -> bool:
    """Whether the phrase is about another tool's or life's things, whatever intent it seems to
    ask for: it names one (`foreign`), has UNKNOWN_LIMIT words nobody knows ("the environment
    impact of X"), or is about writing or learning code and names no thing of ours but Python
    ("which python course should I take", "check my python assignment")."""
    return ("foreign" in present or bool(text and too_strange(text))
            or ("coding" in present and _THINGS.isdisjoint(present)))


def in_domain(intent: str, present: list[str], text: str = "", strict: bool = True) -> bool:
    """Whether the phrase's concepts allow the frame scorer to give it `intent`: no foreign
    concept, one concept of the intent's object (lexicon.toml [objects]), and for an intent
    without an object, no content word nobody knows. Not `strict` (a template's own match), a
    phrase that names no object at all ("restore please") may keep its verb's intent."""
    if another_domain(present, text):
        return False
    objects = _objects().get(intent)
    if objects is not None:
        named = objects.intersection(present)
        if named and not named <= _VERB_OBJECTS:
            return True
        if named:  # "export the chat history": the verb is its own object, and another is named
            return (not text or unknown_words(text) == 0
                    or not _THINGS.union(("python",)).isdisjoint(present)
                    or (intent == "report" and not {"check", "format"}.isdisjoint(present)))
        if not text:
            return False
        if (not strict or intent in LOOSE_OBJECT) and unknown_words(text) == 0:
            return True
        if "target" not in INTENT_SLOTS.get(intent, ()):
            return False
        # "fix everything you found", "fix datasci": the object is named by a target
        return bare_name(text) or (unknown_words(text) == 0 and _scope(text))
    if intent in NO_OBJECT:
        return not text or unknown_words(text) == 0
    return not DOMAIN.isdisjoint(present)


def classify(text: str, present: list[str] | None = None) -> list[tuple[str, float]]:
    """Every intent (and `unknown`) with its probability, best first; deterministic."""
    if present is None:
        present = features(text)
    intents, rows = _model()
    scores = [0.0] * len(intents)
    for feature in present:
        row = rows.get(feature)
        if row is not None:
            for index, weight in enumerate(row.split()):
                scores[index] += float(weight)
    top = max(scores)
    exp = [math.exp(score - top) for score in scores]
    total = sum(exp)
    return sorted(((intent, value / total) for intent, value in zip(intents, exp, strict=True)),
                  key=lambda pair: (-pair[1], pair[0]))


# --- training (development phrases only) ------------------------------------------------------


def train(cases: list[tuple[str, str]], epochs: int = 30, rate: float = 0.3,
          l2: float = 1e-4) -> dict[str, dict[str, float]]:
    """Multinomial logistic regression by stochastic gradient descent from zero weights, the
    phrases visited in a fixed order (deterministic), the step shrinking epoch by epoch."""
    import hashlib

    intents = sorted({intent for _text, intent in cases})
    rows = [(features(text), intents.index(intent)) for text, intent in cases]
    counts: dict[str, int] = {}
    for present, _gold in rows:
        for feature in present:
            counts[feature] = counts.get(feature, 0) + 1
    rows = [([f for f in present if counts[f] >= MIN_COUNT or not f.startswith(("w:", "p:"))],
             gold) for present, gold in rows]
    rows.sort(key=lambda row: hashlib.sha256(" ".join(row[0]).encode()).digest())
    tables: list[dict[str, float]] = [{} for _ in intents]
    for epoch in range(epochs):
        step = rate / (1.0 + epoch * 0.5)
        shrink = 1.0 - step * l2
        for present, gold in rows:
            scores = [sum(table.get(f, 0.0) for f in present) for table in tables]
            top = max(scores)
            exp = [math.exp(score - top) for score in scores]
            total = sum(exp)
            for k, value in enumerate(exp):
                delta = value / total - (1.0 if k == gold else 0.0)
                if abs(delta) < 1e-4:
                    continue
                table = tables[k]
                for f in present:
                    table[f] = table.get(f, 0.0) * shrink - step * delta
    return {intent: {f: round(w, 3) for f, w in tables[k].items() if abs(w) >= PRUNE}
            for k, intent in enumerate(intents)}


SEEN_MIN = 1  # in-domain phrases a word must appear in to be seen (and more than out of domain)


def learn_seen(cases: list[tuple[str, str]],
               names: frozenset[str] = frozenset()) -> frozenset[str]:
    """The stemmed words that people used more often asking for this tool's jobs than for
    anything else (and at least SEEN_MIN times), bar the labelled names of environments: such a
    word is no sign of another domain ("before I try something stupid, take a backup")."""
    inside: dict[str, int] = {}
    outside: dict[str, int] = {}
    for text, intent in cases:
        counts = outside if intent == "unknown" else inside
        for word in {stem(token.lower.strip("?!.,")) for token in tokenize(text)[:64]}:
            if word.isalpha() and len(word) >= 3 and word not in names:
                counts[word] = counts.get(word, 0) + 1
    return frozenset(word for word, count in inside.items()
                     if count >= SEEN_MIN and count > outside.get(word, 0))


def _write_seen(words: frozenset[str], sources: str) -> None:
    lines = ["# Learned by `python -m ainlp.language.frames --train` with weights.toml: words of",
             "# in-domain phrases (frames.learn_seen); do not edit by hand. From: " + sources,
             "", 'words = """', *sorted(words), '"""', ""]
    with open(os.path.join(_HERE, "seen.toml"), "w", encoding="utf-8") as out:
        out.write("\n".join(lines))


def _write_weights(weights: dict[str, dict[str, float]], sources: str) -> None:
    intents, rows = _as_model(weights)
    lines = ["# Learned by `python -m ainlp.language.frames --train` over the features of",
             "# frames.py; do not edit by hand. Trained on: " + sources,
             "# A row per feature: the feature, then its weight for each intent in that order.",
             "", "intents = [" + ", ".join(f'"{intent}"' for intent in intents) + "]", "",
             "[weights]", 'rows = """', *(f"{f} {row}" for f, row in rows.all().items()),
             '"""', ""]
    with open(os.path.join(_HERE, "weights.toml"), "w", encoding="utf-8") as out:
        out.write("\n".join(lines))


# The project's own cases, always trained on (and the corpora tests hold the matcher to)
BASE_CORPORA = ("phrases.yaml", "more_phrases.yaml", "training.yaml")
# Written blind to the matcher by helper sessions that read only the intent and command
# contracts; heldout.yaml was the held-out measure of issue 15's second round (measured three
# times) before it became development data. people.yaml's dev split is added to these.
BLIND_CORPORA = ("heldout.yaml", "training2.yaml", "training3.yaml", "training4.yaml",
                 "training5.yaml", "training6.yaml")
# people.yaml's test split: first byte of sha256(text) below this (fixed once; the suite's
# tests/test_phrase_generalisation.py reads it from here)
PEOPLE_TEST_BELOW = 115


def _development(root: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(the base cases, the blind development cases) with a "source" each; people.yaml's test
    split and tests/corpus/fresh.yaml are never read here."""
    import hashlib

    import yaml

    corpus = root / "tests" / "corpus"

    def read(name: str) -> list[dict[str, object]]:
        cases = yaml.safe_load((corpus / name).read_text(encoding="utf-8"))
        return [{**case, "source": name} for case in cases]

    base = [case for name in BASE_CORPORA for case in read(name)]
    blind = [case for case in read("people.yaml")
             if hashlib.sha256(str(case["text"]).encode("utf-8")).digest()[0] >= PEOPLE_TEST_BELOW]
    for name in BLIND_CORPORA:
        blind += read(name)
    return base, blind


def _labelled_names(cases: list[dict[str, object]]) -> frozenset[str]:
    """The words of every labelled target, source and path (names, not words people use:
    "datasci" stays a word nobody knows)."""
    names: set[str] = set()
    for case in cases:
        slots = case.get("slots") or {}
        assert isinstance(slots, dict)
        for slot, value in slots.items():
            if slot in ("target", "source", "path"):
                names.update(stem(word.lower()) for word in re.split(r"[^A-Za-z]+", str(value)))
    return frozenset(names)


def _pairs(cases: list[dict[str, object]]) -> list[tuple[str, str]]:
    return [(str(case["text"]), str(case["intent"])) for case in cases]


def cross_validate(  # pragma: no cover
        root: Path, k: int = 5) -> dict[str, tuple[int, float, float, int]]:
    """k-fold cross-validation of the whole matcher (templates + frame scorer) over the blind
    development phrases: each fold is scored with weights and seen words learned from the
    other folds and the base corpora. Per source: (phrases, intent %, slots %, out-of-domain
    phrases acted on), and "all"."""
    import hashlib

    # import cycle: frames (run as __main__) -> frames (the package's copy, the one phrases uses)
    from ainlp.language import frames as module

    base, blind = _development(root)
    folds: list[list[dict[str, object]]] = [[] for _ in range(k)]
    for case in blind:
        folds[hashlib.sha256(("fold" + str(case["text"])).encode()).digest()[0] % k].append(case)
    tally: dict[str, list[int]] = {}
    saved, saved_seen, saved_use = module._model, module._seen, phrases.USE_FRAMES
    try:
        phrases.USE_FRAMES = True
        for number, fold in enumerate(folds):
            training = base + [case for other, cases in enumerate(folds) if other != number
                               for case in cases]
            learned = module._as_model(module.train(_pairs(training)))
            seen = module.learn_seen(_pairs(training), _labelled_names(training))
            module._model = lambda learned=learned: learned  # type: ignore[assignment,misc]
            module._seen = lambda seen=seen: seen  # type: ignore[assignment,misc]
            for case in fold:
                intent = phrases.match_phrase(str(case["text"]))
                ok = intent.name == case["intent"]
                expected = case.get("slots") or {}
                assert isinstance(expected, dict)
                got = {key: value.lower() for key, value in intent.slots.items()}
                slotted = case["intent"] != "unknown" and bool(expected)
                slots_ok = ok and all(got.get(key) == str(value).lower()
                                      for key, value in expected.items())
                acted = case["intent"] == "unknown" and intent.name != "unknown"
                for name in (str(case["source"]), "all"):
                    row = tally.setdefault(name, [0, 0, 0, 0, 0])
                    row[0] += 1
                    row[1] += ok
                    row[2] += slotted
                    row[3] += slotted and slots_ok
                    row[4] += acted
    finally:
        module._model, module._seen = saved, saved_seen  # type: ignore[misc]
        phrases.USE_FRAMES = saved_use
    return {name: (n, 100 * right / n, 100 * slots_right / max(slotted, 1), acted)
            for name, (n, right, slotted, slots_right, acted) in tally.items()}


if __name__ == "__main__":  # pragma: no cover - a development tool
    from pathlib import Path

    if "--cv" in sys.argv:
        at = sys.argv.index("--cv")
        folds_k = int(sys.argv[at + 1])
        root = Path(sys.argv[at + 2]) if len(sys.argv) > at + 2 else Path.cwd()
        for source, (count, intent_pc, slots_pc, ood) in cross_validate(root, folds_k).items():
            print(f"{folds_k}-fold CV  {source:<16} {count:>5} phrases  intent {intent_pc:5.1f}%  "
                  f"slots {slots_pc:5.1f}%  out-of-domain acted on {ood}")
    if "--train" in sys.argv:
        root = Path(sys.argv[sys.argv.index("--train") + 1]) if len(sys.argv) > 2 else Path.cwd()
        base_cases, blind_cases = _development(root)
        development = base_cases + blind_cases
        _model.cache_clear()
        sources = ", ".join(("tests/corpus/" + BASE_CORPORA[0], *BASE_CORPORA[1:],
                             *BLIND_CORPORA, "the dev split of people.yaml"))
        _write_weights(train(_pairs(development)), sources)
        _write_seen(learn_seen(_pairs(development), _labelled_names(development)), sources)
        print(f"trained on {len(development)} phrases")
