"""The phrase templates are data: templates.toml, its notation a Lark grammar, compiled ahead.

templates.compiled.json (what a running ainlp reads) must be exactly what templates.toml
compiles to. Regenerate it with `python -m ainlp.language.templates --write`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from ainlp.language import templates
from ainlp.language.template_notation import (
    TemplateError,
    compile_source,
    compile_template,
    compiled_text,
    read_source,
    render,
)

LANGUAGE = REPO / "ainlp" / "language"
SOURCE = LANGUAGE / "templates.toml"
COMPILED = LANGUAGE / "templates.compiled.json"
REGENERATE = "python -m ainlp.language.templates --write"


def test_the_committed_compiled_file_is_what_the_toml_compiles_to() -> None:
    assert COMPILED.read_text(encoding="utf-8") == compiled_text(), (
        f"ainlp/language/templates.compiled.json is stale: {REGENERATE}")


def test_the_check_command_agrees(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ainlp.language.templates", "--check"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_every_template_compiles_to_the_items_the_matcher_reads() -> None:
    data: dict[str, Any] = read_source()
    rows = iter(templates.TEMPLATE_ITEMS)
    count = 0
    for intent, texts in data["templates"].items():
        for index, text in enumerate(texts):
            row_intent, row_text, numbers = next(rows)
            assert (row_intent, row_text) == (intent, text)
            items = compile_template(intent, text, index)
            assert items, (intent, index)
            assert [templates.ITEMS[number] for number in numbers] == items, (intent, index)
            count += 1
    assert next(rows, None) is None
    assert count == sum(len(texts) for texts in templates.TEMPLATES.values()) > 100


def test_the_module_names_are_the_toml_data() -> None:
    data: dict[str, Any] = read_source()
    expected = {intent: tuple(texts) for intent, texts in data["templates"].items()}
    assert list(expected.items()) == list(templates.TEMPLATES.items())  # order too
    assert data["examples"] == templates.EXAMPLES
    assert data["defaults"] == templates.DEFAULT_SLOTS
    slots = data["slots"]
    # the vocabularies phrases.py `_find_slot` reads (target: "project" and "all")
    assert set(slots) == {"kind", "topic", "state", "format", "scope", "source", "target"}
    assert set(slots["target"]) == {"project", "all"}
    for name, table in (("kind", templates.KINDS), ("topic", templates.TOPICS),
                        ("state", templates.STATES), ("format", templates.FORMATS),
                        ("scope", templates.SCOPES), ("source", templates.SOURCES)):
        by_value = {value: [w for w, v in table.items() if v == value]
                    for value in dict.fromkeys(table.values())}
        assert slots[name] == by_value, name
    assert tuple(slots["target"]["project"]) == templates.PROJECT
    assert tuple(slots["target"]["all"]) == templates.ALL
    assert {f"<{name}>" for name in data["macros"]} == set(templates.MACROS)
    assert templates.MACROS["<env>"][0] == ("environment",)
    assert ("virtual", "environment") in templates.MACROS["<env>"]


@pytest.mark.parametrize(("text", "problem", "column"), [
    ("(a|b", "unclosed group: '(' is never closed", 1),
    ("diagnose [python", "unclosed group: '[' is never closed", 10),
    ("a (b|[c]", "unclosed group: '(' is never closed", 3),
    ("a)", "')' closes no group", 2),
    ("(a]", "']' closes a group opened with '('", 3),
    ("(a {slot})", "a slot must stand alone in its alternative", 4),
    ("x (a|{version} b)", "a slot must stand alone in its alternative", 6),
    ("(a (b|c))", "a nested group must stand alone in its alternative", 4),
    ("x (a|<env> b)", "a shorthand must stand alone in its alternative", 6),
    ("check <nope> python", "unknown shorthand <nope>", 7),
    ("list {colour} envs", "no vocabulary for the slot {colour}", 6),
    ("(a|)", "an empty alternative", 1),
    ("[a|[b]]", "an optional group inside a group", 4),
    ("(a|...)", "`...` stands only outside groups", 4),
    ("check {Topic}", "unexpected character '{'", 7),
    ("Check it", "words are lower-case", 1),
])
def test_notation_errors_name_the_template_and_the_column(text: str, problem: str,
                                                          column: int) -> None:
    with pytest.raises(TemplateError) as caught:
        compile_template("diagnose", text, 3)
    error = caught.value
    assert (error.where, error.column) == ("template diagnose #3", column)
    assert problem in error.problem
    assert str(error).startswith(f"template diagnose #3, column {column}: {problem}")


def test_the_whole_file_reports_the_template_that_does_not_compile() -> None:
    data = dict(read_source())
    data["templates"] = {"help": ["help [me]", "how (do|can) i {thing}"]}
    data["examples"] = {"help": "help"}
    data["defaults"] = {}
    with pytest.raises(TemplateError, match=r"^template help #1, column 16: no vocabulary"):
        compile_source(data)


@pytest.mark.parametrize(("body", "problem"), [
    ("(a|<loop>)", "the shorthand <loop> stands for itself"),
    ("(a|{version})", "a shorthand holds words, not slots"),
    ("a|b", "unexpected 'a'"),
])
def test_a_broken_shorthand_is_named(body: str, problem: str) -> None:
    data = {**read_source(), "macros": {"loop": body}}
    with pytest.raises(TemplateError, match=r"^shorthand <loop>, column") as caught:
        compile_template("help", "<loop>", 0, data)
    assert problem in caught.value.problem


def test_the_matcher_refuses_a_malformed_template_with_its_place() -> None:
    from ainlp.language.phrases import compile_template as matcher_template

    with pytest.raises(ValueError, match=r"^template help, column 4: a slot must stand alone"):
        matcher_template("help", "(a {slot})")
    assert matcher_template("help", "help [me] [please]").required == 1.0


def test_the_toml_holds_data_only() -> None:
    """Strings, lists of strings and tables: nothing that needs Python to mean something."""
    text = SOURCE.read_text(encoding="utf-8")
    data = read_source()

    def walk(value: object, where: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{where}.{key}")
        elif isinstance(value, list):
            for number, inner in enumerate(value):
                assert isinstance(inner, str), where
                walk(inner, f"{where}[{number}]")
        else:
            assert isinstance(value, str), where
            # a continuation line gone wrong leaves doubled or edge spaces, or a newline
            assert value == value.strip() and "  " not in value and "\n" not in value, where

    walk(data, "")
    assert set(data) == {"macros", "templates", "examples", "defaults", "slots"}
    for construct in ("tuple[", "dict[", "MACROS", "TEMPLATES", "lambda ", "__", '" "', "\\n"):
        assert construct not in text, construct
    python = (r"^\s*[A-Z_]+\s*[:=]",  # CONSTANT = ... or NAME: type
              r"^\s*(from \S+ )?import \S+$", r"\bdef \w+\(",
              r"\)\s*,?\s*$")  # a tuple closing a line
    for construct in python:
        assert not re.search(construct, text, flags=re.MULTILINE), construct


def test_render_is_stable_json() -> None:
    import json

    document = compile_source(read_source())
    assert json.loads(render(document)) == json.loads(json.dumps(document))
    assert render(document) == COMPILED.read_text(encoding="utf-8")


def test_a_cold_phrase_never_loads_lark_or_a_toml_parser(tmp_path: Path) -> None:
    code = ("import sys\nfrom ainlp.language import read_document\n"
            "read_document('diagnose python path problems')\n"
            "print(' '.join(sorted(sys.modules)))")
    env = {**os.environ, "HOME": str(tmp_path), "AINLP_HOME": str(tmp_path / "state")}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True, timeout=120)
    modules = set(done.stdout.split())
    assert "ainlp.language.templates" in modules
    assert not {"lark", "tomllib", "tomli", "ainlp.language.template_notation"} & modules


@pytest.mark.slow
def test_the_data_files_are_in_the_built_wheel(tmp_path: Path) -> None:
    given = os.environ.get("AINLP_TEST_WHEEL")
    if given:
        wheel = Path(given)
    else:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                        str(tmp_path), str(REPO)], check=True, capture_output=True, timeout=600)
        (wheel,) = tmp_path.glob("*.whl")
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    for name in ("ainlp/language/templates.toml", "ainlp/language/templates.compiled.json",
                 "ainlp/grammar/templates.lark", "ainlp/language/template_notation.py"):
        assert name in names, name
    shipped = archive.read("ainlp/language/templates.compiled.json").decode("utf-8")
    assert shipped == COMPILED.read_text(encoding="utf-8")
