"""The one registry helper: entries by name, their modules imported on first use."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from ainlp.core.registry import Registry

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Registry[str]:
    """A registry with two modules that register into it when imported."""
    registry: Registry[str] = Registry("plugin", ("regtest_a", "regtest_b"))
    monkeypatch.setattr(sys.modules[__name__], "REGISTRY", registry, raising=False)
    for name, entry in (("regtest_a", "one"), ("regtest_b", "two")):
        (tmp_path / f"{name}.py").write_text(
            f"import {__name__} as t\nt.REGISTRY.add({entry!r}, {entry!r} + ' from {name}')\n")
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    return registry


def test_modules_are_imported_on_first_use_only(plugins: Registry[str]) -> None:
    assert plugins.entries == {}
    assert "regtest_a" not in sys.modules
    assert dict(plugins.all()) == {"one": "one from regtest_a", "two": "two from regtest_b"}
    assert plugins.get("two") == "two from regtest_b"
    assert plugins.get("three") is None
    assert list(plugins.items()) == [("one", "one from regtest_a"), ("two", "two from regtest_b")]
    assert "one" in plugins and "three" not in plugins


def test_a_name_registered_twice_is_an_error() -> None:
    registry: Registry[int] = Registry("widget")
    registry.register("a")(1)
    with pytest.raises(ValueError, match="widget 'a' registered twice"):
        registry.add("a", 2)
    lenient: Registry[int] = Registry("widget", unique=False)
    lenient.add("a", 1)
    lenient.add("a", 2)
    assert lenient.get("a") == 2


def test_homes_import_only_the_module_a_name_needs(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    registry: Registry[str] = Registry("strategy", homes={"x": "regtest_x", "y": "regtest_y"})
    monkeypatch.setattr(sys.modules[__name__], "REGISTRY", registry, raising=False)
    for name in ("x", "y"):
        (tmp_path / f"regtest_{name}.py").write_text(
            f"import {__name__} as t\nt.REGISTRY.add({name!r}, 'strategy {name}')\n")
        monkeypatch.delitem(sys.modules, f"regtest_{name}", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert registry.names() == ("x", "y")
    assert registry.get("x") == "strategy x"
    assert "regtest_y" not in sys.modules
    assert registry.get("z") is None
    assert "regtest_y" not in sys.modules


def test_the_registries_use_the_helper() -> None:
    actions = importlib.import_module("ainlp.actions.registry")
    health = importlib.import_module("ainlp.core.health.registry")
    strategies = importlib.import_module("ainlp.core.recovery.strategies")
    render = importlib.import_module("ainlp.render")

    assert isinstance(actions._ACTIONS, Registry)
    assert actions._REGISTRY is actions._ACTIONS.entries  # tests pop temporary actions there
    assert isinstance(health._CHECKS, Registry)
    assert isinstance(strategies._STRATEGIES, Registry)
    assert isinstance(render._RENDERERS, Registry)
    assert set(strategies.names()) >= {"rebuild", "rebase", "clean-path"}
    assert strategies.strategy("rebase") is not None
    assert strategies.strategy("no-such-fix") is None


def test_no_hand_copied_loaded_flags_are_left() -> None:
    # core/discovery/locators/ keeps its own for now: discovery is being optimised separately
    for rel in ("actions/registry.py", "core/health/registry.py",
                "core/recovery/strategies/__init__.py", "ainlp/render.py"):
        text = (REPO / rel).read_text(encoding="utf-8")
        assert "_loaded" not in text and "import_module" not in text, rel
