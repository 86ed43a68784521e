"""What the themes tests ask of the component: its themes by code, or every candidate's score."""

from __future__ import annotations

from typing import Any

from newskit.testing import run_component


def themes(text: str, **kwargs: Any) -> dict[str, Any]:
    """The reported themes of ``text``, by IPTC code."""
    return {f.value: f for f in run_component("themes", text, **kwargs)}


def probe(text: str) -> dict[str, float]:
    """Every candidate with its raw score, whatever its confidence."""
    return {f.value: f.attributes["score"]
            for f in run_component("themes", text, config={"threshold": 0.0, "max_tags": 400})}
