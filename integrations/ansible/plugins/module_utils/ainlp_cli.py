# Copyright: AINLP contributors; MIT License (see the project's LICENSE)
"""Run the `ainlp` command line on the managed host and read its `--json` document.

Modules of this collection import only the standard library and Ansible's module_utils: they
call the ainlp CLI (installed on the host) and never import ainlp itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shlex

SEVERITIES = ("info", "warning", "error")
INSTALL_HINT = ("install ainlp on the host (the collection's playbooks/fleet.yml installs it "
                "from a wheel built from the checkout) or give `executable`")


def ainlp_argv(module, executable):
    """The command that runs ainlp: `executable` split like a shell would, else `ainlp` on the
    host's PATH, else `python3 -m ainlp`. Fails the module, clearly, when nothing is there."""
    if executable:
        try:
            argv = shlex.split(executable)
        except ValueError as exc:
            module.fail_json(msg="executable %r cannot be split into words: %s"
                             % (executable, exc))
        if not argv:
            module.fail_json(msg="executable is empty; leave it out to use `ainlp` on PATH")
        first = os.path.expanduser(argv[0])
        if os.sep in first:
            if not (os.path.isfile(first) and os.access(first, os.X_OK)):
                module.fail_json(msg="ainlp cannot run on this host: %s is not an executable "
                                     "file; %s" % (first, INSTALL_HINT))
        else:
            found = module.get_bin_path(first)
            if found is None:
                module.fail_json(msg="ainlp cannot run on this host: %r is not on PATH (%s); %s"
                                 % (first, os.environ.get("PATH", ""), INSTALL_HINT))
            first = found
        return [first] + argv[1:]
    found = module.get_bin_path("ainlp")
    if found is not None:
        return [found]
    python = module.get_bin_path("python3")
    if python is None:
        module.fail_json(msg="ainlp cannot run on this host: neither `ainlp` nor `python3` is on "
                             "PATH (%s); %s" % (os.environ.get("PATH", ""), INSTALL_HINT))
    return [python, "-m", "ainlp"]


def run_json(module, argv, args, ok_codes=(0,)):
    """`argv + args` run, its stdout read as one JSON object; a clear failure otherwise (the
    command, its exit code, the error document's message and hint, its stderr)."""
    command = argv + list(args)
    shown = " ".join(shlex.quote(part) for part in command)
    rc, out, err = module.run_command(command, check_rc=False,
                                      environ_update={"NO_COLOR": "1", "TERM": "dumb"})
    document = None
    try:
        document = json.loads(out) if out.strip() else None
    except ValueError:
        document = None
    error = document.get("error") if isinstance(document, dict) else None
    if rc not in ok_codes or not isinstance(document, dict) or error is not None:
        if isinstance(error, dict):
            why = "%s%s" % (error.get("message"),
                            " (hint: %s)" % error["hint"] if error.get("hint") else "")
        elif err.strip():
            why = err.strip().splitlines()[-1]
        elif not isinstance(document, dict):
            why = "it printed no JSON document"
        else:
            why = "no output"
        module.fail_json(msg="`%s` failed (exit %s): %s" % (shown, rc, why), rc=rc, cmd=command,
                         stderr=err, stdout=out[:4000], hint=INSTALL_HINT if rc == 127 or
                         "No module named" in err else None)
    return document


def run_doctor(module, argv, args=("doctor", "--json")):
    """`ainlp doctor --json` (it exits 1 when a finding is an error: the document is there all
    the same): its findings, their counts by severity, and how many checks ran."""
    health = run_json(module, argv, args, ok_codes=(0, 1))
    return health.get("findings", []), health.get("summary", {}), health.get("checks_run", 0)


def at_or_above(findings, level):
    """The findings whose severity is `level` or worse; none for `never`."""
    if level == "never":
        return []
    rank = SEVERITIES.index(level)
    return [f for f in findings if f.get("severity") in SEVERITIES
            and SEVERITIES.index(f["severity"]) >= rank]
