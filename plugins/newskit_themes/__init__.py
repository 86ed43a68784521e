"""newskit_themes: IPTC Media Topics theme tagging with the evidence for every tag.

The ``themes`` component reads the text (and the ``entity`` findings, when the entities
component ran) and returns document-level ``theme`` findings: ``value`` is the IPTC Media
Topic code (``medtop:20000639``), ``label`` its English label, and ``attributes`` hold the
``evidence`` spans, the ``broader`` code, the ``level`` and the ``taxonomy``. Rules live in
data files (``data/rules/*.toml``); users add their own through ``rule_paths`` and plugins
through the ``newskit_theme_rules`` hook.

Taxonomy: IPTC Media Topics, © IPTC, CC BY 4.0.
"""

from __future__ import annotations

from typing import Any

import newskit
from newskit_themes import hookspecs
from newskit_themes._config import ThemesConfig

__version__ = "0.1.0"
__all__ = ["ThemesConfig", "hookspecs", "make_component", "newskit_components"]


def make_component(config: ThemesConfig | None, hook: Any = None) -> Any:
    """Build the component (data files are read here, never at import time)."""
    from newskit_themes._engine import make_component as build

    # The rules become some 100,000 small objects; the pipeline pauses the cyclic garbage
    # collector while it builds components, so that it does not walk them again and again.
    return build(config, hook=hook)


@newskit.hookimpl
def newskit_components():
    return [
        newskit.ComponentSpec(
            "themes",
            factory=make_component,
            provides=("theme",),
            uses=("entity",),
            config_cls=ThemesConfig,
            description="IPTC Media Topics theme tags with evidence spans, from rule files",
            version=__version__,
            hookspecs=hookspecs,
        )
    ]


if __name__ == "__main__":
    import sys

    text = sys.stdin.read() if not sys.stdin.isatty() else (
        "Foreign ministers met in Geneva for peace talks as the central bank raised interest rates."
    )
    result = newskit.Pipeline(["themes"]).run(text)
    for f in result.of_kind("theme"):
        spans = ", ".join(repr(text[s:e]) for s, e in f.attributes["evidence"][:3])
        print(f"{f.confidence:.2f}  {f.value}  {f.label:<40} {spans}")
