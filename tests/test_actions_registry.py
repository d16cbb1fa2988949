"""The action registry: every intent reaches an action, the seed's names exist, nothing fakes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ainlp.actions.registry import ActionContext, for_intent, get_action, registry

from ainlp.cli import COMMANDS, ActionCommand
from tests.conftest import REPO, make_world

INTENTS = ("list_environments", "which_python", "diagnose", "fix", "switch", "create_environment",
           "backup", "restore", "export", "import", "report", "list_backups", "cleanup",
           "list_packages", "check_packages", "help", "undo")
SEED = ("run_environment_health_check", "apply_automatic_recovery_strategies",
        "generate_diagnostic_report", "create_comprehensive_backup",
        "environment_configuration_and_instructions")
# Actions whose engine comes in a later issue: they must say so and fail, never pretend.
NOT_YET: dict[str, str] = {}
CHANGES_MACHINE = {"apply_automatic_recovery_strategies", "import_environments",
                   "cleanup_broken_environments"}


def test_the_intent_table_here_is_the_one_of_the_spec(shared_dir: Path) -> None:
    text = (shared_dir / "spec" / "intents.md").read_text()
    table = text.split("## Intents", 1)[1].split("##", 1)[0]
    spec_intents = re.findall(r"^\| (\w+) \|", table, flags=re.M)
    assert set(spec_intents) - {"intent", "unknown"} == set(INTENTS)


@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_maps_to_an_action(intent: str) -> None:
    spec = for_intent(intent)
    assert spec is not None, f"no action for intent {intent}"
    assert spec.phrases, f"{spec.name} has no example phrases for help"


def test_unknown_maps_to_no_action() -> None:
    assert for_intent("unknown") is None


@pytest.mark.parametrize("name", SEED)
def test_the_seeds_action_names_exist(name: str) -> None:
    assert get_action(name).name == name
    assert get_action(name.upper()).name == name  # names match case-insensitively


def test_every_action_command_of_the_cli_names_a_registered_action() -> None:
    names = {c.action for c in COMMANDS.values() if isinstance(c, ActionCommand)}
    assert names - set(registry()) == set()
    for command in COMMANDS.values():
        if isinstance(command, ActionCommand):
            spec = registry()[command.action]
            assert set(command.positional) <= {p.name for p in spec.params}
            assert spec.func.__module__ == f"ainlp.actions.{command.module}", command.action


def test_every_action_is_reachable_from_an_intent() -> None:
    assert [s.name for s in registry().values() if not s.intents] == []


def test_help_lists_every_intent_with_examples(tmp_path: Path) -> None:
    result = get_action("show_help")(ActionContext(world=make_world(tmp_path)), {})
    assert result.exit_code == 0
    listed = {i for a in result.data["actions"] for i in a["intents"]}
    assert set(INTENTS) <= listed
    by_name = {a["action"]: a for a in result.data["actions"]}
    assert by_name["list_environments"]["examples"] == list(
        get_action("list_environments").phrases)
    assert "RUN diagnose_python_issues" in result.data["script_example"]


def test_registering_every_action_imports_no_pydantic_rich_or_lark() -> None:
    code = ("import sys\nfrom ainlp.actions.registry import registry\nregistry()\n"
            "print(sorted(m for m in ('pydantic', 'rich', 'lark', 'prompt_toolkit') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO.parent, timeout=60, env={**os.environ, "PYTHONPATH": ""})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "AINLP_HOME": str(tmp_path / "state")}
    return subprocess.run([sys.executable, "-m", "ainlp.cli", *args], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=60, stdin=subprocess.DEVNULL)


def test_a_command_whose_engine_is_missing_exits_1_with_an_error_document(tmp_path: Path) -> None:
    out = cli(tmp_path, "export", "--json")  # export has its engine: it writes the bundle
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "home" / "ainlp-export").is_dir()
    out = cli(tmp_path, "cleanup")  # its engine is there: a plan (nothing to clean), exit 0
    assert out.returncode == 0 and "not available" not in out.stderr


def test_exactly_the_actions_without_their_engine_are_marked_not_available() -> None:
    # QA #2: nothing may offer a plan ("run again with --yes") for an action that cannot run.
    assert {name for name, spec in registry().items() if not spec.available} == set(NOT_YET)
