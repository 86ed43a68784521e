"""newskit_dates: every temporal expression of a news article, normalised to TIMEX3.

The ``dates`` component finds dates, times, durations and sets ("October 2", "two years
ago", "every Monday", "at 3 p.m. EDT", "the third quarter") and gives each its TIMEX3 type
and value, resolved against ``Document.published_at`` (or the last date before it, for
"the next day"). Without a publication date, values stay underspecified (``XXXX-10-02``).

>>> import newskit
>>> result = newskit.Pipeline(components=["dates"]).run(
...     "The talks ended on Monday.", published_at="2024-10-02")   # doctest: +SKIP
>>> [(f.text, f.value) for f in result.of_kind("date")]            # doctest: +SKIP
[('Monday', '2024-09-30')]

Importing this package is cheap: the grammar is compiled and the word tables are read
when the pipeline builds the component.
"""

from __future__ import annotations

from typing import Any

import newskit
from newskit import ComponentSpec, hookimpl

from newskit_dates._config import DatesConfig

__version__ = "0.1.0"

__all__ = ["DatesConfig", "make_component", "newskit_components", "__version__"]


def load_lexicon() -> dict[str, Any]:
    """The word tables (``lexicon.toml``) shipped with the package."""
    import tomllib
    from importlib.resources import files

    with files(__name__).joinpath("lexicon.toml").open("rb") as fh:
        return tomllib.load(fh)


def make_component(config: DatesConfig | None = None):
    """Build the ``dates`` component: a callable ``component(view) -> list[Finding]``."""
    from newskit_dates._tagger import Tagger

    tagger = Tagger(load_lexicon(), config if config is not None else DatesConfig())

    def dates(view: newskit.FindingView) -> list[newskit.Finding]:
        document = view.document
        return tagger.tag(document.text, document.published_at)

    dates.tagger = tagger  # type: ignore[attr-defined]
    return dates


@hookimpl
def newskit_components() -> list[ComponentSpec]:
    return [
        ComponentSpec(
            "dates",
            factory=make_component,
            provides=("date",),
            config_cls=DatesConfig,
            description="Temporal expressions normalised to TIMEX3 (dates, times, durations, sets).",
            version=__version__,
        )
    ]
