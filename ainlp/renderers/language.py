"""Human output for the language: an understood phrase, and a script's outline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.core import jsondoc
from ainlp.language.ast import Call, ContextBlock, Phrase, RunStatement
from ainlp.language.display import clip, printable
from ainlp.render import console

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.language.ast import Intent, Script

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: rich.tree 49 ms, rich.markup 30 ms

__all__ = ["render_intent", "render_script"]


def _console(out: Console | None) -> Console:
    if out is not None:
        return out

    return console()


def _shown(text: str) -> str:
    """User text for rich: markup escaped, control characters written as escapes."""
    from rich.markup import escape


    return escape(printable(text))


def render_intent(intent: Intent, *, debug: bool = False, out: Console | None = None) -> None:
    escape = _shown
    out = _console(out)
    if intent.name == "unknown":
        out.print("[bold]unknown[/] — not understood well enough to act on: "
                  + escape(clip(intent.text)))
        if intent.suggestions:
            out.print("did you mean: " + ", ".join(f'"{escape(s)}"' for s in intent.suggestions))
    else:
        out.print(f"[bold]{intent.name}[/]  confidence {intent.confidence:.2f}")
        for slot, value in sorted(intent.slots.items()):
            out.print(f"  {slot}: {escape(value)}")
    if intent.alternatives:
        also = ", ".join(f"{name} {conf:.2f}" for name, conf in intent.alternatives)
        out.print(f"  also: {also}")
    if debug and intent.template:
        out.print(f"  template: {escape(intent.template)}")


def _call_text(call: Call) -> str:
    arguments = ", ".join(f"{key}={jsondoc.dumps(value)}" for key, value in call.arguments)
    return f"{call.name}({arguments})"


def _phrase_text(phrase: Phrase) -> str:
    escape = _shown
    meaning = f" → {phrase.intent.name}" if phrase.intent else ""
    return f'"{escape(phrase.text)}"{meaning}'


def render_script(script: Script, out: Console | None = None) -> None:
    from rich.tree import Tree

    escape = _shown

    out = _console(out)
    tree = Tree(f"[bold]{escape(script.source)}[/]")
    for statement in script.statements:
        line = statement.span.line
        if isinstance(statement, ContextBlock):
            branch = tree.add(f"CONTEXT {statement.name}  [dim]line {line}[/]")
            for command in statement.commands:
                node = branch.add(f"COMMAND {command.name}  [dim]line {command.span.line}[/]")
                for clause in command.clauses:
                    value = clause.value
                    text = escape(_call_text(value)) if isinstance(value, Call) \
                        else _phrase_text(value)
                    node.add(f"{clause.kind}: {text}")
        elif isinstance(statement, RunStatement):
            tree.add(f"RUN {statement.command}  [dim]line {line}[/]")
        elif isinstance(statement, Phrase):
            tree.add(f"{_phrase_text(statement)}  [dim]line {line}[/]")
    out.print(tree)
