"""How people see help, plans (`--dry-run`, confirmations) and the results of scripts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.actions.meta import Help
from ainlp.dispatch import PHRASE_SOURCE
from ainlp.language.display import printable
from ainlp.render import console, render_result, renderer

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result
    from ainlp.dispatch import Plan, ScriptResult, StatementResult

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: rich.markup 29 ms

_STATUS = {"ok": "[green]ok[/]", "problems": "[yellow]problems found[/]",
           "failed": "[red]failed[/]", "skipped": "[dim]skipped[/]"}


@renderer("show_help")
def render_help(out: Console, result: Result) -> None:
    from rich.markup import escape


    help = result.value
    assert isinstance(help, Help)
    out.print("Say what you want in plain words: [bold]ainlp do \"PHRASE\"[/], or in the shell.\n")
    for spec in help.actions:
        intents = ", ".join(spec.intents) or "scripts only"
        mark = "" if spec.available else " [yellow](not available yet)[/]"
        out.print(f"[bold]{escape(intents)}[/]{mark}: {escape(spec.description)}")
        out.print(f"    [dim]action {spec.name}[/]")
        if spec.unavailable is not None:
            out.print(f"    [dim]{escape(spec.unavailable.message)}; "
                      f"{escape(spec.unavailable.hint)}[/]")
        for example in spec.phrases:
            out.print(f"    \"{escape(example)}\"")
    out.print("\nScripts (.ainlp) name actions directly; `ainlp run FILE` runs one:\n")
    out.print(escape(help.script_example), end="")


def plan_lines(plan: Plan) -> list[str]:
    """The ordered steps of a plan, with arguments and when each one runs (plain text)."""
    lines: list[str] = []
    for statement in plan.statements:
        line = "" if plan.source == PHRASE_SOURCE else f"  (line {statement.line})"
        if statement.type == "run":
            lines.append(f"RUN {statement.name}{line}")
        else:
            intent = statement.intent.name if statement.intent else "?"
            lines.append(f"\"{statement.name}\"  -> {intent}{line}")
        for step in statement.steps:
            clause = f"{step.clause:<9}" if step.clause else ""
            # an ACTION's condition is the plain order; the other clauses say when they run
            marks = [step.when] if step.clause not in (None, "ACTION") else []
            if not step.available:
                marks.append("not available yet")
            elif step.changes_machine:
                marks.append("changes the machine")
            if step.error:
                marks.append(f"cannot run: {step.error}")
            suffix = f"  [{'; '.join(marks)}]" if marks else ""
            lines.append(f"  {step.id:<5} {clause}{step.label}{suffix}")
    return lines


def print_plan(plan: Plan, *, footer: str) -> None:
    from rich.markup import escape


    out = console()
    for line in plan_lines(plan):
        out.print(escape(printable(line)), soft_wrap=True)
    out.print(escape(footer))


def render_statement(out: Console, statement: StatementResult, *, lines: bool = True) -> None:
    from rich.markup import escape as escape_markup


    def escape(text: str) -> str:
        return escape_markup(printable(text))

    what = (f"RUN {statement.name}" if statement.type == "run" else f"\"{statement.name}\"")
    status = ("skipped" if statement.skipped else "failed" if statement.failed
              else "problems" if statement.problems_found else "ok")
    line = f" (line {statement.line})" if statement.line and lines else ""
    out.print(f"[bold]{escape(what)}[/]{line}: {_STATUS[status]}"
              + (f" [dim]({escape(statement.skipped)})[/]" if statement.skipped else ""))
    for record in statement.steps:
        clause = f"{record.clause} " if record.clause else ""
        reason = f" [dim]({escape(record.reason)})[/]" if record.reason else ""
        out.print(f"  {clause}{escape(record.label)}: {_STATUS[record.status]}{reason}")
        if record.result is not None and record.status != "failed":
            render_result(record.result, out)
        elif record.result is not None:
            for message in record.result.messages:
                out.print(f"    [red]{escape(message)}[/]")


def render_script(result: ScriptResult) -> None:
    out = console()
    for statement in result.statements:
        # the shell's inputs are one statement each: their line numbers say nothing
        render_statement(out, statement, lines=result.source != "<shell>")
