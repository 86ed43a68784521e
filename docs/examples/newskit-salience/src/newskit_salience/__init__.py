"""newskit-salience: how prominent each linked entity is in an article.

An example of a third-party newskit plugin. It declares one component that *requires*
``entity`` findings (so the planner runs it after the entity linker) and returns one
document-level ``salience`` finding per linked entity.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

import newskit

__version__ = "0.1.0"


@attrs.frozen
class SalienceConfig:
    #: Entities mentioned fewer times than this are left out.
    min_mentions: int = 1
    #: Report at most this many entities, most salient first.
    top: int = 10


class Salience:
    """Scores each linked entity by mention count and by how early it first appears."""

    def __init__(self, config: SalienceConfig) -> None:
        self.config = config

    def __call__(self, view: newskit.FindingView) -> Iterator[newskit.Finding]:
        mentions: dict[str, list[newskit.Finding]] = {}
        for entity in view.of_kind("entity"):
            if entity.value is not None:  # NIL mentions have no identity to count
                mentions.setdefault(entity.value, []).append(entity)
        total = sum(len(found) for found in mentions.values())
        length = max(len(view.text), 1)
        scored = []
        for value, found in mentions.items():
            if len(found) < self.config.min_mentions:
                continue
            first = found[0]
            # Share of all linked mentions, nudged up for entities named early (the lead).
            earliness = 1.0 - first.start / length
            score = min(1.0, 0.8 * len(found) / total + 0.2 * earliness)
            scored.append((score, value, found))
        scored.sort(key=lambda item: (-item[0], item[1]))
        for score, value, found in scored[: self.config.top]:
            first = found[0]
            yield newskit.Finding(
                "salience",
                None,
                None,
                None,
                label=first.attributes.get("name") or first.text,
                value=value,
                confidence=round(score, 4),
                attributes={"mentions": len(found), "first_mention": [first.start, first.end]},
                refs={"first_mention": first.id},
            )


@newskit.hookimpl
def newskit_components() -> list[newskit.ComponentSpec]:
    return [
        newskit.ComponentSpec(
            "salience",
            factory=Salience,
            provides=("salience",),
            requires=("entity",),
            config_cls=SalienceConfig,
            description="How prominent each linked entity is (mentions, first position).",
            version=__version__,
        )
    ]
