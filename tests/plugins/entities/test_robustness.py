"""Any text: no exception, valid spans."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newskit
from newskit.testing import assert_valid_findings

PIPE = newskit.Pipeline(["entities"])

names = st.sampled_from(["Moscow", "Vladimir Putin", "the Kremlin", "Russia's", "U.S.", "PRC", "Mr. Smith",
                         "Jordan Henderson", "the Russian leader", "Georgia", "Côte d'Ivoire", "al-Assad",
                         "Kim Jong-un", "S. Jaishankar", "\u00a0", "’s", "-based", "\u202e", "👍", "\x00"])
texts = st.lists(st.one_of(st.text(max_size=40), names), max_size=30).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from([None, "2022-06-01", "1999-01-01"]))
def test_any_text_gives_valid_spans(text, when):
    doc = newskit.Document(text, published_at=when)
    result = PIPE.run(doc)
    assert_valid_findings(result.document, result.findings)


def test_long_line_and_many_capitals():
    text = ("Moscow Said Beijing And Washington " * 20000) + ("x" * 1_000_000)
    result = PIPE.run(text)
    assert_valid_findings(result.document, result.findings)
