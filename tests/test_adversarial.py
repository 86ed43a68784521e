"""Adversarial and arbitrary text through every installed component and the whole pipeline.

The inputs of ``benchmarks/speed/stress.py`` (quote marks, a line without spaces, nested
brackets, digits, capitalised words, newlines…), at a small size, must come back as valid
results: no exception, every span inside the text and matching it, refs resolving, a
lossless JSON round trip. The benchmark measures their time at full size; tests do not.

A Hypothesis property does the same for the whole pipeline on any Unicode text (control
characters, lone surrogates, combining marks, right-to-left text, emoji) and on
news-shaped token soup. Each bundled plugin has its own property tests in
``tests/plugins/<name>/``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newskit
from newskit._plugins import Registry
from newskit.testing import assert_valid_result

REPO = Path(__file__).resolve().parents[1]


def _load_stress():
    spec = importlib.util.spec_from_file_location("newskit_stress", REPO / "benchmarks" / "speed" / "stress.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STRESS = _load_stress()
COMPONENTS = sorted(Registry().components())
TARGETS = [*COMPONENTS, "pipeline"] if COMPONENTS else []

_PIPELINES: dict[str, newskit.Pipeline] = {}


def pipeline_for(target: str) -> newskit.Pipeline:
    """One pipeline per target for the whole module (building is the slow part)."""
    if target not in _PIPELINES:
        names = COMPONENTS if target == "pipeline" else [target]
        _PIPELINES[target] = newskit.Pipeline(names)  # on_error="raise": failures show in full
    return _PIPELINES[target]


@pytest.mark.skipif(not COMPONENTS, reason="no newskit components installed")
@pytest.mark.parametrize("key", list(STRESS.INPUTS))
@pytest.mark.parametrize("target", TARGETS)
def test_adversarial_input_gives_a_valid_result(target, key):
    _, make, _, n_small = STRESS.INPUTS[key]
    text = make(n_small)
    result = pipeline_for(target).run(newskit.Document(text, id=key, published_at="2024-10-02"))
    assert result.ok, result.errors
    assert result.document.text == text
    assert_valid_result(result)


def test_the_stress_inputs_have_the_sizes_they_claim():
    _, make, n, _ = STRESS.INPUTS["no-spaces"]
    line = make(n)
    assert len(line) == 5_000_000 and " " not in line and "\n" not in line
    assert STRESS.INPUTS["quotes"][1](100_000) == '"' * 100_000
    assert STRESS.INPUTS["digits"][1](1_000_000).isdigit()
    assert len(STRESS.INPUTS["newlines"][1](1_000_000)) == 1_000_000
    words = STRESS.INPUTS["capitalised"][1](100_000).split()
    assert len(words) == 100_000 and all(w[0].isupper() for w in words)
    brackets = STRESS.INPUTS["brackets"][1](100_000)
    assert brackets.startswith("([{" * 100) and brackets.count("(") == brackets.count(")")


# -- any text at all ------------------------------------------------------------------------

_TOKENS = [
    "Putin", "Vladimir", "said", "says", "told", "Reuters", "according", "to", "the", "President",
    "Xi", "Jinping", "Moscow", "Beijing", "He", "She", "on", "Monday", "2", "October", "2024",
    "last", "week", "in", "1999", "12/10/2023", "09:30", "Q3", "summer", "minister", "talks",
    '"', "“", "”", "‘", "’", "'", "«", "»", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "—",
    "-", "\n", "\n\n", "\t", "\u0301", "\u202e", "\u200b", "\x00", "\ufeff", "🙂", "👩‍👩‍👧",
    "\ud800", "\udfff", "مرحبا", "שלום", "İstanbul", "ǅ", "ﬁ", "ß", "Ⅻ", "٣", "x" * 300,
]
_SEPARATORS = st.sampled_from([" ", "", " ", "\n", "  "])

news_soup = st.lists(st.tuples(st.sampled_from(_TOKENS), _SEPARATORS), max_size=80).map(
    lambda parts: "".join(token + sep for token, sep in parts)
)
# Lone surrogates included (JSON "\ud800" gives one). A high surrogate *followed by* a low
# one is left out: JSON can only write that pair as one character, so such a Python string
# cannot survive any JSON file (a documented limit, docs/guarantees.md).
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
any_unicode = st.text(st.characters(exclude_categories=[]), max_size=300).filter(
    lambda t: not _PAIR.search(t)
)


@pytest.mark.skipif(not COMPONENTS, reason="no newskit components installed")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(news_soup, any_unicode), published=st.sampled_from([None, "2024-10-02"]))
def test_the_whole_pipeline_accepts_any_text(text, published):
    result = pipeline_for("pipeline").run(newskit.Document(text, published_at=published))
    assert result.ok, result.errors
    assert_valid_result(result)
