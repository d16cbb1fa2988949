"""The check registry: specs, explain, topics, the doctor JSON shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from ainlp.core.errors import BadInput
from ainlp.core.health import Finding, Severity, checks, explain, run_checks, topics
from conftest import make_world


def test_finding_json_shape() -> None:
    item = Finding("venv.base-missing", Severity.ERROR, "/x", "m", "h", "rebuild")
    assert item.to_json() == {"id": "venv.base-missing", "severity": "error", "subject": "/x",
                              "message": "m", "hint": "h", "fix": "rebuild"}


def test_every_spec_is_documented_data() -> None:
    for id, spec in checks().items():
        assert spec.id == id
        assert spec.topics and spec.title and spec.explanation and spec.why and spec.repair
        assert id == id.lower() and "." in id and " " not in id


def test_explain_unknown_id_suggests() -> None:
    with pytest.raises(BadInput) as info:
        explain("no.such-check-at-all")
    assert info.value.exit_code == 2


def test_report_shape_on_empty_world(tmp_path: Path) -> None:
    report = run_checks(make_world(tmp_path))
    doc = report.to_json()
    assert set(doc) == {"findings", "checks_run", "summary"}
    assert doc["checks_run"] == len(checks())
    assert set(doc["summary"]) == {"error", "warning", "info"}


def test_unknown_topic_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        run_checks(make_world(tmp_path), topic="nonsense-topic")
    assert all(t == t.lower() for t in topics())


def test_every_check_topic_is_offered_and_every_offered_topic_has_checks() -> None:
    from ainlp.core.health.topics import TOPICS

    assert set(topics()) <= set(TOPICS)
    assert set(TOPICS) <= set(topics())


def test_every_check_is_named_by_a_test() -> None:
    """Each check has trigger/no-trigger worlds; at least its id must appear in a test file."""
    here = Path(__file__).parent
    text = "".join(p.read_text(encoding="utf-8") for p in here.glob("test_health_*.py"))
    untested = [id for id in checks() if f'"{id}"' not in text]
    assert untested == []


def test_health_engine_imports_no_front_end_library(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    code = ("import sys, json\nfrom ainlp.core.health import checks, run_checks\nchecks()\n"
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=tmp_path)
    loaded = set(json.loads(done.stdout))
    assert not {"rich", "lark", "prompt_toolkit", "pydantic"} & loaded
