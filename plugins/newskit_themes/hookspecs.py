"""The hook the ``themes`` component offers to other plugins.

Passed to newskit through ``ComponentSpec(hookspecs=...)``; documented with a runnable
example in ``docs/plugins/themes.md``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import newskit


@newskit.hookspec
def newskit_theme_rules() -> Iterable[Mapping[str, Any] | str | os.PathLike[str]]:
    """Add theme rules, or whole custom taxonomies, to the ``themes`` component.

    Return an iterable whose items are either rule records (dicts with the keys of one
    ``[[theme]]`` table of a rule file: ``code``, ``label``, ``broader``, ``cues``,
    ``negative``, ``entities``, ``requires``, ``replace``, ``enabled``, ``taxonomy``) or
    paths to rule files (``.toml`` or ``.json``). Every implementation is called once, when
    the component is built; records are applied after the built-in rules and before the
    files of the ``rule_paths`` setting.

    Example::

        @newskit.hookimpl
        def newskit_theme_rules():
            return [{"code": "acme:ai-policy", "label": "AI policy", "taxonomy": "acme",
                     "broader": "medtop:20000621",
                     "cues": ["artificial intelligence act^2", "AI regulation^2"]}]
    """
