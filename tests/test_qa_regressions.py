"""Regressions of the QA report (05:12-05:52 UTC): bounded phrase matching, and more below."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from ainlp.cli import main
from ainlp.language import normalise, phrases
from ainlp.language.phrases import MAX_PHRASE_CHARS, MAX_PHRASE_WORDS, match_phrase


def _varied_word(length: int) -> str:
    letters = string.ascii_lowercase
    return "".join(letters[(i * 7 + i // 26) % 26] for i in range(length))


def _no_long_deletions(monkeypatch: pytest.MonkeyPatch, bound: int) -> list[int]:
    """Make the typo index refuse to work on a word longer than `bound`; count its calls."""
    calls: list[int] = []
    real = normalise._deletions

    def deletions(word: str) -> set[str]:
        calls.append(len(word))
        assert len(word) <= bound, f"typo matching ran on a {len(word)}-letter word"
        return real(word)

    monkeypatch.setattr(normalise, "_deletions", deletions)
    return calls


def test_typo_matcher_skips_a_word_longer_than_any_vocabulary_word(
        monkeypatch: pytest.MonkeyPatch) -> None:
    longest = max(len(w) for w in phrases.vocabulary())
    calls = _no_long_deletions(monkeypatch, longest + 2)
    index = normalise.TypoIndex(phrases.vocabulary())
    assert index.correct(_varied_word(longest + 3)) is None
    assert index.correct(_varied_word(100_000)) is None
    assert calls == []
    assert index.correct("enviroments") == "environments"  # a real typo is still corrected
    assert calls


def test_one_huge_word_is_unknown_without_typo_matching(monkeypatch: pytest.MonkeyPatch) -> None:
    longest = max(len(w) for w in phrases.vocabulary())
    _no_long_deletions(monkeypatch, longest + 2)
    assert match_phrase(_varied_word(100_000)).name == "unknown"
    # the long word is no typo of anything; the words around it are still understood
    assert match_phrase("diagnose python " + _varied_word(300)).name == "diagnose"


def test_a_text_past_the_bounds_is_unknown_without_aligning_any_template(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("a template was aligned with an over-long text")

    monkeypatch.setattr(phrases, "_align", refuse)
    too_many_words = "diagnose python path problems " * (MAX_PHRASE_WORDS // 4 + 1)
    too_many_chars = "diagnose python " + "x" * MAX_PHRASE_CHARS
    megabyte = "list python environments " * 45_000
    for text in (too_many_words, too_many_chars, megabyte):
        intent = match_phrase(text)
        assert intent.name == "unknown"
        assert intent.suggestions  # still says what can be said



# --- 3: a UTF-8 BOM (files saved by Notepad) is no part of the script ---------------------------

BOM_SCRIPT = ("\ufeffCONTEXT x {\n COMMAND y {\n  ACTION: run_environment_health_check()\n }\n}\n"
              "RUN y\n")


def test_a_script_starting_with_a_bom_is_valid(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from ainlp.api import load as load_script

    path = tmp_path / "bom.ainlp"
    path.write_bytes(BOM_SCRIPT.encode("utf-8"))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    script = load_script(path)
    assert [type(s).__name__ for s in script.statements] == ["ContextBlock", "RunStatement"]
    assert script.statements[0].span.column == 1
    assert main(["check", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert main(["parse", "--file", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["type"] for s in doc["statements"]] == ["context", "run"]


def test_an_error_after_a_bom_has_the_right_column(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bom.ainlp"
    path.write_text("\ufeffCONTEXT x {\n COMMAND y {\n  ACTION: nosuch()\n }\n}\n",
                    encoding="utf-8")
    assert main(["check", str(path), "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["where"] == f"{path}:3:11"


# --- 7 and 13: one error document; user input shortened and escaped in messages ----------------


def test_do_of_an_unknown_phrase_is_one_error_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["do", "what's the weather", "--json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["error"]
    assert set(doc["error"]) == {"code", "message", "hint", "where", "intent", "suggestions"}
    assert doc["error"]["intent"]["text"] == "what's the weather"


def test_an_unknown_huge_phrase_is_not_echoed_whole(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["do", "x" * 10_000]) == 2
    err = capsys.readouterr().err
    assert len(err) < 400 and "x" * 79 + "…" in err and "x" * 81 not in err


def test_script_messages_shorten_and_escape_the_phrase(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "long.ainlp"
    path.write_text("zz" * 300 + "\nplease \x1b[31mfrobnicate\n", encoding="utf-8")
    assert main(["check", str(path), "--json"]) == 2
    messages = [d["message"] for d in json.loads(capsys.readouterr().out)["error"]["diagnostics"]]
    assert len(messages) == 2 and all(len(m) < 120 for m in messages)
    assert messages[0].endswith('z…"')
    assert "\x1b" not in messages[1] and "\\e[31m" in messages[1]


def test_the_display_helpers() -> None:
    from ainlp.language.display import clip, printable, quoted

    assert clip("abc", 3) == "abc" and clip("abcd", 3) == "ab…"
    assert printable("ÄÖÜ 🐍\tok") == "ÄÖÜ 🐍\tok"
    assert printable("a\x1b[2Jb\u202ec\x9bd\n") == "a\\e[2Jb\\u202ec\\x9bd\\n"
    assert quoted("x" * 100) == '"' + "x" * 79 + '…"'


# --- 12: human output never passes the input's control characters to the terminal ---------------

ESC = "\x1b[31m"


def test_parse_human_output_escapes_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", f"diagnose {ESC}RED python"]) == 0
    assert "\x1b" not in capsys.readouterr().out
    for text in (f"make me a {ESC}sandwich", f"cook me a {ESC}"):
        assert main(["parse", text]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\\e[31m" in out, out
    assert main(["parse", f"list python interpreters\nfind {ESC} python 3.12"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\e[31m" in out


def test_check_diagnostics_escape_the_line_and_keep_the_caret_under_the_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "esc.ainlp"
    path.write_text(f"CONTEXT x {{\n COMMAND y {{\n  ACTION: f(a=\"{ESC}\", b=nope)\n }}\n}}\n",
                    encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{path}:3:"))
    column = int(lines[at].split(":")[2])
    assert lines[at + 1] == '  ACTION: f(a="\\e[31m", b=nope)'
    assert lines[at + 2].index("^") == column - 1 + len("\\e[31m") - len(ESC)
    assert lines[at + 1][lines[at + 2].index("^"):].startswith("nope")


# --- 14: a RUN the grammar cannot read is reported as a RUN, not as a phrase ---------------------

RUNS = """\
CONTEXT x {
    COMMAND y {
        ACTION: run_environment_health_check()
    }
    COMMAND Zed {
        ACTION: "run"
    }
}
RUN
RUN y\tRUN zed
run my tests
"""


def test_a_run_without_one_command_name_is_a_syntax_diagnostic() -> None:
    from ainlp.core.errors import ScriptError

    from ainlp.api import load as load_script

    with pytest.raises(ScriptError) as caught:
        load_script(RUNS)
    diagnostics = [d.to_json() for d in caught.value.diagnostics]  # type: ignore[attr-defined]
    found = [(d["span"]["line"], d["code"], d["message"]) for d in diagnostics]
    assert found == [
        (6, "script.unknown-phrase", 'phrase not understood: "run"'),  # a clause's phrase
        (9, "script.syntax", "RUN needs a command name"),
        (10, "script.syntax", "RUN takes one command name, found more after 'y'"),
        (11, "script.unknown-phrase", 'phrase not understood: "run my tests"'),
    ]
    assert diagnostics[1]["hint"] == "write RUN name, with the name of a COMMAND: Zed, y"
    assert diagnostics[2]["hint"] == "put each RUN on a line of its own"


def test_a_global_switch_carries_its_scope_to_the_action() -> None:
    from ainlp.actions.registry import get_action

    from ainlp.dispatch import step_for_intent

    intent = match_phrase("use 3.11 globally")
    assert (intent.name, intent.slots) == ("switch", {"version": "3.11", "scope": "global"})
    step = step_for_intent(intent)
    assert step.action == "switch_environment"
    assert step.arguments == {"version": "3.11", "scope": "global"}
    assert match_phrase("use 3.12 in this project").slots == {"version": "3.12",
                                                              "target": "project"}
    scope = get_action("switch_environment").param("scope")
    assert scope is not None and scope.choices == ("project", "global")


def test_parse_of_a_huge_unknown_phrase_shows_it_shortened(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "y" * 10_000]) == 0
    out = capsys.readouterr().out
    assert "y" * 79 + "…" in out and len(out) < 400
