"""The one front door (issue "One front door"): front ends reach the engine only through
`ainlp.api`, results are typed, and the api works as the README shows."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, make_venv, make_world

FRONT_ENDS = [*sorted((REPO / "ainlp" / "commands").glob("*.py")), REPO / "ainlp" / "shell.py",
              REPO / "ainlp" / "rpc.py"]
LAYERS_BELOW = ("ainlp.actions", "ainlp.core")
MAX_ANY = 20


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement names, function-level ones included."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


@pytest.mark.parametrize("path", FRONT_ENDS, ids=lambda p: p.name)
def test_front_ends_import_neither_actions_nor_core(path: Path) -> None:
    reaching = [f"{path.name}:{line}: {name}" for line, name in imported_modules(path)
                if name.startswith(LAYERS_BELOW)]
    assert reaching == []


def test_no_command_imports_another_command() -> None:
    commands = {p.stem for p in (REPO / "ainlp" / "commands").glob("*.py")
                if not p.stem.startswith("_")}
    for path in (REPO / "ainlp" / "commands").glob("*.py"):
        others = {name.rsplit(".", 1)[-1] for _, name in imported_modules(path)
                  if name.startswith("ainlp.commands.")} - {path.stem}
        assert not others & commands, path.name


def test_the_language_does_not_import_the_dispatcher_or_actions() -> None:
    for path in (REPO / "ainlp" / "language").glob("*.py"):
        reaching = [name for _, name in imported_modules(path)
                    if name.startswith(("ainlp.dispatch", "ainlp.actions"))]
        assert reaching == [], path.name


def test_the_engine_renders_nothing() -> None:
    for path in (REPO / "core").rglob("*.py"):
        names = {name.split(".")[0] for _, name in imported_modules(path)}
        assert not names & {"rich", "prompt_toolkit", "lark"}, path
        assert "def render_" not in path.read_text(), path


def any_annotations(root: Path) -> list[str]:
    """Every use of `Any` in an annotation or type alias under root."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            named = isinstance(node, ast.Name) and node.id == "Any"
            dotted = (isinstance(node, ast.Attribute) and node.attr == "Any"
                      and isinstance(node.value, ast.Name) and node.value.id == "typing")
            if named or dotted:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_any_is_rare_above_the_engine() -> None:
    found = any_annotations(REPO / "ainlp") + any_annotations(REPO / "actions")
    assert len(found) <= MAX_ANY, "\n".join(found)


def test_import_ainlp_exposes_the_api_lazily() -> None:
    code = ("import sys, ainlp\n"
            "before = sorted(m for m in sys.modules if m.startswith('ainlp'))\n"
            "from ainlp import find, doctor, execute, get_aios_python_integration\n"
            "print(before)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd="/")
    assert done.stdout.strip() == "['ainlp']"


def test_python_dash_m_ainlp_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "ainlp", "--help"], capture_output=True,
                          text=True, cwd="/", timeout=60)
    assert done.returncode == 0 and "COMMAND" in done.stdout


def test_the_api_answers_with_typed_values(tmp_path: Path) -> None:
    import ainlp

    make_venv(tmp_path / "home" / ".virtualenvs" / "one")
    world = make_world(tmp_path)
    inventory = ainlp.find(world=world, kind="venv")
    assert [e.name for e in inventory.environments] == ["one"]
    assert inventory.to_json()["summary"] == {"total": 1, "ok": 1, "broken": 0, "missing": 0}
    health = ainlp.doctor(topic="venv", world=world)
    assert isinstance(health, ainlp.HealthReport) and not health.has_errors
    intent = ainlp.parse("list python interpreters")
    assert isinstance(intent, ainlp.Intent) and intent.name == "list_environments"
    done = ainlp.execute("list python interpreters", world=world)
    assert done.applied and done.exit_code == 0
    assert done.to_json()["action"] == "list_environments"


def test_a_change_returns_its_plan_unless_applied(tmp_path: Path) -> None:
    import ainlp

    world = make_world(tmp_path)
    plan = ainlp.plan("list python interpreters", world=world)
    assert plan.read_only and [s.id for s in plan.steps] == ["1.1"]
    with pytest.raises(ainlp.BadInput) as info:
        ainlp.execute("make me a sandwich", world=world)
    assert info.value.exit_code == 2 and info.value.code == "phrase.unknown"


def test_the_seed_integration_changes_nothing(tmp_path: Path) -> None:
    import ainlp

    world = make_world(tmp_path)
    integration = ainlp.get_aios_python_integration(world)
    report = integration.get_diagnostic_report()
    assert {"machine", "environments", "findings"} <= set(report.data)
    health = integration.perform_health_check()
    assert health.checks_run > 0
    assert not (tmp_path / "home").joinpath(".venv").exists()


def test_events_and_cancel_reach_discovery(tmp_path: Path) -> None:
    import ainlp

    make_venv(tmp_path / "home" / ".virtualenvs" / "one")
    world = make_world(tmp_path)
    seen: list[ainlp.Event] = []
    ainlp.find(world=world, refresh=True, on_event=seen.append)
    assert [e.record.name for e in seen if e.kind == "environment" and e.record] == ["one"]
    token = ainlp.CancelToken()
    token.cancel()
    with pytest.raises(ainlp.Cancelled):
        ainlp.find(world=world, refresh=True, on_event=seen.append, cancel=token)


def test_readme_api_example_runs(tmp_path: Path) -> None:
    text = (REPO / "README.md").read_text()
    start = text.index("```python\n") + len("```python\n")
    example = text[start:text.index("```", start)]
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "AINLP_HOME": str(tmp_path / "state")}
    done = subprocess.run([sys.executable, "-c", example], capture_output=True, text=True,
                          cwd=home, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["summary"]["total"] >= 0


def test_find_and_doctor_documents_round_trip(tmp_path: Path) -> None:
    import ainlp

    make_venv(tmp_path / "home" / ".virtualenvs" / "one")
    (tmp_path / "home" / ".virtualenvs" / "gone").mkdir()
    (tmp_path / "home" / ".virtualenvs" / "gone" / "pyvenv.cfg").write_text("home = /nowhere\n")
    world = make_world(tmp_path)
    inventory = ainlp.find(world=world, refresh=True)
    again = ainlp.Inventory.from_json(json.loads(json.dumps(inventory.to_json())))
    assert again.to_json()["environments"] == inventory.to_json()["environments"]
    assert again.summary == inventory.summary
    health = ainlp.doctor(world=world)
    back = ainlp.HealthReport.from_json(json.loads(json.dumps(health.to_json())))
    assert back.to_json() == health.to_json()


@pytest.mark.parametrize("bad", [[], {"environments": [{"kind": "nope", "prefix": "/x",
                                                        "executable": None}]},
                                 {"environments": "all"}])
def test_a_bad_find_document_is_bad_input(bad: object) -> None:
    import ainlp

    with pytest.raises(ainlp.BadInput) as info:
        ainlp.Inventory.from_json(bad, source="host1.json")
    assert info.value.message.startswith("host1.json")


def test_the_registry_knows_the_module_of_each_action() -> None:
    from ainlp.actions.registry import HOMES, registry

    assert set(HOMES) == set(registry())
    for name, module in HOMES.items():
        assert registry()[name].func.__module__ == f"ainlp.actions.{module}", name


def test_find_imports_neither_the_dispatcher_nor_the_health_engine(tmp_path: Path) -> None:
    code = ("import sys, io, contextlib\nfrom ainlp.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['find', '--json', '--refresh'])\n"
            "print(sorted(m for m in sys.modules if m.startswith(('ainlp.dispatch', "
            "'ainlp.core.health', 'ainlp.actions.health'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=tmp_path,
                          env={"HOME": str(tmp_path), "AINLP_HOME": str(tmp_path / "s"),
                               "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "[]"
