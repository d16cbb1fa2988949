#!/usr/bin/python
# Copyright: AINLP contributors; MIT License (see the project's LICENSE)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: facts
short_description: The host's Python interpreters and environments as facts
version_added: "0.1.0"
description:
  - Runs C(ainlp find --json) on the managed host (and with O(doctor=true) C(ainlp doctor --json))
    and returns the documents as C(ansible_facts.ainlp).
  - Never changes anything (C(changed) is always false) and runs in check mode too.
  - Variables such as E(HOME) or E(AINLP_HOME) come from the task's or play's C(environment).
options:
  executable:
    description:
      - The command that runs ainlp on the host, split like a shell would
        (for example C(/opt/ainlp/venv/bin/ainlp) or C(python3 -m ainlp)).
      - Default is C(ainlp) on the host's PATH, else C(python3 -m ainlp).
    type: str
  doctor:
    description: Also run the health checks and return their C(findings).
    type: bool
    default: false
  refresh:
    description: Discover again instead of reading ainlp's discovery cache.
    type: bool
    default: false
notes:
  - Supports check mode (it only reads).
  - ainlp must be installed on the host; the collection's C(playbooks/fleet.yml) installs it.
author:
  - AINLP contributors
"""

EXAMPLES = r"""
- name: Gather the Python environments and their health
  ainlp.python_envs.facts:
    doctor: true

- name: Show how many are broken
  ansible.builtin.debug:
    msg: "{{ ansible_facts.ainlp.summary.broken }} broken of {{ ansible_facts.ainlp.summary.total }}"
"""

RETURN = r"""
ansible_facts:
  description: Facts added to the host.
  returned: success
  type: complex
  contains:
    ainlp:
      description: What ainlp saw on the host.
      returned: success
      type: complex
      contains:
        environments:
          description: C(ainlp find --json)'s environments (kind, name, prefix, version, state, problems, ...).
          type: list
          elements: dict
        summary:
          description: Counts of the environments (total, ok, broken, missing).
          type: dict
        findings:
          description: C(ainlp doctor --json)'s findings (id, severity, subject, message, hint, fix).
          returned: when O(doctor=true)
          type: list
          elements: dict
        checks_run:
          description: How many health checks ran.
          returned: when O(doctor=true)
          type: int
        findings_summary:
          description: Counts of the findings by severity (error, warning, info).
          returned: when O(doctor=true)
          type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ainlp.python_envs.plugins.module_utils.ainlp_cli import (
    ainlp_argv,
    run_doctor,
    run_json,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            executable=dict(type="str"),
            doctor=dict(type="bool", default=False),
            refresh=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    argv = ainlp_argv(module, module.params["executable"])
    find_args = ["find", "--json"] + (["--refresh"] if module.params["refresh"] else [])
    found = run_json(module, argv, find_args)
    facts = {
        "environments": found.get("environments", []),
        "summary": found.get("summary", {}),
    }
    if module.params["doctor"]:
        findings, summary, checks_run = run_doctor(module, argv)
        facts.update(findings=findings, checks_run=checks_run, findings_summary=summary)
    module.exit_json(changed=False, ansible_facts={"ainlp": facts})


if __name__ == "__main__":
    main()
