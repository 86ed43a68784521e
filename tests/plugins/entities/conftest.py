from __future__ import annotations

import pytest

import newskit


@pytest.fixture(scope="session")
def pipeline():
    """One entities pipeline for the whole session (the KB loads once)."""
    return newskit.Pipeline(["entities"])


@pytest.fixture(scope="session")
def run(pipeline):
    def _run(text: str, published_at: str | None = "2022-06-01"):
        result = pipeline.run(text, published_at=published_at) if published_at else pipeline.run(text)
        return {f.text: f for f in result.of_kind("entity")}, result

    return _run
