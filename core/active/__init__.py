"""The active environment as editors and shells read it, and the best one for a project.

`project_files` plans `.python-version` and `.vscode/settings.json` edits as bytes (applied
through a ChangeSet); `global_python` plans `use --global`; `ranking` orders environments
by what the project declares (`needs`) and picks a replacement for one that vanished.
"""

from ainlp.core.active.global_python import GlobalPlan, bin_folder, path_line, plan_global
from ainlp.core.active.needs import ProjectNeeds, read_needs
from ainlp.core.active.project_files import (
    INTERPRETER_KEY,
    PlannedEdit,
    plan_python_version,
    plan_vscode_settings,
    python_version_edit,
    vscode_settings_edit,
)
from ainlp.core.active.ranking import Candidate, Replacement, rank_for_project, replacement_for

__all__ = [
    "INTERPRETER_KEY",
    "Candidate",
    "GlobalPlan",
    "PlannedEdit",
    "ProjectNeeds",
    "Replacement",
    "bin_folder",
    "path_line",
    "plan_global",
    "plan_python_version",
    "plan_vscode_settings",
    "python_version_edit",
    "rank_for_project",
    "read_needs",
    "replacement_for",
    "vscode_settings_edit",
]
