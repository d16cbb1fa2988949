"""The console script's entry: answers a warm `ainlp find --json` before loading the CLI.

Everything else goes to `ainlp.cli.main`. The fast path imports only the snapshot module
(os, sys, time, and ainlp.core.ownfiles/jsondoc to read it); when the snapshot is stale,
absent, damaged or not of our schema, the full CLI runs, which rediscovers and saves a new
one. Nothing the fast path meets can escape as a traceback: any failure there means "no
snapshot" and the CLI answers, with its own error handling.
"""

from __future__ import annotations

import os
import sys
import time

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.cli 26 ms, ainlp.core.discovery.snapshot 16 ms, ainlp.core.paths 2.6 ms

_FAST = ({"find", "--json"},)


def main() -> int:
    argv = sys.argv[1:]
    if len(argv) == 2 and set(argv) in _FAST:
        try:
            answered = _find_from_snapshot()
        except Exception:  # a snapshot we cannot use is no snapshot: the CLI answers
            answered = None
        if answered is not None:
            sys.stdout.write(answered)
            return 0
    from ainlp.cli import main as cli_main

    return cli_main(argv)


def _find_from_snapshot() -> str | None:
    from ainlp.core.discovery.snapshot import fresh_document
    from ainlp.core.paths import home_for, state_dir_for

    started = time.perf_counter()
    env = os.environ
    home = home_for(env)
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    document = fresh_document(state_dir_for(env, home, sys.platform), env=env, cwd=cwd, home=home)
    if document is None:
        return None
    elapsed = (time.perf_counter() - started) * 1000
    return f'{document}, "elapsed_ms": {elapsed:.1f}, "cache": "warm"}}\n'
