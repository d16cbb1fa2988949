"""The template notation, read with Lark: templates.toml compiled into the matcher's items.

Build and test time only. A running ainlp reads the result, templates.compiled.json, without
Lark (templates.py says why, with the figures); `python -m ainlp.language.templates --write`
runs `compile_source` and writes it.

    templates.toml --tomllib--> tables --Lark (grammar/templates.lark)--> tree
        --_Nodes (Transformer)--> Word/Slot/Macro/Anything/Group --_Lowering--> items

The Transformer only builds nodes; `_Lowering` looks macros and slot names up and checks the
rules the grammar leaves open (a slot, a shorthand or a nested group stands alone in its
alternative). An item is (runs of words, slot names, optional, "any words"), the arguments
of phrases.py's `_item` (a list in the JSON). Every error is a TemplateError naming the
template (its intent and index in templates.toml) or the shorthand, and the column.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.tree import Meta
from lark.visitors import v_args

from ainlp.core import _toml
from ainlp.core.jsondoc import JSONObject, dumps

__all__ = ["COMPILED", "READ_FROM_WORDS", "SOURCE", "TemplateError", "compile_source",
           "compile_template", "compiled_path", "compiled_text", "main", "parser", "read_source",
           "render"]

SOURCE = "templates.toml"
COMPILED = "templates.compiled.json"
# Slots the matcher reads from the words themselves (phrases.py `_find_slot`): any other slot
# of a template needs a vocabulary, a [slots.<name>] table of templates.toml.
READ_FROM_WORDS = ("version", "path")

# (runs of words, slot names, optional, "any words"): the arguments of phrases.py `_item`
ItemData: TypeAlias = tuple[tuple[tuple[str, ...], ...], tuple[str, ...], bool, bool]


class TemplateError(ValueError):
    """A template or shorthand that does not compile; `where` names it, `column` counts from 1
    in its text."""

    def __init__(self, problem: str, *, where: str, column: int, text: str) -> None:
        super().__init__(f"{where}, column {column}: {problem}: {text}")
        self.problem = problem
        self.where = where
        self.column = column
        self.text = text


# --- the tree as nodes ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Word:
    text: str
    column: int


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    column: int


@dataclass(frozen=True, slots=True)
class Macro:
    name: str
    column: int


@dataclass(frozen=True, slots=True)
class Anything:
    column: int


@dataclass(frozen=True, slots=True)
class Group:
    optional: bool
    alternatives: tuple[tuple[Part, ...], ...]
    column: int


Part: TypeAlias = "Word | Slot | Macro | Anything | Group"


class _Nodes(Transformer[Token, object]):
    """Lark's tree of one template (or one shorthand's body) as nodes; nothing is looked up."""

    # Lark calls a method named as a terminal for each token of it
    def WORD(self, token: Token) -> Word:
        return Word(str(token), token.column or 0)

    def SLOT(self, token: Token) -> Slot:
        return Slot(str(token)[1:-1], token.column or 0)

    def MACRO(self, token: Token) -> Macro:
        return Macro(str(token)[1:-1], token.column or 0)

    def ANY(self, token: Token) -> Anything:
        return Anything(token.column or 0)

    def alternative(self, parts: list[Part]) -> tuple[Part, ...]:
        return tuple(parts)

    def alternatives(self, alternatives: list[tuple[Part, ...]]) -> tuple[tuple[Part, ...], ...]:
        return tuple(alternatives)

    @v_args(meta=True)
    def required(self, meta: Meta, children: list[tuple[tuple[Part, ...], ...]]) -> Group:
        return Group(False, children[0], meta.column)

    @v_args(meta=True)
    def optional(self, meta: Meta, children: list[tuple[tuple[Part, ...], ...]]) -> Group:
        return Group(True, children[0], meta.column)

    @v_args(meta=True)
    def macro(self, meta: Meta, children: list[tuple[tuple[Part, ...], ...]]) -> Group:
        return Group(False, children[0], meta.column)

    def template(self, items: list[Part]) -> tuple[Part, ...]:
        return tuple(items)


@functools.cache
def parser() -> Lark:
    """The notation's LALR parser (grammar/templates.lark, shipped as ainlp.grammar)."""
    return Lark.open_from_package("ainlp.grammar", "templates.lark", parser="lalr",
                                  lexer="basic", start=["template", "macro"],
                                  propagate_positions=True)


def _parse(text: str, start: str, where: str) -> object:
    try:
        tree = parser().parse(text, start=start)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, where) from None
    return _Nodes().transform(tree)


def _syntax_error(exc: UnexpectedInput, text: str, where: str) -> TemplateError:
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        opener = _unclosed(text)
        column = opener.column if opener is not None and opener.column else len(text) + 1
        what = f"{str(opener)!r} is never closed" if opener is not None else "it ends too soon"
        return TemplateError(f"unclosed group: {what}", where=where, column=column, text=text)
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        problem = f"unexpected {str(token)!r}"
        if token.type in _CLOSES:
            expected = [_OPENS[name] for name in sorted(exc.expected) if name in _OPENS]
            problem = (f"{str(token)!r} closes a group opened with {expected[0]!r}" if expected
                       else f"{str(token)!r} closes no group")
        return TemplateError(problem, where=where, column=token.column or exc.column, text=text)
    if isinstance(exc, UnexpectedCharacters):
        char = exc.char
        problem = f"unexpected character {char!r}"
        if char in "{<>}":
            problem += " (a slot is {lower_case}, a shorthand <lowercase>)"
        return TemplateError(problem, where=where, column=exc.column, text=text)
    return TemplateError(str(exc).splitlines()[0], where=where, column=exc.column, text=text)


_CLOSES = {"RPAR": "LPAR", "RSQB": "LSQB"}
_OPENS = {"RPAR": "(", "RSQB": "["}  # a closer the parser expected -> the group it closes


def _unclosed(text: str) -> Token | None:
    """The innermost group still open at the end of `text` (which lexes: it parsed so far)."""
    open_groups: list[Token] = []
    for token in parser().lex(text):
        if token.type in ("LPAR", "LSQB"):
            open_groups.append(token)
        elif token.type in _CLOSES and open_groups:
            open_groups.pop()
    return open_groups[-1] if open_groups else None


# --- nodes to items -----------------------------------------------------------------------------

class _Lowering:
    """Nodes to items: shorthands spliced in, slot names checked, the rules of a group kept."""

    def __init__(self, macros: Mapping[str, str], slots: Sequence[str]) -> None:
        self.macro_texts = macros
        self.slots = frozenset(slots) | frozenset(READ_FROM_WORDS)
        self._macros: dict[str, list[list[str]]] = {}
        self._expanding: list[str] = []

    def macro(self, name: str) -> list[list[str]]:
        """The runs of words a shorthand stands for."""
        found = self._macros.get(name)
        if found is None:
            where = f"shorthand <{name}>"
            text = self.macro_texts[name]
            self._expanding.append(name)
            try:
                body = _parse(text, "macro", where)
                assert isinstance(body, Group)
                words, slots = self._alternatives(body, where, text)
            finally:
                self._expanding.pop()
            if slots:
                raise TemplateError("a shorthand holds words, not slots", where=where,
                                    column=body.column, text=text)
            found = self._macros[name] = words
        return found

    def template(self, text: str, where: str) -> list[ItemData]:
        items = _parse(text, "template", where)
        assert isinstance(items, tuple)
        compiled: list[ItemData] = []
        for node in items:
            if isinstance(node, Word):
                compiled.append((((self._word(node, where, text),),), (), False, False))
            elif isinstance(node, Slot):
                compiled.append(((), (self._slot(node, where, text),), False, False))
            elif isinstance(node, Anything):
                compiled.append(((), (), True, True))
            elif isinstance(node, Macro):
                runs = self._expand(node, where, text)
                compiled.append((tuple(tuple(run) for run in runs), (), False, False))
            else:
                words, slots = self._alternatives(node, where, text)
                compiled.append((tuple(tuple(run) for run in words), tuple(slots),
                                 node.optional, False))
        return compiled

    def _alternatives(self, group: Group, where: str,
                      text: str) -> tuple[list[list[str]], list[str]]:
        """A group's runs of words and its slots, nested groups and shorthands spliced in."""
        words: list[list[str]] = []
        slots: list[str] = []
        for alternative in group.alternatives:
            if not alternative:
                raise TemplateError("an empty alternative", where=where, column=group.column,
                                    text=text)
            alone = len(alternative) == 1
            for part in alternative:
                if isinstance(part, Anything):
                    raise TemplateError("`...` stands only outside groups", where=where,
                                        column=part.column, text=text)
                if isinstance(part, Word):
                    continue
                what = {Slot: "a slot", Macro: "a shorthand", Group: "a nested group"}[type(part)]
                if not alone:
                    raise TemplateError(f"{what} must stand alone in its alternative",
                                        where=where, column=part.column, text=text)
            first = alternative[0]
            if isinstance(first, Slot):
                slots.append(self._slot(first, where, text))
            elif isinstance(first, Macro):
                words.extend(self._expand(first, where, text))
            elif isinstance(first, Group):
                if first.optional:
                    raise TemplateError("an optional group inside a group (make the outer "
                                        "group optional)", where=where, column=first.column,
                                        text=text)
                inner_words, inner_slots = self._alternatives(first, where, text)
                words.extend(inner_words)
                slots.extend(inner_slots)
            else:
                words.append([self._word(part, where, text) for part in alternative
                              if isinstance(part, Word)])
        return words, slots

    def _word(self, word: Word, where: str, text: str) -> str:
        if word.text != word.text.lower():
            raise TemplateError(f"words are lower-case: {word.text!r}", where=where,
                                column=word.column, text=text)
        return word.text

    def _slot(self, slot: Slot, where: str, text: str) -> str:
        if slot.name not in self.slots:
            known = ", ".join(sorted(self.slots))
            raise TemplateError(f"no vocabulary for the slot {{{slot.name}}} (templates.toml "
                                f"[slots.{slot.name}]; known: {known})", where=where,
                                column=slot.column, text=text)
        return slot.name

    def _expand(self, macro: Macro, where: str, text: str) -> list[list[str]]:
        if macro.name not in self.macro_texts:
            known = ", ".join(f"<{name}>" for name in self.macro_texts)
            raise TemplateError(f"unknown shorthand <{macro.name}> (known: {known})",
                                where=where, column=macro.column, text=text)
        if macro.name in self._expanding:
            raise TemplateError(f"the shorthand <{macro.name}> stands for itself", where=where,
                                column=macro.column, text=text)
        return [list(run) for run in self.macro(macro.name)]


# --- templates.toml as a whole -------------------------------------------------------------------

def _source_path() -> str:
    return os.path.join(os.path.dirname(os.path.realpath(__file__)), SOURCE)


@functools.cache
def read_source() -> JSONObject:
    """templates.toml, as tables."""
    with open(_source_path(), encoding="utf-8") as file:
        data: JSONObject = _toml.loads(file.read())
    return data


def _table(data: Mapping[str, object], name: str) -> dict[str, object]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ValueError(f"{SOURCE}: [{name}] is not a table")
    return value


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{SOURCE}: {where} is not a list of strings")
    return list(value)


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{SOURCE}: {where} is not a string")
    return value


def _lowering(data: Mapping[str, object]) -> _Lowering:
    macros = {name: _string(text, f"[macros] {name}")
              for name, text in _table(data, "macros").items()}
    return _Lowering(macros, list(_table(data, "slots")))


def compile_template(intent: str, text: str, index: int | None = None,
                     data: Mapping[str, object] | None = None) -> list[ItemData]:
    """One template's items, with the shorthands and slot names of templates.toml (or `data`)."""
    where = f"template {intent}" + (f" #{index}" if index is not None else "")
    return _lowering(read_source() if data is None else data).template(text, where)


def compile_source(data: Mapping[str, object]) -> JSONObject:
    """The compiled document of templates.toml's tables: what templates.py reads at run time."""
    lowering = _lowering(data)
    items: list[ItemData] = []
    numbers: dict[ItemData, int] = {}  # an item -> its number: items repeat a lot
    templates: dict[str, list[object]] = {}
    for intent, texts in _table(data, "templates").items():
        rows: list[object] = []
        for index, text in enumerate(_strings(texts, f"[templates] {intent}")):
            refs = []
            for item in lowering.template(text, f"template {intent} #{index}"):
                if item not in numbers:
                    numbers[item] = len(items)
                    items.append(item)
                refs.append(numbers[item])
            rows.append([text, refs])
        templates[intent] = rows
    macros = {name: lowering.macro(name) for name in lowering.macro_texts}
    examples = {intent: _string(text, f"[examples] {intent}")
                for intent, text in _table(data, "examples").items()}
    defaults: dict[str, dict[str, str]] = {}
    for intent, table in _table(data, "defaults").items():
        if not isinstance(table, dict):
            raise ValueError(f"{SOURCE}: [defaults.{intent}] is not a table")
        defaults[intent] = {slot: _string(value, f"[defaults.{intent}] {slot}")
                            for slot, value in table.items()}
    slots: dict[str, dict[str, list[str]]] = {}
    for name, table in _table(data, "slots").items():
        if not isinstance(table, dict):
            raise ValueError(f"{SOURCE}: [slots.{name}] is not a table")
        slots[name] = {value: _strings(words, f"[slots.{name}] {value}")
                       for value, words in table.items()}
    for intent in (*examples, *defaults):
        if intent not in templates:
            raise ValueError(f"{SOURCE}: {intent!r} has no [templates] entry")
    return {"generated": f"from {SOURCE} by `python -m ainlp.language.templates --write`: "
                         "edit that file, not this one",
            "macros": macros, "items": [list(item) for item in items], "templates": templates,
            "examples": examples, "defaults": defaults, "slots": slots}


def render(document: JSONObject) -> str:
    """The compiled document as JSON text: one line per item, template and vocabulary entry,
    so that a change to templates.toml shows as a readable diff."""
    def compact(value: object) -> str:
        return dumps(value, separators=(",", ":"))

    lines = ["{"]
    keys = list(document)
    for number, key in enumerate(keys):
        value = document[key]
        comma = "," if number < len(keys) - 1 else ""
        if isinstance(value, list):
            lines.append(f"{compact(key)}: [")
            lines += [f"  {compact(item)}," for item in value[:-1]]
            lines += [f"  {compact(item)}" for item in value[-1:]]
            lines.append(f"]{comma}")
        elif isinstance(value, dict):
            lines.append(f"{compact(key)}: {{")
            entries = list(value.items())
            for at, (name, entry) in enumerate(entries):
                end = "," if at < len(entries) - 1 else ""
                if isinstance(entry, list) and entry and isinstance(entry[0], list) \
                        and key == "templates":
                    lines.append(f"  {compact(name)}: [")
                    lines += [f"    {compact(row)}," for row in entry[:-1]]
                    lines += [f"    {compact(row)}" for row in entry[-1:]]
                    lines.append(f"  ]{end}")
                else:
                    lines.append(f"  {compact(name)}: {compact(entry)}{end}")
            lines.append(f"}}{comma}")
        else:
            lines.append(f"{compact(key)}: {compact(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def compiled_path() -> str:
    """templates.compiled.json of the checkout (not an editable install's link to it)."""
    return os.path.join(os.path.dirname(os.path.realpath(__file__)), COMPILED)


def compiled_text() -> str:
    """What templates.toml compiles to: the text templates.compiled.json must hold."""
    return render(compile_source(read_source()))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m ainlp.language.templates --write`: templates.compiled.json from
    templates.toml; `--check`: exit 1 when the committed file is not what it compiles to."""
    options = argparse.ArgumentParser(prog="python -m ainlp.language.templates",
                                      description="Compile templates.toml into "
                                                  "templates.compiled.json.")
    mode = options.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write templates.compiled.json")
    mode.add_argument("--check", action="store_true", help="exit 1 if it is not current")
    args = options.parse_args(argv)
    path = compiled_path()
    try:
        expected = compiled_text()
    except ValueError as exc:  # TemplateError, or a table of the wrong shape
        print(f"{_source_path()}: {exc}", file=sys.stderr)
        return 1
    if args.write:
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            file.write(expected)
        print(f"wrote {path}")
        return 0
    try:
        with open(path, encoding="utf-8") as file:
            current = file.read()
    except OSError:
        current = None
    if current != expected:
        print(f"{path} is not what {SOURCE} compiles to: "
              "python -m ainlp.language.templates --write", file=sys.stderr)
        return 1
    print(f"{path} is current")
    return 0
