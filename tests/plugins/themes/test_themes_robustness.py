"""Property and sample-article tests of the themes component."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newskit
from newskit.testing import assert_valid_result

_PIPE = newskit.Pipeline(["themes"], config={"themes": {"threshold": 0.0, "max_tags": 40}})
_WORDS = ["war", "price war", "embassy", "Labour", "court", "the", "Kyiv", "goal", "inflation", "rain",
          "\u202e", "\x00", "😀", "“", "'s", "-", "\n", "İstanbul", "ﬁnance", "ß", "e\u0301"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(st.sampled_from(_WORDS)).map(" ".join)),
       st.one_of(st.none(), st.text(max_size=40)))
def test_any_text_gives_valid_document_level_findings(text, title):
    result = _PIPE.run(newskit.Document(text, title=title))
    assert not result.errors
    assert_valid_result(result)
    for f in result.of_kind("theme"):
        assert f.start is None and f.end is None and f.text is None
        assert 0.0 <= f.confidence <= 1.0
        assert f.attributes["level"] >= 1
        for s, e in f.attributes["evidence"]:
            assert 0 <= s < e <= len(text)


def test_long_line_and_repeated_cues():
    text = ("embassy war goal " * 20000) + "x" * 100000
    result = _PIPE.run(text)
    assert_valid_result(result)
    assert result.of_kind("theme")


SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_2e2a1c2ac25b84df.txt"  # ships in the repository


def test_sample_article():
    meta = json.loads(SEED.with_suffix(".json").read_text(encoding="utf-8"))
    doc = newskit.Document(SEED.read_text(encoding="utf-8"), title=meta["title"])
    found = newskit.Pipeline(["themes"]).run(doc).of_kind("theme")
    codes = {f.value for f in found}
    deeper = sorted((f for f in found if f.attributes["level"] >= 2), key=lambda f: -f.attributes["score"])
    assert deeper[0].value in {"medtop:20000639", "medtop:20000638"}
    top = max((f for f in found if f.attributes["level"] == 1), key=lambda f: f.attributes["score"])
    assert top.value == "medtop:11000000"
    assert "medtop:20000598" in codes  # defence
    assert "medtop:04000000" in codes  # economy, business and finance
    assert "medtop:20000256" in codes or "medtop:20000431" in codes  # energy
    assert "medtop:13000000" in codes  # science and technology
    assert not codes & {"medtop:15000000", "medtop:17000000", "medtop:10000000"}


_TOKEN_CHARS = st.text(alphabet=st.sampled_from(list("aZ9_ -.,'\u00a3\u2019\u201c\u2014\u00e9\u0130\u00df\u0301\ufb01\u202e\x00\n😀Ω")))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _TOKEN_CHARS))
def test_byte_tokens_are_the_regex_tokens(text):
    # the fast tokeniser (translate + split on bytes) must cut text exactly as TOKEN_RE does,
    # and its lower-cased list must line up token by token
    from newskit_themes._engine import _split_surface, count_tokens, split_tokens
    from newskit_themes._rules import TOKEN_RE

    toks, low = split_tokens(text)
    expected = TOKEN_RE.findall(text)
    assert [t.decode("utf-8") for t in toks] == expected
    assert [t.decode("utf-8") for t in low] == [t.lower() for t in expected]
    assert count_tokens(text) == len(expected)
    # the tokeniser the component uses: the same tokens, and a blanked text (when it gives
    # one) with one byte per character, so that its offsets are the text's offsets
    surface, line = _split_surface(text)
    assert surface == toks
    if line is not None:
        assert len(line) == len(text) and line.split() == toks


def test_the_python_counter_agrees_with_the_c_one():
    from newskit_themes._engine import _count, _count_py

    items = [b"a", b"b", b"a", 3, None, b"a", 3]
    fast: dict = {"b": 1}
    slow: dict = {"b": 1}
    _count(fast, items)
    _count_py(slow, items)
    assert fast == slow == {"b": 1, b"a": 3, b"b": 1, 3: 2, None: 1}


def test_many_distinct_non_ascii_separators_still_tokenise_like_the_regex():
    from newskit_themes._engine import split_tokens
    from newskit_themes._rules import TOKEN_RE

    text = " ".join(f"word{chr(0x2000 + i)}next" for i in range(60)) + " Über ÉCOLE"
    toks, low = split_tokens(text)
    assert [t.decode() for t in toks] == TOKEN_RE.findall(text)
    assert low[-1] == "école".encode()
