"""The C accelerator (``newskit_themes._speedups``) gives exactly the pure-Python findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newskit
from newskit_themes import _engine
from newskit_themes._config import ThemesConfig

DEV = Path(__file__).resolve().parents[3] / "benchmarks" / "accuracy" / "themes" / "dev.jsonl"

try:
    from newskit_themes import _speedups  # noqa: F401
    HAVE_C = True
except ImportError:  # pragma: no cover - no compiler where the package was installed
    HAVE_C = False

needs_c = pytest.mark.skipif(not HAVE_C, reason="the C accelerator is not built")


def test_the_accelerator_is_built_on_ci():
    if not os.environ.get("CI"):
        pytest.skip("only checked on CI (the CI environment variable is set)")
    from newskit_themes import _speedups

    assert hasattr(_speedups, "Engine")


def test_the_ci_build_is_the_current_source():
    # what the component uses must be built from the _speedups.c in this checkout
    if not os.environ.get("CI"):
        pytest.skip("only checked on CI (the CI environment variable is set)")
    assert _engine.ThemeTagger(ThemesConfig(), _engine.build_rules(ThemesConfig()))._c is not None


@needs_c
def test_a_build_of_another_source_is_not_used_and_says_how_to_rebuild(monkeypatch):
    from newskit_themes import _speedups

    monkeypatch.setattr(_speedups, "SOURCE_SHA256", "0" * 64)
    config = ThemesConfig()
    with pytest.warns(RuntimeWarning, match=r"another version of _speedups\.c.*pip install -e"):
        tagger = _engine.ThemeTagger(config, _engine.build_rules(config))
    assert tagger._c is None
    assert tagger.findings("Parliament voted on the budget.", "Budget vote")  # the Python path


def _pair(config=None, tmp_rules=None, limit=None, monkeypatch=None):
    """A tagger on the C engine and one on the pure-Python path, over the same rules."""
    config = ThemesConfig(**(config or {}))
    rules = _engine.build_rules(config)
    if limit is not None:
        monkeypatch.setattr(_engine, "_CACHE_LIMIT", limit)
    fast = _engine.ThemeTagger(config, rules, accelerate=True)
    slow = _engine.ThemeTagger(config, rules, accelerate=False)
    assert fast._c is not None and slow._c is None
    return fast, slow


def _plain(findings):
    return [(f.kind, f.start, f.end, f.text, f.label, f.value, f.confidence, f.attributes)
            for f in findings]


def _same(fast, slow, text, title=None, entities=()):
    got = fast.findings(text, title, entities)
    want = slow.findings(text, title, entities)
    assert _plain(got) == _plain(want), (text[:200], title)
    return got


def _dev():
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


CONFIGS = [
    {},
    {"threshold": 0.0, "max_tags": 60},  # every candidate: selection, ancestors, ranks
    {"threshold": 0.3, "max_tags": 4, "max_evidence": 2},
    {"max_level": 1, "lead_chars": 0},
    {"title_weight": 0.5, "lead_weight": 3.0, "lead_chars": 120, "top_level_cap": 0.7},
    {"lead_chars": -30, "threshold": 0.2},
    {"lead_chars": 10**30, "max_evidence": 10**12, "max_tags": 10**20, "max_level": 10**19},
]


@needs_c
@pytest.mark.parametrize("config", CONFIGS)
def test_dev_set_identical(config):
    fast, slow = _pair(config)
    n = 0
    for rec in _dev():
        text, title = rec["text"], rec.get("title")
        n += len(_same(fast, slow, text, title))
        n += len(_same(fast, slow, text))  # no title
        n += len(_same(fast, slow, f"{title}\n{text}"))  # a headline as the first line
        n += len(_same(fast, slow, text, text[:40]))  # a title the text starts with
    assert n > 0


@needs_c
def test_dev_set_identical_with_a_tiny_cache(monkeypatch):
    # the per-word tables are cleared between documents past the limit
    fast, slow = _pair({"threshold": 0.1}, limit=40, monkeypatch=monkeypatch)
    for rec in _dev():
        _same(fast, slow, rec["text"], rec.get("title"))
    assert fast._c.surfaces() < 40 + max(len(r["text"].split()) + len((r.get("title") or "").split()) for r in _dev())


def _entity(text, word, qid, etype, tags=()):
    start = text.find(word)
    if start < 0:
        return newskit.Finding("entity", None, None, None, label="ORG", value=qid,
                               attributes={"type": etype, "tags": list(tags)})
    return newskit.Finding("entity", start, start + len(word), word, label="ORG", value=qid,
                           attributes={"type": etype, "tags": list(tags)})


@needs_c
def test_entity_cues_identical():
    fast, slow = _pair({"threshold": 0.0})
    for rec in _dev()[:40]:
        text = rec["text"]
        words = text.split()
        ents = [_entity(text, words[0], "Q1410925", "company", ["central_bank"]),
                _entity(text, words[-1], "Q212", "country"),
                _entity(text, "nowhere-in-text", "Q7825", "intl_org", ["embassy"]),
                _entity(text, words[len(words) // 2], "Q1410925", "company", ["central_bank"])]
        _same(fast, slow, text, rec.get("title"), ents)


@needs_c
def test_custom_rules_identical(tmp_path):
    rules = tmp_path / "custom.toml"
    rules.write_text(
        '[taxonomy]\nname = "newsroom"\n\n'
        '[[theme]]\ncode = "acme:ai"\nlabel = "AI"\nbroader = "medtop:13000000"\n'
        'cues = ["artificial intelligence^3", "AI^2", "in the lab", "machine learn*", "of the^0.1",'
        ' "Deep Mind^2", "robot*"]\nnegative = ["AI generated^0", "the robot^1"]\n\n'
        '[[theme]]\ncode = "acme:weather"\nlabel = "weather story"\nbroader = "medtop:17000000"\n'
        'rollup = 0.5\ncues = ["rain*", "storm{,s}^2", "in the rain^2"]\n',
        encoding="utf-8",
    )
    fast, slow = _pair({"rule_paths": [str(rules)], "threshold": 0.0})
    texts = [
        "Artificial intelligence in the lab: AI generated images and machine learning robots. "
        "The robot in the rain. Storms and rain of the AI kind, ai and AI.",
        "In the rain, in the rain, in the RAIN. Deep Mind said AI AI AI. the robot the robot.",
    ]
    for text in texts:
        _same(fast, slow, text)
        _same(fast, slow, text, "AI generated storms in the rain")
        _same(fast, slow, "Robots in the rain\n" + text)
    for rec in _dev()[:30]:
        _same(fast, slow, rec["text"], rec.get("title"))


_WORDS = ["war", "price war", "embassy", "Labour", "court", "in court", "the", "Kyiv", "goal", "inflation",
          "interest rates", "prime minister", "Prime Minister", "central bank", "rain", "\u202e", "\x00",
          "😀", "“", "”", "'s", "-", "\n", ".", "İstanbul", "ﬁnance", "ß", "e\u0301", "\ud800", "Ω",
          "x" * 300, "POLICE", "Police", "police", "police's", "é" * 50]


@needs_c
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(st.sampled_from(_WORDS)).map(" ".join),
                 st.lists(st.sampled_from(_WORDS)).map("".join)),
       st.one_of(st.none(), st.text(max_size=40), st.lists(st.sampled_from(_WORDS), max_size=6).map(" ".join)))
def test_any_text_identical(text, title):
    fast, slow = _TAGGERS
    _same(fast, slow, text, title)
    _same(fast, slow, text)


def _taggers():
    if not HAVE_C:
        return None
    config = ThemesConfig(threshold=0.0, max_tags=40)
    rules = _engine.build_rules(config)
    return _engine.ThemeTagger(config, rules), _engine.ThemeTagger(config, rules, accelerate=False)


_TAGGERS = _taggers()


@needs_c
def test_empty_and_long_texts_identical():
    fast, slow = _TAGGERS
    for text in ["", " ", "\n", "a", "war", "War war WAR war. " * 5000, "police " * 5000 + "x" * 100000,
                 "price war " * 3000, "\u201cThe war\u201d, said the ambassador\u2019s embassy.\n" * 200]:
        _same(fast, slow, text)
        _same(fast, slow, text, "War and embassy")


def test_switch_off_gives_the_python_path(monkeypatch):
    monkeypatch.setattr(_engine, "_USE_SPEEDUPS", False)
    tagger = _engine.make_component(ThemesConfig())
    assert tagger._c is None
    assert tagger.findings("The ambassador visited the embassy for peace talks.", None)
