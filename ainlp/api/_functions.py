"""The public functions: each front end (CLI, shell, scripts, service) calls these."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.actions.registry import Catalog, get_action, registry
from ainlp.api._options import CancelToken, OnEvent, context, world_of
from ainlp.api._text import parse
from ainlp.core.discovery.records import Inventory

if TYPE_CHECKING:
    from ainlp.actions.registry import ActionSpec
    from ainlp.actions.result import Result
    from ainlp.api._values import CheckedScript, Execution
    from ainlp.core.errors import NotAvailable
    from ainlp.core.health.engine import HealthReport
    from ainlp.core.health.registry import CheckSpec
    from ainlp.core.health.watch import WatchEvent
    from ainlp.core.world import World
    from ainlp.dispatch import Plan
    from ainlp.language.ast import CommandDef, ContextBlock, Intent, Script

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.health.watch 27 ms, ainlp.core.health 25 ms, ainlp.core.health.engine 25 ms
# lazy: ainlp.api._values 17 ms, ainlp.dispatch 16 ms, ainlp.language.script 14 ms
# lazy: ainlp.language.check 9.7 ms, ainlp.language.ast 7.7 ms

# The dispatcher, the health engine and the language's AST are imported by the functions that
# use them: `ainlp find` needs none of them (46 ms of a 190 ms `find --refresh`, measured with
# -X importtime on this machine).

__all__ = ["action_spec", "actions", "check_script", "commands_of", "continue_script", "doctor",
           "execute", "explain", "find", "load", "packages", "plan", "report", "run_action",
           "run_script", "watch", "which"]


def load(text_or_path: str | Path, *, source: str | None = None) -> Script:
    """A script parsed and checked against the actions; ScriptError lists every error."""
    from ainlp.language.check import load_script

    return load_script(text_or_path, source, catalog=Catalog())


def check_script(text_or_path: str | Path, *, source: str | None = None) -> CheckedScript:
    from ainlp.api._values import CheckedScript
    from ainlp.dispatch import command_table
    from ainlp.language.ast import Phrase, RunStatement

    script = load(text_or_path, source=source)
    commands = tuple(c.name for c in command_table(script).values())
    runs = sum(1 for s in script.statements if isinstance(s, (RunStatement, Phrase)))
    return CheckedScript(script, commands, runs)


def _dry_run_summary(plan: Plan) -> str:
    return f"dry run: {sum(1 for _ in plan.steps)} step(s) would run; nothing was run"


def plan(text_or_intent: str | Intent | Script, *, world: World | None = None,
         on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Plan:
    """What would run, in order; a read-only intent is a one-step plan marked read-only."""
    from ainlp.dispatch import plan_intent, plan_script
    from ainlp.language.ast import Script
    target = _understood(text_or_intent)
    chosen = world_of(world, cancel)
    if isinstance(target, Script):
        return plan_script(target, chosen)
    return plan_intent(target, chosen)


def _understood(text_or_intent: str | Intent | Script) -> Intent | Script:
    from ainlp.language.ast import Intent, Script
    from ainlp.language.check import check_parsed

    if isinstance(text_or_intent, (Intent, Script)):
        return text_or_intent
    parsed = parse(text_or_intent)  # syntax errors are raised here: the script is parsed once
    if isinstance(parsed, Script):
        return check_parsed(parsed, [], text_or_intent, parsed.source, catalog=Catalog())
    return parsed


def execute(text_or_intent: str | Intent | Script, *, apply: bool = False, dry_run: bool = False,
            interactive: bool = False, world: World | None = None,
            on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Execution:
    """Run a phrase, an intent or a script. Read-only work runs whatever `apply` says; work
    that changes the machine returns its plan (nothing applied) unless `apply` is true."""
    from ainlp.api._values import Execution
    from ainlp.dispatch import not_available, plan_intent
    from ainlp.language.ast import Script
    target = _understood(text_or_intent)
    if isinstance(target, Script):
        return _execute_script(target, apply=apply, dry_run=dry_run, interactive=interactive,
                               world=world, on_event=on_event, cancel=cancel)
    ctx = context(world, on_event, cancel, assume_yes=apply, interactive=interactive)
    the_plan = plan_intent(target, ctx.world)  # unknown -> UnknownPhrase (exit 2)
    step = next(the_plan.steps).step
    assert step is not None  # plan_intent raises instead of planning an unresolved step
    if not step.spec.available:
        raise not_available(step)  # no plan, no "run again with --yes": exit 1
    if dry_run:
        return Execution(the_plan, target, step=step, summary=_dry_run_summary(the_plan))
    if the_plan.needs_confirmation and not apply:
        return Execution(the_plan, target, step=step)
    validated = step.validated if step.validated is not None else step.spec.validate(
        step.arguments)
    return Execution(the_plan, target, step=step, result=step.spec.run(ctx, validated))


def run_script(text_or_path: str | Path | Script, *, apply: bool = False,
               dry_run: bool = False, interactive: bool = False, world: World | None = None,
               on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Execution:
    """Check a script, then run it statement by statement (or return its plan, as execute)."""
    from ainlp.language.ast import Script
    script = text_or_path if isinstance(text_or_path, Script) else load(text_or_path)
    return _execute_script(script, apply=apply, dry_run=dry_run, interactive=interactive,
                           world=world, on_event=on_event, cancel=cancel)


def _execute_script(script: Script, *, apply: bool, dry_run: bool, interactive: bool,
                    world: World | None, on_event: OnEvent | None,
                    cancel: CancelToken | None) -> Execution:
    from ainlp.api._values import PLAN_ONLY, Execution
    from ainlp.dispatch import plan_script
    from ainlp.dispatch import run_script as run_checked_script
    ctx = context(world, on_event, cancel, assume_yes=apply, interactive=interactive)
    the_plan = plan_script(script, ctx.world)
    if dry_run:
        return Execution(the_plan, script=script, summary=_dry_run_summary(the_plan))
    if the_plan.needs_confirmation and not apply:
        return Execution(the_plan, script=script, summary=PLAN_ONLY)
    return Execution(the_plan, script=script, script_result=run_checked_script(script, ctx))


def run_action(name: str, arguments: dict[str, object], *, world: World | None = None,
               on_event: OnEvent | None = None, cancel: CancelToken | None = None,
               dry_run: bool = False, assume_yes: bool = False,
               interactive: bool = False) -> Result:
    """One registered action by name (what the one-action commands of the CLI run)."""
    spec = get_action(name)  # imports only the module that registers it
    given = {key: value for key, value in arguments.items() if value is not None}
    ctx = context(world, on_event, cancel, dry_run=dry_run, assume_yes=assume_yes,
                  interactive=interactive)
    return spec.run(ctx, spec.validate(given))


def find(*, refresh: bool = False, kind: str | None = None, version: str | None = None,
         state: str | None = None, world: World | None = None, on_event: OnEvent | None = None,
         cancel: CancelToken | None = None) -> Inventory:
    """Every interpreter and environment (`ainlp find`)."""
    result = run_action("list_environments", {"refresh": refresh, "kind": kind,
                                              "version": version, "state": state},
                        world=world, on_event=on_event, cancel=cancel)
    assert isinstance(result.value, Inventory)
    return result.value


def which(version: str | None = None, *, world: World | None = None,
          on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """Which interpreter `python`/`python3` (or that version) runs here, and why."""
    return run_action("which_python", {"version": version}, world=world, on_event=on_event,
                      cancel=cancel)


def doctor(target: str | None = None, topic: str | None = None, *, world: World | None = None,
           on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> HealthReport:
    """The health checks and their findings (`ainlp doctor`)."""
    from ainlp.core.health.engine import HealthReport
    result = run_action("run_environment_health_check", {"target": target, "topic": topic},
                        world=world, on_event=on_event, cancel=cancel)
    assert isinstance(result.value, HealthReport)
    return result.value


def explain(finding_id: str) -> CheckSpec:
    """What a finding id means, why it matters and what repairs it; BadInput when unknown."""
    from ainlp.core.health import explain as explain_check

    return explain_check(finding_id)


def watch(target: str | None = None, topic: str | None = None, *, interval: float = 2.0,
          max_polls: int | None = None, world: World | None = None) -> Iterator[WatchEvent]:
    """The findings, then each change to them as the machine changes (`doctor --watch`)."""
    from ainlp.core.health.watch import watch as watch_checks

    return watch_checks(world_of(world, None), target=target, topic=topic,
                        interval=max(interval, 0.05), max_polls=max_polls)


def report(format: str = "text", output: str | None = None, *, world: World | None = None,
           on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """The full diagnostic report, shown or written to `output`."""
    return run_action("generate_diagnostic_report", {"format": format, "output": output},
                      world=world, on_event=on_event, cancel=cancel)


def packages(target: str | None = None, check: bool = False, *, world: World | None = None,
             on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """Installed distributions of an environment, and with `check` their conflicts."""
    return run_action("list_packages", {"target": target, "check": check}, world=world,
                      on_event=on_event, cancel=cancel)


def not_available_error(name: str) -> NotAvailable | None:
    spec = get_action(name)
    return spec.unavailable.error() if spec.unavailable is not None else None


def action_spec(name: str, *, module: str | None = None) -> ActionSpec:
    """The registered action (its parameters build the CLI's flags); `module` imports only the
    actions module that registers it."""
    return get_action(name, module=module)


def actions() -> list[ActionSpec]:
    """Every registered action (the shell completes their names, the service lists them)."""
    return list(registry().values())


def commands_of(script: Script) -> dict[str, CommandDef]:
    """Every COMMAND a script defines, by lower-cased name (RUN finds them here)."""
    from ainlp.dispatch import command_table

    return command_table(script)


def continue_script(earlier: Sequence[ContextBlock], text: str,
                    source: str = "<shell>") -> Script:
    """Parse and check `text` as if written after the blocks `earlier` (the shell's session):
    RUN may call their commands. Only the new statements come back; ScriptError otherwise."""

    from ainlp.language.ast import Script
    from ainlp.language.check import check_parsed
    from ainlp.language.script import parse_script

    parsed, syntax = parse_script(text, source)
    # earlier blocks were clean when entered, so every diagnostic is of this input
    checked = check_parsed(Script(source, (*earlier, *parsed.statements)), syntax, text, source,
                           catalog=Catalog())
    return replace(checked, statements=checked.statements[len(earlier):])
