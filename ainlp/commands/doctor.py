"""`ainlp doctor [TARGET] [--topic T] [--json] [--explain ID] [--watch [--interval S]]`.

Exit 0 when no finding is an error, 1 otherwise, 2 for bad input (unknown id, target or
topic), 130 when Ctrl-C stops `--watch`. With `--watch --json`, one JSON document per line:
the first with every finding, then one per change with the findings that appeared and
those that went away.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.health import HealthReport


def configure(parser: argparse.ArgumentParser) -> None:
    from ainlp.core.health.topics import TOPICS

    parser.add_argument("target", nargs="?", default=None,
                        help="an environment: name, path, 'project' or 'all' (default: all)")
    parser.add_argument("--topic", choices=TOPICS, default=None,
                        help="only the checks of this topic")
    parser.add_argument("--explain", metavar="ID", default=None,
                        help="what a finding id means, why it matters, what its repair does")
    parser.add_argument("--watch", action="store_true",
                        help="keep checking; print findings as they appear and go away "
                             "(with --json: one JSON document per line)")
    parser.add_argument("--interval", type=float, default=2.0,
                        help="seconds between polls with --watch (default 2)")
    parser.add_argument("--max-polls", type=int, default=None, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    if args.explain is not None:
        return _explain(args.explain, json_mode=args.json)
    from ainlp.core.world import World

    world = World.current()
    if args.watch:
        return _watch(world, args)
    from ainlp.core.health import run_checks

    report = run_checks(world, target=args.target, topic=args.topic)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        from ainlp.render import console
        from ainlp.renderers.health import print_report

        print_report(console(), report.to_json(), _environments(report))
    return 1 if report.has_errors else 0


def _environments(report: HealthReport) -> list[dict[str, Any]]:
    from ainlp.core.health import subject_of

    return [{"title": _title(env), "subject": subject_of(env)} for env in report.environments]


def _title(env: EnvRecord) -> str:
    parts = [env.kind.value]
    if env.name:
        parts.append(env.name)
    parts.append(env.version or "version unknown")
    return " ".join(parts)


def _explain(id: str, *, json_mode: bool) -> int:
    from ainlp.core.health import explain
    from ainlp.core.health.docs import entry

    spec = explain(id)  # BadInput (exit 2, did-you-mean) for an unknown id
    if json_mode:
        print(json.dumps(spec.to_json()))
    else:
        from rich.markdown import Markdown

        from ainlp.render import console

        console().print(Markdown(entry(spec)))
    return 0


def _watch(world: Any, args: argparse.Namespace) -> int:
    import time

    from ainlp.core.health.watch import watch

    out = None
    if not args.json:
        from ainlp.render import console
        from ainlp.renderers.health import print_change, print_report

        out = console()
    last = None
    try:
        for event in watch(world, target=args.target, topic=args.topic,
                           interval=max(args.interval, 0.05), max_polls=args.max_polls):
            last = event.report
            if args.json:
                print(json.dumps(event.to_json()), flush=True)
            elif event.kind == "initial":
                assert out is not None
                print_report(out, event.report.to_json(), _environments(event.report))
                out.print(f"[dim]watching for changes every {args.interval:g} s; "
                          "Ctrl-C stops[/]")
            else:
                assert out is not None
                print_change(out, [f.to_json() for f in event.new],
                             [f.to_json() for f in event.resolved], time.strftime("%H:%M:%S"))
            sys.stdout.flush()
    except KeyboardInterrupt:
        print("ainlp: stopped watching", file=sys.stderr)
        return 130
    return 1 if last is not None and last.has_errors else 0
