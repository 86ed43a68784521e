"""Hooks the entities plugin adds: other plugins can feed its knowledge base.

Implement them with ``@newskit.hookimpl`` in any registered plugin. They are documented in
``docs/plugins/entities.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from newskit import hookspec


@hookspec
def newskit_kb_entries() -> Iterable[Mapping[str, Any]]:
    """Return knowledge-base entries to add to (or override in) the entities component's KB.

    Each entry is a dict with at least ``id`` (a Wikidata QID or a namespaced id such as
    ``"acme:widget"``), ``name`` and ``label`` (``PERSON``, ``ORG``, ``GPE``, ``LOC``,
    ``EVENT`` or ``OTHER``); see ``docs/plugins/entities.md`` for all fields. Entries replace
    bundled entities with the same id and win over bundled entities that share an alias.
    Called once, when the component is built.

    Example::

        @newskit.hookimpl
        def newskit_kb_entries():
            return [{"id": "acme:widgetco", "name": "WidgetCo", "label": "ORG",
                     "type": "company", "aliases": ["Widget Company"], "tags": ["company"]}]
    """
