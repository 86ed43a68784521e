"""newskit_entities: entity mentions linked to Wikidata, offline, from a bundled knowledge base.

Finds persons, countries (all name forms, demonyms), cities, organisations, companies and media
in news text and links them to Wikidata QIDs; resolves capitals and seats of power used as
agents ("Moscow said", "the Kremlin denied") to their state, surnames to the full name, and
descriptions such as "the Russian leader" to the office holder at the publication date.

The knowledge base and the rules are data files (``data/kb.json.gz``, ``data/rules.toml``),
loaded when the component is built, never at import. Users add entities with the
``kb_paths`` setting (JSON Lines files); plugins add them with the ``newskit_kb_entries`` hook.
"""

from __future__ import annotations

import attrs

from newskit import hookimpl

__version__ = "0.1.0"
__all__ = ["EntitiesConfig", "newskit_components"]


def _paths(value):
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@attrs.frozen
class EntitiesConfig:
    """Settings of the ``entities`` component (table ``[entities]``)."""

    #: User knowledge-base files (JSON Lines, one entity a line) added to the bundled KB;
    #: their entries override bundled entities with the same id.
    kb_paths: tuple[str, ...] = attrs.field(default=(), converter=_paths)
    #: Drop links whose confidence is below this value (0 keeps everything).
    min_confidence: float = attrs.field(default=0.0, converter=float)
    #: Resolve descriptions such as "the Russian leader" to a person (``via="nominal"``).
    nominals: bool = True
    #: Read capitals and seats of power used as agents as their state (``via="metonym"``).
    metonymy: bool = True


def make_component(config: EntitiesConfig | None = None, hook=None):
    """Build the linker: load the KB (bundled + ``kb_paths`` + hook entries) and the rules."""
    from newskit_entities._component import build

    return build(config or EntitiesConfig(), hook)


@hookimpl
def newskit_components():
    from newskit import ComponentSpec

    from newskit_entities import hookspecs

    return [
        ComponentSpec(
            "entities",
            factory=make_component,
            provides=("entity",),
            config_cls=EntitiesConfig,
            description="entity mentions linked to Wikidata QIDs (persons, places, organisations), "
            "with metonymy, demonyms, surnames and nominal descriptions",
            version=__version__,
            hookspecs=hookspecs,
        )
    ]
