"""`ainlp do "PHRASE" [--dry-run] [--yes]`: understand a phrase and run its intent's action."""

from __future__ import annotations

import argparse
import json
import sys

from ainlp.commands._action import add_change_flags, context_from_args


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("phrase", nargs="+",
                        help='what to do, in words ("list python interpreters")')
    add_change_flags(parser)


def run(args: argparse.Namespace) -> int:
    from ainlp.commands.run import gate
    from ainlp.core.errors import BadInput
    from ainlp.dispatch import not_available, plan_intent
    from ainlp.language.phrases import match_phrase

    text = " ".join(args.phrase).strip()
    if not text:
        raise BadInput("say what to do", hint='for example: ainlp do "list python interpreters"')
    intent = match_phrase(text)
    if args.debug:
        print(f"intent {intent.name} ({intent.confidence:.2f}) by template {intent.template!r}",
              file=sys.stderr)
    ctx = context_from_args(args)
    plan = plan_intent(intent, ctx.world)  # unknown -> UnknownPhrase, exit 2 with suggestions
    step = next(plan.steps).step
    assert step is not None  # plan_intent raises instead of planning an unresolved step
    if not step.spec.available:
        # no plan, no "run again with --yes": the action's own NotAvailable, exit 1
        raise not_available(step, ctx.world)
    go = gate(plan, args, ctx)
    if go is None:
        return 0
    result = step.spec(go, step.arguments)
    if args.json:
        print(json.dumps({"intent": intent.to_json(), "action": step.action,
                          "arguments": step.arguments, "result": result.data,
                          "problems_found": result.problems_found, "failed": result.failed,
                          "exit_code": result.exit_code}, default=str))
    else:
        from ainlp.render import render_result

        render_result(result)
    return result.exit_code
