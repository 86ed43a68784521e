"""The core's own implementation of ``newskit_run_component``: call the built component.

It is registered first in every registry, so pluggy calls it last and wrappers of other
plugins (timing, tracing, caching) see what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from newskit._markers import hookimpl
from newskit._model import Finding, FindingView
from newskit._spec import ComponentSpec


class CoreRunner:
    """Holds the built component of each spec and runs it on a view."""

    def __init__(self) -> None:
        self.built: dict[str, Callable[[FindingView], Iterable[Finding]]] = {}

    @hookimpl(trylast=True)
    def newskit_run_component(self, component: ComponentSpec, view: FindingView) -> Any:
        return self.built[component.name](view)
