"""Evidence spans of phrases: the string scan finds what the regex it replaced found."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newskit_themes._engine import _line_span

WORDS = st.sampled_from([b"prime", b"minister", b"interest", b"rates", b"a", b"b"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(WORDS, st.just(b" "), st.just(b"  ")), max_size=25),
       st.lists(WORDS, min_size=1, max_size=3))
def test_a_phrase_span_is_the_first_match_of_its_words_with_spaces_between(parts, phrase):
    line = b" ".join(parts)
    padded = b" " + line + b" "
    toks = [b"x", *phrase, b"y"]
    rx = re.compile(b" " + b" +".join(map(re.escape, phrase)) + b" ")
    m = rx.search(padded)
    expected = None if m is None else (m.start(), m.end() - 2)
    assert _line_span(line, padded, toks, 1, len(phrase)) == expected
