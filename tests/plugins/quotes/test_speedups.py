"""The optional C accelerator (``newskit_quotes._speedups``) against the pure-Python
reference: the same findings on the dev set and on arbitrary text, and the same answers
from each accelerated step (quotation marks, cue words, sentence boundaries)."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import newskit
from newskit import Document, FindingView
from newskit_quotes import QuotesConfig
from newskit_quotes._finder import QuoteFinder, _drop_inside_phrases, _safe_lower
from newskit_quotes._lexicon import load_lexicon
from newskit_quotes._marks import Quoted, find_quoted
from newskit_quotes._text import Sentences

ROOT = Path(__file__).resolve().parents[3]


def _extension():
    try:
        return importlib.import_module("newskit_quotes._speedups")
    except ImportError:
        return None


EXT = _extension()
needs_ext = pytest.mark.skipif(EXT is None, reason="the C accelerator is not compiled here")


def test_extension_is_compiled_on_ci():
    # on CI the accelerator must be built: the identity tests below would otherwise only
    # ever run the fallback against itself
    if not os.environ.get("CI"):
        pytest.skip("CI is not set: the extension is optional locally")
    assert EXT is not None, "newskit_quotes._speedups did not compile"


def _pair(config: QuotesConfig | None = None) -> tuple[QuoteFinder, QuoteFinder]:
    config = config or QuotesConfig()
    fast = QuoteFinder(load_lexicon(), config)
    slow = QuoteFinder(load_lexicon(), config, accelerate=False)
    assert slow._accel is None
    return fast, slow


def _key(findings) -> list[tuple]:
    return [
        (f.kind, f.start, f.end, f.text, f.label, f.value, f.confidence,
         sorted(f.attributes.items(), key=lambda kv: kv[0]).__repr__(), sorted(f.refs.items()))
        for f in findings
    ]


def test_the_factory_uses_the_accelerator_when_it_is_compiled():
    component = newskit_quotes_component()
    assert (component._accel is not None) == (EXT is not None)


def newskit_quotes_component():
    import newskit_quotes

    return newskit_quotes.make_component()


@needs_ext
def test_a_build_of_another_source_is_not_used_and_says_how_to_rebuild(monkeypatch):
    monkeypatch.setattr(EXT, "SOURCE_SHA256", "0" * 64)
    with pytest.warns(RuntimeWarning, match=r"another version of _speedups\.c.*pip install -e"):
        finder = QuoteFinder(load_lexicon(), QuotesConfig())
    assert finder._accel is None
    found = finder(FindingView(Document('"We will win this election," she said.')))
    assert [f.label for f in found] == ["direct"]


def test_without_the_extension_the_component_falls_back_to_python(monkeypatch):
    # an environment without a compiler: the import fails, the component still works
    import newskit_quotes

    monkeypatch.setitem(sys.modules, "newskit_quotes._speedups", None)
    monkeypatch.delattr(newskit_quotes, "_speedups", raising=False)
    finder = QuoteFinder(load_lexicon(), QuotesConfig())
    assert finder._accel is None
    found = finder(FindingView(Document('"We will win this election," she said.')))
    assert [f.label for f in found] == ["direct"]


def _dev_passages() -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks" / "accuracy" / "quotes"))
    try:
        score = importlib.import_module("score")
        return [p["text"] for p in score.load()]
    finally:
        sys.path.pop(0)


@needs_ext
@pytest.mark.parametrize("with_entities", [False, True])
def test_same_findings_on_the_dev_set(with_entities):
    texts = _dev_passages()
    assert len(texts) > 50
    views = []
    if with_entities:
        try:
            entities = newskit.Pipeline(components=["entities"])
        except Exception as exc:  # the entities plugin is optional here
            pytest.skip(f"entities component unavailable: {exc}")
        for t in texts:
            doc = Document(t)
            views.append(FindingView(doc, entities(doc).findings))
    else:
        views = [FindingView(Document(t)) for t in texts]
    for config in (QuotesConfig(), QuotesConfig(single_quotes=False, min_words=2)):
        fast, slow = _pair(config)
        total = 0
        for v in views:
            a, b = fast(v), slow(v)
            assert _key(a) == _key(b), v.text
            total += len(a)
        assert total > 100  # the dev set has quotes: the comparison is not vacuous


#: characters that exercise the marks, cue words, sentence ends and abbreviations
PIECES = st.sampled_from([
    " ", " ", "  ", "\n", "\n\n", "\t", ".", ",", ";", ":", "!", "?", "'", '"', "“", "”", "‘",
    "’", "«", "»", "‹", "›", "„", "(", ")", "[", "]", "-", "—", "…", "_", "a", "A", "é", "İ",
    "ß", "Σ", "1", "²", "٣", "said", "Said", "says", "told", "according to", "told reporters",
    "according", "to", "the", "that", "he", "She", "Mr", "Dr.", "U.S.", "St", "no.", "e.g.",
    "Jane Doe", "the minister", "officials", "warned", "noting that", "adding", "expressed",
    "confidence", "is", "was", "will", "who", "which", "and", "but", "It", "We will win",
    "quoted as saying", "in the words of", "noting", "called", "criticised", "has", "critics",
    "\u200f", "\u0000", "😀", "x" * 30,
])
TEXTS = st.lists(PIECES, max_size=60).map("".join)


@needs_ext
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_same_findings_on_arbitrary_text(text):
    fast, slow = _FINDERS
    view = FindingView(Document(text))
    assert _key(fast(view)) == _key(slow(view))


@needs_ext
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_same_findings_on_arbitrary_unicode(text):
    fast, slow = _FINDERS
    view = FindingView(Document(text))
    assert _key(fast(view)) == _key(slow(view))


_FINDERS = _pair()


def _quoted(found: list[Quoted]) -> list[tuple]:
    return [(q.open, q.close, q.parts, q.single) for q in found]


@needs_ext
@settings(max_examples=500, deadline=None)
@given(TEXTS, st.booleans())
def test_each_accelerated_step_agrees_with_python(text, single_quotes):
    fast, slow = _FINDERS
    accel = fast._accel
    assert _quoted(accel.find_quoted(text, single_quotes, Quoted)) == _quoted(
        find_quoted(text, single_quotes)
    )
    low = _safe_lower(text)
    cues, spans = accel.scanner.cues(low)
    if spans is not None:
        cues = _drop_inside_phrases(cues, spans)
    assert cues == slow._cues(text, low)
    abbreviations = slow.lex.abbreviations
    ref = Sentences(text, abbreviations)
    ref._scan()
    got = Sentences(text, abbreviations, accel.sentences)
    got._scan()
    assert (got.ends, got.starts) == (ref.ends, ref.starts)


@needs_ext
def test_same_findings_on_long_and_odd_inputs():
    fast, slow = _FINDERS
    texts = [
        "",
        "a" * 100_000,
        ('"' * 5000) + " said " + ("'" * 5000),
        "He said the talks were over, " * 2000,
        ('"We will win," she said. ' * 500) + "\n" + ("“Unclosed " * 300),
        "Mr. Smith said. Dr. Jones told reporters that it was over. U.S. officials said no. " * 200,
        "\u202eRTL said\u202c ‏”quoted“ 😀 said: «Oui, c'est ça.» " * 300,
    ]
    for text in texts:
        view = FindingView(Document(text))
        assert _key(fast(view)) == _key(slow(view))


def _docs(text: str):
    from newskit_quotes._finder import _Doc

    fast, slow = _FINDERS
    low = _safe_lower(text)
    cues = slow._cues(text, low)
    quoted = find_quoted(text)
    return _Doc(fast, text, low, quoted, cues), _Doc(slow, text, low, quoted, cues), cues


@needs_ext
@settings(max_examples=400, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=200))
def test_each_accelerated_check_agrees_with_python(text, shift):
    from newskit_quotes._text import tokens

    fd, sd, cues = _docs(text)
    assert fd.fast is not None and sd.fast is None
    assert fd._find_cuts() == sd._find_cuts()
    for ci, (a, b, _) in enumerate(cues):
        assert fd._that_or_bare(ci) == sd._that_or_bare(ci)
        for floor in {0, max(0, a - shift), sd.sent.start(a), a}:
            assert fd._is_noun_use(a, floor) == sd._is_noun_use(a, floor)
            assert fd.subject_before(a, floor) == sd.subject_before(a, floor)
            window = tokens(text, floor, a)
            assert fd.subject_before(a, floor, window) == sd.subject_before(a, floor, window)


@needs_ext
@settings(max_examples=400, deadline=None)
@given(TEXTS, st.booleans())
def test_accelerated_quote_frames_agree_with_python(text, mark_used):
    # the frames around each quoted stretch ('"…," X said', 'X said: "…"') and each
    # inverted clause ("…, X said."), read by C and by Python
    fd, sd, cues = _docs(text)
    if mark_used and cues:
        fd.used.add(0)
        sd.used.add(0)
    for q in fd.quoted:
        assert fd._after(q) == sd._after(q)
        assert fd._before(q) == sd._before(q)
    for ci, (a, _, _) in enumerate(cues):
        ss = sd.sent.start(a)
        assert fd._inverted(ci, ss) == sd._inverted(ci, ss)


@needs_ext
def test_the_frame_check_rejects_bad_arguments():
    fast, _ = _FINDERS
    scanner = fast._accel.scanner
    cue = next(iter(fast.lex.forms.values()))
    text = '"We will win," she said.'
    for args in [
        (text, text.lower(), 14, 13, 1, 12, cue),  # the cue before the mark
        (text, text.lower(), 14, len(text), 1, 12, cue),  # the cue past the end
        (text, text.lower()[:-1], 14, 19, 1, 12, cue),  # texts of different lengths
        (text, text.lower(), -1, 19, 1, 12, cue),
    ]:
        with pytest.raises(ValueError):
            scanner.after(*args)
    with pytest.raises(TypeError):
        scanner.after(text, text.lower(), 14)
    assert scanner.after(text, text.lower(), 14, 19, 1, 12, cue) == ((15, 18), "pronoun")


@needs_ext
def test_a_stale_build_without_a_needed_method_leaves_the_work_to_python(monkeypatch):
    from newskit_quotes import _finder

    fast, _ = _FINDERS
    assert _finder._load_accelerator(fast) is not None
    monkeypatch.setattr(_finder, "_SCANNER_API", _finder._SCANNER_API + ("no_such_method",))
    assert _finder._load_accelerator(fast) is None


#: letters of small invented lexicons: words of one, two and more letters sharing prefixes,
#: and a non-ASCII letter (which turns the prefix filters off for a word that starts with it)
_LEX_WORDS = st.lists(
    st.text(alphabet="abstoé", min_size=1, max_size=4), min_size=1, max_size=6, unique=True
)
_LEX_PIECES = ["a", "b", "s", "t", "o", "é", "É", "1", "_", " ", "  ", ".", "-", "'", "\n",
               "’", "x", "ß", "😀"]


@st.composite
def _lexicon_and_text(draw):
    """A small lexicon and a text made of its words, their prefixes and extensions."""
    words = draw(_LEX_WORDS)
    near = sorted({p for w in words for p in (w, w[:2], w[:3], w + "a", w + "1", w + "é")})
    text = "".join(draw(st.lists(st.sampled_from(near + _LEX_PIECES), max_size=40)))
    return words, text


def _reference_cues(words: list[str], low: str) -> list[tuple[int, int, str]]:
    """The trigger words found by the pattern the pure-Python component compiles."""
    import re

    from newskit_quotes._text import trie_pattern

    rx = re.compile(r"[^0-9A-Za-z](" + trie_pattern(words) + r")(?![^\W_])")
    m0 = rx.match(" " + low[: max(map(len, words)) + 2])
    found = [(0, m0.end() - 1, m0.group(1))] if m0 is not None else []
    found += [(m.start() + 1, m.end(), m.group(1)) for m in rx.finditer(low) if not low[m.start()].isalnum()]
    return found


@needs_ext
@settings(max_examples=500, deadline=None)
@given(_lexicon_and_text())
@example((["to", "tab"], "a to a, tab."))  # a two-letter word before a space
@example((["s", "sat"], "as sa sat s."))  # a one-letter word
@example((["éta", "ta"], "é ta éta"))  # a non-ASCII first letter
def test_the_cue_scan_and_its_prefix_filters_agree_with_the_pattern(lexicon):
    # the scan skips a word start unless its first two and three characters begin some
    # word (a two-letter word lets through anything but a letter or digit): any lexicon,
    # including one- and two-letter words and non-ASCII letters, finds what the pattern finds
    words, text = lexicon
    scanner = EXT.Scanner(list(words), list(words), [None] * len(words))
    low = _safe_lower(text)
    got, spans = scanner.cues(low)
    assert spans is None
    assert got == _reference_cues(words, low)


@needs_ext
@settings(max_examples=500, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400),
       st.booleans())
def test_the_frame_before_a_mark_agrees_with_python(text, x, y, source):
    # any stretch of text as the frame between a cue and an opening mark, for a verb cue
    # (at most six words, no verb, "that" or "whether", a final mark) and a source cue
    fd, sd, _ = _docs(text)
    b, o = sorted((min(x, len(text)), min(y, len(text))))
    assert fd.fast.before(text, fd.low, b, o, source) == sd._before_frame(b, o, source)


@needs_ext
def test_the_frame_before_a_mark_reads_its_words():
    fast, _ = _FINDERS
    scanner = fast._accel.scanner
    for text, source, expected in [
        ('He told the BBC: "We will win."', False, True),
        ('He said "We will win."', False, True),
        ('He told the BBC "We will win."', False, False),  # words and no final mark
        ('He asked whether: "We will win."', False, False),  # an embedded question
        ('He said that: "We will win."', False, False),
        ('He said to all of the people in town: "We will win."', False, False),  # 7 words
        ('He said\nto them: "We will win."', False, False),  # a new line
        ('According to the minister, "we will win."', True, True),
        ('According to "we will win."', True, False),  # no words after the source cue
        ('According to the minister "we will win."', True, False),  # no final mark
    ]:
        cue = "according to" if source else text.split()[1]
        b = text.lower().index(cue) + len(cue)
        o = text.index('"')
        assert scanner.before(text, text.lower(), b, o, source) is expected, text


@needs_ext
def test_the_frame_before_a_mark_rejects_bad_arguments():
    fast, _ = _FINDERS
    scanner = fast._accel.scanner
    text = 'He said: "We will win."'
    for args in [
        (text, text.lower(), 9, 7, False),  # the mark before the cue
        (text, text.lower(), 7, len(text) + 1, False),  # past the end
        (text, text.lower()[:-1], 7, 9, False),  # texts of different lengths
        (text, text.lower(), -1, 9, False),
    ]:
        with pytest.raises(ValueError):
            scanner.before(*args)
    with pytest.raises(TypeError):
        scanner.before(text, text.lower(), 7)
    unset = EXT.Scanner(["said"], [None], [None])  # classes never set: no word tables
    with pytest.raises(ValueError):
        unset.before(text, text.lower(), 7, 9, False)


@needs_ext
@settings(max_examples=500, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=400), st.integers(min_value=-5, max_value=500))
def test_the_noun_phrase_after_a_cue_agrees_with_python(text, x, limit):
    # from any position, with any limit (before it, inside the text, past its end): the
    # first ten tokens, the stop words (the word classes past the 32nd bit included) and the
    # trailing linking words ("officials in") give the same phrase
    fd, sd, _ = _docs(text)
    pos = min(x, len(text))
    assert fd.np_forward(pos, limit) == sd.np_forward(pos, limit)


@needs_ext
def test_the_noun_phrase_after_a_cue_reads_its_words():
    fd, sd, _ = _docs("")
    for text, expected in [
        ('"We will win," said Jane Doe, the minister.', "Jane Doe"),
        ('"We will win," said this week the minister.', "this week the minister"),
        ('"We will win," said the workers\' union leader in Leeds.', "the workers' union leader"),
        ('"We will win," said officials in', "officials"),
        ('"We will win," said the officials who were there.', "the officials"),
        ('"We will win," said he', "he"),
    ]:
        fd, sd, _ = _docs(text)
        b = text.index("said") + 4
        got = fd.np_forward(b, len(text))
        assert got == sd.np_forward(b, len(text))
        assert got is not None and text[got[0] : got[1]] == expected, text
    fd, sd, _ = _docs('"We will win," said that the war is over.')
    assert fd.np_forward(19, 40) is None is sd.np_forward(19, 40)  # a stop word first


@needs_ext
def test_the_noun_phrase_after_a_cue_rejects_bad_arguments():
    fast, _ = _FINDERS
    scanner = fast._accel.scanner
    text = '"Yes," said Jane Doe.'
    for args in [(text, text.lower(), -1, 10), (text, text.lower(), len(text) + 1, 30),
                 (text, text.lower()[:-1], 11, 20)]:
        with pytest.raises(ValueError):
            scanner.np_forward(*args)
    with pytest.raises(TypeError):
        scanner.np_forward(text, text.lower(), 11)
    assert scanner.np_forward(text, text.lower(), 11, len(text)) == (12, 20)
    unset = EXT.Scanner(["said"], [None], [None])  # classes never set: no word tables
    with pytest.raises(ValueError):
        unset.np_forward(text, text.lower(), 11, len(text))


@needs_ext
@settings(max_examples=500, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_the_rest_after_an_inverted_frame_agrees_with_python(text, x, y):
    # any stretch after ", X said" up to any sentence end: the adverbial tokens, a final
    # mark, ", rest of the sentence", or something that makes it no frame
    fd, sd, _ = _docs(text)
    fe, se = min(x, len(text)), min(y, len(text))
    got = fd.fast.inverted_rest(text, fd.low, fe, se)
    assert got == sd._inverted_rest(fe, se) and type(got) is type(sd._inverted_rest(fe, se))


@needs_ext
def test_the_rest_after_an_inverted_frame_reads_its_words():
    fast, _ = _FINDERS
    scanner = fast._accel.scanner
    for text, expected in [
        ("The talks, he said on Monday, will resume in May.", (30, 48)),
        ("The talks will resume, he said on Monday.", None),
        ("The talks will resume, he said Mr. Smith had left.", False),  # a finite verb
        ("The talks will resume, he said that the war was over.", False),
        ("The talks will resume, he said in a long statement read out by his office.", False),
        ("The talks, he said, end.", None),  # three characters or fewer after the comma
    ]:
        fe = text.index("said") + 4
        se = len(text) - 1
        assert scanner.inverted_rest(text, text.lower(), fe, se) == expected, text
    with pytest.raises(ValueError):
        scanner.inverted_rest(text, text.lower(), -1, 3)
    with pytest.raises(ValueError):
        scanner.inverted_rest(text, text.lower()[:-1], 3, 5)
    with pytest.raises(TypeError):
        scanner.inverted_rest(text, text.lower(), 3)


@needs_ext
@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=255), max_size=200),
                 st.text(max_size=50)))
def test_the_lower_case_of_a_latin1_text_is_str_lower(text):
    # every one-byte character (ASCII and Latin-1: "£", "É", "ß", "µ", "ÿ") as str.lower
    # maps it, as an equal str; other texts are left to str.lower (None)
    got = EXT.lower(text)
    if max(map(ord, text), default=0) > 255:
        assert got is None
    else:
        assert got == text.lower() and got.isascii() == text.isascii()


@needs_ext
def test_the_lower_case_table_covers_every_latin1_character():
    text = "".join(map(chr, range(256)))
    assert EXT.lower(text) == text.lower()
    assert EXT.lower("") == "" and EXT.lower("ABC £5") == "abc £5"
    with pytest.raises(TypeError):
        EXT.lower(b"ABC")


@needs_ext
def test_a_stale_build_without_a_module_function_leaves_the_work_to_python(monkeypatch):
    from newskit_quotes import _finder

    fast, _ = _FINDERS
    monkeypatch.setattr(_finder, "_MODULE_API", _finder._MODULE_API + ("no_such_function",))
    assert _finder._load_accelerator(fast) is None
