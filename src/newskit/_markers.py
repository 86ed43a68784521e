"""The pluggy markers of the ``newskit`` project (kept apart so importing them is cheap)."""

from __future__ import annotations

import pluggy

PROJECT = "newskit"

#: Decorate a plugin's hook implementations with ``@newskit.hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT)
#: Decorate hook *specifications* (for plugins that offer extension points of their own).
hookspec = pluggy.HookspecMarker(PROJECT)
