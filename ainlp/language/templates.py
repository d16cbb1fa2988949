"""The phrase templates of every intent, and the vocabulary of their slots: data, not code.

templates.toml (beside this module) is the source: the templates in their notation (`[x]`
optional, `(a|b c)` alternatives, `{slot}`, `...` any words, `<env>` shorthands; its header
says more), the examples, the defaults and the slot vocabularies. The notation is a Lark
grammar, grammar/templates.lark, compiled by template_notation.py. A running ainlp reads
neither: it reads templates.compiled.json, which that compiler makes from templates.toml, as
plain JSON. After editing templates.toml, run

    python -m ainlp.language.templates --write

and tests/test_templates_data.py checks that the committed file is exactly what templates.toml
compiles to (`--check` says the same from the command line).

Why compiled ahead: a cold `ainlp parse "diagnose python path problems" --json` must stay
within 6x a bare `python -c pass` (benchmarks/parse.py: 4.95x, 65.9 ms to 13.3 ms, before this
change), and a warm phrase under 0.5 ms. Measured in fresh processes on this shared 2-core
machine while others worked on it (load 3 to 4), best of 15:

    importing lark                                              54 ms
    building the notation's LALR parser                         34 ms
    parsing the 144 templates with it                           69 ms
    all of `--write` (tomllib, Lark, checks, JSON text)        277 ms
    importing tomllib and reading templates.toml                23 ms
    matcher ready, templates compiled by hand (before)          12.7 ms
    matcher ready from templates.compiled.json (now)             6.1 ms

and whole processes printing `read_document(PHRASE)` as JSON, best of 31 (python -c pass
13.3 ms): from the compiled JSON 40.7 ms (3.1x), as before (hand compiler) 41.9 ms (3.2x),
reading templates.toml too 50.8 ms (3.8x), compiling it through Lark too 218 ms (15.3x).
Lark at run time would cost a cold phrase far more than the whole budget, and reading the
TOML alone (some 10 ms) most of the 14 ms the budget had left, so both are build-time tools; a
warm phrase is unchanged (210 µs), its items the same. The JSON is data (`jsondoc.loads`),
never pickle or marshal: a file a stranger can write runs no code.

Module-level names, as the matcher (phrases.py), the frame scorer (frames.py) and the shell
read them: TEMPLATES, EXAMPLES, DEFAULT_SLOTS, MACROS (each shorthand's runs of words), the
vocabularies KINDS, TOPICS, STATES, FORMATS, SCOPES, SOURCES (written words -> value), PROJECT
and ALL (the words of the `target` slot), and ITEMS/TEMPLATE_ITEMS, the compiled templates.
"""

from __future__ import annotations

import os

from ainlp.core.jsondoc import loads

__all__ = ["ALL", "COMPILED", "DEFAULT_SLOTS", "EXAMPLES", "FORMATS", "ITEMS", "KINDS", "MACROS",
           "PROJECT", "SCOPES", "SOURCES", "STATES", "TEMPLATES", "TEMPLATE_ITEMS", "TOPICS",
           "ItemData"]

if __name__ == "__main__":  # before the compiled file is read: --write works when it is stale
    from ainlp.language.template_notation import main

    raise SystemExit(main())

COMPILED = "templates.compiled.json"

# One item of a template: (runs of words, slot names, optional, "any words"); phrases.py `_item`.
ItemData = tuple[tuple[tuple[str, ...], ...], tuple[str, ...], bool, bool]


def _read(name: str) -> str:
    with open(os.path.join(os.path.dirname(__file__), name), encoding="utf-8") as file:
        return file.read()


_DATA = loads(_read(COMPILED))

MACROS: dict[str, tuple[tuple[str, ...], ...]] = {
    f"<{name}>": tuple(tuple(run) for run in runs) for name, runs in _DATA["macros"].items()}
ITEMS: tuple[ItemData, ...] = tuple(
    (tuple(tuple(run) for run in runs), tuple(slots), optional, anything)
    for runs, slots, optional, anything in _DATA["items"])
# (intent, template text, numbers of its items in ITEMS), in the order of templates.toml
TEMPLATE_ITEMS: tuple[tuple[str, str, tuple[int, ...]], ...] = tuple(
    (intent, text, tuple(refs))
    for intent, rows in _DATA["templates"].items() for text, refs in rows)
TEMPLATES: dict[str, tuple[str, ...]] = {
    intent: tuple(text for text, _refs in rows) for intent, rows in _DATA["templates"].items()}
EXAMPLES: dict[str, str] = dict(_DATA["examples"])
DEFAULT_SLOTS: dict[str, dict[str, str]] = {
    intent: dict(slots) for intent, slots in _DATA["defaults"].items()}


def _vocabulary(slot: str) -> dict[str, str]:
    """A slot's vocabulary, written words -> value (templates.toml lists the words by value)."""
    return {written: value for value, words in _DATA["slots"][slot].items() for written in words}


KINDS = _vocabulary("kind")
TOPICS = _vocabulary("topic")
STATES = _vocabulary("state")  # what a list of environments may be narrowed to
FORMATS = _vocabulary("format")
SCOPES = _vocabulary("scope")  # where a switch applies: every project, not just this one
SOURCES = _vocabulary("source")
PROJECT: tuple[str, ...] = tuple(_DATA["slots"]["target"]["project"])
ALL: tuple[str, ...] = tuple(_DATA["slots"]["target"]["all"])
