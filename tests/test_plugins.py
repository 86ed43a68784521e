"""Entry-point discovery: lazy, one plugin at a time, failures recorded, env switches."""

import importlib.metadata
import subprocess
import sys
import types

import pytest

import newskit
from newskit import PluginError
from newskit._plugins import Registry


class FakeEntryPoint:
    def __init__(self, name, obj=None, error=None):
        self.name, self.value, self.dist = name, f"fake_{name}", None
        self._obj, self._error = obj, error

    def load(self):
        if self._error:
            raise self._error
        return self._obj


def module_with_component(name, kind):
    module = types.ModuleType(f"fake_{name}")

    @newskit.hookimpl
    def newskit_components():
        return [newskit.ComponentSpec(name, factory=lambda c: (lambda v: []), provides=(kind,))]

    module.newskit_components = newskit_components
    return module


@pytest.fixture
def fake_entry_points(monkeypatch):
    def install(*eps):
        monkeypatch.setattr("newskit._plugins.entry_points", lambda: tuple(eps))

    return install


def test_a_plugin_that_fails_to_import_is_recorded_not_fatal(fake_entry_points):
    fake_entry_points(
        FakeEntryPoint("good", module_with_component("good", "g")),
        FakeEntryPoint("broken", error=ImportError("No module named 'missing_dep'")),
    )
    registry = Registry()
    infos = {i.name: i for i in registry.plugin_infos()}
    assert infos["good"].components == ("good",) and infos["good"].error is None
    assert "ImportError: No module named 'missing_dep'" in infos["broken"].error
    assert list(registry.components()) == ["good"]


def test_strict_mode_makes_a_failed_import_fatal(fake_entry_points, monkeypatch):
    fake_entry_points(FakeEntryPoint("broken", error=ImportError("nope")))
    monkeypatch.setenv("NEWSKIT_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="plugin 'broken' .* failed to load: ImportError: nope"):
        Registry()


def test_load_and_disable_switches(fake_entry_points, monkeypatch):
    fake_entry_points(
        FakeEntryPoint("a", module_with_component("a", "x")),
        FakeEntryPoint("b", module_with_component("b", "y")),
        FakeEntryPoint("c", error=RuntimeError("must not even be loaded")),
    )
    monkeypatch.setenv("NEWSKIT_LOAD_PLUGINS", "a,b")
    assert sorted(Registry().components()) == ["a", "b"]
    monkeypatch.setenv("NEWSKIT_DISABLE_PLUGINS", "b")
    assert sorted(Registry().components()) == ["a"]


def test_disabled_provider_is_named_in_the_plan_error(fake_entry_points, monkeypatch):
    fake_entry_points(FakeEntryPoint("ents", module_with_component("ents", "entity")))
    needs = types.ModuleType("needs")

    @newskit.hookimpl
    def newskit_components():
        return [newskit.ComponentSpec("needs", factory=lambda c: (lambda v: []), provides=("n",), requires=("entity",))]

    needs.newskit_components = newskit_components
    with pytest.raises(newskit.PlanError, match="installed but disabled: 'ents'"):
        newskit.Pipeline(["needs"], plugins=[needs])


def test_import_newskit_reads_no_entry_points():
    code = (
        "import sys, newskit\n"
        "assert 'newskit._plugins' not in sys.modules, 'entry points module imported'\n"
        "assert 'pluggy' not in sys.modules, 'pluggy imported at import time'\n"
        "newskit.Finding\n"
        "assert 'newskit._plugins' not in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_entry_points_are_read_once_per_process(monkeypatch):
    from newskit import _plugins

    calls = []
    real = importlib.metadata.entry_points

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    _plugins.entry_points.cache_clear()
    monkeypatch.setattr(importlib.metadata, "entry_points", counting)
    try:
        Registry()
        Registry()
        assert len(calls) == 1
    finally:
        _plugins.entry_points.cache_clear()
