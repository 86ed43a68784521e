"""The hooks a newskit plugin can implement.

Import ``newskit.hookimpl`` and decorate functions of these names in your plugin module;
register the module in the ``newskit`` entry-point group (or pass it to
``Pipeline(plugins=[...])``). Every hook is documented in ``docs/hooks.md``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import TYPE_CHECKING

from newskit._markers import hookspec

if TYPE_CHECKING:
    from newskit._model import Finding, FindingView, Result
    from newskit._spec import ComponentSpec


@hookspec
def newskit_components() -> Iterable[ComponentSpec]:
    """Declare the components this plugin supplies.

    Called once per plugin (each implementation separately, so the core knows which plugin
    supplied which component and a failing plugin is isolated).

    Example::

        @newskit.hookimpl
        def newskit_components():
            return [newskit.ComponentSpec("shouting", factory=Shouting, provides=("shout",))]
    """


@hookspec(firstresult=True)
def newskit_run_component(component: ComponentSpec, view: FindingView) -> Iterable[Finding] | None:
    """Run one component on one document and return its new findings.

    Stops at the first non-None result. The core's own runner is registered first, so it
    is called last; implement this hook as a wrapper (``@newskit.hookimpl(wrapper=True)``)
    to time, trace or cache components.

    Example::

        @newskit.hookimpl(wrapper=True)
        def newskit_run_component(component, view):
            started = time.perf_counter()
            findings = yield
            TIMINGS[component.name] += time.perf_counter() - started
            return findings
    """


@hookspec
def newskit_document_processed(result: Result) -> None:
    """Notification after each document has been analysed (metrics, sinks, logging).

    Example::

        @newskit.hookimpl
        def newskit_document_processed(result):
            COUNTS.update(f.kind for f in result.findings)
    """


@hookspec
def newskit_add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add subcommands to the ``newskit`` command line.

    Set ``func`` on the new parser with ``set_defaults``; it is called with the parsed
    arguments and returns the exit code.

    Example::

        @newskit.hookimpl
        def newskit_add_commands(subparsers):
            parser = subparsers.add_parser("hello", help="say hello")
            parser.set_defaults(func=lambda args: print("hello") or 0)
    """
