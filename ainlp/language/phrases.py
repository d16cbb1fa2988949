"""The phrase matcher: templates per intent, aligned with a phrase's words, ranked by confidence.

A template (see templates.py) compiles to a row of items: words (with alternatives), slots and
"any words". A phrase is aligned with each candidate template by dynamic programming: a matched
word earns its weight (filler such as "please" or "the" weighs a quarter, a corrected typo a bit
less, a free-form name half) and a matched required item earns a point; a content word the
template does not explain costs half a point, a required item the phrase lacks costs a point. The
confidence is that score over the phrase's weight plus the template's required items: 1.0 when
everything lines up. The best intent wins only when it is strong enough and clearly ahead of the
next one; otherwise the answer is `unknown`, with suggestions.

Only templates sharing a specific word with the phrase are tried, best upper bound first, and a
template whose bound cannot beat its intent's best so far is skipped.

Issue 15 measured this on tests/corpus/people.yaml (859 phrases written blind to the matcher,
222 out of domain), split once by a hash of the text (tests/test_phrase_generalisation.py):

    matcher                      split               intent  slots  out-of-domain acted on
    templates alone              dev                 63.7%   47.2%  3 of 117
    templates alone              test                59.8%   52.5%  2 of 105
    templates + frame scorer 1   dev, 5-fold CV      79.1%   68.8%  0 of 117
    templates + frame scorer 1   dev, 10-fold CV     78.7%   67.6%  0 of 117
    templates + frame scorer 1   dev (trained on it) 81.0%   69.9%  0 of 117
    templates + frame scorer 1   test (once)         75.4%   70.4%  4 of 105
    templates + frame scorer 1   test (as it was)    75.6%   71.0%  4 of 105
    templates + frame scorer 2   dev, 5-fold CV      94.6%   93.2%  0 of 117
    templates + frame scorer 2   test (measured 1)   89.5%   85.8%  3 of 105
    templates + frame scorer 3   dev, 5-fold CV      95.5%   93.8%  0 of 117
    templates + frame scorer 3   dev, 10-fold CV     95.5%   93.8%  0 of 117
    templates + frame scorer 3   dev (trained on it) 98.4%   97.7%  0 of 117
    templates + frame scorer 3   test (measured 2)   89.7%   85.8%  2 of 105
    templates + frame scorer 4   dev, 5-fold CV      97.5%   95.5%  0 of 117
    templates + frame scorer 4   all blind dev, CV   90.6%   82.9%  58 of 2,107
    templates + frame scorer 4   test (measured 3)   96.4%   94.4%  0 of 105  <- in use
    templates + frame scorer 4   fresh.yaml (once)   95.1%   90.1%  0 of 210
    templates alone              fresh.yaml          57.8%   34.2%  7 of 210

Scorer 1 was the first frame scorer (off: it acted on more out-of-domain test phrases than the
templates). Scorer 2 and 3 (the second round of issue 15) learn from more and say `unknown`
more carefully. The model is trained by stochastic gradient descent (the old full-batch descent
left it too unsure to act), over the phrase's own stemmed words beside its concepts, on the
dev split, the project's corpora and tests/corpus/training.yaml (phrases written for training
from the intent contract, many of them out of domain). Its gates read the lexicon: a concept of
the intent's object must be named (a verb alone is not enough: "back up my photos"), a verb that
is its own object ("export", "report") with a word nobody knows beside it is another domain's
("export the chat history"), a phrase about writing or learning code naming no thing of ours
but Python is not ours ("which python course should I take"), two words nobody knows make a
phrase another domain's, and a free-form name counts as an object only after a cue ("run doctor
on datasci"; "repair datasci" stays `unknown`, as the project's corpus says). Scorer 3 differs
from 2 by a larger training corpus and the last two gates, found with phrases of our own, not
from the test split. Every gate and the thresholds were chosen by 5- and 10-fold
cross-validation over the dev split (weights retrained on each fold's other folds and the
corpora); the test split was measured twice, aggregates only (measured 2 was read from
benchmarks/parse.py's table, which measures the test split whenever it runs).

Scorer 4 (issue 15's third round, session 4) learns from 7,000 phrases written blind to the
matcher instead of 1,100: heldout.yaml (session 3's held-out set, measured three times, now
development data) and five new corpora (training2-6.yaml) that helper sessions wrote from the
intent and command contracts alone, each with another brief (many people; stories, shell habits
and beginners; slots in every spelling; the boundary with near misses; forty personas). More
varied data closed most of the gap between cross-validation and the test split; the rest came
from general rules, each chosen by cross-validation over all blind development phrases ("all
blind dev" above, 6,483 phrases in 5 folds): words people use for our jobs count as known
(seen.toml), pairs of neighbouring words are features, a quoted word is a name, a hyphenated
word is read as its parts, a path names an environment, an unsure template match is replaced
only when the frame scorer is 0.75 sure, and "python3" names a command where "py312" names 3.12.
The test split was then measured once (measured 3), and fresh.yaml (730 phrases, 210 out of
domain, written blind in session 4 and committed before any of these changes) once.

The frame scorer is on (USE_FRAMES). On the test split it reaches the issue's targets (intent
>= 95%, slots >= 92%, no out-of-domain phrase acted on); on fresh.yaml intent is 95.1% and no
out-of-domain phrase is acted on, while slots (90.1%) stay under 92% (its misses were not read:
it stays a held-out measure).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ainlp.language import templates as t
from ainlp.language.normalise import (
    FILLER,
    Token,
    TypoIndex,
    allowed_typos,
    edit_distance,
    is_path,
    tokenize,
)
from ainlp.language.templates import DEFAULT_SLOTS, EXAMPLES, ITEMS, MACROS, TEMPLATE_ITEMS

# lazy: ainlp.core.versions 4.8 ms (its dataclasses: only for a word with a digit),
# lazy: ainlp.language.ast 8.0 ms, ainlp.language.template_notation 49.1 ms (python -X
# importtime after what a cold `ainlp parse PHRASE --json` loads: its document is built
# without the AST, and the notation's Lark grammar is for building and tests)

if TYPE_CHECKING:
    from ainlp.core.jsondoc import JSONObject
    from ainlp.language.ast import Intent, Phrase

__all__ = ["ACCEPT", "MARGIN", "MAX_PHRASE_CHARS", "MAX_PHRASE_WORDS", "USE_FRAMES", "Candidate",
           "decide", "intent_of", "match_command_words", "match_phrase", "phrase_document", "rank",
           "understand"]

ACCEPT = 0.7  # below this the best candidate is a guess, and we do not guess
MARGIN = 0.06  # two intents closer than this are a tie: ask, do not pick

_FILLER_WEIGHT = 0.25
_TYPO_FACTOR = 0.85
_NAME_FACTOR = 0.5  # a free-form name fills a slot with almost any word: it earns less
_ANY_FACTOR = 0.4
_LEAST = 0.1  # candidates below this are not worth listing as alternatives
_SUGGEST = 0.1  # candidates at least this near are offered as suggestions for an unknown
_SKIP_COST = 0.5  # a content word of the phrase that the template does not explain
_MISSING_COST = 1.0  # a required template item absent from the phrase

_VERSION_PREFIX = frozenset({"python", "py", "cpython", "pypy", "version"})
_NAME_CUES = frozenset({"in", "into", "inside", "for", "to", "of", "on", "from", "called",
                        "named", "is", "are"})
_DETERMINERS = frozenset({"my", "the", "a", "an", "our", "your", "his", "her", "their"})
_NAME = re.compile(r"^[A-Za-z0-9_][\w.\-]*$")
# Bounds that keep matching linear in the input: no phrase people say comes near them, and a
# text past them is `unknown` at once (a template's "..." item is quadratic in the words).
MAX_PHRASE_CHARS = 2000
MAX_PHRASE_WORDS = 64
_SNAPSHOT_ID = re.compile(r"^\d{8}-\d{6}(-\d+)?$|^[a-f0-9]{8,}$")


def _version_match(word: str) -> re.Match[str] | None:
    """The word as a version slot (PyVersion.slot_match): groups (prefix, version as written)."""
    if not any(ch.isdigit() for ch in word):
        return None  # every spelling has a digit: "diagnose python" never loads PyVersion
    from ainlp.core.versions import PyVersion

    return PyVersion.slot_match(word)


class _Item:
    """One step of a template: words (alternatives), slots, or "any words" ("...")."""

    # Plain classes, not dataclasses: building the class costs nothing at import.
    __slots__ = ("alternatives", "anything", "by_first", "firsts", "optional", "slots")

    def __init__(self, alternatives: tuple[tuple[str, ...], ...], slots: tuple[str, ...],
                 optional: bool, anything: bool,
                 by_first: dict[str, tuple[tuple[str, ...], ...]]) -> None:
        self.alternatives = alternatives  # runs of words
        self.slots = slots  # slot names this item may be
        self.optional = optional
        self.anything = anything
        self.by_first = by_first
        self.firsts = frozenset(by_first)  # a phrase with none of these words cannot match


_INTERNED: dict[tuple[object, ...], _Item] = {}


def _item(alternatives: tuple[tuple[str, ...], ...], slots: tuple[str, ...], optional: bool,
          anything: bool = False) -> _Item:
    """One shared item per distinct shape: matches are worked out once per phrase and item."""
    key = (alternatives, slots, optional, anything)
    item = _INTERNED.get(key)
    if item is None:
        index: dict[str, list[tuple[str, ...]]] = {}
        for alt in alternatives:
            index.setdefault(alt[0], []).append(alt)
        item = _INTERNED[key] = _Item(alternatives, slots, optional, anything,
                                      {word: tuple(alts) for word, alts in index.items()})
    return item


class _Template:
    __slots__ = ("anchors", "intent", "items", "required", "text")

    def __init__(self, intent: str, text: str, items: tuple[_Item, ...], required: float,
                 anchors: frozenset[str]) -> None:
        self.intent = intent
        self.text = text
        self.items = items
        self.required = required  # total weight of required items
        self.anchors = anchors  # words of required items: a phrase must share one to be tried


class Candidate:
    """An intent a phrase may mean, with the slots and template of its best alignment."""

    __slots__ = ("confidence", "intent", "slots", "template")

    def __init__(self, intent: str, confidence: float, slots: dict[str, str],
                 template: str) -> None:
        self.intent = intent
        self.confidence = confidence
        self.slots = slots
        self.template = template

    def __repr__(self) -> str:
        return f"Candidate({self.intent!r}, {self.confidence:.3f}, {self.slots!r})"


# --- compiling templates --------------------------------------------------------------------

# The templates are data: templates.toml, whose notation is a Lark grammar
# (grammar/templates.lark), compiled ahead into templates.compiled.json (templates.py says why,
# with the figures). Here each compiled item becomes one shared _Item, and each template a
# _Template; Lark is loaded only by compile_template, for tests and tools.

def compile_template(intent: str, text: str) -> _Template:
    """A template compiled through the notation's grammar; TemplateError (a ValueError naming
    the intent and column) when it does not compile."""
    from ainlp.language.template_notation import compile_template as items_of

    items = tuple(_item(*data) for data in items_of(intent, text))
    return _template(intent, text, items)


def _template(intent: str, text: str, items: tuple[_Item, ...]) -> _Template:
    required = float(sum(1 for item in items if not item.optional))
    words = {alt[0] for item in items if not item.optional for alt in item.alternatives}
    words -= FILLER
    # A template is tried when the phrase shares a word with it; words that nearly every
    # template has ("python", "environments") would have every template tried for nothing.
    specific = words - _generic_words()
    return _Template(intent, text, items, required, frozenset(specific or words))


@functools.cache
def _generic_words() -> frozenset[str]:
    return frozenset(word for name in ("<env>", "<py>") for alt in MACROS[name] for word in alt)


@functools.cache
def _templates() -> tuple[_Template, ...]:
    items = [_item(runs, slots, optional, anything) for runs, slots, optional, anything in ITEMS]
    return tuple(_template(intent, text, tuple(items[number] for number in numbers))
                 for intent, text, numbers in TEMPLATE_ITEMS)


@functools.cache
def _anchor_index() -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for number, template in enumerate(_templates()):
        for word in template.anchors:
            index.setdefault(word, []).append(number)
    return {word: tuple(numbers) for word, numbers in index.items()}


_Runs = tuple[tuple[tuple[str, ...], str], ...]


def _phrase_table(entries: Iterable[tuple[str, str]]) -> dict[str, _Runs]:
    """Written phrases by first word, longest first: for matching slot vocabularies."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for written, value in entries:
        words = tuple(written.split())
        table.setdefault(words[0], []).append((words, value))
    return {first: tuple(sorted(runs, key=lambda run: -len(run[0])))
            for first, runs in table.items()}


@functools.cache
def _vocabularies() -> dict[str, dict[str, _Runs]]:
    return {
        "kind": _phrase_table(t.KINDS.items()),
        "state": _phrase_table(t.STATES.items()),
        "topic": _phrase_table(t.TOPICS.items()),
        "format": _phrase_table(t.FORMATS.items()),
        "scope": _phrase_table(t.SCOPES.items()),
        "source": _phrase_table(t.SOURCES.items()),
        "project": _phrase_table((p, "project") for p in t.PROJECT),
        "all": _phrase_table((a, "all") for a in t.ALL),
    }


@functools.cache
def vocabulary() -> frozenset[str]:
    """Every word a template or a slot vocabulary knows: the words typos are corrected towards."""
    words: set[str] = set(FILLER)
    for template in _templates():
        for item in template.items:
            for alt in item.alternatives:
                words.update(alt)
    for table in _vocabularies().values():
        for runs in table.values():
            for run, _value in runs:
                words.update(run)
    return frozenset(words)


@functools.cache
def _typos() -> TypoIndex:
    return TypoIndex(w for w in vocabulary() if w.isalpha())


def _noise(word: str) -> bool:
    """A word with no ASCII letter or digit that is no path ("🐍", "ÄÖÜ", "—"): no template,
    version or typo can use it, so like filler it costs a phrase little ("🐍 diagnose python")."""
    return not any(ch.isascii() and ch.isalnum() for ch in word) and not is_path(word)


# --- one phrase, prepared once for every template ---------------------------------------------

_Match = tuple[int, float, str]  # (end token, gain, slot value)
_Step = tuple[int, float, "str | None", str]  # (end token, gain, slot name or None, slot value)


class _Phrase:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = tokenize(text) if len(text) <= MAX_PHRASE_CHARS else []
        if len(self.tokens) > MAX_PHRASE_WORDS:
            self.tokens = []
        self.n = len(self.tokens)
        known = vocabulary()
        self.words = [t.lower for t in self.tokens]
        self.fixed: list[str | None] = [
            None if (w in known or len(w) < 3) else _typos().correct(w) for w in self.words]
        light = [w in FILLER or _noise(w) for w in self.words]
        self.weights = [_FILLER_WEIGHT if x else 1.0 for x in light]
        self.skip_costs = [0.0 if x else _SKIP_COST for x in light]
        self.total = sum(self.weights)
        self._slot_starts: dict[str, list[tuple[int, list[_Match]]]] = {}
        self.item_matches: dict[int, dict[int, list[_Step]]] = {}  # id(item) -> start -> steps
        self.key_set = frozenset(self.keys())

    def keys(self) -> set[str]:
        """The words a template may share with the phrase (as typed, and typo-corrected)."""
        return set(self.words) | {f for f in self.fixed if f}

    def slot_starts(self, name: str) -> list[tuple[int, list[_Match]]]:
        """Where the slot can start, with its matches there (most words start none)."""
        starts = self._slot_starts.get(name)
        if starts is None:
            starts = self._slot_starts[name] = [
                (j, matches) for j in range(self.n) if (matches := self._find_slot(name, j))]
        return starts

    def _vocab(self, table: str, j: int, factor: float = 1.0) -> list[_Match]:
        found: list[_Match] = []
        for k in (self.words[j], self.fixed[j]):
            for run, value in _vocabularies()[table].get(k or "", ()):
                end = j + len(run)
                if end <= self.n and all(self.words[j + i] == w or self.fixed[j + i] == w
                                         for i, w in enumerate(run)):
                    typo = any(self.words[j + i] != w for i, w in enumerate(run))
                    gain = sum(self.weights[j:end]) * factor * (_TYPO_FACTOR if typo else 1.0)
                    found.append((end, gain, value))
        return found

    def _find_slot(self, name: str, j: int) -> list[_Match]:
        token = self.tokens[j]
        weight = self.weights[j]
        if name == "version":
            return self._version(j)
        if name in ("kind", "topic", "format", "scope", "state"):
            return self._vocab(name, j)
        if name == "path":
            return [(j + 1, weight, token.text)] if is_path(token.text) else []
        if name == "source":
            found = self._vocab("source", j)
            if _SNAPSHOT_ID.match(token.lower) or is_path(token.text):
                found.append((j + 1, weight, token.text))
            return found
        if name == "target":
            found = self._vocab("project", j) + self._vocab("all", j)
            if found:
                return found
            if is_path(token.text):
                return [(j + 1, weight * 0.9, token.text)]  # {path} says it better, where allowed
            if (_NAME.match(token.text) and token.lower not in vocabulary()
                    and not _version_match(token.lower) and not self.fixed[j]
                    and not self._owned_thing(j)):
                # "check mail", "backup phone": a bare word after a verb may name anything; it
                # fills the slot but earns nothing unless a cue says it names an environment.
                factor = _NAME_FACTOR if self._named_environment(j) else 0.0
                return [(j + 1, weight * factor, token.text)]
        return []

    def _named_environment(self, j: int) -> bool:
        """Whether the words around a name say it is an environment's: "environment datasci",
        "datasci env", "in datasci", "to datasci", "called api", "is datasci healthy"."""
        before = self.words[j - 1] if j > 0 else ""
        after = self.words[j + 1] if j + 1 < self.n else ""
        return before in _NAME_CUES or before in _generic_words() or after in _generic_words()

    def _owned_thing(self, j: int) -> bool:
        """"my car", "the oven": a word after an article or possessive names a thing, not an
        environment, unless an environment word follows ("my datasci env")."""
        if j == 0 or self.words[j - 1] not in _DETERMINERS:
            return False
        return not (j + 1 < self.n and self.words[j + 1] in _generic_words())

    def _version(self, j: int) -> list[_Match]:
        word = self.words[j]
        match = _version_match(word)
        if match and (match.group(1) or "." in match.group(2)):
            value = match.group(2)
            if "." not in value and value.rstrip("+").isdigit():
                # "python3" names a command, not a version; "py312" is 3.12
                if len(value) == 1 or value[0] not in "23":
                    return []
                value = f"{value[0]}.{value[1:]}"
            return [(j + 1, self.weights[j], value)]
        if word in _VERSION_PREFIX and j + 1 < self.n:
            after = _version_match(self.words[j + 1])
            if after and not after.group(1):
                return [(j + 2, self.weights[j] + self.weights[j + 1], after.group(2))]
        return []


# --- aligning a phrase with a template ---------------------------------------------------------

_SKIP_TOKEN = 0
_SKIP_ITEM = 1


def _matches_of(item: _Item, phrase: _Phrase) -> dict[int, list[_Step]]:
    """Every way `item` can match, by the token it starts at (memoised per phrase and item)."""
    found = phrase.item_matches.get(id(item))
    if found is not None:
        return found
    found = {}
    bonus = 0.0 if item.optional else 1.0
    n, words, fixed, weights = phrase.n, phrase.words, phrase.fixed, phrase.weights
    if item.by_first and not item.firsts.isdisjoint(phrase.key_set):
        for j in range(n):
            for key in (words[j], fixed[j]):
                for alt in item.by_first.get(key or "", ()):
                    end = j + len(alt)
                    if end > n:
                        continue
                    gain = bonus
                    for k, word in enumerate(alt, j):
                        if words[k] == word:
                            gain += weights[k]
                        elif fixed[k] == word:
                            gain += weights[k] * _TYPO_FACTOR
                        else:
                            break
                    else:
                        found.setdefault(j, []).append((end, gain, None, ""))
    for slot in item.slots:
        for j, options in phrase.slot_starts(slot):
            for end, gain, value in options:
                share = gain / max(sum(weights[j:end]), 1e-9)  # a weak slot earns a weak bonus
                found.setdefault(j, []).append((end, gain + bonus * share, slot, value))
    if item.anything:
        for j in range(n):
            running = 0.0
            for end in range(j + 1, n + 1):
                running += weights[end - 1] * _ANY_FACTOR
                found.setdefault(j, []).append((end, running, None, ""))
    phrase.item_matches[id(item)] = found
    return found


def _align(template: _Template, phrase: _Phrase) -> tuple[float, dict[str, str]]:
    """The best score of the template against the phrase, and the slots that alignment fills."""
    n, items = phrase.n, template.items
    m = len(items)
    score = [[0.0] * (n + 1) for _ in range(m + 1)]
    cost = phrase.skip_costs
    for j in range(n - 1, -1, -1):  # words left over after the last item
        score[m][j] = score[m][j + 1] - cost[j]
    how: list[list[object]] = [[_SKIP_TOKEN] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        item = items[i]
        row, below, choice = score[i], score[i + 1], how[i]
        skip_item = 0.0 if item.optional else -_MISSING_COST
        matches = _matches_of(item, phrase)
        if not matches:
            # Starting later never pays (below[j] >= below[j+1] - cost[j], as skipping word j is
            # one of its options), so with nothing to match here skipping the item is best.
            score[i] = [value + skip_item for value in below]
            how[i] = [_SKIP_ITEM] * (n + 1)
            continue
        row[n] = below[n] + skip_item
        choice[n] = _SKIP_ITEM
        for j in range(n - 1, -1, -1):
            best: float = row[j + 1] - cost[j]
            pick: object = _SKIP_TOKEN
            value = below[j] + skip_item
            if value > best:
                best, pick = value, _SKIP_ITEM
            for match in matches.get(j, ()):
                value = below[match[0]] + match[1]
                if value >= best:
                    best, pick = value, match
            row[j] = best
            choice[j] = pick
    slots: dict[str, str] = {}
    i = j = 0
    while i < m:
        pick = how[i][j]
        if pick == _SKIP_TOKEN:
            j += 1
        elif pick == _SKIP_ITEM:
            i += 1
        else:
            assert isinstance(pick, tuple)
            end, _gain, slot, value = pick
            if slot and slot not in slots:
                slots[slot] = value
            i, j = i + 1, end
    return score[0][0], slots


def _upper_bound(template: _Template, phrase: _Phrase) -> float:
    """A confidence the template cannot reach: each item's best match, order and overlap ignored."""
    total = 0.0
    for item in template.items:
        matches = _matches_of(item, phrase)
        if matches:
            total += max(step[1] for steps in matches.values() for step in steps)
        elif not item.optional:
            total -= _MISSING_COST
    return min(total, phrase.total + template.required) / (phrase.total + template.required)


def rank(text: str) -> list[Candidate]:
    """Every intent that some template reaches, best first (one candidate per intent)."""
    phrase = _Phrase(text)
    if phrase.n == 0:
        return []
    templates = _templates()
    index = _anchor_index()
    tried: set[int] = set()
    for key in phrase.keys():  # noqa: SIM118 - a method of _Phrase, not a dict
        tried.update(index.get(key, ()))
    bounds = sorted(((_upper_bound(templates[number], phrase), number) for number in tried),
                    key=lambda pair: (-pair[0], pair[1]))
    best: dict[str, Candidate] = {}
    for bound, number in bounds:
        if bound < _LEAST:
            break  # sorted: no template after this one can be worth reporting
        template = templates[number]
        current = best.get(template.intent)
        if current is not None and bound < current.confidence:
            continue  # cannot beat what its intent already has
        raw, slots = _align(template, phrase)
        confidence = max(0.0, raw) / (phrase.total + template.required)
        current = best.get(template.intent)
        if current is None or (confidence, len(slots)) > (current.confidence, len(current.slots)):
            best[template.intent] = Candidate(template.intent, min(confidence, 1.0), slots,
                                              template.text)
    return sorted(best.values(), key=lambda c: (-c.confidence, c.intent))


def _with_defaults(intent: str, slots: dict[str, str]) -> dict[str, str]:
    return {**DEFAULT_SLOTS.get(intent, {}), **slots}


def _suggestions(candidates: Sequence[Candidate],
                 ranked: Sequence[tuple[str, float]] = ()) -> tuple[str, ...]:
    """Two or three things we can do, nearest first, as the user would type them: the intents
    the templates came near, then those the frame scorer rates above its prior."""
    near = [EXAMPLES[c.intent] for c in candidates[:3] if c.confidence >= _SUGGEST]
    if not near:
        for intent, probability in ranked:
            if len(near) >= 3:
                break
            if intent in EXAMPLES and probability >= 0.05 and EXAMPLES[intent] not in near:
                near.append(EXAMPLES[intent])
    return tuple(near) if near else ("help", EXAMPLES["list_environments"], EXAMPLES["diagnose"])


def match_phrase(text: str) -> Intent:
    """The intent of a free-form phrase; `unknown` (with suggestions) rather than a guess."""
    from ainlp.language.ast import Intent

    name, slots, confidence, alternatives, template, suggestions = understand(text)
    return Intent(name, slots, confidence, text, alternatives, template, suggestions)


# The frame scorer (frames.py) is on: over the dev split's cross-validation it lifts intent from
# 64% to 95% and slots from 47% to 94%, acting on no out-of-domain phrase (see the docstring).
USE_FRAMES = True
# The frame scorer overrules or completes the templates only when it is this sure (chosen by
# 5- and 10-fold cross-validation over the dev split: 0.6/0.2 understood less, 0.5/0.1 no more
# than 0.55/0.15, and none acted on an out-of-domain dev phrase).
FRAME_ACCEPT = 0.55  # its best intent's probability
FRAME_MARGIN = 0.15  # and its lead over the next one (`unknown` included)
FRAME_VETO = 0.85  # a template's weak match (below TEMPLATE_SURE) it calls out of domain
TEMPLATE_SURE = 0.9
# and replaces a template's unsure match only when at least this sure of its own intent (the
# same cross-validated figures from 0.55 to 0.9; "what versions of python do I have" stays a list)
FRAME_OVERRIDE = 0.75
OBJECT_VETO = True  # a template's weak match is refused when the phrase names none of its objects
_OBJECT_SLOTS = frozenset({"target", "path", "version", "source"})  # a slot that names one


def understand(text: str) -> _Decision:
    """Templates first; the frame scorer where they are unsure, tied, silent or strange.

    A template match at TEMPLATE_SURE or above whose words the templates all know stands. One
    with a word they do not know, or below TEMPLATE_SURE, is vetoed when the phrase names
    another tool's or life's things (lexicon.toml `foreign`), has UNKNOWN_LIMIT words nobody
    knows, names none of the intent's objects, or the frame scorer is sure it is out of domain;
    below TEMPLATE_SURE the frame scorer may also replace it (it is sure of another intent). An
    `unknown` of the templates becomes the frame scorer's intent when that is strong and clear.
    Slots come from the template of the chosen intent, completed by frames.extract_slots.
    """
    candidates = rank(text)
    decision = _decision(candidates)
    if (not USE_FRAMES or not text.strip() or len(text) > MAX_PHRASE_CHARS
            or len(tokenize(text)) > MAX_PHRASE_WORDS):
        return decision  # past the bounds a text is `unknown` at once, as for the templates
    name, _slots, confidence, _alternatives, _template, _suggestions = decision
    # import cycle: phrases -> frames -> phrases (the frame scorer reads the templates' words)
    from ainlp.language.frames import (
        another_domain,
        classify,
        extract_slots,
        features,
        in_domain,
    )

    sure = name != "unknown" and confidence >= TEMPLATE_SURE
    if sure and not _strange(text):
        # every word is one the templates know: it stands, its slots completed (names aside:
        # the lexicon stays unloaded, a cold parse of such a phrase pays nothing for it)
        return _completed(decision, extract_slots(name, text, names=False))
    present = features(text)
    ranked = classify(text, present)
    best, p_best = ranked[0]
    lead = p_best - ranked[1][1]
    clear = (p_best >= FRAME_ACCEPT and lead >= FRAME_MARGIN
             and in_domain(best, present, text))
    if name != "unknown":
        if ((best == "unknown" and p_best >= FRAME_VETO) or another_domain(present, text)
                or (OBJECT_VETO and not _OBJECT_SLOTS.intersection(decision[1])
                    and not in_domain(name, present, text, strict=False))):
            return _unknown(candidates, 1.0 - confidence, ranked)
        if sure or best in (name, "unknown") or not clear or p_best < FRAME_OVERRIDE:
            return _completed(decision, extract_slots(name, text))
    elif best == "unknown" or not clear:
        return _unknown(candidates, decision[2], ranked)
    chosen = next((c for c in candidates if c.intent == best), None)
    slots = dict(chosen.slots) if chosen is not None else {}
    for slot, value in extract_slots(best, text).items():
        slots.setdefault(slot, value)
    listed = tuple((c.intent, round(c.confidence, 3)) for c in candidates
                   if c.confidence >= _LEAST and c.intent != best)
    template = chosen.template if chosen is not None else f"frame: {best}"
    return (best, _with_defaults(best, slots), round(p_best, 3), listed[:3], template, ())


def _strange(text: str) -> bool:
    """Whether the phrase has a word no template knows, even as a typo ("course" in "which
    python course should I take"): then the frame scorer reads it before a template acts."""
    known = vocabulary()
    for token in tokenize(text):
        word = token.lower
        if (len(word) >= 3 and word.isalpha() and word not in known
                and _typos().correct(word) is None):
            return True
    return False


def _completed(decision: _Decision, found: dict[str, str]) -> _Decision:
    """A template's decision with the slots it missed that the phrase states."""
    name, slots, confidence, alternatives, template, suggestions = decision
    missing = {slot: value for slot, value in found.items() if slot not in slots}
    if not missing:
        return decision
    return (name, {**slots, **missing}, confidence, alternatives, template, suggestions)


def _unknown(candidates: Sequence[Candidate], confidence: float,
             ranked: Sequence[tuple[str, float]] = ()) -> _Decision:
    listed = tuple((c.intent, round(c.confidence, 3)) for c in candidates
                   if c.confidence >= _LEAST)
    return ("unknown", {}, round(confidence, 3), listed[:3], None,
            _suggestions(candidates, ranked))


def intent_of(phrase: Phrase) -> Intent:
    """The phrase's intent: filled by the checker, matched here for an unchecked phrase."""
    return phrase.intent if phrase.intent is not None else match_phrase(phrase.text)


# (intent, slots, confidence, alternatives, template, suggestions)
_Decision = tuple[str, dict[str, str], float, tuple[tuple[str, float], ...], "str | None",
                  tuple[str, ...]]


def _decision(candidates: Sequence[Candidate]) -> _Decision:
    listed = tuple((c.intent, round(c.confidence, 3)) for c in candidates
                   if c.confidence >= _LEAST)
    if not candidates or candidates[0].confidence < ACCEPT:
        confidence = 1.0 - (candidates[0].confidence if candidates else 0.0)
        return "unknown", {}, round(confidence, 3), listed[:3], None, _suggestions(candidates)
    best = candidates[0]
    if len(candidates) > 1 and best.confidence - candidates[1].confidence < MARGIN:
        lead = best.confidence - candidates[1].confidence
        return "unknown", {}, round(1.0 - lead, 3), listed[:3], None, _suggestions(candidates)
    return (best.intent, _with_defaults(best.intent, best.slots), round(best.confidence, 3),
            listed[1:4], best.template, ())


def decide(text: str, candidates: Sequence[Candidate]) -> Intent:
    """The Intent for ranked candidates: the best one if strong and clearly ahead, else unknown.

    An unknown's confidence says how sure we are that nothing fits: 1 - best for a weak best,
    1 - the lead for two intents neck and neck.
    """
    from ainlp.language.ast import Intent

    name, slots, confidence, alternatives, template, suggestions = _decision(candidates)
    return Intent(name, slots, confidence, text, alternatives, template, suggestions)


def phrase_document(text: str) -> JSONObject:
    """`match_phrase(text).to_json()`, built without loading the AST module.

    For the cold path of `ainlp parse PHRASE --json`, where the AST classes would be a fifth of
    the process's own time. A test keeps the two documents identical over the phrase corpora.
    """
    name, slots, confidence, alternatives, template, suggestions = understand(text)
    doc: JSONObject = {
        "kind": "phrase", "text": text, "intent": name, "slots": dict(slots),
        "confidence": round(confidence, 3),
        "alternatives": [{"intent": i, "confidence": round(c, 3)} for i, c in alternatives],
        "template": template,
    }
    if suggestions:
        doc["suggestions"] = list(suggestions)
    return doc


def match_command_words(text: str, command_names: Iterable[str]) -> str | None:
    """The COMMAND whose name's words the phrase says ("diagnose python issues"), if exactly one.

    Filler words and a leading "run" are ignored; each word may carry a small typo.
    """

    words = [t.lower for t in tokenize(text) if t.lower not in FILLER]
    if words and words[0] in ("run", "execute", "do", "start") and len(words) > 1:
        words = words[1:]
    if not words:
        return None
    exact: list[str] = []
    close: list[str] = []
    for name in command_names:
        parts = [p for p in name.lower().replace("-", "_").split("_")
                 if p and p not in FILLER]  # as in the phrase: "prepare_for_os" says "prepare os"
        if parts == words or "_".join(words) == name.lower():
            exact.append(name)
        elif len(parts) == len(words) and all(
                edit_distance(w, p, allowed_typos(p)) <= allowed_typos(p)
                for w, p in zip(words, parts, strict=True)):
            close.append(name)
    if len(exact) == 1:
        return exact[0]
    if not exact and len(close) == 1:
        return close[0]
    return None
