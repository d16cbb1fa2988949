"""`ainlp fleet-report FACTS_DIR [--format markdown|json] [--output FILE]`.

FACTS_DIR holds one `<host>.json` per host: the `ansible_facts.ainlp` that the Ansible
collection `ainlp.python_envs` gathers (integrations/ansible/). The report: Python versions
per host, broken environments, end-of-life interpreters, hosts with an error finding. `--json`
is `--format json`. Exit 0 when the report was made (the `doctor` module is the gate), 2 for
a bad folder or file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ainlp import api

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.renderers.fleet 83 ms


def configure(parser: argparse.ArgumentParser) -> None:
    from ainlp.renderers.fleet import FORMATS

    parser.add_argument("facts_dir", metavar="FACTS_DIR",
                        help="a folder of <host>.json files (each host's ansible_facts.ainlp)")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="markdown (the default) or json (the same as --json)")
    parser.add_argument("--output", metavar="FILE", default=None,
                        help="write the report to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    from ainlp.renderers.fleet import render_json, render_markdown

    report = api.fleet_report(args.facts_dir)
    as_json = args.format == "json" or (args.format is None and args.json)
    text = render_json(report) if as_json else render_markdown(report)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    target = Path(args.output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise api.BadInput(f"{target}: cannot be written: {exc.strerror or exc}",
                           hint="give --output a file in a folder you can write") from exc
    hosts = len(report.hosts)
    print(f"fleet report of {hosts} host{'' if hosts == 1 else 's'} written to {target}",
          file=sys.stderr)
    return 0
