"""The seed's run_environment_health_check action: the doctor document as its data."""

from __future__ import annotations

from pathlib import Path

import pytest
from ainlp.actions.registry import ActionContext, for_intent, get_action
from ainlp.core.errors import BadInput
from conftest import make_venv, make_world


def test_action_is_reached_by_diagnose() -> None:
    spec = for_intent("diagnose")
    assert spec is not None and spec.name == "run_environment_health_check"
    topic = spec.param("topic")
    assert topic is not None and topic.choices is not None
    assert {"path", "pip", "packages", "ssl", "venv", "conda", "pyenv", "permissions"} <= set(
        topic.choices)


def test_action_result_is_the_doctor_document(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "v")
    world = make_world(tmp_path, path=[venv / "bin"], env={"VIRTUAL_ENV": str(venv)})
    spec = get_action("run_environment_health_check")
    healthy = spec(ActionContext(world), {})
    assert set(healthy.data) == {"findings", "checks_run", "summary"}
    assert not healthy.problems_found and healthy.exit_code == 0
    broken = spec(ActionContext(world.with_env(SSL_CERT_FILE=str(tmp_path / "none.pem"))),
                  {"topic": "ssl"})
    assert broken.problems_found and broken.exit_code == 1
    assert {f["id"] for f in broken.data["findings"]} == {"ssl.ca-bundle-missing"}


def test_action_rejects_unknown_topic(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        get_action("run_environment_health_check")(ActionContext(make_world(tmp_path)),
                                                   {"topic": "nonsense"})
