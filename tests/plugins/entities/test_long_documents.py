"""Long documents cost time in proportion to their size: the exact shortcuts behind that."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newskit_entities._linker import Linker, _standalone

TEXT = st.text(alphabet="ab_- '’1éX\n", max_size=60)
WORDS = st.sets(st.text(alphabet="ab_- '’1éX", min_size=1, max_size=5), max_size=6)


@settings(max_examples=300, deadline=None)
@given(TEXT, WORDS)
def test_the_long_document_word_scan_finds_what_the_find_loop_finds(text, words):
    by_find = _standalone(text, words, small=10**12)
    by_runs = _standalone(text, words, small=0)
    assert sorted(by_runs) == sorted(by_find)
    for start, minus_length, word in by_find:  # and both mean: the word, standing alone
        end = start - minus_length
        assert text[start:end] == word
        assert not re.match(r"\w", text[start - 1:start] if start else "")
        assert not re.match(r"\w", text[end:end + 1])


@settings(max_examples=300, deadline=None)
@given(TEXT, st.text(alphabet="ab_- '’1éX", min_size=1, max_size=4))
def test_a_cue_counts_where_a_word_boundary_regex_would_find_it(text, cue):
    expected = re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", text) is not None
    assert Linker._has_cue(text, cue) is expected
