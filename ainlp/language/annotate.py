"""A parsed script with each phrase's intent filled in (what `parse` shows phrases mean)."""

from __future__ import annotations

from dataclasses import replace

from ainlp.language.ast import Clause, CommandDef, ContextBlock, Phrase, Script, Statement
from ainlp.language.phrases import match_phrase


def with_intents(script: Script) -> Script:
    def phrase(node: Phrase) -> Phrase:
        return replace(node, intent=match_phrase(node.text))

    def clause(node: Clause) -> Clause:
        return replace(node, value=phrase(node.value)) if isinstance(node.value, Phrase) else node

    def command(node: CommandDef) -> CommandDef:
        return replace(node, clauses=tuple(clause(c) for c in node.clauses))

    def statement(node: Statement) -> Statement:
        if isinstance(node, Phrase):
            return phrase(node)
        if isinstance(node, ContextBlock):
            return replace(node, commands=tuple(command(c) for c in node.commands))
        return node

    statements = tuple(statement(s) for s in script.statements)
    commands = {c.name.lower(): c for s in statements if isinstance(s, ContextBlock)
                for c in s.commands}
    return replace(script, statements=statements,
                   commands={k: commands.get(k, v) for k, v in script.commands.items()})
