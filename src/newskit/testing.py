"""A testing kit for plugin authors, loaded by pytest as the ``newskit`` plugin (pytest11).

Plain functions you can call from any test, and the same as fixtures:

``make_document(text, **fields)``
    a ``Document`` (fixture ``make_document``).
``run_component(name, text_or_doc, *, prior=(), config=None, plugins=(), entrypoints=True)``
    run one component on one document, with earlier findings ``prior`` visible to it the
    way the pipeline shows them, and return the component's new findings (ids stamped).
``plugin_pipeline(*plugins, components=None, **kwargs)``
    a ``Pipeline`` with these plugin objects registered and no entry points (fixture).
``assert_valid_result(result)`` / ``assert_valid_findings(document, findings)``
    fail with a clear message when a span lies outside the text, a text does not match,
    ids repeat, a ref dangles, or the JSON round trip loses anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pytest

from newskit._model import Document, Finding, FindingView, Result, finding_id, sort_findings
from newskit._pipeline import Pipeline, as_document

__all__ = [
    "make_document",
    "run_component",
    "plugin_pipeline",
    "assert_valid_findings",
    "assert_valid_result",
    "stamp",
]


def make_document(text: str, **fields: Any) -> Document:
    """A ``Document`` with these fields (``published_at`` may be an ISO string)."""
    return Document(text, **fields)


def stamp(findings: Iterable[Finding], producer: str = "test") -> list[Finding]:
    """Give hand-made findings the ids and producer the pipeline would stamp."""
    out = []
    for f in findings:
        key = f.value if f.value is not None else f.label
        out.append(f.evolve(id=finding_id(f.kind, f.start, f.end, key), producer=producer))
    return out


def plugin_pipeline(*plugins: Any, components: Sequence[str] | None = None, **kwargs: Any) -> Pipeline:
    """A pipeline with just these plugin objects (installed entry points are ignored)."""
    kwargs.setdefault("entrypoints", False)
    return Pipeline(components, plugins=list(plugins), **kwargs)


def run_component(
    name: str,
    doc: Document | str | Mapping[str, Any],
    *,
    prior: Iterable[Finding] = (),
    config: Mapping[str, Any] | None = None,
    plugins: Sequence[Any] = (),
    entrypoints: bool = True,
    **fields: Any,
) -> list[Finding]:
    """Run the component ``name`` alone on ``doc``, seeing ``prior`` findings.

    ``prior`` findings without ids get the ids the pipeline would give them, so a test can
    build entity findings by hand and check what a downstream component does with them.
    """
    document = Document(doc, **fields) if isinstance(doc, str) else as_document(doc)
    pipeline = Pipeline(
        [name],
        plugins=list(plugins),
        entrypoints=entrypoints,
        config={name: dict(config)} if config else None,
    )
    spec = pipeline.plan[0]
    earlier = sort_findings(f if f.id else stamp([f])[0] for f in prior)
    ids = {f.id for f in earlier}
    view = FindingView(document, earlier)
    produced = pipeline.registry.runner.built[spec.name](view)
    new = pipeline._accept(spec, document, produced, ids)  # the contract check of the pipeline
    return sort_findings(new)


def assert_valid_findings(document: Document, findings: Sequence[Finding]) -> None:
    """Fail unless every finding lies inside the text, matches it and refs resolve."""
    ids = [f.id for f in findings if f.id is not None]
    assert len(ids) == len(set(ids)), f"finding ids repeat: {sorted(ids)}"
    known = set(ids)
    n = len(document.text)
    for f in findings:
        assert isinstance(f, Finding), f"not a Finding: {f!r}"
        if f.start is not None:
            assert 0 <= f.start <= f.end <= n, f"{f!r}: span outside the text ({n} characters)"
            assert document.text[f.start : f.end] == f.text, (
                f"{f!r}: text does not match the document ({document.text[f.start:f.end]!r})"
            )
        for role, ref in f.refs.items():
            assert ref in known, f"{f!r}: ref {role!r} → {ref!r} points at no finding"
        if f.confidence is not None:
            assert 0.0 <= f.confidence <= 1.0, f"{f!r}: confidence outside [0, 1]"


def assert_valid_result(result: Result) -> None:
    """``assert_valid_findings`` plus a lossless JSON round trip."""
    from newskit._serialize import result_from_json, result_to_json

    assert_valid_findings(result.document, result.findings)
    line = result_to_json(result)
    assert "\n" not in line
    again = result_from_json(json.loads(line))
    assert again.findings == result.findings, "findings changed in the JSON round trip"
    assert again.document.text == result.document.text, "text changed in the JSON round trip"


# -- pytest fixtures ---------------------------------------------------------------------


@pytest.fixture(name="make_document")
def _make_document_fixture():
    """Build documents: ``make_document("text", published_at="2024-10-02")``."""
    return make_document


@pytest.fixture(name="run_component")
def _run_component_fixture():
    """Run one component with prior findings: ``run_component("quotes", text, prior=[...])``."""
    return run_component


@pytest.fixture(name="plugin_pipeline")
def _plugin_pipeline_fixture():
    """A pipeline of explicitly registered plugins: ``plugin_pipeline(MyPlugin())``."""
    return plugin_pipeline


@pytest.fixture(name="assert_valid_result")
def _assert_valid_result_fixture():
    """Check a result's spans, refs and JSON round trip."""
    return assert_valid_result
