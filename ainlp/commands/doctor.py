"""`ainlp doctor [TARGET] [--topic T] [--verbose] [--json] [--explain ID] [--watch [--interval S]]`.

For people: a summary, one line per area (interpreters, environments, PATH and shell, pip,
packages, state), then each finding id once (its repeats folded); `--verbose` lists every
environment and finding. `--json` is the same document either way.

Exit 0 when no finding is an error, 1 otherwise, 2 for bad input (unknown id, target or
topic), 130 when Ctrl-C stops `--watch`. With `--watch --json`, one JSON document per line:
the first with every finding, then one per change with the findings that appeared and
those that went away.
"""

from __future__ import annotations

import argparse
import sys
import time

from ainlp import api, jsontext
from ainlp.render import console

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.renderers.health 87 ms


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", default=None,
                        help="an environment: name, path, 'project' or 'all' (default: all)")
    parser.add_argument("--topic", choices=api.TOPICS, default=None,
                        help="only the checks of this topic")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="every environment and every finding, one line each "
                             "(the default is a summary per area, repeats folded)")
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
    if args.interval <= 0 or args.interval != args.interval:  # NaN too
        raise api.BadInput(f"--interval must be a positive number of seconds, not "
                           f"{args.interval:g}", hint="for instance --interval 2 (the default)")
    if args.watch:
        return _watch(args)
    report = api.doctor(args.target, args.topic)
    if args.json:
        print(jsontext.dumps(report.to_json()))
    else:
        from ainlp.renderers.health import print_doctor

        print_doctor(console(), report, topic=args.topic, verbose=args.verbose)
    return 1 if report.has_errors else 0


def _explain(id: str, *, json_mode: bool) -> int:
    spec = api.explain(id)  # BadInput (exit 2, did-you-mean) for an unknown id
    if json_mode:
        print(jsontext.dumps(spec.to_json()))
    else:
        from ainlp.renderers.health import print_explanation

        print_explanation(console(), spec)
    return 0


def _watch(args: argparse.Namespace) -> int:
    out = None
    if not args.json:
        from ainlp.renderers.health import print_doctor, print_finding_change

        out = console()
    last = None
    try:
        for event in api.watch(args.target, args.topic, interval=args.interval,
                               max_polls=args.max_polls):
            last = event.report
            if args.json:
                print(jsontext.dumps(event.to_json()), flush=True)
            elif event.kind == "initial":
                assert out is not None
                print_doctor(out, event.report, topic=args.topic, verbose=args.verbose)
                out.print(f"[dim]watching for changes every {args.interval:g} s; "
                          "Ctrl-C stops[/]")
            else:
                assert out is not None
                print_finding_change(out, event.new, event.resolved, time.strftime("%H:%M:%S"))
            sys.stdout.flush()
    except KeyboardInterrupt:
        print("ainlp: stopped watching", file=sys.stderr)
        return 130
    return 1 if last is not None and last.has_errors else 0
