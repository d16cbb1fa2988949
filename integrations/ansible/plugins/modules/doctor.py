#!/usr/bin/python
# Copyright: AINLP contributors; MIT License (see the project's LICENSE)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: doctor
short_description: Health checks of the host's Python, and a gate on their findings
version_added: "0.1.0"
description:
  - Runs C(ainlp doctor --json) on the managed host and returns its findings.
  - Fails the task when a finding at or above O(fail_on) exists, so a play can gate on health.
  - Never changes anything (C(changed) is always false) and runs in check mode too.
options:
  executable:
    description:
      - The command that runs ainlp on the host, split like a shell would.
      - Default is C(ainlp) on the host's PATH, else C(python3 -m ainlp).
    type: str
  fail_on:
    description: The least severity that fails the task; V(never) only reports.
    type: str
    choices: [error, warning, never]
    default: error
  target:
    description: Only this environment (a name, a path, V(project) or V(all)).
    type: str
  topic:
    description: Only the checks of this topic (for example V(path) or V(venv)).
    type: str
notes:
  - Supports check mode (it only reads).
author:
  - AINLP contributors
"""

EXAMPLES = r"""
- name: Stop the play on hosts whose Python has an error
  ainlp.python_envs.doctor:

- name: Be stricter about virtual environments
  ainlp.python_envs.doctor:
    topic: venv
    fail_on: warning
"""

RETURN = r"""
findings:
  description: Every finding (id, severity, subject, message, hint, fix).
  returned: always
  type: list
  elements: dict
summary:
  description: Counts of the findings by severity (error, warning, info).
  returned: always
  type: dict
checks_run:
  description: How many checks ran.
  returned: always
  type: int
failing:
  description: The findings at or above O(fail_on), the ones that fail the task.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ainlp.python_envs.plugins.module_utils.ainlp_cli import (
    ainlp_argv,
    at_or_above,
    run_doctor,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            executable=dict(type="str"),
            fail_on=dict(type="str", default="error", choices=["error", "warning", "never"]),
            target=dict(type="str"),
            topic=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    argv = ainlp_argv(module, module.params["executable"])
    args = ["doctor", "--json"]
    if module.params["target"]:
        args.insert(1, module.params["target"])
    if module.params["topic"]:
        args += ["--topic", module.params["topic"]]
    findings, summary, checks_run = run_doctor(module, argv, args)  # fail_on decides below
    failing = at_or_above(findings, module.params["fail_on"])
    result = dict(changed=False, findings=findings, summary=summary, checks_run=checks_run,
                  failing=failing)
    if failing:
        shown = "; ".join("%s %s (%s)" % (f.get("severity"), f.get("id"), f.get("subject"))
                          for f in failing[:5])
        more = " and %d more" % (len(failing) - 5) if len(failing) > 5 else ""
        module.fail_json(msg="%d finding(s) at or above %s: %s%s"
                         % (len(failing), module.params["fail_on"], shown, more), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
