"""Rule loading: the fast reader of rule-file TOML agrees with tomllib, cues parse the same."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newskit_themes._rules import _expand, _Where, fast_toml, parse_cue

RULE_FILES = sorted((resources.files("newskit_themes") / "data" / "rules").iterdir(), key=lambda p: p.name)


def _tomllib(text):
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "error"


@pytest.mark.parametrize("path", [p for p in RULE_FILES if p.name.endswith(".toml")], ids=lambda p: p.name)
def test_fast_reader_reads_every_bundled_rule_file_like_tomllib(path):
    text = path.read_text(encoding="utf-8")
    data = fast_toml(text)
    assert data is not None, "a bundled rule file left the fast reader's subset (it still loads, slower)"
    assert data == tomllib.loads(text)


@pytest.mark.parametrize("text", [
    '[[theme]]\ncode = "a:b"\ncues = ["x", # note "y"\n  "z",\n]\nrollup = 0.5\nenabled = false\n',
    '[taxonomy]\nname = "newsroom"\n\n[[theme]]\ncode = "a:b"  # c\n',
    '[[theme]]\ncode = "a:b"\r\ncues = []\r\n',
    'code = "x"\n',
    '[[theme]]\ncues = ["C#", "a,b", "[x]"]\n',
    '[[theme]]\ncode = "a:b"\ncode = "c:d"\n',          # duplicate key: tomllib's error
    '[taxonomy]\nname = "a"\n[taxonomy]\nname = "b"\n',  # table defined twice
    '[taxonomy]\nname = "a"\n[[taxonomy]]\n',
    '[[theme]]\ncode = "a\\tb"\n',                        # an escape: tomllib reads it
    "[[theme]]\ncode = 'literal'\n",
    '[[theme]]\nrollup = 1e0\nx = 0x10\ny = 1_000\nz = 01\n',
    '[[theme]]\ncues = ["a" "b"]\n',
    '[[theme]]\ncues = ["a",,"b"]\n',
    '[[theme]]\ncode = "a" b = "c"\n',
    '[[theme]]\ncode = "x\x01y"\n',
    '# only a comment',
    '',
    '[[theme]]\na.b = 1\n',
    '[[theme]]\ncues = [1, 2]\n',
    '[[theme]]\ncode = "unterminated\n',
])
def test_fast_reader_agrees_with_tomllib_or_defers(text):
    data = fast_toml(text)
    if data is not None:  # it answers only where tomllib gives the same table
        assert data == _tomllib(text)


_PIECES = st.sampled_from([
    "[[theme]]", "[taxonomy]", "[theme]", "code", "cues", "name", " = ", "=", '"a:b"', '"x y^2"', '"C#"',
    '""', "0.5", "1", "-0", "01", "true", "false", "[", "]", ",", " ", "\t", "\n", "\r\n", "\r", "# c ",
    "#", '"', "\\", "'", "\x00", "é", "1e5", "inf",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_fast_reader_never_disagrees_with_tomllib(text):
    data = fast_toml(text)
    if data is not None:
        assert data == _tomllib(text)


@pytest.mark.parametrize("raw", [
    "embass{y,ies}^3", "{foreign,defence} minister{,s}", "a{b,c}d{e,f}", "pre-tax profit{,s}^3",
    "diplomat*", "Labour^2", "UN", "über*^2", "x{, s}", "k9x*", "Chapter 11^3",
])
def test_cue_forms_match_the_general_expansion(raw):
    where = _Where("t.toml", 0, 1, "a:b")
    cues = parse_cue(raw, "cues[0]", where)
    text = raw.rpartition("^")[0] if "^" in raw else raw
    forms = _expand(text.strip())
    assert [c.pattern for c in cues] == [raw] * len(forms)
    for cue, form in zip(cues, forms):
        words = form.replace("-", " ").split()
        assert [e.text.lower() for e in cue.elements] == [w.rstrip("*").lower() for w in words]
        assert [e.stem for e in cue.elements] == [w.endswith("*") for w in words]
        assert [e.case for e in cue.elements] == [w.rstrip("*") != w.rstrip("*").lower() for w in words]
