"""newskit_quotes: who said what — direct, indirect and mixed quotes with their speakers.

The ``quotes`` component provides ``quote`` findings and uses ``entity`` findings when an
entities component runs before it (speakers are then linked to entities and pronouns
resolved through them); without one, speakers are the text of their mention.

>>> import newskit
>>> result = newskit.Pipeline(components=["quotes"])('"We will win," she said.')  # doctest: +SKIP

Importing this package is cheap: the lexicon is read when the component is built.
"""

from __future__ import annotations

from typing import Any

import attrs

from newskit import ComponentSpec, hookimpl

__version__ = "0.1.0"

__all__ = ["QuotesConfig", "newskit_components", "make_component"]


@attrs.frozen
class QuotesConfig:
    """Settings of the ``quotes`` component (``[quotes]`` table)."""

    #: A quoted stretch with fewer words and no cue of its own is a scare quote or a term
    #: ("so-called 'experts'"), not a quote.
    min_words: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    #: Also pair single quotation marks at the top level ('We will win,' she said).
    single_quotes: bool = True
    #: Find indirect and mixed quotes (reported clauses), not only quoted words.
    indirect: bool = True
    #: A quote with no cue of its own takes the previous quote's speaker.
    inherit_speaker: bool = True


def make_component(config: QuotesConfig | None = None) -> Any:
    """Build the ``quotes`` component: a callable ``component(view) -> list[Finding]``."""
    from newskit_quotes._finder import QuoteFinder
    from newskit_quotes._lexicon import load_lexicon

    return QuoteFinder(load_lexicon(), config or QuotesConfig())


@hookimpl
def newskit_components() -> list[ComponentSpec]:
    return [
        ComponentSpec(
            "quotes",
            factory=make_component,
            provides=("quote",),
            uses=("entity",),
            config_cls=QuotesConfig,
            description="Direct, indirect and mixed quotes, attributed to their speakers.",
            version=__version__,
        )
    ]
