"""Turning a phrase into tokens, and the word tools the matcher needs (edit distance, typos)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

__all__ = ["CLAUSE_WORDS", "FILLER", "Token", "TypoIndex", "edit_distance", "is_path",
           "is_plain_phrase", "tokenize"]

# Words people add around what they mean; skipping them costs a phrase little.
FILLER = frozenset((
    "please", "pls", "kindly", "could", "would", "can", "you", "will", "me", "i", "i'd", "we",
    "let", "us", "let's", "just", "now", "quickly", "the", "a", "an", "my", "our", "your",
    "some", "any", "of", "for", "to", "this", "that", "those", "these", "it", "its", "all",
    "hey", "hi", "hello", "ok", "okay", "so", "then", "also", "thanks", "thank", "really",
    "actually", "currently", "oops", "hmm", "um", "uh", "well", "sorry",
))

_CONTRACTIONS = {
    "what's": ("what", "is"), "where's": ("where", "is"), "which's": ("which", "is"),
    "how's": ("how", "is"), "isn't": ("is", "not"), "aren't": ("are", "not"),
    "doesn't": ("does", "not"), "don't": ("do", "not"), "won't": ("will", "not"),
    "can't": ("can", "not"), "cannot": ("can", "not"), "i'm": ("i", "am"),
    "it's": ("it", "is"), "let's": ("let", "us"), "there's": ("there", "is"),
    # the same, typed without the apostrophe
    "cant": ("can", "not"), "dont": ("do", "not"), "doesnt": ("does", "not"),
    "isnt": ("is", "not"), "wont": ("will", "not"), "arent": ("are", "not"),
}

# The clause keywords of the block language (ainlp.lark), as the readers compare them
CLAUSE_WORDS = ("action", "recovery", "report", "export")

_SPLIT = re.compile(r"[\s,;]+")
_STRIP_OUTER = "\"'`()<>!?¡¿"
_PATHLIKE = re.compile(r"^(~|\.{1,2})?/|^~$|^\.{1,2}$|^\.[A-Za-z0-9_-]+$|^[A-Za-z]:[\\/]|/")


class Token:
    """A word of a phrase: as written (outer punctuation removed) and lower-cased."""

    __slots__ = ("lower", "text")

    def __init__(self, text: str, lower: str) -> None:
        self.text = text
        self.lower = lower

    def __repr__(self) -> str:
        return f"Token({self.text!r})"


@functools.cache
def _keyword_led() -> re.Pattern[str]:
    """Lines the script reader does not take as one phrase: RUN and CONTEXT (the shapes of those
    terminals in ainlp.lark), and a clause (`REPORT: ...`) outside a COMMAND, which it reports."""
    run = r"run[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*(#.*)?$"
    context = r"context[ \t]+[^\s{#]+\s*\{"
    clause = rf"(?:{'|'.join(CLAUSE_WORDS)})(?![A-Za-z0-9_])\s*:"
    return re.compile(rf"[ \t]*(?:{run}|{context}|{clause})", re.IGNORECASE)


def is_plain_phrase(text: str) -> bool:
    """True when `text` is surely one phrase statement, so the grammar need not be loaded."""
    line = text.strip()
    if not line or any(ch in line for ch in "\n{}#"):
        return False
    return not _keyword_led().match(line)


def is_path(text: str) -> bool:
    """Whether a word is written as a filesystem path ("~/x", "./env", ".venv", "/opt/py")."""
    return bool(_PATHLIKE.search(text))


def _clean(word: str) -> str:
    word = word.strip(_STRIP_OUTER)
    if is_path(word):
        return word.rstrip(".:")  # "export to ~/out." keeps the path, not the full stop
    return word.strip(".:")


def tokenize(text: str) -> list[Token]:
    """Words of a phrase: split on spaces and commas, outer punctuation and quotes removed."""
    tokens: list[Token] = []
    for raw in _SPLIT.split(text):
        word = _clean(raw)
        if not word:
            continue
        lower = word.lower().replace("\u2019", "'")
        expanded = _CONTRACTIONS.get(lower)
        if expanded:
            tokens.extend(Token(part, part) for part in expanded)
        else:
            tokens.append(Token(word, lower))
    return tokens


def edit_distance(a: str, b: str, limit: int = 99) -> int:
    """Optimal-string-alignment distance (swapped neighbours count 1); stops early past `limit`."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(word: str) -> int:
    """How many edits a word of this length may carry and still be recognised.

    Three-letter words get one edit, but only a swap of neighbours ("fxi" is "fix"): any other
    edit of so short a word makes another word too often.
    """
    if len(word) < 3:
        return 0
    return 1 if len(word) < 8 else 2


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class TypoIndex:
    """Finds the vocabulary word a mistyped word stands for (a symmetric-deletion index)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.words = frozenset(vocabulary)
        self._by_length: dict[int, list[str]] = {}
        for word in self.words:
            if allowed_typos(word):
                self._by_length.setdefault(len(word), []).append(word)
        self._index: dict[str, set[str]] = {}
        self._indexed: set[int] = set()
        # A word longer than this is no typo of any vocabulary word: its deletions (quadratic in
        # its length, two rounds deep) are never computed.
        self.longest = max((len(word) for word in self.words), default=0) + 2

    def _index_lengths(self, low: int, high: int) -> None:
        """Index the vocabulary words of these lengths (built on demand: a cold process
        correcting one word needs a few lengths, not all)."""
        for length in range(low, high + 1):
            if length in self._indexed:
                continue
            self._indexed.add(length)
            for word in self._by_length.get(length, ()):
                for key in {word} | _deletions(word):
                    self._index.setdefault(key, set()).add(word)

    def correct(self, word: str) -> str | None:
        """The nearest vocabulary word within the allowed edits, or None (also when tied)."""
        if (len(word) > self.longest or word in self.words or allowed_typos(word) == 0
                or not word.isalpha()):
            return None
        # Keys are the word and its deletions (two deep for long words); a vocabulary word of
        # length L is indexed under itself and its deletions: L runs from len-2 to len+1.
        self._index_lengths(len(word) - 2, len(word) + 1)
        candidates: set[str] = set()
        for key in {word} | _deletions(word):
            candidates |= self._index.get(key, set())
        if allowed_typos(word) > 1:
            # Two edits: a second round of deletions on the input side only, checked below.
            for first in _deletions(word):
                for key in _deletions(first):
                    candidates |= self._index.get(key, set())
        best: list[tuple[int, str]] = []
        for candidate in candidates:
            limit = min(allowed_typos(word), allowed_typos(candidate))
            distance = edit_distance(word, candidate, limit)
            if 3 in (len(word), len(candidate)) and sorted(word) != sorted(candidate):
                continue
            if distance <= limit:
                best.append((distance, candidate))
        if not best:
            return None
        best.sort()
        if len(best) > 1 and best[0][0] == best[1][0]:
            return None  # two words equally near: no guess
        return best[0][1]
