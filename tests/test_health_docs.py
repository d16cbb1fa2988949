"""docs/findings.md is the registry written out: every finding id documented, never drifting.

Regenerate it with `AINLP_WRITE_DOCS=1 python -m pytest tests/test_health_docs.py`.
"""

from __future__ import annotations

import os
import re

import pytest
from ainlp.core.health import checks
from ainlp.core.health.registry import documentation, health_check
from conftest import REPO

from ainlp.renderers.findings_doc import document, entry

DOC = REPO / "docs" / "findings.md"


def test_findings_doc_matches_registry() -> None:
    expected = document(checks().values())
    if os.environ.get("AINLP_WRITE_DOCS") == "1":
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(expected, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/findings.md is stale: AINLP_WRITE_DOCS=1 python -m pytest tests/test_health_docs.py")


def test_every_id_has_one_entry_with_the_three_parts() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = re.findall(r"^### `([^`]+)`$", text, flags=re.MULTILINE)
    assert sorted(documented) == sorted(checks())
    for spec in checks().values():
        block = entry(spec)
        assert block in text
        for part in ("What it means", "Why it matters", "What the repair does"):
            assert part in block


def test_at_least_thirty_checks() -> None:
    assert len(checks()) >= 30
    assert len([i for i in checks() if not i.startswith("packages.")]) >= 24



def test_findings_toml_and_registry_hold_the_same_ids() -> None:
    # findings.toml is the one source of a finding's documentation: an entry without a check
    # (or a check without an entry, which fails at registration) is drift
    assert sorted(documentation()) == sorted(checks())
    for id, spec in checks().items():
        doc = documentation()[id]
        assert (doc["severity"], doc["topics"], doc.get("fix")) == (
            spec.severity.value, list(spec.topics), spec.fix)
        assert spec.explanation == doc["explanation"]


def test_a_check_without_documentation_is_refused() -> None:
    with pytest.raises(ValueError, match=r"findings\.toml"):
        health_check("nowhere.documented")(lambda ctx, spec: iter(()))


def test_no_check_looks_itself_up() -> None:
    # the decorator hands each check its spec
    for path in (REPO / "core" / "health" / "checks").glob("*.py"):
        assert "get_check(" not in path.read_text(encoding="utf-8"), path
