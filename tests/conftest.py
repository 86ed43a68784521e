"""Shared fixtures for the core tests: tiny plugins registered without entry points."""

from __future__ import annotations

import pytest

import newskit


def make_plugin(name, provides, requires=(), uses=(), run=None, config_cls=None):
    """A plugin object with one component; ``run(view)`` returns its findings."""

    def factory(config):
        return run if run is not None else (lambda view: [])

    spec = newskit.ComponentSpec(
        name, factory=factory, provides=provides, requires=requires, uses=uses, config_cls=config_cls
    )

    class Plugin:
        @newskit.hookimpl
        def newskit_components(self):
            return [spec]

    plugin = Plugin()
    plugin.__name__ = f"plugin_{name}"
    return plugin


def word_finder(kind, word, label=None):
    """A component that marks every occurrence of ``word`` as a ``kind`` finding."""

    def run(view):
        text = view.text
        start = text.find(word)
        while start >= 0:
            yield newskit.Finding(kind, start, start + len(word), word, label=label)
            start = text.find(word, start + 1)

    return run


@pytest.fixture
def toy():
    """Build toy plugins: ``toy("ents", "entity", run=...)``."""
    return make_plugin
